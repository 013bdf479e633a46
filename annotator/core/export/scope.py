"""What an export covers, read from the database in chunks so memory stays flat.

Every layout is built from one stream of `UnitRecord`s: the units in scope in
reading order (articles by position, units by index), each carrying the codes
and notes of the coders in scope. Units come from one server-side cursor; the
codes and notes of each chunk of units are fetched with one indexed query each
(`uq_code_unit_coder_field` starts with `unit_id`), so neither the project's
size nor the number of coders changes how much is held at once.

Which units: those the codebook says need coding (`Codebook.needs_coding`, by
kind) plus any other unit (a title, a heading) that a coder in scope has coded
or annotated with a note, so nothing coded is ever left out of an export. An
article's own unit (kind "article", idx 0: the article fields' codes) is a unit
only of the articles layout, where its codes fill the article's rows; the long,
wide and consensus layouts are about text units and never show it as a row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, cast

import sqlmodel
from sqlalchemy import (
    String,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    true,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from annotator.core import field_values
from annotator.core.codebook import ARTICLE_KIND, Codebook
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.errors import AnnotatorError
from annotator.core.store.article_units import TEXT_UNIT
from annotator.core.store.models import (
    Article,
    Code,
    CodebookVersion,
    Coder,
    Note,
    Unit,
    saved_id,
)
from annotator.core.store.project import Project
from annotator.core.store.roles import OUTSIDE_THE_STUDY, Role

CHUNK_UNITS = 1000  # units per chunk; each chunk costs one codes query and one notes query
LAYOUTS = ("long", "wide", "consensus", "articles", "sources")
VALUE_MODES = ("codes", "values", "labels")


@dataclass(frozen=True)
class ExportOptions:
    """What to export: the layout, how codes are written, and an optional selection.

    `coders` names coders explicitly (kept in name order); by default the long
    layout has every coder, consensus coders included, while the wide, consensus
    and articles layouts use the coders with role "coder" only, because the wide
    layout is read by reliability tools that take every column as an independent
    rater. The gold standard and training codes are in no layout unless named: training
    is not the study. `articles` restricts the export to articles by key.
    """

    layout: str = "long"
    values: str = "codes"
    coders: tuple[str, ...] | None = None
    articles: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise AnnotatorError(f"unknown layout {self.layout!r} (layouts: {', '.join(LAYOUTS)})")
        if self.values not in VALUE_MODES:
            raise AnnotatorError(f"unknown value mode {self.values!r} ({', '.join(VALUE_MODES)})")


@dataclass(frozen=True)
class CoderInfo:
    id: int
    name: str
    role: str


class CoderCodes(NamedTuple):
    """One coder's codes of one unit, pivoted by SQLite: a code (or None) per codebook field
    in codebook order, the newest timestamp as stored, and the newest codebook version.

    "Newest version" is the highest codebook version id among the codes, which is the
    version of the most recent code unless a coder kept coding with an old version.
    """

    codes: tuple[str | None, ...]
    coded_at: str | datetime
    version_id: int

    def as_dict(self, keys: list[str]) -> dict[str, str]:
        return {key: code for key, code in zip(keys, self.codes, strict=True) if code is not None}


@dataclass(slots=True)
class UnitRecord:
    """A unit in scope with its article's facts and the codes and notes of coders in scope."""

    id: int
    article_id: int
    article_key: str
    title: str
    outlet: str | None
    published: str | None
    author: str | None
    idx: int
    kind: str
    text: str
    codes: dict[int, CoderCodes] = field(default_factory=dict)  # by coder id
    notes: dict[int, str] = field(default_factory=dict)  # by coder id

    @property
    def key(self) -> str:
        return f"{self.article_key}#{self.idx}"


@dataclass(frozen=True)
class ArticleSpan:
    """Part of the reading order: articles from `start` (included) up to `stop` (left
    out), each given as its (position, id), the order's key; None leaves that end open.
    Two spans that meet at one article share the units in scope between them exactly."""

    start: tuple[int, int] | None = None
    stop: tuple[int, int] | None = None

    def condition(self):
        """The WHERE clause on `Article` (joined in the statement it is added to)."""
        key = tuple_(col(Article.position), col(Article.id))
        parts = []
        if self.start is not None:
            parts.append(key >= tuple_(*self.start))
        if self.stop is not None:
            parts.append(key < tuple_(*self.stop))
        return and_(true(), *parts)


@dataclass(frozen=True)
class Scope:
    """The coders an export reads and the codebook versions its codes point at."""

    coders: list[CoderInfo]
    consensus: CoderInfo | None
    versions: dict[int, tuple[str, str]]  # codebook_version id -> (name, version)
    article_ids: list[int] | None
    article_units: bool = False  # the articles layout reads the articles' own units

    @property
    def read_ids(self) -> list[int]:
        """Every coder whose codes are fetched: those in scope and the consensus coder."""
        ids = [c.id for c in self.coders]
        if self.consensus is not None and self.consensus.id not in ids:
            ids.append(self.consensus.id)
        return ids


def resolve_scope(session: Session, options: ExportOptions) -> Scope:
    """Coders and articles named in `options`, checked; unknown names are user errors."""
    everyone = [
        CoderInfo(saved_id(i), n, r)
        for i, n, r in session.exec(
            sqlmodel.select(Coder.id, Coder.name, Coder.role).order_by(col(Coder.name))
        )
    ]
    by_name = {c.name: c for c in everyone}
    if options.coders is not None:
        unknown = [name for name in options.coders if name not in by_name]
        if unknown:
            known = ", ".join(by_name) or "none yet"
            raise AnnotatorError(f"no coder {unknown[0]!r} in this project (coders: {known})")
        coders = sorted({by_name[name] for name in options.coders}, key=lambda c: c.name)
    elif options.layout == "long":  # training is not the study: named, or left out
        coders = [c for c in everyone if c.role not in OUTSIDE_THE_STUDY]
    else:
        coders = [c for c in everyone if c.role not in {Role.CONSENSUS, *OUTSIDE_THE_STUDY}]
    consensus = next((c for c in everyone if c.role == Role.CONSENSUS), None)
    versions = {
        saved_id(i): (n, v)
        for i, n, v in session.exec(
            sqlmodel.select(CodebookVersion.id, CodebookVersion.name, CodebookVersion.version)
        )
    }
    articles = _article_ids(session, options.articles)
    return Scope(coders, consensus, versions, articles, options.layout == "articles")


def consensus_coders(project: Project) -> list[str]:
    """The names of the coders whose role is consensus (the export dialog says what the
    layouts do with them)."""
    with project.reading() as session:
        query = sqlmodel.select(Coder.name).where(Coder.role == Role.CONSENSUS)
        return sorted(session.exec(query).all())


def _article_ids(session: Session, keys: tuple[str, ...] | None) -> list[int] | None:
    if keys is None:
        return None
    found = dict(
        session.exec(
            sqlmodel.select(Article.key, Article.id).where(col(Article.key).in_(keys))
        ).all()
    )
    missing = [key for key in keys if key not in found]
    if missing:
        raise AnnotatorError(f"no article {missing[0]!r} in this project")
    return [saved_id(found[key]) for key in keys]


def _units_in_scope(project: Project, scope: Scope):
    """The WHERE clause shared by counting and streaming units."""
    ids = scope.read_ids
    touched = or_(
        exists().where(col(Code.unit_id) == Unit.id, col(Code.coder_id).in_(ids)),
        exists().where(col(Note.unit_id) == Unit.id, col(Note.coder_id).in_(ids)),
    )
    codebook = project.codebook
    kinds = [*codebook.coded_kinds, *([ARTICLE_KIND] if scope.article_units else [])]
    condition = or_(col(Unit.kind).in_(kinds), touched)
    if not scope.article_units:
        condition = condition & TEXT_UNIT
    if scope.article_ids is not None:
        condition = condition & col(Unit.article_id).in_(scope.article_ids)
    return condition


def versions_used(session: Session, scope: Scope) -> list[tuple[str, str]]:
    """(name, version) of every codebook version that codes in the export were made
    under, oldest first: more than one means codes of two versions are compared."""
    # Every unit a coder in scope coded is in scope (see _units_in_scope), but for the
    # article units and the articles chosen.
    query = (
        select(col(Code.codebook_version_id))
        .join(Unit, col(Unit.id) == Code.unit_id)
        .where(col(Code.coder_id).in_(scope.read_ids))
        .distinct()
    )
    if not scope.article_units:
        query = query.where(TEXT_UNIT)
    if scope.article_ids is not None:
        query = query.where(col(Unit.article_id).in_(scope.article_ids))
    if len(scope.versions) == 1:
        # One version is all there can be: the first code in scope says whether it is
        # used, where DISTINCT would read every code (0.5 s at 10,000 articles).
        query = query.limit(1)
    ids: list[int] = sorted(session.execute(query).scalars())
    return [scope.versions[i] for i in ids if i in scope.versions]


def middle_article(session: Session, scope: Scope) -> tuple[int, int] | None:
    """(position, id) of the article halfway through the reading order of the articles in
    scope, where an export can be cut in two; None with fewer than two articles."""
    query = select(col(Article.position), col(Article.id))
    if scope.article_ids is not None:
        query = query.where(col(Article.id).in_(scope.article_ids))
    count: int = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if count < 2:
        return None
    middle = query.order_by(col(Article.position), col(Article.id)).offset(count // 2).limit(1)
    position, article_id = cast(tuple[int, int], tuple(session.execute(middle).one()))
    return position, article_id


def count_units(project: Project, session: Session, scope: Scope) -> int:
    """How many units an export covers, for progress bars."""
    query = select(func.count()).select_from(Unit).where(_units_in_scope(project, scope))
    return session.execute(query).scalar_one()


def iter_unit_chunks(
    project: Project,
    session: Session,
    scope: Scope,
    chunk_size: int = CHUNK_UNITS,
    skipped: SkippedCodes | None = None,
    span: ArticleSpan | None = None,
) -> Iterator[list[UnitRecord]]:
    """The units in scope, in reading order, a chunk at a time, with codes and notes filled in;
    with `span`, only those of the articles in that part of the reading order.

    A code the codebook does not have is left out (a blank cell), counted in `skipped`.

    Runs on the session's Core connection: ORM row handling would cost more than the
    query itself on a big project.
    """
    query = (
        select(
            # A stored unit always has its id. Typed `int | None` as SQLModel types it (see
            # models.saved_id), every one of maybe millions of rows would need a check.
            cast(Mapped[int], col(Unit.id)),
            col(Unit.article_id),
            col(Article.key),
            col(Article.title),
            col(Article.outlet),
            col(Article.published),
            col(Article.author),
            col(Unit.idx),
            col(Unit.kind),
            col(Unit.text),
        )
        .join(Article, col(Article.id) == Unit.article_id)
        .where(_units_in_scope(project, scope))
        .order_by(col(Article.position), col(Article.id), col(Unit.idx))
        .execution_options(yield_per=chunk_size)
    )
    if span is not None:
        query = query.where(span.condition())
    statements = _CodeStatements([f.key for f in project.codebook.coded_fields])
    coder_ids = set(scope.read_ids)
    check = _CodeCheck(project, scope, skipped if skipped is not None else SkippedCodes())
    connection = session.connection()
    # Closed on leaving, also when the reader stops early (a preview, a cancel, an error):
    # on PostgreSQL the rows stream through a server-side cursor that must not be left open.
    with connection.execute(query) as result:
        for partition in result.partitions():
            records = [UnitRecord(*row) for row in partition]
            if coder_ids:
                _fill_codes(connection, records, coder_ids, statements, check)
            yield records


_VALID_REMEMBERED = 4096  # combinations of codes remembered as valid: bounded whatever the data


class _CodeCheck:
    """Blanks and counts the codes of a pivoted row that the codebook does not have: a
    code no single-choice field has, or a value its field's type does not take
    (`field_values.check`)."""

    def __init__(self, project: Project, scope: Scope, skipped: SkippedCodes) -> None:
        self.keys = [f.key for f in project.codebook.coded_fields]
        self.allowed = [_ValidValues(project.codebook, key) for key in self.keys]  # by position
        coders = [*scope.coders, *([scope.consensus] if scope.consensus else [])]
        self.names = {c.id: c.name for c in coders}
        self.skipped = skipped
        self.valid: set[tuple[str | None, ...]] = set()  # rows of codes already found valid

    def codes(self, coder_id: int, codes: tuple[str | None, ...]) -> tuple[str | None, ...]:
        """The row's codes, those the codebook lacks blanked and counted. The caller
        looks in `valid` first (the usual case: a handful of combinations repeat over
        every row), so a valid combination comes here until it is remembered; empty
        rows and rows with codes the codebook lacks come every time."""
        if all(
            code is None or code in known for known, code in zip(self.allowed, codes, strict=True)
        ):
            # Not an empty row: readers take a remembered row as one that has codes.
            if any(codes) and len(self.valid) < _VALID_REMEMBERED:
                self.valid.add(codes)
            return codes
        kept = []
        for key, known, code in zip(self.keys, self.allowed, codes, strict=True):
            if code is not None and code not in known:
                self.skipped.add(self.names.get(coder_id, str(coder_id)), key)
                code = None
            kept.append(code)
        return tuple(kept)


class _ValidValues:
    """`value in valid` for one field: a set lookup for single choice, the type's check
    for the others."""

    def __init__(self, codebook: Codebook, key: str) -> None:
        self.field = codebook.field(key)
        self.codes = frozenset(c.code for c in self.field.categories)
        self.single = self.field.type is field_values.FieldType.SINGLE

    def __contains__(self, value: object) -> bool:
        if self.single:
            return value in self.codes
        return isinstance(value, str) and field_values.check(self.field, value) is None


def _fill_codes(
    connection,
    records: list[UnitRecord],
    coder_ids: set[int],
    statements: _CodeStatements,
    check: _CodeCheck,
) -> None:
    """Codes and notes of a chunk's units, one query each.

    SQLite pivots the codes (a CASE per field, grouped by unit and coder), walking the
    `uq_code_unit_coder_field` index in order, so Python handles one row per unit and
    coder instead of one per code. Coders are filtered here: a filter on them in SQL
    would turn each unit's one index range into several seeks.
    """
    by_id = {record.id: record for record in records}
    codes_query, notes_query = statements.for_units(list(by_id))
    valid = check.valid
    end = 2 + statements.width
    for row in connection.execute(codes_query).all():
        record = by_id.get(row[0])  # None: a unit inside the range but not in scope
        if record is None or row[1] not in coder_ids:
            continue
        codes = row[2:end]
        if codes not in valid:  # the usual case is a combination already found valid
            codes = check.codes(row[1], codes)
            if not any(codes):
                continue
        record.codes[row[1]] = CoderCodes(codes, row[end], row[end + 1])
    for unit_id, coder_id, text in connection.execute(notes_query).all():
        record = by_id.get(unit_id)
        if record is not None and coder_id in coder_ids:
            record.notes[coder_id] = text


class _CodeStatements:
    """The codes and notes queries of a chunk of units.

    Units are mostly stored in reading order, so a chunk's ids usually fill a narrow
    range: then the queries read `unit_id BETWEEN lo AND hi`, one statement for the
    whole export that SQLAlchemy compiles once (an IN list of a thousand ids costs a
    compilation per chunk, about a tenth of the export). A chunk whose ids are spread
    (articles reordered, units added later) is read by its ids instead.
    """

    def __init__(self, fields: list[str]) -> None:
        self.width = len(fields)
        pivot = [func.max(case((col(Code.field) == key, Code.code))) for key in fields]
        self._codes = select(
            col(Code.unit_id),
            col(Code.coder_id),
            *pivot,
            func.max(type_coerce(Code.coded_at, String)),
            func.max(Code.codebook_version_id),
        ).group_by(col(Code.unit_id), col(Code.coder_id))
        self._notes = select(col(Note.unit_id), col(Note.coder_id), col(Note.text))

    def for_units(self, ids: list[int]):
        low, high = min(ids), max(ids)
        if high - low < 2 * len(ids):
            return (
                self._codes.where(col(Code.unit_id).between(low, high)),
                self._notes.where(col(Note.unit_id).between(low, high)),
            )
        return (
            self._codes.where(col(Code.unit_id).in_(ids)),
            self._notes.where(col(Note.unit_id).in_(ids)),
        )


def iso_utc(stored: str | datetime | None) -> str:
    """ISO 8601 UTC to the second ('2026-05-01T12:34:56Z') from a stored timestamp.

    Timestamps are read as the stored text (SQLAlchemy's 'YYYY-MM-DD HH:MM:SS.ffffff',
    always UTC, see models.utcnow) because parsing a million datetimes would dominate
    the export; a driver that returns datetime objects is handled too. Seconds are
    the precision every statistics package parses without a custom format.
    """
    if stored is None:
        return ""
    if isinstance(stored, datetime):
        return stored.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{stored[:10]}T{stored[11:19]}Z"


def latest(items: list[CoderCodes]) -> CoderCodes | None:
    """The most recently coded of several coders' codes (its time and version describe a row)."""
    return max(items, key=lambda item: item.coded_at, default=None)
