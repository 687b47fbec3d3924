"""A cell's value that cannot be read (a number, an amount, a date, a timestamp, a period, a percent):
the same English text on the command line as ever, the window's language in the window, and nothing
written. A CSV file saved with ';' between its columns is told so once."""

from __future__ import annotations

import pytest

from partner_desk.files.table import FileRejected, Problem
from partner_desk.refusal_text import english, shown
from partner_desk.store.models import Agency, ImportRun, Payment, Rate, TierVersion

PAY_HEADER = "payment_id,project_id,paid_at,service,amount,currency,refund_of"


@pytest.fixture
def connected(load) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,UAH")
    load("projects", "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01")


def refused(load, kind: str, text: str) -> list[Problem]:
    with pytest.raises(FileRejected) as caught:
        load(kind, text)
    assert all(p.reason is not None for p in caught.value.problems), caught.value.problems
    for problem in caught.value.problems:  # the typed reason's English is the message, word for word
        assert problem.reason is not None
        assert english(problem.reason) == problem.message
    return caught.value.problems


def test_payment_values_read_in_english_and_in_ukrainian(load, connected, counts, ukrainian) -> None:
    problems = refused(load, "payments", f"""
{PAY_HEADER}
p1,P1,2026-01-05T10:00,subscription,"100,50",UAH,
p2,P1,2026-01-05T10:00,subscription,10.005,UAH,
p3,P1,2026-01-05T10:00,subscription,1e3,UAH,
p4,P1,2026-01-05T10:00,subscription,1234567890123,UAH,
p5,P1,5 Jan 2026,subscription,10,UAH,
p6,P1,1999-12-31T10:00,subscription,10,UAH,
p7,P1,2026-03-29T03:15,subscription,10,UAH,
p8,P1,2026-01-05T10:00,subscription,"1,5000",UAH,
""")
    assert [str(p) for p in problems] == [
        # digits, one comma, two digits after it: what '.' would have meant is told
        "row 2: amount: '100,50' is not a decimal number (decimals use '.': 100.50)",
        "row 3: amount: '10.005' has more decimals than UAH allows (2)",
        "row 4: amount: '1e3' is not a decimal number",
        "row 5: amount: '1234567890123' has more than 12 integer digits",
        "row 6: paid_at: '5 Jan 2026' is not an ISO 8601 timestamp",
        "row 7: paid_at: '1999-12-31T10:00' is outside 2000-01-01 to 2099-12-31",
        "row 8: paid_at: '2026-03-29T03:15' does not exist in Europe/Kyiv (the clocks skip that hour)",
        # four digits after the comma: a thousands separator as likely as a decimal comma, no hint
        "row 9: amount: '1,5000' is not a decimal number",
    ]
    assert [shown(p.reason) for p in problems if p.reason is not None] == [
        "«100,50» — не десяткове число (знаки після коми відокремлюють крапкою: 100.50)",
        "«10.005» має більше знаків після коми, ніж дозволяє UAH (2)",
        "«1e3» — не десяткове число",
        "«1234567890123» має більше ніж 12 цифр у цілій частині",
        "«5 Jan 2026» — не мітка часу ISO 8601",
        "«1999-12-31T10:00» поза межами від 01.01.2000 до 31.12.2099",
        "«2026-03-29T03:15» не існує в часовому поясі Europe/Kyiv (цю годину пропускають, коли переводять "
        "годинник)",
        "«1,5000» — не десяткове число",
    ]
    assert counts(Payment, ImportRun) == {"payments": 0, "imports": 2}


def test_rates_and_tiers_values(load, counts, ukrainian) -> None:
    before = counts(Rate, TierVersion, ImportRun)  # a new database holds the default commission table
    rates = refused(load, "rates",
                    "date,currency,per_usd\n2026-13-01,UAH,41.5\n1999-12-31,EUR,0.9\n2026-01-02,PLN,\"4,05\"")
    assert [str(p) for p in rates] == [
        "row 2: date: '2026-13-01' is not a date (YYYY-MM-DD)",
        "row 3: date: '1999-12-31' is outside 2000-01-01 to 2099-12-31",
        "row 4: per_usd: '4,05' is not a decimal number (decimals use '.': 4.05)",
    ]
    assert [shown(p.reason) for p in rates if p.reason is not None] == [
        "«2026-13-01» — не дата (РРРР-ММ-ДД)",
        "«1999-12-31» поза межами від 01.01.2000 до 31.12.2099",
        "«4,05» — не десяткове число (знаки після коми відокремлюють крапкою: 4.05)",
    ]
    rates = refused(load, "rates", "date,currency,per_usd\n2026-01-02,UAH,0\n2026-01-02,EUR,0.0000009\n"
                                   "2026-01-02,USD,1.5")
    assert [str(p) for p in rates] == [
        "row 2: per_usd: '0' is not a positive rate",
        "row 3: per_usd: '0.0000009' is less than 0.000001 units per USD",
        "row 4: per_usd: USD's rate is always 1",
    ]
    assert [shown(p.reason) for p in rates if p.reason is not None] == [
        "«0» — не додатний курс",
        "«0.0000009» менше ніж 0.000001 одиниці валюти за 1 USD",
        "курс USD завжди дорівнює 1",
    ]
    tiers = refused(load, "tiers",
                    "effective_from,min_turnover_usd,percent\n2026-1,0,10\n2100-01,0,10\n2026-01,0,150")
    assert [str(p) for p in tiers] == [
        "row 2: effective_from: '2026-1' is not a period (YYYY-MM)",
        "row 3: effective_from: '2100-01' is outside 2000-01 to 2099-12",
        "row 4: percent: is not between 0 and 100",
    ]
    assert [shown(p.reason) for p in tiers if p.reason is not None] == [
        "«2026-1» — не період (РРРР-ММ)",
        "«2100-01» поза межами від 2000-01 до 2099-12",
        "не в межах від 0 до 100",
    ]
    assert counts(Rate, TierVersion, ImportRun) == before


def test_a_csv_file_with_semicolons_between_its_columns_is_told_so_once(load, counts, audits, ukrainian) -> None:
    with pytest.raises(FileRejected) as caught:
        load("agencies", "code;name;currency\nAG01;Alpha;UAH\n")
    assert str(caught.value).splitlines()[1:] == [
        "row 1: the columns are separated by ';': save the file as CSV with commas (UTF-8)"]
    reason = caught.value.problems[0].reason
    assert reason is not None
    assert shown(reason) == "стовпці розділено знаком «;»: збережіть файл як CSV з комами (UTF-8)"
    assert counts(Agency) == {"agencies": 0}
    assert audits()[-1].outcome == "refused"
    # a header of one cell without the columns split by ';' is missing its columns, as before
    with pytest.raises(FileRejected) as caught:
        load("agencies", "code;title\nAG01;Alpha\n")
    assert [str(p) for p in caught.value.problems] == [
        "row 1: code: missing column", "row 1: currency: missing column", "row 1: name: missing column"]
