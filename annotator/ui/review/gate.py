"""The door to the supervisor's view: the passphrase when the project has one, otherwise a
plain confirmation, so that a coder never sees the others' codes by accident.

The passphrase is a guard against accidents, not access control (see
`annotator.core.supervisor`); the check runs in the core, against the stored hash.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from annotator.core.store.project import Project
from annotator.core.supervision.passphrase import (
    check_supervisor_passphrase,
    has_supervisor_passphrase,
)
from annotator.ui import theme

CONFIRMATION = (
    "This is the supervisor's view: you will see every coder's codes, side by side.\n\n"
    "Coders who still have to code independently should not open it."
)
REVIEW = "Open supervisor review"


class SupervisorGate(QDialog):
    """Accepts only after the right passphrase (or, without one, an explicit confirmation)."""

    def __init__(self, project: Project, parent=None, action: str = REVIEW) -> None:
        super().__init__(parent)
        self.project = project
        self.needs_passphrase = has_supervisor_passphrase(project)
        self.setWindowTitle("Supervisor review" if action == REVIEW else action)
        layout = QVBoxLayout(self)
        message = QLabel(wordWrap=True)
        layout.addWidget(message)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {theme.error_color().name()};")
        self.problem.hide()
        if self.needs_passphrase:
            message.setText(CONFIRMATION + "\n\nThe supervisor passphrase:")
            layout.addWidget(self.passphrase)
            layout.addWidget(self.problem)
        else:
            message.setText(CONFIRMATION)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(action)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons

    def accept(self) -> None:
        if self.needs_passphrase and not check_supervisor_passphrase(
            self.project, self.passphrase.text()
        ):
            self.problem.setText("That is not the supervisor passphrase.")
            self.problem.show()
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        super().accept()
