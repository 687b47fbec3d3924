"""A payments file imports exactly as well read the quick way as the careful way.

The payments import reads a plainly written payment quickly (services/imports/payments.py,
`_Quick`) and every other row with the field readers that name each problem. Random files of plain
and awkward rows (spaces, signs, exponents, too many decimals or digits, offsets, the hours the
clocks skip and repeat, days out of bounds, withdrawn and lower-case currencies, control and
non-Latin characters, repeated ids, refunds) are imported twice into the same database, once as
the product does and once with the quick way turned off: the same rows are stored, byte for
byte, the same payments wait as late, the summaries are the same, or both refuse the file with the
same problems.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP
from partner_desk.files.table import FileRejected
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file, payments
from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database
from tests.fixed_clock import clock_at

NOW = "2026-11-03T09:00:00Z"
HEADER = "payment_id,project_id,paid_at,service,amount,currency,refund_of"

def mostly(plain: st.SearchStrategy[str], *awkward: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A plainly written value four times in five, else an awkward one: rows are mostly plain, so a
    difference in one field is not hidden behind another field's problem."""
    return st.one_of(plain, plain, plain, plain, *awkward)


ids = mostly(st.builds(lambda n: f"X{n}", st.integers(0, 30)),
             st.sampled_from(["", " X1", "X1 ", "X\u00a01", "X\u200b2", "X\x071", "Ж1", "x" * 64, "y" * 65,
                              "\ufeffX3"]))
projects = mostly(st.sampled_from(["P1", "P2", "P9"]), st.sampled_from([" P1", "", "P\x1f1", "Проект", "p" * 65]))
moments = mostly(
    st.builds(lambda m, d, h, mi, se: f"2026-{m:02d}-{d:02d}T{h:02d}:{mi:02d}:{se:02d}",
              st.sampled_from([1, 3, 9, 10, 11]), st.integers(1, 28), st.integers(0, 23), st.sampled_from([0, 30, 59]),
              st.sampled_from([0, 1, 59])),
    # the hour the clocks skip in spring and the one they repeat in autumn, and their edges
    st.sampled_from(["2026-03-29T03:30:00", "2026-03-29T02:59:59", "2026-03-29T04:00:00", "2026-03-29T03:00:00",
                     "2026-10-25T03:30:00", "2026-10-25T04:30:00", "2026-10-25T02:59:59", "2026-10-25T04:00:00"]),
    st.sampled_from([
        "2026-03-05T10:00:00Z", "2026-03-05T10:00:00z", "2026-03-05T10:00:00+02:00", "2026-03-05T10:00:00.250000",
        "2026-03-05 10:00:00", "2026-03-05", "2026-03-05T10:00", "1999-12-31T10:00:00", "2000-01-01T00:00:00",
        "2000-01-01T00:00:00+03:00", "2026-11-04T23:59:59", "2026-11-05T00:00:00", "2026-11-04T22:30:00-05:00",
        "2100-01-01T00:00:00", "yesterday", "", "2026-02-30T10:00:00", "2026-03-05T10:00:00+14:00",
        "2026-12-31T23:00:00-12:00", "2026-10-25T03:30:00+03:00", "2026-03-29T03:30:00+02:00",
        # nineteen characters, as the common moment has, written otherwise
        "2026-03-05T10:00:60", "2026-03-05T10:60:00", "2026-03-05T24:00:00", "2026-03-05T10:0a:00",
        "2026-03-05x10:00:00", "2026-03-05T10+02:00", "20260305T100000.123", "2026-W10-4T10:00:00",
        "2026-03-05T10:00:0\u0663", "2026-03-05T1\u0663:00:00", "2026-03-05T10:00+0200",
    ]),
)
services = mostly(st.sampled_from(["subscription", "numbers", "telephony", "other"]),
                  st.sampled_from(["Subscription", "x", ""]))
amounts = mostly(
    st.builds(lambda w, f: f"{w}.{f:02d}", st.integers(0, 99999), st.integers(0, 99)),
    st.sampled_from(["12", "12.5", "12.500", "12.505", "-3.00", "+1.00", "1e3", "1E3", "\u0663", " 12.50", "12.50 ",
                     "999999999999.99", "1000000000000", "0", "0.00", "-0.00", "007.50", ".5", "5.", "1,000.00",
                     "", "NaN", "Infinity", "100", "1.234", "1.2345", "-1.00", "0000000000001.00", "0.005", "0.05",
                     "5.123", "000.001", "1.2.3", "\uff11.00", "\u00b2.00", "1_0.00", "12.\u0663", "12.5\u00b2"]),
)
currencies = mostly(st.sampled_from(["USD", "EUR", "JPY", "KWD", "UAH"]),
                    st.sampled_from(["usd", "XAU", "DEM", "", "US"]))
refunds = mostly(st.just(""), st.sampled_from(["X1", "X2", "X3", "M1"]))
rows = st.lists(st.tuples(ids, projects, moments, services, amounts, currencies, refunds), min_size=1, max_size=30)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database with agencies, projects, rates and March 2026 posted (so March is closed)."""
    folder = tmp_path_factory.mktemp("quick")
    path = folder / "base.db"
    db = Database(f"sqlite:///{path}")
    with clock_at(NOW):
        init_database(db)
        files = {
            "agencies": "code,name,currency\nAG1,Alpha,USD\n",
            "projects": "project_id,name,currency,agency_code,connected_at,disconnected_at\n"
                        "P1,One,USD,AG1,2026-01-01,\n",
            "rates": "date,currency,per_usd\n2026-01-01,EUR,0.9\n2026-01-01,JPY,150\n2026-01-01,KWD,0.3\n"
                     "2026-01-01,UAH,41\n",
            "payments": f"{HEADER}\nM1,P1,2026-03-05T10:00:00,subscription,100.00,USD,\n",
        }
        for kind, text in files.items():
            file = folder / f"{kind}.csv"
            file.write_text(text, encoding="utf-8")
            import_file(db, SETUP, kind, file)
        post_period(db, SETUP, "2026-03")
    db.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _import(base: Path, folder: Path, name: str, text: str) -> tuple[str, list[tuple[object, ...]], list[str]]:
    """Import `text` into a copy of the base database: the outcome, the payments and the late notes."""
    path = folder / f"{name}.db"
    shutil.copyfile(base, path)
    db = Database(f"sqlite:///{path}")
    file = folder / f"{name}.csv"
    file.write_text(text, encoding="utf-8")
    try:
        with clock_at(NOW):
            outcome = str(import_file(db, SETUP, "payments", file))
    except FileRejected as exc:
        outcome = "refused: " + "; ".join(str(p) for p in exc.problems)
    except UserError as exc:
        outcome = f"refused: {exc}"
    finally:
        db.dispose()
    with sqlite3.connect(path) as raw:
        stored = raw.execute("SELECT * FROM payments ORDER BY payment_id").fetchall()
        late = [r[0] for r in raw.execute("SELECT payment_id FROM late_payments ORDER BY payment_id")]
    return outcome, stored, late


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(rows)
@example([("X1", "P1", "2026-04-05T10:00:00", "subscription", "1.00", "USD", "")] * 2
         + [("X1", "P1", "2026-04-05T10:00:00", "subscription", "2.00", "USD", ""),
            ("M1", "P1", "2026-03-05T10:00:00", "subscription", "100.00", "USD", "")])
# one id read the careful way (a day the clocks change) and then the quick way: the later row is the repeat
@example([("X0", "P1", "2026-03-29T02:59:59", "subscription", "12", "USD", ""),
          ("X0", "P1", "2026-01-01T00:00:00", "subscription", "0.00", "USD", "")])
# moments of nineteen characters, as the common one has, but not a valid local second: each refused or
# read as the careful way reads it
@example([(f"N{n}", "P1", moment, "subscription", "1.00", "USD", "") for n, moment in enumerate([
    "2026-04-05T10:00:60", "2026-04-05T10:60:00", "2026-04-05T24:00:00", "2026-04-05T10:0a:00",
    "2026-04-05x10:00:00", "2026-04-05T10+02:00", "20260405T100000.123", "2026-W14-7T10:00:00",
    "2026-04-05T10:00:0\u0663", "2026-04-05T1\u0663:00:00", "2026-04-05T10:00:59", "2026-03-29T03:30:00",
    "2026-11-04T23:59:59", "2026-11-05T00:00:00"])])
# valid ones, stored: the last second of a day and of the window, a day the clocks change, another separator
@example([(f"V{n}", "P1", moment, "subscription", "1.00", "USD", "") for n, moment in enumerate([
    "2026-04-05T10:00:59", "2026-04-05 23:59:59", "2026-11-04T23:59:59", "2026-01-01T00:00:00",
    "2026-10-25T02:59:59", "2026-03-29T04:00:00", "2026-04-05x10:00:00"])])
# amounts a plain one is close to: each refused, or read as the careful way reads it
@example([(f"A{n}", "P1", "2026-04-05T10:00:00", "subscription", amount, "USD", "") for n, amount in enumerate([
    "1.2.3", "\uff11.00", "\u00b2.00", "1_0.00", "12.\u0663", "1.", ".5", "+1.00", "1234567890123.00",
    "123456789012.00", "12.5", "12", "0.001"])])
def test_the_quick_way_stores_what_the_careful_way_does(base: Path, monkeypatch: pytest.MonkeyPatch,
                                                         cells: list[tuple[str, ...]]) -> None:
    text = HEADER + "\n" + "\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in cells) + "\n"
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        quick = _import(base, folder, "quick", text)
        with monkeypatch.context() as patch:
            patch.setattr(payments._Quick, "read", lambda _self, _values: None)
            careful = _import(base, folder, "careful", text)
    assert quick == careful


def test_plain_rows_are_read_the_quick_way(base: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The rows a billing export is made of do not fall back to the careful way (else nothing is quick)."""
    careful: list[list[str]] = []
    real = payments._Quick.read

    def spy(self: payments._Quick, values: list[str]) -> tuple[object, ...] | None:
        found = real(self, values)
        if found is None:
            careful.append(values)
        return found

    monkeypatch.setattr(payments._Quick, "read", spy)
    text = (f"{HEADER}\nA1,P1,2026-04-05T10:00:00,subscription,12.50,USD,\nA2,P1,2026-04-05T10:00:00Z,numbers,"
            "1500,JPY,\nA3,P2,2026-04-06 11:30:00,telephony,0.125,KWD,\nA4,P9,2026-10-25T12:00:00+02:00,other,"
            "7,EUR,\n")
    outcome, stored, _late = _import(base, tmp_path, "plain", text)
    assert outcome.startswith("payments: 4 rows read, 4 added")
    assert careful == []
    assert len(stored) == 5
