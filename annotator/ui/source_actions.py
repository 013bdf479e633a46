"""What the source keys and the sources panel do: each action one undoable command.

The coder's source list of the open article (coding/source_lists.py) is kept here, with
the machine's proposal for it and where each unit lies in the article. Every change is a
`SourceCommand` on the window's undo stack: it calls the one write path of sources
(`sources_service.edit`, one transaction with history) and, undone, `sources_service.undo`
(refused when the list changed meanwhile); the status bar says what happened only after
the commit ("Linked sentence 4 to 'Ilse Brandt'"), a refusal says why and changes nothing.

The keys act on the current unit (never on the article's own unit): link it to the
source proposed for it (taking that proposal into the coder's list first), to the source
linked last, or to a new source made from the selected words or the unit's source span;
mark the selected words as the unit's cue or source span, or as a mention. The keys are
single characters chosen, like the article key, among ones the codebook leaves free.

The proposal is the suggester's stored list of the article when there is one, else the
cue finder's proposal computed off the GUI thread (ui.tasks); it shows only where
suggestions show (the supervisor's switch for blind studies, the coder's View menu).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service
from annotator.core.coding.source_lists import Mention, SourceList, UnitSpan
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.documents import one_line
from annotator.core.store.models import Article, Origin
from annotator.core.store.project import Project
from annotator.core.store.roles import SUGGESTER
from annotator.core.suggest.source_proposals import propose, take_proposed
from annotator.ui.operations import commit_and_announce
from annotator.ui.tasks import TaskOutcome, TaskRunner

# Each routed key: the first of its candidates that the codebook's shortcuts and the
# window's own keys leave free (as keyboard.article_key chooses the article key).
KEY_CANDIDATES = {
    "proposed": ("P", "+"),
    "previous": ("L", "<"),
    "new": ("S", "$"),
    "mention": ("M", "&"),
    "cue": ("C", "("),
    "source_span": ("O", ")"),
    "unlink": ("X", "|"),
}
RENAME_KEY = "Ctrl+Shift+E"
MERGE_KEY = "Ctrl+Shift+G"
SPLIT_KEY = "Ctrl+Shift+K"
REMOVE_KEY = "Ctrl+Shift+X"
ACCEPT_KEY = "Ctrl+Shift+A"
RESET_SPANS_KEY = "Ctrl+Shift+H"
PANEL_KEY = "Ctrl+Shift+O"
WORDS_KEY = "Ctrl+Shift+U"


def source_keys(taken: Collection[str]) -> dict[str, str]:
    """Action name -> its key, for each action with a candidate left free."""
    chosen: dict[str, str] = {}
    for name, candidates in KEY_CANDIDATES.items():
        free = [k for k in candidates if k not in taken and k not in chosen.values()]
        if free:
            chosen[name] = free[0]
    return chosen


@dataclass(frozen=True)
class Selected:
    """Words the coder selected in the current unit: article offsets and the text."""

    start: int
    end: int
    text: str


Change = Callable[[SourceList, sources_service.ArticleUnits], object]


class SourceActions(QObject):
    """The open article's source list of this coder, and the actions that change it."""

    shown = Signal()  # the list, the proposal or the current unit changed: redraw
    message = Signal(str)  # what happened, or why nothing did

    def __init__(self, window, project: Project, coder: str) -> None:
        super().__init__(window)
        self.window = window
        self.project = project
        self.coder = coder
        self.controller = window.controller
        self.operations = window.operations
        self.suggestions = window.suggestions
        self.article_id: int | None = None
        self.mine = SourceList()
        self.proposal = SourceList()
        self.spans: dict[int, UnitSpan] = {}
        self.previous: str | None = None  # the source the coder linked last
        self.selected_uids: Callable[[], list[str]] = list  # the panel's selected sources
        self.selection: Callable[[], Selected | None] = lambda: None  # the selected words
        self.forget_selection: Callable[[], None] = lambda: None
        self.runner = TaskRunner(project.path, self)
        self._request = 0
        self._wanted: tuple[int, int] | None = None  # (request, article) still to compute
        self._finished = False
        self.controller.article_opened.connect(self.open_article)
        self.controller.reader.selectionModel().currentChanged.connect(lambda *_: self.shown.emit())
        self.controller.target_changed.connect(self.shown.emit)
        self.suggestions.ready.connect(lambda _id: self._follow_suggestions())
        self._asked_for: int | None = None  # the article whose proposal is shown or coming

    # -- reading (when an article opens, never on a key) ---------------------------------

    def open_article(self, article_id: int) -> None:
        self.article_id, self.previous = article_id, None
        self.proposal = SourceList()
        try:
            self.mine = sources_service.read_list(self.project, article_id, self.coder)
            self.spans = sources_service.article_units(self.project, article_id).units
        except AnnotatorError as error:
            self.mine, self.spans = SourceList(), {}
            self.message.emit(f"The sources could not be read: {error}")
        self.shown.emit()
        self._propose()

    def _wants_proposal(self) -> bool:
        return self.suggestions.active and not self.suggestions.refusal

    def _follow_suggestions(self) -> None:
        """Suggestions were read again (turned on or off, another article): ask for the
        proposal only if what shows is no longer what suggestions allow."""
        shown = self.article_id is not None and self._asked_for == self.article_id
        if self._wants_proposal() != shown:
            self._propose()

    def _propose(self) -> None:
        """Ask for the open article's proposal off the GUI thread (where suggestions show)."""
        self._request += 1
        article = self.article_id
        wanted = article is not None and self._wants_proposal()
        self._wanted = (self._request, article) if wanted and article is not None else None
        self._asked_for = article if wanted else None
        if not wanted and self.proposal.sources:
            self.proposal = SourceList()
            self.shown.emit()
        self._start()

    def _start(self) -> None:
        if self._wanted is None or self.runner.busy or self._finished:
            return
        request, article_id = self._wanted
        self.runner.start(
            lambda project, _progress: proposal_of(project, article_id),
            "Proposing sources…",
            lambda outcome: self._proposed(request, outcome),
            dialog=False,
        )

    def _proposed(self, request: int, outcome: TaskOutcome) -> None:
        if self._finished:
            return
        if self._wanted is None or self._wanted[0] != request:
            self._start()  # stale: the latest request runs now
            return
        self._wanted = None
        if isinstance(outcome.result, SourceList):
            self.proposal = outcome.result
            self.shown.emit()

    def finish(self) -> None:
        self._finished = True
        self.runner.wait()

    # -- what the panel shows ------------------------------------------------------------

    def unit_id(self) -> int | None:
        """The current unit, while the keys code units (not the article's own fields)."""
        return None if self.controller.on_article else self.controller.current_unit_id()

    def open_proposals(self) -> list[lists.SourceEntry]:
        """Proposed sources the coder has not taken into her list yet."""
        return [s for s in self.proposal.sources if self._mine_for(s) is None]

    def _mine_for(self, proposed: lists.SourceEntry) -> str | None:
        """The coder's source that is this proposed one: sharing a mention, or its label."""
        label = proposed.label.casefold()
        for source in self.mine.sources:
            if source.mentions & proposed.mentions or source.label.casefold() == label:
                return source.uid
        return None

    def source_span(self, unit_id: int) -> tuple[int, int] | None:
        """The unit's source span: the coder's correction, else the proposal's mention."""
        own = self.mine.spans.get((unit_id, "source"))
        if own is not None:
            return own
        for uid in self.proposal.links.get(unit_id, []):
            here = [m for m in self.proposal.source(uid).mentions if m.unit_id == unit_id]
            if here:
                first = min(here)
                return first.start, first.end
        return None

    # -- the actions ---------------------------------------------------------------------

    def _unit(self) -> int | None:
        unit = self.unit_id()
        if unit is None or self.article_id is None:
            self.message.emit(
                "Not changed: sources link sentences; go to one first"
                + (" (Shift+A goes back to the units)." if self.controller.on_article else ".")
            )
            return None
        return unit

    def _unit_name(self, unit_id: int) -> str:
        row = self.controller.units.row_of(unit_id)
        unit = self.controller.units.unit(row) if row is not None else None
        return f"{unit.kind} {unit.idx}" if unit is not None else "the unit"

    def link_proposed(self) -> bool:
        """Link the current unit to its proposed source, taking that proposal in first."""
        unit = self._unit()
        if unit is None:
            return False
        proposed = self.proposal.links.get(unit, [])
        if not proposed:
            self.message.emit(self._no_proposal())
            return False
        entry = self.proposal.source(proposed[0])
        have = self._mine_for(entry)
        proposal = self.proposal

        def change(mine: SourceList, _units) -> str:
            uid = have if have is not None else take_proposed(mine, proposal, [entry.uid])[0]
            _link_once(mine, unit, uid)
            return uid

        verb = "Linked" if have is not None else "Accepted the proposal and linked"
        return self._push(change, f"{verb} {self._unit_name(unit)} to {said(entry.label)}")

    def _no_proposal(self) -> str:
        if not self.suggestions.active:
            return "No proposed sources: suggestions are off (View menu, or the supervisor's)."
        if self._wanted is not None:
            return "The proposed sources are still being worked out; try again in a moment."
        return "Nothing proposed for this sentence: S makes a new source, L links the last one."

    def link_previous(self) -> bool:
        unit = self._unit()
        if unit is None:
            return False
        uid = self._previous_for(unit)
        if uid is None:
            self.message.emit("No source linked yet in this article: P or S first.")
            return False
        label = self.mine.source(uid).label
        return self._push(
            lambda mine, _units: _link_once(mine, unit, uid) or uid,
            f"Linked {self._unit_name(unit)} to {said(label)}",
        )

    def _previous_for(self, unit: int) -> str | None:
        """The source linked last in this window, else the claim's source of the nearest
        unit before this one that has one."""
        uids = {s.uid for s in self.mine.sources}
        if self.previous in uids:
            return self.previous
        rows = self.controller.units.row_of
        here = rows(unit)
        earlier = [
            (row, u)
            for u in self.mine.links
            if (row := rows(u)) is not None and here is not None and row < here
        ]
        return self.mine.links[max(earlier)[1]][0] if earlier else None

    def new_source(self) -> bool:
        """A new source named by the selected words (else the unit's source span), linked."""
        unit = self._unit()
        if unit is None:
            return False
        words = self.selection()
        span = (words.start, words.end) if words is not None else self.source_span(unit)
        if span is None:
            self.message.emit(
                "Not changed: select the source's words in the sentence first (Ctrl+Shift+U)."
            )
            return False
        label = words.text if words is not None else self._text(unit, span)

        def change(mine: SourceList, units) -> str:
            uid = lists.add_source(mine, label)
            lists.add_mention(mine, uid, Mention(unit, *span), units.unit(unit))
            _link_once(mine, unit, uid)
            return uid

        return self._push(change, f"New source {said(label)} for {self._unit_name(unit)}")

    def _text(self, unit: int, span: tuple[int, int]) -> str:
        row = self.controller.units.row_of(unit)
        start = self.spans[unit].start
        text = self.controller.units.unit(row).text if row is not None else ""
        return text[span[0] - start : span[1] - start]

    def add_mention(self) -> bool:
        unit, words = self._unit(), self._words()
        if unit is None or words is None:
            return False
        uid = self._chosen(unit)
        if uid is None:
            return False
        label = self.mine.source(uid).label
        return self._push(
            lambda mine, units: lists.add_mention(
                mine, uid, Mention(unit, words.start, words.end), units.unit(unit)
            ),
            f"Added {said(words.text)} as a mention of {said(label)}",
        )

    def mark_span(self, kind: str) -> bool:
        """The selected words become the current unit's cue or source span."""
        unit, words = self._unit(), self._words()
        if unit is None or words is None:
            return False
        return self._push(
            lambda mine, units: lists.correct_span(
                mine, units.unit(unit), kind, (words.start, words.end)
            ),
            f"Marked {said(words.text)} as the {kind} of {self._unit_name(unit)}",
        )

    def reset_spans(self) -> bool:
        unit = self._unit()
        if unit is None:
            return False

        def change(mine: SourceList, units) -> None:
            for kind in lists.SPAN_KINDS:
                lists.correct_span(mine, units.unit(unit), kind, None)

        return self._push(change, f"The machine's spans again for {self._unit_name(unit)}")

    def unlink(self) -> bool:
        unit = self._unit()
        if unit is None:
            return False
        linked = self.mine.links.get(unit, [])
        chosen = [uid for uid in self.selected_uids() if uid in linked]
        uid = chosen[0] if chosen else linked[0] if len(linked) == 1 else None
        if uid is None:
            self.message.emit(
                "Not changed: this sentence is linked to no source."
                if not linked
                else "Not changed: select which of its sources in the sources panel."
            )
            return False
        label = self.mine.source(uid).label
        return self._push(
            lambda mine, _units: lists.unlink(mine, unit, uid),
            f"Unlinked {self._unit_name(unit)} from {said(label)}",
        )

    def accept_selected(self) -> bool:
        """Take the proposed sources selected in the panel into the coder's list."""
        chosen = [u for u in self.selected_uids() if u in {s.uid for s in self.open_proposals()}]
        if not chosen:
            self.message.emit("Not changed: select a proposed source in the sources panel.")
            return False
        proposal = self.proposal
        labels = ", ".join(said(proposal.source(u).label) for u in chosen)
        return self._push(
            lambda mine, _units: (take_proposed(mine, proposal, chosen) or [None])[-1],
            f"Accepted the proposed source {labels}",
        )

    def rename(self, uid: str, label: str) -> bool:
        old = self.mine.source(uid).label
        return self._push(
            lambda mine, _units: lists.rename(mine, uid, label),
            f"Renamed {said(old)} to {said(label)}",
        )

    def merge(self) -> bool:
        """The panel's two selected sources become one: the upper keeps its label."""
        chosen = self._own_selected()
        if len(chosen) != 2:
            self.message.emit("Not changed: select the two sources to merge in the panel.")
            return False
        keep, other = chosen
        labels = self.mine.source(keep).label, self.mine.source(other).label
        book = self.project.codebook
        return self._push(
            lambda mine, _units: lists.merge(mine, keep, other, book),
            f"Merged {said(labels[1])} into {said(labels[0])}",
        )

    def split(self) -> bool:
        """The current unit's mentions leave the chosen source for a new one."""
        unit = self._unit()
        uid = self._chosen(unit) if unit is not None else None
        if unit is None or uid is None:
            return False
        source = self.mine.source(uid)
        moved = sorted(m for m in source.mentions if m.unit_id == unit)
        if not moved:
            self.message.emit(f"Not changed: {said(source.label)} has no mention in this sentence.")
            return False
        label = self._text(unit, (moved[0].start, moved[0].end)) or source.label
        return self._push(
            lambda mine, _units: lists.split(mine, uid, moved, label),
            f"Split {said(label)} off {said(source.label)}",
        )

    def remove(self) -> bool:
        chosen = self._own_selected()
        if len(chosen) != 1:
            self.message.emit("Not changed: select the one source to remove in the panel.")
            return False
        label = self.mine.source(chosen[0]).label
        return self._push(
            lambda mine, _units: lists.remove_source(mine, chosen[0]),
            f"Removed the source {said(label)}",
        )

    def code(self, uid: str, field: str, value: str | None) -> bool:
        spec = self.project.codebook.field(field)
        label = self.mine.source(uid).label
        shown = spec.category(value).label if value and spec.has_categories else value
        book = self.project.codebook
        return self._push(
            lambda mine, _units: lists.code(mine, uid, book, {field: value}),
            f"{said(label)}: {spec.label}: {shown or 'not coded'}",
        )

    # -- helpers -------------------------------------------------------------------------

    def _words(self) -> Selected | None:
        words = self.selection()
        if words is None:
            self.message.emit(
                "Not changed: select words of the sentence first (Ctrl+Shift+U, then "
                "Shift+arrows, or the mouse)."
            )
        return words

    def _own_selected(self) -> list[str]:
        own = [s.uid for s in self.mine.sources]
        return [uid for uid in self.selected_uids() if uid in own]

    def _chosen(self, unit: int) -> str | None:
        """The source selected in the panel, else the claim's source of the unit."""
        own = self._own_selected()
        if own:
            return own[0]
        linked = self.mine.links.get(unit, [])
        if linked:
            return linked[0]
        self.message.emit("Not changed: select a source in the sources panel first.")
        return None

    def _push(self, change: Change, text: str) -> bool:
        if self.article_id is None:
            return False
        command = SourceCommand(self, self.article_id, change, text)
        self.operations.undo_stack.push(command)
        if command.done is None:
            return False
        self.forget_selection()  # the words did their work: what they became shows now
        return True

    def write(self, write: Callable[[], sources_service.SourceEdit]):
        """One write through the core; None (and `failed` said why) when refused."""
        box: list[sources_service.SourceEdit] = []

        def run() -> list:
            box.append(write())
            return []

        return box[0] if commit_and_announce(self.operations, run) is not None else None

    def show_edit(self, done: sources_service.SourceEdit, result: object = None) -> None:
        """The list as committed: shown at once if its article is open, else opened."""
        if isinstance(result, str) and result in {s.uid for s in done.after.sources}:
            self.previous = result
        if done.article_id == self.article_id:
            self.mine = done.after
            self.shown.emit()
        else:
            self.controller.open_article(done.article_id)


def said(text: str) -> str:
    """A label or selected words as the status bar quotes them: one line, at most 60."""
    return f"'{one_line(text, 60)}'"


def _link_once(mine: SourceList, unit: int, uid: str) -> None:
    """Link unless linked already (a link in place keeps its place among the unit's)."""
    if uid not in mine.links.get(unit, []):
        lists.link(mine, unit, uid)


def proposal_of(project: Project, article_id: int) -> SourceList:
    """The suggester's stored list of the article, else the cue finder's proposal."""
    stored = sources_service.read_list(project, article_id, SUGGESTER)
    if stored.sources:
        return stored
    units = sorted(
        sources_service.article_units(project, article_id).units.values(), key=lambda u: u.start
    )
    with project.reading() as session:
        article = session.get(Article, article_id)
        text = article.text if article is not None else ""
    return propose(text, [(u.id, u.start, u.end) for u in units])


class SourceCommand(QUndoCommand):
    """One change of the source list on the undo stack: `edit` first, then `undo`/redo
    through the core, each refused (and leaving the stack) when the list changed since."""

    def __init__(self, actions: SourceActions, article_id: int, change: Change, text: str):
        super().__init__(text)
        self.actions = actions
        self.article_id = article_id
        self.change = change
        self.done: sources_service.SourceEdit | None = None
        self.undone: sources_service.SourceEdit | None = None

    def redo(self) -> None:
        actions, project = self.actions, self.actions.project
        if self.done is None:
            box: list[object] = []

            def first() -> sources_service.SourceEdit:
                done, result = sources_service.edit(
                    project, self.article_id, actions.coder, self.change
                )
                box.append(result)
                return done

            done = actions.write(first)
            if done is None or not done.changed:
                self.setObsolete(True)
                if done is not None:
                    actions.message.emit(f"Nothing to change: {self.text()} already.")
                return
            self.done = done
            actions.show_edit(done, box[0])
            actions.message.emit(f"{self.text()}.")
            return
        undone = self.undone
        assert undone is not None
        redone = actions.write(lambda: sources_service.undo(project, undone, origin=Origin.REDO))
        if redone is None:
            self.setObsolete(True)
            return
        self.done = redone
        actions.show_edit(redone)

    def undo(self) -> None:
        done = self.done
        assert done is not None
        undone = self.actions.write(lambda: sources_service.undo(self.actions.project, done))
        if undone is None:
            self.setObsolete(True)
            return
        self.undone = undone
        self.actions.show_edit(undone)
