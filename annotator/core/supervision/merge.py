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
  another unit. A zero-length unit (the article-level unit that carries the
  article's own codes) holds no text that could be segmented differently: where
  the target's copy lacks it, it is added.
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

Each source is merged in one write transaction (all or nothing), in set statements
(`_Merger`, `merge_staging`): the time and memory a merge takes follow the database's
own INSERT ... SELECT, not one Python object per row. A source is read from a private
snapshot file (a server source is copied into one), so merging never modifies (or
migrates) the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Table,
    Text,
    and_,
    case,
    delete,
    distinct,
    exists,
    func,
    insert,
    literal,
    or_,
    update,
)
from sqlalchemy import select as select_columns
from sqlalchemy.sql.expression import FromClause
from sqlmodel import col

from annotator.core.coding import service as coding
from annotator.core.coding.coder_names import new_name_problem, printable_name
from annotator.core.coding.lookups import unit_key
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
    table_of,
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
)
from annotator.core.supervision.merge_staging import (
    Scratch,
    SourceTables,
    integers,
    key,
    source_tables,
)

ATTACHED = "merge_source"  # the schema name of the source's snapshot, attached to a file target
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
    try:
        if prepared:
            _roll_back(target, prepared)
    finally:
        for ready in prepared:
            ready.close()
    return planned


def _roll_back(target: Project, prepared: list[PreparedMerge]) -> None:
    """Merge `prepared` in turn in one write transaction, then roll it back."""
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
        if target.on_server:
            with coding.writing(target, origin=Origin.MERGE) as writer:
                prepared.merge_into(writer)
        else:
            # The snapshot is attached to the target's connection: its own handle closes
            # first, so that no two connections of this process hold the file.
            prepared.data.project.close()
            with target.writing(attach={ATTACHED: prepared.data.path}) as session:
                writer = coding.CodeWriter(session, target, origin=Origin.MERGE)
                prepared.merge_into(writer, attached=ATTACHED)
    finally:
        target.forget_cached_ids()  # the merge may have added coders
        prepared.close()
    return prepared.report


@dataclass
class PreparedMerge:
    """A source opened and its codebook accepted: everything before the write transaction.
    `close` removes the source's snapshot."""

    data: SourceData
    version_map: dict[int, int]
    report: MergeReport
    accept_changes: bool = False

    def merge_into(self, writer: coding.CodeWriter, attached: str | None = None) -> None:
        """Merge inside the caller's write transaction, filling `report`; `attached` names
        the schema the source's snapshot is attached under, if it is (`merge_staging`)."""
        _Merger(writer, self, self.report).run(attached)

    def close(self) -> None:
        self.data.close()


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
    try:
        version_map, codebook_note = check_codebooks(target, data, display_location(source))
    except BaseException:
        data.close()
        raise
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

    The source's tables are joined where the target's connection can see them (attached,
    or copied into its scratch sets: `merge_staging`) and every rule is a set statement
    between them and the target's tables: the articles, units, codes, notes and history
    the merge adds go in as one INSERT ... SELECT each, the counts of the report are
    GROUP BYs. Only what the report
    lists one by one comes back to Python: the conflicts, the skipped codes and notes, the
    articles the target lacks (for their free keys), the source's coders.
    """

    def __init__(
        self, writer: coding.CodeWriter, prepared: PreparedMerge, report: MergeReport
    ) -> None:
        self.writer, self.session, self.data = writer, writer.session, prepared.data
        self.version_map, self.report = prepared.version_map, report
        self.accept_changes = prepared.accept_changes
        self.not_merged: dict[str, str] = {}  # source coder name -> why their work is not
        self.tally: dict[str, CoderMerge] = {}

    def run(self, attached: str | None) -> None:
        self.scratch = Scratch(self.session)
        self.source = source_tables(self.scratch, self.data.project, attached)
        self.places = self._articles()  # source article id -> key, position in the target
        self.unit_map = self._units()
        self.coder_map = self._coders()
        self.clear = self._clears()
        merge_memos(self.session, self.source, self.places, self.report, self.writer.now)
        self._history()  # first, so the merge's own rows come after the coders' in the trail
        self._merge_values(CODES)
        self._merge_values(NOTES)
        self._by_coder()
        self.scratch.drop()

    def _by_coder(self) -> None:
        """The report's per-coder rows, from what the merge counted on the way."""
        for conflict in self.report.conflicts:
            if conflict.coder:  # a memo no history row names has no coder's row
                self._coder(conflict.coder).conflicts += 1
        for skipped in self.report.skipped:
            if skipped.coder:
                self._coder(skipped.coder).skipped += 1
        code, coder = self.source.code, self.source.coder
        units = (
            select_columns(coder.c.name, func.count(distinct(code.c.unit_id)))
            .join_from(code, coder, coder.c.id == code.c.coder_id)
            .group_by(coder.c.name)
        )
        for name, count in self._run(units):
            self._coder(name).units = count
        unit_map, coder_map = self.unit_map, self.coder_map
        brought = (
            select_columns(coder_map.c.name, func.count(distinct(unit_map.c.article_id)))
            .select_from(_mapped(code, unit_map, coder_map))
            .where(unit_map.c.tid.is_not(None), unit_map.c.new_article == 1)
            .group_by(coder_map.c.name)
        )
        for name, count in self._run(brought):
            self._coder(name).articles_added = count
        added = set(self.report.coders_added)
        for name, row in self.tally.items():
            row.new_coder = name in added
        self.report.coders = [self.tally[name] for name in sorted(self.tally)]

    def _run(self, statement: Any, parameters: Any = None) -> Any:
        """Execute a Core statement in the merge's transaction, on its connection: the
        result as the caller reads it (rows, or the `rowcount` of an INSERT ... SELECT,
        which PostgreSQL's driver keeps only when asked to)."""
        options = {"preserve_rowcount": True}
        return self.session.connection().execute(statement, parameters, execution_options=options)

    def _coder(self, name: str) -> CoderMerge:
        return self.tally.setdefault(name, CoderMerge(name))

    # articles and units

    def _articles(self) -> FromClause:
        """Add the source's articles whose sha256 the target lacks, at the end of its order,
        under free keys; the set of them (`sid`, `key`, `position`)."""
        session, article, target = self.session, self.source.article, table_of(Article)
        lacking = (
            select_columns(article.c.id, article.c.key)
            .where(~exists().where(target.c.sha256 == article.c.sha256))
            .order_by(article.c.position, article.c.id)
        )
        new = list(self._run(lacking))
        position = self.session.scalar(select_columns(func.max(target.c.position))) or 0
        keys = ArticleKeys().take(session, [row.key for row in new]) if new else []
        places = self.scratch.rows(
            "merge_new_article",
            [key("sid"), Column("key", Text), *integers("position")],
            [
                (row.id, name, position + number)
                for number, (row, name) in enumerate(zip(new, keys, strict=True), 1)
            ],
        )
        if not new:
            return places
        values = {"key": places.c.key, "position": places.c.position}
        names = [c.name for c in target.columns if c.name != "id"]
        rows = (
            select_columns(*(values.get(name, article.c[name]) for name in names))
            .join_from(article, places, places.c.sid == article.c.id)
            .order_by(places.c.position)
        )
        self._run(insert(target).from_select(names, rows))
        self.report.articles_added = keys
        return places

    def _units(self) -> FromClause:
        """Add the units the target lacks: all those of the articles the merge added, and in
        an article both hold a zero-length unit (an article-level unit, which segmentation
        cannot change); then map every source unit to the target's unit of the same span
        (the unit map: `sid`, `article_id`, `tid`, `added`, `new_article`). Any other span
        the target lacks stays unmapped (`tid` NULL): its codes are skipped and listed."""
        source, places = self.source, self.places
        unit, article = source.unit, source.article
        target, target_article = table_of(Unit), table_of(Article)

        def spans(*more: FromClause) -> Any:
            joined = (
                unit.join(article, article.c.id == unit.c.article_id)
                .join(target_article, target_article.c.sha256 == article.c.sha256)
                .outerjoin(places, places.c.sid == article.c.id)
                .outerjoin(
                    target,
                    and_(target.c.article_id == target_article.c.id, _same_span(target, unit)),
                )
            )
            for other in more:
                joined = joined.outerjoin(other, other.c.sid == unit.c.id)
            return joined

        lacking = and_(
            target.c.id.is_(None),
            or_(places.c.sid.is_not(None), unit.c.start == unit.c["end"]),
        )
        added = self.scratch.select(
            "merge_added_unit",
            [key("sid"), *integers("article_id")],
            select_columns(unit.c.id, target_article.c.id).select_from(spans()).where(lacking),
        )
        names = ["article_id", "idx", "kind", "start", "end", "text"]
        adding = (
            select_columns(added.c.article_id, *(unit.c[name] for name in names[1:]))
            .join_from(added, unit, unit.c.id == added.c.sid)
            .order_by(added.c.article_id, unit.c.idx)
        )
        if self.session.scalar(select_columns(func.count()).select_from(added)):
            # (only then: a team member, who may add no units, merges her codes back)
            self._run(insert(target).from_select(names, adding))
            self.report.units_added = (
                self.session.scalar(  # text units: not article units
                    select_columns(func.count())
                    .select_from(added)
                    .join(unit, unit.c.id == added.c.sid)
                    .where(unit.c.start != unit.c["end"])
                )
                or 0
            )
        unit_map = self.scratch.select(
            "merge_unit_map",
            [key("sid"), *integers("article_id", "tid", "added", "new_article")],
            select_columns(
                unit.c.id,
                target_article.c.id,
                target.c.id,
                _flag(added.c.sid.is_not(None)),
                _flag(places.c.sid.is_not(None)),
            ).select_from(spans(added)),
        )
        matched = (  # text units: an article's own unit is bookkeeping, not a unit to report
            select_columns(func.count())
            .select_from(unit_map)
            .join(unit, unit.c.id == unit_map.c.sid)
            .where(unit_map.c.added == 0, unit_map.c.tid.is_not(None))
            .where(unit.c.start != unit.c["end"])
        )
        self.report.units_matched = self.session.scalar(matched) or 0
        return unit_map

    def _coders(self) -> FromClause:
        """Add the source's coders the target lacks; the map of the ones whose work is
        merged (`sid`, `tid`, `name`)."""
        session, target = self.session, table_of(Coder)
        known = {row.name: (row.id, row.role) for row in self._run(select_columns(target))}
        mapped = []
        for source_coder in self.data.coders:
            name = source_coder.name
            reason = _not_mergeable(source_coder, known.get(name, (None, None))[1])
            if reason is not None:
                self.not_merged[name] = reason
                continue
            if name not in known:
                coder = Coder(name=name, role=source_coder.role)
                session.add(coder)
                session.flush()
                known[name] = (saved_id(coder.id), coder.role)
                self.report.coders_added.append(name)
            mapped.append((source_coder.id, known[name][0], name))
        columns = [key("sid"), *integers("tid"), Column("name", Text)]
        return self.scratch.rows("merge_coder_map", columns, mapped)

    # codes and notes

    def _merge_values(self, kind: _Kind) -> None:
        """Merge the codes or notes: add, keep, or let the newer one win (see the module
        docstring); the source's clears may remove the target's."""
        self._skipped(kind)
        mine, theirs = kind.table(), kind.source(self.source)
        unit_map, coder_map = self.unit_map, self.coder_map
        joined = _mapped(theirs, unit_map, coder_map).outerjoin(
            mine,
            and_(
                mine.c.unit_id == unit_map.c.tid,
                mine.c.coder_id == coder_map.c.tid,
                *kind.same(mine, theirs),
            ),
        )
        self._counts(kind, joined, mine, theirs)
        updates = self._changed(kind, joined, mine, theirs)
        removed = self._cleared(kind, mine, theirs)
        names = [c.name for c in mine.columns if c.name != "id"]
        values: dict[str, Any] = {"unit_id": unit_map.c.tid, "coder_id": coder_map.c.tid}
        if kind.field:  # codes: recorded against the target's codebook version
            values["codebook_version_id"] = self._version(theirs.c.codebook_version_id)
        adding = (
            select_columns(*(values.get(name, theirs.c[name]) for name in names))
            .select_from(joined)
            .where(unit_map.c.tid.is_not(None), mine.c.id.is_(None))
            .order_by(theirs.c.id)
        )
        self._run(insert(mine).from_select(names, adding))
        if updates:
            self.session.execute(update(kind.model), updates)  # the ORM's update by id
        for start in range(0, len(removed), CHUNK):
            ids = removed[start : start + CHUNK]
            self._run(delete(kind.model).where(col(kind.model.id).in_(ids)))

    def _skipped(self, kind: _Kind) -> None:
        """List the source's codes or notes that are not merged: a coder's whose work is not
        merged, or on a span the target's copy of the article lacks."""
        source, unit_map = self.source, self.unit_map
        theirs = kind.source(source)
        coder, unit, article = source.coder, source.unit, source.article
        query = (
            select_columns(
                coder.c.name,
                article.c.key,
                unit.c.idx,
                unit.c.start,
                unit.c["end"],
                kind.target_column(theirs),
                kind.value_column(theirs),
            )
            .join_from(theirs, coder, coder.c.id == theirs.c.coder_id)
            .join(unit, unit.c.id == theirs.c.unit_id)
            .join(article, article.c.id == unit.c.article_id)
            .join(unit_map, unit_map.c.sid == unit.c.id)
            .where(or_(unit_map.c.tid.is_(None), coder.c.name.in_(sorted(self.not_merged))))
            .order_by(theirs.c.id)
        )
        for name, article_key, idx, start, end, target, value in self._run(query):
            why = self.not_merged.get(name) or (
                f"characters {start}-{end} are not a unit of the "
                "target's copy of this article (segmented differently)"
            )
            self.report.skipped.append(
                Skipped(unit_key(article_key, idx), name, target, value, why)
            )

    def _counts(self, kind: _Kind, joined: Any, mine: Table, theirs: FromClause) -> None:
        """Count, per coder, the source's values the target lacks and those it holds alike."""
        unit_map, coder_map = self.unit_map, self.coder_map
        query = (
            select_columns(
                coder_map.c.name,
                func.sum(_flag(mine.c.id.is_(None))),
                func.sum(_flag(kind.value_column(mine) == kind.value_column(theirs))),
            )
            .select_from(joined)
            .where(unit_map.c.tid.is_not(None))
            .group_by(coder_map.c.name)
        )
        for name, added, unchanged in self._run(query):
            self._count(kind, "added", name, added or 0)
            self._count(kind, "unchanged", name, unchanged or 0)

    def _changed(
        self, kind: _Kind, joined: Any, mine: Table, theirs: FromClause
    ) -> list[dict[str, Any]]:
        """The conflicts: the target holds another value from the same coder. Each is
        listed; the changes the source wins (see `_kept`) are returned to be written."""
        unit_map, coder_map = self.unit_map, self.coder_map
        query = (
            _about_target_unit(
                select_columns(
                    theirs,
                    mine.c.id.label("mine_id"),
                    kind.value_column(mine).label("mine_value"),
                    mine.c[kind.at_name].label("mine_at"),
                    coder_map.c.name.label("coder"),
                    coder_map.c.tid.label("coder_tid"),
                    unit_map.c.tid.label("unit_tid"),
                ).select_from(joined),
                unit_map.c.tid,
            )
            .where(mine.c.id.is_not(None), kind.value_column(mine) != kind.value_column(theirs))
            .order_by(theirs.c.id)
        )
        updates = []
        for row in self._run(query):
            old, new = row.mine_value, kind.value(row)
            kept = self._kept(row.coder, _naive(kind.at(row)) > _naive(row.mine_at))
            self.report.conflicts.append(
                Conflict(
                    unit_key(row.article_key, row.unit_idx),
                    row.coder,
                    kind.target(row),
                    old,
                    new,
                    row.mine_at,
                    kind.at(row),
                    kept,
                )
            )
            if kept != KEPT_SOURCE:
                continue
            self._merge_history(row, row.coder, kind.target(row), old, new)
            copy = {c.name: row._mapping[c] for c in theirs.columns}
            copy |= {"id": row.mine_id, "unit_id": row.unit_tid, "coder_id": row.coder_tid}
            if "codebook_version_id" in copy:
                copy["codebook_version_id"] = self.version_map[copy["codebook_version_id"]]
            updates.append(copy)
            self._count(kind, "updated", row.coder, 1)
        return updates

    def _cleared(self, kind: _Kind, mine: Table, theirs: FromClause) -> list[int]:
        """The target's values that the source's coder cleared later than they were made,
        and that the source holds no value for: each is listed as a conflict; the ids of
        those the source wins are returned to be removed."""
        clear, unit_map, coder_map = self.clear, self.unit_map, self.coder_map
        coder = table_of(Coder)
        holds = (
            exists()
            .where(theirs.c.unit_id == unit_map.c.sid, theirs.c.coder_id == coder_map.c.sid)
            .where(unit_map.c.tid == mine.c.unit_id, coder_map.c.tid == mine.c.coder_id)
            .where(*kind.same(mine, theirs))
        )
        query = (
            _about_target_unit(
                select_columns(
                    mine,
                    coder.c.name.label("coder"),
                    clear.c.at.label("cleared"),
                ).select_from(
                    clear.join(
                        mine,
                        and_(
                            mine.c.unit_id == clear.c.unit_id,
                            mine.c.coder_id == clear.c.coder_id,
                            kind.target_column(mine) == clear.c.target,
                        ),
                    ).join(coder, coder.c.id == mine.c.coder_id)
                ),
                mine.c.unit_id,
            )
            .where(~holds)
            .order_by(mine.c.id)
        )
        removed = []
        for row in self._run(query):
            if _naive(row.cleared) <= _naive(kind.at(row)) or row.coder in self.not_merged:
                continue
            kept = self._kept(row.coder, True)
            old, target = kind.value(row), kind.target(row)
            self.report.conflicts.append(
                Conflict(
                    unit_key(row.article_key, row.unit_idx),
                    row.coder,
                    target,
                    old,
                    None,
                    kind.at(row),
                    row.cleared,
                    kept,
                )
            )
            if kept == KEPT_SOURCE:
                self._merge_history(row, row.coder, target, old, None)
                removed.append(row.id)
                self._count(kind, "removed", row.coder, 1)
        return removed

    def _clears(self) -> FromClause:
        """Where the source's last history row of a (unit, coder, target) cleared it, and
        the target has that unit and coder: when (`_cleared` weighs it against the target's
        value)."""
        history, article = self.source.history, self.source.article
        target_article, target_unit, coder = table_of(Article), table_of(Unit), table_of(Coder)
        later = history.alias("later")
        last = ~exists().where(
            later.c.id > history.c.id,
            *(later.c[name] == history.c[name] for name in _IDENTITY),
        )
        query = (
            select_columns(target_unit.c.id, coder.c.id, history.c.target, history.c.at)
            .join_from(history, article, article.c.sha256 == history.c.article_sha256)
            .join(target_article, target_article.c.sha256 == article.c.sha256)
            .join(
                target_unit,
                and_(
                    target_unit.c.article_id == target_article.c.id,
                    _same_span(target_unit, history),
                ),
            )
            .join(coder, coder.c.name == history.c.coder)
            .where(history.c.new.is_(None), last)
        )
        columns = [*integers("unit_id", "coder_id"), Column("target", Text), Column("at", DateTime)]
        return self.scratch.select("merge_clear", columns, query)

    def _version(self, column: Any) -> Any:
        """The target's codebook version for a source's version id (NULL stays NULL)."""
        return case(self.version_map, value=column)

    def _count(self, kind: _Kind, what: str, coder: str, number: int) -> None:
        name = f"{kind.name}_{what}"
        setattr(self.report, name, getattr(self.report, name) + number)
        row = self._coder(coder)
        if kind is NOTES:
            row.notes_changed += number if what != "unchanged" else 0
        else:
            setattr(row, name, getattr(row, name) + number)

    def _kept(self, coder: str, source_newer: bool) -> str:
        """Whose value a conflict keeps: the target's consensus always stays; a newer source
        value replaces the target's only when the changes were accepted."""
        if coder == CONSENSUS:
            return KEPT_CONSENSUS
        if not source_newer:
            return KEPT_TARGET
        return KEPT_SOURCE if self.accept_changes else KEPT_HELD

    # history

    def _merge_history(
        self, unit: Any, coder: str, target: str, old: str | None, new: str | None
    ) -> None:
        """The history row of a target value the merge replaced or removed; `unit` is a row
        with the target unit's `sha256`, `start` and `end`."""
        version = None if target == NOTE_TARGET else self.version_map[max(self.data.codebooks)]
        self.writer.history(unit.sha256, unit, coder, target, old, new, version)
        self.report.history_added += 1

    def _history(self) -> None:
        """The source's history rows the target lacks, in the source's order, in one go
        (a row the source holds twice goes in once)."""
        history, target = self.source.history, table_of(History)
        earlier = history.alias("earlier")
        names = [c.name for c in target.columns if c.name != "id"]
        rows = (
            select_columns(
                *(
                    self._version(history.c[name])
                    if name == "codebook_version_id"
                    else history.c[name]
                    for name in names
                )
            )
            .where(history.c.coder.not_in(sorted(self.not_merged)))
            .where(~exists().where(*_same_history(target, history)))
            .where(~exists().where(earlier.c.id < history.c.id, *_same_history(earlier, history)))
            .order_by(history.c.id)
        )
        result = self._run(insert(target).from_select(names, rows))
        self.report.history_added += result.rowcount


def _mapped(theirs: FromClause, unit_map: FromClause, coder_map: FromClause) -> Any:
    """The source's codes or notes joined to their target unit and coder (a unit the target
    lacks has a NULL `tid`; a coder whose work is not merged drops out)."""
    return theirs.join(unit_map, unit_map.c.sid == theirs.c.unit_id).join(
        coder_map, coder_map.c.sid == theirs.c.coder_id
    )


def _about_target_unit(query: Any, unit_id: Any) -> Any:
    """`query` with the target unit's key parts and identity, for the report and history."""
    unit, article = table_of(Unit), table_of(Article)
    return (
        query.add_columns(
            article.c.key.label("article_key"),
            unit.c.idx.label("unit_idx"),
            article.c.sha256.label("sha256"),
            unit.c.start.label("start"),
            unit.c["end"].label("end"),
        )
        .join(unit, unit.c.id == unit_id)
        .join(article, article.c.id == unit.c.article_id)
    )


def _same_span(one: FromClause, other: FromClause) -> Any:
    return and_(one.c.start == other.c.start, one.c["end"] == other.c["end"])


_IDENTITY = ("article_sha256", "start", "end", "coder", "target")
_NULLABLE = ("old", "new")


def _same_history(one: Any, other: Any) -> list[Any]:
    """Two history rows record the same change: (identity, coder, target, old, new, at)."""
    return [
        *(one.c[name] == other.c[name] for name in _IDENTITY),
        *(one.c[name].is_not_distinct_from(other.c[name]) for name in _NULLABLE),
        one.c.at == other.c.at,
    ]


def _flag(condition: Any) -> Any:
    """1 where `condition` holds, else 0 (a count or a flag column on every back end)."""
    return case((condition, 1), else_=0)


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


@dataclass(frozen=True)
class _Kind:
    """Codes and notes merge by the same rules; this says where each is and how to read
    it: `*_column` for a table's column in a statement, the others for a fetched row."""

    name: str
    model: type[Code] | type[Note]
    field: str | None  # the column naming what is coded; notes have one target, NOTE_TARGET
    value_name: str
    at_name: str

    def table(self) -> Table:
        return table_of(self.model)

    def source(self, tables: SourceTables) -> Table:
        return getattr(tables, str(self.model.__tablename__))

    def target_column(self, table: FromClause) -> Any:
        return table.c[self.field] if self.field else literal(NOTE_TARGET)

    def value_column(self, table: FromClause) -> Any:
        return table.c[self.value_name]

    def same(self, mine: FromClause, theirs: FromClause) -> list[Any]:
        """Besides unit and coder, what makes two rows the same value's place."""
        return [mine.c[self.field] == theirs.c[self.field]] if self.field else []

    def target(self, row: Any) -> str:
        return getattr(row, self.field) if self.field else NOTE_TARGET

    def value(self, row: Any) -> str:
        return getattr(row, self.value_name)

    def at(self, row: Any) -> datetime:
        return getattr(row, self.at_name)


CODES = _Kind("codes", Code, "field", "code", "coded_at")
NOTES = _Kind("notes", Note, None, "text", "noted_at")


def _naive(moment: datetime) -> datetime:
    """SQLite returns stored UTC times without a zone; compare everything that way."""
    return moment if moment.tzinfo is None else moment.replace(tzinfo=None)
