"""The settings page's dialogs: a commission table version, a reward level, a benefit, a user."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from partner_desk.domain.money import USD
from partner_desk.domain.tiers import DEFAULT_LEVELS
from partner_desk.gui.amount_field import AmountField
from partner_desk.gui.amount_text import Sign
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.pages.tier_levels import LevelsEditor
from partner_desk.gui.pages.users_dialogs import role_box
from partner_desk.gui.widgets import text_field
from partner_desk.i18n import _, money, percent
from partner_desk.services import settings_admin as admin
from partner_desk.services.users import add_user


class TierVersionDialog(FormDialog):
    """A whole commission table from a period on: one row per level, a USD threshold and a percent."""

    def __init__(self, ctx: AppContext, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a commission table version"),
                         _("The table applies from this period on, until the next version. A version a "
                           "posted period used cannot change, and no version may start in a posted "
                           "period."), parent, ok_label=_("Add"))
        self.ctx = ctx
        self.period = QLineEdit(suggested)
        self.period.setObjectName("period")
        self.period.setPlaceholderText(_("YYYY-MM"))
        # a new version starts from the default table (SPEC section 4)
        self.levels = LevelsEditor([(level.min_usd, level.percent) for level in DEFAULT_LEVELS])
        self.levels.setObjectName("levels")
        self.form.addRow(_("Effective from:"), self.period)
        self.form.addRow(_("Levels:"), self.levels)
        self.levels.changed.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        problems = self.levels.problems()
        self.ok_button().setEnabled(not problems)
        self.ok_button().setToolTip("\n".join(problems))

    def prepare(self) -> Any:
        return self.period.text().strip(), self.levels.levels()

    def run(self, values: Any) -> object:
        period, rows = values
        return admin.add_tier_version(self.ctx.db, self.ctx.actor, period, rows)

    def done_text(self, period: str, rows: list[tuple[Decimal, Decimal]]) -> str:
        """What the page says once the version was added: every level, as recorded."""
        levels = "; ".join(_("from {amount}: {percent}").format(amount=money(usd, USD), percent=percent(pct))
                           for usd, pct in rows)
        return _("The commission table from {period} was added: {levels}.").format(period=period, levels=levels)


class RewardLevelDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a reward level"), _("From a monthly reward in USD on; one benefit per line."),
                         parent, ok_label=_("Add"))
        self.ctx = ctx
        self.minimum = AmountField(USD, Sign.NOT_NEGATIVE, self)
        self.minimum.setObjectName("minimum")
        self.benefits = QPlainTextEdit()
        self.benefits.setObjectName("benefits")
        self.form.addRow(_("From reward (USD):"), self.minimum)
        self.form.addRow(_("Benefits:"), self.benefits)
        self.watch([(_("From reward"), self.minimum)])

    def prepare(self) -> Any:
        return self.minimum.amount(), self.benefits.toPlainText().splitlines()

    def run(self, values: Any) -> object:
        minimum, benefits = values
        return admin.add_reward_level(self.ctx.db, self.ctx.actor, minimum, benefits)


class BenefitDialog(FormDialog):
    """Add a benefit to a level, or (with `benefit_id`) change a benefit's wording."""

    def __init__(self, ctx: AppContext, level_id: int, benefit_id: int | None = None, name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Rename the benefit") if benefit_id else _("Add a benefit"), "", parent)
        self.ctx = ctx
        self.level_id = level_id
        self.benefit_id = benefit_id
        self.name = QLineEdit(name)
        self.name.setObjectName("name")
        self.form.addRow(_("Benefit:"), self.name)

    def prepare(self) -> Any:
        return self.name.text()

    def run(self, values: Any) -> object:
        assert isinstance(values, str)
        if self.benefit_id is not None:
            admin.rename_benefit(self.ctx.db, self.ctx.actor, self.benefit_id, values)
            return self.benefit_id
        return admin.add_benefit(self.ctx.db, self.ctx.actor, self.level_id, values)


class UserDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a user"), _("Roles: a manager works with agencies, previews and "
                                            "requests; finance also imports, posts and approves; an "
                                            "admin also changes tables, settings and users."),
                         parent, ok_label=_("Add"))
        self.ctx = ctx
        self.name = text_field("name")
        self.display_name = text_field("display_name", _("as the window should call them (optional)"))
        self.role = role_box()
        self.password = text_field("password", secret=True)
        self.form.addRow(_("User name:"), self.name)
        self.form.addRow(_("Display name:"), self.display_name)
        self.form.addRow(_("Role:"), self.role)
        self.form.addRow(_("Password:"), self.password)

    def prepare(self) -> Any:
        return (self.name.text().strip(), str(self.role.currentData()), self.password.text(),
                self.display_name.text().strip() or None)

    def run(self, values: Any) -> object:
        name, role, password, display_name = values
        return add_user(self.ctx.db, self.ctx.actor, name, role, password, display_name)
