"""The tables. Money is integer minor units (`*_minor`) beside its currency, or exact text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from partner_desk.domain.accrual import ServiceKind
from partner_desk.domain.ledger import EntryKind
from partner_desk.domain.periods import Period
from partner_desk.domain.rewards import Fulfilment
from partner_desk.domain.roles import Role
from partner_desk.domain.withdrawals import Method, Status
from partner_desk.store.types import ExactDecimal, PeriodText, TextEnum, UTCDateTime, utc_now


class Base(DeclarativeBase):
    pass


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(TextEnum(Role, 16, lambda role: role.label))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # what the window calls the user; None: the user name
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    offer_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    manager: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # the language of its statements ('uk' or 'en'); None: the company default (a setting)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)


class Project(Base):
    __tablename__ = "projects"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))


class Connection(Base):
    """A project connected to an agency from `connected_at` (inclusive) until `disconnected_at`."""

    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint("project_id", "connected_at"),
        Index("ix_connections_agency", "agency_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.project_id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


_REFUNDS_ONLY = text("refund_of IS NOT NULL")


class Payment(Base):
    """A billing payment as exported; `local_date` and `period` are in the company time zone.

    A month is read through `period` alone (its payments in the order they were stored) and a
    project's months through `period, project_id`; refunds, which are few, have indexes of their own
    that leave the other payments out."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_period", "period"),
        Index("ix_payments_period_project", "period", "project_id"),
        Index("ix_payments_refund_of", "refund_of", sqlite_where=_REFUNDS_ONLY, postgresql_where=_REFUNDS_ONLY),
        Index("ix_payments_refund_period", "period", sqlite_where=_REFUNDS_ONLY, postgresql_where=_REFUNDS_ONLY),
    )
    payment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))
    service: Mapped[ServiceKind] = mapped_column(TextEnum(ServiceKind, 16))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    refund_of: Mapped[str | None] = mapped_column(ForeignKey("payments.payment_id"), nullable=True)


class LatePayment(Base):
    """A payment the next posting must consider late: imported into a month already closed, or of a
    project given a new connection over one. Each posting empties the table (store/accrual_scan.py)."""

    __tablename__ = "late_payments"
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.payment_id"), primary_key=True)


class Rate(Base):
    __tablename__ = "rates"
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    per_usd: Mapped[Decimal] = mapped_column(ExactDecimal)


class TierVersion(Base):
    __tablename__ = "tier_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_from: Mapped[Period] = mapped_column(PeriodText, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class TierLevel(Base):
    __tablename__ = "tier_levels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("tier_versions.id"), index=True)
    min_usd: Mapped[Decimal] = mapped_column(ExactDecimal)
    percent: Mapped[Decimal] = mapped_column(ExactDecimal)


class RewardLevelRow(Base):
    __tablename__ = "reward_levels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    min_reward_usd: Mapped[Decimal] = mapped_column(ExactDecimal)


class Benefit(Base):
    __tablename__ = "benefits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("reward_levels.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))


class BenefitState(Base):
    """Fulfilment history of a benefit for an agency; the latest row is the current state."""

    __tablename__ = "benefit_states"
    __table_args__ = (Index("ix_benefit_states_agency", "agency_id", "benefit_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefits.id"))
    state: Mapped[Fulfilment] = mapped_column(TextEnum(Fulfilment, 16))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    changed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class PostedPeriod(Base):
    """A period whose accrual run was posted; there is at most one run per period."""

    __tablename__ = "posted_periods"
    period: Mapped[Period] = mapped_column(PeriodText, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    posted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Accrual(Base):
    __tablename__ = "accruals"
    __table_args__ = (UniqueConstraint("agency_id", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    # stored as the text of its posted period; read as that text (YYYY-MM)
    period: Mapped[str] = mapped_column(String(7), ForeignKey("posted_periods.period"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    turnover_usd: Mapped[Decimal] = mapped_column(ExactDecimal)
    percent: Mapped[Decimal] = mapped_column(ExactDecimal)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    reward_usd: Mapped[Decimal] = mapped_column(ExactDecimal)
    # the reward level and benefits reached, as they stood when the accrual was posted
    reward_level_usd: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    benefits: Mapped[str] = mapped_column(Text, default="[]")
    tier_version_id: Mapped[int | None] = mapped_column(ForeignKey("tier_versions.id"), nullable=True)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    late_lines: Mapped[int] = mapped_column(Integer, default=0)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # the digest of its lines (see store/chain.py), and its link in the accruals' hash chain
    lines_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AccrualLine(Base):
    """A payment accrued; `payment_id` is unique, so no payment is ever accrued twice."""

    __tablename__ = "accrual_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    accrual_id: Mapped[int] = mapped_column(ForeignKey("accruals.id"), index=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.payment_id"), unique=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    percent: Mapped[Decimal] = mapped_column(ExactDecimal)
    pay_rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    partner_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    usd_amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    partner_amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    commission_minor: Mapped[int] = mapped_column(BigInteger)


class Withdrawal(Base):
    __tablename__ = "withdrawals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[Method] = mapped_column(TextEnum(Method, 16))
    details: Mapped[str] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(TextEnum(Status, 16), index=True)
    requested_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    payout_reference: Mapped[str | None] = mapped_column(Text, nullable=True)


class PayoutBatch(Base):
    """An exported payout batch: approved requests of one method written to payout files.

    Append-only, like its files and requests: whether a batch was paid is read from its requests.
    """

    __tablename__ = "payout_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[Method] = mapped_column(TextEnum(Method, 16))
    made_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    folder: Mapped[str] = mapped_column(Text)
    # the audit trail's head (COUNT:HASH) when the batch was made; its register and SEPA file carry it too
    audit_head: Mapped[str | None] = mapped_column(String(80), nullable=True)


class PayoutBatchRequest(Base):
    __tablename__ = "payout_batch_requests"
    batch_id: Mapped[int] = mapped_column(ForeignKey("payout_batches.id"), primary_key=True)
    withdrawal_id: Mapped[int] = mapped_column(ForeignKey("withdrawals.id"), primary_key=True, index=True)


class PayoutBatchFile(Base):
    """A file of a batch: its name, kind, currency, content hash and the requests it holds."""

    __tablename__ = "payout_batch_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payout_batches.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    request_ids: Mapped[str] = mapped_column(Text)  # "12,13,14"


class LedgerEntry(Base):
    """Append-only and hash-chained: the database refuses UPDATE, DELETE and REPLACE on this table,
    and rows are written only through `store.chain`."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_agency", "agency_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[EntryKind] = mapped_column(TextEnum(EntryKind, 24))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    effective_on: Mapped[date] = mapped_column(Date)
    user_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    accrual_id: Mapped[int | None] = mapped_column(ForeignKey("accruals.id"), nullable=True)
    withdrawal_id: Mapped[int | None] = mapped_column(ForeignKey("withdrawals.id"), nullable=True)
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.project_id"), nullable=True)
    project_amount_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    project_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuditRecord(Base):
    """Append-only and hash-chained: each record's hash covers its content and the previous hash."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    user_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object: Mapped[str | None] = mapped_column(String(200), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # the head of each chained table when the record was written (JSON), and the set clock's value
    # when the action ran under one (PARTNER_DESK_NOW)
    anchors: Mapped[str | None] = mapped_column(Text, nullable=True)
    clock: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # a refused attempt's reason, typed (refusal_text.recorded): the window words it in its language
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ImportRun(Base):
    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    user_name: Mapped[str | None] = mapped_column(String(64), nullable=True)

