"""The agency page's chart: monthly licence turnover (USD) and commission over the last 12 months."""

from __future__ import annotations

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from partner_desk.i18n import _
from partner_desk.services.agency_detail import MonthPoint


class TurnoverChart(QChartView):
    """Bars of licence turnover in USD (left axis) and a line of commission (right axis)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self.points: list[MonthPoint] = []

    def set_points(self, points: list[MonthPoint], currency: str) -> None:
        self.points = list(points)
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        turnover = QBarSet(_("Licence turnover, USD"))
        turnover.setColor(QColor("#4a90c2"))
        bars = QBarSeries()
        bars.append(turnover)
        line = QLineSeries()
        line.setName(_("Commission, {currency}").format(currency=currency))
        line.setPen(QPen(QColor("#e0a000"), 2.5))
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
            categories.append(label if point.posted or point.commission is None else label + "*")
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
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()
