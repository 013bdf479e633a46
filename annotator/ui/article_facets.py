"""Two drop-downs under the article filter: one outlet, one month of publication.

Archive samples hold hundreds of articles from a handful of outlets over a few months;
a coder working through one outlet, or a supervisor checking one month, picks it here.
Each drop-down shows only when there is a choice to make (two outlets, two months).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from annotator.ui.article_list import ArticleFilterProxy, ArticleListModel

ALL_OUTLETS = "All outlets"
ALL_DATES = "All dates"


class ArticleFacets(QWidget):
    """Outlet and month choosers that set the list's filter proxy."""

    def __init__(self, model: ArticleListModel, proxy: ArticleFilterProxy, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = proxy
        self.outlet = QComboBox(objectName="outlet_filter", toolTip="Only this outlet")
        self.month = QComboBox(objectName="month_filter", toolTip="Only this month")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.outlet, 3)
        layout.addWidget(self.month, 2)
        self.outlet.currentIndexChanged.connect(self._outlet_chosen)
        self.month.currentIndexChanged.connect(self._month_chosen)
        model.modelReset.connect(self.refill)
        self.refill()

    def refill(self) -> None:
        """The outlets and months of the articles now listed; a choice still there stays."""
        outlets, months = self.model.outlets(), self.model.months()
        _fill(self.outlet, ALL_OUTLETS, outlets)
        _fill(self.month, ALL_DATES, months)
        self.setVisible(len(outlets) > 1 or len(months) > 1)

    def _outlet_chosen(self, _index: int) -> None:
        self.proxy.set_outlet(self.outlet.currentData())

    def _month_chosen(self, _index: int) -> None:
        self.proxy.set_published(self.month.currentData() or "")


def _fill(box: QComboBox, everything: str, values: list[str]) -> None:
    """Refill a drop-down ("All ..." first), keeping the chosen value if it is still there."""
    chosen = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(everything, None)
    for value in values:
        box.addItem(value, value)
    index = box.findData(chosen) if chosen is not None else 0
    box.setCurrentIndex(max(index, 0))
    box.blockSignals(False)
    box.setVisible(len(values) > 1)
    if box.currentData() != chosen:
        box.currentIndexChanged.emit(box.currentIndex())
