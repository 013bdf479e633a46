"""Training mode: a coder codes the gold articles and sees where they differ from the gold.

`annotator gui PROJECT --training` opens this window instead of the coding window. It
lists only the gold articles; a unit shows its text and a choice per measured field (the
codebook's shortcut keys choose, as in the coding window), and Save (Enter) stores the
choices as the coder's training codes (`core.study.training`: never study codes) and
moves to the next unit. After each unit, or once the article's last unit is saved (the
project's `training.feedback` setting), the feedback pane lists each field where the
coder differs from the gold with the codebook's definitions of both codes. The coder
never sees the gold before saving their own choice.
"""

from __future__ import annotations

from html import escape

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
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.core.study.gold import gold_articles
from annotator.core.study.training import (
    Difference,
    code_training_unit,
    differences,
    feedback_when,
    trainee_identity,
)
from annotator.ui import theme

AGREES = "Your codes agree with the gold."


class TrainingWindow(QMainWindow):
    """Coding the gold articles as `coder`'s training, with feedback against the gold."""

    def __init__(self, project: Project, coder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.coder = coder
        self.identity = trainee_identity(coder)
        self.when = feedback_when(project)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # destroyed: the project closes
        self.setWindowTitle(f"{project.name} — training: {coder} — annotator")
        self.resize(960, 640)
        self.articles = QListWidget()
        self.articles.addItems(gold_articles(project))
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
        self.feedback = QTextBrowser()
        self.status = QLabel(wordWrap=True)
        self._layout(form)
        for key in ("Return", "Enter"):
            QShortcut(QKeySequence(key), self, self.save_unit)
        self.units: list = []
        self.index = 0
        self.articles.currentRowChanged.connect(self.open_article)
        if self.articles.count():
            self.articles.setCurrentRow(0)
        else:
            self._say("No gold articles yet: the supervisor marks them (annotator gold).", True)

    def _layout(self, form: QFormLayout) -> None:
        right = QVBoxLayout()
        right.addWidget(self.position)
        right.addWidget(self.text)
        right.addLayout(form)
        right.addWidget(self.save, alignment=Qt.AlignmentFlag.AlignRight)
        right.addWidget(QLabel("Where you differ from the gold:"))
        right.addWidget(self.feedback, 1)
        right.addWidget(self.status)
        central = QWidget()
        row = QHBoxLayout(central)
        row.addWidget(self.articles, 1)
        row.addLayout(right, 3)
        self.setCentralWidget(central)

    @property
    def article(self) -> str | None:
        item = self.articles.currentItem()
        return item.text() if item is not None else None

    def open_article(self, _row: int = 0) -> None:
        if self.article is None:
            return
        kinds = self.project.codebook.coded_kinds
        self.units = [u for u in list_units(self.project, self.article) if u.kind in kinds]
        self.index = 0
        self.feedback.clear()
        self._show_unit()

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
        """Store the choices as training codes; feedback; the next unit."""
        if not self.units:
            return
        unit = self.units[self.index]
        codes = {key: box.currentData() for key, box in self.choices.items()}
        if any(code is None for code in codes.values()):
            self._say("Choose a code in every field first.", True)
            return
        try:
            code_training_unit(self.project, self.coder, unit.id, codes)
        except AnnotatorError as error:
            self._say(str(error), True)
            return
        last = self.index == len(self.units) - 1
        if self.when == "unit":
            self.show_feedback(differences(self.project, self.coder, self.article, unit.id))
        elif last:
            self.show_feedback(differences(self.project, self.coder, self.article))
        self._say(f"Saved unit {self.index + 1} as training.", False)
        if not last:
            self.index += 1
            self._show_unit()
        elif self.articles.currentRow() + 1 < self.articles.count():
            self._say("Article done. Read the feedback, then choose the next article.", False)

    def show_feedback(self, found: list[Difference]) -> None:
        """Each difference with the codebook's definitions of both codes."""
        if not found:
            self.feedback.setHtml(f"<p>{escape(AGREES)}</p>")
            return
        parts = []
        for d in found:
            parts.append(
                f"<p><b>{escape(d.unit)}</b> — {escape(d.field_label)}<br>"
                f"<i>{escape(d.text)}</i><br>"
                f"You: <b>{escape(d.mine)}</b> — {escape(d.mine_definition)}<br>"
                f"Gold: <b>{escape(d.gold)}</b> — {escape(d.gold_definition)}</p>"
            )
        self.feedback.setHtml("".join(parts))

    def _say(self, text: str, bad: bool) -> None:
        color = theme.error_color() if bad else theme.muted_text()
        self.status.setStyleSheet(f"color: {color.name()};")
        self.status.setText(text)
