"""Late payments are found without reading the history: `late_payments` holds every payment the next
posting must consider late, and each posting empties it; payments keep one index for the month's reads
and a project's history, and index only their refunds by original and by month.

On an existing database every payment a posting could still accrue late (not accrued, of a month up
to the last one posted, a subscription or a refund) is noted in `late_payments`, so the next posting
finds exactly what it found before."""

from alembic import op
import sqlalchemy as sa


revision = "0005_accrued_payments"
down_revision = "0004_agency_language"

REFUNDS_ONLY = sa.text("refund_of IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "late_payments",
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.payment_id"]),
        sa.PrimaryKeyConstraint("payment_id"),
    )
    op.drop_index("ix_payments_project_paid", table_name="payments")
    op.create_index("ix_payments_period", "payments", ["period"], unique=False)
    op.drop_index("ix_payments_refund_of", table_name="payments")
    op.create_index("ix_payments_refund_of", "payments", ["refund_of"], unique=False,
                    sqlite_where=REFUNDS_ONLY, postgresql_where=REFUNDS_ONLY)
    op.create_index("ix_payments_refund_period", "payments", ["period"], unique=False,
                    sqlite_where=REFUNDS_ONLY, postgresql_where=REFUNDS_ONLY)
    op.execute(
        "INSERT INTO late_payments (payment_id) "
        "SELECT p.payment_id FROM payments p "
        "WHERE p.period <= (SELECT MAX(period) FROM posted_periods) "
        "AND (p.service = 'subscription' OR p.refund_of IS NOT NULL) "
        "AND NOT EXISTS (SELECT 1 FROM accrual_lines l WHERE l.payment_id = p.payment_id)"
    )


def downgrade() -> None:
    op.drop_index("ix_payments_refund_period", table_name="payments")
    op.drop_index("ix_payments_refund_of", table_name="payments")
    op.drop_index("ix_payments_period", table_name="payments")
    op.create_index("ix_payments_refund_of", "payments", ["refund_of"], unique=False)
    op.create_index("ix_payments_project_paid", "payments", ["project_id", "paid_at"], unique=False)
    op.drop_table("late_payments")
