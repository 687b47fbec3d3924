"""The database's own guards as the migrations write them: each statement built once, here.

A migration that has run must produce the same schema when it runs again on a new database, so each
builder's text never changes; a guard that has to change gets a new builder and a new migration.
"""

from __future__ import annotations

import textwrap

# the function the append-only triggers call on PostgreSQL (made by 0001, used by 0003_payout_batches)
APPEND_ONLY_FUNCTION = "partner_desk_append_only"
_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message}', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def sqlite_append_only(table: str, event: str) -> str:
    """SQLite: the trigger refusing `event` (UPDATE or DELETE) on an append-only table."""
    return (
        f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused'); END"
    )


def postgresql_append_only(table: str) -> tuple[str, str]:
    """PostgreSQL: the triggers refusing UPDATE and DELETE (a row at a time) and TRUNCATE on a table."""
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {APPEND_ONLY_FUNCTION}()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {APPEND_ONLY_FUNCTION}()",
    )


def postgresql_refusing_function(name: str, message: str, indent: int) -> str:
    """PostgreSQL: a trigger function that refuses whatever fired it; `message` names the table and the
    operation with two `%`. `indent`: the function's text indented as the migration first wrote it."""
    return textwrap.indent(_FUNCTION.format(name=name, message=message), " " * indent) + " " * indent


def key_taken(table: str, columns: tuple[str, ...]) -> str:
    """SQLite: whether an inserted row reuses a key of `table` (REPLACE would delete the row holding it
    without firing a trigger)."""
    match = " AND ".join(f"{c} = NEW.{c}" for c in columns)
    return f"EXISTS (SELECT 1 FROM {table} WHERE {match})"
