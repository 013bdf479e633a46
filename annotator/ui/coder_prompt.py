"""The prompt asking who is coding, once per project: the project's coders offered as you
type, and a warning when a typed name differs from one of them only by case or spaces.

"bob" beside an existing "Bob" would become a second coder, splitting one person's codes
and counting them twice in agreement; the comparison is the core's
(`annotator.core.coding.coder_names`). The suggestion is the default button, so Enter
takes the existing name; OK keeps the name as typed, for the rare second person whose
name really is that close.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding.coder_names import (
    lookalike,
    lookalike_warning,
    new_name_problem,
    printable_name,
)
from annotator.core.store.location import location_stem
from annotator.ui import theme

SUPERVISOR_DOOR = 2  # the prompt's result when the supervisor says who they are


class CoderPrompt(QDialog):
    """Asks for the coder's name; `name` is the chosen one once accepted. With
    `supervisor_door` (the project has a supervisor passphrase) a button lets the
    supervisor say who they are instead of taking a coder's name: the prompt then ends
    with `SUPERVISOR_DOOR`, and the window asks the passphrase and opens the review."""

    def __init__(
        self,
        project_label: str,
        known: list[str],
        parent: QWidget | None = None,
        *,
        supervisor_door: bool = False,
    ):
        super().__init__(parent)
        self.known = list(known)
        self.setWindowTitle("Who is coding?")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Your name" + (" or one below" if known else ""))
        self.completer = QCompleter(self.known, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.name_edit.setCompleter(self.completer)
        coders = QLabel(
            "Coders in this project: " + ", ".join(map(printable_name, self.known))
            if self.known
            else "No one has coded in this project yet.",
            wordWrap=True,
        )
        coders.setStyleSheet(f"color: {theme.muted_text().name()}")
        self.warning = QLabel(wordWrap=True)
        self.warning.setStyleSheet(f"color: {theme.error_color().name()}")
        self.use_button = QPushButton()
        self.use_button.setAutoDefault(False)
        warning_row = QHBoxLayout()
        warning_row.addWidget(self.warning, 1)
        warning_row.addWidget(self.use_button)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.supervisor_button: QPushButton | None = None
        if supervisor_door:
            self.supervisor_button = self.buttons.addButton(
                "I am the supervisor…", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.supervisor_button.setAutoDefault(False)
            self.supervisor_button.clicked.connect(lambda: self.done(SUPERVISOR_DOOR))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"Your coder name for {project_label}\n(every code you make carries it):")
        )
        layout.addWidget(self.name_edit)
        layout.addWidget(coders)
        layout.addLayout(warning_row)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.use_button.clicked.connect(self.use_existing)
        self.name_edit.textChanged.connect(self._check)
        self._check("")

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def existing(self) -> str | None:
        """The existing coder the typed name looks like, if any."""
        return lookalike(self.name_edit.text(), self.known)

    def use_existing(self) -> None:
        if (existing := self.existing) is not None:
            self.name_edit.setText(existing)
            self.accept()

    @property
    def refused(self) -> str | None:
        """Why the typed name cannot be a new coder's (hidden characters, a reserved name)."""
        if not self.name or self.name in self.known:
            return None
        problem = new_name_problem(self.name)
        return None if problem is None else f"'{printable_name(self.name)}' {problem}"

    def _check(self, text: str) -> None:
        warning = lookalike_warning(text, self.known)
        refused = self.refused
        self.warning.setVisible(warning is not None or refused is not None)
        self.use_button.setVisible(warning is not None)
        self.warning.setText(refused or warning or "")
        self.use_button.setText(f"Use '{self.existing}'" if warning else "")
        self.ok_button.setText(f"Keep '{printable_name(self.name)}'" if warning else "OK")
        self.ok_button.setEnabled(bool(self.name) and refused is None)
        # Enter takes the suggestion while there is one.
        self.ok_button.setDefault(warning is None)
        self.use_button.setDefault(warning is not None)

    def accept(self) -> None:
        if self.name and self.refused is None:
            super().accept()


def ask_coder(
    parent: QWidget | None,
    project_path: Path | str,
    known: list[str],
    *,
    supervisor_door: bool = False,
) -> str | int | None:
    """The coder's name, asked once per project (then remembered); None if cancelled;
    `SUPERVISOR_DOOR` when the supervisor said who they are (only with `supervisor_door`)."""
    prompt = CoderPrompt(
        location_stem(project_path), known, parent, supervisor_door=supervisor_door
    )
    result = prompt.exec()
    if result == SUPERVISOR_DOOR:
        return SUPERVISOR_DOOR
    return prompt.name if result == QDialog.DialogCode.Accepted else None
