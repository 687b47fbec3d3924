"""`accrue --json` as it is written (services/accrual_json.py, cli/accrue.py) gives the very bytes of
`json.dump(run_as_dict(run), ensure_ascii=False, indent=2)`: the straightforward way, which is the
reference (SPEC section 10)."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partner_desk.cli.accrue import _copy
from partner_desk.domain.accrual import AgencyAccrual, Line, ServiceKind, Terms
from partner_desk.domain.money import minor_digits
from partner_desk.domain.periods import Period
from partner_desk.services.accrual_json import RunJson
from partner_desk.services.accruals import AccrualRun, run_as_dict

CURRENCIES = ("USD", "EUR", "JPY", "KWD")
PERIOD = Period(2026, 9)
# ids and names as a file may hold them: quotes, backslashes, control characters, other scripts
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
MOMENT = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda m: m.replace(tzinfo=UTC))
WHOLE_SECOND = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda m: m.replace(microsecond=0, tzinfo=UTC))
# a moment of another offset too: "Z" stands for UTC alone
OFFSET_MOMENT = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31),
                             timezones=st.sampled_from([UTC, timezone(timedelta(hours=3)),
                                                        timezone(timedelta(hours=-5, minutes=-30))]))


def _exact(low: str, high: str, places: int | None) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), allow_nan=False, allow_infinity=False,
                       places=places)


# a quotient of the exact pricing: up to 60 digits, its sign either way, often a tiny one that rounds to zero
QUOTIENT = st.one_of(_exact("-1e6", "1e6", None), _exact("-0.01", "0.01", None),
                     st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**6).map(
                         lambda f: Decimal(f.numerator) / Decimal(f.denominator)))
PERCENT = st.sampled_from([Decimal(10), Decimal("12.5"), Decimal("15.00"), Decimal(30), Decimal("0")])


@st.composite
def lines(draw: st.DrawFn, partner: str) -> Line:
    currency = draw(st.sampled_from(CURRENCIES))
    refund = draw(st.booleans())
    minor = draw(st.integers(min_value=1, max_value=10**12))
    amount = Decimal(-minor if refund else minor).scaleb(-minor_digits(currency))
    moment = draw(st.one_of(MOMENT, OFFSET_MOMENT))
    terms = Terms(draw(PERCENT), draw(_exact("0.0001", "200", 4)), draw(st.none() | _exact("0.0001", "200", 4)))
    return Line(draw(TEXT), draw(TEXT), moment, date(2026, 9, 1), PERIOD, draw(st.sampled_from(list(ServiceKind))),
                amount, currency, draw(TEXT) if refund else None, draw(st.booleans()), terms,
                draw(QUOTIENT), draw(QUOTIENT), draw(QUOTIENT))


@st.composite
def accruals(draw: st.DrawFn) -> AgencyAccrual:
    currency = draw(st.sampled_from(CURRENCIES))
    drawn = draw(st.lists(lines(currency), max_size=6))
    if draw(st.booleans()):
        # moments as payments are stored: whole seconds in UTC, before and after 1970 too
        drawn = [line._replace(paid_at=draw(WHOLE_SECOND)) for line in drawn]
    if drawn and currency == "USD" and draw(st.booleans()):
        # a partner in USD: its amounts are the very USD amounts
        drawn = [line._replace(partner_amount=line.usd_amount) for line in drawn]
    fraction = st.fractions(min_value=-10**7, max_value=10**7, max_denominator=10**9)
    return AgencyAccrual(
        agency=draw(TEXT), period=PERIOD, currency=currency, table=cast(Any, None), turnover=draw(fraction),
        percent=draw(PERCENT), lines=tuple(drawn), total=draw(QUOTIENT), reward=draw(fraction),
        benefits=tuple(draw(st.lists(TEXT, max_size=3))), line_count=len(drawn),
        late_lines=sum(1 for line in drawn if line.late))


def _reference(already: bool, run: list[AgencyAccrual]) -> str:
    return json.dumps(run_as_dict(AccrualRun(PERIOD, already, not already, run, "")), ensure_ascii=False,
                      indent=2) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(accruals(), max_size=4), st.booleans())
def test_the_written_json_is_the_bytes_json_dump_writes(run: list[AgencyAccrual], already: bool) -> None:
    spool = io.StringIO()
    writer = RunJson(spool)
    for accrual in run:
        writer.accrual(accrual)
    assert writer.head(PERIOD, already) + spool.getvalue() + writer.tail() == _reference(already, run)


def test_a_moment_in_utc_is_written_with_z_and_its_microseconds_when_it_has_them() -> None:
    # 2026-09-30 23:59:59.5 UTC: isoformat gives "...59.500000+00:00", shown "...59.500000Z";
    # +03:00 keeps its offset; a whole second has no fraction
    moments = [datetime(2026, 9, 30, 23, 59, 59, 500000, tzinfo=UTC),
               datetime(2026, 9, 1, 3, 0, tzinfo=timezone(timedelta(hours=3))),
               datetime(2026, 9, 1, tzinfo=UTC)]
    line = Line("P1", "PR1", moments[0], date(2026, 9, 30), PERIOD, ServiceKind.SUBSCRIPTION, Decimal("10.00"),
                "USD", None, False, Terms(Decimal(10), Decimal(1), None), Decimal("10"), Decimal("10"),
                Decimal("1.00"))
    accrual = AgencyAccrual("AG1", PERIOD, "USD", cast(Any, None), Fraction(10), Decimal(10),
                            tuple(line._replace(paid_at=m) for m in moments), Decimal("3.00"), Fraction(0), (),
                            3, 0)
    spool = io.StringIO()
    RunJson(spool).accrual(accrual)
    shown = [json.loads(f"[{spool.getvalue()[1:]}]")[0]["lines"][i]["paid_at"] for i in range(3)]
    assert shown == ["2026-09-30T23:59:59.500000Z", "2026-09-01T03:00:00+03:00", "2026-09-01T00:00:00Z"]


@settings(max_examples=50, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r"), max_size=3000))
def test_the_spool_reaches_the_output_as_the_same_text(text: str) -> None:
    # a standard output over bytes in UTF-8 takes the spool's bytes as they are; another (here one
    # without bytes beneath) takes its text: both show the text the spool was given. (JSON holds no
    # raw carriage return, which reading text back would take for a line break: it is escaped.)
    for binary in (True, False):
        spool = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        spool.write(text)
        spool.seek(0)
        raw = io.BytesIO()
        out: Any = io.TextIOWrapper(raw, encoding="utf-8", newline="\n") if binary else io.StringIO()
        out.write("{")
        _copy(spool, out)
        out.write("}")
        out.flush()
        shown = raw.getvalue().decode("utf-8") if binary else out.getvalue()
        assert shown == "{" + text + "}"
