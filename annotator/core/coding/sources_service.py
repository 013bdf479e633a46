"""The one write path of sources: a coder's source list of an article, changed whole.

Every change (create, rename, merge, split, remove a source; add or remove a mention;
link or unlink a unit; correct a cue or source span; code a source field) is an edit of
source_lists.py applied to the stored list inside one write transaction: the list is
read, edited, checked, and the difference written with a History row for each thing
that changed, all or nothing. The result is a `SourceEdit` holding the list before and
after; `undo(project, edit)` writes the list before back (and returns the edit that
redoes it), refusing when someone changed the list meanwhile.

History targets start with `#source` (models.SOURCE_TARGET), which no field key can be:

- `#source:UID` on the article (start = end = 0): `label=...` created, renamed, removed
  (old/new), and `FIELD=VALUE` for a source field's code;
- `#source:UID` on a mention's own span: `mention` added (new) or removed (old);
- `#source:UID` on a unit's span: `link=N` (N its place among the unit's sources, 0 the
  claim's own source);
- `#span:cue` / `#span:source` on a unit's span: `START-END` of the coder's correction.

The suggester's proposals are written here too (as the suggester, `reserved`), and a
coder's accepting them copies them into her own list by the same path.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from annotator.core.codebook import ARTICLE_KIND
from annotator.core.coding.service import CodeWriter, history_row
from annotator.core.coding.source_lists import Mention, SourceEntry, SourceList, UnitSpan
from annotator.core.errors import CodingError
from annotator.core.store.models import (
    SOURCE_TARGET,
    Article,
    Coder,
    History,
    Origin,
    Source,
    SourceCode,
    SourceLink,
    SourceMention,
    SpanCorrection,
    Unit,
    saved_id,
)
from annotator.core.store.project import Project

SPAN_TARGET = "#span"


@dataclass(frozen=True)
class SourceEdit:
    """One committed change of a coder's source list of an article: undo writes `before`."""

    article_id: int
    coder: str
    before: SourceList
    after: SourceList

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class ArticleUnits:
    """What an edit may name: the article's text units by id (the article unit is none)."""

    article_id: int
    sha256: str
    units: dict[int, UnitSpan]

    def unit(self, unit_id: int) -> UnitSpan:
        found = self.units.get(unit_id)
        if found is None:
            raise CodingError(f"unit {unit_id} is not a text unit of this article")
        return found

    def unit_at(self, start: int, end: int) -> UnitSpan:
        """The unit holding the span [start, end)."""
        found = next((u for u in self.units.values() if u.start <= start < end <= u.end), None)
        if found is None:
            raise CodingError(f"no unit of the article holds {start}-{end}")
        return found


Edit = Callable[[SourceList, ArticleUnits], object]


def read_list(project: Project, article_id: int, coder: str) -> SourceList:
    """A coder's stored source list of an article (empty when she has none)."""
    with project.reading() as session:
        coder_id = session.exec(select(Coder.id).where(Coder.name == coder)).first()
        return _stored(session, article_id, coder_id) if coder_id is not None else SourceList()


def article_units(project: Project, article_id: int) -> ArticleUnits:
    with project.reading() as session:
        return _article_units(session, article_id)


def edit(
    project: Project,
    article_id: int,
    coder: str,
    change: Edit,
    *,
    origin: str = Origin.MANUAL,
    reserved: str | None = None,
) -> tuple[SourceEdit, object]:
    """Apply `change(list, units)` to the coder's list in one transaction; returns the
    edit and whatever `change` returned (a new source's uid, for one)."""
    with _writer(project, origin, reserved) as writer:
        name, coder_id = writer.coder_id(coder)
        units = _article_units(writer.session, article_id)
        before = _stored(writer.session, article_id, coder_id)
        after = before.copy()
        result = change(after, units)
        _write(writer, units, name, coder_id, before, after)
    return SourceEdit(article_id, name, before, after), result


def replace_list(
    project: Project,
    article_id: int,
    coder: str,
    wanted: SourceList,
    *,
    expect: SourceList | None = None,
    origin: str = Origin.MANUAL,
    reserved: str | None = None,
) -> SourceEdit:
    """Make the coder's list `wanted`; with `expect`, only if it is still that (an undo)."""
    with _writer(project, origin, reserved) as writer:
        name, coder_id = writer.coder_id(coder)
        units = _article_units(writer.session, article_id)
        before = _stored(writer.session, article_id, coder_id)
        if expect is not None and before != expect:
            raise CodingError("the source list changed since; undo refused")
        for unit_id, _ in wanted.spans:
            units.unit(unit_id)
        _write(writer, units, name, coder_id, before, wanted.copy())
    return SourceEdit(article_id, name, before, wanted)


def undo(project: Project, done: SourceEdit, *, origin: str = Origin.UNDO) -> SourceEdit:
    """Write back the list before `done`; returns the edit that redoes it."""
    return replace_list(
        project, done.article_id, done.coder, done.before, expect=done.after, origin=origin
    )


def recode_in(
    writer: CodeWriter, article_id: int, coder: str, recode: Callable[[SourceEntry], None]
) -> None:
    """Inside the caller's write transaction (a codebook update moving every coder's
    codes at once), let `recode` change each source's codes of the coder's list of the
    article in place, and write the difference with history."""
    name, coder_id = writer.coder_id(coder)
    units = _article_units(writer.session, article_id)
    before = _stored(writer.session, article_id, coder_id)
    after = before.copy()
    for source in after.sources:
        recode(source)
    _write(writer, units, name, coder_id, before, after)


# -- internals -------------------------------------------------------------------------


@contextmanager
def _writer(project: Project, origin: str, reserved: str | None) -> Iterator[CodeWriter]:
    try:
        with project.writing() as session:
            yield CodeWriter(session, project, origin=origin, reserved=reserved)
    except BaseException:
        project.forget_cached_ids()
        raise


def _article_units(session: Session, article_id: int) -> ArticleUnits:
    sha = session.exec(select(Article.sha256).where(Article.id == article_id)).first()
    if sha is None:
        raise CodingError(f"no article with id {article_id}")
    rows = session.exec(
        select(Unit.id, Unit.start, Unit.end).where(
            Unit.article_id == article_id, Unit.kind != ARTICLE_KIND
        )
    ).all()
    return ArticleUnits(
        article_id, sha, {saved_id(i): UnitSpan(saved_id(i), s, e) for i, s, e in rows}
    )


def _stored(session: Session, article_id: int, coder_id: int) -> SourceList:
    result = stored_lists(session, [coder_id], article_id).get((article_id, coder_id))
    result = result if result is not None else SourceList()
    result.spans = _spans(session, article_id, coder_id)
    return result


def article_lists(
    session: Session, article_id: int, coder_ids: Collection[int]
) -> dict[int, SourceList]:
    """Coder id -> the source list of one article, with span corrections, for each of
    these coders who listed a source in it; read in the caller's session (exports): one
    query per table for all the coders."""
    found = {
        coder: listed for (_, coder), listed in stored_lists(session, coder_ids, article_id).items()
    }
    for coder, listed in found.items():
        listed.spans = _spans(session, article_id, coder)
    return found


def stored_lists(
    session: Session, coder_ids: Collection[int], article_id: int | None = None
) -> dict[tuple[int, int], SourceList]:
    """(article id, coder id) -> the coder's source list (sources, mentions, codes and
    links; not her span corrections), for these coders, of one article or of all: one
    query per table whatever the number of lists (agreement and review read them all)."""

    def restricted(query):
        query = query.where(col(Source.coder_id).in_(list(coder_ids)))
        return query if article_id is None else query.where(Source.article_id == article_id)

    lists: dict[tuple[int, int], SourceList] = {}
    entries: dict[int, tuple[SourceList, SourceEntry]] = {}
    for row in session.exec(restricted(select(Source)).order_by(col(Source.id))):
        owner = lists.setdefault((row.article_id, row.coder_id), SourceList())
        entries[saved_id(row.id)] = (owner, SourceEntry(row.uid, row.label))
        owner.sources.append(entries[saved_id(row.id)][1])
    if not entries:
        return lists
    joined = col(Source.id) == SourceMention.source_id
    for m in session.exec(restricted(select(SourceMention).join(Source, joined))):
        entries[m.source_id][1].mentions.add(Mention(m.unit_id, m.start, m.end))
    joined = col(Source.id) == SourceCode.source_id
    for c in session.exec(restricted(select(SourceCode).join(Source, joined))):
        entries[c.source_id][1].codes[c.field] = c.code
    joined = col(Source.id) == SourceLink.source_id
    links = restricted(select(SourceLink).join(Source, joined)).order_by(
        col(SourceLink.unit_id), col(SourceLink.position)
    )
    for link in session.exec(links):
        owner, entry = entries[link.source_id]
        owner.links.setdefault(link.unit_id, []).append(entry.uid)
    return lists


def _spans(session: Session, article_id: int, coder_id: int) -> dict:
    rows = session.exec(
        select(SpanCorrection)
        .join(Unit, col(Unit.id) == SpanCorrection.unit_id)
        .where(Unit.article_id == article_id, SpanCorrection.coder_id == coder_id)
    ).all()
    return {(r.unit_id, r.kind): (r.start, r.end) for r in rows}


def _write(
    writer: CodeWriter,
    units: ArticleUnits,
    coder: str,
    coder_id: int,
    before: SourceList,
    after: SourceList,
) -> None:
    """Write `after` over `before`: changed sources' rows are rewritten, history says what
    changed. Everything an edit names is checked here, whatever made the list."""
    _check(after, units, writer)
    session, log = writer.session, _Log(writer, units, coder)
    old = {s.uid: s for s in before.sources}
    new = {s.uid: s for s in after.sources}
    rows = session.exec(
        select(Source.uid, Source.id).where(
            Source.article_id == units.article_id, Source.coder_id == coder_id
        )
    ).all()
    ids = {uid: saved_id(id_) for uid, id_ in rows}
    for uid in old.keys() - new.keys():
        session.execute(delete(Source).where(col(Source.id) == ids.pop(uid)))
    for source in after.sources:
        earlier = old.get(source.uid)
        log.source(earlier, source)
        if earlier is None:
            row = Source(
                article_id=units.article_id, coder_id=coder_id, uid=source.uid, label=source.label
            )
            session.add(row)
            session.flush()
            ids[source.uid] = saved_id(row.id)
        elif earlier.label != source.label:
            stored = session.get(Source, ids[source.uid])
            assert stored is not None
            stored.label = source.label
        _rewrite_children(writer, ids[source.uid], coder_id, earlier, source)
    for uid in old.keys() - new.keys():
        log.source(old[uid], None)
    _rewrite_links(session, units, coder_id, ids, before, after, log)
    _rewrite_spans(session, units, coder_id, before, after, log)


def _check(after: SourceList, units: ArticleUnits, writer: CodeWriter) -> None:
    uids = [s.uid for s in after.sources]
    if len(set(uids)) != len(uids):
        raise CodingError("two sources share an id")
    for source in after.sources:
        for mention in source.mentions:
            unit = units.unit(mention.unit_id)
            if not unit.start <= mention.start < mention.end <= unit.end:
                raise CodingError(f"a mention of {source.label!r} lies outside its unit")
        for key in source.codes:
            if writer.project.codebook.field(key) not in writer.project.codebook.source_fields:
                raise CodingError(f"field {key!r} is not a source field")
    for unit_id, linked in after.links.items():
        units.unit(unit_id)
        if not set(linked) <= set(uids) or len(set(linked)) != len(linked):
            raise CodingError(f"unit {unit_id} is linked to a source not in the list")


def _rewrite_children(
    writer: CodeWriter,
    source_id: int,
    coder_id: int,
    earlier: SourceEntry | None,
    source: SourceEntry,
) -> None:
    session = writer.session
    if (
        earlier is not None
        and earlier.mentions == source.mentions
        and earlier.codes == source.codes
    ):
        return
    for model in (SourceMention, SourceCode):
        session.execute(delete(model).where(col(model.source_id) == source_id))
    for m in sorted(source.mentions):
        session.add(
            SourceMention(
                source_id=source_id, coder_id=coder_id, unit_id=m.unit_id, start=m.start, end=m.end
            )
        )
    version = writer.project.codebook_version_id
    for key, value in source.codes.items():
        session.add(
            SourceCode(
                source_id=source_id,
                coder_id=coder_id,
                field=key,
                code=value,
                codebook_version_id=version,
                coded_at=writer.now,
            )
        )
    session.flush()


def _rewrite_links(session, units, coder_id, ids, before, after, log) -> None:
    if before.links == after.links:
        return
    for unit_id in before.links.keys() | after.links.keys():
        if before.links.get(unit_id) == after.links.get(unit_id):
            continue
        session.execute(
            delete(SourceLink).where(
                col(SourceLink.unit_id) == unit_id, col(SourceLink.coder_id) == coder_id
            )
        )
        for position, uid in enumerate(after.links.get(unit_id, [])):
            session.add(
                SourceLink(
                    source_id=ids[uid], coder_id=coder_id, unit_id=unit_id, position=position
                )
            )
        log.links(unit_id, before.links.get(unit_id, []), after.links.get(unit_id, []))
    session.flush()


def _rewrite_spans(session, units, coder_id, before, after, log) -> None:
    for key in before.spans.keys() | after.spans.keys():
        old, new = before.spans.get(key), after.spans.get(key)
        if old == new:
            continue
        unit_id, kind = key
        session.execute(
            delete(SpanCorrection).where(
                col(SpanCorrection.unit_id) == unit_id,
                col(SpanCorrection.coder_id) == coder_id,
                col(SpanCorrection.kind) == kind,
            )
        )
        if new is not None:
            session.add(
                SpanCorrection(
                    unit_id=unit_id, coder_id=coder_id, kind=kind, start=new[0], end=new[1]
                )
            )
        log.span(unit_id, kind, old, new)
    session.flush()


class _Log:
    """The history rows of one edit (see the module docstring for their targets)."""

    def __init__(self, writer: CodeWriter, units: ArticleUnits, coder: str) -> None:
        self.writer, self.units, self.coder = writer, units, coder

    def _add(self, start: int, end: int, target: str, old: str | None, new: str | None) -> None:
        self.writer.session.add(
            history_row(
                self.units.sha256,
                _At(start, end),
                self.coder,
                target,
                old,
                new,
                self.writer.project.codebook_version_id,
                self.writer.origin,
                self.writer.now,
            )
        )

    def source(self, old: SourceEntry | None, new: SourceEntry | None) -> None:
        entry = new or old
        assert entry is not None
        target = f"{SOURCE_TARGET}:{entry.uid}"
        label = lambda s: None if s is None else f"label={s.label}"  # noqa: E731
        if label(old) != label(new):
            self._add(0, 0, target, label(old), label(new))
        old_codes = old.codes if old else {}
        new_codes = new.codes if new else {}
        for key in dict.fromkeys([*old_codes, *new_codes]):
            was, now = old_codes.get(key), new_codes.get(key)
            if was != now:
                self._add(
                    0,
                    0,
                    target,
                    None if was is None else f"{key}={was}",
                    None if now is None else f"{key}={now}",
                )
        old_mentions = old.mentions if old else set()
        new_mentions = new.mentions if new else set()
        for m in sorted(old_mentions ^ new_mentions):
            added = m in new_mentions
            self._add(
                m.start, m.end, target, None if added else "mention", "mention" if added else None
            )

    def links(self, unit_id: int, old: list[str], new: list[str]) -> None:
        unit = self.units.units[unit_id]
        for uid in dict.fromkeys([*old, *new]):
            was = f"link={old.index(uid)}" if uid in old else None
            now = f"link={new.index(uid)}" if uid in new else None
            if was != now:
                self._add(unit.start, unit.end, f"{SOURCE_TARGET}:{uid}", was, now)

    def span(self, unit_id: int, kind: str, old, new) -> None:
        unit = self.units.units[unit_id]
        text = lambda span: None if span is None else f"{span[0]}-{span[1]}"  # noqa: E731
        self._add(unit.start, unit.end, f"{SPAN_TARGET}:{kind}", text(old), text(new))


@dataclass(frozen=True)
class _At:
    start: int
    end: int


def source_history(project: Project, article_id: int) -> list[History]:
    """The history rows of an article's sources and span corrections, oldest first."""
    with project.reading() as session:
        sha = session.exec(select(Article.sha256).where(Article.id == article_id)).one()
        return list(
            session.exec(
                select(History)
                .where(
                    History.article_sha256 == sha,
                    col(History.target).startswith(SOURCE_TARGET)
                    | col(History.target).startswith(SPAN_TARGET),
                )
                .order_by(col(History.id))
            ).all()
        )
