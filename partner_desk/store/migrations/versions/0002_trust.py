"""Trust: hash chains over the ledger, accruals and posted periods; audit anchors; the database
refuses REPLACE on append-only tables, guards the withdrawal state machine and never deletes users.

Existing rows get their chain links here, computed exactly as `partner_desk/store/chain.py` does
(the code is repeated so this migration never changes when the product does)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

from partner_desk.store.migrations import ddl

revision = "0002_trust"
down_revision = "0001"

GENESIS = "0" * 64
APPEND_ONLY = ("ledger_entries", "audit", "accruals", "accrual_lines", "posted_periods")
CHAINED: dict[str, tuple[str, tuple[str, ...]]] = {
    "ledger_entries": ("id", ("id", "agency_id", "kind", "amount_minor", "currency", "created_at", "effective_on",
                              "user_name", "accrual_id", "withdrawal_id", "project_id", "project_amount_minor",
                              "project_currency", "reverses_id", "note")),
    "accruals": ("id", ("id", "agency_id", "period", "currency", "turnover_usd", "percent", "amount_minor",
                        "reward_usd", "reward_level_usd", "benefits", "tier_version_id", "lines", "late_lines",
                        "posted_at", "lines_hash")),
    "posted_periods": ("period", ("period", "as_of", "posted_at", "posted_by")),
}
MOMENTS = {"created_at", "posted_at"}
DAYS = {"effective_on", "as_of"}
DECIMALS = {"turnover_usd", "percent", "reward_usd", "reward_level_usd"}
# the keys an INSERT may not reuse: REPLACE deletes the row holding them without firing a trigger
KEYS: dict[str, list[tuple[str, ...]]] = {
    "ledger_entries": [("id",)],
    "audit": [("id",)],
    "accruals": [("id",), ("agency_id", "period")],
    "accrual_lines": [("id",), ("payment_id",)],
    "posted_periods": [("period",)],
    "withdrawals": [("id",)],
    "users": [("id",), ("name",)],
}
WITHDRAWAL_MOVES = "(OLD.status = 'pending' AND NEW.status IN ('approved', 'rejected', 'cancelled')) " \
                   "OR (OLD.status = 'approved' AND NEW.status = 'paid')"
WITHDRAWAL_FIXED = ("id", "agency_id", "amount_minor", "currency", "method", "details", "requested_by",
                    "requested_at")


def _canon(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in MOMENTS:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if column in DAYS:
        return (value if isinstance(value, date) else date.fromisoformat(str(value)[:10])).isoformat()
    if column in DECIMALS:
        return format(Decimal(str(value)), "f")
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else format(value, "f")
    return str(value)


def _link(prev: str, table: str, fields: tuple[str, ...], row: dict[str, Any]) -> str:
    payload = json.dumps([prev, table, [_canon(f, row[f]) for f in fields]], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lines_digests(bind: sa.engine.Connection) -> dict[int, str]:
    parts: dict[int, list[str]] = {}
    rows = bind.execute(sa.text("SELECT accrual_id, payment_id, late, percent, pay_rate, partner_rate, "
                                "commission_minor FROM accrual_lines"))
    for accrual_id, payment_id, late, percent, pay_rate, partner_rate, commission in rows:
        terms = (f"{Decimal(str(percent)):f}\x1f{Decimal(str(pay_rate)):f}\x1f"
                 f"{'' if partner_rate is None else format(Decimal(str(partner_rate)), 'f')}")
        parts.setdefault(accrual_id, []).append(f"{payment_id}\x1f{int(bool(late))}\x1f{terms}\x1f{int(commission)}")
    return {aid: hashlib.sha256("\x1e".join(sorted(p)).encode("utf-8")).hexdigest() for aid, p in parts.items()}


def _backfill(bind: sa.engine.Connection) -> None:
    empty = hashlib.sha256(b"").hexdigest()
    digests = _lines_digests(bind)
    for aid in [r[0] for r in bind.execute(sa.text("SELECT id FROM accruals"))]:
        bind.execute(sa.text("UPDATE accruals SET lines_hash = :h WHERE id = :id"),
                     {"h": digests.get(aid, empty), "id": aid})
    for table, (key, fields) in CHAINED.items():
        result = bind.execute(sa.text(f"SELECT {', '.join(fields)} FROM {table} ORDER BY {key}"))
        prev = GENESIS
        updates = []
        for values in result.mappings():
            row = dict(values)
            digest = _link(prev, table, fields, row)
            updates.append({"p": prev, "h": digest, "k": row[key]})
            prev = digest
        if updates:
            bind.execute(sa.text(f"UPDATE {table} SET prev_hash = :p, hash = :h WHERE {key} = :k"), updates)


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    for table in CHAINED:
        if table == "accruals":
            op.add_column(table, sa.Column("lines_hash", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("prev_hash", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("hash", sa.String(length=64), nullable=True))
    op.add_column("audit", sa.Column("anchors", sa.Text(), nullable=True))
    op.add_column("audit", sa.Column("clock", sa.String(length=64), nullable=True))

    if dialect == "sqlite":
        for table in CHAINED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        _backfill(bind)
        for table in CHAINED:
            op.execute(ddl.sqlite_append_only(table, "UPDATE"))
        _sqlite_guards()
    elif dialect == "postgresql":
        for table in CHAINED:
            op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        _backfill(bind)
        for table in CHAINED:
            op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            columns = ["prev_hash", "hash"] + (["lines_hash"] if table == "accruals" else [])
            for column in columns:
                op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")
        _postgresql_guards()
    else:
        _backfill(bind)


def _sqlite_guards() -> None:
    for table, keys in KEYS.items():
        conditions = [ddl.key_taken(table, cols) for cols in keys]
        if table in CHAINED:
            conditions.append("NEW.hash IS NULL OR NEW.prev_hash IS NULL")
        if table == "accruals":
            conditions.append("NEW.lines_hash IS NULL")
        if table == "withdrawals":
            conditions.append("NEW.status IS NOT 'pending' OR NEW.decided_by IS NOT NULL OR NEW.paid_on IS NOT NULL")
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {' OR '.join(conditions)} "
            f"BEGIN SELECT RAISE(ABORT, '{table}: an insert may not reuse a key, skip its hash or start "
            f"anywhere but pending (REPLACE refused)'); END"
        )
    fixed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in WITHDRAWAL_FIXED)
    op.execute(
        "CREATE TRIGGER withdrawals_moves BEFORE UPDATE ON withdrawals "
        f"WHEN NOT ({WITHDRAWAL_MOVES}) OR {fixed} "
        "OR (OLD.decided_by IS NOT NULL AND NEW.decided_by IS NOT OLD.decided_by) "
        "BEGIN SELECT RAISE(ABORT, 'withdrawals: a request moves only pending -> approved -> paid or "
        "pending -> rejected / cancelled, and a settled request never changes'); END"
    )
    for table in ("withdrawals", "users"):
        op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, '{table}: DELETE refused'); END")


def _postgresql_guards() -> None:
    fixed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in WITHDRAWAL_FIXED)
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION partner_desk_withdrawal_moves() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'withdrawals: DELETE refused';
            END IF;
            IF TG_OP = 'INSERT' THEN
                IF NEW.status <> 'pending' OR NEW.decided_by IS NOT NULL OR NEW.paid_on IS NOT NULL THEN
                    RAISE EXCEPTION 'withdrawals: a request starts pending';
                END IF;
                RETURN NEW;
            END IF;
            IF NOT ({WITHDRAWAL_MOVES}) OR {fixed}
               OR (OLD.decided_by IS NOT NULL AND NEW.decided_by IS DISTINCT FROM OLD.decided_by) THEN
                RAISE EXCEPTION 'withdrawals: a request moves only pending -> approved -> paid or '
                                'pending -> rejected / cancelled, and a settled request never changes';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute("CREATE TRIGGER withdrawals_moves BEFORE INSERT OR UPDATE OR DELETE ON withdrawals "
               "FOR EACH ROW EXECUTE FUNCTION partner_desk_withdrawal_moves()")
    op.execute(ddl.postgresql_refusing_function("partner_desk_no_delete", "%: % refused", 8))
    op.execute("CREATE TRIGGER users_no_delete BEFORE DELETE ON users "
               "FOR EACH ROW EXECUTE FUNCTION partner_desk_no_delete()")
    for table in ("withdrawals", "users"):
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION partner_desk_no_delete()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in KEYS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        for name in ("withdrawals_moves", "withdrawals_no_delete", "users_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for table in CHAINED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS withdrawals_moves ON withdrawals")
        for table in ("withdrawals", "users"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS users_no_delete ON users")
        op.execute("DROP FUNCTION IF EXISTS partner_desk_withdrawal_moves()")
        op.execute("DROP FUNCTION IF EXISTS partner_desk_no_delete()")
        for table in CHAINED:
            op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    for table in CHAINED:
        op.drop_column(table, "hash")
        op.drop_column(table, "prev_hash")
        if table == "accruals":
            op.drop_column(table, "lines_hash")
    op.drop_column("audit", "clock")
    op.drop_column("audit", "anchors")
    if dialect == "sqlite":
        for table in CHAINED:
            op.execute(ddl.sqlite_append_only(table, "UPDATE"))
    elif dialect == "postgresql":
        for table in CHAINED:
            op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
