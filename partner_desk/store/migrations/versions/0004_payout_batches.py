"""Payout batches: the exported batches, their requests and files; append-only like the ledger.

Revision ID: 0004_payout_batches
Revises: 0001
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = "0004_payout_batches"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("payout_batches", "payout_batch_requests", "payout_batch_files")


def upgrade() -> None:
    op.create_table(
        "payout_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("folder", sa.Text(), nullable=False),
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
    """The database refuses UPDATE and DELETE on the batch tables, as on the ledger (0001)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused'); END"
                )
    elif dialect == "postgresql":
        # partner_desk_append_only() was created by the initial schema
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION partner_desk_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION partner_desk_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        if dialect == "sqlite":
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    with op.batch_alter_table("payout_batch_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_batch_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_payout_batch_files_batch_id"))
    op.drop_table("payout_batch_files")
    with op.batch_alter_table("payout_batch_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_batch_requests_withdrawal_id"))
    op.drop_table("payout_batch_requests")
    op.drop_table("payout_batches")
