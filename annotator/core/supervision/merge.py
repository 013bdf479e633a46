"""Bringing other coders' project files into one project, losing nothing.

Units are matched by their stable identity (article sha256, start, end), never by
database ids or keys, so articles that two coders imported separately line up.
The rules, in the order they are applied:

- Codebooks: the same name is required. Different versions are accepted only if
  every field of the target exists in the source version with the same level,
  each of its category codes exists there with the same outside-scale flag, and
  every code the source actually uses exists in the target's codebook; otherwise
  the merge is refused before anything is written. Merged codes point at the
  target's row of the same codebook version, or at the target's current version.
- Articles missing from the target are added with all their units (a key already
  taken gets a numbered suffix). In an article the target already has, a coded
  unit whose span the target lacks (the article was segmented differently) is a
  conflict: its codes and notes are skipped and listed, never guessed onto
  another unit.
- One coder's code appears once. Where the same coder has different codes in the
  two files, every case is listed; the target keeps its own unless the caller
  accepted the source's changes (`accept_changes`, --accept-changes, the preview's
  checkbox), and then the one coded later wins (on a tie the target's). A source
  history entry that cleared a code later than the target's code removes it, on the
  same terms. The target's consensus is never changed or removed by a merge. Notes
  alike.
- An article's memo goes in where the target's copy has none; a memo the target has
  is kept, and a differing one in the source is listed (`merge_memos`).
- The reserved coders (the consensus, the suggester, the gold, a coder's training
  identity `alice~training`) are merged only from the coder of that name and role,
  into a target whose coder of that name has the same role; a coder name new to the
  target must pass the rules for new names (no control, bidi or zero-width
  characters). Other coders' codes and notes are skipped and listed.
- A source with a supervisor passphrase is read only with it (`unlock`).
- The source's history comes along with its origin, deduplicated on
  (identity, coder, target, old, new, at); where the merge replaced or removed a
  target value it adds a history row of origin "merge" so the trail stays whole.

Each source is merged in one write transaction (all or nothing). A source is read
from a private snapshot, so merging never modifies (or migrates) the source file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, SQLModel, col, select

from annotator.core.coding import service as coding
from annotator.core.coding.coder_names import new_name_problem, printable_name
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.into_project import ArticleKeys
from annotator.core.store.location import (
    Location,
    display_location,
    is_server_url,
    project_location,
    server_url,
)
from annotator.core.store.models import (
    NOTE_TARGET,
    Article,
    Code,
    Coder,
    History,
    Note,
    Origin,
    Unit,
    saved_id,
)
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, Role, reserved_role
from annotator.core.supervision.merge_memos import merge_memos
from annotator.core.supervision.merge_report import (
    KEPT_CONSENSUS,
    KEPT_HELD,
    KEPT_SOURCE,
    KEPT_TARGET,
    CoderMerge,
    Conflict,
    MergeReport,
    Skipped,
)
from annotator.core.supervision.merge_source import (
    CHUNK,
    MergeRefused,
    SourceData,
    SourceRow,
    Unlock,
    check_codebooks,
    read_source,
    rows_where,
)

RESERVED_ROLES = {Role.CONSENSUS, Role.MACHINE, Role.GOLD, Role.TRAINING}

__all__ = [
    "CoderMerge",
    "Conflict",
    "MergeRefused",
    "MergeReport",
    "PlannedMerge",
    "Skipped",
    "dry_run_merges",
    "merge_project",
    "merge_projects",
]

Identity = tuple[str, int, int]  # article sha256, start, end


@dataclass(frozen=True)
class PlannedMerge:
    """A dry run's answer for one source: its report, or why it would be refused."""

    source: str
    report: MergeReport | None
    refused: str | None = None


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that everything in it is rolled back."""


def dry_run_merges(
    target: Project,
    sources: list[str | Path],
    *,
    stop_at_refusal: bool = False,
    unlock: Unlock | None = None,
    accept_changes: bool = False,
) -> list[PlannedMerge]:
    """What merging ``sources`` in turn would do, writing nothing.

    The merge itself runs, every source in one write transaction that is then rolled
    back, so each report counts exactly what the real merge would (a second source
    sees what the first would have added), with no second set of rules to drift from
    the first. Like `merge_project` the sources are read before the transaction opens;
    it holds the target's write lock only while the merges run. A refused source is
    listed with its reason; with ``stop_at_refusal`` (the window stops there) the
    sources after it are left out.
    """
    planned: list[PlannedMerge] = []
    prepared: list[PreparedMerge] = []
    for source in sources:
        try:
            ready = prepare_merge(target, source, unlock, accept_changes=accept_changes)
        except AnnotatorError as error:
            planned.append(PlannedMerge(str(source), None, str(error)))
            if stop_at_refusal:
                break
            continue
        prepared.append(ready)
        planned.append(PlannedMerge(str(source), ready.report))
    if not prepared:
        return planned
    try:
        with coding.writing(target, origin=Origin.MERGE) as writer:
            for ready in prepared:
                ready.merge_into(writer)
                writer.session.flush()
            raise _DryRun
    except _DryRun:
        pass
    finally:
        target.forget_cached_ids()  # coders made in the rolled-back transaction
    return planned


def merge_projects(target: Project, sources: list[str | Path], **options: Any) -> list[MergeReport]:
    """Merge several sources in turn, one transaction each; stops at the first refusal."""
    return [merge_project(target, source, **options) for source in sources]


def merge_project(
    target: Project,
    source: str | Path,
    *,
    unlock: Unlock | None = None,
    accept_changes: bool = False,
) -> MergeReport:
    """Merge one source project (a file or a server URL) into `target` (see the module
    docstring for the rules). `unlock` gives a source's supervisor passphrase when it has
    one; `accept_changes` lets the source change codes and notes the target holds."""
    prepared = prepare_merge(target, source, unlock, accept_changes=accept_changes)
    try:
        with coding.writing(target, origin=Origin.MERGE) as writer:
            prepared.merge_into(writer)
    finally:
        target.forget_cached_ids()  # the merge may have added coders
    return prepared.report


@dataclass
class PreparedMerge:
    """A source read and its codebook accepted: everything before the write transaction."""

    data: SourceData
    version_map: dict[int, int]
    report: MergeReport
    accept_changes: bool = False

    def merge_into(self, writer: coding.CodeWriter) -> None:
        """Merge inside the caller's write transaction, filling `report`."""
        _Merger(writer, self, self.report).run()


def prepare_merge(
    target: Project,
    source: str | Path,
    unlock: Unlock | None = None,
    *,
    accept_changes: bool = False,
) -> PreparedMerge:
    """Read one source and check its codebook against the target's (`MergeRefused` if not)."""
    source = project_location(str(source))
    if _same_project(target, source):
        raise MergeRefused(f"{display_location(source)}: is the target project itself")
    data = read_source(source, unlock)
    version_map, codebook_note = check_codebooks(target, data, display_location(source))
    report = MergeReport(display_location(source), codebook_note=codebook_note)
    return PreparedMerge(data, version_map, report, accept_changes)


def _same_project(target: Project, source: Location) -> bool:
    if is_server_url(source):
        return target.on_server and server_url(str(source)) == server_url(str(target.path))
    return (
        not target.on_server
        and Path(source).exists()
        and Path(source).resolve() == Path(target.path).resolve()
    )


# -- writing the target ------------------------------------------------------------------


class _Merger:
    """One merge, inside the target's write transaction (the coding service's writer).

    Codes and notes are copied with their own times and codebook versions, since "the one
    coded later wins" must keep comparing the coders' times; every history row the merge
    adds (where it replaced or removed a target value) is written by the writer.

    The rules run in Python over plain rows (no model instances), and every write is a
    set: the added articles and units, codes, notes and history go in as one executemany
    each, codes and notes changed and removed as one UPDATE and one DELETE; the target is
    read only where the source touches it (its articles of the source's sha256s, their
    units, codes and notes, the history of those articles).
    """

    def __init__(
        self, writer: coding.CodeWriter, prepared: PreparedMerge, report: MergeReport
    ) -> None:
        self.writer, self.session, self.data = writer, writer.session, prepared.data
        self.version_map, self.report = prepared.version_map, report
        self.accept_changes = prepared.accept_changes
        self.not_merged: dict[str, str] = {}  # source coder name -> why their work is not
        self.now = writer.now
        self.units: dict[Identity, _TargetUnit] = {}  # target units of the source's articles
        self.units_by_id: dict[int, _TargetUnit] = {}
        self.articles: dict[int, _TargetArticle] = {}  # target article id -> article
        self.coder_ids: dict[str, int] = {}
        self.coder_names: dict[int, str] = {}
        self.history_keys: set[tuple] = set()
        self.clears: dict[tuple[int, int, str], datetime] = {}
        self.added_articles: set[int] = set()  # target ids of the articles this merge added
        self.tally: dict[str, CoderMerge] = {}
        self.coded: dict[str, set[int]] = {}  # coder -> source units they coded
        self.brought: dict[str, set[int]] = {}  # coder -> added articles they coded

    def run(self) -> None:
        self._articles()
        self.units_by_id = {unit.id: unit for unit in self.units.values()}
        self._coders()
        shas = sorted({row.article_sha256 for row in self.data.history})
        columns = [getattr(History, name) for name in _HISTORY_KEY]
        self.history_keys = {
            _history_key(*row)
            for row in rows_where(self.session, columns, col(History.article_sha256), shas)
        }
        self.clears = self._clears()
        shared = {
            a.sha256: (a.id, a.key)
            for a in self.articles.values()
            if a.id not in self.added_articles
        }
        merge_memos(self.session, shared, self.data, self.report, self.now)
        self._history()  # first, so the merge's own rows come after the coders' in the trail
        self._merge_values(CODES, self.data.codes)
        self._merge_values(NOTES, self.data.notes)
        self._by_coder()

    def _by_coder(self) -> None:
        """The report's per-coder rows, from what the merge counted on the way."""
        for conflict in self.report.conflicts:
            if conflict.coder:  # a memo no history row names has no coder's row
                self._coder(conflict.coder).conflicts += 1
        for skipped in self.report.skipped:
            if skipped.coder:
                self._coder(skipped.coder).skipped += 1
        for name, units in self.coded.items():
            self._coder(name).units = len(units)
        for name, articles in self.brought.items():
            self._coder(name).articles_added = len(articles)
        added = set(self.report.coders_added)
        for name, row in self.tally.items():
            row.new_coder = name in added
        self.report.coders = [self.tally[name] for name in sorted(self.tally)]

    def _coder(self, name: str) -> CoderMerge:
        return self.tally.setdefault(name, CoderMerge(name))

    # articles and units

    def _articles(self) -> None:
        """Match the source's articles to the target's by sha256; add the ones it lacks."""
        session = self.session
        shas = [a.sha256 for a in self.data.articles]
        columns = [col(Article.id), col(Article.key), col(Article.sha256)]
        existing = {
            row.sha256: _TargetArticle._make(row)
            for row in rows_where(session, columns, col(Article.sha256), shas)
        }
        target_units: dict[int, list[_TargetUnit]] = {}
        article_ids = sorted(a.id for a in existing.values())
        for row in rows_where(session, _UNIT_COLUMNS, col(Unit.article_id), article_ids):
            target_units.setdefault(row.article_id, []).append(_TargetUnit._make(row))
        by_article: dict[int, list[SourceRow]] = {}
        for unit, unit_article in self.data.units.values():
            by_article.setdefault(unit_article.id, []).append(unit)
        new: list[tuple[SourceRow, list[SourceRow]]] = []
        for source_article in self.data.articles:
            source_units = by_article.get(source_article.id, [])
            article = existing.get(source_article.sha256)
            if article is None:
                new.append((source_article, source_units))
                continue
            spans = {(u.start, u.end) for u in source_units}
            for matched in target_units.get(article.id, []):
                self.units[(article.sha256, matched.start, matched.end)] = matched
                self.report.units_matched += (matched.start, matched.end) in spans
            self.articles[article.id] = article
        if new:
            self._add_articles(new)

    def _add_articles(self, new: list[tuple[SourceRow, list[SourceRow]]]) -> None:
        """Insert the articles the target lacks, at the end of its order, and their units."""
        session = self.session
        position = session.exec(select(func.max(Article.position))).one() or 0
        keys = ArticleKeys().take(session, [article.key for article, _ in new])
        rows = [
            _without(article, "id") | {"key": key, "position": position + number}
            for number, (key, (article, _)) in enumerate(zip(keys, new, strict=True), 1)
        ]
        ids = [
            saved_id(row_id)
            for row_id in session.scalars(
                insert(Article).returning(col(Article.id), sort_by_parameter_order=True), rows
            )
        ]
        units: list[dict[str, Any]] = []
        for article_id, key, (article, source_units) in zip(ids, keys, new, strict=True):
            self.articles[article_id] = _TargetArticle(article_id, key, article.sha256)
            self.added_articles.add(article_id)
            self.report.articles_added.append(key)
            self.report.units_added += len(source_units)
            units.extend(
                _without(unit, "id") | {"article_id": article_id}
                for unit in sorted(source_units, key=lambda u: u.idx)
            )
        if not units:
            return
        unit_ids = [
            saved_id(row_id)
            for row_id in session.scalars(
                insert(Unit).returning(col(Unit.id), sort_by_parameter_order=True), units
            )
        ]
        for unit_id, unit in zip(unit_ids, units, strict=True):
            sha = self.articles[unit["article_id"]].sha256
            self.units[(sha, unit["start"], unit["end"])] = _TargetUnit(
                unit_id, unit["article_id"], unit["idx"], unit["start"], unit["end"]
            )

    def _coders(self) -> None:
        coders = list(self.session.exec(select(Coder)))
        known = {c.name: saved_id(c.id) for c in coders}
        roles = {c.name: c.role for c in coders}
        for source_coder in self.data.coders.values():
            reason = _not_mergeable(source_coder, roles.get(source_coder.name))
            if reason is not None:
                self.not_merged[source_coder.name] = reason
                continue
            if source_coder.name not in known:
                coder = Coder(name=source_coder.name, role=source_coder.role)
                self.session.add(coder)
                self.session.flush()
                known[coder.name] = saved_id(coder.id)
                self.report.coders_added.append(coder.name)
        self.coder_ids = known
        self.coder_names = {i: name for name, i in known.items()}

    # codes and notes

    def _merge_values(self, kind: _Kind, source_rows: list[SourceRow]) -> None:
        """Merge one coder's codes or notes: add, keep, or let the newer one win."""
        rows = self._target_rows(kind)
        seen: set[tuple[int, int, str]] = set()
        inserts = _Inserts(self.session, kind.model)
        updates: list[dict[str, Any]] = []
        for source in source_rows:
            coder = self.data.coders[source.coder_id].name
            target, value, at = kind.target(source), kind.value(source), kind.at(source)
            if kind is CODES:
                self.coded.setdefault(coder, set()).add(source.unit_id)
            if coder in self.not_merged:
                self._skip(source.unit_id, coder, target, value, self.not_merged[coder])
                continue
            unit = self._target_unit(source.unit_id, coder, target, value)
            if unit is None:
                continue
            if kind is CODES and unit.article_id in self.added_articles:
                self.brought.setdefault(coder, set()).add(unit.article_id)
            key = (unit.id, self.coder_ids[coder], target)
            seen.add(key)
            row = rows.get(key)
            if row is None:
                inserts.add(self._copy(source, unit_id=unit.id, coder_id=key[1]))
                self._count(kind, "added", coder)
            elif kind.value(row) == value:
                self._count(kind, "unchanged", coder)
            elif self._resolve(unit, coder, target, kind.value(row), value, kind.at(row), at):
                updates.append(self._copy(source, id=row.id, unit_id=unit.id, coder_id=key[1]))
                self._count(kind, "updated", coder)
        removed: list[int] = []
        for key, row in rows.items():
            if key not in seen and self._cleared_later(key, kind.value(row), kind.at(row)):
                removed.append(row.id)
                self._count(kind, "removed", self.coder_names[key[1]])
        inserts.flush()
        self._write(kind.model, updates, removed)

    def _write(
        self,
        model: type[Code] | type[Note],
        updates: list[dict],
        removed: list[int],
    ) -> None:
        """The merge's changed and removed codes or notes as set statements."""
        if updates:
            self.session.execute(update(model), updates)
        for start in range(0, len(removed), CHUNK):
            ids = removed[start : start + CHUNK]
            self.session.execute(delete(model).where(col(model.id).in_(ids)))

    def _copy(self, source: SourceRow, **ids: int) -> dict[str, Any]:
        data = _without(source, "id") | ids
        if "codebook_version_id" in data:
            data["codebook_version_id"] = self.version_map[data["codebook_version_id"]]
        return data

    def _count(self, kind: _Kind, what: str, coder: str) -> None:
        name = f"{kind.name}_{what}"
        setattr(self.report, name, getattr(self.report, name) + 1)
        row = self._coder(coder)
        if kind is NOTES:
            row.notes_changed += what != "unchanged"
        else:
            setattr(row, name, getattr(row, name) + 1)

    def _target_rows(self, kind: _Kind) -> dict[tuple[int, int, str], SourceRow]:
        """The target's codes or notes on the units the source shares, by (unit, coder, target)."""
        model = kind.model
        columns = list(model.__table__.columns)  # type: ignore[union-attr]
        unit_ids = sorted(self.units_by_id)
        return {
            (r.unit_id, r.coder_id, kind.target(r)): r
            for r in rows_where(self.session, columns, col(model.unit_id), unit_ids)
        }

    def _target_unit(
        self, source_unit_id: int, coder: str, target: str, value: str
    ) -> _TargetUnit | None:
        source_unit, article = self.data.units[source_unit_id]
        unit = self.units.get((article.sha256, source_unit.start, source_unit.end))
        if unit is None:
            reason = (
                f"characters {source_unit.start}-{source_unit.end} are not a unit of the "
                "target's copy of this article (segmented differently)"
            )
            self._skip(source_unit_id, coder, target, value, reason)
        return unit

    def _skip(self, source_unit_id: int, coder: str, target: str, value: str, why: str) -> None:
        source_unit, article = self.data.units[source_unit_id]
        self.report.skipped.append(
            Skipped(f"{article.key}#{source_unit.idx}", coder, target, value, why)
        )

    def _resolve(
        self,
        unit: _TargetUnit,
        coder: str,
        target: str,
        old: str,
        new: str,
        old_at: datetime,
        new_at: datetime,
    ) -> bool:
        """Record a same-coder conflict; True when the source's value goes in (see `_kept`)."""
        kept = self._kept(coder, _naive(new_at) > _naive(old_at))
        self.report.conflicts.append(
            Conflict(self._unit_key(unit), coder, target, old, new, old_at, new_at, kept)
        )
        if kept == KEPT_SOURCE:
            self._merge_history(unit, coder, target, old, new)
        return kept == KEPT_SOURCE

    def _kept(self, coder: str, source_newer: bool) -> str:
        """Whose value a conflict keeps: the target's consensus always stays; a newer source
        value replaces the target's only when the changes were accepted."""
        if coder == CONSENSUS:
            return KEPT_CONSENSUS
        if not source_newer:
            return KEPT_TARGET
        return KEPT_SOURCE if self.accept_changes else KEPT_HELD

    def _cleared_later(self, key: tuple[int, int, str], old: str, old_at: datetime) -> bool:
        """Whether the source's coder cleared this value after the target's was made."""
        unit_id, coder_id, target = key
        cleared = self.clears.get(key)
        if cleared is None or _naive(cleared) <= _naive(old_at):
            return False
        unit = self.units_by_id[unit_id]  # a key of the target's own rows
        coder = self.coder_names[coder_id]
        if coder in self.not_merged:
            return False
        kept = self._kept(coder, True)
        self.report.conflicts.append(
            Conflict(self._unit_key(unit), coder, target, old, None, old_at, cleared, kept)
        )
        if kept != KEPT_SOURCE:
            return False
        self._merge_history(unit, coder, target, old, None)
        return True

    def _clears(self) -> dict[tuple[int, int, str], datetime]:
        """(target unit id, coder id, target) -> when the source last cleared it."""
        latest: dict[tuple, SourceRow] = {}
        for row in self.data.history:
            latest[(row.article_sha256, row.start, row.end, row.coder, row.target)] = row
        clears: dict[tuple[int, int, str], datetime] = {}
        for (sha, start, end, coder, target), row in latest.items():
            unit = self.units.get((sha, start, end))
            if row.new is None and unit is not None and coder in self.coder_ids:
                clears[(unit.id, self.coder_ids[coder], target)] = row.at
        return clears

    def _unit_key(self, unit: _TargetUnit) -> str:
        return f"{self.articles[unit.article_id].key}#{unit.idx}"

    # history

    def _merge_history(
        self, unit: _TargetUnit, coder: str, target: str, old: str | None, new: str | None
    ) -> None:
        sha = self.articles[unit.article_id].sha256
        version = None if target == NOTE_TARGET else self.version_map[max(self.data.codebooks)]
        self.writer.history(sha, unit, coder, target, old, new, version)
        self.report.history_added += 1

    def _history(self) -> None:
        """The source's history rows the target lacks, in the source's order, in one go."""
        rows = _Inserts(self.session, History)
        for row in self.data.history:
            if row.coder in self.not_merged:
                continue
            key = _history_key(*(getattr(row, name) for name in _HISTORY_KEY))
            if key in self.history_keys:
                continue
            self.history_keys.add(key)
            version = row.codebook_version_id
            copy = _without(row, "id")
            copy["codebook_version_id"] = None if version is None else self.version_map[version]
            rows.add(copy)
        rows.flush()
        self.report.history_added += rows.count


class _Inserts:
    """Rows for one table, written by executemany every `_BATCH` rows (through Core: the
    ORM's bulk insert makes another pass over each row), so that the parameters of a
    large source's rows are never all in memory at once."""

    def __init__(self, session: Session, model: type[SQLModel]) -> None:
        self.session, self.table = session, model.__table__  # type: ignore[attr-defined]
        self.rows: list[dict[str, Any]] = []
        self.count = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.session.connection().execute(self.table.insert(), self.rows)
            self.rows = []


class _TargetArticle(NamedTuple):
    id: int
    key: str
    sha256: str


class _TargetUnit(NamedTuple):
    id: int
    article_id: int
    idx: int
    start: int
    end: int


_UNIT_COLUMNS = [col(Unit.id), col(Unit.article_id), col(Unit.idx), col(Unit.start), col(Unit.end)]
_BATCH = 5000  # rows per executemany


def _without(row: SourceRow, *names: str) -> dict[str, Any]:
    """A source row's columns as a dict, less `names`."""
    data = row._asdict()
    for name in names:
        del data[name]
    return data


def _not_mergeable(coder: SourceRow, target_role: str | None) -> str | None:
    """Why a source coder's codes and notes are not merged, or None. The reserved names
    come only from the coder they name (the consensus, the machine, the gold, a
    training identity: `store.roles.reserved_role`), and only into a
    target whose coder of that name is the same; a reserved role only under its name; a
    name new to the target must pass the rules for new names."""
    role = reserved_role(coder.name)
    if role is not None or coder.role in RESERVED_ROLES:
        if coder.role != role or target_role not in (None, role):
            return (
                f"coder {printable_name(coder.name)!r} ({coder.role}) is not the reserved "
                f"coder {role or coder.role!r} of the target"
            )
        return None
    if target_role is None and (problem := new_name_problem(coder.name)) is not None:
        return f"coder name {printable_name(coder.name)!r} {problem}"
    return None


_HISTORY_KEY = ("article_sha256", "start", "end", "coder", "target", "old", "new", "at")


@dataclass(frozen=True)
class _Kind:
    """Codes and notes merge by the same rules; this says how to read each (a source's
    row or the target's, both plain rows)."""

    name: str
    model: type[Code] | type[Note]
    target: Callable[[Any], str]
    value: Callable[[Any], str]
    at: Callable[[Any], datetime]


CODES = _Kind("codes", Code, lambda r: r.field, lambda r: r.code, lambda r: r.coded_at)
NOTES = _Kind("notes", Note, lambda r: NOTE_TARGET, lambda r: r.text, lambda r: r.noted_at)


def _history_key(*row) -> tuple:
    """(sha256, start, end, coder, target, old, new, at) with the time comparable."""
    return (*row[:-1], _naive(row[-1]))


def _naive(moment: datetime) -> datetime:
    """SQLite returns stored UTC times without a zone; compare everything that way."""
    return moment if moment.tzinfo is None else moment.replace(tzinfo=None)
