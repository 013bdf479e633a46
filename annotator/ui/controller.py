"""What coding keys and clicks mean: navigation, coding, auto-advance, finding text.

The controller connects the models (article list, units), the reader view and
the coding panel to the coding operations. It reads articles through
`workspace_queries` and codes through `coding.coder_codes` for this coder only,
so the window never shows another coder's work.

The keys code one target at a time: the current unit, or (Shift+A, `toggle_article`)
the article's own unit, whose fields are the codebook's article fields. Going back
to a unit (Shift+A again, or any key that moves between units) makes the unit the
target again. A key of the other target's fields codes nothing and says why, so a key
never changes what the panel does not show as coded by it. The article's unit is one
more unit to complete: "next incomplete" and auto-advance visit it after the last
unit of the article.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Signal

from annotator.core.codebook import Scope
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import (
    ArticleSummary,
    article_order,
    article_units,
    last_article_of,
)
from annotator.core.coding.lookups import article_unit_id
from annotator.core.coding.service import Change
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import NOTE_TARGET
from annotator.core.store.project import Project
from annotator.core.study.assign import assigned_articles
from annotator.ui.article_list import ArticleListModel, ProjectRows
from annotator.ui.coding_actions import CodingActions
from annotator.ui.coding_panel import CodingPanel
from annotator.ui.operations import CodingOperations
from annotator.ui.reader_view import ReaderView
from annotator.ui.settings import AppSettings
from annotator.ui.units_model import UnitsModel


class WorkspaceController(CodingActions, QObject):
    """Keeps the current article and unit, and turns requests into coding operations."""

    article_opened = Signal(int)  # article id
    progress_changed = Signal()
    message = Signal(str)  # a passing remark for the status bar
    target_changed = Signal()  # the keys now code the article, or the current unit again

    def __init__(
        self,
        project: Project,
        operations: CodingOperations,
        reader: ReaderView,
        panel: CodingPanel,
        settings: AppSettings,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.codebook = project.codebook
        self.coder = operations.coder
        self.operations = operations
        self.settings = settings
        self.articles = ArticleListModel(self)
        self.articles.counted.connect(self.progress_changed)
        self.articles.read_failed.connect(
            lambda why: self.message.emit(f"The article list could not be read: {why}")
        )
        self.units = UnitsModel(self.codebook, self)
        self.reader = reader
        self.panel = panel
        self.reader.setModel(self.units)
        self.reader.selectionModel().currentChanged.connect(self._current_changed)
        self.panel.code_requested.connect(self.code)
        self.panel.note_edited.connect(self.save_note)
        self.panel.next_article_requested.connect(self.next_article)
        self.operations.changed.connect(self._changes_committed)
        self.operations.revisited.connect(self._revisit)
        self.operations.pending.changed.connect(self._show_waiting)
        self.operations.reconnected.connect(self._reconnected)
        self.unsaved_notes: dict[int, str] = {}  # notes whose save failed, kept to retry
        self.find_rows: list[int] = []
        self.find_position: int | None = None
        self.ended_on: int | None = None  # the unit auto-advance stopped on at the article's end
        self.on_article = False  # the keys code the article's own unit, not the current unit
        self.panel.value_entered.connect(self.enter_value)
        self.panel.value_abandoned.connect(self._value_abandoned)
        self.reader.clicked.connect(lambda _index: self.leave_article())

    # -- articles ----------------------------------------------------------------------

    def load_articles(self) -> bool:
        """(Re)read the article list with this coder's progress; False if it could not be read."""
        try:
            mine = assigned_articles(self.project, self.coder)
            order = article_order(self.project, mine)
        except AnnotatorError as error:
            self.message.emit(f"The article list could not be read: {error}")
            return False
        self.articles.set_articles(order, ProjectRows(self.project, self.coder, order.twins))
        self.progress_changed.emit()
        return True

    def start(self) -> None:
        """Open the article this coder last worked on, else the first."""
        self.load_articles()
        if self.articles.rowCount() == 0:
            self.panel.show_unit(None, "", {}, "", needs_coding=False)
            return
        self.open_article(self._starting_article())

    def _starting_article(self) -> int:
        remembered = self.settings.last_article(self.project.path, self.coder)
        row = self.articles.row_of_key(remembered) if remembered else None
        if row is not None:
            return self.articles.article_id(row)
        latest = last_article_of(self.project, self.coder)
        if latest is not None and self.articles.row_of(latest) is not None:
            return latest
        return self.articles.article_id(0)

    @property
    def article_id(self) -> int | None:
        return self.units.article_id

    def open_summary(self) -> ArticleSummary | None:
        """The open article's line of the list (outlet, date, byline, language)."""
        row = self.articles.row_of(self.article_id) if self.article_id is not None else None
        return self.articles.summary(row) if row is not None else None

    def open_article(self, article_id: int, unit_id: int | None = None) -> None:
        """Show an article, on `unit_id` or its first unit that still needs coding."""
        self.panel.flush_note()
        try:
            units = article_units(self.project, article_id)
            article_unit = (
                article_unit_id(self.project, article_id) if self.codebook.article_fields else None
            )
            codes = coding.coder_codes(self.project, self.coder, article_id)
            notes = coding.coder_notes(self.project, self.coder, article_id)
        except AnnotatorError as error:  # out of reach: stay where we are, say why
            self.message.emit(f"The article could not be opened: {error}")
            return
        self.units.set_article(article_id, units, codes, notes, article_unit)
        self.on_article = False
        self.ended_on = None
        self.panel.show_article_end(None)
        self._show_waiting()
        self.find_rows, self.find_position = [], None
        self.reader.unit_delegate.matches = set()
        self.reader.unit_delegate.current_match = None
        row = self.units.row_of(unit_id) if unit_id is not None else None
        if row is None:
            row = self.units.first_row_to_code()
        if row is None and self.units.rowCount():
            row = 0
        if row is not None:
            self.reader.show_row(row)
        else:
            self.panel.show_unit(None, "", {}, "", needs_coding=False)
        asked_for = unit_id is not None and unit_id == article_unit
        left_to_code = unit_id is None and self.units.next_row(-1, 1, incomplete_only=True) is None
        if asked_for or (left_to_code and self.units.article_incomplete()):
            self.show_article()  # asked for, or all that is left to code here
        row_in_list = self.articles.row_of(article_id)
        if row_in_list is not None:
            self.settings.set_last_article(
                self.project.path, self.coder, self.articles.summary(row_in_list).key
            )
        self.article_opened.emit(article_id)
        self.progress_changed.emit()

    def next_article(self) -> bool:
        """Page Down (or the panel's offer at the end of an article)."""
        if self.open_adjacent_article(1):
            return True
        self.message.emit("This is the last article.")
        return False

    def open_adjacent_article(self, step: int, *, unfinished_only: bool = False) -> bool:
        row = self.articles.row_of(self.article_id) if self.article_id is not None else None
        if row is None:
            return False
        row += step
        while 0 <= row < self.articles.rowCount():
            if not (unfinished_only and self.articles.finished(row)):
                self.open_article(self.articles.article_id(row))
                return True
            row += step
        return False

    # -- units -------------------------------------------------------------------------

    def current_row(self) -> int | None:
        index = self.reader.currentIndex()
        return index.row() if index.isValid() else None

    def current_unit_id(self) -> int | None:
        row = self.current_row()
        return None if row is None else self.units.unit(row).id

    def target_unit_id(self) -> int | None:
        """The unit the keys code: the article's own while on the article, else the current."""
        return self.units.article_unit_id if self.on_article else self.current_unit_id()

    def toggle_article(self) -> bool:
        """Shift+A: the keys code the article's fields; pressed again, the unit's."""
        if self.on_article:
            return self.leave_article()
        if self.article_id is None:
            return False
        if self.units.article_unit_id is None:
            self.message.emit("This codebook asks nothing of the article as a whole.")
            return False
        return self.show_article()

    def show_article(self) -> bool:
        if self.units.article_unit_id is None:
            return False
        self.on_article = True
        self.refresh_current()
        self.target_changed.emit()
        return True

    def leave_article(self) -> bool:
        """Back to the current unit as the keys' target; False when already there."""
        if not self.on_article:
            return False
        self.on_article = False
        self.refresh_current()
        self.target_changed.emit()
        return True

    def _show_row(self, row: int) -> None:
        """Make a row the current unit and the keys' target."""
        self.leave_article()
        self.reader.show_row(row)

    def move(self, step: int) -> bool:
        """To the next (or previous) unit the codebook requires; titles and headings are
        skipped. From the article, back to the unit the coder was on."""
        if self.leave_article():
            return True
        row = self.current_row()
        target = self.units.next_row(-1 if row is None else row, step)
        if target is None:
            if step > 0:
                self.message.emit("End of the article: Page Down for the next one.")
            return False
        self.reader.show_row(target)
        return True

    def next_incomplete(self) -> bool:
        """The next incomplete unit here, the article's own fields counting as one before
        the first unit (wrapping round), else the next unfinished article."""
        row = self.current_row()
        row = -1 if row is None or self.on_article else row
        target = self.units.next_row(row, 1, incomplete_only=True)
        if target is None and not self.on_article and self.units.article_incomplete():
            return self.show_article()
        if target is None:
            target = self.units.next_row(-1, 1, incomplete_only=True)
        if target is not None and (target != row or self.on_article):
            self._show_row(target)
            return True
        if target == row or (self.on_article and self.units.article_incomplete()):
            return False
        if self.open_adjacent_article(1, unfinished_only=True):
            self.message.emit("This article is complete; on to the next unfinished one.")
            return True
        self.message.emit("Every unit of every article is complete.")
        return False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.on_article = False
        self.refresh_current()

    def refresh_current(self) -> None:
        row = self.current_row()
        if self.ended_on is not None and (
            row is None or self.on_article or self.units.unit(row).id != self.ended_on
        ):
            self.ended_on = None
            self.panel.show_article_end(None)
        if row is None and not self.on_article:
            self.panel.show_unit(None, "", {}, "", needs_coding=False)
            return
        unit_id = self.target_unit_id()
        assert unit_id is not None
        unsaved = self.unsaved_notes.get(unit_id)
        self.panel.show_unit(
            unit_id,
            self._target_text(row),
            self.units.codes(unit_id),
            self.units.note(unit_id) if unsaved is None else unsaved,
            needs_coding=self.on_article or (row is not None and self.units.needs_coding(row)),
            waiting=self.units.waiting_fields(unit_id),
            scope=Scope.ARTICLE if self.on_article else Scope.UNIT,
            target=self._target_name(row),
        )
        self._show_other_codes()
        if unsaved is not None:
            self.panel.mark_note_unsaved()

    def _show_other_codes(self) -> None:
        """The codes of the target the keys do not code now, shown greyed or folded."""
        other = self.current_unit_id() if self.on_article else self.units.article_unit_id
        if other is not None:
            self.panel.show_other_codes(self.units.codes(other))

    def _target_name(self, row: int | None) -> str:
        """What the keys code, in words: "the article" or "sentence 4"."""
        if self.on_article:
            return "the article"
        if row is None:
            return ""
        unit = self.units.unit(row)
        return f"{unit.kind} {unit.idx}"

    def _target_text(self, row: int | None) -> str:
        if self.on_article:
            summary = self.open_summary()
            title = summary.title if summary is not None else ""
            return f"The article as a whole: {title}"
        return self.units.unit(row).text if row is not None else ""

    # -- coding: see CodingActions (ui.coding_actions) ----------------------------------

    def save_note(self, unit_id: int, text: str) -> None:
        """Save a note; if that fails the text is kept (and shown) until a save succeeds."""
        if self.operations.set_note(unit_id, text, self.article_id):
            self.unsaved_notes.pop(unit_id, None)
            return
        self.unsaved_notes[unit_id] = text
        if self.panel.unit_id == unit_id:
            self.panel.mark_note_unsaved()

    def _changes_committed(self, changes: list[Change]) -> None:
        self.units.apply_changes(changes)
        for change in changes:
            if change.target == NOTE_TARGET and self.unsaved_notes.get(change.unit_id) == (
                change.new or ""
            ):
                self.unsaved_notes.pop(change.unit_id)
        shown = {self.current_unit_id(), self.units.article_unit_id}
        if any(c.unit_id in shown and c.target != NOTE_TARGET for c in changes):
            self._show_current_codes()
        if self.article_id is not None:
            self.articles.set_progress(self.article_id, self.units.complete_count())
        self.progress_changed.emit()

    def changed_elsewhere(self, changes: list[Change]) -> None:
        """Another window of this process wrote (see ui.project_changes): show what it
        changed of this coder's work, as if this window had made the change."""
        mine = [change for change in changes if change.coder == self.coder]
        if not mine:
            return
        self._changes_committed(mine)
        self._show_note_from_elsewhere(mine)
        if any(self.units.row_of(change.unit_id) is None for change in mine):
            self.load_articles()  # another article's progress changed

    def _show_note_from_elsewhere(self, changes: list[Change]) -> None:
        current = self.current_unit_id()
        for change in changes:
            if change.unit_id == current and change.target == NOTE_TARGET:
                self.panel.replace_note(change.new or "")

    def reread_article(self) -> None:
        """Another program may have written to the project: show this article as the
        project now holds it (only what differs is redrawn; the list's progress is read
        afresh when something did)."""
        if self.article_id is None or self.operations.pending:
            return  # waiting writes are laid over the article; the reconnection re-reads
        try:
            codes = coding.coder_codes(self.project, self.coder, self.article_id)
            notes = coding.coder_notes(self.project, self.coder, self.article_id)
        except AnnotatorError:
            return  # out of reach: the write path says so
        changes = self.units.differences(self.coder, codes, notes)
        if changes:
            self._changes_committed(changes)
            self._show_note_from_elsewhere(changes)
            self.load_articles()

    def _show_current_codes(self) -> None:
        row = self.current_row()
        unit_id = self.target_unit_id()
        if unit_id is None:
            return
        self.panel.show_codes(
            self.units.codes(unit_id),
            needs_coding=self.on_article or (row is not None and self.units.needs_coding(row)),
            waiting=self.units.waiting_fields(unit_id),
        )
        self._show_other_codes()

    def _show_waiting(self) -> None:
        """Lay the codes still waiting to be saved over this article's units."""
        pending = self.operations.pending
        unit_ids = {
            w.unit_id
            for w in pending.writes
            if self.units.row_of(w.unit_id) is not None or w.unit_id == self.units.article_unit_id
        }
        self.units.set_waiting({unit_id: pending.overlay(unit_id) for unit_id in unit_ids})
        self._show_current_codes()

    def _reconnected(self, _saved: int) -> None:
        """Everything waiting is settled: show what the project now holds, read afresh (an
        action whose commit got through just before the connection dropped changed nothing
        on its retry, so only a re-read shows it)."""
        if self.article_id is not None:
            self.open_article(self.article_id, self.target_unit_id())
        self.load_articles()

    def _revisit(self, article_id: int, unit_id: int) -> None:
        """After an undo or redo, show the unit it changed (opening its article if need be)."""
        if article_id != self.article_id:
            self.open_article(article_id, unit_id)
            return
        if unit_id == self.units.article_unit_id:
            self.show_article()
            return
        row = self.units.row_of(unit_id)
        if row is not None:
            self._show_row(row)

    # -- finding -----------------------------------------------------------------------

    def find(self, text: str) -> None:
        """Mark the matches and scroll to the first at or after the current unit; the
        current unit stays where it is until Enter (`find_step`) moves it."""
        self.find_rows = self.units.find_rows(text)
        self.reader.unit_delegate.matches = set(self.find_rows)
        self.reader.unit_delegate.find_text = text
        self.find_position = None
        if self.find_rows:
            row = self.current_row() or 0
            after = [i for i, r in enumerate(self.find_rows) if r >= row]
            self.find_position = after[0] if after else 0
            self.reader.scrollTo(self.units.index(self.find_rows[self.find_position]))
        self.reader.unit_delegate.current_match = self._match_row()
        self.reader.viewport().update()

    def _match_row(self) -> int | None:
        return None if self.find_position is None else self.find_rows[self.find_position]

    def find_step(self, step: int) -> None:
        """Enter (or the arrows): make the marked match the current unit; once it is, on
        to the next (or previous) match."""
        if not self.find_rows or self.find_position is None:
            return
        if self.current_row() == self._match_row():
            self.find_position = (self.find_position + step) % len(self.find_rows)
        self.reader.unit_delegate.current_match = self._match_row()
        self.reader.show_row(self.find_rows[self.find_position])
        self.reader.viewport().update()

    def clear_find(self) -> None:
        self.find_rows, self.find_position = [], None
        self.reader.unit_delegate.matches = set()
        self.reader.unit_delegate.current_match = None
        self.reader.unit_delegate.find_text = ""
        self.reader.viewport().update()
