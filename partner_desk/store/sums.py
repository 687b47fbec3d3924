"""Exact sums of integer minor units on every database.

SQLite's SUM stops with "integer overflow" once a running total passes 2**63 - 1, and a balance
that cannot be summed cannot be read, nor repaired from the application. `exact_sum` is SQL's SUM
on PostgreSQL (whose SUM of BIGINT is an exact NUMERIC) and, on SQLite, an aggregate that adds in
Python integers and returns its total as text. Either way the result reads back as a Python int.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import BigInteger, TypeDecorator

SQLITE_NAME = "exact_sum"


class WholeNumber(TypeDecorator[int]):
    """A sum as a Python int, whether the database sent an integer, a NUMERIC or text."""

    impl = BigInteger
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


class exact_sum(GenericFunction[int]):
    """SUM(column) that cannot overflow; None over no rows, like SUM."""

    type = WholeNumber()
    inherit_cache = True
    name = "exact_sum"


@compiles(exact_sum)
def _sum(element: exact_sum, compiler: SQLCompiler, **kw: Any) -> str:
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(exact_sum, "sqlite")
def _sqlite_sum(element: exact_sum, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_NAME}({compiler.process(element.clauses, **kw)})"


class _ExactTotal:
    """The SQLite aggregate: Python integers never overflow; the total goes back as text, since an
    SQLite integer could not hold it."""

    def __init__(self) -> None:
        self.total: int | None = None

    def step(self, value: Any) -> None:
        if value is not None:
            self.total = (self.total or 0) + int(value)

    def finalize(self) -> str | None:
        return None if self.total is None else str(self.total)


def register_sqlite(dbapi_connection: Any) -> None:
    """Make `exact_sum` known to one SQLite connection."""
    dbapi_connection.create_aggregate(SQLITE_NAME, 1, _ExactTotal)
