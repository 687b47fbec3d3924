"""The agency page's Levels box: the last month and the running month side by side, each with its
licence turnover, the percent it reached, the gap to the next commission level (or "highest level"),
its reward and the next reward level. What "reward" is stands in a help line and in the tooltips."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from partner_desk.i18n import _, money, percent
from partner_desk.refusal_text import shown_note
from partner_desk.services.agency_detail import AgencyDetail, MonthLevels
from partner_desk.services.agency_detail import Progress as LevelProgress

ROWS = ("turnover", "percent", "next_level", "commission_bar", "reward", "next_reward", "reward_bar")


def bar_value(progress: LevelProgress) -> int:
    """Per mille of the way from the reached level to the next."""
    if progress.target is None:
        return 1000
    start = progress.reached or Decimal(0)
    span = progress.target - start
    if span <= 0:
        return 1000
    return max(0, min(1000, int((progress.value - start) * 1000 / span)))


def reward_help(levels: tuple[Decimal, ...]) -> str:
    """What a reward is, naming the reward levels that unlock benefits."""
    named = _(" and ").join(money(v, "USD") for v in levels)
    if not levels:
        return _("Reward: the month's commission valued in USD.")
    return _("Reward: the month's commission valued in USD; from {levels} a month it unlocks benefits "
             "(listed below).").format(levels=named)


def month_heading(m: MonthLevels, running: bool) -> str:
    if running:
        return _("{period}, running").format(period=m.period)
    if m.posted:
        return _("{period}, posted").format(period=m.period)
    return _("{period}, not posted yet").format(period=m.period)


def next_level_text(m: MonthLevels) -> str:
    c = m.commission
    if c.target is None:
        return _("highest level")
    return _("{missing} more for {percent}").format(missing=money(c.missing, "USD"),
                                                    percent=percent(c.next_value or Decimal(0)))


def next_reward_text(m: MonthLevels) -> str:
    r = m.reward
    if r.target is None:
        return _("every level reached")
    return _("{target}: {missing} more").format(target=money(r.target, "USD"), missing=money(r.missing, "USD"))


class LevelsBox(QFrame):
    """Two columns of figures, the last month's and the running month's, under one row of labels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levels_box")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>{}</b>".format(_("Levels"))))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.headings = [QLabel(), QLabel()]
        for col, heading in enumerate(self.headings, start=1):
            heading.setObjectName(f"levels_heading_{col - 1}")
            grid.addWidget(heading, 0, col)
        names = {"turnover": _("Licence turnover"), "percent": _("Percent"), "next_level": _("Next level"),
                 "reward": _("Reward"), "next_reward": _("Next reward level")}
        self.cells: dict[str, list[QLabel]] = {}
        self.bars: dict[str, list[QProgressBar]] = {}
        self.row_labels: dict[str, QLabel] = {}
        for row, key in enumerate(ROWS, start=1):
            if key.endswith("_bar"):
                bars = []
                for col in (1, 2):
                    bar = QProgressBar()
                    bar.setObjectName(f"{key}_{col - 1}")
                    bar.setRange(0, 1000)
                    bar.setTextVisible(False)
                    bar.setFixedHeight(8)
                    grid.addWidget(bar, row, col)
                    bars.append(bar)
                self.bars[key] = bars
                continue
            label = QLabel(names[key])
            self.row_labels[key] = label
            grid.addWidget(label, row, 0)
            cells = []
            for col in (1, 2):
                cell = QLabel()
                cell.setObjectName(f"levels_{key}_{col - 1}")
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                grid.addWidget(cell, row, col)
                cells.append(cell)
            self.cells[key] = cells
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.help = QLabel()
        self.help.setObjectName("reward_help")
        self.help.setWordWrap(True)
        font = self.help.font()
        font.setItalic(True)
        self.help.setFont(font)
        layout.addWidget(self.help)
        layout.addStretch(1)

    def show_detail(self, d: AgencyDetail) -> None:
        explained = reward_help(d.reward_levels)
        self.help.setText(explained)
        for key in ("reward", "next_reward"):
            self.row_labels[key].setToolTip(explained)
        self.row_labels["percent"].setToolTip(_("The commission percent the month's licence turnover reached"))
        for col, (m, running) in enumerate(((d.last_levels, False), (d.running_levels, True))):
            if m is None:
                self.headings[col].setText("<b>{}</b>".format(
                    _("{period}: no preview").format(period=d.last_period)))
                self.headings[col].setToolTip("\n".join(shown_note(n) for n in d.notes))
                for cells in self.cells.values():
                    cells[col].setText("—")
                for bars in self.bars.values():
                    bars[col].setValue(0)
                continue
            self.headings[col].setText(f"<b>{month_heading(m, running)}</b>")
            self.headings[col].setToolTip("")
            self.cells["turnover"][col].setText(money(m.turnover, "USD"))
            self.cells["percent"][col].setText(percent(m.percent))
            self.cells["next_level"][col].setText(next_level_text(m))
            self.cells["reward"][col].setText(money(m.reward.value, "USD"))
            self.cells["reward"][col].setToolTip(explained)
            self.cells["next_reward"][col].setText(next_reward_text(m))
            self.bars["commission_bar"][col].setValue(bar_value(m.commission))
            self.bars["reward_bar"][col].setValue(bar_value(m.reward))
