"""The status bar and the banner: who is coding, progress, and whether work is saved.

"Saved" appears only after the core returned from a commit and nothing waits; a
refused save shows "Not saved" with the reason in the error colour until the next
successful save. While the project is out of reach the bar and an amber banner say
how many actions wait, why, and when the next try is; those actions stay on screen,
marked as not saved, until they are committed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from annotator.core.coding.article_views import ArticleSummary
from annotator.ui import theme
from annotator.ui.article_list import Overall
from annotator.ui.operations import CodingOperations


def set_style(widget: QWidget, sheet: str) -> None:
    """Set a style sheet only when it changes: setting one re-polishes the widget, which
    costs a coding key a fraction of a millisecond each time for nothing."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def banner_style(color) -> str:
    return f"background:{color.name()}; color:white; padding:6px;"


class WorkspaceStatus:
    """Permanent labels in the main window's status bar, and the banner above the reader."""

    def __init__(self, window: QMainWindow, coder: str, banner: QLabel) -> None:
        bar = window.statusBar()
        self.banner = banner
        self.coder = QLabel(f"Coder: <b>{coder}</b>")
        self.article = QLabel()
        self.overall = QLabel()
        self.articles_done = QLabel()
        self.save_state = QLabel("Nothing changed yet")
        for label in (self.coder, self.article, self.overall, self.articles_done, self.save_state):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def show_progress(
        self,
        article: ArticleSummary | None,
        overall: Overall | None,
        article_fields_done: bool | None = None,
    ) -> None:
        """Units coded here and overall (units, not articles, are what is counted), and
        how many articles are done; the sums once the list has counted them (`counted`).
        With a codebook that asks questions of the article, its own unit is one of the
        units counted, and `article_fields_done` says whether it is complete."""
        if article is None:
            self.article.setText("No article")
        else:
            text = f"This article: {article.complete:,} of {article.total:,} units"
            if article_fields_done is not None:
                text += " (its own fields " + ("done)" if article_fields_done else "to do)")
            self.article.setText(text)
        if overall is None:
            self.overall.setText("Counting units coded…")
            self.articles_done.setText("")
            return
        done, total = overall.complete, overall.total
        percent = f" ({100 * done // total}%)" if total else ""
        self.overall.setText(f"{done:,} of {total:,} units coded{percent}")
        self.articles_done.setText(f"{overall.finished:,} of {overall.articles:,} articles done")

    def follow(self, operations: CodingOperations) -> None:
        """Keep the save state in step with what `operations` reports."""
        self._operations = operations
        self._refusal: str | None = None  # why the latest action was refused, until one saves
        operations.saved.connect(self._committed)
        operations.failed.connect(self._refused)
        operations.pending.changed.connect(self._show_state)

    def _committed(self) -> None:
        self._refusal = None
        self._show_state()

    def _refused(self, reason: str) -> None:
        self._refusal = reason
        self._show_state()

    def _show_state(self) -> None:
        """Waiting actions first, then a refusal; "Saved" only when neither is left."""
        pending = self._operations.pending
        if pending:
            self.show_waiting(len(pending), pending.reason, pending.seconds_left)
        elif self._refusal is not None:
            self.show_not_saved(self._refusal)
        else:
            self.show_saved()

    def show_saved(self) -> None:
        self.banner.hide()
        set_style(self.save_state, f"color: {theme.success_color().name()};")
        self.save_state.setText("Saved")
        self.save_state.setToolTip("Every change so far is committed to the project.")

    def show_not_saved(self, reason: str) -> None:
        set_style(self.save_state, f"color: {theme.error_color().name()}; font-weight: bold;")
        short = reason if len(reason) <= 80 else reason[:77] + "…"
        self.save_state.setText(f"Not saved: {short}")
        self.save_state.setToolTip(reason)
        self.banner.setStyleSheet(banner_style(theme.error_color()))
        self.banner.setText(f"Not saved: {reason}. The screen shows what the project holds.")
        self.banner.show()

    def show_waiting(self, count: int, reason: str, seconds: int) -> None:
        actions = "1 action" if count == 1 else f"{count} actions"
        when = f"next try in {seconds} s" if seconds > 0 else "trying now"
        set_style(self.save_state, f"color: {theme.waiting_color().name()}; font-weight: bold;")
        self.save_state.setText(f"Not saved: {actions} waiting; {when}")
        self.save_state.setToolTip(reason)
        self.banner.setStyleSheet(banner_style(theme.waiting_color()))
        self.banner.setText(
            f"The project is out of reach ({reason}). {actions} not saved yet: kept on screen "
            f"with a dashed frame and tried again automatically ({when}; F5 tries now). "
            "Keep coding; nothing is shown as saved until it is."
        )
        self.banner.show()

    @property
    def save_text(self) -> str:
        return self.save_state.text()
