"""Pictures of agreement drawn with QPainter: alpha per field, and a confusion heat map.

PySide6-Essentials has no QtCharts, and the charts are simple enough that painting
them keeps full control of what the supervisor reads: bars start at 0, the .667 and
.800 lines are always there, an undefined alpha says why instead of drawing a bar.
Geometry (the axis range) comes from the core's `charts`, so the window and the HTML
report draw the same axis.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from annotator.core.agreement.charts import THRESHOLD_NAMES, AlphaBar, alpha_axis
from annotator.core.agreement.confusion import ConfusionMatrix
from annotator.core.agreement.report import ALPHA_THRESHOLDS
from annotator.core.agreement.verdicts import threshold_verdict
from annotator.ui import theme

_Index = QModelIndex | QPersistentModelIndex
ShareRole = Qt.ItemDataRole.UserRole + 1  # a cell's count relative to the largest cell
DiagonalRole = Qt.ItemDataRole.UserRole + 2

# The HTML report's ramp (white to dark blue), so both pictures read the same way.
_LOW = QColor(247, 251, 255)
_HIGH = QColor(8, 48, 107)


def verdict_color(verdict: str | None, palette: QPalette | None = None) -> QColor:
    """Green for reliable, amber for tentative, red for unreliable, muted for undefined."""
    if verdict == "reliable":
        return theme.success_color(palette)
    if verdict == "tentative":
        return QColor("#e0a030") if theme.is_dark(palette) else QColor("#b7791f")
    if verdict == "unreliable":
        return theme.error_color(palette)
    return theme.muted_text(palette)


class AlphaChart(QWidget):
    """Horizontal bars of Krippendorff's alpha per field with 95% whiskers and threshold lines."""

    ROW = 30
    TOP = 26
    BOTTOM = 26

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.bars: list[AlphaBar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(self.TOP + self.BOTTOM + self.ROW)

    def set_bars(self, bars: list[AlphaBar]) -> None:
        self.bars = list(bars)
        self.setMinimumHeight(self.TOP + self.BOTTOM + self.ROW * max(len(self.bars), 1))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, self.TOP + self.BOTTOM + self.ROW * max(len(self.bars), 1))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        metrics = QFontMetrics(self.font())
        if not self.bars:
            painter.setPen(theme.muted_text(palette))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No agreement yet")
            return
        label_width = min(
            max(metrics.horizontalAdvance(bar.label) for bar in self.bars) + 12, self.width() // 3
        )
        value_width = metrics.horizontalAdvance("−0.000") + 12
        left, right = label_width, self.width() - value_width
        low, high = alpha_axis(self.bars)
        bottom = self.TOP + self.ROW * len(self.bars)

        def x(value: float) -> float:
            return left + (value - low) / (high - low) * (right - left)

        grid = QColor(text)
        grid.setAlpha(40)
        for tenth in range(round(low * 10), 11, 2):
            at = x(tenth / 10)
            painter.setPen(QPen(text if tenth == 0 else grid, 1))
            painter.drawLine(QPointF(at, self.TOP), QPointF(at, bottom))
            painter.setPen(theme.muted_text(palette))
            painter.drawText(
                QRectF(at - 20, bottom + 2, 40, metrics.height()),
                Qt.AlignmentFlag.AlignCenter,
                f"{tenth / 10:.1f}",
            )
        for row, bar in enumerate(self.bars):
            self._paint_bar(painter, bar, self.TOP + row * self.ROW, x, label_width, metrics)
        for threshold, name in zip(ALPHA_THRESHOLDS, THRESHOLD_NAMES, strict=True):
            at = x(threshold)
            painter.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(at, self.TOP - 6), QPointF(at, bottom))
            caption = f"{threshold:.3f} {name}"
            width = metrics.horizontalAdvance(caption)
            # .800 is labelled to the right of its line, .667 to the left, so they never overlap.
            start = at + 4 if name == "reliable" else at - 4 - width
            painter.setPen(text)
            painter.drawText(QPointF(start, self.TOP - 10), caption)

    def _paint_bar(self, painter, bar: AlphaBar, top: float, x, label_width: int, metrics) -> None:
        palette = self.palette()
        middle = top + self.ROW / 2
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 8)
        painter.drawText(
            QRectF(0, top, label_width - 8, self.ROW),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        if bar.alpha is None:
            painter.setPen(theme.muted_text(palette))
            reason = metrics.elidedText(
                f"undefined ({bar.reason})", Qt.TextElideMode.ElideRight, self.width() - x(0) - 8
            )
            painter.drawText(
                QRectF(x(0) + 6, top, self.width(), self.ROW), Qt.AlignmentFlag.AlignVCenter, reason
            )
            return
        color = verdict_color(threshold_verdict(bar.alpha), palette)
        start, end = sorted((x(0), x(bar.alpha)))
        painter.fillRect(QRectF(start, top + 7, max(end - start, 1), self.ROW - 14), color)
        if bar.ci_low is not None and bar.ci_high is not None:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.WindowText), 1.5))
            low, high = x(bar.ci_low), x(bar.ci_high)
            painter.drawLine(QPointF(low, middle), QPointF(high, middle))
            for end_x in (low, high):
                painter.drawLine(QPointF(end_x, middle - 5), QPointF(end_x, middle + 5))
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(
            QRectF(x(1.0) + 6, top, self.width(), self.ROW),
            Qt.AlignmentFlag.AlignVCenter,
            f"{bar.alpha:.3f}",
        )


class ConfusionModel(QAbstractTableModel):
    """Two coders' codes cross-tabulated: coder A's categories down, coder B's across."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.matrix: ConfusionMatrix | None = None
        self._labels: list[str] = []
        self._keys: list[str] = []
        self._largest = 0

    def set_matrix(
        self,
        matrix: ConfusionMatrix | None,
        labels: dict[str, str],
        keys: dict[str, str] | None = None,
    ) -> None:
        """Show `matrix`, with categories named by `labels` (code -> label; codes as a fallback)
        and marked by `keys` (code -> the coding key; the position from 1 as a fallback)."""
        self.beginResetModel()
        self.matrix = matrix
        codes = matrix.labels if matrix else []
        self._labels = [labels.get(code, code) for code in codes]
        self._keys = [(keys or {}).get(code) or str(n) for n, code in enumerate(codes, 1)]
        self._largest = max((c for row in matrix.counts for c in row), default=0) if matrix else 0
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._labels)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._labels)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.matrix is None:
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._labels) and 0 <= column < len(self._labels)):
            return None
        count = self.matrix.counts[row][column]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(count)
        if role == Qt.ItemDataRole.ToolTipRole:
            m = self.matrix
            return (
                f"{m.coder_a}: {self._labels[row]}\n{m.coder_b}: {self._labels[column]}\n"
                f"{count} unit(s)"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == ShareRole:
            return count / self._largest if self._largest else 0.0
        if role == DiagonalRole:
            return row == column
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        """Rows read "3  Anonymous, specific" (the coding key, as on the coding panel); columns
        only "3", so long labels never squeeze the cells (the tooltip has the label)."""
        if not 0 <= section < len(self._labels):
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._labels[section]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._keys[section]
        return f"{self._keys[section]}  {self._labels[section]}"


class HeatMapDelegate(QStyledItemDelegate):
    """Fills a confusion cell by its share of the largest count; outlines the diagonal."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        share = float(index.data(ShareRole) or 0.0)
        rect = option.rect.adjusted(1, 1, -1, -1)
        fill = QColor(
            round(_LOW.red() + (_HIGH.red() - _LOW.red()) * share),
            round(_LOW.green() + (_HIGH.green() - _LOW.green()) * share),
            round(_LOW.blue() + (_HIGH.blue() - _LOW.blue()) * share),
        )
        painter.save()
        painter.fillRect(rect, fill)
        if index.data(DiagonalRole):
            painter.setPen(QPen(QColor("#222222"), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        count = index.data(Qt.ItemDataRole.DisplayRole)
        ink = "#ffffff" if share > 0.55 else ("#9a9a9a" if count == "0" else "#222222")
        painter.setPen(QColor(ink))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, count)
        painter.restore()
