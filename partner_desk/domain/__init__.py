"""Pure rules of the partner program: no Qt, no SQLAlchemy, no I/O."""
