"""Which schema revision a database has and which this version makes, read without Alembic.

Every command checks the revision before it works; reading it with plain SQL and the migration files'
own `revision`/`down_revision` lines spares each command the loading of Alembic, which only creating or
upgrading a database needs (store/migrate.py)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

VERSIONS = Path(__file__).parent / "migrations" / "versions"
VERSION_TABLE = "alembic_version"


@cache
def _chain() -> dict[str, str | None]:
    """Each migration's revision and the revision it follows, from the files' top-level assignments."""
    found: dict[str, str | None] = {}
    for path in sorted(VERSIONS.glob("*.py")):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                values[target.id] = ast.literal_eval(value)
        revision = values.get("revision")
        if isinstance(revision, str):
            down = values.get("down_revision")
            found[revision] = down if isinstance(down, str) else None
    return found


def head_revision() -> str | None:
    """The newest revision: the one no other migration follows."""
    chain = _chain()
    followed = set(chain.values())
    heads = [revision for revision in chain if revision not in followed]
    return heads[0] if len(heads) == 1 else None


def known(revision: str) -> bool:
    """Whether `revision` is one of this version's migrations."""
    return revision in _chain()


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, read in a read transaction: checking it never waits for a writer."""
    with engine.connect() as connection:
        connection.execution_options(readonly=True)
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found = list(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
        return found[0] if len(found) == 1 else None


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
