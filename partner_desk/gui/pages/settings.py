"""The settings page (admin): commission tables, reward levels, rates, users, company time zone and
the default language of statements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain.languages import LANGUAGES
from partner_desk.domain.roles import Action, Actor, Role, role_refusal
from partner_desk.gui import colors, labels, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.ops import Progress, run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.pages.agency.language import named
from partner_desk.gui.pages.settings_connection import ConnectionTab
from partner_desk.gui.pages.settings_dialogs import BenefitDialog, RewardLevelDialog, TierVersionDialog, UserDialog
from partner_desk.gui.pages.settings_language import LanguageTab
from partner_desk.gui.pages.settings_payouts import PayoutAccountTab
from partner_desk.gui.pages.users_dialogs import PasswordDialog, RoleDialog
from partner_desk.gui.table_model import CENTER, RIGHT, Column, RowTableModel, selected_row, table_view
from partner_desk.i18n import _, day, moment, money, percent, rate
from partner_desk.refusal_text import shown
from partner_desk.services import settings_admin as admin
from partner_desk.services import users
from partner_desk.services.changes import Area
from partner_desk.services.imports import ImportSummary
from partner_desk.services.settings_admin import RateView, SettingsView, UserView
from partner_desk.store.engine import Database

COMMON_ZONES = ("Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin", "Europe/London", "UTC", "America/New_York")


def _one_choice_tab(label: str, choice: QWidget, save: QPushButton, info_text: str) -> QWidget:
    """A tab of one setting: its label, the choice and its Save button in a row, and what it means."""
    tab = QWidget()
    layout = QVBoxLayout(tab)
    row = QHBoxLayout()
    row.addWidget(QLabel(label))
    row.addWidget(choice, 1)
    row.addWidget(save)
    layout.addLayout(row)
    info = QLabel(info_text)
    info.setWordWrap(True)
    layout.addWidget(info)
    layout.addStretch(1)
    return tab


class SettingsPage(Page):
    areas = frozenset({Area.TIERS, Area.REWARDS, Area.BENEFITS, Area.RATES, Area.USERS, Area.SETTINGS,
                       Area.BATCHES})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Settings")
        self.view: SettingsView | None = None
        self.dialog: FormDialog | None = None
        self._guarded: list[tuple[QPushButton, Action]] = []
        self.tabs = QTabWidget()
        self.tabs.addTab(self._tiers_tab(), _("Commission tables"))
        self.tabs.addTab(self._rewards_tab(), _("Reward levels"))
        self.tabs.addTab(self._rates_tab(), _("Exchange rates"))
        self.users_section = self._users_tab()
        self.tabs.addTab(self.users_section, _("Users"))
        self.tabs.addTab(self._zone_tab(), _("Time zone"))
        self.payout_account = PayoutAccountTab(ctx)
        self._guarded.append((self.payout_account.save_button, Action.SETTINGS))  # follows the role like the others
        self.tabs.addTab(self.payout_account, _("Payout account"))
        self.language_section = LanguageTab()
        self.tabs.addTab(self.language_section, _("Language"))
        self.tabs.addTab(self._statements_tab(), _("Statements"))
        self.connection_section = ConnectionTab(ctx.db.url)
        self.tabs.addTab(self.connection_section, _("Database"))
        layout = QVBoxLayout(self)
        self.note = QLabel(_("Only an admin changes these settings; you can read them."))
        self.note.setStyleSheet(colors.AMBER)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs)
        self._follow_role()

    def _button(self, text: str, action: Action, slot: Any) -> QPushButton:
        button = QPushButton(text)
        self._guarded.append((button, action))
        button.clicked.connect(slot)
        return button

    def _follow_role(self) -> None:
        """Enable what the signed-in user's role allows now (it may change while the window is open)."""
        self.note.setVisible(not self.ctx.may(Role.ADMIN))
        for button, action in self._guarded:
            role = role_refusal(self.ctx.actor, action)
            button.setEnabled(role is None)
            button.setToolTip("" if role is None else shown(role))

    def _tab(self, *widgets_: QWidget, buttons: list[QPushButton]) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        for b in buttons:
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)
        for w in widgets_:
            layout.addWidget(w, 1)
        return tab

    def _tiers_tab(self) -> QWidget:
        self.tiers = QTreeWidget()
        self.tiers.setObjectName("tiers")
        self.tiers.setHeaderLabels([_("Effective from / from USD"), _("Percent"), _("State")])
        self.tiers.setColumnWidth(0, 260)
        self.add_tier_button = self._button(_("Add a version…"), Action.TIERS, self.add_tier_version)
        return self._tab(self.tiers, buttons=[self.add_tier_button])

    def _rewards_tab(self) -> QWidget:
        self.rewards = QTreeWidget()
        self.rewards.setObjectName("rewards")
        self.rewards.setHeaderLabels([_("Reward level / benefit")])
        self.add_level_button = self._button(_("Add a level…"), Action.REWARDS, self.add_reward_level)
        self.add_benefit_button = self._button(_("Add a benefit…"), Action.REWARDS, self.add_benefit)
        self.rename_button = self._button(_("Rename…"), Action.REWARDS, self.rename_benefit)
        return self._tab(self.rewards, buttons=[self.add_level_button, self.add_benefit_button, self.rename_button])

    def _rates_tab(self) -> QWidget:
        columns: list[Column[RateView]] = [
            Column(_("Date"), lambda r: r.day, display=day, width=120),
            Column(_("Currency"), lambda r: r.currency, align=CENTER, width=80),
            Column(_("Per 1 USD"), lambda r: r.per_usd, display=rate, align=RIGHT),
        ]
        self.rates: RowTableModel[RateView] = RowTableModel(columns, self)
        self.import_rates_button = self._button(_("Import rates…"), Action.IMPORT, self.choose_rates_file)
        return self._tab(table_view(self.rates), buttons=[self.import_rates_button])

    def _users_tab(self) -> QWidget:
        columns: list[Column[UserView]] = [
            Column(_("User"), lambda r: r.name, width=160),
            Column(_("Display name"), lambda r: r.display_name or "", width=180),
            Column(_("Role"), lambda r: r.role, display=labels.role, width=100),
            Column(_("Active"), lambda r: r.active, display=lambda v: _("yes") if v else _("no"), width=70),
            Column(_("Locked until (UTC)"), lambda r: r.locked_until,
                   display=lambda v: "" if v is None else moment(v), width=190),
            Column(_("Since"), lambda r: r.created_at, display=moment),
        ]
        self.users: RowTableModel[UserView] = RowTableModel(columns, self)
        self.users_view = table_view(self.users)
        self.users_view.setObjectName("users")
        self.add_user_button = self._button(_("Add a user…"), Action.USERS_ADD, self.add_user)
        self.role_button = self._button(_("Role…"), Action.USERS_ROLE, self.change_role)
        self.password_button = self._button(_("Reset password…"), Action.USERS_PASSWORD, self.reset_password)
        self.deactivate_button = self._button(_("Deactivate"), Action.USERS_DEACTIVATE, self.deactivate_user)
        self.activate_button = self._button(_("Activate"), Action.USERS_ACTIVATE, self.activate_user)
        self.unlock_button = self._button(_("Unlock"), Action.USERS_UNLOCK, self.unlock_user)
        self.users_note = QLabel()
        self.users_note.setStyleSheet(colors.AMBER)
        return self._tab(self.users_note, self.users_view, buttons=[
            self.add_user_button, self.role_button, self.password_button, self.deactivate_button,
            self.activate_button, self.unlock_button])

    def _zone_tab(self) -> QWidget:
        self.zone = QComboBox()
        self.zone.setObjectName("zone")
        self.zone.setEditable(True)
        self.zone.addItems(list(COMMON_ZONES))
        self.zone_button = self._button(_("Save"), Action.SETTINGS, self.save_zone)
        return _one_choice_tab(_("Company time zone:"), self.zone, self.zone_button,
                               _("Periods are calendar months in this time zone. Payments keep the period they "
                                 "were imported in, so the zone can change only before the first payment import."))

    def _statements_tab(self) -> QWidget:
        self.statement_language = QComboBox()
        self.statement_language.setObjectName("statement_language")
        for code, name in LANGUAGES.items():
            self.statement_language.addItem(name, code)
        self.statement_language_button = self._button(_("Save"), Action.SETTINGS, self.save_statement_language)
        return _one_choice_tab(_("Default language of statements:"), self.statement_language,
                               self.statement_language_button,
                               _("Agencies without a language of their own receive their statements in this "
                                 "language. An agency's language is chosen on its page or with the language "
                                 "column of the agencies file."))

    # loading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._follow_role()
        db, actor = self.ctx.db, self.ctx.actor

        def work(_progress: Progress) -> SettingsView:
            return admin.settings_view(db, actor)

        run_op(self, work, self.show_view, quiet=True, generation=self.loads)

    def show_view(self, view: SettingsView) -> None:
        self.view = view
        self.tiers.clear()
        for t in view.tiers:
            start = _("from the beginning") if t.effective_from == "0001-01" else t.effective_from
            state = _("used by a posted period: fixed") if t.used else _("not used yet: can be replaced")
            top = QTreeWidgetItem([start, "", state])
            for level in t.levels:
                top.addChild(QTreeWidgetItem([money(level.min_usd, "USD"), percent(level.percent), ""]))
            self.tiers.addTopLevelItem(top)
            top.setExpanded(True)
        self.rewards.clear()
        for lv in view.rewards:
            top = QTreeWidgetItem([_("From {amount} a month").format(amount=money(lv.min_reward_usd, "USD"))])
            top.setData(0, Qt.ItemDataRole.UserRole, ("level", lv.id, ""))
            for b in lv.benefits:
                child = QTreeWidgetItem([labels.benefit(b.name)])
                child.setData(0, Qt.ItemDataRole.UserRole, ("benefit", b.id, b.name, lv.id))
                top.addChild(child)
            self.rewards.addTopLevelItem(top)
            top.setExpanded(True)
        self.rates.set_rows(view.rates)
        self.users.set_rows(view.users)
        listed = role_refusal(self.ctx.actor, Action.USERS_LIST) is None
        self.users_note.setText("" if listed else _("The list of users is shown to finance and admins."))
        self.users_note.setVisible(not listed)
        self.zone.setCurrentText(view.time_zone)
        self.statement_language.setCurrentIndex(max(self.statement_language.findData(view.statement_language), 0))
        self.loaded.emit()

    # actions ------------------------------------------------------------------------------------
    def _open(self, dialog: FormDialog, action: str) -> FormDialog:
        """Open `dialog`; once it did its work, the window reloads what the audited `action` touched."""
        self.dialog = dialog
        dialog.accepted.connect(lambda: self.changed(action))
        dialog.open()
        return dialog

    def add_tier_version(self) -> FormDialog:
        suggested = str(self.view.last_posted.next()) if self.view and self.view.last_posted else ""
        dialog = TierVersionDialog(self.ctx, suggested, self)
        dialog.accepted.connect(lambda: widgets.inform(self, dialog.done_text(*dialog.values)))
        return self._open(dialog, action=Action.TIERS)

    def add_reward_level(self) -> FormDialog:
        dialog = RewardLevelDialog(self.ctx, self)
        dialog.accepted.connect(lambda: widgets.inform(self, _("The reward level from {amount} a month was added.")
                                                       .format(amount=money(dialog.values[0], "USD"))))
        return self._open(dialog, action=Action.REWARDS)

    def _selected_reward(self) -> tuple[Any, ...] | None:
        item = self.rewards.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def add_benefit(self) -> FormDialog | None:
        chosen = self._selected_reward()
        if chosen is None:
            widgets.inform(self, _("Select a reward level first."))
            return None
        level_id = chosen[1] if chosen[0] == "level" else chosen[3]
        return self._open(BenefitDialog(self.ctx, level_id, parent=self), action=Action.REWARDS)

    def rename_benefit(self) -> FormDialog | None:
        chosen = self._selected_reward()
        if chosen is None or chosen[0] != "benefit":
            widgets.inform(self, _("Select a benefit first."))
            return None
        return self._open(BenefitDialog(self.ctx, chosen[3], chosen[1], chosen[2], self), action=Action.REWARDS)

    def add_user(self) -> FormDialog:
        return self._open(UserDialog(self.ctx, self), action=Action.USERS_ADD)

    def selected_user(self) -> UserView | None:
        found: UserView | None = selected_row(self.users_view)
        if found is None:
            widgets.inform(self, _("Select a user first."))
        return found

    def change_role(self) -> FormDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        return self._open(RoleDialog(self.ctx, user.name, user.role, self), action=Action.USERS_ROLE)

    def reset_password(self) -> FormDialog | None:
        user = self.selected_user()
        return None if user is None else self._open(PasswordDialog(self.ctx, user.name, self),
                                                    action=Action.USERS_PASSWORD)

    def deactivate_user(self) -> None:
        user = self.selected_user()
        if user is not None:
            name = user.name
            widgets.confirm(self, _("Deactivate {name}? They can no longer sign in, and a window they have "
                                    "open is refused at its next action.").format(name=name),
                            lambda: self._user_change(users.deactivate, name), yes_label=_("Deactivate"))

    def activate_user(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._user_change(users.activate, user.name)

    def unlock_user(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._user_change(users.unlock, user.name)

    def _user_change(self, change: Callable[[Database, Actor, str], object], name: str) -> None:
        ctx = self.ctx
        run_op(self, lambda _p: change(ctx.db, ctx.actor, name), lambda _r: self.changed("users.change", name))

    def choose_rates_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import exchange rates"), "",
                                                    _("Rates (*.csv *.xlsx)"))
        if path:
            self.import_rates(path)

    def import_rates(self, path: str) -> None:
        ctx = self.ctx
        def done(summary: ImportSummary) -> None:
            widgets.inform(self, _("Rates imported: {added} added, {known} already known.").format(
                added=summary.added, known=summary.known))
            self.changed(Action.IMPORT, "rates")

        run_op(self, lambda _p: admin.import_rates(ctx.db, ctx.actor, path), done, label=_("Importing rates…"))

    def save_zone(self) -> None:
        ctx, name = self.ctx, self.zone.currentText()
        def done(_result: None) -> None:
            widgets.inform(self, _("The company time zone is {zone}.").format(zone=name))
            self.changed(Action.SETTINGS)

        def failed(exc: Exception) -> None:
            show_error(self, exc)
            self.refresh()  # show the zone that is stored

        run_op(self, lambda _p: admin.set_time_zone(ctx.db, ctx.actor, name), done, failed)

    def save_statement_language(self) -> None:
        ctx, code = self.ctx, str(self.statement_language.currentData())

        def done(_result: object) -> None:
            widgets.inform(self, _("Agencies without a language of their own now receive statements in {language}.")
                           .format(language=named(code)))
            self.changed(Action.SETTINGS)

        def failed(exc: Exception) -> None:
            show_error(self, exc)
            self.refresh()

        run_op(self, lambda _p: admin.set_statement_language(ctx.db, ctx.actor, code), done, failed)
