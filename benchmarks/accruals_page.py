"""Accruals page benchmark: preview, filter, sort and post a month of many agencies through the window.

Generates N agencies (default 10,000), one project each and three subscription payments per project
in 2025-03, imports them, then opens the accruals page offscreen and prints how long each step takes
and the longest pause of the GUI event loop meanwhile (a 10 ms timer measures it).

    .venv/bin/python benchmarks/accruals_page.py            # 10,000 agencies
    .venv/bin/python benchmarks/accruals_page.py --agencies 2000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from partner_desk.domain.clock import ENV_NOW
from partner_desk.domain.roles import SETUP
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.accruals import AccrualsPage
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database

CURRENCIES = ("USD", "EUR", "UAH")
TODAY = "2025-04-15T09:00:00Z"  # the product's clock during the run (PARTNER_DESK_NOW)


def make_data(db: Database, folder: Path, agencies: int) -> float:
    rnd = random.Random(5)
    files = {
        "agencies": "code,name,currency,offer_accepted_at\n" + "".join(
            f"A{i:05d},Agency {i},{CURRENCIES[i % 3]},2025-01-01\n" for i in range(agencies)),
        "projects": "project_id,name,currency,agency_code,connected_at\n" + "".join(
            f"P{i:05d},Project {i},{CURRENCIES[(i + 1) % 3]},A{i:05d},2025-01-01\n" for i in range(agencies)),
        "rates": "date,currency,per_usd\n2025-01-01,EUR,0.9\n2025-01-01,UAH,41.5\n",
        "payments": "payment_id,project_id,paid_at,service,amount,currency\n" + "".join(
            f"X{j:06d},P{j % agencies:05d},2025-03-{1 + j % 28:02d}T10:00:00,subscription,"
            f"{rnd.randint(100, 90000) / 100:.2f},{CURRENCIES[(j % agencies + 1) % 3]}\n"
            for j in range(3 * agencies)),
    }
    started = time.perf_counter()
    for kind, text in files.items():
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(db, SETUP, kind, path)
    return time.perf_counter() - started


class Pauses:
    """The longest gap between ticks of a 10 ms timer: how long the event loop was kept busy."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.gaps: list[int] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last)
        self.last = now

    def reset(self) -> None:
        self.gaps.clear()
        self.last = self.clock.elapsed()

    @property
    def longest(self) -> int:
        return max(self.gaps, default=0)


def until_loaded(page: AccrualsPage, pauses: Pauses, action: Callable[[], object]) -> float:
    loop = QEventLoop()
    page.loaded.connect(loop.quit)
    pauses.reset()
    started = time.perf_counter()
    action()
    loop.exec()
    page.loaded.disconnect(loop.quit)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = Database(f"sqlite:///{folder / 'bench.db'}")
        init_database(db)
        seconds = make_data(db, folder, args.agencies)
        print(f"data: {args.agencies:,} agencies, {3 * args.agencies:,} payments imported in {seconds:.1f} s")
        app = QApplication.instance() or QApplication([])
        os.environ[ENV_NOW] = TODAY
        page = AccrualsPage(AppContext(db, SETUP))
        page.resize(1200, 700)
        page.show()
        pauses = Pauses()
        seconds = until_loaded(page, pauses, page.refresh)
        print(f"preview 2025-03, {page.model.rowCount():,} accruals shown: {seconds:.2f} s; "
              f"longest event-loop pause {pauses.longest} ms")
        started = time.perf_counter()
        page.search.setText("Agency 99")
        page.search.flush()
        print(f"filter 'Agency 99': {page.model.rowCount():,} rows in {(time.perf_counter() - started) * 1000:.0f} ms")
        page.search.clear()
        page.search.flush()
        started = time.perf_counter()
        page.model.sort(5)
        print(f"sort by commission: {(time.perf_counter() - started) * 1000:.0f} ms")
        box = page.confirm_post()
        assert box is not None
        yes = box.button(QMessageBox.StandardButton.Yes)
        seconds = until_loaded(page, pauses, yes.click)
        print(f"post and show the posted period: {seconds:.2f} s; longest event-loop pause {pauses.longest} ms")
        print(page.totals.text())
        page.close()
        app.processEvents()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
