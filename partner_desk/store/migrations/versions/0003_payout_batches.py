"""Payout batches: the exported batches, their requests and files; append-only like the ledger, with
the guards of 0002_trust (UPDATE, DELETE and REPLACE refused); each batch keeps the audit trail's head
as it stood when the batch was made."""

from alembic import op
import sqlalchemy as sa

from partner_desk.store.migrations import ddl


revision = "0003_payout_batches"
down_revision = "0002_trust"

TABLES = ("payout_batches", "payout_batch_requests", "payout_batch_files")
# the keys an INSERT may not reuse: SQLite's REPLACE deletes the row holding them without firing a trigger
KEYS: dict[str, tuple[str, ...]] = {
    "payout_batches": ("id",),
    "payout_batch_requests": ("batch_id", "withdrawal_id"),
    "payout_batch_files": ("id",),
}


def upgrade() -> None:
    op.create_table(
        "payout_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("audit_head", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "payout_batch_requests",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("withdrawal_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["payout_batches.id"]),
        sa.ForeignKeyConstraint(["withdrawal_id"], ["withdrawals.id"]),
        sa.PrimaryKeyConstraint("batch_id", "withdrawal_id"),
    )
    with op.batch_alter_table("payout_batch_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payout_batch_requests_withdrawal_id"), ["withdrawal_id"], unique=False)
    op.create_table(
        "payout_batch_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("request_ids", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["payout_batches.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payout_batch_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payout_batch_files_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payout_batch_files_sha256"), ["sha256"], unique=False)
    _append_only_guards()


def _append_only_guards() -> None:
    """The database refuses UPDATE, DELETE and REPLACE on the batch tables, as on the ledger (0001,
    0002_trust); on PostgreSQL an INSERT ... ON CONFLICT DO UPDATE fires the UPDATE guard."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(ddl.sqlite_append_only(table, event))
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN {ddl.key_taken(table, KEYS[table])} "
                f"BEGIN SELECT RAISE(ABORT, '{table}: an insert may not reuse a key (REPLACE refused)'); END"
            )
    elif dialect == "postgresql":
        # the function the triggers call was made by the initial schema
        for table in TABLES:
            for statement in ddl.postgresql_append_only(table):
                op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        if dialect == "sqlite":
            for event in ("update", "delete", "replace"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    with op.batch_alter_table("payout_batch_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_batch_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_payout_batch_files_batch_id"))
    op.drop_table("payout_batch_files")
    with op.batch_alter_table("payout_batch_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_batch_requests_withdrawal_id"))
    op.drop_table("payout_batch_requests")
    op.drop_table("payout_batches")
