"""Storage: SQLAlchemy tables, engine set-up, migrations and set-based queries."""
