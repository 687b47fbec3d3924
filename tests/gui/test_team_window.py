"""Two windows on one database: each hears what the other changed within a couple of seconds,
reloads what it shows and says in the status bar who did what; its own changes it does not hear again."""

from __future__ import annotations

from pathlib import Path

from partner_desk.domain.withdrawals import Move, Status
from partner_desk.gui import widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.main_window import MainWindow
from partner_desk.gui.ops import running
from partner_desk.gui.pages.withdrawals import WithdrawalsPage
from partner_desk.services import ledger, withdrawals
from partner_desk.store.engine import Database
from tests.gui.test_main_window import SPECS, CountingPage
from tests.services.money_world import ACTORS, CLOCK, TODAY, credit, world


def _window(qtbot, db: Database, who: str) -> MainWindow:
    window = MainWindow(AppContext(db, ACTORS[who]), specs=SPECS, remember=False)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_window_hears_a_colleagues_change_and_says_who_did_what(qtbot, tmp_path: Path, clock) -> None:
    clock(CLOCK)  # 2026-11-20 10:00 UTC: 12:00 in Kyiv
    here = world(tmp_path)
    there = Database(here.engine.url.render_as_string(hide_password=False))
    window = _window(qtbot, here, "m1")
    page = window.pages["one"]
    assert isinstance(page, CountingPage)
    shown = page.refreshed
    window.watch_changes()
    try:
        qtbot.wait(300)  # the watcher has started and looked once
        ledger.correct(there, ACTORS["a1"], "AG01", "25.00", "welcome bonus")
        qtbot.waitUntil(lambda: window.change_label.isVisible(), timeout=4000)
        assert window.change_label.text() == "a1 corrected the balance of AG01 at 12:00\u202fPM"
        assert page.refreshed == shown + 1
        # a change this window made itself is not heard again: it has reloaded after it already
        window.change_label.setText("")
        ledger.correct(here, ACTORS["a1"], "AG01", "5.00", "rounding")
        qtbot.wait(2500)
        assert window.change_label.text() == ""
        assert page.refreshed == shown + 1
    finally:
        window.close()
        there.dispose()
        here.dispose()
    assert window.change_watch is not None
    assert not window.change_watch._thread.is_alive()


def test_approving_a_request_a_colleague_approved_meanwhile_is_refused_with_who(qtbot, tmp_path: Path,
                                                                               clock, monkeypatch) -> None:

    clock(CLOCK)
    here = world(tmp_path)
    credit(here, "AG01", "1000.00")
    wid = withdrawals.request_withdrawal(here, ACTORS["m1"], "AG01", "150.00", "card", "c", as_of=TODAY).id
    page = WithdrawalsPage(AppContext(here, ACTORS["f2"]))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded):
        page.refresh()
    assert page.select(wid)
    assert page.selected().status is Status.PENDING
    # meanwhile, at another desk
    there = Database(here.engine.url.render_as_string(hide_password=False))
    withdrawals.approve(there, ACTORS["f1"], wid)
    warned: list[str] = []
    monkeypatch.setattr(widgets, "confirm", lambda _parent, _text, yes, **_kw: yes())
    monkeypatch.setattr(widgets, "warn", lambda _parent, text, **_kw: warned.append(text))
    page.act(Move.APPROVE)
    qtbot.waitUntil(lambda: running() == 0 and bool(warned), timeout=5000)
    assert warned == [f"withdrawal {wid} was approved by f1 at 12:00 since it was shown as pending: "
                      "nothing was changed; reload"]
    assert page.status.text() == warned[0]
    there.dispose()
    here.dispose()


def test_a_colleagues_change_reloads_only_the_pages_that_show_what_it_touched(qtbot, tmp_path: Path, clock) -> None:
    clock(CLOCK)
    here = world(tmp_path)
    there = Database(here.engine.url.render_as_string(hide_password=False))
    window = _window(qtbot, here, "m1")
    for key in ("two", "three"):
        window.page(key)
    window._stale.clear()
    window.watch_changes()
    try:
        qtbot.wait(300)
        # a correction touches the ledger and the agencies: "one" (agencies) reloads now, "three"
        # (ledger) when next shown, "two" (the commission table) not at all
        ledger.correct(there, ACTORS["a1"], "AG01", "25.00", "welcome bonus")
        qtbot.waitUntil(lambda: window.change_label.isVisible(), timeout=4000)
        assert window._stale == {"three"}
    finally:
        window.close()
        there.dispose()
        here.dispose()
