"""Machine suggestions in the coding window: the cue and source highlighted in the reader,
the suggestion beside the buttons, and one key to accept it.

The suggestions come from the core (`core.suggest`), for the open article. Accepting
is a coding action like any other (one undoable command through `CodingOperations`,
history origin "suggestion"); nothing is ever coded without the coder's key press.
Suggestions show only where the project allows them (the supervisor's project-wide
switch, for blind studies) and the coder has not turned them off (View menu).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Signal

from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Origin
from annotator.core.store.project import Project
from annotator.core.suggest.for_article import article_unit_suggestions
from annotator.core.suggest.suggester import Suggester, UnitSuggestion
from annotator.core.suggest.switch import suggestions_for_coders
from annotator.ui.coding_panel import CodingPanel
from annotator.ui.controller import WorkspaceController
from annotator.ui.operations import CodingOperations
from annotator.ui.settings import AppSettings

ORIGIN = Origin.SUGGESTION
ACCEPT_KEYS = ("a", "=")  # the first one the codebook does not use as a shortcut
OFF_FOR_PROJECT = "The supervisor has turned suggestions off for this project."


def accept_key(shortcuts) -> str:
    return next(key for key in ACCEPT_KEYS if key not in shortcuts)


class WindowSuggestions(QObject):
    """Keeps the open article's suggestions and shows the current unit's."""

    message = Signal(str)

    def __init__(
        self,
        project: Project,
        controller: WorkspaceController,
        operations: CodingOperations,
        panel: CodingPanel,
        settings: AppSettings,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.controller = controller
        self.operations = operations
        self.panel = panel
        self.settings = settings
        self.key = accept_key(project.codebook.shortcuts)
        self.problem: str | None = None  # why there are no suggestions, for the status bar
        try:
            self.suggester = Suggester.for_codebook(project.codebook)
            self.allowed = self.suggester is not None and suggestions_for_coders(project)
        except AnnotatorError as error:  # a codebook's own rules that do not fit: say so once
            self.suggester, self.allowed = None, False
            self.problem = f"No suggestions: {error}"
        self.by_unit: dict[int, UnitSuggestion] = {}
        controller.article_opened.connect(self._article_opened)
        controller.reader.selectionModel().currentChanged.connect(self._current_changed)

    @property
    def active(self) -> bool:
        """Shown now: allowed for the project and wanted by this coder."""
        return self.allowed and self.settings.suggestions_shown()

    def set_shown(self, on: bool) -> None:
        self.settings.set_suggestions_shown(on)
        self._reload()

    def set_every_unit(self, on: bool) -> None:
        self.settings.set_cues_in_every_unit(on)
        self.refresh()

    def current(self) -> UnitSuggestion | None:
        """The suggestion for the current unit, if one is shown."""
        row = self.controller.current_row()
        if not self.active or row is None or not self.controller.units.needs_coding(row):
            return None
        return self.by_unit.get(self.controller.units.unit(row).id)

    def accept(self) -> bool:
        """Code the current unit as suggested (one undoable action); the suggester's own
        confidence is not the coder's, so the confidence field is left to the coder."""
        suggestion = self.current()
        article_id = self.controller.article_id
        if suggestion is None or article_id is None or self.suggester is None:
            return False
        unit_id = self.controller.current_unit_id()
        exclude = [self.suggester.confidence_field] if self.suggester.confidence_field else []
        codes = suggestion.codes_to_apply(exclude=exclude)
        stored = self.controller.units.codes(unit_id)
        if all(stored.get(field) == code for field, code in codes.items()):
            return True
        return self.operations.code(
            article_id, unit_id, codes, "Accept the suggestion", origin=ORIGIN
        )

    # -- showing -----------------------------------------------------------------------

    def _article_opened(self, _article_id: int) -> None:
        self._reload()

    def _reload(self) -> None:
        self.by_unit = {}
        article_id = self.controller.article_id
        if self.active and article_id is not None and self.suggester is not None:
            try:
                self.by_unit = article_unit_suggestions(self.project, self.suggester, article_id)
            except AnnotatorError as error:
                self.message.emit(f"Suggestions could not be read: {error}")
        self.refresh()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Highlights for the current unit (or every unit) and the panel's line."""
        delegate = self.controller.reader.unit_delegate
        delegate.highlights = {}
        units = self.controller.units
        current = self.controller.current_row()
        if self.active:
            every = self.settings.cues_in_every_unit()
            rows = range(units.rowCount()) if every else [] if current is None else [current]
            for row in rows:
                suggestion = self.by_unit.get(units.unit(row).id)
                if suggestion is not None and units.needs_coding(row):
                    delegate.highlights[row] = highlight_ranges(suggestion)
        self.controller.reader.viewport().update()
        self.panel.show_suggestion(self._describe(self.current()))

    def _describe(self, suggestion: UnitSuggestion | None) -> str | None:
        if suggestion is None or self.suggester is None:
            return None
        codebook = self.project.codebook
        shown = [
            codebook.field(key).category(value.code).label.lower()
            for key, value in suggestion.codes.items()
            if key != self.suggester.confidence_field
        ]
        attribution = suggestion.codes.get(self.suggester.rules.attribution.field)
        if attribution is None:
            return None
        return (
            f"Suggested: {', '.join(shown)}, because {attribution.reason} "
            f"(confidence {attribution.confidence:.0%}; press {self.key} to accept)"
        )


def highlight_ranges(suggestion: UnitSuggestion) -> list[tuple[int, int, str]]:
    """(start, end, kind) ranges of the unit's own text: its cues and their sources."""
    ranges = []
    length = suggestion.end - suggestion.start
    for cue in suggestion.cues:
        for span, kind in ((cue.source, "source"), (cue.cue, "cue")):
            if span is None:
                continue
            start, end = span.start - suggestion.start, span.end - suggestion.start
            if 0 <= start < end <= length:
                ranges.append((start, end, kind))
    return ranges
