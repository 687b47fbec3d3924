"""The import page, end to end through the widgets: problems listed before anything is written."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from partner_desk import i18n
from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP
from partner_desk.files.table import FileRejected, Problem
from partner_desk.gui import ops, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages import import_page
from partner_desk.gui.pages.import_page import ImportPage
from partner_desk.services.authority import Refused
from partner_desk.services.imports import KINDS, ImportSummary, import_file
from partner_desk.store.models import Agency, ImportRun, Payment, Rate
from tests.gui.page_data import AGENCIES, PROJECTS, people

BAD_PAYMENTS = """
payment_id,project_id,paid_at,service,amount,currency
PAY1,P1,2025-03-05T10:00:00,subscription,100.00,USD
PAY2,P1,2025-03-31T02:30:00,subscription,12.345,USD
PAY3,P1,yesterday,subscription,10.00,USD
PAY4,P1,2025-03-07T10:00:00,subscription,-5.00,USD
"""


def stored(db, model) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def open_page(qtbot, db, actor) -> ImportPage:
    page = ImportPage(AppContext(db, actor))
    qtbot.addWidget(page)
    return page


def choose(qtbot, page: ImportPage, kind: str, path) -> None:
    page.set_kind(kind)
    with qtbot.waitSignal(page.finished, timeout=15_000):
        page.set_file(path)


def test_a_file_with_errors_lists_every_problem_and_writes_nothing(qtbot, db, write_csv) -> None:
    for kind, text in (("agencies", AGENCIES), ("projects", PROJECTS)):
        import_file(db, SETUP, kind, write_csv(text, f"{kind}.csv"))
    page = open_page(qtbot, db, people(db)["fiona"])
    choose(qtbot, page, "payments", write_csv(BAD_PAYMENTS, "march.csv"))

    problems = [(p.row, p.column) for p in page.model.rows()]
    # row 3: three decimals for USD; row 4: not a timestamp; row 5: a negative amount without refund_of
    assert problems == [(3, "amount"), (4, "paid_at"), (5, "refund_of")]
    assert "has more decimals than USD allows" in page.model.rows()[0].message
    assert page.status.text() == "march.csv cannot be imported: 3 problems, listed below. Nothing was written."
    assert not page.import_button.isEnabled()
    assert page.import_button.toolTip() == "the file did not pass the check"
    # the problem table shows what the model holds
    assert page.model.data(page.model.index(1, 0)) == "4"
    assert page.model.data(page.model.index(1, 1)) == "paid_at"
    assert stored(db, Payment) == 0
    assert stored(db, ImportRun) == 2

    # clicking Import anyway does nothing
    page.import_button.click()
    page.start_import()
    assert stored(db, Payment) == 0


def test_a_file_that_passes_is_imported_with_its_summary(qtbot, db, write_csv) -> None:
    page = open_page(qtbot, db, people(db)["fiona"])
    assert page.import_button.toolTip() == "the file has not been checked yet"
    choose(qtbot, page, "agencies", write_csv(AGENCIES, "agencies.csv"))
    assert page.model.rowCount() == 0
    assert page.status.text() == ("agencies.csv passed the check: agencies: 2 rows read, 2 added, 0 already "
                                  "known. Nothing is written until you press Import.")
    assert stored(db, Agency) == 0  # checking wrote nothing
    assert page.import_button.isEnabled()
    with qtbot.waitSignal(page.finished, timeout=15_000):
        page.import_button.click()
    assert page.status.text() == "Imported agencies.csv: agencies: 2 rows read, 2 added, 0 already known."
    assert stored(db, Agency) == 2
    assert not page.import_button.isEnabled()  # not twice by accident
    assert page.import_button.toolTip() == "this file was just imported"


def test_a_manager_can_check_but_not_import(qtbot, db, write_csv) -> None:
    page = open_page(qtbot, db, people(db)["anna"])
    choose(qtbot, page, "agencies", write_csv(AGENCIES, "agencies.csv"))
    assert page.checked is not None
    assert page.checked.passed
    assert not page.import_button.isEnabled()
    assert page.import_button.toolTip() == "anna (manager) may not import files: it needs the finance role"


def test_a_wrong_kind_or_format_is_a_problem_too(qtbot, db, write_csv, tmp_path) -> None:
    page = open_page(qtbot, db, people(db)["fiona"])
    # an agencies file checked as rates: two rate columns are missing (row 1 is the header)
    choose(qtbot, page, "rates", write_csv(AGENCIES, "agencies.csv"))
    assert [(p.row, p.column, p.message) for p in page.model.rows()] == [
        (1, "date", "missing column"), (1, "per_usd", "missing column")]
    # switching the kind checks the same file again
    with qtbot.waitSignal(page.finished, timeout=15_000):
        page.set_kind("agencies")
    assert page.checked is not None
    assert page.checked.passed
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    choose(qtbot, page, "agencies", text)
    assert page.model.rows() == [Problem(0, "", "notes.txt: unknown format '.txt' (use .csv or .xlsx)")]
    assert page.model.data(page.model.index(0, 0)) == "—"


def test_stopping_an_import_midway_writes_nothing(qtbot, db, write_csv, monkeypatch) -> None:
    # 4,500 days of EUR rates: the import reports after 2,000 and 4,000 rows and at the end
    days = [date(2010, 1, 1) + timedelta(days=i) for i in range(4_500)]
    path = write_csv("\n".join(["date,currency,per_usd", *(f"{d},EUR,0.9" for d in days)]), "rates.csv")
    page = open_page(qtbot, db, people(db)["fiona"])
    choose(qtbot, page, "rates", path)
    assert page.checked is not None
    assert page.checked.summary is not None
    assert page.checked.summary.rows == 4_500

    # hold the import at its first progress report until Cancel was pressed
    gate = threading.Event()
    real = import_page.import_file

    def held(db, actor, kind, path, rows_read):
        def report(count: int) -> None:
            if count == 2_000:
                gate.wait(10)
            rows_read(count)

        return real(db, actor, kind, path, report)

    monkeypatch.setattr(import_page, "import_file", held)
    with qtbot.waitSignal(page.finished, timeout=15_000):
        page.import_button.click()
        assert page.operation is not None
        page.operation.progress.cancel()  # what the progress dialog's Cancel button does
        gate.set()
    assert page.status.text() == "Stopped: nothing was written."
    assert stored(db, Rate) == 0
    assert stored(db, ImportRun) == 0
    # the file still passed its check: it can be imported again
    assert page.import_button.isEnabled()


def test_an_xlsx_file_is_checked_the_same_way(qtbot, db, tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "currency"])
    sheet.append(["AG01", "Alpha Agency", "USD"])
    sheet.append(["AG02", "Beta Agency", "XYZ"])
    path = tmp_path / "agencies.xlsx"
    book.save(path)
    page = open_page(qtbot, db, people(db)["fiona"])
    choose(qtbot, page, "agencies", path)
    assert [(p.row, p.column) for p in page.model.rows()] == [(3, "currency")]
    assert "XYZ" in page.model.rows()[0].message
    assert not page.import_button.isEnabled()
    assert stored(db, Agency) == 0


def test_only_the_latest_check_is_shown(qtbot, db, write_csv) -> None:
    page = open_page(qtbot, db, people(db)["fiona"])
    page.set_kind("rates")
    path = write_csv(AGENCIES, "agencies.csv")
    with qtbot.waitSignal(page.finished, timeout=15_000):
        page.set_file(path)  # checked as rates: two columns missing...
        page.set_kind("agencies")  # ...but the kind changed before that check reported
    qtbot.waitUntil(lambda: ops.running() == 0)
    assert page.checked is not None
    assert page.checked.kind == "agencies"
    assert page.checked.passed
    assert page.model.rowCount() == 0
    assert page.import_button.isEnabled()


def test_a_file_of_many_bad_rows_lists_the_first_thousand_and_counts_all(qtbot, db, write_csv) -> None:
    page = open_page(qtbot, db, people(db)["fiona"])
    rows = "".join(f"2026-01-01,UAH,x{n}\n" for n in range(1500))
    choose(qtbot, page, "rates", write_csv("date,currency,per_usd\n" + rows, "rates.csv"))
    assert page.model.rowCount() == 1000
    # 1,500 problems found, the first 1,000 (rows 2 to 1001) listed
    assert page.model.rows()[-1].row == 1001
    assert page.status.text() == ("rates.csv cannot be imported: 1,500 problems; the first 1,000 are listed "
                                  "below. Nothing was written.")
    assert stored(db, Rate) == 0


def test_the_import_button_matches_what_the_service_allows_for_every_role_and_kind(
        qtbot, db, tmp_path) -> None:
    """Import is enabled exactly when the service would take the file from that user: a commission
    table is the admin's (tiers), every other kind needs finance."""
    team = people(db)
    missing = tmp_path / "no-such-file.csv"
    seen = {}
    for name in ("anna", "fiona", "admin"):
        actor = team[name]
        page = open_page(qtbot, db, actor)
        for kind in KINDS:
            page.set_kind(kind)
            page.path_field.setText(str(missing))
            # as if the file had passed its check: only the role decides now
            page.checked = import_page.Checked(kind, missing, ImportSummary(kind, missing.name, 1, 1), [])
            page.imported = None
            page._set_import_enabled()
            try:
                import_file(db, actor, kind, missing)
            except Refused:
                allowed = False
            except UserError:
                allowed = True  # past the role check, refused for the file itself
            assert page.import_button.isEnabled() is allowed, (name, kind)
            seen[name, kind] = allowed
    # manager: nothing; finance: everything but the commission table; admin: everything
    assert [k for k in KINDS if seen["anna", k]] == []
    assert [k for k in KINDS if seen["fiona", k]] == ["agencies", "projects", "payments", "rates"]
    assert [k for k in KINDS if seen["admin", k]] == list(KINDS)


def test_a_ukrainian_window_lists_a_files_problems_in_ukrainian(qtbot, db, write_csv) -> None:
    """The problems the catalog words read in the window's language; the command line keeps English."""
    i18n.setup("uk_UA")
    try:
        page = open_page(qtbot, db, people(db)["fiona"])

        def problems() -> list[tuple[int, str, str, str]]:
            return [(p.row, p.column, page.model.data(page.model.index(i, 2)), str(p))
                    for i, p in enumerate(page.model.rows())]

        choose(qtbot, page, "agencies", write_csv("code,name\nAG01,Alpha\n", "no-currency.csv"))
        assert problems() == [(1, "currency", "немає стовпця", "row 1: currency: missing column")]
        # row 3 has no name, row 4 a currency that is none (row 1 is the header)
        choose(qtbot, page, "agencies", write_csv("code,name,currency\nAG01,Alpha,USD\nAG02,,USD\nAG03,Gamma,XYZ\n",
                                                  "a.csv"))
        assert problems() == [(3, "name", "порожня клітинка", "row 3: name: is empty"),
                              (4, "currency", "«XYZ» — не код валюти ISO 4217",
                               "row 4: currency: 'XYZ' is not an ISO 4217 currency code")]
    finally:
        i18n.setup("en_US")


def test_a_ukrainian_window_lists_unreadable_values_in_ukrainian(qtbot, db, write_csv) -> None:
    """A number written with a decimal comma, a date that is none, and a file saved with ';' between its
    columns read in the window's language; nothing is written."""
    i18n.setup("uk_UA")
    try:
        page = open_page(qtbot, db, people(db)["fiona"])

        def problems() -> list[tuple[int, str, str, str]]:
            return [(p.row, p.column, page.model.data(page.model.index(i, 2)), str(p))
                    for i, p in enumerate(page.model.rows())]

        rates_before = stored(db, Rate)
        choose(qtbot, page, "rates", write_csv('date,currency,per_usd\n2026-13-01,UAH,41.5\n2026-01-02,PLN,"4,05"\n',
                                               "rates.csv"))
        assert problems() == [
            (2, "date", "«2026-13-01» — не дата (РРРР-ММ-ДД)", "row 2: date: '2026-13-01' is not a date (YYYY-MM-DD)"),
            (3, "per_usd", "«4,05» — не десяткове число (знаки після коми відокремлюють крапкою: 4.05)",
             "row 3: per_usd: '4,05' is not a decimal number (decimals use '.': 4.05)"),
        ]
        assert not page.import_button.isEnabled()
        choose(qtbot, page, "agencies", write_csv("code;name;currency\nAG01;Alpha;UAH\n", "semicolons.csv"))
        assert problems() == [
            (1, "", "стовпці розділено знаком «;»: збережіть файл як CSV з комами (UTF-8)",
             "row 1: the columns are separated by ';': save the file as CSV with commas (UTF-8)")]
        assert stored(db, Rate) == rates_before
        # the problem column takes the page's width: the longer Ukrainian text is not cut off
        page.resize(1100, 500)
        page.show()
        qtbot.waitExposed(page)
        header = page.table.horizontalHeader()
        assert header.sectionViewportPosition(2) + header.sectionSize(2) == header.viewport().width()
    finally:
        i18n.setup("en_US")


def test_a_ukrainian_window_lists_known_names_repeats_languages_and_unreadable_files_in_ukrainian(
        qtbot, db, write_csv, tmp_path) -> None:
    """An agency already known by another name, an id listed again, a language that is none, a service
    kind that is none, an unknown agency and a file that is not UTF-8 or of no known format read in
    Ukrainian, with no English word but the file's own values; nothing is written."""
    import_file(db, SETUP, "agencies", write_csv(AGENCIES, "agencies.csv"))
    i18n.setup("uk_UA")
    try:
        page = open_page(qtbot, db, people(db)["fiona"])

        def problems() -> list[tuple[int, str, str]]:
            return [(p.row, p.column, page.model.data(page.model.index(i, 2)))
                    for i, p in enumerate(page.model.rows())]

        choose(qtbot, page, "agencies", write_csv(
            "code,name,currency,language\nAG01,Alpha Prime,USD,\nAG06,Theta,UAH,ukr\nAG05,Eta,UAH,\n"
            "AG05,Eta Two,UAH,\n",
            "again.csv"))
        assert problems() == [
            (2, "name", "агентство AG01 уже є під назвою «Alpha Agency»"),
            (3, "language", "«ukr» — не мова виписок: вкажіть uk або en (для мови «українська» — uk)"),
            (5, "code", "«AG05» уже вказано в рядку 4 з іншим вмістом"),
        ]
        choose(qtbot, page, "projects", write_csv(
            "project_id,name,currency,agency_code,connected_at\nP9,Shop,USD,AG09,2025-01-01\n", "projects.csv"))
        assert problems() == [(2, "agency_code", "агентства «AG09» немає")]
        choose(qtbot, page, "payments", write_csv(
            "payment_id,project_id,paid_at,service,amount,currency\nPAY1,P1,2025-03-05T10:00,consulting,1.00,USD\n",
            "payments.csv"))
        assert problems() == [
            (2, "service", "«consulting» — не вид послуги (допустимі: subscription, numbers, telephony, other)")]
        latin1 = tmp_path / "latin1.csv"
        latin1.write_bytes("code,name,currency\nAG07,Caf\xe9,EUR\n".encode("latin-1"))
        choose(qtbot, page, "agencies", latin1)
        assert problems() == [(0, "", "файл latin1.csv — не текст у кодуванні UTF-8")]
        other = tmp_path / "agencies.ods"
        other.write_text("code,name,currency\n", encoding="utf-8")
        choose(qtbot, page, "agencies", other)
        assert problems() == [(0, "", "agencies.ods: невідомий формат «.ods» (потрібен .csv або .xlsx)")]
        data = ("Alpha Agency", "ukr", "uk", "en", "AG01", "AG05", "AG09", "consulting", "subscription", "numbers",
                "telephony", "other", "latin1.csv", "agencies.ods", ".ods", ".csv", ".xlsx", "UTF-8")
        for _row, _column, text in problems():
            for value in sorted(data, key=len, reverse=True):
                text = text.replace(value, "")
            assert [w for w in text.split() if any("a" <= c.lower() <= "z" for c in w)] == [], text
        assert not page.import_button.isEnabled()
        assert stored(db, Agency) == 2
        page.resize(1100, 400)
        page.grab().save(str(tmp_path / "import-uk.png"))
    finally:
        i18n.setup("en_US")


def test_an_error_dialog_lists_a_refused_files_problems_in_ukrainian(qtbot, db, write_csv, monkeypatch) -> None:
    """A file refused outside the Import page (rates from Settings) is told in the window's language, its
    problems one a line with their rows."""
    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(widgets, "warn", lambda _parent, text, details="", **_kw: warned.append((text, details)))
    with_problems = write_csv("date,currency,per_usd\n2025-03-01,UAH,41.5\n2025-03-01,UAH,41.6\n", "rates.csv")
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "rates", with_problems)
    refusal = caught.value
    assert str(refusal).splitlines() == ["rates.csv refused: 1 problem, nothing was written",
                                         "row 3: per_usd: UAH on 2025-03-01 is listed on row 2 as 41.5"]
    i18n.setup("uk_UA")
    try:
        ops.show_error(None, refusal)
    finally:
        i18n.setup("en_US")
    assert warned == [("Файл rates.csv не можна імпортувати: 1 помилка, перелік нижче. Нічого не записано.",
                       "рядок 3: per_usd: курс UAH на 01.03.2025 уже вказано в рядку 2: 41,5")]


def test_a_ukrainian_window_tells_what_a_check_and_an_import_read_in_ukrainian(qtbot, db, write_csv) -> None:
    """The summary of a file that passed (rows read, added, already known; payments of projects never
    connected) reads in Ukrainian, with its plural forms; the command line's summary keeps its English."""
    import_file(db, SETUP, "agencies", write_csv(AGENCIES, "agencies.csv"))
    import_file(db, SETUP, "projects", write_csv(PROJECTS, "projects.csv"))
    payments = write_csv("payment_id,project_id,paid_at,service,amount,currency\n"
                         "PAY1,P1,2025-03-05T10:00:00,subscription,100.00,USD\n"
                         "PAY2,P9,2025-03-05T10:00:00,subscription,5.00,USD\n", "march.csv")
    i18n.setup("uk_UA")
    try:
        page = open_page(qtbot, db, people(db)["fiona"])
        choose(qtbot, page, "agencies", write_csv(AGENCIES, "again.csv"))
        # 2 rows: the "few" form; both known already
        assert "again.csv" in page.status.text()
        assert "агентства: прочитано 2 рядки, додано: 0, уже відомих: 2" in page.status.text()
        choose(qtbot, page, "payments", payments)
        assert ("платежі: прочитано 2 рядки, додано: 2, уже відомих: 0; 1 платіж проєктів, яких ніколи не "
                "підключали до агентства (збережено, комісії не дають)") in page.status.text()
        assert page.checked is not None
        assert page.checked.summary is not None
        assert str(page.checked.summary) == ("payments: 2 rows read, 2 added, 0 already known; 1 payment of "
                                             "projects never connected to an agency (kept, earn nothing)")
    finally:
        i18n.setup("en_US")
