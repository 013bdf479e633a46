"""The status bar: who is coding, progress in this article and overall, and the save state.

"Saved" appears only after the core returned from a commit; a failure shows
"Not saved" with the reason in the error colour until the next successful save.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from annotator.core.workspace_queries import ArticleSummary
from annotator.ui import theme


class WorkspaceStatus:
    """Permanent labels in the main window's status bar."""

    def __init__(self, window: QMainWindow, coder: str) -> None:
        bar = window.statusBar()
        self.coder = QLabel(f"Coder: <b>{coder}</b>")
        self.article = QLabel()
        self.overall = QLabel()
        self.save_state = QLabel("Nothing changed yet")
        for label in (self.coder, self.article, self.overall, self.save_state):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def show_progress(self, article: ArticleSummary | None, done: int, total: int) -> None:
        if article is None:
            self.article.setText("No article")
        else:
            self.article.setText(f"Article: {article.complete} of {article.total}")
        percent = f" ({100 * done // total}%)" if total else ""
        self.overall.setText(f"All articles: {done} of {total}{percent}")

    def show_saved(self) -> None:
        self.save_state.setStyleSheet(f"color: {theme.success_color().name()};")
        self.save_state.setText("Saved")
        self.save_state.setToolTip("Every change so far is committed to the project file.")

    def show_not_saved(self, reason: str) -> None:
        self.save_state.setStyleSheet(f"color: {theme.error_color().name()}; font-weight: bold;")
        short = reason if len(reason) <= 80 else reason[:77] + "…"
        self.save_state.setText(f"Not saved: {short}")
        self.save_state.setToolTip(reason)

    @property
    def save_text(self) -> str:
        return self.save_state.text()
