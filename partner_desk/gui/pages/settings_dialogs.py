"""The settings page's dialogs: a commission table version, a reward level, a benefit, a user."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Role
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FormDialog
from partner_desk.i18n import _
from partner_desk.services import settings_admin as admin
from partner_desk.services.users import add_user


class TierVersionDialog(FormDialog):
    """A whole commission table from a period on: one `threshold, percent` per line."""

    def __init__(self, ctx: AppContext, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a commission table version"),
                         _("The table applies from this period on, until the next version. A version a "
                           "posted period used cannot change, and no version may start in a posted "
                           "period."), parent, ok_label=_("Add"))
        self.ctx = ctx
        self.period = QLineEdit(suggested)
        self.period.setObjectName("period")
        self.period.setPlaceholderText("YYYY-MM")
        self.levels = QPlainTextEdit("0, 10\n500, 15\n1500, 20\n5000, 25\n10000, 30")
        self.levels.setObjectName("levels")
        self.form.addRow(_("Effective from:"), self.period)
        self.form.addRow(_("Levels (USD from, percent):"), self.levels)

    def prepare(self) -> Any:
        rows = []
        for number, line in enumerate(self.levels.toPlainText().splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace(";", ",").split(",")]
            if len(parts) != 2:
                raise UserError(_("Levels, line {n}: write 'from USD, percent'").format(n=number))
            rows.append((parts[0], parts[1]))
        return self.period.text().strip(), rows

    def run(self, values: Any) -> object:
        period, rows = values
        return admin.add_tier_version(self.ctx.db, self.ctx.actor, period, rows)


class RewardLevelDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a reward level"), _("From a monthly reward in USD on; one benefit per line."),
                         parent, ok_label=_("Add"))
        self.ctx = ctx
        self.minimum = QLineEdit()
        self.minimum.setObjectName("minimum")
        self.benefits = QPlainTextEdit()
        self.benefits.setObjectName("benefits")
        self.form.addRow(_("From reward (USD):"), self.minimum)
        self.form.addRow(_("Benefits:"), self.benefits)

    def prepare(self) -> Any:
        return self.minimum.text(), self.benefits.toPlainText().splitlines()

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
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in Role:
            self.role.addItem(role.label, role.label)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(_("User name:"), self.name)
        self.form.addRow(_("Role:"), self.role)
        self.form.addRow(_("Password:"), self.password)

    def prepare(self) -> Any:
        return self.name.text().strip(), str(self.role.currentData()), self.password.text()

    def run(self, values: Any) -> object:
        name, role, password = values
        return add_user(self.ctx.db, self.ctx.actor, name, role, password)
