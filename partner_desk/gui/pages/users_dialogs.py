"""Dialogs for people: another role, a new password (an admin's reset, or one's own change)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Role
from partner_desk.gui import labels
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.widgets import choice_box, text_field
from partner_desk.i18n import _
from partner_desk.services import users


def role_box(current: str | None = None) -> QComboBox:
    """Every role, by its label in the window's language (the data: the role's name), `current` chosen."""
    return choice_box("role", [(labels.role(role), role.label) for role in Role], current)


class RoleDialog(FormDialog):
    """Give a user another role; it counts from their next action."""

    def __init__(self, ctx: AppContext, name: str, current: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Change the role of {name}").format(name=name),
                         _("The new role counts from the user's next action, even in a window they have "
                           "open. The last active admin keeps the admin role."), parent, ok_label=_("Change"))
        self.ctx = ctx
        self.user = name
        self.role = role_box(current)
        self.form.addRow(_("Role:"), self.role)

    def prepare(self) -> Any:
        return str(self.role.currentData())

    def run(self, values: Any) -> object:
        return users.set_role(self.ctx.db, self.ctx.actor, self.user, str(values))


class PasswordDialog(FormDialog):
    """A new password: an admin resets another user's; anyone changes their own with the current one."""

    def __init__(self, ctx: AppContext, name: str, parent: QWidget | None = None) -> None:
        self.own = ctx.actor.name == name
        title = _("Change my password") if self.own else _("Reset the password of {name}").format(name=name)
        super().__init__(title, _("At least 8 characters, and more than the user name with digits or signs."), parent,
                         ok_label=_("Change"))
        self.ctx = ctx
        self.user = name
        self.current = text_field("current", secret=True)
        if self.own:
            self.form.addRow(_("Current password:"), self.current)
        self.password = text_field("password", secret=True)
        self.repeat = text_field("repeat", secret=True)
        self.form.addRow(_("New password:"), self.password)
        self.form.addRow(_("Repeat the new password:"), self.repeat)

    def prepare(self) -> Any:
        if self.password.text() != self.repeat.text():
            raise UserError(_("the two new passwords differ"))
        return self.password.text(), (self.current.text() if self.own else None)

    def run(self, values: Any) -> object:
        new, old = values
        return users.change_password(self.ctx.db, self.ctx.actor, self.user, new, old)
