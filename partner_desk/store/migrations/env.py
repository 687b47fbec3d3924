"""Alembic environment: migrations run on the connection `partner_desk.store.migrate` hands over."""

from __future__ import annotations

from alembic import context

from partner_desk.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached from the alembic command line
    from partner_desk.store.engine import make_engine

    connection = make_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
