"""Machine suggestions in the coding window: the cue and source highlighted in the reader,
the suggestion beside the buttons, and one key to accept it.

The suggestions come from the core (`core.suggest`), for the open article. Accepting
is a coding action like any other (one undoable command through `CodingOperations`,
history origin "suggestion"); nothing is ever coded without the coder's key press.
Suggestions show only where the project allows them (the supervisor's project-wide
switch, for blind studies) and the coder has not turned them off (View menu).

They are computed off the GUI thread (`ui.tasks`, a handle of its own on the project):
a long article's take seconds, and the coder can read and code meanwhile. Each request
is numbered; a result that arrives after the coder has moved to another article (or the
units changed, or suggestions were turned off) is dropped, and the latest request runs.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QModelIndex, QObject, Signal

from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Origin
from annotator.core.store.project import Project
from annotator.core.suggest.for_article import article_unit_suggestions
from annotator.core.suggest.languages import suggests_for
from annotator.core.suggest.suggester import Suggester, UnitSuggestion
from annotator.core.suggest.switch import suggestions_for_coders
from annotator.ui.coding_panel import CodingPanel
from annotator.ui.controller import WorkspaceController
from annotator.ui.operations import CodingOperations
from annotator.ui.settings import AppSettings
from annotator.ui.tasks import TaskOutcome, TaskRunner

ORIGIN = Origin.SUGGESTION
ACCEPT_KEYS = ("a", "=")  # the first one the codebook does not use as a shortcut
OFF_FOR_PROJECT = "The supervisor has turned suggestions off for this project."
ENGLISH_ONLY = "Suggestions are for English only; this article is in {language}."


def language_refusal(language: str) -> str | None:
    """Why an article in `language` gets no suggestions (`core.suggest.languages`), or
    None if it gets them."""
    if suggests_for(language):
        return None
    from annotator.ui.article_header import language_name

    return ENGLISH_ONLY.format(language=language_name(language))


def accept_key(shortcuts) -> str:
    return next(key for key in ACCEPT_KEYS if key not in shortcuts)


class WindowSuggestions(QObject):
    """Keeps the open article's suggestions and shows the current unit's."""

    message = Signal(str)
    ready = Signal(int)  # the suggestions for this article are in (or could not be read)

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
        self.refusal: str | None = None  # why the open article gets none (its language)
        self.runner = TaskRunner(project.path, parent)
        self._request = 0  # numbers each reload; only the latest one's result is shown
        self._wanted: tuple[int, int] | None = None  # (request, article id) still to show
        self._finished = False
        controller.article_opened.connect(self._article_opened)
        controller.reader.selectionModel().currentChanged.connect(self._current_changed)
        controller.target_changed.connect(self.refresh)

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
        """The suggestion for the current unit, if one is shown (none while the keys code
        the article: its key would code a unit the panel does not offer)."""
        row = self.controller.current_row()
        if not self.active or row is None or not self.controller.units.needs_coding(row):
            return None
        if self.controller.on_article:
            return None
        return self.by_unit.get(self.controller.units.unit(row).id)

    def accept(self) -> bool:
        """Code the current unit as suggested (one undoable action); the suggester's own
        confidence is not the coder's, so the confidence field is left to the coder."""
        suggestion = self.current()
        article_id = self.controller.article_id
        if suggestion is None or article_id is None or self.suggester is None:
            return False
        if self.suggester.withheld(suggestion):
            return False  # the window said "no suggestion": there is nothing to accept
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

    @property
    def pending(self) -> bool:
        """Suggestions for the open article are still being computed."""
        return self._wanted is not None

    def _reload(self) -> None:
        """Forget the shown suggestions and ask for the open article's, off the GUI thread."""
        self.by_unit = {}
        self._request += 1
        article_id = self.controller.article_id
        summary = self.controller.open_summary()
        self.refusal = language_refusal(summary.language) if summary is not None else None
        wanted = (
            self.active
            and article_id is not None
            and self.suggester is not None
            and self.refusal is None
        )
        self._wanted = (self._request, article_id) if wanted and article_id is not None else None
        self.refresh()
        self._start()

    def _start(self) -> None:
        """Run the wanted request, unless one runs: its end starts the latest then."""
        if self._wanted is None or self.runner.busy or self._finished:
            return
        request, article_id = self._wanted
        suggester = self.suggester

        def job(project: Project, _progress) -> dict[int, UnitSuggestion]:
            assert suggester is not None
            return article_unit_suggestions(project, suggester, article_id)

        self.runner.start(
            job, "Reading suggestions…", partial(self._computed, request), dialog=False
        )

    def _computed(self, request: int, outcome: TaskOutcome) -> None:
        if self._finished:
            return
        if self._wanted is None or self._wanted[0] != request:  # stale: dropped
            self._start()
            return
        article_id = self._wanted[1]
        self._wanted = None
        if outcome.error is not None:
            self.message.emit(f"Suggestions could not be read: {outcome.error}")
        elif isinstance(outcome.result, dict):
            self.by_unit = outcome.result
        self.refresh()
        self.ready.emit(article_id)

    def finish(self) -> None:
        """The window closes: wait for a running computation; show nothing after."""
        self._finished = True
        self.runner.wait()

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
        if self.active and self.refusal:
            self.panel.show_suggestion(self.refusal)
            return
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
        if self.suggester.withheld(suggestion):
            return (
                f"No suggestion: the suggester is not sure enough (confidence "
                f"{attribution.confidence:.0%}, below {self.suggester.threshold:.0%})"
            )
        return (
            f"Suggested: {', '.join(shown)}, because {attribution.reason} "
            f"(confidence {attribution.confidence:.0%}; press {self.key} to accept)"
        )


def highlight_ranges(suggestion: UnitSuggestion) -> list[tuple[int, int, str]]:
    """(start, end, kind) ranges of the unit's own text: the cue the suggestion rests on
    and its source (every cue only when it rests on none), never overlapping.

    A sentence with nested attributions ("The mayor said the council chair told…") has
    cues whose spans overlap; drawn together, a later range repainted an earlier one and
    the source colour landed on the cue word. Cues are placed first, then sources where
    they overlap nothing placed.
    """
    cues = (suggestion.cue,) if suggestion.cue is not None else suggestion.cues
    length = suggestion.end - suggestion.start
    wanted = [(c.cue, "cue") for c in cues] + [(c.source, "source") for c in cues]
    ranges: list[tuple[int, int, str]] = []
    for span, kind in wanted:
        if span is None:
            continue
        start, end = span.start - suggestion.start, span.end - suggestion.start
        if 0 <= start < end <= length and all(end <= s or e <= start for s, e, _ in ranges):
            ranges.append((start, end, kind))
    return sorted(ranges)
