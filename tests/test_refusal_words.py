"""Each refusal code of a file, an import, a service or a change made behind the product's back, written
out by hand: the English the command line prints (scripts read it, so it never changes) and the
Ukrainian a Ukrainian window shows, its values in Ukrainian formats."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from partner_desk.domain.errors import MissingRates, UserError
from partner_desk.domain.languages import Language, parse_language
from partner_desk.domain.money import Money
from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Code, Count, Figure, Minute, Refusal, Said, Stored, ValueRefused
from partner_desk.domain.roles import Action, Role
from partner_desk.domain.withdrawals import Status
from partner_desk.refusal_text import (
    TEMPLATES,
    Refused,
    english,
    listed,
    missing_rates,
    recorded,
    recorded_text,
    shown,
    shown_error,
)

NB = "\xa0"
MOMENT = datetime(2025, 3, 5, 8, 0, tzinfo=UTC)
SINCE = datetime(2024, 12, 31, 22, 0, tzinfo=UTC)
# code: (values, English, Ukrainian)
WORDS: dict[str, tuple[dict[str, Any], str, str]] = {
    # a file refused as a whole, as the audit trail keeps it (the count after a dash: no plural form is wrong)
    "file_refused_one": ({"file": "march.csv"}, "march.csv refused: 1 problem, nothing was written",
                         "файл march.csv відхилено: 1 помилка, нічого не записано"),
    "file_refused": ({"file": "march.csv", "n": 1500}, "march.csv refused: 1500 problems, nothing was written",
                     "файл march.csv відхилено: помилок — 1500, нічого не записано"),
    "no_such_file": ({"path": "/data/march.csv"}, "/data/march.csv: no such file",
                     "/data/march.csv: такого файлу немає"),
    "unknown_format": ({"file": "march.ods", "suffix": ".ods"}, "march.ods: unknown format '.ods' (use .csv or .xlsx)",
                       "march.ods: невідомий формат «.ods» (потрібен .csv або .xlsx)"),
    "path_unreadable": ({"path": "/data/m.csv", "detail": Said("Permission denied")},
                        "/data/m.csv: cannot be read (Permission denied)",
                        "/data/m.csv: не вдається прочитати (доступ заборонено)"),
    "file_unreadable": ({"file": "m.csv", "detail": Said("Input/output error")},
                        "m.csv cannot be read (Input/output error)",
                        "файл m.csv не вдається прочитати (Input/output error)"),
    "not_utf8": ({"file": "m.csv"}, "m.csv is not UTF-8 text", "файл m.csv — не текст у кодуванні UTF-8"),
    "not_utf8_detail": ({"file": "m.csv", "detail": Said("invalid start byte")},
                        "m.csv is not UTF-8 text (invalid start byte)",
                        "файл m.csv — не текст у кодуванні UTF-8 (недопустимий початковий байт)"),
    # 131072 written with grouped digits in each language
    "csv_cell_too_long": ({"max": Count(131072)}, "a cell is longer than 131,072 characters",
                          f"клітинка довша за 131{NB}072 символів"),
    "not_csv": ({"detail": Said("line contains NUL")}, "not readable as CSV (line contains NUL)",
                "не вдається прочитати як CSV (рядок містить символ NUL)"),
    "not_xlsx": ({"file": "r.xlsx", "detail": Said("File is not a zip file")},
                 "r.xlsx is not a readable XLSX file (File is not a zip file)",
                 "файл r.xlsx не вдається прочитати як XLSX (файл не є архівом ZIP)"),
    "header_cell": ({"n": 2, "problem": Refusal("formula_cell")}, "the header: column 2: a formula: paste values",
                    "рядок заголовків: стовпець 2: формула: вставте значення"),
    "row_out_of_order": ({}, "the sheet lists this row twice or out of order: not a readable XLSX file",
                         "аркуш містить цей рядок двічі або не по порядку: файл XLSX не вдається прочитати"),
    "listed_again": ({"id": "AG04", "row": 4}, "'AG04' is listed again on row 4 with different content",
                     "«AG04» уже вказано в рядку 4 з іншим вмістом"),
    "not_a_language": ({"text": "fr"}, "'fr' is not a statement language: use uk or en",
                       "«fr» — не мова виписок: вкажіть uk або en"),
    "not_a_language_near": ({"text": "eng", "language": Language("en"), "fixed": "en"},
                            "'eng' is not a statement language: use uk or en (for English write en)",
                            "«eng» — не мова виписок: вкажіть uk або en (для мови «англійська» — en)"),
    "agency_known_as": ({"agency": "AG01", "name": "Alpha"}, "agency AG01 is known as 'Alpha'",
                        "агентство AG01 уже є під назвою «Alpha»"),
    "agency_known_currency": ({"agency": "AG01", "currency": "UAH"}, "agency AG01 is known with currency UAH",
                              "агентство AG01 уже є з валютою UAH"),
    "agency_accepted_at": ({"agency": "AG01", "moment": MOMENT},
                           "agency AG01 accepted the offer at 2025-03-05T08:00:00+00:00",
                           "агентство AG01 прийняло оферту 05.03.2025, 08:00:00 UTC"),
    "agency_known_manager": ({"agency": "AG01", "manager": "anna"}, "agency AG01 is known with manager 'anna'",
                             "агентство AG01 уже є з менеджером «anna»"),
    "agency_language_known": ({"agency": "AG01", "code": "uk"},
                              "agency AG01's statements are in uk (a language is changed on the agency's page)",
                              "виписки агентства AG01 складаються мовою uk (мову змінюють на сторінці агентства)"),
    "not_a_service": ({"service": "consulting", "kinds": "subscription, other"},
                      "'consulting' is not a service kind (subscription, other)",
                      "«consulting» — не вид послуги (допустимі: subscription, other)"),
    "refund_unnamed": ({}, "is empty, but a negative amount is a refund and must name its payment",
                       "порожня клітинка, але від’ємна сума — це повернення коштів, і воно має вказувати свій платіж"),
    "refund_not_negative": ({}, "a refund must have a negative amount", "сума повернення коштів має бути від’ємною"),
    "refunds_itself": ({}, "a payment cannot refund itself", "платіж не може бути поверненням самого себе"),
    "payment_known_other": ({"id": "p1", "project": "P1", "moment": MOMENT, "service": Code("service", "subscription"),
                             "amount": Money.of(Decimal("100"), "UAH")},
                            "'p1' is known with other content (P1, 2025-03-05T08:00:00+00:00, subscription, "
                            "100.00 UAH)",
                            f"«p1» уже є з іншим вмістом (P1, 05.03.2025, 08:00:00 UTC, підписка, 100,00{NB}₴)"),
    "refund_known_other": ({"id": "r1", "project": "P1", "moment": MOMENT, "service": Code("service", "subscription"),
                            "amount": Money.of(Decimal("-10"), "UAH"), "payment": "p1"},
                           "'r1' is known with other content (P1, 2025-03-05T08:00:00+00:00, subscription, -10.00 UAH, "
                           "refund of p1)",
                           f"«r1» уже є з іншим вмістом (P1, 05.03.2025, 08:00:00 UTC, підписка, -10,00{NB}₴, "
                           "повернення платежу p1)"),
    "refund_of_refund_in_file": ({"payment": "r1"}, "'r1' is itself a refund in this file",
                                 "платіж «r1» у цьому файлі сам є поверненням коштів"),
    "unknown_payment": ({"payment": "p9"}, "unknown payment 'p9'", "платежу «p9» немає"),
    "refund_of_refund": ({"payment": "r1"}, "'r1' is itself a refund", "платіж «r1» сам є поверненням коштів"),
    "refund_other_project": ({"payment": "p1", "project": "P1"}, "the refunded payment p1 belongs to project P1",
                             "повернений платіж p1 належить проєкту P1"),
    "refund_other_currency": ({"payment": "p1", "currency": "UAH"}, "the refunded payment p1 is in UAH",
                              "повернений платіж p1 здійснено у валюті UAH"),
    "refund_before": ({"payment": "p1", "moment": MOMENT},
                      "is before the refunded payment p1 (2025-03-05T08:00:00+00:00)",
                      "дата раніша за повернений платіж p1 (05.03.2025, 08:00:00 UTC)"),
    "too_large_to_store": ({"amount": Money.of(Decimal("299999999999700000.00"), "USD")},
                           "299999999999700000.00 USD is too large to store: check the amounts and rates it was "
                           "computed from",
                           f"сума 299{NB}999{NB}999{NB}999{NB}700{NB}000,00{NB}USD завелика, щоб її зберегти: "
                           "перевірте суми й курси, з яких її обчислено"),
    "refund_too_much": ({"payment": "p1", "amount": Money.of(Decimal("90"), "UAH")},
                        "refunds more than is left of p1: 90.00 UAH left",
                        f"повертає більше, ніж залишилося від платежу p1: залишок 90,00{NB}₴"),
    "unknown_agency": ({"agency": "AG09"}, "unknown agency 'AG09'", "агентства «AG09» немає"),
    "not_after_connected": ({}, "is not after connected_at", "не пізніше за connected_at"),
    "project_known_as": ({"project": "P1", "name": "Shop"}, "project P1 is known as 'Shop'",
                         "проєкт P1 уже є під назвою «Shop»"),
    "project_known_currency": ({"project": "P1", "currency": "UAH"}, "project P1 is known with currency UAH",
                               "проєкт P1 уже є з валютою UAH"),
    "project_named_on_row": ({"project": "P4", "name": "Four", "row": 5}, "project P4 is named 'Four' on row 5",
                             "проєкт P4 названо «Four» у рядку 5"),
    "project_currency_on_row": ({"project": "P4", "currency": "UAH", "row": 5}, "project P4 has currency UAH on row 5",
                                "проєкт P4 має валюту UAH у рядку 5"),
    "connected_elsewhere": ({"project": "P1", "agency": "AG01"}, "project P1 was connected at that moment to AG01",
                            "проєкт P1 на той момент було підключено до агентства AG01"),
    "connection_ends": ({"moment": MOMENT}, "this connection is known to end at 2025-03-05T08:00:00+00:00",
                        "це підключення вже завершується 05.03.2025, 08:00:00 UTC"),
    "connections_overlap": ({"project": "P1", "agency": "AG02", "moment": MOMENT, "other": "AG01", "since": SINCE},
                            "connection of project P1 to AG02 from 2025-03-05T08:00:00+00:00 overlaps its connection "
                            "to AG01 from 2024-12-31T22:00:00+00:00",
                            "підключення проєкту P1 до агентства AG02 з 05.03.2025, 08:00:00 UTC перетинається з "
                            "його підключенням до агентства AG01 з 31.12.2024, 22:00:00 UTC"),
    "rate_listed_again": ({"currency": "EUR", "day": date(2025, 3, 2), "row": 3, "rate": Decimal("0.9")},
                          "EUR on 2025-03-02 is listed on row 3 as 0.9",
                          "курс EUR на 02.03.2025 уже вказано в рядку 3: 0,9"),
    "rate_known": ({"currency": "UAH", "day": date(2025, 3, 1), "rate": Decimal("41.5")},
                   "UAH on 2025-03-01 is known as 41.5", "курс UAH на 01.03.2025 уже є: 41,5"),
    "is_negative": ({}, "is negative", "від’ємне значення"),
    "threshold_listed_again": ({"threshold": Decimal("5000"), "period": Period(2025, 2), "row": 3},
                               "5000 is listed for 2025-02 on row 3 too",
                               f"поріг 5{NB}000 для 2025-02 уже вказано в рядку 3"),
    "threshold_negative": ({"threshold": Decimal("-1")}, "threshold -1 is negative", "поріг -1 від’ємний"),
    "level_percent_range": ({"percent": Decimal("101")}, "percent 101 is not between 0 and 100",
                            "відсоток 101 не в межах від 0 до 100"),
    "threshold_twice": ({"threshold": Decimal("500")}, "threshold 500 is listed twice", "поріг 500 указано двічі"),
    "table_no_level": ({}, "a table needs at least one level", "таблиця має містити хоча б один рівень"),
    "table_used": ({"period": Period(2025, 1)},
                   "the table from 2025-01 was used by a posted period and can no longer change",
                   "таблицю комісій, що діє з 2025-01, використано в проведеному періоді, її вже не можна змінити"),
    "table_posted": ({"period": Period(2025, 1), "next": Period(2025, 3)},
                     "2025-01 is already posted; a new table can take effect from 2025-03 on",
                     "період 2025-01 уже проведено; нова таблиця комісій може діяти не раніше ніж з 2025-03"),
    "tampered": ({"user": "mia", "action": Action.CORRECT, "problem": Refusal("tampered_password", {"user": "mia"})},
                 "mia may not correct balances: the password of mia was changed behind the product's back; an admin "
                 "must set it again",
                 "mia не може коригувати баланси: пароль користувача mia змінено в обхід Partner Desk; адміністратор "
                 "має встановити його знову"),
    "tampered_account": ({"user": "eve"}, "eve is in no audit record: the account was made behind the product's back",
                         "користувача eve немає в жодному записі журналу аудиту: обліковий запис створено в обхід "
                         "Partner Desk"),
    "tampered_role": ({"user": "mia", "role": Role.ADMIN, "needed": Role.MANAGER},
                      "mia's role is admin in the database but manager in the audit trail: it was changed behind the "
                      "product's back; an admin must set it again",
                      "роль користувача mia у базі даних — «адміністратор», а в журналі аудиту — «менеджер»: її "
                      "змінено в обхід Partner Desk; адміністратор має встановити її знову"),
    "tampered_active": ({"user": "mia"}, "mia's account is active in the database but not in the audit trail: it "
                        "was changed behind the product's back; an admin must set it again",
                        "обліковий запис mia активний у базі даних, але не в журналі аудиту: його змінено в обхід "
                        "Partner Desk; адміністратор має встановити його знову"),
    "tampered_deactivated": ({"user": "mia"}, "mia's account is deactivated in the database but not in the audit "
                             "trail: it was changed behind the product's back; an admin must set it again",
                             "обліковий запис mia деактивовано в базі даних, але не в журналі аудиту: його змінено "
                             "в обхід Partner Desk; адміністратор має встановити його знову"),
    "tampered_password": ({"user": "fin"}, "the password of fin was changed behind the product's back; an admin "
                          "must set it again",
                          "пароль користувача fin змінено в обхід Partner Desk; адміністратор має встановити його "
                          "знову"),
    "request_tampered": ({"request": 7, "status": Status.PAID},
                         "withdrawal 7 is paid, but its ledger entries are not those of a paid request: it was "
                         "changed behind the product's back; nothing was changed (run audit --verify)",
                         "заявка на виведення № 7 має статус «виплачено», але її записи в журналі операцій не "
                         "відповідають заявці зі статусом «виплачено»: її змінено в обхід Partner Desk; нічого не "
                         "змінено (перевірте журнал аудиту)"),
    "request_tampered_an": ({"request": 7, "status": Status.APPROVED},
                            "withdrawal 7 is approved, but its ledger entries are not those of an approved request: "
                            "it was changed behind the product's back; nothing was changed (run audit --verify)",
                            "заявка на виведення № 7 має статус «схвалено», але її записи в журналі операцій не "
                            "відповідають заявці зі статусом «схвалено»: її змінено в обхід Partner Desk; нічого не "
                            "змінено (перевірте журнал аудиту)"),
    "the_date": ({}, "the date", "дата"),
    "acceptance_date": ({}, "the acceptance date", "дата прийняття"),
    "payout_date": ({}, "the payout date", "дата виплати"),
    "as_of_date": ({}, "--as-of", "дата"),
    "date_after_today": ({"what": Refusal("payout_date"), "day": date(2026, 12, 2), "today": date(2026, 12, 1)},
                         "the payout date 2026-12-02 is after today (2026-12-01): a date chosen for an action cannot "
                         "be in the future",
                         "дата виплати 02.12.2026 пізніша за сьогодні (01.12.2026): дата дії не може бути в "
                         "майбутньому"),
    "as_of_after_today": ({"day": date(2026, 12, 2), "today": date(2026, 12, 1)},
                          "--as-of 2026-12-02 is after today (2026-12-01): things can be shown as they stood on a day "
                          "that has come",
                          "дата 02.12.2026 пізніша за сьогодні (01.12.2026): стан можна показати лише на день, що "
                          "вже настав"),
    "date_in_posted": ({"what": Refusal("the_date"), "day": date(2026, 9, 30), "period": Period(2026, 9)},
                       "the date 2026-09-30 is in 2026-09, which is posted: its books are closed",
                       "дата 30.09.2026 припадає на період 2026-09, який уже проведено: його закрито"),
    "not_a_user_name": ({"name": "pe tro"},
                        "'pe tro' is not a user name (letters, digits, '.', '_', '-', '@'; up to 64)",
                        "«pe tro» — не ім’я користувача (латинські літери, цифри, «.», «_», «-», «@»; до 64 символів)"),
    "password_short": ({"min": 8}, "the password is too short: at least 8 characters",
                       "пароль закороткий: потрібно щонайменше 8 символів"),
    "password_long": ({"max": 1024}, "the password is too long: at most 1024 characters",
                      "пароль задовгий: дозволено щонайбільше 1024 символів"),
    "password_is_name": ({"name": "petro"},
                         "the password is the user name 'petro' with digits or signs: choose another",
                         "пароль — це ім’я користувача «petro» з цифрами або знаками: виберіть інший"),
    "last_admin_deactivate": ({"user": "boss"}, "boss is the last active admin: add or activate another admin before "
                              "deactivating boss",
                              "boss — останній активний адміністратор: додайте або активуйте іншого адміністратора, "
                              "перш ніж деактивувати користувача boss"),
    "last_admin_role": ({"user": "boss"}, "boss is the last active admin: add or activate another admin before "
                        "changing boss's role",
                        "boss — останній активний адміністратор: додайте або активуйте іншого адміністратора, перш "
                        "ніж змінювати роль користувача boss"),
    "display_name": ({"problem": Refusal("too_long", {"max": 200})}, "display name: is longer than 200 characters",
                     "відображуване ім’я: довше за 200 символів"),
    "first_user_admin": ({}, "the database has no users yet: the first user must be an admin",
                         "у базі даних ще немає користувачів: перший користувач має бути адміністратором"),
    "user_exists": ({"user": "olena"}, "user 'olena' already exists", "користувач «olena» уже існує"),
    "no_user": ({"user": "olena"}, "there is no user 'olena'", "користувача «olena» немає"),
    "deactivated_already": ({"user": "olena"}, "olena is deactivated already", "користувача olena уже деактивовано"),
    "active_already": ({"user": "olena"}, "olena is active already", "користувач olena уже активний"),
    "role_already": ({"user": "olena", "role": Role.FINANCE}, "olena has the finance role already",
                     "користувач olena уже має роль «фінансист»"),
    "wrong_current_password": ({}, "the current password is wrong: the password was not changed",
                               "поточний пароль неправильний: пароль не змінено"),
    "not_locked": ({"user": "olena"}, "olena is not locked", "користувача olena не заблоковано"),
    "table_name": ({"file": "agencies.txt"}, "agencies.txt: give a name ending in .xlsx or .csv",
                   "agencies.txt: дайте файлу назву із закінченням .xlsx або .csv"),
    "statement_name": ({"path": "/out/s.doc"}, "/out/s.doc: a statement is an Excel workbook or a PDF: give a name "
                       "ending in .xlsx or .pdf",
                       "/out/s.doc: виписка — це книга Excel або PDF: дайте файлу назву із закінченням .xlsx або .pdf"),
    "no_folder": ({"path": "/out/x/s.xlsx", "folder": "/out/x"}, "/out/x/s.xlsx: the folder /out/x does not exist",
                  "/out/x/s.xlsx: папки /out/x не існує"),
    "is_a_folder": ({"path": "/out"}, "/out is a folder: give a file name ending in .xlsx or .pdf",
                    "/out — це папка: дайте назву файлу із закінченням .xlsx або .pdf"),
    "is_a_file": ({"path": "/out/s.xlsx"}, "/out/s.xlsx is a file, not a folder", "/out/s.xlsx — це файл, а не папка"),
    "cannot_write": ({"path": "/out/s.xlsx", "detail": Said("No space left on device")},
                     "cannot write /out/s.xlsx: No space left on device",
                     "не вдається записати /out/s.xlsx: на диску не залишилося місця"),
    "cannot_create_folder": ({"path": "/out", "detail": Said("Permission denied")},
                             "cannot create the folder /out: Permission denied",
                             "не вдається створити папку /out: доступ заборонено"),
    "iban_in_details": ({"iban": "DE89 3704 0044 0532 0130 01", "problem": Said("its check digits are wrong")},
                        "the IBAN DE89 3704 0044 0532 0130 01 in the payout details is not valid: its check digits "
                        "are wrong",
                        "IBAN DE89 3704 0044 0532 0130 01 у реквізитах для виплати недійсний: його контрольні цифри "
                        "неправильні"),
    "account_holder": ({}, "the payout account needs the company's name as its bank knows it",
                       "для рахунку для виплат потрібна назва компанії, як її знає банк"),
    "not_an_iban": ({"text": "12345"}, "'12345' is not an IBAN", "«12345» — не IBAN"),
    "iban_invalid": ({"iban": "DE00 1234", "problem": Said("its length is wrong for its country")},
                     "the IBAN DE00 1234 is not valid: its length is wrong for its country",
                     "IBAN DE00 1234 недійсний: його довжина не відповідає країні"),
    "iban_outside_sepa": ({"iban": "UA21 3223 1300 0002 6007 2335 6600 1"},
                          "the IBAN UA21 3223 1300 0002 6007 2335 6600 1 is outside the SEPA zone: SEPA transfers "
                          "cannot be paid from it",
                          "IBAN UA21 3223 1300 0002 6007 2335 6600 1 поза зоною SEPA: з нього не можна здійснювати "
                          "перекази SEPA"),
    "not_a_bic": ({"text": "XX", "detail": Said("Invalid length '2'")}, "'XX' is not a BIC: Invalid length '2'",
                  "«XX» — не BIC: Invalid length '2'"),
    "nothing_to_export": ({"method": Said("bank transfer")}, "there are no approved bank transfer requests to export",
                          "немає схвалених заявок для експорту (спосіб виплати: банківський переказ)"),
    "nothing_to_export_left": ({"method": Said("PayPal"), "ids": "3, 4"},
                               "there are no approved PayPal requests to export: requests 3, 4 are in earlier batches "
                               "not yet marked paid (export them again with --include-exported)",
                               "немає схвалених заявок для експорту (спосіб виплати: PayPal): заявки 3, 4 уже є в "
                               "попередніх пакетах виплат, ще не позначених виплаченими (їх можна експортувати знову)"),
    "not_a_folder": ({"path": "/out/x"}, "/out/x is not a folder", "/out/x — не папка"),
    "cannot_write_payouts": ({"path": "/out", "detail": Said("Permission denied")},
                             "cannot write the payout files into /out: Permission denied",
                             "не вдається записати файли виплат у папку /out: доступ заборонено"),
    "cannot_read": ({"path": "/in/b.csv", "detail": Said("Permission denied")},
                    "cannot read /in/b.csv: Permission denied", "не вдається прочитати /in/b.csv: доступ заборонено"),
    "no_requests_in_file": ({"file": "b.csv"}, "b.csv holds no payout requests",
                            "файл b.csv не містить жодної заявки на виплату"),
    "not_a_batch_file": ({"file": "b.csv", "ids": "3, 4"}, "b.csv is not a file of an exported payout batch (it lists "
                         "requests 3, 4): give the request ids instead (3, 4)",
                         "файл b.csv не належить до жодного експортованого пакета виплат (у ньому заявки 3, 4): "
                         "натомість укажіть номери заявок (3, 4)"),
    "batch_reference": ({"batch": 2}, "marking payout batch 2 paid needs the payout reference (--reference TEXT)",
                        "щоб позначити пакет виплат № 2 виплаченим, потрібен ідентифікатор виплати"),
    "requests_reference": ({"ids": "3, 4"}, "marking requests 3, 4 paid needs the payout reference (--reference TEXT)",
                           "щоб позначити заявки 3, 4 виплаченими, потрібен ідентифікатор виплати"),
    "request_moved": ({"request": 7, "status": Status.APPROVED, "user": "f1", "shown": Status.PENDING},
                      "withdrawal 7 was approved by f1 since it was shown as pending: nothing was changed; reload",
                      "заявка на виведення № 7 тепер має статус «схвалено» (змінив користувач f1), а показано було "
                      "статус «очікує»: нічого не змінено; оновіть дані"),
    "request_moved_at": ({"request": 7, "status": Status.CANCELLED, "user": "m1", "moment": "12:00",
                          "shown": Status.PENDING},
                         "withdrawal 7 was cancelled by m1 at 12:00 since it was shown as pending: nothing was "
                         "changed; reload",
                         "заявка на виведення № 7 тепер має статус «скасовано» (змінив користувач m1 о 12:00), а "
                         "показано було статус «очікує»: нічого не змінено; оновіть дані"),
    "request_paid_since": ({"request": 7, "status": Status.PAID, "user": "f1", "shown": Status.APPROVED},
                           "withdrawal 7 was marked paid by f1 since it was shown as approved: nothing was changed; "
                           "reload",
                           "заявку на виведення № 7 позначено виплаченою (користувач f1), а показано було статус "
                           "«схвалено»: нічого не змінено; оновіть дані"),
    "request_paid_since_at": ({"request": 7, "status": Status.PAID, "user": "f1", "moment": "2026-11-19 09:14",
                               "shown": Status.APPROVED},
                              "withdrawal 7 was marked paid by f1 at 2026-11-19 09:14 since it was shown as approved: "
                              "nothing was changed; reload",
                              "заявку на виведення № 7 позначено виплаченою (користувач f1, 2026-11-19 09:14), а "
                              "показано було статус «схвалено»: нічого не змінено; оновіть дані"),
    "balance_not_shown": ({"agency": "AG01"}, "the balance of AG01 is not the one shown: nothing was changed; reload",
                          "баланс агентства AG01 не той, що показано: нічого не змінено; оновіть дані"),
    "balance_changed": ({"agency": "AG01", "event": Refusal("event_corrected", {"user": "a1"}), "moment": "12:00"},
                        "the balance of AG01 changed since it was shown: a1 corrected it at 12:00: nothing was "
                        "changed; reload",
                        "баланс агентства AG01 змінився після показу: скориговано баланс (користувач a1), 12:00: "
                        "нічого не змінено; оновіть дані"),
    "balance_changed_one_more": ({"agency": "AG01", "event": Refusal("event_requested", {"user": "m1", "request": 9}),
                                  "moment": "12:00", "n": 1},
                                 "the balance of AG01 changed since it was shown: m1 requested withdrawal 9 at 12:00 "
                                 "(and 1 more change): nothing was changed; reload",
                                 "баланс агентства AG01 змінився після показу: подано заявку на виведення № 9 "
                                 "(користувач m1), 12:00 (і ще одна зміна): нічого не змінено; оновіть дані"),
    "balance_changed_more": ({"agency": "AG01", "event": Refusal("event_posted", {"user": None, "period": "2026-10"}),
                              "moment": "09:00", "n": 3},
                             "the balance of AG01 changed since it was shown: (set-up) posted 2026-10 at 09:00 (and 3 "
                             "more changes): nothing was changed; reload",
                             "баланс агентства AG01 змінився після показу: проведено період 2026-10 (користувач "
                             "система), 09:00 (інших змін: 3): нічого не змінено; оновіть дані"),
    "event_posted": ({"user": "f1", "period": "2026-10"}, "f1 posted 2026-10",
                     "проведено період 2026-10 (користувач f1)"),
    "event_paid_project": ({"user": "m1", "project": "P1"}, "m1 paid project P1", "оплачено проєкт P1 (користувач m1)"),
    "event_corrected": ({"user": "a1"}, "a1 corrected it", "скориговано баланс (користувач a1)"),
    "event_requested": ({"user": "m1", "request": 9}, "m1 requested withdrawal 9",
                        "подано заявку на виведення № 9 (користувач m1)"),
    "event_marked_paid": ({"user": "f1", "request": 9}, "f1 marked withdrawal 9 paid",
                          "заявку на виведення № 9 позначено виплаченою (користувач f1)"),
    "event_cancelled": ({"user": "m1", "request": 9}, "m1 cancelled withdrawal 9",
                        "скасовано заявку на виведення № 9 (користувач m1)"),
    "event_rejected": ({"user": "f1", "request": 9}, "f1 rejected withdrawal 9",
                       "відхилено заявку на виведення № 9 (користувач f1)"),
    "unknown_schema": ({"url": "sqlite:///desk.db", "revision": "0099_future"},
                       "the database sqlite:///desk.db has schema revision '0099_future', which this version of "
                       "Partner Desk does not know (it was written by another version): nothing was changed",
                       "база даних sqlite:///desk.db має версію схеми «0099_future», якої ця версія Partner Desk не "
                       "знає (її записала інша версія): нічого не змінено"),
    "moved_meanwhile": ({"request": 7}, "withdrawal 7 was moved on by someone else meanwhile: nothing was changed",
                        "заявку на виведення № 7 тим часом змінив інший користувач: нічого не змінено"),
    "has_users": ({}, "the database already has users: sign in as an admin to add one",
                  "у базі даних уже є користувачі: щоб додати нового, увійдіть як адміністратор"),
    "batch_not_paid": ({"batch": 2}, "payout batch 2 cannot be marked paid, nothing was changed",
                       "пакет виплат № 2 не можна позначити виплаченим, нічого не змінено"),
    "requests_not_paid": ({"ids": "3, 4"}, "requests 3, 4 cannot be marked paid, nothing was changed",
                          "заявки 3, 4 не можна позначити виплаченими, нічого не змінено"),
    "paid_already": ({"request": 3, "day": date(2026, 11, 19), "reference": "R-1"},
                     "withdrawal 3 was already paid on 2026-11-19 (reference R-1)",
                     "заявку на виведення № 3 уже виплачено 19.11.2026 (ідентифікатор виплати R-1)"),
    "missing_rates": ({"rates": "PLN на 2026-11-20"}, "missing exchange rate: PLN на 2026-11-20",
                      "немає курсу валюти: PLN на 2026-11-20"),
    "rate_on": ({"currency": "PLN", "day": date(2026, 11, 20)}, "PLN on 2026-11-20", "PLN на 20.11.2026"),
    "unknown_project": ({"project": "P-NONE"}, "unknown project 'P-NONE'", "проєкту «P-NONE» немає"),
    "not_connected_now": ({"project": "P-USD", "agency": "AG01", "other": "AG02"},
                          "project P-USD is not connected to AG01 now (it is connected to AG02)",
                          "проєкт P-USD зараз не підключено до агентства AG01 (його підключено до агентства AG02)"),
    "not_connected_at_all": ({"project": "P-OLD", "agency": "AG01"},
                             "project P-OLD is not connected to AG01 now (it is connected to no agency)",
                             "проєкт P-OLD зараз не підключено до агентства AG01 (його не підключено до жодного "
                             "агентства)"),
    "the_amount": ({}, "the amount", "сума"),
    "correction_reason": ({}, "a correction needs a reason (--reason TEXT)",
                          "для коригування потрібно вказати причину"),
    "table_not_added": ({"period": "2027-01"}, "the table from 2027-01 was not added",
                        "таблицю комісій, що діє з 2027-01, не додано"),
    "level_problem": ({"level": 2, "column": "percent", "problem": Refusal("percent_range")},
                      "level 2: percent: is not between 0 and 100", "рівень 2: percent: не в межах від 0 до 100"),
    "minimum_reward": ({}, "minimum reward", "мінімальна винагорода"),
    "benefit_no_name": ({}, "a benefit needs a name", "привілей потребує назви"),
    "benefit_name": ({"problem": Refusal("too_long", {"max": 200})},
                     "the benefit's name is longer than 200 characters", "назва привілею: довше за 200 символів"),
    "level_no_benefit": ({}, "a reward level needs at least one benefit",
                         "рівень винагороди потребує щонайменше одного привілею"),
    "level_exists": ({"worth": Decimal("500")}, "a reward level from $500 already exists",
                     "рівень винагороди від 500 $ уже існує"),
    "unknown_reward_level": ({"level": 4}, "unknown reward level 4", "рівня винагороди № 4 немає"),
    "unknown_benefit": ({"benefit": 9}, "unknown benefit 9", "привілею № 9 немає"),
    "zone_fixed": ({"zone": "Europe/Kyiv"}, "the time zone cannot change from Europe/Kyiv: payments were already "
                   "imported with their periods in it",
                   "часовий пояс Europe/Kyiv уже не можна змінити: платежі імпортовано з періодами в цьому поясі"),
    "preview_posted": ({"period": Period(2025, 3)}, "2025-03 is posted: export its statement, not a preview",
                       "період 2025-03 проведено: експортуйте виписку, а не попередній розрахунок"),
    "not_posted": ({"period": Period(2025, 4)}, "2025-04 is not posted: a statement shows posted accruals only (a "
                   "preview of it can be exported instead)",
                   "період 2025-04 не проведено: виписка містить лише проведені нарахування (натомість можна "
                   "експортувати попередній розрахунок)"),
    "offer_accepted_already": ({"agency": "AG01", "day": date(2025, 1, 1)},
                               "AG01 accepted the partner offer on 2025-01-01 already",
                               "агентство AG01 уже прийняло партнерську оферту 01.01.2025"),
    "no_such_withdrawal": ({"request": 99}, "there is no withdrawal 99", "заявки на виведення № 99 немає"),
    "reject_reason": ({"request": 7}, "rejecting withdrawal 7 needs a reason (--reason TEXT)",
                      "щоб відхилити заявку на виведення № 7, потрібно вказати причину"),
    "paid_reference": ({"request": 7}, "marking withdrawal 7 paid needs the payout reference (--reference TEXT)",
                       "щоб позначити заявку на виведення № 7 виплаченою, потрібен ідентифікатор виплати"),
    "payout_details": ({}, "a withdrawal needs payout details (--details TEXT): account, card or PayPal address",
                       "для виведення коштів потрібні реквізити для виплати: рахунок, картка або адреса PayPal"),
    # a payout batch that cannot be made, and each request that stops it
    "batch_not_made": ({"method": Said("PayPal")}, "the PayPal batch was not made",
                       "пакет виплат (PayPal) не створено"),
    "batch_request": ({"request": 5, "agency": "AG02", "problem": Refusal("no_email")},
                      "request 5 (AG02): its payout details hold no e-mail address",
                      "заявка № 5 (AG02): у її реквізитах для виплати немає адреси електронної пошти"),
    "batch_iban": ({"iban": "DE00 1234", "problem": Said("Invalid checksum digits")},
                   "the IBAN DE00 1234 in its payout details is not valid: Invalid checksum digits",
                   "IBAN DE00 1234 у її реквізитах для виплати недійсний: Invalid checksum digits"),
    "no_email": ({}, "its payout details hold no e-mail address",
                 "у її реквізитах для виплати немає адреси електронної пошти"),
    "many_emails": ({"count": Count(2), "emails": Said("a@x.ua, b@x.ua")},
                    "its payout details hold 2 e-mail addresses (a@x.ua, b@x.ua): keep one",
                    "у її реквізитах для виплати кілька адрес електронної пошти (2: a@x.ua, b@x.ua): залиште одну"),
    "batch_not_approved": ({"request": 7, "status": Status.PENDING}, "withdrawal 7 is pending, not approved",
                           "заявка на виведення № 7 має статус «очікує», а не «схвалено»"),
    "batch_other_method": ({"request": 7, "method": Said("paypal"), "wanted": Said("bank_transfer")},
                           "withdrawal 7 is paid by paypal, not bank_transfer",
                           "заявку на виведення № 7 виплачують способом PayPal, а не банківський переказ"),
    "batch_already": ({"request": 7, "batch": 3}, "withdrawal 7 is in payout batch 3 already",
                      "заявка на виведення № 7 уже є в пакеті виплат № 3"),
    # what a made batch notes beside its files
    "register_only_no_iban": ({"request": 4, "agency": "AG03"},
                              "request 4 (AG03) is in the register only: its payout details hold no IBAN",
                              "заявка № 4 (AG03) є лише в реєстрі: у її реквізитах для виплати немає IBAN"),
    "register_only_outside": ({"request": 4, "agency": "AG03"},
                              "request 4 (AG03) is in the register only: its IBAN is outside the SEPA zone",
                              "заявка № 4 (AG03) є лише в реєстрі: її IBAN поза зоною SEPA"),
    "sepa_not_written": ({}, "the SEPA file was not written: the company's payout account (name, IBAN, BIC) is not "
                         "set in the settings; pay the EUR requests from the register",
                         "файл SEPA не створено: рахунок компанії для виплат (назва, IBAN, BIC) не вказано в "
                         "налаштуваннях; виплатіть заявки в EUR за реєстром"),
    "paypal_currency": ({"currency": "KZT"}, "PayPal does not list KZT among its payout currencies: check before "
                        "uploading", "PayPal не виплачує у валюті KZT за своїм списком валют: перевірте перед "
                        "завантаженням"),
    # signing in: a moment to the minute, in UTC
    "sign_in_failed": ({"user": "olena"}, "sign-in failed for 'olena': unknown user or wrong password",
                       "не вдалося увійти як «olena»: невідомий користувач або неправильний пароль"),
    "sign_in_failed_locked": ({"user": "olena", "until": Minute(datetime(2026, 11, 18, 9, 15, tzinfo=UTC))},
                              "sign-in failed for 'olena': unknown user or wrong password; the account is now "
                              "locked until 2026-11-18 09:15 UTC",
                              "не вдалося увійти як «olena»: невідомий користувач або неправильний пароль; обліковий "
                              "запис тепер заблоковано до 18.11.2026, 09:15 UTC"),
    "sign_in_locked": ({"user": "olena", "until": Minute(datetime(2026, 11, 18, 9, 15, tzinfo=UTC))},
                       "sign-in refused: the account 'olena' is locked until 2026-11-18 09:15 UTC after repeated "
                       "failed sign-ins; an admin can unlock it (users unlock olena)",
                       "вхід відмовлено: обліковий запис «olena» заблоковано до 18.11.2026, 09:15 UTC після кількох "
                       "невдалих спроб входу; розблокувати його може адміністратор (Налаштування → Користувачі)"),
    "sign_in_inactive": ({"user": "olena"}, "sign-in refused: the account 'olena' is deactivated",
                         "вхід відмовлено: обліковий запис «olena» деактивовано"),
    # a row `audit --verify` finds wrong: which row ...
    "row_id": ({"id": 7}, "id 7", "№ 7"),
    "row_record": ({"record": 12}, "record 12", "запис № 12"),
    "row_line": ({"id": 7, "payment": "P-9"}, "id 7 (payment P-9)", "№ 7 (платіж P-9)"),
    "row_accrual": ({"id": 3, "agency": "AG01", "period": Period(2025, 3)}, "id 3 (AG01 2025-03)",
                    "№ 3 (AG01, 2025-03)"),
    "of_accrual": ({"accrual": Refusal("row_accrual", {"id": 3, "agency": "AG01", "period": Period(2025, 3)})},
                   "of accrual id 3 (AG01 2025-03)", "нарахування № 3 (AG01, 2025-03)"),
    "credits_of_accrual": ({"accrual": Refusal("row_id", {"id": 3})}, "credits of accrual id 3",
                           "зарахування нарахування № 3"),
    "of_withdrawal": ({"request": 5}, "of withdrawal 5", "заявки на виведення № 5"),
    "of_batch": ({"batch": 2}, "of batch 2", "пакета виплат № 2"),
    "of_agency": ({"agency": "AG02"}, "of agency AG02", "агентства AG02"),
    "batch_file": ({"file": "paypal-USD.csv", "batch": 2}, "paypal-USD.csv (batch 2)",
                   "paypal-USD.csv (пакет виплат № 2)"),
    "rows_after": ({"row": Refusal("row_id", {"id": 40})}, "rows after id 40", "рядки після № 40"),
    "rows_after_start": ({}, "rows after the start", "рядки від початку"),
    "rows_between": ({"row": "2025-01", "up_to": "2025-03"}, "rows after 2025-01 up to 2025-03",
                     "рядки після 2025-01 до 2025-03"),
    "rows_up_to": ({"up_to": Refusal("row_id", {"id": 9})}, "rows from the start up to id 9",
                   "рядки від початку до № 9"),
    "nothing": ({}, "nothing", "немає"),
    "no_ids": ({}, "none", "немає"),
    "no_entries": ({}, "no entries", "жодних записів"),
    # 1234.5 PLN with the currency's two decimals, its currency left out
    "entry": ({"kind": Code("entry", "withdrawal_hold"), "figure": Figure(Decimal("1234.50"), "PLN")},
              "withdrawal_hold 1234.50", f"резерв на виведення 1{NB}234,50"),
    # ... and what is wrong with it
    "record_out_of_chain": ({}, "does not follow the record before it: a record before it was removed, or the "
                            "records were reordered", "не продовжує попередній запис: запис перед ним видалено або "
                            "записи переставлено"),
    "row_altered": ({}, "was altered: its content no longer matches its hash",
                    "змінено: вміст більше не відповідає хешу"),
    "records_missing": ({"found": 40, "expected_records": 42}, "is missing: the trail has 40 records, 42 were "
                        "expected; records were removed", "бракує: у журналі записів — 40, а очікували 42; записи "
                        "видалено"),
    "trail_rewritten": ({"position": 42}, "is not the record 42 expected: the trail was rewritten",
                        "не той запис № 42, що очікували: журнал переписано"),
    "no_hash": ({}, "has no hash: it was written outside the product",
                "не має хешу: його записано в обхід Partner Desk"),
    "row_out_of_chain": ({}, "does not follow the row before it: a row before it was removed, or the rows were "
                         "reordered", "не продовжує попередній рядок: рядок перед ним видалено або рядки "
                         "переставлено"),
    "rows_missing": ({"record": 12, "audit_action": Code("action", "correct"), "up_to": Refusal("row_id", {"id": 9}),
                      "end": Refusal("nothing")},
                     "are missing: audit record 12 (correct) noted the table up to id 9, it ends at nothing",
                     "бракує: запис журналу аудиту № 12 (коригування) зафіксував таблицю до № 9, а останній її "
                     "рядок: немає"),
    "noted_missing": ({"record": 12, "audit_action": Code("action", "accrue.post")},
                      "is missing: audit record 12 (accrue.post) noted it",
                      "бракує: його зафіксував запис журналу аудиту № 12 (проведення нарахувань)"),
    "rows_rewritten": ({"record": 12, "audit_action": Code("action", "withdraw.request")},
                       "differ from what audit record 12 (withdraw.request) noted: they were changed and their hashes "
                       "written again", "відрізняються від того, що зафіксував запис журналу аудиту № 12 (заявка на "
                       "виведення): їх змінено, а хеші записано заново"),
    "row_unaccounted": ({}, "was written by no recorded action: no audit record accounts for it",
                        "записаний не зафіксованою дією: жоден запис журналу аудиту його не пояснює"),
    "line_no_accrual": ({"accrual": 8}, "belongs to no accrual (8)", "не належить жодному нарахуванню (8)"),
    "line_no_payment": ({"payment": "P-9"}, "payment P-9 does not exist", "платежу P-9 немає"),
    # the amounts as stored, with their own decimals
    "line_differs": ({"field": Code("field", "usd_amount"), "found": Decimal("12.3456"),
                      "expected": Decimal("12.3465")},
                     "usd_amount is 12.3456, its payment, rates and percent give 12.3465",
                     "сума в USD: 12,3456, а його платіж, курси й відсоток дають 12,3465"),
    # a stored value beyond what a number is written with, as it is
    "line_differs#huge": ({"field": Code("field", "commission"), "found": Decimal("1" * 40 + ".5"),
                           "expected": Decimal("NaN")},
                          f"commission is {'1' * 40}.5, its payment, rates and percent give NaN",
                          f"комісія: {'1' * 40}.5, а його платіж, курси й відсоток дають NaN"),
    "lines_count": ({"found": 5, "posted": 6}, "5 lines, 6 were posted", "рядків: 5, а проведено: 6"),
    "lines_digest": ({}, "differ from the lines posted: their digest no longer matches",
                     "відрізняються від проведених рядків: їхня контрольна сума більше не збігається"),
    "accrual_sum": ({"total": Money.of(Decimal("100.5"), "UAH"), "amount": Money.of(Decimal("100.6"), "UAH")},
                    "its lines sum to 100.50 UAH, it says 100.60 UAH",
                    f"його рядки в сумі дають 100,50{NB}₴, а в ньому записано 100,60{NB}₴"),
    "credits_differ": ({"total": Money.of(Decimal("0"), "UAH"), "amount": Money.of(Decimal("100.6"), "UAH")},
                       "0.00 UAH, the accrual is 100.60 UAH", f"0,00{NB}₴, а нарахування становить 100,60{NB}₴"),
    "missing_recorded": ({"record": 12}, "is missing: audit record 12 records it",
                         "бракує: його фіксує запис журналу аудиту № 12"),
    "written_behind": ({}, "is in no audit record: it was written behind the product's back",
                       "немає в жодному записі журналу аудиту: його записано в обхід Partner Desk"),
    # a stored state by its name, in quotes
    "field_differs": ({"field": Code("field", "status"), "found": Stored("paid", "status"), "record": 12,
                       "recorded": Stored("approved", "status")},
                      "status is 'paid', the audit trail (record 12) says 'approved'",
                      "статус: «виплачено», а в журналі аудиту (запис № 12) — «схвалено»"),
    "withdrawal_entries": ({"entries": Refusal("no_entries"), "status": Status.PENDING,
                            "amount": Money.of(Decimal("50"), "PLN"),
                            "due": Refusal("entry", {"kind": Code("entry", "withdrawal_hold"),
                                                     "figure": Figure(Decimal("-50.00"), "PLN")})},
                           "no entries: a pending request of 50.00 PLN has written withdrawal_hold -50.00",
                           f"жодних записів: заявка зі статусом «очікує» на 50,00{NB}PLN мала б записати резерв на "
                           "виведення -50,00"),
    "withdrawal_entries_an": ({"entries": Refusal("no_entries"), "status": Status.APPROVED,
                               "amount": Money.of(Decimal("50"), "PLN"), "due": Refusal("no_entries")},
                              "no entries: an approved request of 50.00 PLN has written no entries",
                              f"жодних записів: заявка зі статусом «схвалено» на 50,00{NB}PLN мала б записати жодних "
                              "записів"),
    # an amount stored as text, as a number; a tampered one that is no number, quoted as it is
    "field_differs#amount": ({"field": Code("field", "amount"), "found": Stored("1234.50", "figure"), "record": 9,
                              "recorded": Stored("12x", "figure")},
                             "amount is '1234.50', the audit trail (record 9) says '12x'",
                             f"сума: 1{NB}234,50, а в журналі аудиту (запис № 9) — «12x»"),
    "field_differs#huge": ({"field": Code("field", "amount"), "found": Stored("1" * 40 + ".5", "figure"), "record": 9,
                            "recorded": Stored("NaN", "figure")},
                           f"amount is '{'1' * 40}.5', the audit trail (record 9) says 'NaN'",
                           f"сума: «{'1' * 40}.5», а в журналі аудиту (запис № 9) — «NaN»"),
    "requests_differ": ({"found": "3, 4", "record": 12, "recorded": Refusal("no_ids")},
                        "requests 3, 4, the audit trail (record 12) says none",
                        "заявки 3, 4, а в журналі аудиту (запис № 12) — немає"),
    "file_unlisted": ({"record": 12}, "is in no audit record (record 12 lists the batch's files)",
                      "немає в жодному записі журналу аудиту (запис № 12 перелічує файли пакета)"),
    "file_fields_differ": ({"fields": listed([Code("field", "kind"), Code("field", "sha256")]), "record": 12},
                           "kind, sha256 differ from audit record 12",
                           "відрізняються від запису журналу аудиту № 12: тип файлу, контрольна сума"),
    "user_behind": ({}, "is in no audit record: the user was added behind the product's back",
                    "немає в жодному записі журналу аудиту: користувача додано в обхід Partner Desk"),
    "password_changed": ({}, "password was changed", "пароль змінено"),
    "user_missing": ({"record": 12}, "is missing: audit record 12 records the user",
                     "бракує: цього користувача фіксує запис журналу аудиту № 12"),
    "balance_differs": ({"record": 12, "audit_action": Code("action", "correct"),
                         "found": Money.of(Decimal("10"), "KZT"), "recorded": "1,0.00 KZT"},
                        "the balance they give after audit record 12 (correct) is 10.00 KZT; the audit trail says "
                        "1,0.00 KZT", f"баланс за цими записами після запису журналу аудиту № 12 (коригування) — "
                        f"10,00{NB}KZT, а в журналі аудиту — 1,0.00 KZT"),
    "held_differs": ({"record": 12, "audit_action": Code("action", "withdraw.request"),
                      "found": Money.of(Decimal("10"), "KZT"), "recorded": Money.of(Decimal("0"), "KZT")},
                     "the amount held they give after audit record 12 (withdraw.request) is 10.00 KZT; the audit "
                     "trail says 0.00 KZT", "зарезервована сума за цими записами після запису журналу аудиту № 12 "
                     f"(заявка на виведення) — 10,00{NB}KZT, а в журналі аудиту — 0,00{NB}KZT"),
}


@pytest.mark.parametrize("code", sorted(WORDS))
def test_a_refusal_in_english_and_in_ukrainian(ukrainian: None, code: str) -> None:
    values, english_text, ukrainian_text = WORDS[code]
    refusal = Refusal(code.split("#")[0], values)  # "code#…": a second example of a code
    assert english(refusal) == english_text
    assert shown(refusal) == ukrainian_text


def test_every_code_of_the_catalog_is_either_written_out_here_or_in_the_older_tests() -> None:
    older = {"needs_role", "not_signed_in", "setup_over", "no_such_user", "deactivated", "amount_not_positive",
             "amount_too_large", "too_many_decimals", "available_negative", "more_than_available",
             "correction_zero", "correction_negative", "offer_not_accepted", "no_rate_to_value", "below_minimum",
             "only_pending_approved", "only_pending_rejected", "only_pending_cancelled", "only_approved_paid",
             "cancel_not_own", "own_approve", "own_reject", "own_mark_paid", "cannot_pay_project",
             "cannot_correct", "cannot_request", "cannot_withdraw", "cannot_approve", "missing_column",
             "column_twice", "cell_empty", "too_long", "control_character", "not_a_currency",
             "currency_not_in_use", "no_header", "sheet_no_header", "formula_cell", "error_cell", "percent_cell",
             "cell_twice", "semicolon_columns", "not_decimal", "not_decimal_comma", "integer_digits",
             "currency_decimals", "not_a_date", "not_a_timestamp", "date_outside", "hour_skipped", "not_a_month",
             "not_a_period", "period_outside", "payment_before", "payment_after", "rate_not_positive",
             "rate_too_small", "usd_rate_one", "percent_range", "already_posted", "not_ended", "before_first",
             "out_of_order"}
    assert set(TEMPLATES) == older | {code.split("#")[0] for code in WORDS}


@pytest.mark.parametrize(("text", "message"), [
    ("fr", "'fr' is not a statement language: use uk or en"),
    (" UA ", "'UA' is not a statement language: use uk or en (for Українська write uk)"),
    ("eng", "'eng' is not a statement language: use uk or en (for English write en)"),
])
def test_a_language_code_that_is_none_is_a_typed_refusal(text: str, message: str) -> None:
    with pytest.raises(ValueRefused) as caught:
        parse_language(text)
    assert str(caught.value) == message
    assert english(caught.value.refusal) == message


def test_missing_exchange_rates_read_in_the_windows_language(ukrainian: None) -> None:
    error = MissingRates([("PLN", date(2026, 11, 20)), ("EUR", date(2026, 11, 19))])
    # the command line's words, as ever, and the same rates listed in Ukrainian
    assert str(error) == "missing exchange rate: EUR on 2026-11-19, PLN on 2026-11-20"
    assert english(missing_rates(error)) == str(error)
    assert shown_error(error) == "немає курсу валюти: EUR на 19.11.2026, PLN на 20.11.2026"


@pytest.mark.parametrize("code", sorted(WORDS))
def test_a_refusal_kept_in_the_audit_trail_reads_back_as_it_was_said(ukrainian: None, code: str) -> None:
    """Kept typed beside its English message, a refusal is worded again exactly: the English the record
    holds, and the window's Ukrainian."""
    values, english_text, ukrainian_text = WORDS[code]
    error = Refused(Refusal(code.split("#")[0], values))
    kept = recorded(error)
    assert kept is not None
    assert recorded_text(kept, english) == english_text == str(error)
    assert recorded_text(kept) == ukrainian_text
    assert recorded_text(json.loads(kept)) == ukrainian_text  # as `audit --json` gives it


def test_a_reason_of_several_refusals_keeps_their_order_and_what_they_were_refusing(ukrainian: None) -> None:
    error = Refused(Refusal("offer_not_accepted"), Refusal("amount_not_positive", {"amount": Decimal("-5")}),
                    prefix=Refusal("cannot_request", {"agency": "AG01"}))
    kept = recorded(error)
    assert recorded_text(kept, english) == str(error) == (
        "cannot request a withdrawal from AG01: the partner offer has not been accepted; the amount must be more "
        "than zero (got -5)")
    assert recorded_text(kept) == shown_error(error)
    # missing rates are kept as the refusal they are worded as
    rates = MissingRates([("PLN", date(2026, 11, 20))])
    assert recorded_text(recorded(rates)) == "немає курсу валюти: PLN на 20.11.2026"


def test_a_reason_that_cannot_be_kept_or_read_is_none() -> None:
    assert recorded(UserError("a text no rule types")) is None
    assert recorded(Refused("a refusal given as text")) is None
    # a reason changed behind the product's back: unreadable ones are none; a code the catalog does not
    # know is shown as the code itself
    for broken in ("", "{", '{"reasons": [{"refusal": "row_id", "params": {"id": {"money": ["x", "UAH"]}}}], '
                   '"joiner": ""}', '{"joiner": "; "}', "[1, 2]", '{"reasons": [{"refusal": "row_id", "params": '
                   '{"id": {"no_such_type": 1}}}], "joiner": ""}'):
        assert recorded_text(broken) is None, broken
    assert recorded_text('{"reasons": [{"refusal": "no_such_code_at_all", "params": {}}], "joiner": "; "}') == (
        "no_such_code_at_all")
