"""Changes made behind the product's back, with the database's guards dropped through a plain
connection (someone with the file and the `sqlite3` shell): each protected table is edited, has a
row deleted, has rows reordered and is cut short, and `audit --verify` names every change.

The book is tests/store/trust_world.py. Its rows (ids as the product writes them):

    ledger_entries  1 AG01 accrual 135.00 (Aug), 2 AG02 accrual 20.00 (Aug), 3 AG01 accrual 67.50 (Sep),
                    4 AG01 project payment -10.00, 5-7 withdrawal 1 (hold -50, release +50, payout -50),
                    8-9 withdrawal 2 (hold -20, release +20), 10 withdrawal 3 (hold -30), 11 AG02 correction +5
    accruals        1 AG01 2026-08 135.00, 2 AG02 2026-08 20.00, 3 AG01 2026-09 67.50; one line each (p1, p2, p3)
    withdrawals     1 paid 50.00, 2 rejected 20.00, 3 pending 30.00
    audit           18 records: 4 imports, 4 users added, 2 postings (9, 10), pay_project (11), request (12),
                    approve (13), paid (14), request (15), reject (16), request (17), correct (18)
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select, text

from partner_desk import i18n, names
from partner_desk.refusal_text import TEMPLATES
from partner_desk.services import audit, audit_trail
from partner_desk.services.setup import init_database
from partner_desk.services.verify import Head, check
from partner_desk.store import chain
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord
from tests.store.trust_world import populate

_template: dict[str, Path] = {}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    if "path" not in _template:
        folder = Path(tempfile.mkdtemp(prefix="partner-desk-tamper-"))
        db = Database(f"sqlite:///{folder / 'book.db'}")
        init_database(db)
        populate(db)
        db.dispose()
        _template["path"] = folder / "book.db"
    target = tmp_path / "book.db"
    shutil.copyfile(_template["path"], target)
    return target


def tamper(path: Path, *statements: str) -> None:
    """Drop every guard through a plain connection, then run the statements."""
    raw = sqlite3.connect(path)
    for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        raw.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


def problems(path: Path, expect: Head | None = None, shown: bool = False) -> list[str]:
    """What `audit --verify` finds: as the command line prints it, or (`shown`) as the window does."""
    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            return [p.shown() if shown else str(p) for p in check(session, expect).problems]
    finally:
        db.dispose()


def swap(table: str, key: str, a: object, b: object) -> list[str]:
    """Two rows exchange places: each takes the other's key."""
    return [f"UPDATE {table} SET {key} = -1 WHERE {key} = {a!r}",
            f"UPDATE {table} SET {key} = {a!r} WHERE {key} = {b!r}",
            f"UPDATE {table} SET {key} = {b!r} WHERE {key} = -1"]


def test_the_book_as_the_product_wrote_it_verifies(book: Path) -> None:
    assert problems(book) == []


NOT_ITS_HASH = "was altered: its content no longer matches its hash"
DOES_NOT_FOLLOW = "does not follow the row before it: a row before it was removed, or the rows were reordered"

CASES: dict[str, tuple[list[str], list[str]]] = {
    # ledger_entries
    "ledger edited": (["UPDATE ledger_entries SET amount_minor = amount_minor * 100 WHERE id = 4"], [
        f"ledger_entries id 4: {NOT_ITS_HASH}",
        # 135.00 + 67.50 - 10.00 = 192.50 as the trail says; with the payment made -1,000.00: -797.50
        "ledger_entries of agency AG01: the balance they give after audit record 11 (pay_project) is -797.50 EUR; "
        "the audit trail says 192.50 EUR"]),
    "ledger row deleted": (["DELETE FROM ledger_entries WHERE id = 6"], [
        f"ledger_entries id 7: {DOES_NOT_FOLLOW}",
        "ledger_entries of withdrawal 1: withdrawal_hold -50.00, payout -50.00: a paid request of 50.00 EUR has "
        "written withdrawal_hold -50.00, hold_release 50.00, payout -50.00",
        "ledger_entries of agency AG01: the amount held they give after audit record 14 (withdraw.paid) is "
        "50.00 EUR; the audit trail says 0.00 EUR"]),
    "ledger rows reordered": (swap("ledger_entries", "id", 8, 9), [
        f"ledger_entries id 8: {DOES_NOT_FOLLOW}", f"ledger_entries id 8: {NOT_ITS_HASH}",
        f"ledger_entries id 9: {DOES_NOT_FOLLOW}", f"ledger_entries id 9: {NOT_ITS_HASH}",
        f"ledger_entries id 10: {DOES_NOT_FOLLOW}",
        "ledger_entries rows after id 7 up to id 8: differ from what audit record 15 (withdraw.request) noted: "
        "they were changed and their hashes written again",
        # the release now comes first: -20.00 held after the request of 20.00
        "ledger_entries of agency AG01: the amount held they give after audit record 15 (withdraw.request) is "
        "-20.00 EUR; the audit trail says 20.00 EUR"]),
    "ledger cut short": (["DELETE FROM ledger_entries WHERE id >= 10"], [
        "ledger_entries rows after id 9: are missing: audit record 17 (withdraw.request) noted the table up to "
        "id 10, it ends at id 9",
        "ledger_entries of withdrawal 3: no entries: a pending request of 30.00 EUR has written withdrawal_hold -30.00",
        "ledger_entries of agency AG01: the amount held they give after audit record 17 (withdraw.request) is "
        "0.00 EUR; the audit trail says 30.00 EUR",
        "ledger_entries of agency AG02: the balance they give after audit record 18 (correct) is 20.00 USD; the "
        "audit trail says 25.00 USD"]),
    # audit
    "audit record edited": (["UPDATE audit SET user_name = 'fin' WHERE id = 14"], [
        "audit record 14: was altered: its content no longer matches its hash"]),
    "audit record deleted": (["DELETE FROM audit WHERE id = 13"], [
        "audit record 14: does not follow the record before it: a record before it was removed, or the records "
        "were reordered"]),
    "audit records reordered": (swap("audit", "id", 15, 16), [
        *(f"audit record {n}: does not follow the record before it: a record before it was removed, or the "
          "records were reordered" for n in (15, 16, 17)),
        # replayed in the new order, the rejection comes before the request it rejected
        "withdrawals id 2: status is 'rejected', the audit trail (record 16) says 'pending'",
        "withdrawals id 2: decided_by is 'fin', the audit trail (record 16) says None",
        "withdrawals id 2: reason is 'wrong card', the audit trail (record 16) says None",
        "ledger_entries of agency AG01: the amount held they give after audit record 16 (withdraw.request) is "
        "0.00 EUR; the audit trail says 20.00 EUR"]),
    # accruals
    "accrual edited": (["UPDATE accruals SET amount_minor = 99999 WHERE id = 2"], [
        f"accruals id 2: {NOT_ITS_HASH}",
        "accruals id 2 (AG02 2026-08): its lines sum to 20.00 USD, it says 999.99 USD",
        "ledger_entries credits of accrual id 2 (AG02 2026-08): 20.00 USD, the accrual is 999.99 USD"]),
    "accrual deleted": (["DELETE FROM accruals WHERE id = 2"], [
        f"accruals id 3: {DOES_NOT_FOLLOW}",
        "accruals id 2: is missing: audit record 9 (accrue.post) noted it",
        "accrual_lines id 2: belongs to no accrual (2)"]),
    "accruals reordered": (swap("accruals", "id", 1, 2), [
        f"accruals id 1: {DOES_NOT_FOLLOW}", f"accruals id 1: {NOT_ITS_HASH}",
        f"accruals id 2: {DOES_NOT_FOLLOW}", f"accruals id 2: {NOT_ITS_HASH}", f"accruals id 3: {DOES_NOT_FOLLOW}",
        "accruals rows from the start up to id 2: differ from what audit record 9 (accrue.post) noted: they were "
        "changed and their hashes written again",
        # each accrual now stands over the other's line and ledger credit
        "accrual_lines of accrual id 1 (AG02 2026-08): differ from the lines posted: their digest no longer matches",
        "accruals id 1 (AG02 2026-08): its lines sum to 135.00 USD, it says 20.00 USD",
        "ledger_entries credits of accrual id 1 (AG02 2026-08): 135.00 USD, the accrual is 20.00 USD",
        "accrual_lines of accrual id 2 (AG01 2026-08): differ from the lines posted: their digest no longer matches",
        "accruals id 2 (AG01 2026-08): its lines sum to 20.00 EUR, it says 135.00 EUR",
        "ledger_entries credits of accrual id 2 (AG01 2026-08): 20.00 EUR, the accrual is 135.00 EUR"]),
    "accruals cut short": (["DELETE FROM accruals WHERE id = 3"], [
        "accruals rows after id 2: are missing: audit record 10 (accrue.post) noted the table up to id 3, it ends "
        "at id 2",
        "accrual_lines id 3: belongs to no accrual (3)"]),
    # accrual_lines
    "line edited": (["UPDATE accrual_lines SET commission_minor = 1 WHERE id = 3"], [
        # p3: 20000 UAH / 40 * 0.9 = 450.00 EUR at 15 % = 67.50
        "accrual_lines id 3 (payment p3): commission is 0.01, its payment, rates and percent give 67.50",
        "accrual_lines of accrual id 3 (AG01 2026-09): differ from the lines posted: their digest no longer matches",
        "accruals id 3 (AG01 2026-09): its lines sum to 0.01 EUR, it says 67.50 EUR"]),
    "line deleted": (["DELETE FROM accrual_lines WHERE id = 2"], [
        "accrual_lines of accrual id 2 (AG02 2026-08): 0 lines, 1 were posted",
        "accruals id 2 (AG02 2026-08): its lines sum to 0.00 USD, it says 20.00 USD"]),
    "lines moved between accruals": (["UPDATE accrual_lines SET accrual_id = 3 WHERE id = 1",
                                      "UPDATE accrual_lines SET accrual_id = 1 WHERE id = 3"], [
        "accrual_lines of accrual id 1 (AG01 2026-08): differ from the lines posted: their digest no longer matches",
        "accruals id 1 (AG01 2026-08): its lines sum to 67.50 EUR, it says 135.00 EUR",
        "accrual_lines of accrual id 3 (AG01 2026-09): differ from the lines posted: their digest no longer matches",
        "accruals id 3 (AG01 2026-09): its lines sum to 135.00 EUR, it says 67.50 EUR"]),
    "lines cut": (["DELETE FROM accrual_lines WHERE id = 3"], [
        "accrual_lines of accrual id 3 (AG01 2026-09): 0 lines, 1 were posted",
        "accruals id 3 (AG01 2026-09): its lines sum to 0.00 EUR, it says 67.50 EUR"]),
    # posted_periods
    "posted period edited": (["UPDATE posted_periods SET as_of = '2026-09-01' WHERE period = '2026-09'"], [
        f"posted_periods 2026-09: {NOT_ITS_HASH}"]),
    "posted period deleted": (["DELETE FROM posted_periods WHERE period = '2026-08'"], [
        f"posted_periods 2026-09: {DOES_NOT_FOLLOW}",
        "posted_periods 2026-08: is missing: audit record 9 (accrue.post) noted it"]),
    "posted periods reordered": (["UPDATE posted_periods SET period = '2026-00' WHERE period = '2026-08'",
                                  "UPDATE posted_periods SET period = '2026-08' WHERE period = '2026-09'",
                                  "UPDATE posted_periods SET period = '2026-09' WHERE period = '2026-00'"], [
        f"posted_periods 2026-08: {DOES_NOT_FOLLOW}", f"posted_periods 2026-08: {NOT_ITS_HASH}",
        f"posted_periods 2026-09: {DOES_NOT_FOLLOW}", f"posted_periods 2026-09: {NOT_ITS_HASH}",
        "posted_periods rows from the start up to 2026-08: differ from what audit record 9 (accrue.post) noted: "
        "they were changed and their hashes written again"]),
    "posted periods cut short": (["DELETE FROM posted_periods WHERE period = '2026-09'"], [
        "posted_periods rows after 2026-08: are missing: audit record 10 (accrue.post) noted the table up to "
        "2026-09, it ends at 2026-08"]),
    # withdrawals
    "paid request set back to approved": (["UPDATE withdrawals SET status = 'approved', paid_by = NULL, "
                                           "paid_on = NULL, payout_reference = NULL WHERE id = 1"], [
        "withdrawals id 1: status is 'approved', the audit trail (record 14) says 'paid'",
        "withdrawals id 1: paid_by is None, the audit trail (record 14) says 'fin2'",
        "withdrawals id 1: paid_on is None, the audit trail (record 14) says '2026-11-25'",
        "withdrawals id 1: payout_reference is None, the audit trail (record 14) says 'SW-1'",
        "ledger_entries of withdrawal 1: withdrawal_hold -50.00, hold_release 50.00, payout -50.00: an approved "
        "request of 50.00 EUR has written withdrawal_hold -50.00"]),
    "request deleted": (["DELETE FROM withdrawals WHERE id = 2"], [
        "withdrawals id 2: is missing: audit record 16 records it"]),
    "request amounts swapped": (["UPDATE withdrawals SET amount_minor = 3000 WHERE id = 2",
                                 "UPDATE withdrawals SET amount_minor = 2000 WHERE id = 3"], [
        "withdrawals id 2: amount is '30.00', the audit trail (record 16) says '20.00'",
        "ledger_entries of withdrawal 2: withdrawal_hold -20.00, hold_release 20.00: a rejected request of 30.00 "
        "EUR has written withdrawal_hold -30.00, hold_release 30.00",
        "withdrawals id 3: amount is '20.00', the audit trail (record 17) says '30.00'",
        "ledger_entries of withdrawal 3: withdrawal_hold -30.00: a pending request of 20.00 EUR has written "
        "withdrawal_hold -20.00"]),
    "requests cut short": (["DELETE FROM withdrawals WHERE id = 3"], [
        "withdrawals id 3: is missing: audit record 17 records it"]),
    # users
    "manager made admin": (["UPDATE users SET role = 'admin' WHERE name = 'mia'"], [
        "users mia: role is 'admin', the audit trail (record 8) says 'manager'"]),
    "user deleted": (["DELETE FROM users WHERE name = 'fin2'"], [
        "users fin2: is missing: audit record 7 records the user"]),
    "user added": (["INSERT INTO users (name, role, password_hash, active, created_at) SELECT 'eve', 'admin', "
                    "password_hash, 1, created_at FROM users WHERE name = 'boss'"], [
        "users eve: is in no audit record: the user was added behind the product's back"]),
    "users reordered": (["UPDATE users SET name = '-' WHERE name = 'fin'", "UPDATE users SET name = 'fin' WHERE "
                         "name = 'mia'", "UPDATE users SET name = 'mia' WHERE name = '-'"], [
        "users fin: role is 'manager', the audit trail (record 6) says 'finance'",
        "users fin: password was changed",
        "users mia: role is 'finance', the audit trail (record 8) says 'manager'",
        "users mia: password was changed"]),
    "password hash replaced": (["UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE "
                                "name = 'mia') WHERE name = 'boss'"], [
        "users boss: password was changed"]),
    "user deactivated": (["UPDATE users SET active = 0 WHERE name = 'fin'"], [
        "users fin: active is False, the audit trail (record 6) says True"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_change_is_named(book: Path, case: str) -> None:
    statements, named = CASES[case]
    tamper(book, *statements)
    assert problems(book) == named


def _words(text: str) -> set[str]:
    """The Latin words of a text, its placeholders left out ("withdrawal_hold" is two)."""
    return {w.lower() for w in re.findall(r"[A-Za-z]+", re.sub(r"\{[^}]*\}", "", text))}


def _english_words() -> set[str]:
    """The words of every English refusal and of every stored code's name, less those the Ukrainian
    catalog keeps Latin (Partner Desk, USD, IBAN...)."""
    english = set().union(*(_words(t) for t in TEMPLATES.values()),
                          *(_words(code) | _words(name) for kind in names.BY_KIND.values()
                            for code, name in kind.items()))
    kept = set().union(*(_words(i18n._(t)) for t in TEMPLATES.values()),
                       *(_words(i18n._(name)) for kind in names.BY_KIND.values() for name in kind.values()))
    return english - kept


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_change_is_named_in_a_ukrainian_window_with_no_english_word(ukrainian: None, book: Path,
                                                                        case: str) -> None:
    statements, named = CASES[case]
    tamper(book, *statements)
    found = problems(book, shown=True)
    assert len(found) == len(named)
    english = _english_words()
    for text_ in found:  # a stored text (a reason, a reference) is quoted as it was written
        assert not _words(re.sub("«[^»]*»", "", text_)) & english, text_


def test_a_ukrainian_window_names_the_table_the_row_and_what_differs(ukrainian: None, book: Path) -> None:
    tamper(book, *CASES["request amounts swapped"][0])
    nb = "\xa0"
    assert problems(book, shown=True) == [
        "заявки на виведення, № 2: сума: 30,00, а в журналі аудиту (запис № 16) — 20,00",
        "записи журналу операцій, заявки на виведення № 2: резерв на виведення -20,00, зняття резерву 20,00: заявка "
        f"зі статусом «відхилено» на 30,00{nb}EUR мала б записати резерв на виведення -30,00, зняття резерву 30,00",
        "заявки на виведення, № 3: сума: 20,00, а в журналі аудиту (запис № 17) — 30,00",
        "записи журналу операцій, заявки на виведення № 3: резерв на виведення -30,00: заявка зі статусом «очікує» "
        f"на 20,00{nb}EUR мала б записати резерв на виведення -20,00"]
    tamper(book, *CASES["user deactivated"][0], *CASES["manager made admin"][0])
    assert problems(book, shown=True)[-2:] == [
        "користувачі, fin: активний: ні, а в журналі аудиту (запис № 6) — так",
        "користувачі, mia: роль: «адміністратор», а в журналі аудиту (запис № 8) — «менеджер»"]


def test_the_audit_trail_cut_short_is_found_with_the_head_kept_outside(book: Path) -> None:
    db = Database(f"sqlite:///{book}")
    kept = audit_trail.head(db)
    db.dispose()
    assert kept.count == 18
    # the last two actions undone whole, rows and records: what is left agrees with itself...
    tamper(book, "DELETE FROM audit WHERE id >= 17", "DELETE FROM ledger_entries WHERE id >= 10",
           "DELETE FROM withdrawals WHERE id = 3")
    assert problems(book) == []
    # ...and not with the head kept outside the database
    assert problems(book, kept) == [
        "audit record 18: is missing: the trail has 16 records, 18 were expected; records were removed"]


def test_a_trail_rewritten_whole_is_found_with_the_head_kept_outside(book: Path) -> None:
    db = Database(f"sqlite:///{book}")
    kept = audit_trail.head(db)
    db.dispose()
    tamper(book, "UPDATE audit SET message = 'quiet' WHERE id = 18")
    # the attacker writes every hash again from the changed record on
    rehash_audit(book, from_id=18)
    assert problems(book) == []
    assert problems(book, kept) == ["audit record 18: is not the record 18 expected: the trail was rewritten"]


def test_a_ledger_rewritten_with_fresh_hashes_is_found_against_the_trail(book: Path) -> None:
    tamper(book, "UPDATE ledger_entries SET amount_minor = -100 WHERE id = 4")
    rehash(book, chain.LEDGER)
    assert problems(book) == [
        "ledger_entries rows after id 3 up to id 4: differ from what audit record 11 (pay_project) noted: they "
        "were changed and their hashes written again",
        # 135.00 + 67.50 - 1.00 = 201.50
        "ledger_entries of agency AG01: the balance they give after audit record 11 (pay_project) is 201.50 EUR; "
        "the audit trail says 192.50 EUR"]


def rehash(path: Path, spec: chain.ChainSpec) -> None:
    """What an attacker who read store/chain.py does: write every hash of a table again, in order."""
    db = Database(f"sqlite:///{path}")
    try:
        with db.engine.begin() as connection:
            prev = chain.GENESIS
            rows = connection.execute(select(spec.table).order_by(spec.table.c[spec.key])).mappings().all()
            for values in rows:
                digest = chain.link_hash(prev, spec, dict(values))
                connection.execute(spec.table.update().where(spec.table.c[spec.key] == values[spec.key])
                                   .values(prev_hash=prev, hash=digest))
                prev = digest
    finally:
        db.dispose()


def rehash_audit(path: Path, from_id: int) -> None:

    db = Database(f"sqlite:///{path}")
    try:
        with db.write() as session:
            prev = audit.GENESIS
            for row in session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
                if row.id >= from_id:
                    session.execute(text("UPDATE audit SET prev_hash = :p, hash = :h WHERE id = :i"),
                                    {"p": prev, "h": audit.row_hash(row, prev), "i": row.id})
                    prev = audit.row_hash(row, prev)
                else:
                    prev = row.hash
    finally:
        db.dispose()

