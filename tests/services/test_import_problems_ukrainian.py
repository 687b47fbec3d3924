"""An import's problems with its rows and with what is stored, and a file that cannot be read at all:
the command line keeps its English, word for word; a Ukrainian window reads them in Ukrainian with no
English word left but the file's own values (ids, codes, column names); nothing is written."""

from __future__ import annotations

import re

import pytest

from partner_desk.domain.roles import SETUP
from partner_desk.files.table import FileRejected, Problem
from partner_desk.refusal_text import Refused, shown, shown_error
from partner_desk.services.imports import import_file
from partner_desk.store.models import Agency, ImportRun, Payment, Project
from tests.services.test_import_value_problems import refused

PAY_HEADER = "payment_id,project_id,paid_at,service,amount,currency,refund_of"


def latin_words(text: str, *data: str) -> list[str]:
    """The Latin-letter words of `text` once the file's own values, and the UTC a moment is written in,
    are taken out."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "")
    return re.findall(r"[A-Za-z]+", re.sub(r"\bUTC\b", "", text))


def ukrainian_texts(problems: list[Problem], *data: str) -> list[str]:
    texts = [shown(p.reason) for p in problems if p.reason is not None]
    for text in texts:
        assert latin_words(text, *data) == [], text
    return texts


def test_an_agencies_file_read_in_ukrainian(load, counts, ukrainian) -> None:
    load("agencies", "code,name,currency,offer_accepted_at,manager,language\n"
                     "AG01,Alpha,UAH,2025-01-10T00:00,anna,uk")
    problems = refused(load, "agencies", """
code,name,currency,offer_accepted_at,manager,language
AG02,Beta,PLN,,,ua
AG03,Gamma,EUR,,,fr
AG04,Delta,EUR,,,
AG04,Delta Two,EUR,,,
AG01,Alpha Prime,USD,2025-02-01T00:00,boris,en
""")
    assert [str(p) for p in problems] == [
        "row 2: language: 'ua' is not a statement language: use uk or en (for Українська write uk)",
        "row 3: language: 'fr' is not a statement language: use uk or en",
        "row 5: code: 'AG04' is listed again on row 4 with different content",
        "row 6: currency: agency AG01 is known with currency UAH",
        "row 6: language: agency AG01's statements are in uk (a language is changed on the agency's page)",
        "row 6: manager: agency AG01 is known with manager 'anna'",
        "row 6: name: agency AG01 is known as 'Alpha'",
        # 2025-01-10 00:00 in Kyiv (UTC+2 in winter) is stored as 2025-01-09 22:00 UTC
        "row 6: offer_accepted_at: agency AG01 accepted the offer at 2025-01-09T22:00:00+00:00",
    ]
    assert ukrainian_texts(problems, "ua", "fr", "uk", "en", "AG04", "AG01", "Alpha", "anna",
                           "UAH") == [
        "«ua» — не мова виписок: вкажіть uk або en (для мови «українська» — uk)",
        "«fr» — не мова виписок: вкажіть uk або en",
        "«AG04» уже вказано в рядку 4 з іншим вмістом",
        "агентство AG01 уже є з валютою UAH",
        "виписки агентства AG01 складаються мовою uk (мову змінюють на сторінці агентства)",
        "агентство AG01 уже є з менеджером «anna»",
        "агентство AG01 уже є під назвою «Alpha»",
        "агентство AG01 прийняло оферту 09.01.2025, 22:00:00 UTC",
    ]
    assert counts(Agency) == {"agencies": 1}


def test_a_payments_file_read_in_ukrainian(load, counts, ukrainian) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,UAH\nAG02,Beta,EUR")
    load("projects", "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01\n"
                     "P2,Store,EUR,AG02,2025-01-01")
    load("payments", f"{PAY_HEADER}\np1,P1,2025-03-05T10:00,subscription,100.00,UAH,\n"
                     "r1,P1,2025-03-06T10:00,subscription,-10.00,UAH,p1")
    problems = refused(load, "payments", f"""
{PAY_HEADER}
p2,P1,2025-03-05T10:00,consulting,10.00,UAH,
p3,P1,2025-03-05T10:00,subscription,-5.00,UAH,
p4,P1,2025-03-05T10:00,subscription,5.00,UAH,p1
p5,P1,2025-03-05T10:00,subscription,-5.00,UAH,p5
p1,P1,2025-03-05T10:00,subscription,99.00,UAH,
r2,P1,2025-03-07T10:00,subscription,-1.00,UAH,nope
r3,P1,2025-03-07T10:00,subscription,-1.00,UAH,r1
r4,P2,2025-03-07T10:00,subscription,-1.00,EUR,p1
r5,P1,2025-03-01T10:00,subscription,-1.00,UAH,p1
r6,P1,2025-03-07T10:00,subscription,-95.00,UAH,p1
""")
    assert [str(p) for p in problems] == [
        "row 2: service: 'consulting' is not a service kind (subscription, numbers, telephony, other)",
        "row 3: refund_of: is empty, but a negative amount is a refund and must name its payment",
        "row 4: amount: a refund must have a negative amount",
        "row 5: refund_of: a payment cannot refund itself",
        "row 6: payment_id: 'p1' is known with other content (P1, 2025-03-05T08:00:00+00:00, subscription, "
        "100.00 UAH)",
        "row 7: refund_of: unknown payment 'nope'",
        "row 8: refund_of: 'r1' is itself a refund",
        "row 9: currency: the refunded payment p1 is in UAH",
        "row 9: project_id: the refunded payment p1 belongs to project P1",
        "row 10: paid_at: is before the refunded payment p1 (2025-03-05T08:00:00+00:00)",
        # 100.00 paid, 10.00 refunded already: 90.00 is left, 95.00 asked
        "row 11: amount: refunds more than is left of p1: 90.00 UAH left",
    ]
    nbsp = "\xa0"
    data = ("consulting", "subscription, numbers, telephony, other", "subscription", "nope", "p1", "r1", "P1", "UAH")
    assert ukrainian_texts(problems, *data) == [
        "«consulting» — не вид послуги (допустимі: subscription, numbers, telephony, other)",
        "порожня клітинка, але від’ємна сума — це повернення коштів, і воно має вказувати свій платіж",
        "сума повернення коштів має бути від’ємною",
        "платіж не може бути поверненням самого себе",
        f"«p1» уже є з іншим вмістом (P1, 05.03.2025, 08:00:00 UTC, підписка, 100,00{nbsp}₴)",
        "платежу «nope» немає",
        "платіж «r1» сам є поверненням коштів",
        "повернений платіж p1 здійснено у валюті UAH",
        "повернений платіж p1 належить проєкту P1",
        "дата раніша за повернений платіж p1 (05.03.2025, 08:00:00 UTC)",
        f"повертає більше, ніж залишилося від платежу p1: залишок 90,00{nbsp}₴",
    ]
    assert counts(Payment) == {"payments": 2}


def test_a_projects_file_read_in_ukrainian(load, counts, ukrainian) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,UAH\nAG02,Beta,UAH")
    load("projects", "project_id,name,currency,agency_code,connected_at,disconnected_at\n"
                     "P1,Shop,UAH,AG01,2025-01-01,2025-06-01")
    problems = refused(load, "projects", """
project_id,name,currency,agency_code,connected_at,disconnected_at
P2,Store,UAH,AG09,2025-01-01,
P3,Store,UAH,AG01,2025-02-01,2025-01-01
P1,Shop Two,EUR,AG01,2025-01-01,
P4,Four,UAH,AG01,2025-01-01,
P4,Four B,EUR,AG01,2025-02-01,
P1,Shop,UAH,AG02,2025-01-01,
P1,Shop,UAH,AG01,2025-01-01,2025-07-01
P1,Shop,UAH,AG02,2025-05-01,
""")
    assert [str(p) for p in problems] == [
        "row 2: agency_code: unknown agency 'AG09'",
        "row 3: disconnected_at: is not after connected_at",
        "row 4: currency: project P1 is known with currency UAH",
        "row 4: name: project P1 is known as 'Shop'",
        "row 6: currency: project P4 has currency UAH on row 5",
        "row 6: name: project P4 is named 'Four' on row 5",
        "row 7: agency_code: project P1 was connected at that moment to AG01",
        "row 8: disconnected_at: this connection is known to end at 2025-05-31T21:00:00+00:00",
        # Kyiv is UTC+3 in summer: 2025-05-01 00:00 there is 2025-04-30 21:00 UTC
        "row 9: connected_at: connection of project P1 to AG02 from 2025-04-30T21:00:00+00:00 overlaps its "
        "connection to AG01 from 2024-12-31T22:00:00+00:00",
    ]
    assert ukrainian_texts(problems, "AG09", "AG01", "AG02", "P1", "P4", "Shop", "Four", "connected_at",
                           "UAH") == [
        "агентства «AG09» немає",
        "не пізніше за connected_at",
        "проєкт P1 уже є з валютою UAH",
        "проєкт P1 уже є під назвою «Shop»",
        "проєкт P4 має валюту UAH у рядку 5",
        "проєкт P4 названо «Four» у рядку 5",
        "проєкт P1 на той момент було підключено до агентства AG01",
        "це підключення вже завершується 31.05.2025, 21:00:00 UTC",
        "підключення проєкту P1 до агентства AG02 з 30.04.2025, 21:00:00 UTC перетинається з його "
        "підключенням до агентства AG01 з 31.12.2024, 22:00:00 UTC",
    ]
    assert counts(Project) == {"projects": 1}


def test_rates_and_commission_tables_read_in_ukrainian(load, counts, ukrainian) -> None:
    load("rates", "date,currency,per_usd\n2025-03-01,UAH,41.5")
    rates = refused(load, "rates", "date,currency,per_usd\n2025-03-01,UAH,41.6\n2025-03-02,EUR,0.9\n"
                                   "2025-03-02,EUR,0.95")
    assert [str(p) for p in rates] == [
        "row 2: per_usd: UAH on 2025-03-01 is known as 41.5",
        "row 4: per_usd: EUR on 2025-03-02 is listed on row 3 as 0.9",
    ]
    assert ukrainian_texts(rates, "UAH", "EUR") == [
        "курс UAH на 01.03.2025 уже є: 41,5",
        "курс EUR на 02.03.2025 уже вказано в рядку 3: 0,9",
    ]
    tiers = refused(load, "tiers", "effective_from,min_turnover_usd,percent\n2025-01,-5,10\n2025-02,0,10\n"
                                   "2025-02,0,12")
    assert [str(p) for p in tiers] == [
        "row 2: min_turnover_usd: is negative",
        "row 4: min_turnover_usd: 0 is listed for 2025-02 on row 3 too",
    ]
    assert ukrainian_texts(tiers) == ["від’ємне значення", "поріг 0 для 2025-02 уже вказано в рядку 3"]


def test_a_file_that_is_not_utf8_csv_or_xlsx_is_told_so_in_ukrainian(db, tmp_path, counts, audits,
                                                                       ukrainian) -> None:
    latin1 = tmp_path / "agencies.csv"
    latin1.write_bytes("code,name,currency\nAG01,Caf\xe9,EUR\n".encode("latin-1"))
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "agencies", latin1)
    assert str(caught.value).splitlines()[1:] == ["agencies.csv is not UTF-8 text"]
    [problem] = caught.value.problems
    assert problem.reason is not None
    assert shown(problem.reason) == "файл agencies.csv — не текст у кодуванні UTF-8"
    # a byte that is no UTF-8 further on, past what is read at once: the codec's reason is told too
    rows = b"".join(b"AG%05d,Name,EUR\n" % i for i in range(2000))
    latin1.write_bytes(b"code,name,currency\n" + rows + "AG99999,Caf\xe9,EUR\n".encode("latin-1"))
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "agencies", latin1)
    assert str(caught.value).splitlines()[1:] == ["agencies.csv is not UTF-8 text (invalid continuation byte)"]
    [problem] = caught.value.problems
    assert problem.reason is not None
    assert shown(problem.reason) == "файл agencies.csv — не текст у кодуванні UTF-8 (недопустимий байт продовження)"

    fake = tmp_path / "rates.xlsx"
    fake.write_text("date,currency,per_usd\n", encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "rates", fake)
    [problem] = caught.value.problems
    assert str(problem) == "rates.xlsx is not a readable XLSX file (File is not a zip file)"
    assert problem.reason is not None
    assert shown(problem.reason) == "файл rates.xlsx не вдається прочитати як XLSX (файл не є архівом ZIP)"

    text = tmp_path / "rates.txt"
    text.write_text("date,currency,per_usd\n", encoding="utf-8")
    with pytest.raises(Refused) as refusal:
        import_file(db, SETUP, "rates", text)
    assert str(refusal.value) == "rates.txt: unknown format '.txt' (use .csv or .xlsx)"
    assert shown_error(refusal.value) == "rates.txt: невідомий формат «.txt» (потрібен .csv або .xlsx)"
    assert counts(Agency, ImportRun) == {"agencies": 0, "imports": 0}
    assert [r.outcome for r in audits()[-4:]] == ["refused"] * 4
