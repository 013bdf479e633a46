"""The four export layouts as columns plus a stream of row tuples.

Every layout starts from the same unit stream (`scope.iter_unit_chunks`) so that
they agree on which units exist and in what order: articles by position, units
by index, coders by name. Rows are plain tuples in column order, converted to
the requested representation of codes (codes, numeric values or labels) here,
so the CSV and SPSS/Stata writers only ever see finished cells.

Decisions the issue leaves open:
- long: one row per unit in scope and coder in scope, coded or not (a balanced
  panel; rows with no codes show what is still to do). `coded_at` is the time
  of the row's most recent code; `codebook`/`codebook_version` name the newest
  codebook version among its codes (see `scope.CoderCodes`).
- wide: columns `field__coder` grouped by field, then `note__coder` and
  `coded_at__coder`; `codebook`/`codebook_version` as in long, over all coders.
- consensus: the consensus coder's codes when that coder coded the unit
  (`consensus_source` "consensus", or "partial" when the supervisor left a required
  field undecided: those fields are left empty, not filled from elsewhere); otherwise,
  when at least two coders are in scope, each coded the unit and their codes are
  identical on every field, those codes ("agreement", `coder` lists them joined by
  ";"); otherwise no codes ("none"). Every unit in scope gets a row.
- articles: per article, one row per coder in scope and one row for the
  consensus layout (coder "consensus", role "consensus"): the units in scope,
  how many of them have a code, a `field_code` count per category, and the article's
  memo (`memo`, on each of its rows, empty where it has none).
- Codes of fields or categories the current codebook no longer has: the field
  columns come from the current codebook, so dropped fields are not exported;
  a dropped category is written as its code (and left empty in --values mode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlmodel import Session

from annotator.core import layout_columns as layout
from annotator.core.codebook import Codebook, CodebookField
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.coding.memos import memo_in
from annotator.core.export.scope import (
    CoderCodes,
    CoderInfo,
    ExportOptions,
    Scope,
    UnitRecord,
    count_units,
    iso_utc,
    iter_unit_chunks,
    latest,
    resolve_scope,
)
from annotator.core.store.models import Article
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, Role

TEXT, INTEGER, CODE, COUNT = "text", "integer", "code", "count"
TIMESTAMP = "timestamp"  # ISO 8601 UTC text in CSV; a date-time variable in .sav, .dta, .xlsx
ISO_SECOND = "%Y-%m-%dT%H:%M:%SZ"  # how `scope.iso_utc` writes a TIMESTAMP cell
# The names are `layout_columns`' (the readers of exports use the same); the labels ours.
ARTICLE_COLUMNS = tuple(
    zip(
        layout.ARTICLE_COLUMNS,
        ("Article key", "Article title", "Outlet", "Published", "Author (byline)"),
        strict=True,
    )
)
UNIT_COLUMNS = tuple(
    (name, label, kind)
    for name, (label, kind) in zip(
        layout.UNIT_COLUMNS,
        (
            ("Unit key (article#index)", TEXT),
            ("Unit index in article", INTEGER),
            ("Unit kind", TEXT),
            ("Unit text", TEXT),
        ),
        strict=True,
    )
)
TAIL_COLUMNS = tuple(zip(layout.TAIL_COLUMNS, ("Codebook", "Codebook version"), strict=True))


@dataclass(frozen=True)
class Column:
    """One exported column: its header, a human label, and what kind of cells it holds.

    `kind` decides formula neutralisation (only TEXT and CODE cells that are text)
    and the SPSS/Stata type; `field` is set for code columns, whose value labels
    and level of measurement come from it.
    """

    name: str
    label: str
    kind: str = TEXT
    field: CodebookField | None = None


@dataclass(frozen=True)
class RowChunk:
    """Rows ready to write, and how many units of the total they account for."""

    units: int
    rows: list[tuple]


def same(text: str) -> str:
    """Text cells as they are (previews, SPSS and Stata files)."""
    return text


class Layout:
    """One layout of one project: `columns`, then `chunks()` inside a read session.

    `text` is applied to every text cell and never to a number: the CSV writer
    passes formula neutralisation, previews and SPSS/Stata files pass nothing.
    Doing it here lets repeated text (a unit's article and sentence, a coder's name,
    a label) be treated once rather than once per row.
    """

    def __init__(
        self,
        project: Project,
        session: Session,
        options: ExportOptions,
        text: Callable[[str], str] = same,
    ) -> None:
        self.project = project
        self.session = session
        self.options = options
        self.text = text
        self.codebook: Codebook = project.codebook
        self.scope: Scope = resolve_scope(session, options)
        self.fields = list(self.codebook.fields)
        self._converters = [_converter(f, options.values, text) for f in self.fields]
        self.skipped = SkippedCodes()  # codes not in the codebook, left out of the rows
        self._blank = (None,) * len(self.fields)
        self._names = {c.id: text(c.name) for c in self.scope.coders}
        self._versions = {i: (text(n), text(v)) for i, (n, v) in self.scope.versions.items()}
        self.columns: list[Column] = getattr(self, f"_{options.layout}_columns")()

    def total_units(self) -> int:
        return count_units(self.project, self.session, self.scope)

    def chunks(self, chunk_size: int | None = None) -> Iterator[RowChunk]:
        """Rows in final order, a chunk of units at a time."""
        extra = {} if chunk_size is None else {"chunk_size": chunk_size}
        units = iter_unit_chunks(
            self.project, self.session, self.scope, skipped=self.skipped, **extra
        )
        if self.options.layout == "articles":
            yield from self._articles_chunks(units)
            return
        make = getattr(self, f"_{self.options.layout}_rows")
        for records in units:
            yield RowChunk(len(records), [row for record in records for row in make(record)])

    # -- columns -----------------------------------------------------------------------

    def _head_columns(self) -> list[Column]:
        return [Column(n, label) for n, label in ARTICLE_COLUMNS] + [
            Column(n, label, kind) for n, label, kind in UNIT_COLUMNS
        ]

    def _field_columns(self, suffix: str = "", who: str = "") -> list[Column]:
        return [Column(f"{f.key}{suffix}", f"{f.label}{who}", CODE, f) for f in self.fields]

    def _tail_columns(self) -> list[Column]:
        return [
            Column(layout.NOTE, "Coder's note"),
            Column(layout.CODED_AT, "Last coded (UTC, ISO 8601)", TIMESTAMP),
            *(Column(n, label) for n, label in TAIL_COLUMNS),
        ]

    def _long_columns(self) -> list[Column]:
        return [
            *self._head_columns(),
            Column(layout.CODER, "Coder"),
            *self._field_columns(),
            *self._tail_columns(),
        ]

    def _wide_columns(self) -> list[Column]:
        coders = self.scope.coders
        columns = self._head_columns()
        for f in self.fields:
            columns += [
                Column(f"{f.key}__{c.name}", f"{f.label} ({c.name})", CODE, f) for c in coders
            ]
        columns += [Column(f"{layout.NOTE}__{c.name}", f"Note ({c.name})") for c in coders]
        columns += [
            Column(f"{layout.CODED_AT}__{c.name}", f"Last coded ({c.name})", TIMESTAMP)
            for c in coders
        ]
        return columns + [Column(n, label) for n, label in TAIL_COLUMNS]

    def _consensus_columns(self) -> list[Column]:
        return [
            *self._head_columns(),
            Column(
                layout.CONSENSUS_SOURCE,
                "Source of the codes: consensus, partial (some fields decided), agreement or none",
            ),
            Column("coder", "Coder(s) the codes come from"),
            *self._field_columns(),
            *self._tail_columns(),
        ]

    def _articles_columns(self) -> list[Column]:
        columns = [Column(n, label) for n, label in ARTICLE_COLUMNS]
        columns += [
            Column("coder", "Coder, or consensus"),
            Column(layout.ROLE, "coder, consensus or machine (the suggester)"),
            Column(layout.UNITS, "Units in the export", COUNT),
            Column(layout.CODED_UNITS, "Units with at least one code", COUNT),
        ]
        for f in self.fields:
            columns += [
                Column(f"{f.key}_{c.code}", f"{f.label}: {c.label} (count)", COUNT)
                for c in f.categories
            ]
        columns.append(Column(layout.MEMO, "The article's memo"))
        return columns + [Column(n, label) for n, label in TAIL_COLUMNS]

    # -- rows --------------------------------------------------------------------------

    def article_memo(self, article_id: int) -> str | None:
        """An article's memo as a text cell (None where it has none), read once per
        article: kept out of the unit stream, where it would be repeated on every unit."""
        article = self.session.get(Article, article_id)
        memo = memo_in(article.metadata_json) if article is not None else ""
        return self.text(memo) if memo else None

    def _codes(self, codes: CoderCodes | None) -> tuple:
        if codes is None:
            return self._blank
        if self.options.values == "codes":
            # Only the codebook's codes reach here (scope leaves out any other, written
            # around the app), and they are identifiers ([a-z][a-z0-9_]*) that need no
            # neutralising.
            return codes.codes
        return tuple(
            None if code is None else convert(code)
            for convert, code in zip(self._converters, codes.codes, strict=True)
        )

    def _version(self, codes: CoderCodes | None) -> tuple[str | None, str | None]:
        return self._versions.get(codes.version_id, (None, None)) if codes else (None, None)

    def _note(self, unit: UnitRecord, coder_id: int) -> str | None:
        note = unit.notes.get(coder_id)
        return None if note is None else self.text(note)

    def _head(self, unit: UnitRecord) -> tuple:
        text = self.text
        return (
            text(unit.article_key),
            text(unit.title),
            unit.outlet and text(unit.outlet),
            unit.published and text(unit.published),
            unit.author and text(unit.author),
            text(unit.key),
            unit.idx,
            text(unit.kind),
            text(unit.text),
        )

    def _long_rows(self, unit: UnitRecord) -> Iterator[tuple]:
        head = self._head(unit)
        for coder in self.scope.coders:
            codes = unit.codes.get(coder.id)
            yield (
                *head,
                self._names[coder.id],
                *self._codes(codes),
                self._note(unit, coder.id),
                iso_utc(codes.coded_at) if codes else None,
                *self._version(codes),
            )

    def _wide_rows(self, unit: UnitRecord) -> Iterator[tuple]:
        coders = self.scope.coders
        per_coder = [self._codes(unit.codes.get(c.id)) for c in coders]
        lasts = [unit.codes.get(c.id) for c in coders]
        yield (
            *self._head(unit),
            *(codes[i] for i in range(len(self.fields)) for codes in per_coder),
            *(self._note(unit, c.id) for c in coders),
            *(iso_utc(codes.coded_at) if codes else None for codes in lasts),
            *self._version(latest([codes for codes in lasts if codes])),
        )

    def _consensus_rows(self, unit: UnitRecord) -> Iterator[tuple]:
        source, who, codes, note = consensus_of(unit, self.scope, self.fields)
        yield (
            *self._head(unit),
            source,
            self.text(who),
            *self._codes(codes),
            None if note is None else self.text(note),
            iso_utc(codes.coded_at) if codes else None,
            *self._version(codes),
        )

    def _articles_chunks(self, units: Iterator[list[UnitRecord]]) -> Iterator[RowChunk]:
        """Counts per article; an article's rows are emitted once its last unit is read."""
        current: _ArticleCounts | None = None
        for records in units:
            rows: list[tuple] = []
            for unit in records:
                if current is None or current.article_id != unit.article_id:
                    if current is not None:
                        rows += current.rows()
                    current = _ArticleCounts(self, unit)
                current.add(unit)
            yield RowChunk(len(records), rows)
        if current is not None:
            yield RowChunk(0, current.rows())


class _ArticleCounts:
    """Running code counts of one article, per coder in scope and for the consensus."""

    def __init__(self, layout: Layout, first: UnitRecord) -> None:
        self.layout = layout
        self.article_id = first.article_id
        self.head = layout._head(first)[: len(ARTICLE_COLUMNS)]
        text = layout.text
        self.memo = layout.article_memo(first.article_id)
        self.whos = [(text(c.name), text(c.role)) for c in layout.scope.coders]
        self.whos.append((CONSENSUS, Role.CONSENSUS))
        # by code; a field left empty (None) is simply not found
        self.index: list[dict[str | None, int]] = [
            {c.code: i for i, c in enumerate(f.categories, start=start)}
            for f, start in zip(layout.fields, _starts(layout.fields), strict=True)
        ]
        width = sum(len(f.categories) for f in layout.fields)
        self.counts = [[0] * width for _ in self.whos]
        self.coded = [0] * len(self.whos)
        self.last: list[CoderCodes | None] = [None] * len(self.whos)
        self.units = 0

    def add(self, unit: UnitRecord) -> None:
        self.units += 1
        per_who = [unit.codes.get(c.id) for c in self.layout.scope.coders]
        per_who.append(consensus_of(unit, self.layout.scope, self.layout.fields)[2])
        for i, codes in enumerate(per_who):
            if codes is None:
                continue
            self.coded[i] += 1
            last = self.last[i]
            self.last[i] = latest([codes, last] if last else [codes])
            for positions, code in zip(self.index, codes.codes, strict=True):
                position = positions.get(code)
                if position is not None:
                    self.counts[i][position] += 1

    def rows(self) -> list[tuple]:
        return [
            (
                *self.head,
                name,
                role,
                self.units,
                self.coded[i],
                *self.counts[i],
                self.memo,
                *self.layout._version(self.last[i]),
            )
            for i, (name, role) in enumerate(self.whos)
        ]


def _starts(fields: list[CodebookField]) -> list[int]:
    """Where each field's count columns begin among all count columns."""
    starts, position = [], 0
    for f in fields:
        starts.append(position)
        position += len(f.categories)
    return starts


def consensus_of(
    unit: UnitRecord, scope: Scope, fields: list[CodebookField]
) -> tuple[str, str, CoderCodes | None, str | None]:
    """(source, coder(s), codes, note) of a unit's consensus; see the module docstring.
    `fields` are the codebook's, in the order of a `CoderCodes`' codes."""
    chief: CoderInfo | None = scope.consensus
    if chief is not None and chief.id in unit.codes:
        decided = unit.codes[chief.id]
        undecided = any(
            code is None and field.required
            for code, field in zip(decided.codes, fields, strict=True)
        )
        source = "partial" if undecided else "consensus"
        return source, chief.name, decided, unit.notes.get(chief.id)
    coders = scope.coders
    coded = [codes for c in coders if (codes := unit.codes.get(c.id)) is not None]
    if (
        len(coders) >= 2
        and len(coded) == len(coders)
        and all(c.codes == coded[0].codes for c in coded[1:])
    ):
        newest = latest(coded)
        assert newest is not None  # two coders or more have codes here
        agreed = CoderCodes(coded[0].codes, newest.coded_at, max(c.version_id for c in coded))
        return "agreement", ";".join(c.name for c in coders), agreed, None
    return "none", "", None, None


def _converter(field: CodebookField, mode: str, text: Callable[[str], str]):
    """code -> cell in --values or --labels mode: its numeric value (int when whole) or label."""
    if mode == "labels":
        table = {c.code: text(c.label) for c in field.categories}
        return lambda code: table.get(code) or text(code)
    values = {c.code: number(c.value) for c in field.categories}
    return values.get


def number(value: float | None) -> int | float | None:
    """A category value as written: 2 rather than 2.0, so R and Stata read integers."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
