"""A window that codes units one at a time into a coder's second identity.

Training (`training_window`) and drift re-checks (`recheck_window`) both show a list of
articles, one unit's text and a choice per measured field (the codebook's shortcut keys
choose, as in the coding window); Save (Enter) stores the choices through the core
function the subclass names (`store`) and moves to the next unit. The unit shows only the
second identity's own codes (`alice~training`, `alice~recheck`), never the coder's study
codes or anyone else's, so coding stays blind.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import UnitRow, list_units
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.ui import theme


class UnitChoicesWindow(QMainWindow):
    """Coding units of the listed articles as `identity`, one unit at a time."""

    def __init__(
        self,
        project: Project,
        coder: str,
        identity: str,
        parent: QWidget | None = None,
    ) -> None:
        """The window without its articles: the subclass calls `start` once it is ready."""
        super().__init__(parent)
        self.project = project
        self.coder = coder
        self.identity = identity
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # destroyed: the project closes
        self.resize(960, 640)
        self.articles = QListWidget()
        self.position = QLabel()
        self.text = QLabel(
            wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.text.setStyleSheet("font-size: 12pt;")
        self.choices: dict[str, QComboBox] = {}
        self.keys: dict[str, tuple[QComboBox, str]] = {}  # shortcut -> (its field's box, code)
        form = QFormLayout()
        for key in measured_fields(project):
            field = project.codebook.field(key)
            box = QComboBox(focusPolicy=Qt.FocusPolicy.NoFocus)  # keys go to the shortcuts
            box.addItem("—", None)
            for category in field.categories:
                shortcut = f" [{category.shortcut}]" if category.shortcut else ""
                box.addItem(f"{category.label} ({category.code}){shortcut}", category.code)
                if category.shortcut:
                    self.keys[category.shortcut.casefold()] = (box, category.code)
            self.choices[key] = box
            form.addRow(field.label, box)
        self.save = QPushButton("Save and next (Enter)")
        self.save.clicked.connect(self.save_unit)
        self.status = QLabel(wordWrap=True)
        self._layout(form)
        for key in ("Return", "Enter"):
            QShortcut(QKeySequence(key), self, self.save_unit)
        self.units: list[UnitRow] = []
        self.index = 0

    def start(self, articles: list[str], empty: str) -> None:
        """List `articles` and open the first (or say `empty` when there are none)."""
        self.articles.addItems(articles)
        self.articles.currentRowChanged.connect(self.open_article)
        if self.articles.count():
            self.articles.setCurrentRow(0)
        else:
            self._say(empty, True)

    def _layout(self, form: QFormLayout) -> None:
        right = QVBoxLayout()
        right.addWidget(self.position)
        right.addWidget(self.text)
        right.addLayout(form)
        right.addWidget(self.save, alignment=Qt.AlignmentFlag.AlignRight)
        self.add_below(right)
        right.addWidget(self.status)
        central = QWidget()
        row = QHBoxLayout(central)
        row.addWidget(self.articles, 1)
        row.addLayout(right, 3)
        self.setCentralWidget(central)

    def add_below(self, layout: QVBoxLayout) -> None:
        """Widgets a subclass shows below the Save button (training's feedback)."""
        layout.addStretch(1)

    def units_of(self, article: str) -> list[UnitRow]:
        """The units of `article` this window codes (every unit the codebook codes)."""
        kinds = self.project.codebook.coded_kinds
        return [u for u in list_units(self.project, article) if u.kind in kinds]

    def store(self, unit: UnitRow, codes: dict[str, str]) -> None:
        """Store the choices through the core (a subclass names the function)."""
        raise NotImplementedError

    def saved(self, unit: UnitRow, last: bool) -> None:
        """After a unit is stored, before the next one shows (`last`: the article's last)."""

    @property
    def article(self) -> str | None:
        item = self.articles.currentItem()
        return item.text() if item is not None else None

    def open_article(self, _row: int = 0) -> None:
        if self.article is None:
            return
        self.units = self.units_of(self.article)
        self.index = 0
        self.opened()
        self._show_unit()

    def opened(self) -> None:
        """An article was opened (training clears its feedback)."""

    def _show_unit(self) -> None:
        if not self.units:
            return
        unit = self.units[self.index]
        self.position.setText(f"{self.article} — unit {self.index + 1} of {len(self.units)}")
        self.text.setText(unit.text)
        mine = coding.unit_codes(self.project, self.identity, unit.id)
        for key, box in self.choices.items():
            box.setCurrentIndex(max(box.findData(mine.get(key)), 0))

    def keyPressEvent(self, event) -> None:
        """A category's shortcut key chooses it in its field."""
        chosen = self.keys.get(event.text().casefold()) if event.text() else None
        if chosen is None:
            super().keyPressEvent(event)
            return
        box, code = chosen
        box.setCurrentIndex(box.findData(code))

    def save_unit(self) -> None:
        """Store the choices; then the subclass's follow-up; the next unit."""
        if not self.units:
            return
        unit = self.units[self.index]
        codes = {key: box.currentData() for key, box in self.choices.items()}
        if any(code is None for code in codes.values()):
            self._say("Choose a code in every field first.", True)
            return
        try:
            self.store(unit, codes)
        except AnnotatorError as error:
            self._say(str(error), True)
            return
        last = self.index == len(self.units) - 1
        self.saved(unit, last)
        if not last:
            self.index += 1
            self._show_unit()

    def _say(self, text: str, bad: bool) -> None:
        color = theme.error_color() if bad else theme.muted_text()
        self.status.setStyleSheet(f"color: {color.name()};")
        self.status.setText(text)
