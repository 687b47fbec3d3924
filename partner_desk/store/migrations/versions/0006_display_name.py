"""Users get a display name, shown instead of their user name where the window names them; none means
the user name itself."""

from alembic import op
import sqlalchemy as sa


revision = "0006_display_name"
down_revision = "0005_accrued_payments"


def upgrade() -> None:
    # a nullable column added in place (no table rebuild: the users table's guards stay as they are)
    op.add_column("users", sa.Column("display_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("display_name")
