"""The window hears what others changed: a watcher on a thread of its own, news on the GUI thread.

`ChangeWatch` runs a `services.watch.Watcher` on a daemon thread (it waits on the database, never on
the GUI thread) and hands every batch of changes to the GUI thread through a queued signal. The
window turns a batch written by others into `MainWindow.changed(areas, who, what)`; what it wrote
itself it has reloaded already. `describe` says, in the window's language, what one change did.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from partner_desk.i18n import _, clock_time, ngettext
from partner_desk.services.changes import Area
from partner_desk.services.watch import Change, Watcher
from partner_desk.store.engine import Database

log = logging.getLogger(__name__)
# how long the watcher waits at a time, and after a failure before it tries again (seconds)
WAIT_SECONDS = 1.0
RETRY_SECONDS = 5.0

def _tail(obj: str | None) -> str:
    return (obj or "").split(":", 1)[-1]


def what_done(change: Change) -> str:
    """"posted 2026-11", "approved withdrawal 12"...: what one change did, without who or when."""
    action, obj = change.action, change.object or ""
    head = obj.split(":", 1)[0]
    if action == "accrue.post":
        return _("posted {period}").format(period=obj)
    if action == "import":
        files = {"agencies": _("an agencies file"), "projects": _("a projects file"),
                 "payments": _("a payments file"), "rates": _("a rates file"), "tiers": _("a commission table")}
        return _("imported {what}").format(what=files.get(head, obj))
    if action.startswith("withdraw."):
        number = _tail(obj)
        moves = {
            "withdraw.approve": _("approved withdrawal {id}"), "withdraw.reject": _("rejected withdrawal {id}"),
            "withdraw.cancel": _("cancelled withdrawal {id}"), "withdraw.paid": _("marked withdrawal {id} paid"),
            "withdraw.export": _("exported payout batch {id}"),
            "withdraw.paid_batch": _("marked payout batch {id} paid"),
        }
        if action == "withdraw.request":
            return _("requested a withdrawal from {agency}").format(agency=obj)
        return moves.get(action, _("changed withdrawal {id}")).format(id=number)
    simple = {
        "pay_project": _("paid project {project} from {agency}").format(project=_tail(obj), agency=head),
        "correct": _("corrected the balance of {agency}").format(agency=obj),
        "offer.accept": _("recorded the offer accepted by {agency}").format(agency=obj),
        "agency.language": _("changed the statement language of {agency}").format(agency=obj),
        "benefit.update": _("updated a benefit of {agency}").format(agency=head),
        "tiers": _("changed the commission table"),
        "rewards": _("changed the reward levels"),
        "settings": _("changed the settings"),
    }
    if action in simple:
        return simple[action]
    if action.startswith("users."):
        return _("changed the account of {user}").format(user=obj)
    return _("changed the data ({action})").format(action=action)


def describe(change: Change) -> str:
    """What one change did and when: "posted 2026-11 at 09:14"."""
    return _("{what} at {time}").format(what=what_done(change), time=clock_time(change.at))


def news(changes: list[Change]) -> tuple[frozenset[Area], str | None, str] | None:
    """What a batch of changes by others means for the window: the areas they touched, who made the
    newest one and what it did (its count of others beside); None when all of them were its own."""
    others = [c for c in changes if not c.mine]
    if not others:
        return None
    areas = frozenset().union(*(c.areas for c in others))
    done = [c for c in others if not c.refused]
    if not done:
        return areas, None, ""  # refused attempts change only the trail
    newest = done[-1]
    what = describe(newest)
    if len(done) > 1:
        what += ngettext(" (and {n} more change)", " (and {n} more changes)", len(done) - 1).format(
            n=len(done) - 1)
    return areas, newest.user or _("set-up"), what


class ChangeWatch(QObject):
    """Hears the database's changes on a thread of its own; `arrived(list[Change])` on the GUI thread."""

    arrived = Signal(object)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="partner-desk-changes", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=WAIT_SECONDS * 3)

    def _run(self) -> None:
        watcher: Watcher | None = None
        while not self._stop.is_set():
            try:
                if watcher is None:
                    watcher = Watcher(self.db)
                changes = watcher.wait(WAIT_SECONDS, self._stop)
            except Exception as exc:  # the database is out of reach: try again a little later
                log.warning("watching the database for changes failed: %s", exc)
                self._stop.wait(RETRY_SECONDS)
                continue
            if changes and not self._stop.is_set():
                self.arrived.emit(changes)
        if watcher is not None:
            watcher.close()
