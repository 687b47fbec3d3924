"""Agencies get the language of their statements (uk or en); none means the company default."""

from alembic import op
import sqlalchemy as sa


revision = "0004_agency_language"
down_revision = "0003_payout_batches"


def upgrade() -> None:
    # a nullable column: existing agencies keep working and take the company default
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("language")
