"""The coding service: the one path by which codes and notes change.

Every writer of codes, notes and their history goes through a `CodeWriter`: the window
and the command line through `apply_codes`, `apply_changes` and `set_note` (one
transaction each), the supervisor's adjudication, "accept all unanimous", code imports
and merges through `writing(project, origin=...)`, which holds one write transaction
for a whole decision or batch. The writer validates against the codebook, writes the
new state and a history row for each change, and returns the changes; nothing is
returned before the commit, so a caller that shows "saved" can trust it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import and_, case, delete, func, insert, literal, not_, or_, true, update
from sqlmodel import Session, col, select

from annotator.core import field_values
from annotator.core.codebook import ARTICLE_KIND, Codebook, Scope
from annotator.core.coding.coder_names import new_name_problem, printable_name, reserved_why
from annotator.core.conditions import AllOf, Condition, FieldIn, describe
from annotator.core.errors import CodingError
from annotator.core.field_values import FieldType
from annotator.core.store import db
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
    utcnow,
    wide_select,
)
from annotator.core.store.project import Project
from annotator.core.store.roles import OUTSIDE_THE_STUDY, Role, reserved_role

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """One committed change: `old`/`new` are codes (or note text); None means unset."""

    unit_id: int
    coder: str
    target: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class BatchCode:
    """One code of a batch (a code import): where it goes, whose it is, what it is."""

    unit_id: int
    article_sha256: str
    start: int
    end: int
    coder: str
    field: str
    code: str | None  # None clears the field


@dataclass
class BatchCounts:
    """What a batch did; `changes` lists every code it added or changed."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)


@contextmanager
def writing(project: Project, *, origin: str, reserved: str | None = None) -> Iterator[CodeWriter]:
    """One write transaction with a `CodeWriter`: everything written in the block commits
    together or not at all. `reserved` names the one reserved coder (the consensus, the
    suggester) that this writer may write as: only the supervisor's adjudication and
    `suggest` pass it."""
    try:
        with project.writing() as session:
            yield CodeWriter(session, project, origin=origin, reserved=reserved)
    except BaseException:
        project.forget_cached_ids()  # ids of coders made in a rolled-back transaction
        raise


class CodeWriter:
    """Writes codes, notes and their history inside a write transaction the caller holds.

    The one place where Code, Note and History rows are made or changed, so validation,
    history and the changes reported back are the same for every writer. All of its
    writes share one time stamp and one history origin.
    """

    def __init__(
        self, session: Session, project: Project, *, origin: str, reserved: str | None = None
    ) -> None:
        self.session = session
        self.project = project
        self.origin = origin
        self.reserved = reserved
        self.now = utcnow()

    def coder_id(self, name: str) -> tuple[str, int]:
        """The checked name and id of the coder to write as, created on first use.

        A reserved name (`consensus`, `suggester`, `gold`, `alice~training`) is written
        only by the writer made for it (the gold and a trainee are created with their
        role: the consensus and the suggester make their own rows); a new name must be
        one that prints as it is (no control, bidi or zero-width characters) and must not
        pass for a reserved one."""
        name = _checked_coder(name)
        why = reserved_why(name)
        if why is not None and name != self.reserved:
            raise CodingError(f"{printable_name(name)!r}: {why}")
        found = self.project.coder_id(self.session, name, create=False)
        if found is not None:
            return name, found
        if why is None and (problem := new_name_problem(name)) is not None:
            raise CodingError(f"coder name {printable_name(name)!r} {problem}")
        role = reserved_role(name)  # the gold and a trainee are made with their role
        role = role if role in OUTSIDE_THE_STUDY else Role.CODER
        return name, self.project.coder_id(self.session, name, role=role)

    def set_codes(self, coder: str, unit_id: int, codes: Mapping[str, str | None]) -> list[Change]:
        """Set (or, with None, clear) fields of one unit; unchanged fields write nothing.

        A code that switches a conditional field off clears that field too, in the same
        transaction and with its own history row (and change: an undo restores both); a
        code for a field whose condition does not hold is refused."""
        coder, coder_id = self.coder_id(coder)
        _validate_codes(self.project.codebook, codes)
        unit, sha = _unit_to_write(self.session, unit_id)
        codes = self._with_conditions(unit, coder_id, codes)
        changes = [
            self._write_code(unit, sha, coder, coder_id, field, code)
            for field, code in codes.items()
        ]
        return [change for change in changes if change is not None]

    def _with_conditions(
        self, unit: Unit, coder_id: int, codes: Mapping[str, str | None]
    ) -> dict[str, str | None]:
        """`codes` checked against the unit's kind and the codebook's conditions as they
        will stand once written, with a clear added for every coded field they switch off."""
        codebook = self.project.codebook
        scope = Scope.ARTICLE if unit.kind == ARTICLE_KIND else Scope.UNIT
        for key in codes:
            if codebook.field(key).scope is not scope:
                where = "once per article" if scope is Scope.UNIT else "on each unit"
                raise CodingError(f"field {key!r} is coded {where}, not here")
        if not any(f.when for f in codebook.fields_of(scope)):
            return dict(codes)
        current = self._unit_codes(saved_id(unit.id), coder_id)
        after = {k: v for k, v in (current | dict(codes)).items() if v is not None}
        asked = codebook.applicable(scope, after)
        for key, code in codes.items():
            if code is not None and key not in asked:
                field = codebook.field(key)
                condition = describe(field.when, {f.key: f.label for f in codebook.fields})  # type: ignore[arg-type]
                raise CodingError(f"field {key!r} is not asked here: only when {condition}")
        cleared = {key: None for key in after if key not in asked}
        return dict(codes) | cleared

    def _unit_codes(self, unit_id: int, coder_id: int) -> dict[str, str | None]:
        query = select(Code.field, Code.code).where(
            Code.unit_id == unit_id, Code.coder_id == coder_id
        )
        return dict(self.session.exec(query).all())

    def replay(
        self, coder: str, changes: Sequence[Change], *, all_or_nothing: bool = False
    ) -> list[Change]:
        """Make each change where its field still holds the change's `old` value; with
        `all_or_nothing` one field that does not refuses the whole transaction."""
        for change in changes:
            _validate_codes(self.project.codebook, {change.target: change.new})
        coder, coder_id = self.coder_id(coder)
        self._check_replayed_conditions(coder_id, changes)
        made: list[Change] = []
        for change in changes:
            row = _locked(
                self.session, Code, unit_id=change.unit_id, coder_id=coder_id, field=change.target
            )
            if (current := row.code if row else None) != change.old:
                if all_or_nothing:
                    raise StaleChange(change, current)
                continue
            unit, sha = _unit_to_write(self.session, change.unit_id)
            done = self._write_code(unit, sha, coder, coder_id, change.target, change.new)
            made += [done] if done else []
        return made

    def _check_replayed_conditions(self, coder_id: int, changes: Sequence[Change]) -> None:
        """An undo or redo restores a conditional field together with the code that
        asks for it (they were one step): checked on each unit's state after all of it."""
        by_unit: dict[int, dict[str, str | None]] = {}
        for change in changes:
            by_unit.setdefault(change.unit_id, {})[change.target] = change.new
        for unit_id, codes in by_unit.items():
            unit, _sha = _unit_and_sha(self.session, unit_id)
            extra = self._with_conditions(unit, coder_id, codes).keys() - codes.keys()
            if extra:
                raise CodingError(
                    f"this step would leave {sorted(extra)[0]!r} coded where it is not asked"
                )

    def set_note(self, coder: str, unit_id: int, text: str) -> Change | None:
        """Replace a coder's note on a unit with `text` exactly as written (a leading tab
        is the coder's, and an export read back must give the same note); a text of
        only whitespace removes it."""
        coder, coder_id = self.coder_id(coder)
        session = self.session
        unit, sha = _unit_to_write(session, unit_id)
        new = text if text.strip() else None
        note = _locked(session, Note, unit_id=unit_id, coder_id=coder_id)
        if note is None and new is not None:
            values = {"unit_id": unit_id, "coder_id": coder_id, "text": new, "noted_at": self.now}
            if db.insert_unless_present(session, table_of(Note), values, ["unit_id", "coder_id"]):
                self.history(sha, unit, coder, NOTE_TARGET, None, new, None)
                return Change(unit_id, coder, NOTE_TARGET, None, new)
            note = _locked(session, Note, unit_id=unit_id, coder_id=coder_id)
        old = note.text if note else None
        if old == new:
            return None
        if new is None:
            session.delete(note)
        elif note is not None:
            note.text, note.noted_at = new, self.now
            session.add(note)
        self.history(sha, unit, coder, NOTE_TARGET, old, new, None)
        return Change(unit_id, coder, NOTE_TARGET, old, new)

    def write_batch(self, batch: Iterable[BatchCode], *, keep_changes: bool = True) -> BatchCounts:
        """Many codes at once (a None code clears the field), validated, with history, in
        bulk statements: per chunk of the batch, one SELECT of the codes it touches, then
        executemany. The batch is consumed chunk by chunk, so the statements' rows of one
        chunk are in memory at a time, never those of a whole million-code import;
        `keep_changes=False` keeps no list of changes either (an import reports counts)."""
        counts = BatchCounts()
        checked: set[tuple[str, str | None]] = set()
        for chunk in _chunks(batch):
            for pair in {(entry.field, entry.code) for entry in chunk} - checked:
                _validate_codes(self.project.codebook, {pair[0]: pair[1]})  # each pair once
                checked.add(pair)
            self._write_chunk(chunk, counts, keep_changes)
        return counts

    def _write_chunk(self, chunk: list[BatchCode], counts: BatchCounts, keep: bool) -> None:
        coder_ids = {name: self.coder_id(name)[1] for name in {entry.coder for entry in chunk}}
        existing = self._existing_codes(coder_ids.values(), {entry.unit_id for entry in chunk})
        version = self.project.codebook_version_id
        inserts, updates, deletes, history = [], [], [], []
        for entry in chunk:
            coder_id = coder_ids[entry.coder]
            code_id, old = existing.get((entry.unit_id, coder_id, entry.field), (None, None))
            if old == entry.code:
                counts.unchanged += 1
                continue
            row = {"code": entry.code, "coded_at": self.now, "codebook_version_id": version}
            if code_id is None:
                inserts.append(
                    row | {"unit_id": entry.unit_id, "coder_id": coder_id, "field": entry.field}
                )
                counts.added += 1
            elif entry.code is None:
                deletes.append(code_id)
                counts.changed += 1
            else:
                updates.append(row | {"id": code_id})
                counts.changed += 1
            if keep:
                counts.changes.append(
                    Change(entry.unit_id, entry.coder, entry.field, old, entry.code)
                )
            history.append(
                {
                    "article_sha256": entry.article_sha256,
                    "start": entry.start,
                    "end": entry.end,
                    "coder": entry.coder,
                    "target": entry.field,
                    "old": old,
                    "new": entry.code,
                    "codebook_version_id": version,
                    "origin": self.origin,
                    "at": self.now,
                }
            )
        # Core statements on the tables: executemany, without the ORM's bulk bookkeeping
        # (which took two thirds of the time of a suggester run's writing).
        if inserts:
            self.session.execute(insert(table_of(Code)), inserts)
        if updates:
            self.session.execute(update(Code), updates)
        if deletes:
            self.session.execute(delete(Code).where(col(Code.id).in_(deletes)))
        if history:
            self.session.execute(insert(table_of(History)), history)

    def _existing_codes(
        self, coder_ids: Iterable[int], unit_ids: set[int]
    ) -> dict[tuple[int, int, str], tuple[int | None, str | None]]:
        """(unit, coder, field) -> (code id, code) of these coders on these units, locked
        until commit (FOR UPDATE on a server, as `_locked` does for one row)."""
        query = (
            wide_select(Code.id, Code.unit_id, Code.coder_id, Code.field, Code.code)
            .where(col(Code.coder_id).in_(list(coder_ids)), col(Code.unit_id).in_(unit_ids))
            .with_for_update()
        )
        return {
            (unit_id, coder_id, field_key): (code_id, code)
            for code_id, unit_id, coder_id, field_key, code in self.session.exec(query)
        }

    def history(
        self,
        sha: str,
        unit: Span,
        coder: str,
        target: str,
        old: str | None,
        new: str | None,
        version: int | None,
    ) -> None:
        """The history row of a change this writer made (or, in a merge, adopted)."""
        self.session.add(
            history_row(sha, unit, coder, target, old, new, version, self.origin, self.now)
        )

    def _write_code(
        self, unit: Unit, sha: str, coder: str, coder_id: int, field: str, code: str | None
    ) -> Change | None:
        """Write one field's code with its history row; see `_locked` for concurrency."""
        session, now = self.session, self.now
        version = self.project.codebook_version_id
        unit_id = saved_id(unit.id)
        row = _locked(session, Code, unit_id=unit_id, coder_id=coder_id, field=field)
        if row is None and code is not None:
            values = {
                "unit_id": unit_id,
                "coder_id": coder_id,
                "field": field,
                "code": code,
                "codebook_version_id": version,
                "coded_at": now,
            }
            keys = ["unit_id", "coder_id", "field"]
            if db.insert_unless_present(session, table_of(Code), values, keys) is not None:
                self.history(sha, unit, coder, field, None, code, version)
                return Change(unit_id, coder, field, None, code)
            # Another session saved this field first and has committed: take its row.
            row = _locked(session, Code, unit_id=unit_id, coder_id=coder_id, field=field)
        old = row.code if row else None
        if old == code:
            return None
        if code is None:
            session.delete(row)
        elif row is not None:
            row.code, row.coded_at, row.codebook_version_id = code, now, version
            session.add(row)
        self.history(sha, unit, coder, field, old, code, version)
        return Change(unit_id, coder, field, old, code)


def apply_codes(
    project: Project,
    coder: str,
    unit_id: int,
    codes: Mapping[str, str | None],
    *,
    origin: str = Origin.MANUAL,
) -> list[Change]:
    """Set (or, with None, clear) several fields of one unit in one transaction.

    Setting a field to the code it already has changes nothing and writes no history.
    """
    _validate_codes(project.codebook, codes)  # before any transaction opens
    with writing(project, origin=origin) as writer:
        return writer.set_codes(coder, unit_id, codes)


SHORT_TRANSACTION = 500  # codes per transaction of `write_in_batches`


def write_in_batches(
    project: Project,
    batch: Iterable[BatchCode],
    *,
    origin: str,
    size: int | None = None,
    reserved: str | None = None,
) -> BatchCounts:
    """`write_batch` in short write transactions of `size` codes each, so that a long run
    (the suggester over a whole project) never makes a coder's save wait more than a
    moment: issue 21, one transaction of an ORM round trip per change held the write lock
    for over a minute. Each transaction is whole; a failure keeps the ones before it. For
    the machine coder's codes, which only its own run writes."""
    total = BatchCounts()
    for chunk in _chunks(batch, size or SHORT_TRANSACTION):
        with writing(project, origin=origin, reserved=reserved) as writer:
            counts = writer.write_batch(chunk)
        total.added += counts.added
        total.changed += counts.changed
        total.unchanged += counts.unchanged
        total.changes += counts.changes
    return total


def apply_changes(
    project: Project,
    coder: str,
    changes: Sequence[Change],
    *,
    origin: str,
    all_or_nothing: bool = False,
    reserved: str | None = None,
) -> list[Change]:
    """Replay prepared code changes of one coder in one transaction, each only where the
    field still holds the change's `old` value: a bulk undo or redo then never overwrites
    a code someone set since. Returns the changes made (maybe fewer than asked).

    With `all_or_nothing`, one field that no longer holds its `old` value refuses the
    whole batch (a `StaleChange`, nothing written): an undo of one action is then either
    exactly the reverse of that action or nothing."""
    for change in changes:
        _validate_codes(project.codebook, {change.target: change.new})
    with writing(project, origin=origin, reserved=reserved) as writer:
        return writer.replay(coder, changes, all_or_nothing=all_or_nothing)


class StaleChange(CodingError):
    """A change prepared against a value that someone has changed since."""

    def __init__(self, change: Change, current: str | None) -> None:
        self.change, self.current = change, current
        now = "cleared" if current is None else f"set to {current!r}"
        super().__init__(
            f"{change.target} was {now} since (in another window or program); nothing changed"
        )


def unit_codes(project: Project, coder: str, unit_id: int) -> dict[str, str]:
    """field -> code of one coder on one unit, as committed now."""
    with project.reading() as session:
        query = (
            select(Code.field, Code.code)
            .join(Coder, col(Coder.id) == Code.coder_id)
            .where(Coder.name == coder, Code.unit_id == unit_id)
        )
        return dict(session.exec(query).all())


def stale_change(project: Project, coder: str, changes: Sequence[Change]) -> StaleChange | None:
    """The first change whose field no longer holds its `old` value, as the error that
    `apply_changes(..., all_or_nothing=True)` would raise, or None (a read, no lock:
    for asking before an undo, which still checks again as it writes)."""
    current: dict[int, dict[str, str]] = {}
    for change in changes:
        if change.unit_id not in current:
            current[change.unit_id] = unit_codes(project, coder, change.unit_id)
        if (now := current[change.unit_id].get(change.target)) != change.old:
            return StaleChange(change, now)
    return None


def code_unit(
    project: Project, coder: str, unit_id: int, field: str, code: str | None, **options
) -> Change | None:
    """Set one field of one unit; returns the change, or None when nothing changed."""
    changes = apply_codes(project, coder, unit_id, {field: code}, **options)
    return changes[0] if changes else None


def set_note(
    project: Project, coder: str, unit_id: int, text: str, *, origin: str = Origin.MANUAL
) -> Change | None:
    """Replace a coder's note on a unit; an empty text removes it."""
    with writing(project, origin=origin) as writer:
        return writer.set_note(coder, unit_id, text)


def coder_codes(
    project: Project,
    coder: str,
    article_id: int | None = None,
    *,
    article_ids: Collection[int] | None = None,
) -> dict[int, dict[str, str]]:
    """unit id -> {field: code} for one coder (only their own codes: coding is blind), on
    every unit, one article's or those of `article_ids`."""
    if article_id is not None:
        article_ids = [article_id]
    with project.reading() as session:
        query = (
            select(Code.unit_id, Code.field, Code.code)
            .join(Coder, col(Coder.id) == Code.coder_id)
            .where(Coder.name == coder)
        )
        if article_ids is not None:
            query = query.where(col(Code.unit_id).in_(_units_of(article_ids)))
        result: dict[int, dict[str, str]] = {}
        for unit_id, field, code in session.exec(query):
            result.setdefault(unit_id, {})[field] = code
        return result


def coder_notes(project: Project, coder: str, article_id: int | None = None) -> dict[int, str]:
    """unit id -> note text, for one coder."""
    with project.reading() as session:
        query = (
            select(Note.unit_id, Note.text)
            .join(Coder, col(Coder.id) == Note.coder_id)
            .where(Coder.name == coder)
        )
        if article_id is not None:
            query = query.where(col(Note.unit_id).in_(_units_of([article_id])))
        return dict(session.exec(query).all())


def _units_of(article_ids: Collection[int]):
    """These articles' unit ids, as a subquery: a filter `unit_id IN` this leads SQLite's
    planner from the articles' units (by the unit table's article index) to their codes
    or notes, where a join on the unit table alone let it walk every one of the coder's
    codes (0.25 s for one article of a 10,000-article project, against 0.01 s)."""
    return select(Unit.id).where(col(Unit.article_id).in_(article_ids))


def is_complete(codebook: Codebook, codes: Mapping[str, str], kind: str = "sentence") -> bool:
    """A unit is complete when every required field asked of it has a code
    (`Codebook.is_complete`; `completed_units` says the same in SQL)."""
    return codebook.is_complete(kind, codes)


def is_finished(complete: int, total: int) -> bool:
    """An article is finished when every unit of it that needs coding is complete (the
    one rule: the article list, its filter and the status bar all ask it)."""
    return complete >= total


@dataclass(frozen=True)
class ArticleProgress:
    article_id: int
    complete: int
    total: int

    @property
    def finished(self) -> bool:
        return is_finished(self.complete, self.total)


def completed_units(
    codebook: Codebook, coder: str | None = None, article_ids: Collection[int] | None = None
):
    """A subquery of (coder_id, article_id, unit_id) for every unit a coder has complete:
    every required field asked of it coded (a conditional field only where its condition
    holds), on a unit the codebook asks to be coded, the article unit included when the
    codebook asks of articles. The one place that says what "complete" means in SQL
    (`Codebook.is_complete` says it in Python; a test holds the two together). With
    `article_ids`, only those articles' units: the unit table's index on the article
    finds them, so a page of the article list costs the same in any size of project."""
    query = (
        select(Code.coder_id, Unit.article_id, Code.unit_id)
        .join(Unit, col(Unit.id) == Code.unit_id)
        .where(col(Unit.kind).in_(codebook.progress_kinds))
        .group_by(col(Code.coder_id), col(Unit.article_id), col(Code.unit_id), col(Unit.kind))
        .having(
            case(
                (col(Unit.kind) == ARTICLE_KIND, _complete_sql(codebook, Scope.ARTICLE)),
                else_=_complete_sql(codebook, Scope.UNIT),
            )
            == 1
        )
    )
    if coder is not None:
        query = query.join(Coder, col(Coder.id) == Code.coder_id).where(Coder.name == coder)
    if article_ids is not None:  # both: the second leads the planner (`_units_of`)
        query = query.where(
            col(Unit.article_id).in_(article_ids), col(Code.unit_id).in_(_units_of(article_ids))
        )
    return query.subquery()


def _complete_sql(codebook: Codebook, scope: Scope):
    """1 when a unit's group of code rows has every required field of `scope` that its
    condition asks for, else 0."""
    tests = [
        or_(not_(_holds_sql(f.when)), _has_sql(f.key)) if f.when is not None else _has_sql(f.key)
        for f in codebook.fields_of(scope)
        if f.required
    ]
    return case((and_(true(), *tests), 1), else_=0)


def _has_sql(key: str):
    return func.max(case((col(Code.field) == key, 1), else_=0)) == 1


def _holds_sql(condition: Condition):
    """A `when` condition over the code rows of one unit (see conditions)."""
    if isinstance(condition, FieldIn):
        framed = (
            literal(field_values.MULTIPLE_SEPARATOR)
            + col(Code.code)
            + literal(field_values.MULTIPLE_SEPARATOR)
        )
        matches = or_(*[framed.like(f"%;{code};%") for code in condition.codes])
        hit = case((and_(col(Code.field) == condition.field, matches), 1), else_=0)
        return func.max(hit) == 1
    if isinstance(condition, AllOf):
        return and_(*[_holds_sql(part) for part in condition.all])
    return or_(*[_holds_sql(part) for part in condition.any])


def units_to_code(project: Project, article_ids: Collection[int] | None = None) -> dict[int, int]:
    """Per article (of all, or of `article_ids`): how many units need coding. An article
    with none is absent."""
    query = select(Unit.article_id, func.count()).where(
        col(Unit.kind).in_(project.codebook.progress_kinds)
    )
    if article_ids is not None:
        query = query.where(col(Unit.article_id).in_(article_ids))
    with project.reading() as session:
        return dict(session.exec(query.group_by(col(Unit.article_id))).all())


def progress(
    project: Project, coder: str, article_ids: Collection[int] | None = None
) -> dict[int, ArticleProgress]:
    """Per article: how many of the units that need coding this coder has completed; with
    `article_ids` (a page of the article list: up to a few hundred), only those articles,
    read through the indexes on unit and code rather than by scanning every code."""
    codebook = project.codebook
    totals = units_to_code(project, article_ids)
    with project.reading() as session:
        complete = completed_units(codebook, coder, article_ids)
        done = dict(
            session.exec(
                select(complete.c.article_id, func.count()).group_by(complete.c.article_id)
            ).all()
        )
        ids = (
            list(article_ids)
            if article_ids is not None
            else list(map(saved_id, session.exec(select(Article.id)).all()))
        )
    return {i: ArticleProgress(i, done.get(i, 0), totals.get(i, 0)) for i in ids}


def unit_history(project: Project, unit_id: int) -> list[History]:
    """Every recorded change to a unit, oldest first."""
    with project.reading() as session:
        unit, sha = _unit_and_sha(session, unit_id)
        return list(
            session.exec(
                select(History)
                .where(
                    History.article_sha256 == sha,
                    History.start == unit.start,
                    History.end == unit.end,
                )
                .order_by(col(History.id))
            ).all()
        )


# -- internals -------------------------------------------------------------------------


def _checked_coder(name: str) -> str:
    name = name.strip()
    if not name:
        raise CodingError("a coder name is needed")
    if len(name) > 100:
        raise CodingError("coder name is longer than 100 characters")
    return name


def _validate_codes(codebook: Codebook, codes: Mapping[str, str | None]) -> None:
    """Each code the stored spelling of a value of its field's type (field_values)."""
    if not codes:
        raise CodingError("no field to code")
    for field_key, code in codes.items():
        field = codebook.field(field_key)
        if code is None:
            continue
        if field.type is FieldType.SINGLE and field.category(code) is None:
            known = ", ".join(c.code for c in field.categories)
            raise CodingError(f"field {field_key!r} has no code {code!r} (codes: {known})")
        if (problem := field_values.check(field, code)) is not None:
            shown = code if len(code) <= 60 else code[:57] + "..."
            raise CodingError(f"field {field_key!r}: {shown!r} is {problem}")


def _unit_and_sha(session: Session, unit_id: int) -> tuple[Unit, str]:
    """The unit and its article's sha256 (not the whole article: it may be long)."""
    row = session.exec(
        select(Unit, Article.sha256)
        .join(Article, col(Article.id) == Unit.article_id)
        .where(Unit.id == unit_id)
    ).first()
    if row is None:
        raise CodingError(f"no unit with id {unit_id}")
    return row


def _unit_to_write(session: Session, unit_id: int) -> tuple[Unit, str]:
    """The unit and its article's sha256, read after waiting for a change of the unit's
    segmentation in progress (a split), which then waits for this save in turn."""
    db.lock_unit(session, unit_id, exclusive=False)
    return _unit_and_sha(session, unit_id)


WRITE_CHUNK = 5_000  # codes per chunk of a batch (SQLite allows 32,766 parameters a statement)


def _chunks(items: Iterable[T], size: int = WRITE_CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _locked(session: Session, model, **keys):
    """The row with these unique keys, locked until commit (FOR UPDATE; a no-op on SQLite).

    Two sessions changing the same code therefore take turns: the second reads the
    first one's committed value as its `old`, so history stays a true chain and the
    unique constraint is never violated.
    """
    conditions = [getattr(model, key) == value for key, value in keys.items()]
    return session.exec(
        select(model).where(*conditions).with_for_update().execution_options(populate_existing=True)
    ).first()


class Span(Protocol):
    """Where a unit is in its article: what a history row keeps of it."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def history_row(
    sha: str,
    unit: Span,
    coder: str,
    target: str,
    old: str | None,
    new: str | None,
    version: int | None,
    origin: str,
    at: datetime | None = None,
) -> History:
    """The audit-trail row for one change; `unit` is anything with `start` and `end`."""
    return History(
        article_sha256=sha,
        start=unit.start,
        end=unit.end,
        coder=coder,
        target=target,
        old=old,
        new=new,
        codebook_version_id=version,
        origin=origin,
        at=at or utcnow(),
    )
