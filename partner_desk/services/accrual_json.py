"""`accrue --json` written accrual by accrual, as a run produces them (SPEC section 10).

The text is exactly what `json.dump(run_as_dict(run), out, ensure_ascii=False, indent=2)` writes,
but no accrual's lines are kept once written: a posting of a million lines streams them instead of
holding them all for the end. The accruals go to `out` as they come (`accrual`); the run's head
and tail, which say whether it was already posted, are asked for once it is over (`head`, `tail`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring
from operator import attrgetter, itemgetter
from typing import Any, TextIO

from partner_desk.domain.accrual import AgencyAccrual
from partner_desk.domain.money import USD, format_amount, format_amounts, format_amounts_in, format_percent, format_usd
from partner_desk.domain.periods import Period

# one line's text, its values in order (printf-style: quicker than str.format for many lines)
_LINE = (
    "        {\n"
    '          "payment_id": %s,\n'
    '          "project_id": %s,\n'
    '          "paid_at": "%s",\n'
    '          "service": %s,\n'
    '          "amount": "%s",\n'
    '          "currency": %s,\n'
    '          "usd_amount": "%s",\n'
    '          "partner_amount": "%s",\n'
    '          "commission": "%s",\n'
    '          "percent": "%s",\n'
    '          "late": %s,\n'
    '          "refund_of": %s\n'
    "        }"
)


def _text(value: str | None) -> str:
    return "null" if value is None else str(encode_basestring(value))


class _Texts(dict[Any, str]):
    """Values as their JSON text, each distinct one written once (`shown` writes it)."""

    def __init__(self, shown: Callable[[Any], str]) -> None:
        super().__init__()
        self.shown = shown

    def __missing__(self, value: Any) -> str:
        text = self[value] = self.shown(value)
        return text


_BOOLEANS = {True: "true", False: "false"}
_PERCENT = itemgetter(0)  # a line's terms' percent


def _moments(moments: Sequence[datetime]) -> list[str]:
    """Each moment as `paid_at` shows it: its ISO text, "Z" for a UTC offset (an ISO text needs no
    JSON escape). Whole seconds in UTC, as payments are stored, are written from their hour's text and
    the minutes and seconds past it; other moments' texts are joined to be changed in one pass."""
    if set(map(_TZINFO, moments)) <= _UTC and not any(map(_MICROSECOND, moments)):
        seconds = list(map(int, map(datetime.timestamp, moments)))
        hours = _HOURS
        return [(hours.get(second // 3600) or _hour_text(second)) + _CLOCK[second % 3600] for second in seconds]
    return "\n".join(map(datetime.isoformat, moments)).replace("+00:00", "Z").split("\n")


def _hour_text(second: int) -> str:
    """The ISO text of the UTC hour of a moment (seconds since 1970), up to its minutes: "2026-09-01T04:"."""
    start = second - second % 3600
    if len(_HOURS) >= 100_000:
        _HOURS.clear()
    text = _HOURS[start // 3600] = (_EPOCH + timedelta(seconds=start)).isoformat()[:14]
    return text


_TZINFO = attrgetter("tzinfo")
_MICROSECOND = attrgetter("microsecond")
_UTC = {UTC}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CLOCK = [f"{second // 60:02d}:{second % 60:02d}Z" for second in range(3600)]  # minutes and seconds past an hour
_HOURS: dict[int, str] = {}  # hours since 1970 -> their text: a run's months have a few thousand


class RunJson:
    """Writes the accruals of one run's JSON to `out`, in order (`accrual`); `head` and `tail` are the
    text before and after them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self._percents = _Texts(format_percent)
        self._strings = _Texts(_text)  # services, currencies, refunded ids

    @staticmethod
    def head(period: Period, already_accrued: bool) -> str:
        return (f'{{\n  "period": {_text(str(period))},\n'
                f'  "already_accrued": {"true" if already_accrued else "false"},\n  "accruals": ')

    def accrual(self, accrual: AgencyAccrual) -> None:
        cur = accrual.currency
        head = (
            f'{"[" if self.count == 0 else ","}\n    {{\n'
            f'      "agency": {_text(accrual.agency)},\n'
            f'      "period": {_text(str(accrual.period))},\n'
            f'      "currency": {_text(cur)},\n'
            f'      "turnover_usd": "{format_usd(accrual.turnover)}",\n'
            f'      "percent": "{self._percents[accrual.percent]}",\n'
            f'      "amount": "{format_amount(accrual.total, cur)}",\n'
            f'      "reward_usd": "{format_usd(accrual.reward)}",\n'
            f'      "benefits": {self._list([_text(b) for b in accrual.benefits], 6)},\n'
            f'      "lines": '
        )
        body = "[]"
        if accrual.lines:
            # column by column: each column's texts in one pass
            (payment_ids, project_ids, moments, _days, _periods, services, amounts, currencies, refunds, late, terms,
             usd_amounts, partner_amounts, commissions) = zip(*accrual.lines, strict=True)
            strings = self._strings.__getitem__
            usd_texts = format_amounts_in(usd_amounts, USD)
            # a partner in USD: its amounts are the USD amounts themselves
            same = cur == USD and partner_amounts == usd_amounts
            lines = map(_LINE.__mod__, zip(
                map(encode_basestring, payment_ids), map(encode_basestring, project_ids),
                _moments(moments), map(strings, services),
                format_amounts(amounts, currencies), map(strings, currencies),
                usd_texts, usd_texts if same else format_amounts_in(partner_amounts, cur),
                format_amounts_in(commissions, cur), map(self._percents.__getitem__, map(_PERCENT, terms)),
                map(_BOOLEANS.__getitem__, late), map(strings, refunds), strict=True,
            ))
            body = "[\n" + ",\n".join(lines) + "\n      ]"
        self.out.write(head + body + "\n    }")
        self.count += 1

    def tail(self) -> str:
        return "[]\n}\n" if self.count == 0 else "\n  ]\n}\n"

    @staticmethod
    def _list(items: list[str], indent: int) -> str:
        if not items:
            return "[]"
        inner = " " * (indent + 2)
        return "[\n" + ",\n".join(inner + item for item in items) + "\n" + " " * indent + "]"
