"""How the product names its stored codes to a person: roles, request states, ledger entries, payout
methods, service kinds, audit actions and outcomes, and the tables and fields `audit --verify` checks.

The codes themselves (what the command line, JSON and the database use) never change; these are the
words a person reads instead, marked for translation. The window (`gui/labels.py`) and the refusals
(`refusal_text.py`) both name codes from here.
"""

from __future__ import annotations

from partner_desk.domain.words import N_

ROLES = {"manager": N_("manager"), "finance": N_("finance"), "admin": N_("admin")}
STATES = {
    "pending": N_("pending"), "approved": N_("approved"), "paid": N_("paid"), "rejected": N_("rejected"),
    "cancelled": N_("cancelled"),
}
ENTRY_KINDS = {
    "accrual": N_("accrual"), "refund_reversal": N_("refund reversal"), "project_payment": N_("project payment"),
    "withdrawal_hold": N_("withdrawal hold"), "hold_release": N_("hold release"), "payout": N_("payout"),
    "correction": N_("correction"),
}
METHODS = {"bank_transfer": N_("bank transfer"), "card": N_("card"), "paypal": N_("PayPal"), "other": N_("other")}
SERVICES = {"subscription": N_("subscription"), "numbers": N_("numbers"), "telephony": N_("telephony"),
            "other": N_("other")}
OUTCOMES = {"ok": N_("done"), "refused": N_("refused")}
ACTIONS = {
    "import": N_("import"), "accrue.post": N_("post accruals"), "accrue.preview": N_("preview accruals"),
    "statement": N_("statement"), "pay_project": N_("pay a project"), "offer.accept": N_("offer accepted"),
    "benefit.update": N_("benefit fulfilment"), "agency.language": N_("statement language"),
    "withdraw.request": N_("withdrawal request"),
    "withdraw.cancel": N_("withdrawal cancelled"), "withdraw.approve": N_("withdrawal approved"),
    "withdraw.reject": N_("withdrawal rejected"), "withdraw.paid": N_("withdrawal paid"),
    "correct": N_("correction"), "tiers": N_("commission table"), "rewards": N_("reward levels"),
    "settings": N_("settings"), "users.add": N_("user added"), "sign_in": N_("sign-in"),
    "users.role": N_("role changed"), "users.password": N_("password reset"),
    "users.own_password": N_("own password changed"), "users.deactivate": N_("user deactivated"),
    "users.activate": N_("user activated"), "users.lock": N_("account locked"),
    "users.unlock": N_("account unlocked"), "users.rehash": N_("password hash upgraded"),
    "withdraw.export": N_("payout batch exported"), "withdraw.paid_batch": N_("payout batch paid"),
    "window": N_("window"),
}
# the tables `audit --verify` checks, as its problems name them in the window
TABLES = {
    "audit": N_("audit trail"), "ledger_entries": N_("ledger entries"), "accruals": N_("accruals"),
    "accrual_lines": N_("accrual lines"), "posted_periods": N_("posted periods"), "withdrawals": N_("withdrawals"),
    "payout_batches": N_("payout batches"), "payout_batch_requests": N_("requests of payout batches"),
    "payout_batch_files": N_("files of payout batches"), "users": N_("users"),
}
# the stored fields those problems name
FIELDS = {
    "usd_amount": N_("amount in USD"), "partner_amount": N_("amount in the partner currency"),
    "commission": N_("commission"), "agency": N_("agency"), "amount": N_("amount"), "currency": N_("currency"),
    "status": N_("status"), "method": N_("payout method"), "details": N_("payout details"),
    "requested_by": N_("requested by"), "decided_by": N_("decided by"), "reason": N_("reason"),
    "paid_by": N_("paid by"), "paid_on": N_("paid on"), "payout_reference": N_("payout reference"),
    "made_on": N_("made on"), "created_by": N_("created by"), "audit_head": N_("audit trail head"),
    "role": N_("role"), "active": N_("active"), "password": N_("password"), "kind": N_("file kind"),
    "sha256": N_("checksum"), "requests": N_("requests"),
}
# a statement language as a sentence names it, in the window's language ("statements in Ukrainian"); a
# chooser names each in that language itself (`domain.languages.LANGUAGES`)
LANGUAGE_NAMES = {"uk": N_("Ukrainian"), "en": N_("English")}
# the kinds of file an import reads
IMPORT_KINDS = {
    "agencies": N_("Agencies"), "projects": N_("Projects and connections"), "payments": N_("Payments"),
    "rates": N_("Exchange rates"), "tiers": N_("Commission table version"),
}
# the settings an audit record of the settings action names, by their keys
SETTINGS = {
    "payout account": N_("the company's payout account"), "company_time_zone": N_("the company time zone"),
    "statement_language": N_("the default language of statements"),
    "reporting_currency": N_("the reporting currency"),
}
# what a code names, by the kind of code (`domain.refusals.Code`)
BY_KIND: dict[str, dict[str, str]] = {
    "role": ROLES, "status": STATES, "entry": ENTRY_KINDS, "method": METHODS, "service": SERVICES,
    "outcome": OUTCOMES, "action": ACTIONS, "table": TABLES, "field": FIELDS, "setting": SETTINGS,
}
