"""The language of an agency's statements: the agencies file's `language` column, the agency page's
choice and the company default (SPEC section 9)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.languages import parse_language, statement_language
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.files.table import FileRejected
from partner_desk.services.agency_language import set_agency_language
from partner_desk.services.guard import Refused
from partner_desk.services.settings_admin import set_statement_language, settings_view
from partner_desk.store.models import Agency, AuditRecord, ImportRun, Setting

HEADER = "code,name,currency,offer_accepted_at,manager,language\n"
AGENCIES = HEADER + "AG01,Alpha,EUR,,,uk\nAG02,Beta,PLN,,,EN\nAG03,Gamma,UAH,,,\n"
MANAGER = Actor("mira", Role.MANAGER)
ADMIN = Actor("ada", Role.ADMIN)


def languages(db) -> dict[str, str | None]:
    with db.read() as session:
        return {a.code: a.language for a in session.scalars(select(Agency).order_by(Agency.code))}


def test_the_agencies_file_gives_each_agency_its_language(db, load) -> None:
    summary = load("agencies", AGENCIES)
    assert summary.added == 3
    # 'EN' is read as en; an empty value leaves the agency to the company default
    assert languages(db) == {"AG01": "uk", "AG02": "en", "AG03": None}


def test_the_column_is_optional(db, load) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,EUR\n")
    assert languages(db) == {"AG01": None}


def test_an_empty_value_never_clears_a_stored_language_and_a_missing_one_is_filled_in(
        db, load) -> None:
    load("agencies", AGENCIES)
    again = load("agencies", HEADER + "AG01,Alpha,EUR,,,\nAG02,Beta,PLN,,,en\nAG03,Gamma,UAH,,,uk\n")
    # AG01 keeps uk (empty), AG02 is the same, AG03 had none: the file sets it
    assert (again.known, again.updated) == (2, 1)
    assert languages(db) == {"AG01": "uk", "AG02": "en", "AG03": "uk"}


def test_a_language_other_than_uk_or_en_refuses_the_file(db, load, counts, audits) -> None:
    load("agencies", AGENCIES)
    with pytest.raises(FileRejected) as caught:
        load("agencies", HEADER + "AG04,Delta,USD,,,de\nAG05,Epsilon,UAH,,,ua\nAG01,Alpha,EUR,,,en\n"
                                   "AG06,Zeta,USD,,,en\nAG06,Zeta,USD,,,uk\n")
    assert str(caught.value).splitlines()[1:] == [
        "row 2: language: 'de' is not a statement language: use uk or en",
        "row 3: language: 'ua' is not a statement language: use uk or en (for Українська write uk)",
        "row 4: language: agency AG01's statements are in uk (a language is changed on the agency's page)",
        "row 6: code: 'AG06' is listed again on row 5 with different content",
    ]
    # nothing was written: the three agencies of the first file, with their languages
    assert counts(Agency, ImportRun) == {"agencies": 3, "imports": 1}
    assert languages(db) == {"AG01": "uk", "AG02": "en", "AG03": None}
    assert (audits()[-1].action, audits()[-1].outcome) == ("import", "refused")


def test_the_agency_page_sets_and_clears_the_language_audited(db, load, audits) -> None:
    load("agencies", AGENCIES)
    assert set_agency_language(db, MANAGER, "AG03", "en") == "en"
    assert set_agency_language(db, MANAGER, "AG03", "en") == "en"  # the same again changes nothing
    assert set_agency_language(db, MANAGER, "AG01", None) is None  # back to the company default
    assert languages(db) == {"AG01": None, "AG02": "en", "AG03": "en"}
    records = [(r.action, r.object, r.before, r.after, r.user_name) for r in audits()[1:]]
    assert records == [
        ("agency.language", "AG03", '{"language":null}', '{"language":"en"}', "mira"),
        ("agency.language", "AG01", '{"language":"uk"}', '{"language":null}', "mira"),
    ]


@pytest.mark.parametrize(("actor", "code", "language", "message"), [
    (MANAGER, "AG01", "pl", "'pl' is not a statement language: use uk or en"),
    (MANAGER, "NOPE", "uk", "unknown agency 'NOPE'"),
    (Actor("guest", None), "AG01", "en", "not signed in: to change the language of statements sign in (--user "
                                         "NAME) as a user with the manager role"),
])
def test_a_refused_change_says_why_changes_nothing_and_is_audited(
        db, load, audits, actor: Actor, code: str, language: str, message: str) -> None:
    load("agencies", AGENCIES)
    with pytest.raises(UserError) as caught:
        set_agency_language(db, actor, code, language)
    assert str(caught.value) == message
    assert languages(db) == {"AG01": "uk", "AG02": "en", "AG03": None}
    last: AuditRecord = audits()[-1]
    assert (last.action, last.outcome, last.message) == ("agency.language", "refused", message)


def test_the_company_default_is_english_and_an_admin_changes_it(db, audits) -> None:
    assert settings_view(db, SETUP).statement_language == "en"
    with pytest.raises(Refused):
        set_statement_language(db, MANAGER, "uk")
    with pytest.raises(UserError, match="'ru' is not a statement language"):
        set_statement_language(db, ADMIN, "ru")
    assert settings_view(db, SETUP).statement_language == "en"
    assert set_statement_language(db, ADMIN, "uk") == "uk"
    assert settings_view(db, SETUP).statement_language == "uk"
    with db.read() as session:
        assert session.get(Setting, "statement_language").value == "uk"
    last = audits()[-1]
    assert (last.action, last.object, last.before, last.after) == (
        "settings", "statement_language", '{"value":"en"}', '{"value":"uk"}')


def test_which_language_a_statement_is_written_in() -> None:
    # asked for, else the agency's own, else the company default
    assert statement_language("uk", "en", "en") == "uk"
    assert statement_language(None, "uk", "en") == "uk"
    assert statement_language(None, None, "en") == "en"
    assert parse_language(" Uk ") == "uk"
    with pytest.raises(ValueError, match="use uk or en"):
        parse_language("")
