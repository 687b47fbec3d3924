"""The main pages in the order the window lists them, registered by their classes.

The window shows the pages in this order and gives the first nine Ctrl+1..Ctrl+9. A page is
registered by importing its class, so a misspelt page fails when the window's module is imported,
not when the page is first opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from partner_desk.gui.page import Page
from partner_desk.gui.pages.accruals import AccrualsPage
from partner_desk.gui.pages.agencies import AgenciesPage
from partner_desk.gui.pages.agency import AgencyPage
from partner_desk.gui.pages.audit import AuditPage
from partner_desk.gui.pages.import_page import ImportPage
from partner_desk.gui.pages.settings import SettingsPage
from partner_desk.gui.pages.statements import StatementsPage
from partner_desk.gui.pages.today import TodayPage
from partner_desk.gui.pages.withdrawals import WithdrawalsPage
from partner_desk.i18n import N_, _

if TYPE_CHECKING:
    from partner_desk.gui.context import AppContext


@dataclass(frozen=True)
class PageSpec:
    """A page of the window: its key (what other pages open it by), its title and its class."""

    key: str
    title: str  # marked with N_, translated when shown
    page_class: type[Page]

    @property
    def label(self) -> str:
        return _(self.title)

    def build(self, ctx: AppContext) -> Page:
        return self.page_class(ctx, None)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("today", N_("Today"), TodayPage),
    PageSpec("agencies", N_("Agencies"), AgenciesPage),
    PageSpec("agency", N_("Agency"), AgencyPage),
    PageSpec("accruals", N_("Accruals"), AccrualsPage),
    PageSpec("withdrawals", N_("Withdrawals"), WithdrawalsPage),
    PageSpec("import", N_("Import"), ImportPage),
    PageSpec("statements", N_("Statements"), StatementsPage),
    PageSpec("settings", N_("Settings"), SettingsPage),
    PageSpec("audit", N_("Audit"), AuditPage),
)


def spec(key: str) -> PageSpec:
    for page in PAGES:
        if page.key == key:
            return page
    raise KeyError(key)
