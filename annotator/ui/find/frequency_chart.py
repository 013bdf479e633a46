"""Code frequencies as horizontal bars, painted (PySide6-Essentials has no QtCharts; the
review window's charts are painted the same way, ui/review/charts.py).

A row per category in codebook order, a bar per group (coder, or the total when the
table is per article: dozens of articles side by side would read as noise), bars from
0, each labelled with its count; the field's category colours are not used because the
bars' colour tells the groups apart.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotator.core.coding.frequencies import FrequencyTable
from annotator.ui import theme

MAX_SERIES = len(theme.OKABE_ITO)


def chart_series(table: FrequencyTable, per_group: bool) -> tuple[list[str], list[list[int]]]:
    """(names, counts per category) of the bars: one per group, or their total."""
    if per_group and 0 < len(table.groups) <= MAX_SERIES:
        return table.groups, table.counts
    return ["total"], [[total] for total in table.row_totals]


class FrequencyChart(QWidget):
    """Bars of one field's counts per category."""

    BAR = 14
    GAP = 10
    TOP = 24

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.names: list[str] = []
        self.counts: list[list[int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_table(self, table: FrequencyTable, per_group: bool) -> None:
        self.labels = table.labels
        self.names, self.counts = chart_series(table, per_group)
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return self.BAR * max(1, len(self.names)) + self.GAP

    def sizeHint(self) -> QSize:
        return QSize(480, self.TOP + self._row_height() * len(self.labels) + self.GAP)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        text = self.palette().windowText().color()
        label_width = max((metrics.horizontalAdvance(x) for x in self.labels), default=0) + 12
        count_width = metrics.horizontalAdvance("000000")
        largest = max((max(row, default=0) for row in self.counts), default=0) or 1
        room = max(10, self.width() - label_width - count_width - 12)
        self._paint_legend(painter, metrics, label_width)
        for position, (label, row) in enumerate(zip(self.labels, self.counts, strict=True)):
            top = self.TOP + position * self._row_height()
            painter.setPen(text)
            painter.drawText(
                QRectF(0, top, label_width - 8, self.BAR * len(row)),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            for series, count in enumerate(row):
                y = top + series * self.BAR
                width = room * count / largest
                painter.fillRect(
                    QRectF(label_width, y + 1, width, self.BAR - 2),
                    QColor(theme.OKABE_ITO[series % MAX_SERIES]),
                )
                painter.setPen(text)
                painter.drawText(
                    QRectF(label_width + width + 4, y, count_width, self.BAR),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    str(count),
                )
        painter.end()

    def _paint_legend(self, painter: QPainter, metrics: QFontMetrics, x: float) -> None:
        for series, name in enumerate(self.names):
            painter.fillRect(QRectF(x, 6, 10, 10), QColor(theme.OKABE_ITO[series % MAX_SERIES]))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(int(x + 14), 6 + metrics.ascent() - 1, name)
            x += 14 + metrics.horizontalAdvance(name) + 16
