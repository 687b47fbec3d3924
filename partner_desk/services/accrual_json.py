"""`accrue --json` written accrual by accrual, as a run produces them (SPEC section 10).

The text is exactly what `json.dump(run_as_dict(run), out, ensure_ascii=False, indent=2)` writes,
but no accrual's lines are kept once written: a posting of a million lines streams them instead of
holding them all for the end. The accruals go to `out` as they come (`accrual`); the run's head
and tail, which say whether it was already posted, are asked for once it is over (`head`, `tail`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from json.encoder import encode_basestring
from typing import TextIO

from partner_desk.domain.accrual import SERVICE_KINDS, AgencyAccrual
from partner_desk.domain.money import USD, amount_writer, format_amount, format_percent, format_usd
from partner_desk.domain.periods import Period

_LINE = (
    "        {{\n"
    '          "payment_id": {},\n'
    '          "project_id": {},\n'
    '          "paid_at": {},\n'
    '          "service": {},\n'
    '          "amount": "{}",\n'
    '          "currency": {},\n'
    '          "usd_amount": "{}",\n'
    '          "partner_amount": "{}",\n'
    '          "commission": "{}",\n'
    '          "percent": "{}",\n'
    '          "late": {},\n'
    '          "refund_of": {}\n'
    "        }}"
)


def _text(value: str | None) -> str:
    return "null" if value is None else str(encode_basestring(value))


_encoded = encode_basestring
# each service kind as its JSON text
_SERVICES = {kind: _text(kind) for kind in SERVICE_KINDS}


class RunJson:
    """Writes the accruals of one run's JSON to `out`, in order (`accrual`); `head` and `tail` are the
    text before and after them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self._percents: dict[Decimal, str] = {}
        # each line currency's JSON text and amount writer
        self._texts: dict[str, tuple[str, Callable[[Decimal], str]]] = {}

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
            f'      "percent": "{self._percent(accrual.percent)}",\n'
            f'      "amount": "{format_amount(accrual.total, cur)}",\n'
            f'      "reward_usd": "{format_usd(accrual.reward)}",\n'
            f'      "benefits": {self._list([_text(b) for b in accrual.benefits], 6)},\n'
            f'      "lines": '
        )
        percent, percents = self._percent, self._percents
        line_text = _LINE.format
        usd, partner = amount_writer(USD), amount_writer(cur)
        texts = self._texts
        lines: list[str] = []
        add = lines.append
        for (payment_id, project_id, paid_at, _day, _period, service, amount, currency, refund_of, late, terms,
             usd_amount, partner_amount, commission) in accrual.lines:
            known = texts.get(currency)
            if known is None:
                known = texts[currency] = (_text(currency), amount_writer(currency))
            add(line_text(
                _encoded(payment_id), _encoded(project_id), _encoded(paid_at.isoformat().replace("+00:00", "Z")),
                _SERVICES.get(service) or _text(service), known[1](amount), known[0], usd(usd_amount),
                partner(partner_amount), partner(commission), percents.get(terms[0]) or percent(terms[0]),
                "true" if late else "false",
                "null" if refund_of is None else _encoded(refund_of),
            ))
        body = ("[\n" + ",\n".join(lines) + "\n      ]") if lines else "[]"
        self.out.write(head + body + "\n    }")
        self.count += 1

    def tail(self) -> str:
        return "[]\n}\n" if self.count == 0 else "\n  ]\n}\n"

    def _percent(self, value: Decimal) -> str:
        shown = self._percents.get(value)
        if shown is None:
            shown = self._percents[value] = format_percent(value)
        return shown

    @staticmethod
    def _list(items: list[str], indent: int) -> str:
        if not items:
            return "[]"
        inner = " " * (indent + 2)
        return "[\n" + ",\n".join(inner + item for item in items) + "\n" + " " * indent + "]"
