"""What a new user tried against the rules of who may do what, on which date, and behind the
product's back, each now refused or found, on the command line.

The book, with the product's clock at 1 December 2026, 10:00 UTC:

    AG01 (EUR, offer accepted 2025-06-01); project P1 (UAH) connected to it
    rates per USD from 2026-07-01: UAH 40, EUR 0.9
    August: 40000.00 UAH = $1,000 -> 15 %: 40000 / 40 * 0.9 = 900.00 EUR * 15 % = 135.00 EUR
    August is posted (the first posted period); September, October and November have ended, unposted
    users: boss (admin), fin and fin2 (finance), mia (manager)
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from partner_desk.domain.roles import SETUP, Role
from partner_desk.files.payouts import audit_head_of
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.services.users import add_user
from partner_desk.store.engine import Database
from tests.fixed_clock import clock_at
from tests.services.money_world import Cli

NOW = "2026-12-01T10:00:00Z"
PASSWORDS = {"boss": "chief-secret", "fin": "ledger-secret", "fin2": "second-secret", "mia": "agency-secret"}
FILES = {
    "agencies": "code,name,currency,offer_accepted_at\nAG01,Alpha,EUR,2025-06-01\n",
    "projects": "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01\n",
    "rates": "date,currency,per_usd\n2026-07-01,UAH,40\n2026-07-01,EUR,0.9\n",
    "payments": "payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
                "aug1,P1,2026-08-10T10:00,subscription,40000.00,UAH,\n",
}
_template: dict[str, Path] = {}


def _build() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="partner-desk-trust-"))
    db = Database(f"sqlite:///{folder / 'book.db'}")
    init_database(db)
    with clock_at(NOW):
        for kind, text in FILES.items():
            path = folder / f"{kind}.csv"
            path.write_text(text, encoding="utf-8")
            import_file(db, SETUP, kind, path)
        boss = add_user(db, SETUP, "boss", Role.ADMIN, PASSWORDS["boss"])
        for name, role in (("fin", Role.FINANCE), ("fin2", Role.FINANCE), ("mia", Role.MANAGER)):
            add_user(db, boss, name, role, PASSWORDS[name])
        post_period(db, boss, "2026-08")
    db.dispose()
    return folder / "book.db"


class Book(Cli):
    """The command line on a copy of the book; `as_` signs in with the user's own password."""

    def __init__(self, path: Path, capsys: Any, monkeypatch: Any) -> None:
        super().__init__(f"sqlite:///{path}", capsys, monkeypatch)
        self.path = path

    def as_(self, user: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
        return self(*args, user=user, password=PASSWORDS[user], stdin=stdin)

    def raw(self) -> sqlite3.Connection:
        """A plain connection to the file, not the product's: what someone with the file can do."""
        return sqlite3.connect(self.path)


@pytest.fixture
def book(tmp_path: Path, capsys: Any, monkeypatch: Any, clock: Any) -> Book:
    if "path" not in _template:
        _template["path"] = _build()
    clock(NOW)
    target = tmp_path / "book.db"
    shutil.copyfile(_template["path"], target)
    return Book(target, capsys, monkeypatch)


def refused(result: tuple[int, str, str]) -> str:
    """The one line a refusal prints (exit 1, nothing on standard output)."""
    code, out, err = result
    assert (code, out) == (1, ""), (code, out, err)
    assert err.count("\n") == 1
    assert err.startswith("partner-desk: ")
    return err.removeprefix("partner-desk: ").rstrip("\n")


# -- a wrong password was accepted --------------------------------------------------------------
def test_a_wrong_password_or_an_unknown_user_is_refused_even_for_a_read(book: Book) -> None:
    assert refused(book("balance", "--json", user="boss", password="wrong")) == (
        "sign-in failed for 'boss': unknown user or wrong password")
    assert refused(book("balance", "--json", user="nobody", password="chief-secret")) == (
        "sign-in failed for 'nobody': unknown user or wrong password")
    assert refused(book("withdraw", "list", user="mia", password="wrong")).startswith("sign-in failed")
    # without --user, reads still work
    code, out, _ = book("balance", "--json", password=None)
    assert code == 0
    assert json.loads(out)[0]["balance"] == "135.00"


def test_the_audit_trail_and_the_users_are_read_by_finance_and_admins_only(book: Book) -> None:
    assert refused(book("audit", password=None)).startswith("not signed in: to read the audit trail")
    assert refused(book.as_("mia", "audit")) == (
        "mia (manager) may not read the audit trail: it needs the finance role")
    assert refused(book.as_("mia", "users", "list")) == "mia (manager) may not list users: it needs the finance role"
    assert book.as_("fin", "audit", "--json")[0] == 0
    listed = json.loads(book.as_("fin", "users", "list", "--json")[1])
    assert [(u["name"], u["role"], u["active"]) for u in listed] == [
        ("boss", "admin", True), ("fin", "finance", True), ("fin2", "finance", True), ("mia", "manager", True)]


def test_a_deactivated_user_is_refused_and_every_refusal_is_recorded(book: Book) -> None:
    assert book.as_("boss", "users", "deactivate", "mia")[:2] == (0, "deactivated mia\n")
    assert refused(book.as_("mia", "balance")) == "sign-in refused: the account 'mia' is deactivated"
    trail = json.loads(book.as_("fin", "audit", "--json", "--limit", "2")[1])
    assert [(r["user"], r["action"], r["outcome"]) for r in trail] == [
        ("mia", "sign_in.inactive", "refused"), ("boss", "users.deactivate", "ok")]


# -- --as-of walked around the rules ------------------------------------------------------------
def test_the_running_month_cannot_be_posted_whatever_as_of_says(book: Book) -> None:
    assert refused(book.as_("fin", "accrue", "--period", "2026-12", "--as-of", "2027-01-05")) == (
        "--as-of 2027-01-05 is after today (2026-12-01): a date chosen for an action cannot be in the future")
    assert refused(book.as_("fin", "accrue", "--period", "2026-12", "--as-of", "2026-12-01")).startswith(
        "2026-12 has not ended in the company time zone (today is 2026-12-01)")


def test_a_hold_cannot_be_dated_into_a_posted_month(book: Book, tmp_path: Path) -> None:
    before = tmp_path / "before.xlsx"
    assert book.as_("mia", "statement", "AG01", "--period", "2026-08", "-o", str(before))[0] == 0
    assert refused(book.as_("mia", "withdraw", "request", "AG01", "100.00", "--method", "card", "--details",
                            "card 4242", "--as-of", "2026-08-15")) == (
        "the date 2026-08-15 is in 2026-08, which is posted: its books are closed")
    after = tmp_path / "after.xlsx"
    assert book.as_("mia", "statement", "AG01", "--period", "2026-08", "-o", str(after))[0] == 0
    ledger = [[c.value for c in row] for row in load_workbook(before)["Ledger"].iter_rows()]
    assert ledger == [[c.value for c in row] for row in load_workbook(after)["Ledger"].iter_rows()]
    assert not any("Withdrawal hold" in str(cell) for row in ledger for cell in row)


def test_a_past_rate_cannot_pay_out_an_agency_worth_less_than_100_dollars_today(book: Book,
                                                                                tmp_path: Path) -> None:
    # today the euro is at 1.6 per USD: 135.00 EUR is worth $84.38; on 15 September it was at 0.9 ($150)
    rates = tmp_path / "late-rates.csv"
    rates.write_text("date,currency,per_usd\n2026-09-15,EUR,0.9\n2026-11-30,EUR,1.6\n", encoding="utf-8")
    assert book.as_("fin", "import", "rates", str(rates))[0] == 0
    assert refused(book.as_("mia", "withdraw", "request", "AG01", "100.00", "--method", "card", "--details",
                            "card 4242", "--as-of", "2026-09-15")) == (
        "AG01 cannot withdraw 100.00 EUR: the available balance is worth $84.38, not more than $100.00")
    code, out, _ = book.as_("mia", "balance", "AG01", "--as-of", "2026-09-15", "--json")
    # as it stood on 15 September it could have withdrawn: that is a reading, not a right today
    assert code == 0
    assert json.loads(out)[0]["withdrawable"] is True


def test_a_date_after_today_is_refused_everywhere(book: Book) -> None:
    far = "2099-12-31"  # the last day a date may name at all (domain/bounds.py), and after today
    assert refused(book.as_("fin", "accrue", "--period", "2026-09", "--as-of", far)).startswith(
        f"--as-of {far} is after today (2026-12-01)")
    assert refused(book.as_("mia", "withdraw", "request", "AG01", "10.00", "--method", "card", "--details", "c",
                            "--as-of", far)).startswith(f"the date {far} is after today (2026-12-01)")
    assert refused(book.as_("mia", "balance", "--as-of", far)).startswith(f"--as-of {far} is after today")
    assert refused(book.as_("fin", "accrue", "--period", "2026-09", "--dry-run", "--as-of", far)).startswith(
        f"--as-of {far} is after today")
    # beyond the years the product works in, a date is refused before it is compared with today
    for args in (("fin", "accrue", "--period", "2026-09", "--as-of", "9999-12-31"),
                 ("mia", "balance", "--as-of", "9999-12-31")):
        assert refused(book.as_(*args)) == "--as-of: '9999-12-31' is outside 2000-01-01 to 2099-12-31"


# -- a payout marked paid on an earlier day -----------------------------------------------------
def test_a_payout_is_dated_the_day_it_was_paid_and_its_month_shows_it_paid(book: Book, tmp_path: Path) -> None:
    out = book.as_("mia", "withdraw", "request", "AG01", "100.00", "--method", "bank", "--details",
                   "IBAN UA21", "--as-of", "2026-11-20", "--json")[1]
    wid = str(json.loads(out)["id"])
    assert book.as_("fin", "withdraw", "approve", wid)[0] == 0
    assert refused(book.as_("fin2", "withdraw", "paid", wid, "--reference", "SW-1", "--date", "2026-08-31")) == (
        "the payout date 2026-08-31 is in 2026-08, which is posted: its books are closed")
    assert book.as_("fin2", "withdraw", "paid", wid, "--reference", "SW-1", "--date", "2026-11-25")[:2] == (
        0, f"withdrawal {wid} paid on 2026-11-25: SW-1\n")
    for period in ("2026-09", "2026-10", "2026-11"):
        assert book.as_("fin", "accrue", "--period", period)[0] == 0
    out_file = tmp_path / "november.xlsx"
    assert book.as_("mia", "statement", "AG01", "--period", "2026-11", "-o", str(out_file))[0] == 0
    ledger = [[c.value for c in row] for row in load_workbook(out_file)["Ledger"].iter_rows()]
    entries = [(row[0], row[1], row[7]) for row in ledger if row[1] in ("Withdrawal hold", "Hold release", "Payout")]
    # the hold on the 20th, its release and the payout on the 25th: November shows the money paid
    assert entries == [(datetime(2026, 11, 20), "Withdrawal hold", -100),
                       (datetime(2026, 11, 25), "Hold release", 100),
                       (datetime(2026, 11, 25), "Payout", -100)]
    assert ledger[-1][8:10] == [35, 0]  # closing: 135.00 - 100.00 paid = 35.00, nothing held


def test_a_payout_recorded_as_made_before_its_request_was_held(book: Book, tmp_path: Path) -> None:
    out = book.as_("mia", "withdraw", "request", "AG01", "100.00", "--method", "bank", "--details",
                   "IBAN UA21", "--as-of", "2026-11-20", "--json")[1]
    wid = str(json.loads(out)["id"])
    assert book.as_("fin", "withdraw", "approve", wid)[0] == 0
    assert book.as_("fin2", "withdraw", "paid", wid, "--reference", "SW-2", "--date", "2026-11-19")[:2] == (
        0, f"withdrawal {wid} paid on 2026-11-19: SW-2\n")
    for period in ("2026-09", "2026-10", "2026-11"):
        assert book.as_("fin", "accrue", "--period", period)[0] == 0
    out_file = tmp_path / "november.xlsx"
    assert book.as_("mia", "statement", "AG01", "--period", "2026-11", "-o", str(out_file))[0] == 0
    ledger = [[c.value for c in row] for row in load_workbook(out_file)["Ledger"].iter_rows()]
    entries = [(row[0], row[1], row[7]) for row in ledger if row[1] in ("Withdrawal hold", "Hold release", "Payout")]
    # the money left on the 19th; the hold made on the 20th is released that same day, never before it
    assert entries == [(datetime(2026, 11, 19), "Payout", -100),
                       (datetime(2026, 11, 20), "Withdrawal hold", -100),
                       (datetime(2026, 11, 20), "Hold release", 100)]


# -- the append-only tables could be changed without the product noticing ----------------------
def test_replace_into_the_ledger_is_refused_by_the_database(book: Book) -> None:
    raw = book.raw()
    with pytest.raises(sqlite3.DatabaseError, match="REPLACE refused"):
        raw.execute("REPLACE INTO ledger_entries (id, agency_id, kind, amount_minor, currency, created_at, "
                    "effective_on, prev_hash, hash) SELECT id, agency_id, kind, amount_minor * 100, currency, "
                    "created_at, effective_on, prev_hash, hash FROM ledger_entries WHERE id = 1")
    raw.close()
    assert json.loads(book("balance", "--json", password=None)[1])[0]["balance"] == "135.00"


def test_a_paid_request_cannot_be_set_back_and_paid_twice(book: Book) -> None:
    out = book.as_("mia", "withdraw", "request", "AG01", "100.00", "--method", "card", "--details", "c",
                   "--json")[1]
    wid = json.loads(out)["id"]
    book.as_("fin", "withdraw", "approve", str(wid))
    book.as_("fin2", "withdraw", "paid", str(wid), "--reference", "R1")
    raw = book.raw()
    with pytest.raises(sqlite3.DatabaseError, match="a settled request never changes"):
        raw.execute("UPDATE withdrawals SET status = 'approved' WHERE id = ?", (wid,))
    raw.close()
    assert refused(book.as_("fin2", "withdraw", "paid", str(wid), "--reference", "R2")) == (
        f"withdrawal {wid} is paid: only an approved request can be marked paid")
    # and with the guard dropped too, the product still pays it only once
    raw = book.raw()
    raw.execute("DROP TRIGGER withdrawals_moves")
    raw.execute("UPDATE withdrawals SET status = 'approved' WHERE id = ?", (wid,))
    raw.commit()
    raw.close()
    assert refused(book.as_("fin2", "withdraw", "paid", str(wid), "--reference", "R2")) == (
        f"withdrawal {wid} is approved, but its ledger entries are not those of an approved request: it was "
        "changed behind the product's back; nothing was changed (run audit --verify)")
    assert json.loads(book("balance", "--json", password=None)[1])[0]["balance"] == "35.00"  # paid once


def test_a_role_set_behind_the_products_back_grants_nothing_and_is_found(book: Book) -> None:
    raw = book.raw()
    raw.execute("UPDATE users SET role = 'admin' WHERE name = 'mia'")
    raw.commit()
    raw.close()
    assert refused(book.as_("mia", "correct", "AG01", "1000.00", "--reason", "mine now")).startswith(
        "mia may not correct balances: mia's role is admin in the database but manager in the audit trail")
    code, _, err = book.as_("fin", "audit", "--verify")
    assert code == 1
    assert "users mia: role is 'admin', the audit trail (record" in err
    assert "says 'manager'" in err
    assert json.loads(book("balance", "--json", password=None)[1])[0]["balance"] == "135.00"


def test_records_removed_from_the_end_are_found_with_the_head_kept_outside(book: Book) -> None:
    head = book.as_("fin", "audit", "--verify")[1].splitlines()[1].removeprefix("head ")
    count = int(head.split(":")[0])
    raw = book.raw()
    raw.execute("DROP TRIGGER audit_no_delete")
    raw.execute("DELETE FROM audit WHERE id > 0")  # all of it
    raw.commit()
    raw.close()
    assert refused_lines(book.as_("fin", "audit", "--verify", "--expect", head))[1] == (
        f"audit record {count}: is missing: the trail has 0 records, {count} were expected; records were removed")


def refused_lines(result: tuple[int, str, str]) -> list[str]:
    code, _out, err = result
    assert code == 1
    return err.splitlines()


# -- users could not be managed -----------------------------------------------------------------
def test_users_are_managed_on_the_command_line(book: Book) -> None:
    assert book.as_("boss", "users", "role", "mia", "finance")[:2] == (0, "mia now has the finance role\n")
    assert book.as_("mia", "audit", "--limit", "1")[0] == 0  # the new role counts at once
    assert refused(book.as_("boss", "users", "role", "boss", "manager")) == (
        "boss is the last active admin: add or activate another admin before changing boss's role")
    assert refused(book.as_("boss", "users", "deactivate", "boss")) == (
        "boss is the last active admin: add or activate another admin before deactivating boss")
    assert refused(book.as_("fin", "users", "deactivate", "mia")) == (
        "fin (finance) may not deactivate users: it needs the admin role")
    # a new password: an admin resets anyone's; anyone changes their own (signed in with the old one)
    assert book.as_("boss", "users", "password", "fin", "--password-stdin", stdin="fresh-secret-1\n")[0] == 0
    assert refused(book("balance", user="fin", password=PASSWORDS["fin"])).startswith("sign-in failed")
    assert book("users", "password", "fin", "--password-stdin", user="fin", password="fresh-secret-1",
                stdin="fresher-secret-2\n")[:2] == (0, "the password of fin is changed\n")
    assert refused(book.as_("mia", "users", "password", "fin", "--password-stdin", stdin="mine-mine-mine\n")) == (
        "mia (finance) may not set other users' passwords: it needs the admin role")
    assert refused(book.as_("boss", "users", "password", "mia", "--password-stdin", stdin="mia-12345\n")) == (
        "the password is the user name 'mia' with digits or signs: choose another")
    assert book.as_("boss", "users", "deactivate", "mia")[0] == 0
    assert book.as_("boss", "users", "activate", "mia")[0] == 0
    assert book.as_("mia", "balance")[0] == 0
    assert book.as_("fin2", "audit", "--verify")[0] == 0


def test_five_failed_sign_ins_lock_the_account_until_an_admin_unlocks_it(book: Book, clock: Any) -> None:
    for _attempt in range(4):
        refused(book("balance", user="mia", password="guess"))
    assert refused(book("balance", user="mia", password="guess")) == (
        "sign-in failed for 'mia': unknown user or wrong password; the account is now locked until "
        "2026-12-01 10:15 UTC")
    # the right password does not open a locked account
    assert refused(book.as_("mia", "balance")) == (
        "sign-in refused: the account 'mia' is locked until 2026-12-01 10:15 UTC after repeated failed sign-ins; "
        "an admin can unlock it (users unlock mia)")
    listed = json.loads(book.as_("boss", "users", "list", "--json")[1])
    assert next(u for u in listed if u["name"] == "mia")["locked_until"] == "2026-12-01T10:15:00Z"
    assert book.as_("boss", "users", "unlock", "mia")[:2] == (0, "unlocked mia\n")
    assert book.as_("mia", "balance")[0] == 0
    assert refused(book.as_("boss", "users", "unlock", "mia")) == "mia is not locked"
    # locked again, it opens by itself fifteen minutes after the last failure
    for _attempt in range(5):
        book("balance", user="mia", password="guess")
    clock("2026-12-01T10:14:59Z")
    assert refused(book.as_("mia", "balance")).startswith("sign-in refused: the account 'mia' is locked")
    clock("2026-12-01T10:15:00Z")
    assert book.as_("mia", "balance")[0] == 0


def test_four_failures_spread_over_more_than_fifteen_minutes_lock_nothing(book: Book, clock: Any) -> None:
    for minute in ("10:00", "10:05", "10:10", "10:15", "10:20"):
        clock(f"2026-12-01T{minute}:00Z")
        book("balance", user="mia", password="guess")
    # at 10:20 the failures of the last fifteen minutes are 10:10, 10:15 and 10:20 (and 10:05 has aged out)
    assert book.as_("mia", "balance")[0] == 0


def test_a_set_clock_is_recorded_and_may_not_run_ahead(book: Book, clock: Any) -> None:
    trail = json.loads(book.as_("fin", "audit", "--json", "--limit", "1")[1])
    assert trail == [] or trail[0]["clock"] in (None, NOW)
    book.as_("mia", "withdraw", "request", "AG01", "10.00", "--method", "card", "--details", "c")
    last = json.loads(book.as_("fin", "audit", "--json", "--limit", "1")[1])[0]
    assert (last["action"], last["clock"], last["at"]) == ("withdraw.request", NOW, "2026-12-01T10:00:00Z")
    clock("2099-01-01T00:00:00Z")
    assert refused(book("balance", password=None)).startswith(
        "PARTNER_DESK_NOW=2099-01-01T00:00:00Z is later than the real clock")
    assert date(2099, 1, 1) > date.today()
    clock("2999-01-01T00:00:00Z")  # beyond the years the product works in, refused as such first
    assert refused(book("balance", password=None)) == (
        "PARTNER_DESK_NOW: '2999-01-01' is outside 2000-01-01 to 2099-12-31")


def test_statements_carry_the_head_of_the_audit_trail(book: Book, tmp_path: Path) -> None:
    head = book.as_("fin", "audit", "--verify")[1].splitlines()[1].removeprefix("head ")
    one, folder = tmp_path / "AG01.xlsx", tmp_path / "all"
    assert book.as_("mia", "statement", "AG01", "--period", "2026-08", "-o", str(one))[0] == 0
    assert book.as_("mia", "statements", "--period", "2026-08", "-o", str(folder))[0] == 0
    preview = tmp_path / "preview.xlsx"
    assert book.as_("mia", "statement", "AG01", "--period", "2026-09", "--preview", "-o", str(preview))[0] == 0
    for path in (one, folder / "AG01_2026-08.xlsx", preview):
        properties = load_workbook(path).properties
        assert properties.keywords == f"audit-head {head}"
        assert properties.description == f"Partner Desk audit trail head {head}"



def test_pdf_statements_and_payout_files_carry_the_head_too(book: Book, tmp_path: Path) -> None:


    def head() -> str:
        return book.as_("fin", "audit", "--verify")[1].splitlines()[1].removeprefix("head ")

    before = head()
    pdf = tmp_path / "AG01.pdf"
    assert book.as_("mia", "statement", "AG01", "--period", "2026-08", "-o", str(pdf))[0] == 0
    xmp = PdfReader(pdf).xmp_metadata
    assert xmp is not None
    assert xmp.pdf_keywords == f"audit-head {before}"
    assert xmp.dc_description == {"x-default": f"Partner Desk audit trail head {before}"}
    # a bank batch of one EUR request (AG01 holds 135.00 EUR): the register and the SEPA file carry the head
    code, out, _err = book.as_("mia", "withdraw", "request", "AG01", "100.00", "--method", "bank", "--details",
                               "IBAN DE89 3704 0044 0532 0130 00", "--json")
    assert code == 0
    assert book.as_("fin", "withdraw", "approve", str(json.loads(out)["id"]))[0] == 0
    assert book.as_("boss", "withdraw", "company-account", "--name", "Partner Desk Ltd", "--iban",
                    "DE02 1203 0000 0000 2020 51", "--bic", "BYLADEM1001")[0] == 0
    made = head()
    folder = tmp_path / "batch"
    code, out, _err = book.as_("fin", "withdraw", "export", "--status", "approved", "--method", "bank", "-o",
                               str(folder), "--json")
    assert code == 0
    assert json.loads(out)["audit_head"] == made
    register, sepa = folder / "payout-batch-1-bank-register.xlsx", folder / "payout-batch-1-sepa-EUR.xml"
    assert load_workbook(register).properties.keywords == f"audit-head {made}"
    assert sepa.read_text().splitlines()[1] == f"<!-- Partner Desk audit trail head {made} -->"
    assert audit_head_of(register) == audit_head_of(sepa) == made
    # the files still name their batch, which is paid and verifies
    assert book.as_("fin2", "withdraw", "paid-batch", str(sepa), "--reference", "SEPA-1", "--date",
                    "2026-12-01")[0] == 0
    assert book.as_("fin", "audit", "--verify")[0] == 0
