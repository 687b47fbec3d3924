"""The agency page's chart: monthly licence turnover (USD) and commission over the last 12 months."""

from __future__ import annotations

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from partner_desk.i18n import _, money
from partner_desk.services.agency_detail import MonthPoint

# bar, running-month bar and line colours on a light and on a dark palette
COLOURS = {False: ("#4a90c2", "#a9cbe3", "#e0a000"), True: ("#6fb0e0", "#37607f", "#ffc53d")}


class TurnoverChart(QChartView):
    """Bars of licence turnover in USD (left axis) and a line of commission (right axis)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self.points: list[MonthPoint] = []
        self.currency = "USD"
        self.hovered_text = ""  # what the last hover showed

    def dark(self) -> bool:
        """True on a dark palette: the chart then takes the dark theme and lighter colours."""
        return self.palette().color(QPalette.ColorRole.Window).lightness() < 128

    def month_text(self, index: int) -> str:
        """What hovering a month shows: its turnover and commission, and whether it is posted."""
        point = self.points[index]
        commission = _("no accrual") if point.commission is None else money(point.commission, self.currency)
        state = (_("posted") if point.posted else _("running month, preview") if point.commission is not None
                 else _("not posted"))
        return _("{period}: licence turnover {turnover}, commission {commission} ({state})").format(
            period=point.period, turnover=money(point.turnover_usd, "USD"), commission=commission, state=state)

    def _hover(self, on: bool, index: int) -> None:
        if on and 0 <= index < len(self.points):
            self.hovered_text = self.month_text(index)
            QToolTip.showText(QCursor.pos(), self.hovered_text, self)
        else:
            QToolTip.hideText()

    def set_points(self, points: list[MonthPoint], currency: str) -> None:
        self.points = list(points)
        self.currency = currency
        dark = self.dark()
        bar_colour, running_colour, line_colour = COLOURS[dark]
        chart = QChart()
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        turnover = QBarSet(_("Licence turnover, USD"))
        turnover.setColor(QColor(bar_colour))
        # the running month's bar (its preview) is drawn lighter: it is not final
        turnover.setSelectedColor(QColor(running_colour))
        bars = QBarSeries()
        bars.append(turnover)
        bars.hovered.connect(lambda on, index, _set: self._hover(on, index))
        line = QLineSeries()
        line.setName(_("Commission, {currency}").format(currency=currency))
        line.setPen(QPen(QColor(line_colour), 2.5))
        line.setPointsVisible(True)
        line.hovered.connect(lambda point, on: self._hover(on, self._index_of(point)))
        categories = []
        top_turnover = 0.0
        top_commission = 0.0
        for i, point in enumerate(points):
            # floats only for drawing: the chart needs them, no figure is computed from them
            value = float(point.turnover_usd)
            commission = float(point.commission or 0)
            turnover.append(value)
            line.append(i, commission)
            top_turnover = max(top_turnover, value)
            top_commission = max(top_commission, commission)
            label = f"{point.period.month:02d}/{point.period.year % 100:02d}"
            running = not point.posted and point.commission is not None
            categories.append(label + "*" if running else label)
            if running:
                turnover.selectBar(i)
        chart.addSeries(bars)
        chart.addSeries(line)
        x = QBarCategoryAxis()
        x.append(categories)
        left = QValueAxis()
        left.setRange(0, top_turnover * 1.1 or 1)
        left.setLabelFormat("%.0f")
        left.setTitleText("USD")
        left.applyNiceNumbers()
        right = QValueAxis()
        right.setRange(0, top_commission * 1.1 or 1)
        right.setLabelFormat("%.0f")
        right.setTitleText(currency)
        right.applyNiceNumbers()
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        bars.attachAxis(x)
        bars.attachAxis(left)
        line.attachAxis(x)
        line.attachAxis(right)
        chart.setTitle(_("Last 12 months (* = running month, preview)"))
        self.running_bars = turnover.selectedBars()
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _index_of(self, point: QPointF) -> int:
        return round(point.x())
