"""A coder's source list of one article, as plain data, and the edits made to it.

A source is an entity an article cites ("Lena Okafor", "a senior official in the
Foreign Ministry"): a label, its mentions (character spans of the article, each inside
one unit), and its codes of the codebook's source fields. A unit's claim rests on zero,
one or several sources, in order: the claim's own source first (`links`). A coder may
also correct the machine's cue and source span of a unit (`spans`).

Every edit here is a pure function from one `SourceList` to the next; the write path
(sources_service.py) reads the stored list, applies an edit, checks the result and
writes the difference with history, so an undo is simply the list as it was before.
Errors are one line (CodingError) naming what is wrong.
"""

from __future__ import annotations

import copy
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotator.core import field_values
from annotator.core.codebook import Codebook, Scope
from annotator.core.errors import CodebookError, CodingError

MAX_LABEL = 300
SPAN_KINDS = ("cue", "source")


@dataclass(frozen=True, order=True)
class Mention:
    """Where a source is mentioned: article offsets [start, end) inside unit `unit_id`."""

    unit_id: int
    start: int
    end: int


@dataclass
class SourceEntry:
    """One source: `uid` names it for good (history, files); the label may change."""

    uid: str
    label: str
    mentions: set[Mention] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)

    def first_mention(self) -> Mention | None:
        return min(self.mentions, key=lambda m: (m.start, m.end), default=None)


@dataclass
class SourceList:
    """A coder's sources of one article, the units linked to them, her span corrections."""

    sources: list[SourceEntry] = field(default_factory=list)
    links: dict[int, list[str]] = field(default_factory=dict)  # unit id -> uids, claim's first
    spans: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)

    def source(self, uid: str) -> SourceEntry:
        found = next((s for s in self.sources if s.uid == uid), None)
        if found is None:
            raise CodingError(f"no source {uid!r} in this list")
        return found

    def by_label_or_uid(self, name: str) -> SourceEntry:
        """The source with this uid, or else the one with this label (any case)."""
        exact = next((s for s in self.sources if s.uid == name), None)
        if exact is not None:
            return exact
        labelled = [s for s in self.sources if s.label.casefold() == name.strip().casefold()]
        if len(labelled) == 1:
            return labelled[0]
        if labelled:
            raise CodingError(f"{name!r}: several sources have that label; give its id")
        raise CodingError(f"no source {name!r} (give its id or its label)")

    def linked_units(self, uid: str) -> list[int]:
        return sorted(unit for unit, uids in self.links.items() if uid in uids)

    def copy(self) -> SourceList:
        return copy.deepcopy(self)


@dataclass(frozen=True)
class UnitSpan:
    """A unit as the checks of an edit need it."""

    id: int
    start: int
    end: int


def new_uid() -> str:
    """A fresh source id: 12 hex digits, unique for practical purposes."""
    return secrets.token_hex(6)


def checked_label(label: str) -> str:
    """A label stripped, 1 to MAX_LABEL characters, no control or invisible characters."""
    label = " ".join(label.split())
    if not label:
        raise CodingError("a source needs a label")
    if len(label) > MAX_LABEL:
        raise CodingError(f"a source label is at most {MAX_LABEL} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in label):
        raise CodingError("a source label may not hold control or invisible characters")
    return label


def add_source(
    sources: SourceList, label: str, mentions: Iterable[Mention] = (), uid: str | None = None
) -> str:
    """A new source at the end of the list; returns its uid."""
    uid = uid or new_uid()
    sources.sources.append(SourceEntry(uid, checked_label(label), set(mentions)))
    return uid


def rename(sources: SourceList, uid: str, label: str) -> None:
    sources.source(uid).label = checked_label(label)


def remove_source(sources: SourceList, uid: str) -> None:
    """The source goes, with its mentions, codes and links."""
    sources.sources.remove(sources.source(uid))
    for unit in list(sources.links):
        unlink(sources, unit, uid, missing_ok=True)


def merge(sources: SourceList, keep: str, other: str, codebook: Codebook) -> None:
    """`other` folds into `keep`: its mentions and links move (a unit linked to both keeps
    the earlier place), its codes fill the fields `keep` has not coded."""
    if keep == other:
        raise CodingError("a source cannot be merged with itself")
    kept, gone = sources.source(keep), sources.source(other)
    kept.mentions |= gone.mentions
    kept.codes = _applicable(codebook, gone.codes | kept.codes)
    for uids in sources.links.values():
        if other in uids:
            position = uids.index(other)
            uids.remove(other)
            if keep not in uids:
                uids.insert(position, keep)
    sources.sources.remove(gone)


def split(sources: SourceList, uid: str, moved: Iterable[Mention], label: str) -> str:
    """The mentions `moved` leave `uid` for a new source labelled `label` (uncoded); units
    linked to `uid` that hold only moved mentions follow them. Returns the new uid."""
    source = sources.source(uid)
    moved = set(moved)
    if not moved or not moved <= source.mentions:
        raise CodingError("split: name mentions of the source to move")
    if moved == source.mentions:
        raise CodingError("split: at least one mention must stay with the source")
    new = add_source(sources, label, moved)
    source.mentions -= moved
    kept_units = {m.unit_id for m in source.mentions}
    for unit in {m.unit_id for m in moved} - kept_units:
        uids = sources.links.get(unit, [])
        if uid in uids:
            uids[uids.index(uid)] = new
    return new


def add_mention(sources: SourceList, uid: str, mention: Mention, unit: UnitSpan) -> None:
    _check_span(mention.start, mention.end, unit, "a mention")
    sources.source(uid).mentions.add(mention)


def remove_mention(sources: SourceList, uid: str, mention: Mention) -> None:
    source = sources.source(uid)
    if mention not in source.mentions:
        raise CodingError(
            f"source {source.label!r} has no mention at {mention.start}-{mention.end}"
        )
    source.mentions.discard(mention)


def link(sources: SourceList, unit: int, uid: str, *, first: bool = False) -> None:
    """Link a unit to a source: last of its sources, or first (the claim's own source)."""
    sources.source(uid)
    uids = sources.links.setdefault(unit, [])
    if uid in uids:
        uids.remove(uid)
    uids.insert(0 if first else len(uids), uid)


def unlink(sources: SourceList, unit: int, uid: str, *, missing_ok: bool = False) -> None:
    uids = sources.links.get(unit, [])
    if uid not in uids:
        if missing_ok:
            return
        raise CodingError("that unit is not linked to that source")
    uids.remove(uid)
    if not uids:
        del sources.links[unit]


def correct_span(
    sources: SourceList, unit: UnitSpan, kind: str, span: tuple[int, int] | None
) -> None:
    """The coder's own cue or source span of a unit (None: back to the machine's)."""
    if kind not in SPAN_KINDS:
        raise CodingError(f"span kind is {' or '.join(SPAN_KINDS)}, not {kind!r}")
    if span is None:
        sources.spans.pop((unit.id, kind), None)
        return
    _check_span(span[0], span[1], unit, f"a {kind} span")
    sources.spans[(unit.id, kind)] = span


def code(
    sources: SourceList, uid: str, codebook: Codebook, codes: Mapping[str, str | None]
) -> None:
    """Set (a value) or clear (None) source fields; each value is read as a person types
    it (field_values.parse). A field whose condition does not hold is refused; fields
    the change switches off are cleared."""
    source = sources.source(uid)
    result = dict(source.codes)
    for key, text in codes.items():
        book_field = codebook.field(key)
        if book_field.scope is not Scope.SOURCE:
            raise CodingError(f"field {key!r} is not a source field")
        if text is None:
            result.pop(key, None)
            continue
        try:
            result[key] = field_values.parse(book_field, text)
        except CodebookError as error:
            raise CodingError(str(error)) from None
    asked = codebook.applicable(Scope.SOURCE, result)
    refused = [key for key, text in codes.items() if text is not None and key not in asked]
    if refused:
        raise CodingError(f"field {refused[0]!r} is not asked of this source (its condition)")
    source.codes = _applicable(codebook, result)


def _applicable(codebook: Codebook, codes: dict[str, str]) -> dict[str, str]:
    asked = codebook.applicable(Scope.SOURCE, codes)
    return {key: value for key, value in codes.items() if key in asked}


def _check_span(start: int, end: int, unit: UnitSpan, what: str) -> None:
    if not unit.start <= start < end <= unit.end:
        raise CodingError(
            f"{what} must lie inside its unit ({unit.start}-{unit.end}), not {start}-{end}"
        )
