"""The coding window's supervisor menu items: review, merge, export and codebook update.

A mixin of `MainWindow`, kept apart because none of it is coding: each opens a dialog or
window of its own on the same project and, after a merge, brings the coding view up to
date. It uses the window's project, coder, settings, operations and controller.

Each window and dialog is imported when first opened: they bring the agreement
statistics (numpy, krippendorff), merging and the exports, none of which the coding
window needs to appear. So is the passphrase check (it reads the project through the
database layer), so that the window's frame paints before that layer loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.ui.review.review_window import ReviewWindow


class SupervisorWork:
    """View > Supervisor review, File > Merge, Export and Update codebook for the coding
    window."""

    review_window: ReviewWindow | None = None
    dialog = None  # the supervisor gate, merge or export dialog while one is open

    supervisor_unlocked = False  # the passphrase was given once in this window
    replacement = None  # the window built again on an updated codebook, in place of this one

    def open_review(self) -> None:
        """View > Supervisor review: asks first, then shows every coder's codes in a window of
        its own, so this (the coder's) window never does."""
        if self.review_window is not None:
            self.review_window.show()
            self.review_window.raise_()
            self.review_window.activateWindow()
            return
        from annotator.ui.review.gate import SupervisorGate

        self.dialog = SupervisorGate(self.project, self)
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.accepted.connect(self._show_review)
        self.dialog.open()

    def _as_supervisor(self, action: str, then) -> None:
        """Merge and export show every coder's codes: where the project has a supervisor
        passphrase they ask for it first (once per window), as the review does."""
        from annotator.core.supervision.passphrase import has_supervisor_passphrase

        if self.supervisor_unlocked or not has_supervisor_passphrase(self.project):
            then()
            return
        from annotator.ui.review.gate import SupervisorGate

        self.dialog = SupervisorGate(self.project, self, action)
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.accepted.connect(then)
        self.dialog.open()

    def _unlocked(self) -> None:
        self.supervisor_unlocked = True

    def _show_review(self) -> None:
        from annotator.ui.review.review_window import ReviewWindow

        self.review_window = ReviewWindow(self.project, self.coder, self.settings, self)
        self.review_window.destroyed.connect(lambda: setattr(self, "review_window", None))
        self.review_window.export_requested.connect(
            lambda: self._open_export(self.review_window)  # already past the gate
        )
        self.review_window.show()

    def merge_projects(self) -> None:
        self._as_supervisor("Merge coders' projects", self._open_merge)

    def _open_merge(self) -> None:
        from annotator.ui.merge_dialog import MergeDialog

        self.dialog = MergeDialog(self.project.path, self)
        self.dialog.merged.connect(self._merged)
        self.dialog.open()

    def _merged(self, _reports) -> None:
        """Other files' codes are in the project now: re-read, and drop undo steps that could
        overwrite merged codes with what was there before."""
        self.operations.undo_stack.clear()
        self.controller.load_articles()
        if self.controller.article_id is not None:
            self.controller.open_article(
                self.controller.article_id, self.controller.current_unit_id()
            )
        elif self.controller.articles.rowCount():
            self.controller.start()
        self._show_reader_or_empty_page()  # a merge into an empty project brought articles
        if self.review_window is not None:
            self.review_window.reload()

    def export_data(self) -> None:
        self._as_supervisor("Export", self._open_export)

    def _open_export(self, parent=None) -> None:
        from annotator.ui.export_dialog import ExportDialog

        self.dialog = ExportDialog(self.project, parent or self)
        self.dialog.open()

    def update_codebook(self) -> None:
        self._as_supervisor("Update codebook", self._open_codebook_update)

    def _open_codebook_update(self) -> None:
        """The dialog; once it has updated the codebook, the window is built again on it."""
        from annotator.ui.codebook_update_dialog import (
            CodebookUpdateDialog,
            reopen_with_new_codebook,
        )

        self.dialog = CodebookUpdateDialog(self.project, self)
        self.dialog.updated.connect(
            lambda result: self._rebuilt(reopen_with_new_codebook(self, result.summary()))
        )
        self.dialog.open()

    def _rebuilt(self, window) -> None:
        self.replacement = window
