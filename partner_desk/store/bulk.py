"""Set-based writes of many rows in the caller's transaction.

On SQLite the driver's own executemany is several times faster than SQLAlchemy's statement
building, so values are run through each column type's bind processor and handed to it directly;
other databases take the Core insert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    # the dialect's own type, not the generic one: SQLite's DATETIME processor writes the same
    # 'YYYY-MM-DD HH:MM:SS.ffffff' text as the ORM, so stored moments compare correctly in SQL
    processors: list[Callable[[Any], Any] | None] = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    if any(processors):
        prepared = [
            tuple(p(v) if p is not None and v is not None else v for p, v in zip(processors, row, strict=True))
            for row in rows
        ]
    else:
        prepared = [tuple(row) for row in rows]
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", prepared)
