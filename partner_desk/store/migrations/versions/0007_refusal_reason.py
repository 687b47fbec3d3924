"""An audit record of a refused attempt keeps its reason typed (`reason`: the refusal's code and values,
as JSON), beside the English `message`, so the window can word it in its own language; covered by the
record's hash. Records written before keep none and verify as they were written."""

from alembic import op
import sqlalchemy as sa


revision = "0007_refusal_reason"
down_revision = "0006_display_name"


def upgrade() -> None:
    # a nullable column added in place (no table rebuild: the audit trail's guards stay as they are)
    op.add_column("audit", sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_column("reason")
