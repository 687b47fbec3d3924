"""The catalog of refusals: the one English template of each refusal code, and how it is written.

`english` writes a refusal as the command line, its `--json` and the audit trail have always written
it (scripts read it: the wording never changes); `shown` writes it in the window's language and
formats (the templates are marked `N_` and translated with `_`). A code's values are typed
(`domain/refusals.py`), so each language writes an amount, a day or a role its own way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any, TypeVar

from partner_desk.domain.errors import AmountTooLarge, MissingRates, PeriodNote, UserError
from partner_desk.domain.languages import LANGUAGES, Language
from partner_desk.domain.money import Money, format_amount, format_usd, minor_digits
from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Code, Count, Dollars, Figure, Minute, Refusal, Said, Stored, ValueRefused
from partner_desk.domain.roles import Action, Role
from partner_desk.domain.withdrawals import Status
from partner_desk.i18n import N_, _, day, moment, moment_exact, money, number
from partner_desk.names import BY_KIND, LANGUAGE_NAMES, ROLES, STATES

T = TypeVar("T")

# How a refusal names each action ("… may not approve withdrawals").
ACTION_WORDS: dict[str, str] = {
    Action.IMPORT: N_("import files"),
    Action.ACCRUE_POST: N_("post accruals"),
    Action.STATEMENT: N_("write statements"),
    Action.PAY_PROJECT: N_("pay projects"),
    Action.OFFER_ACCEPT: N_("record an accepted offer"),
    Action.BENEFIT_UPDATE: N_("update benefits"),
    Action.AGENCY_LANGUAGE: N_("change the language of statements"),
    Action.WITHDRAW_REQUEST: N_("request withdrawals"),
    Action.WITHDRAW_CANCEL: N_("cancel withdrawals"),
    Action.WITHDRAW_APPROVE: N_("approve withdrawals"),
    Action.WITHDRAW_REJECT: N_("reject withdrawals"),
    Action.WITHDRAW_PAID: N_("mark withdrawals paid"),
    Action.WITHDRAW_EXPORT: N_("export payout batches"),
    Action.WITHDRAW_PAID_BATCH: N_("mark payout batches paid"),
    Action.CORRECT: N_("correct balances"),
    Action.TIERS: N_("change commission tables"),
    Action.REWARDS: N_("change reward levels"),
    Action.SETTINGS: N_("change settings"),
    Action.USERS_ADD: N_("add users"),
    Action.USERS_DEACTIVATE: N_("deactivate users"),
    Action.USERS_ACTIVATE: N_("activate users"),
    Action.USERS_ROLE: N_("change users' roles"),
    Action.USERS_PASSWORD: N_("set other users' passwords"),
    Action.USERS_UNLOCK: N_("unlock users"),
    Action.USERS_LIST: N_("list users"),
    Action.AUDIT_READ: N_("read the audit trail"),
    Action.USERS_OWN_PASSWORD: N_("change their own password"),
    Action.USERS_REHASH: N_("sign in"),
}

ROLE_NAMES = ROLES
# what other libraries say in English (a codec, the CSV reader, the XLSX reader), in the window's words
SAID_WORDS: dict[str, str] = {
    # payout methods, as a batch's refusals name them
    "bank_transfer": N_("bank transfer"),
    "paypal": N_("PayPal"),
    "invalid start byte": N_("invalid start byte"),
    "invalid continuation byte": N_("invalid continuation byte"),
    "unexpected end of data": N_("unexpected end of data"),
    "line contains NUL": N_("line contains NUL"),
    "File is not a zip file": N_("File is not a zip file"),
    "it has no worksheet": N_("it has no worksheet"),
    "its check digits are wrong": N_("its check digits are wrong"),
    "its national check digits are wrong": N_("its national check digits are wrong"),
    "its length is wrong for its country": N_("its length is wrong for its country"),
    "its account number does not have its country's format": N_("its account number does not have its country's "
                                                                 "format"),
    "Permission denied": N_("Permission denied"),
    "bank transfer": N_("bank transfer"),
    "PayPal": N_("PayPal"),
    "No such file or directory": N_("No such file or directory"),
    "No space left on device": N_("No space left on device"),
}
STATUS_NAMES = STATES

TEMPLATES: dict[str, str] = {
    # who may act (domain/roles.py, services/authority.py, services/guard.py)
    "needs_role": N_("{user} ({role}) may not {action}: it needs the {needed} role"),
    "not_signed_in": N_("not signed in: to {action} sign in (--user NAME) as a user with the {needed} role"),
    "setup_over": N_("the database has users now: sign in (--user NAME) to {action}"),
    "no_such_user": N_("{user} may not {action}: there is no such user"),
    "deactivated": N_("{user} may not {action}: the account is deactivated"),
    # amounts to spend and corrections (domain/ledger.py)
    "amount_not_positive": N_("the amount must be more than zero (got {amount})"),
    "amount_too_large": N_("the amount '{amount}' has more than {digits} integer digits"),
    "too_large_to_store": N_("{amount} is too large to store: check the amounts and rates it was computed from"),
    "too_many_decimals": N_("the amount {amount} has more decimals than {currency} allows ({digits})"),
    "available_negative": N_("the available balance is negative ({available}): nothing can be spent or "
                             "withdrawn until it is positive again"),
    "more_than_available": N_("{amount} is more than the available balance {available}"),
    "correction_zero": N_("a correction of zero changes nothing"),
    "correction_negative": N_("a correction of {amount} would make the available balance negative "
                              "(available {available})"),
    # who may withdraw, and the moves of a request (domain/withdrawals.py)
    "offer_not_accepted": N_("the partner offer has not been accepted"),
    "no_rate_to_value": N_("no {currency} exchange rate on or before {day} to value the balance in USD"),
    "below_minimum": N_("the available balance is worth {worth}, not more than {minimum}"),
    "only_pending_approved": N_("withdrawal {request} is {status}: only a pending request can be approved"),
    "only_pending_rejected": N_("withdrawal {request} is {status}: only a pending request can be rejected"),
    "only_pending_cancelled": N_("withdrawal {request} is {status}: only a pending request can be cancelled"),
    "only_approved_paid": N_("withdrawal {request} is {status}: only an approved request can be marked paid"),
    "cancel_not_own": N_("{user} may not cancel withdrawal {request}: only the user who requested it "
                         "({requested_by}) or the finance role may"),
    "own_approve": N_("{user} may not approve withdrawal {request}: nobody decides a request they created"),
    "own_reject": N_("{user} may not reject withdrawal {request}: nobody decides a request they created"),
    "own_mark_paid": N_("{user} may not mark paid withdrawal {request}: nobody decides a request they created"),
    # what a refusal of several reasons was refusing (services/ledger.py, services/withdrawals.py)
    "cannot_pay_project": N_("cannot pay project {project} from {agency}"),
    "cannot_correct": N_("cannot correct {agency}"),
    "cannot_request": N_("cannot request a withdrawal from {agency}"),
    "cannot_withdraw": N_("{agency} cannot withdraw {amount}"),
    "cannot_approve": N_("withdrawal {request} cannot be approved"),
    # a file's problems (files/table.py, services/imports/fields.py): `row N: column: problem`
    "missing_column": N_("missing column"),
    "column_twice": N_("column listed twice"),
    "cell_empty": N_("is empty"),
    "too_long": N_("is longer than {max} characters"),
    "control_character": N_("contains a control character ({char})"),
    "not_a_currency": N_("'{code}' is not an ISO 4217 currency code"),
    "currency_not_in_use": N_("'{code}' is not a currency in use today"),
    "no_header": N_("the file is empty: a header row is needed"),
    "sheet_no_header": N_("the sheet is empty: a header row is needed"),
    "formula_cell": N_("a formula: paste values"),
    "error_cell": N_("an error value ({value})"),
    "percent_cell": N_("a percent-formatted cell ({percent}%): a percent is only read in a percent column"),
    "cell_twice": N_("the sheet lists this cell twice"),
    "semicolon_columns": N_("the columns are separated by ';': save the file as CSV with commas (UTF-8)"),
    # a cell's value (domain/money.py, domain/periods.py, domain/bounds.py, services/imports/)
    "not_decimal": N_("'{text}' is not a decimal number"),
    "not_decimal_comma": N_("'{text}' is not a decimal number (decimals use '.': {fixed})"),
    "integer_digits": N_("'{text}' has more than {digits} integer digits"),
    "currency_decimals": N_("'{text}' has more decimals than {currency} allows ({digits})"),
    "not_a_date": N_("'{text}' is not a date (YYYY-MM-DD)"),
    "not_a_timestamp": N_("'{text}' is not an ISO 8601 timestamp"),
    "date_outside": N_("'{text}' is outside {first} to {last}"),
    "hour_skipped": N_("'{text}' does not exist in {zone} (the clocks skip that hour)"),
    "not_a_month": N_("'{text}' is not a month"),
    "not_a_period": N_("'{text}' is not a period (YYYY-MM)"),
    "period_outside": N_("'{text}' is outside {first} to {last}"),
    "payment_before": N_("is before {first}"),
    "payment_after": N_("is after {latest}: a payment is at most one day after today"),
    "rate_not_positive": N_("'{text}' is not a positive rate"),
    "rate_too_small": N_("'{text}' is less than {min} units per USD"),
    "usd_rate_one": N_("USD's rate is always 1"),
    "percent_range": N_("is not between 0 and 100"),
    # posting a period (domain/posting.py)
    "already_posted": N_("{period} is already posted"),
    "not_ended": N_("{period} has not ended in the company time zone (today is {today}): it can be previewed, "
                    "not posted"),
    "before_first": N_("{period} is before the first posted period {first}: its payments are accrued as late "
                       "in the next run; periods are posted in order"),
    "out_of_order": N_("periods are posted in order: the next period to post is {next}"),
    # a file as a whole (files/table.py, files/xlsx_input.py)
    "file_refused_one": N_("{file} refused: 1 problem, nothing was written"),
    "file_refused": N_("{file} refused: {n} problems, nothing was written"),
    "no_such_file": N_("{path}: no such file"),
    "unknown_format": N_("{file}: unknown format '{suffix}' (use .csv or .xlsx)"),
    "path_unreadable": N_("{path}: cannot be read ({detail})"),
    "file_unreadable": N_("{file} cannot be read ({detail})"),
    "not_utf8": N_("{file} is not UTF-8 text"),
    "not_utf8_detail": N_("{file} is not UTF-8 text ({detail})"),
    "csv_cell_too_long": N_("a cell is longer than {max} characters"),
    "not_csv": N_("not readable as CSV ({detail})"),
    "not_xlsx": N_("{file} is not a readable XLSX file ({detail})"),
    "header_cell": N_("the header: column {n}: {problem}"),
    "row_out_of_order": N_("the sheet lists this row twice or out of order: not a readable XLSX file"),
    # an import's rows against each other and against what is stored (services/imports/)
    "listed_again": N_("'{id}' is listed again on row {row} with different content"),
    "not_a_language": N_("'{text}' is not a statement language: use uk or en"),
    "not_a_language_near": N_("'{text}' is not a statement language: use uk or en (for {language} write {fixed})"),
    "agency_known_as": N_("agency {agency} is known as '{name}'"),
    "agency_known_currency": N_("agency {agency} is known with currency {currency}"),
    "agency_accepted_at": N_("agency {agency} accepted the offer at {moment}"),
    "agency_known_manager": N_("agency {agency} is known with manager '{manager}'"),
    "agency_language_known": N_("agency {agency}'s statements are in {code} (a language is changed on the "
                                "agency's page)"),
    "not_a_service": N_("'{service}' is not a service kind ({kinds})"),
    "refund_unnamed": N_("is empty, but a negative amount is a refund and must name its payment"),
    "refund_not_negative": N_("a refund must have a negative amount"),
    "refunds_itself": N_("a payment cannot refund itself"),
    "payment_known_other": N_("'{id}' is known with other content ({project}, {moment}, {service}, {amount})"),
    "refund_known_other": N_("'{id}' is known with other content ({project}, {moment}, {service}, {amount}, "
                             "refund of {payment})"),
    "refund_of_refund_in_file": N_("'{payment}' is itself a refund in this file"),
    "unknown_payment": N_("unknown payment '{payment}'"),
    "refund_of_refund": N_("'{payment}' is itself a refund"),
    "refund_other_project": N_("the refunded payment {payment} belongs to project {project}"),
    "refund_other_currency": N_("the refunded payment {payment} is in {currency}"),
    "refund_before": N_("is before the refunded payment {payment} ({moment})"),
    "refund_too_much": N_("refunds more than is left of {payment}: {amount} left"),
    "unknown_agency": N_("unknown agency '{agency}'"),
    "not_after_connected": N_("is not after connected_at"),
    "project_known_as": N_("project {project} is known as '{name}'"),
    "project_known_currency": N_("project {project} is known with currency {currency}"),
    "project_named_on_row": N_("project {project} is named '{name}' on row {row}"),
    "project_currency_on_row": N_("project {project} has currency {currency} on row {row}"),
    "connected_elsewhere": N_("project {project} was connected at that moment to {agency}"),
    "connection_ends": N_("this connection is known to end at {moment}"),
    "connections_overlap": N_("connection of project {project} to {agency} from {moment} overlaps its "
                              "connection to {other} from {since}"),
    "rate_listed_again": N_("{currency} on {day} is listed on row {row} as {rate}"),
    "rate_known": N_("{currency} on {day} is known as {rate}"),
    "is_negative": N_("is negative"),
    "threshold_listed_again": N_("{threshold} is listed for {period} on row {row} too"),
    "threshold_negative": N_("threshold {threshold} is negative"),
    "level_percent_range": N_("percent {percent} is not between 0 and 100"),
    "threshold_twice": N_("threshold {threshold} is listed twice"),
    "table_no_level": N_("a table needs at least one level"),
    "table_used": N_("the table from {period} was used by a posted period and can no longer change"),
    "table_posted": N_("{period} is already posted; a new table can take effect from {next} on"),
    # a change made behind the product's back (services/authority.py, services/withdrawals.py)
    "tampered": N_("{user} may not {action}: {problem}"),
    "tampered_account": N_("{user} is in no audit record: the account was made behind the product's back"),
    "tampered_role": N_("{user}'s role is {role} in the database but {needed} in the audit trail: it was "
                        "changed behind the product's back; an admin must set it again"),
    "tampered_active": N_("{user}'s account is active in the database but not in the audit trail: it was "
                          "changed behind the product's back; an admin must set it again"),
    "tampered_deactivated": N_("{user}'s account is deactivated in the database but not in the audit trail: it "
                               "was changed behind the product's back; an admin must set it again"),
    "tampered_password": N_("the password of {user} was changed behind the product's back; an admin must set "
                            "it again"),
    "request_tampered": N_("withdrawal {request} is {status}, but its ledger entries are not those of a {status} "
                           "request: it was changed behind the product's back; nothing was changed (run audit "
                           "--verify)"),
    "request_tampered_an": N_("withdrawal {request} is {status}, but its ledger entries are not those of an "
                              "{status} request: it was changed behind the product's back; nothing was changed "
                              "(run audit --verify)"),
    # a date chosen for an action or a read (domain/dates.py)
    "the_date": N_("the date"),
    "acceptance_date": N_("the acceptance date"),
    "payout_date": N_("the payout date"),
    "as_of_date": N_("--as-of"),
    "date_after_today": N_("{what} {day} is after today ({today}): a date chosen for an action cannot be in the "
                           "future"),
    "as_of_after_today": N_("--as-of {day} is after today ({today}): things can be shown as they stood on a day "
                            "that has come"),
    "date_in_posted": N_("{what} {day} is in {period}, which is posted: its books are closed"),
    # users and their passwords (domain/accounts.py, services/users.py)
    "not_a_user_name": N_("'{name}' is not a user name (letters, digits, '.', '_', '-', '@'; up to 64)"),
    "password_short": N_("the password is too short: at least {min} characters"),
    "password_long": N_("the password is too long: at most {max} characters"),
    "password_is_name": N_("the password is the user name '{name}' with digits or signs: choose another"),
    "last_admin_deactivate": N_("{user} is the last active admin: add or activate another admin before "
                                "deactivating {user}"),
    "last_admin_role": N_("{user} is the last active admin: add or activate another admin before changing "
                          "{user}'s role"),
    "display_name": N_("display name: {problem}"),
    "first_user_admin": N_("the database has no users yet: the first user must be an admin"),
    "user_exists": N_("user '{user}' already exists"),
    "no_user": N_("there is no user '{user}'"),
    "deactivated_already": N_("{user} is deactivated already"),
    "active_already": N_("{user} is active already"),
    "role_already": N_("{user} has the {role} role already"),
    "wrong_current_password": N_("the current password is wrong: the password was not changed"),
    # signing in (services/sign_in.py)
    "sign_in_failed": N_("sign-in failed for '{user}': unknown user or wrong password"),
    "sign_in_failed_locked": N_("sign-in failed for '{user}': unknown user or wrong password; the account is now "
                                "locked until {until}"),
    "sign_in_locked": N_("sign-in refused: the account '{user}' is locked until {until} after repeated failed "
                         "sign-ins; an admin can unlock it (users unlock {user})"),
    "sign_in_inactive": N_("sign-in refused: the account '{user}' is deactivated"),
    "not_locked": N_("{user} is not locked"),
    # files a user writes (services/statements.py, services/exports.py)
    "table_name": N_("{file}: give a name ending in .xlsx or .csv"),
    "statement_name": N_("{path}: a statement is an Excel workbook or a PDF: give a name ending in .xlsx or .pdf"),
    "no_folder": N_("{path}: the folder {folder} does not exist"),
    "is_a_folder": N_("{path} is a folder: give a file name ending in .xlsx or .pdf"),
    "is_a_file": N_("{path} is a file, not a folder"),
    "cannot_write": N_("cannot write {path}: {detail}"),
    "cannot_create_folder": N_("cannot create the folder {path}: {detail}"),
    # IBANs and BICs (domain/payout_details.py, services/payout_accounts.py)
    "iban_in_details": N_("the IBAN {iban} in the payout details is not valid: {problem}"),
    "batch_not_made": N_("the {method} batch was not made"),
    "register_only_no_iban": N_("request {request} ({agency}) is in the register only: its payout details hold no "
                                "IBAN"),
    "register_only_outside": N_("request {request} ({agency}) is in the register only: its IBAN is outside the SEPA "
                                "zone"),
    "sepa_not_written": N_("the SEPA file was not written: the company's payout account (name, IBAN, BIC) is not set "
                           "in the settings; pay the EUR requests from the register"),
    "paypal_currency": N_("PayPal does not list {currency} among its payout currencies: check before uploading"),
    "batch_request": N_("request {request} ({agency}): {problem}"),
    "batch_iban": N_("the IBAN {iban} in its payout details is not valid: {problem}"),
    "no_email": N_("its payout details hold no e-mail address"),
    "many_emails": N_("its payout details hold {count} e-mail addresses ({emails}): keep one"),
    "batch_not_approved": N_("withdrawal {request} is {status}, not approved"),
    "batch_other_method": N_("withdrawal {request} is paid by {method}, not {wanted}"),
    "batch_already": N_("withdrawal {request} is in payout batch {batch} already"),
    "account_holder": N_("the payout account needs the company's name as its bank knows it"),
    "not_an_iban": N_("'{text}' is not an IBAN"),
    "iban_invalid": N_("the IBAN {iban} is not valid: {problem}"),
    "iban_outside_sepa": N_("the IBAN {iban} is outside the SEPA zone: SEPA transfers cannot be paid from it"),
    "not_a_bic": N_("'{text}' is not a BIC: {detail}"),
    # payout batches (services/payout_batches.py)
    "nothing_to_export": N_("there are no approved {method} requests to export"),
    "nothing_to_export_left": N_("there are no approved {method} requests to export: requests {ids} are in earlier "
                                 "batches not yet marked paid (export them again with --include-exported)"),
    "not_a_folder": N_("{path} is not a folder"),
    "cannot_write_payouts": N_("cannot write the payout files into {path}: {detail}"),
    "cannot_read": N_("cannot read {path}: {detail}"),
    "no_requests_in_file": N_("{file} holds no payout requests"),
    "not_a_batch_file": N_("{file} is not a file of an exported payout batch (it lists requests {ids}): give the "
                           "request ids instead ({ids})"),
    "batch_reference": N_("marking payout batch {batch} paid needs the payout reference (--reference TEXT)"),
    "requests_reference": N_("marking requests {ids} paid needs the payout reference (--reference TEXT)"),
    # what changed since the window showed it (services/versions.py)
    "request_moved": N_("withdrawal {request} was {status} by {user} since it was shown as {shown}: nothing was "
                        "changed; reload"),
    "request_moved_at": N_("withdrawal {request} was {status} by {user} at {moment} since it was shown as {shown}: "
                           "nothing was changed; reload"),
    "request_paid_since": N_("withdrawal {request} was marked paid by {user} since it was shown as {shown}: nothing "
                             "was changed; reload"),
    "request_paid_since_at": N_("withdrawal {request} was marked paid by {user} at {moment} since it was shown as "
                                "{shown}: nothing was changed; reload"),
    "balance_not_shown": N_("the balance of {agency} is not the one shown: nothing was changed; reload"),
    "balance_changed": N_("the balance of {agency} changed since it was shown: {event} at {moment}: nothing was "
                          "changed; reload"),
    "balance_changed_one_more": N_("the balance of {agency} changed since it was shown: {event} at {moment} (and 1 "
                                   "more change): nothing was changed; reload"),
    "balance_changed_more": N_("the balance of {agency} changed since it was shown: {event} at {moment} (and {n} "
                               "more changes): nothing was changed; reload"),
    "event_posted": N_("{user} posted {period}"),
    "event_paid_project": N_("{user} paid project {project}"),
    "event_corrected": N_("{user} corrected it"),
    "event_requested": N_("{user} requested withdrawal {request}"),
    "event_marked_paid": N_("{user} marked withdrawal {request} paid"),
    "event_cancelled": N_("{user} cancelled withdrawal {request}"),
    "event_rejected": N_("{user} rejected withdrawal {request}"),
    # a database this version cannot work on (services/schema.py)
    "unknown_schema": N_("the database {url} has schema revision '{revision}', which this version of Partner Desk "
                         "does not know (it was written by another version): nothing was changed"),
    "moved_meanwhile": N_("withdrawal {request} was moved on by someone else meanwhile: nothing was changed"),
    "has_users": N_("the database already has users: sign in as an admin to add one"),
    "batch_not_paid": N_("payout batch {batch} cannot be marked paid, nothing was changed"),
    "requests_not_paid": N_("requests {ids} cannot be marked paid, nothing was changed"),
    "paid_already": N_("withdrawal {request} was already paid on {day} (reference {reference})"),
    # exchange rates a computation needs (domain/errors.py MissingRates)
    "missing_rates": N_("missing exchange rate: {rates}"),
    "rate_on": N_("{currency} on {day}"),
    # what a service looks up or needs (services/)
    "unknown_project": N_("unknown project '{project}'"),
    "not_connected_now": N_("project {project} is not connected to {agency} now (it is connected to {other})"),
    "not_connected_at_all": N_("project {project} is not connected to {agency} now (it is connected to no "
                               "agency)"),
    "the_amount": N_("the amount"),
    "correction_reason": N_("a correction needs a reason (--reason TEXT)"),
    "table_not_added": N_("the table from {period} was not added"),
    "level_problem": N_("level {level}: {column}: {problem}"),
    "minimum_reward": N_("minimum reward"),
    "benefit_no_name": N_("a benefit needs a name"),
    "benefit_name": N_("the benefit's name {problem}"),
    "level_no_benefit": N_("a reward level needs at least one benefit"),
    "level_exists": N_("a reward level from ${worth} already exists"),
    "unknown_reward_level": N_("unknown reward level {level}"),
    "unknown_benefit": N_("unknown benefit {benefit}"),
    "zone_fixed": N_("the time zone cannot change from {zone}: payments were already imported with their "
                     "periods in it"),
    "preview_posted": N_("{period} is posted: export its statement, not a preview"),
    "not_posted": N_("{period} is not posted: a statement shows posted accruals only (a preview of it can be "
                     "exported instead)"),
    "offer_accepted_already": N_("{agency} accepted the partner offer on {day} already"),
    "no_such_withdrawal": N_("there is no withdrawal {request}"),
    "reject_reason": N_("rejecting withdrawal {request} needs a reason (--reason TEXT)"),
    "paid_reference": N_("marking withdrawal {request} paid needs the payout reference (--reference TEXT)"),
    "payout_details": N_("a withdrawal needs payout details (--details TEXT): account, card or PayPal address"),
    # a row `audit --verify` finds wrong: which row (services/verify.py, services/verify_tables.py) ...
    "row_id": N_("id {id}"),
    "row_record": N_("record {record}"),
    "row_line": N_("id {id} (payment {payment})"),
    "row_accrual": N_("id {id} ({agency} {period})"),
    "of_accrual": N_("of accrual {accrual}"),
    "credits_of_accrual": N_("credits of accrual {accrual}"),
    "of_withdrawal": N_("of withdrawal {request}"),
    "of_batch": N_("of batch {batch}"),
    "of_agency": N_("of agency {agency}"),
    "batch_file": N_("{file} (batch {batch})"),
    "rows_after": N_("rows after {row}"),
    "rows_after_start": N_("rows after the start"),
    "rows_between": N_("rows after {row} up to {up_to}"),
    "rows_up_to": N_("rows from the start up to {up_to}"),
    "nothing": N_("nothing"),
    "no_ids": N_("none"),
    "no_entries": N_("no entries"),
    "entry": N_("{kind} {figure}"),
    # ... and what is wrong with it
    "record_out_of_chain": N_("does not follow the record before it: a record before it was removed, or the records "
                              "were reordered"),
    "row_altered": N_("was altered: its content no longer matches its hash"),
    "records_missing": N_("is missing: the trail has {found} records, {expected_records} were expected; records "
                          "were removed"),
    "trail_rewritten": N_("is not the record {position} expected: the trail was rewritten"),
    "no_hash": N_("has no hash: it was written outside the product"),
    "row_out_of_chain": N_("does not follow the row before it: a row before it was removed, or the rows were "
                           "reordered"),
    "rows_missing": N_("are missing: audit record {record} ({audit_action}) noted the table up to {up_to}, it ends "
                       "at {end}"),
    "noted_missing": N_("is missing: audit record {record} ({audit_action}) noted it"),
    "rows_rewritten": N_("differ from what audit record {record} ({audit_action}) noted: they were changed and "
                         "their hashes written again"),
    "row_unaccounted": N_("was written by no recorded action: no audit record accounts for it"),
    "line_no_accrual": N_("belongs to no accrual ({accrual})"),
    "line_no_payment": N_("payment {payment} does not exist"),
    "line_differs": N_("{field} is {found}, its payment, rates and percent give {expected}"),
    "lines_count": N_("{found} lines, {posted} were posted"),
    "lines_digest": N_("differ from the lines posted: their digest no longer matches"),
    "accrual_sum": N_("its lines sum to {total}, it says {amount}"),
    "credits_differ": N_("{total}, the accrual is {amount}"),
    "missing_recorded": N_("is missing: audit record {record} records it"),
    "written_behind": N_("is in no audit record: it was written behind the product's back"),
    "field_differs": N_("{field} is {found}, the audit trail (record {record}) says {recorded}"),
    "withdrawal_entries": N_("{entries}: a {status} request of {amount} has written {due}"),
    "withdrawal_entries_an": N_("{entries}: an {status} request of {amount} has written {due}"),
    "requests_differ": N_("requests {found}, the audit trail (record {record}) says {recorded}"),
    "file_unlisted": N_("is in no audit record (record {record} lists the batch's files)"),
    "file_fields_differ": N_("{fields} differ from audit record {record}"),
    "user_behind": N_("is in no audit record: the user was added behind the product's back"),
    "password_changed": N_("password was changed"),
    "user_missing": N_("is missing: audit record {record} records the user"),
    "balance_differs": N_("the balance they give after audit record {record} ({audit_action}) is {found}; the "
                          "audit trail says {recorded}"),
    "held_differs": N_("the amount held they give after audit record {record} ({audit_action}) is {found}; the "
                       "audit trail says {recorded}"),
}


def english_action(action: Action | str) -> str:
    """The action as an English refusal names it: "approve withdrawals"."""
    return ACTION_WORDS.get(action, action.replace(".", " ").replace("_", " "))


def _dollars(value: Decimal | Any) -> str:
    shown = format_usd(value)
    return f"-${shown[1:]}" if shown.startswith("-") else f"${shown}"


def _english_value(value: Any) -> str:
    writer = _ENGLISH.get(type(value))
    if writer is not None:
        return writer(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return "(set-up)" if value is None else str(value)


def _shown_value(value: Any) -> str:
    writer = _SHOWN.get(type(value))
    if writer is not None:
        return writer(value)
    return _("set-up") if value is None else str(value)


def _code_name(kind: str, code: str) -> str:
    found = BY_KIND[kind].get(code)
    return _(found) if found else code


def _stored(value: Stored) -> str:
    """A stored value in the window: a flag as yes or no, nothing as none, a code by its name, an
    amount stored as text as a number, any other text in quotes."""
    if isinstance(value.value, bool):
        return _("yes") if value.value else _("no")
    if value.value is None:
        return _("none")
    if value.kind == "figure" and isinstance(value.value, str):  # an amount stored as text: as a number
        try:
            return _as_given(Decimal(value.value))
        except ArithmeticError:  # a text that is no amount (a changed table holds anything): quoted
            pass
    if isinstance(value.value, str):
        return _("“{text}”").format(text=_code_name(value.kind, value.value) if value.kind in BY_KIND else value.value)
    return str(value.value)


def _write(refusal: Refusal, translate: Callable[[str], str], value: Callable[[Any], str]) -> str:
    template = TEMPLATES.get(refusal.code)
    if template is None:  # a refusal whose text is given whole (a rule not yet in the catalog)
        return str(refusal.params.get("text", refusal.code))
    return translate(template).format(**{k: value(v) for k, v in refusal.params.items()})


def english(refusal: Refusal) -> str:
    """The refusal as the command line, `--json` and the audit trail write it."""
    return _write(refusal, lambda template: template, _english_value)


def shown(refusal: Refusal) -> str:
    """The refusal in the window's language, its values in the window's formats."""
    return _write(refusal, _, _shown_value)


def codes(refusals: Iterable[Refusal]) -> list[str]:
    """The stable codes of `refusals`, in order (given in JSON beside their texts)."""
    return [r.code for r in refusals]


def text(code: str, text_: str) -> Refusal:
    """A refusal whose English text is given whole (a rule whose wording is not in the catalog)."""
    return Refusal(code, {"text": text_})


class Refused(UserError):
    """A refusal raised with its typed reasons. Its message is their English text (joined by `joiner`),
    after `prefix` when one is given ("cannot pay project P1 from AG01: …"); the window writes the same
    reasons in its own language (`shown_error`)."""

    def __init__(self, *reasons: Refusal | str, prefix: Refusal | None = None, joiner: str = "; ",
                 prefix_joiner: str = ": ") -> None:
        self.reasons = tuple(r if isinstance(r, Refusal) else text("text", r) for r in reasons)
        self.prefix = prefix
        self.joiner = joiner
        self.prefix_joiner = prefix_joiner
        written = joiner.join(self.texts)
        super().__init__(f"{english(prefix)}{prefix_joiner}{written}" if prefix else written)

    @property
    def texts(self) -> list[str]:
        """The reasons in English, in order."""
        return [english(r) for r in self.reasons]


def raise_refusals(reasons: Iterable[Refusal], prefix: Refusal | None = None, joiner: str = "; ") -> None:
    """Raise Refused with `reasons`, if there are any."""
    found = tuple(reasons)
    if found:
        raise Refused(*found, prefix=prefix, joiner=joiner)


def missing_rates(error: MissingRates) -> Refusal:
    """The rates a computation lacks, as a refusal ("missing exchange rate: PLN on 2026-11-20, …")."""
    listed = [Refusal("rate_on", {"currency": currency,
                                  "day": day if isinstance(day, date) else date.fromisoformat(day)})
              for currency, day in error.missing]
    return Refusal("missing_rates", {"rates": _Listed(tuple(listed))})


@dataclass(frozen=True, slots=True)
class _Listed:
    """Values (refusals, codes) written one after another, separated by commas."""

    items: tuple[Any, ...]


def listed(items: Iterable[Any], empty: Refusal | None = None) -> Any:
    """Values to write one after another, separated by commas; `empty` when there are none."""
    found = tuple(items)
    return empty if not found and empty is not None else _Listed(found)


def problem_english(table: str, row: Refusal | str, what: Refusal) -> str:
    """A problem `audit --verify` found, as the command line prints it: "accruals id 3 (AG01 2025-03): …"."""
    return f"{table} {english(row) if isinstance(row, Refusal) else row}: {english(what)}"


def problem_shown(table: str, row: Refusal | str, what: Refusal) -> str:
    """The same problem in the window's language: the table and the field by their names."""
    return _("{table} {row}: {what}").format(table=_code_name("table", table),
                                             row=shown(row) if isinstance(row, Refusal) else row, what=shown(what))


def shown_error(error: BaseException) -> str:
    """An error as the window shows it: a refusal's reasons in the window's language, one a line;
    any other error's message as it is."""
    if isinstance(error, MissingRates):  # its English is `missing_rates` of the same rates, word for word
        return shown(missing_rates(error))
    if isinstance(error, AmountTooLarge):
        return shown(error.refusal)
    if isinstance(error, Refused) and all(r.code in TEMPLATES for r in error.reasons):
        written = error.joiner.join(shown(r) for r in error.reasons)
        return f"{shown(error.prefix)}{error.prefix_joiner}{written}" if error.prefix else written
    return str(error)


def shown_note(note: PeriodNote) -> str:
    """A period that could not be previewed, and why, as the window shows it: "2026-11: …"."""
    return f"{note.period}: {shown_error(note.error)}"


def in_english(found: Refusal | Iterable[Refusal] | None) -> str | list[str] | None:
    """A refusal, or a list of them, in English (None stays None): what the command line prints."""
    if found is None:
        return None
    if isinstance(found, Refusal):
        return english(found)
    return [english(r) for r in found]


def read(parse: Callable[[str], T], text: str, prefix: Refusal | None = None) -> T:
    """A value the user gave, read by `parse`; what it cannot read is refused (`refused`)."""
    try:
        return parse(text)
    except ValueError as exc:
        raise refused(exc, prefix) from None


def refused(exc: ValueError, prefix: Refusal | None = None) -> UserError:
    """A value the user gave that cannot be read, as the refusal to raise: typed when its reason is
    (`ValueRefused`), so the window words it in its language; else its message as it is."""
    reason = exc.refusal if isinstance(exc, ValueRefused) else text("text", str(exc))
    return Refused(reason, prefix=prefix)


def _worth(value: Dollars) -> str:
    worth = value.value
    return money(worth if isinstance(worth, Decimal) else Decimal(worth.numerator) / Decimal(worth.denominator), "USD")


def _in_utc(value: datetime) -> datetime:
    """A moment in UTC; one without a zone is taken as UTC already (as the product stores moments)."""
    return value if value.tzinfo is None else value.astimezone(UTC)


def _moment(value: datetime) -> str:
    """A moment to the second, in UTC when it knows its zone (as the stored moments are)."""
    if value.tzinfo is None:
        return moment_exact(value)
    return _("{moment} UTC").format(moment=moment_exact(value.astimezone(UTC)))


def _as_given(value: Decimal) -> str:
    """A number with the decimals it was given, without a currency; one beyond Decimal's precision
    (only a changed table holds one) raises ArithmeticError, one that is no number (NaN) too."""
    if not value.is_finite():
        raise ArithmeticError(f"{value} is not a number")
    return number(value, max(0, -int(value.as_tuple().exponent)))


def _decimal(value: Decimal) -> str:
    try:
        return _as_given(value)
    except ArithmeticError:
        return str(value)


def _said(value: Said) -> str:
    return _(SAID_WORDS[value.text]) if value.text in SAID_WORDS else value.text


# how each type of value is written, in English and in the window (a type not listed is written by
# `_english_value` and `_shown_value` themselves)
_ENGLISH: dict[type, Callable[[Any], str]] = {
    Refusal: english,
    _Listed: lambda v: ", ".join(_english_value(item) for item in v.items),
    Count: lambda v: f"{v.value:,}",
    Said: lambda v: v.text,
    Code: lambda v: v.value,
    Stored: lambda v: repr(v.value),
    Figure: lambda v: format_amount(v.amount, v.currency),
    Language: lambda v: LANGUAGES[v.code],
    Money: lambda v: f"{format_amount(v.amount, v.currency)} {v.currency}",
    Dollars: lambda v: _dollars(v.value),
    Minute: lambda v: f"{_in_utc(v.moment):%Y-%m-%d %H:%M} UTC",
    Action: lambda v: ACTION_WORDS[v],
    Role: lambda v: v.label,
}
_SHOWN: dict[type, Callable[[Any], str]] = {
    Refusal: shown,
    _Listed: lambda v: ", ".join(_shown_value(item) for item in v.items),
    Count: lambda v: number(Decimal(v.value), 0),
    Said: _said,
    Code: lambda v: _code_name(v.kind, v.value),
    Stored: _stored,
    Figure: lambda v: number(v.amount, minor_digits(v.currency)),
    Language: lambda v: _(LANGUAGE_NAMES[v.code]),
    Money: lambda v: money(v.amount, v.currency),
    Dollars: _worth,
    Minute: lambda v: _("{moment} UTC").format(moment=moment(_in_utc(v.moment))),
    Action: lambda v: _(ACTION_WORDS[v]),
    Role: lambda v: _(ROLE_NAMES[v.label]),
    Status: lambda v: _(STATUS_NAMES[v.value]),
    datetime: lambda v: _moment(v),
    date: day,
    Decimal: lambda v: _decimal(v),
}


# a refusal kept in the audit trail (`audit.reason`): its codes and typed values, as JSON ------------------
def recorded(error: BaseException) -> str | None:
    """The typed reason of a refused attempt, to keep beside its English message (the first line of the
    error) in the audit trail: a refusal whose reasons the catalog words, missing rates, or a file
    refused as a whole, as JSON; None for any other error. `recorded_text` words it again, in English
    exactly as that first line is written (checked here)."""
    head = getattr(error, "head", None)  # a file refused as a whole: its first line (files/problems.py)
    if isinstance(error, MissingRates):
        found: Refused = Refused(missing_rates(error))
    elif isinstance(error, Refused) and all(r.code in TEMPLATES for r in error.reasons):
        found = error
    elif isinstance(head, Refusal) and head.code in TEMPLATES:
        found = Refused(head)
    else:
        return None
    kept = {"reasons": [_encoded(r) for r in found.reasons], "joiner": found.joiner}
    if found.prefix is not None:
        kept.update(prefix=_encoded(found.prefix), prefix_joiner=found.prefix_joiner)
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text if recorded_text(text, english) == str(error).splitlines()[0] else None


def recorded_text(text: str | dict[str, Any] | None, write: Callable[[Refusal], str] | None = None) -> str | None:
    """A kept reason (as stored, or as `audit --json` gives it) written by `write` (`shown` by default: in
    the window's language); None when there is none, or it cannot be read (the trail's check names a
    record changed behind the product's back)."""
    if text is None:
        return None
    words = write or shown
    try:
        kept = json.loads(text) if isinstance(text, str) else text
        reasons = [_decoded(r) for r in kept["reasons"]]
        written = str(kept["joiner"]).join(words(r) for r in reasons)
        if "prefix" in kept:
            written = f"{words(_decoded(kept['prefix']))}{kept['prefix_joiner']}{written}"
        return written
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError, IndexError):
        return None


def _encoded(value: Any) -> Any:
    """A refusal's value as JSON, tagged with its type (`_decoded` reads it back)."""
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Refusal):
        return {"refusal": value.code, "params": {k: _encoded(v) for k, v in value.params.items()}}
    for kind, (_type, write, _read) in _KEPT.items():
        if isinstance(value, _type):
            return {kind: write(value)}
    return {"text": _english_value(value)}  # a value of no kept type: its English words


def _decoded(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "refusal" in value:
        return Refusal(str(value["refusal"]), {str(k): _decoded(v) for k, v in dict(value["params"]).items()})
    (kind, kept), = value.items()
    if kind == "text":
        return str(kept)
    return _KEPT[kind][2](kept)


def _fraction(text: str) -> Decimal | Fraction:
    return Fraction(text) if "/" in text else Decimal(text)


# each kept type: its tag, how its value is written in JSON and read back (the order matters where one
# type is another's kind: a moment before a day, the enums before a plain value)
_KEPT: dict[str, tuple[type | tuple[type, ...], Callable[[Any], Any], Callable[[Any], Any]]] = {
    "listed": (_Listed, lambda v: [_encoded(x) for x in v.items], lambda j: _Listed(tuple(_decoded(x) for x in j))),
    "money": (Money, lambda v: [str(v.amount), v.currency], lambda j: Money(Decimal(j[0]), j[1])),
    "figure": (Figure, lambda v: [str(v.amount), v.currency], lambda j: Figure(Decimal(j[0]), j[1])),
    "dollars": (Dollars, lambda v: str(v.value), lambda j: Dollars(_fraction(j))),
    "count": (Count, lambda v: v.value, lambda j: Count(int(j))),
    "said": (Said, lambda v: v.text, lambda j: Said(str(j))),
    "language": (Language, lambda v: v.code, lambda j: Language(str(j))),
    "code": (Code, lambda v: [v.kind, v.value], lambda j: Code(j[0], j[1])),
    "stored": (Stored, lambda v: [v.value, v.kind], lambda j: Stored(j[0], j[1])),
    "minute": (Minute, lambda v: v.moment.isoformat(), lambda j: Minute(datetime.fromisoformat(j))),
    "moment": (datetime, lambda v: v.isoformat(), lambda j: datetime.fromisoformat(j)),
    "day": (date, lambda v: v.isoformat(), lambda j: date.fromisoformat(j)),
    "decimal": (Decimal, str, Decimal),
    "period": (Period, str, lambda j: Period.parse(j)),
    "action": (Action, lambda v: v.value, Action),
    "role": (Role, lambda v: v.label, Role.parse),
    "status": (Status, lambda v: v.value, Status),
}
