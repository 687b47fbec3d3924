"""Initial schema: every table, and append-only guards on the ledger, accruals and audit trail."""

from alembic import op
import sqlalchemy as sa

from partner_desk.store.migrations import ddl


revision = '0001'
down_revision = None


def upgrade() -> None:

    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('offer_accepted_at', sa.DateTime(), nullable=True),
    sa.Column('manager', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agencies_manager'), ['manager'], unique=False)

    op.create_table('audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_name', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object', sa.String(length=200), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_action'), ['action'], unique=False)

    op.create_table('imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_name', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('payments',
    sa.Column('payment_id', sa.String(length=64), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('service', sa.String(length=16), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('refund_of', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['refund_of'], ['payments.payment_id'], ),
    sa.PrimaryKeyConstraint('payment_id')
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_period_project', ['period', 'project_id'], unique=False)
        batch_op.create_index('ix_payments_project_paid', ['project_id', 'paid_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_refund_of'), ['refund_of'], unique=False)

    op.create_table('posted_periods',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.Column('posted_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('period')
    )
    op.create_table('projects',
    sa.Column('project_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('rates',
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('per_usd', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('currency', 'day')
    )
    op.create_table('reward_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('min_reward_usd', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('tier_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.String(length=7), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('effective_from')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('accruals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('turnover_usd', sa.String(length=80), nullable=False),
    sa.Column('percent', sa.String(length=80), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('reward_usd', sa.String(length=80), nullable=False),
    sa.Column('reward_level_usd', sa.String(length=80), nullable=True),
    sa.Column('benefits', sa.Text(), nullable=False),
    sa.Column('tier_version_id', sa.Integer(), nullable=True),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('late_lines', sa.Integer(), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['period'], ['posted_periods.period'], ),
    sa.ForeignKeyConstraint(['tier_version_id'], ['tier_versions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_id', 'period')
    )
    with op.batch_alter_table('accruals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accruals_period'), ['period'], unique=False)

    op.create_table('benefits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['reward_levels.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('benefits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefits_level_id'), ['level_id'], unique=False)

    op.create_table('connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('connected_at', sa.DateTime(), nullable=False),
    sa.Column('disconnected_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.project_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'connected_at')
    )
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.create_index('ix_connections_agency', ['agency_id'], unique=False)

    op.create_table('tier_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('min_usd', sa.String(length=80), nullable=False),
    sa.Column('percent', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['tier_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tier_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tier_levels_version_id'), ['version_id'], unique=False)

    op.create_table('withdrawals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('paid_by', sa.String(length=64), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payout_reference', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('withdrawals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawals_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawals_status'), ['status'], unique=False)

    op.create_table('accrual_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('accrual_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.String(length=64), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('percent', sa.String(length=80), nullable=False),
    sa.Column('pay_rate', sa.String(length=80), nullable=False),
    sa.Column('partner_rate', sa.String(length=80), nullable=True),
    sa.Column('usd_amount', sa.String(length=80), nullable=False),
    sa.Column('partner_amount', sa.String(length=80), nullable=False),
    sa.Column('commission_minor', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['accrual_id'], ['accruals.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.payment_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('payment_id')
    )
    with op.batch_alter_table('accrual_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accrual_lines_accrual_id'), ['accrual_id'], unique=False)

    op.create_table('benefit_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('benefit_states', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_states_agency', ['agency_id', 'benefit_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('user_name', sa.String(length=64), nullable=True),
    sa.Column('accrual_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.String(length=64), nullable=True),
    sa.Column('project_amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('project_currency', sa.String(length=3), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['accrual_id'], ['accruals.id'], ),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.project_id'], ),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entries.id'], ),
    sa.ForeignKeyConstraint(['withdrawal_id'], ['withdrawals.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_agency', ['agency_id', 'id'], unique=False)




    _append_only_guards()


# in the order they are created: each after the tables its foreign keys name
TABLES = ("agencies", "audit", "imports", "payments", "posted_periods", "projects", "rates", "reward_levels",
          "settings", "tier_versions", "users", "accruals", "benefits", "connections", "tier_levels", "withdrawals",
          "accrual_lines", "benefit_states", "ledger_entries")
APPEND_ONLY = ("ledger_entries", "audit", "accruals", "accrual_lines", "posted_periods")


def _append_only_guards() -> None:
    """The database itself refuses UPDATE and DELETE on append-only tables."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(ddl.sqlite_append_only(table, event))
    elif dialect == "postgresql":
        op.execute(ddl.postgresql_refusing_function(ddl.APPEND_ONLY_FUNCTION, "% is append-only: % refused", 12))
        for table in APPEND_ONLY:
            for statement in ddl.postgresql_append_only(table):
                op.execute(statement)


def downgrade() -> None:
    # dropping a table drops its indexes and triggers with it; the later tables first, for their foreign keys
    for table in reversed(TABLES):
        op.drop_table(table)
