"""The four export layouts as columns plus a stream of row tuples.

Every layout starts from the same unit stream (`scope.iter_unit_chunks`) so that
they agree on which units exist and in what order: articles by position, units
by index, coders by name. Rows are plain tuples in column order, converted to
the requested representation of codes (codes, numeric values or labels) here,
so the CSV and SPSS/Stata writers only ever see finished cells.

Decisions the issue leaves open:
- Fields: long, wide and consensus carry the codebook's unit fields, the articles
  layout its article fields; each field's columns and cells are `field_cells`' (every
  type; a multiple-choice field as its joined column and one 0/1 column per category;
  "not applicable" apart from "not coded").
- long: one row per unit in scope and coder in scope, coded or not (a balanced
  panel; rows with no codes show what is still to do). `coded_at` is the time
  of the row's most recent code; `codebook`/`codebook_version` name the newest
  codebook version among its codes (see `scope.CoderCodes`). An article's own unit
  (its article fields' codes) is never a row here, nor in wide and consensus.
- wide: columns `field__coder` grouped by field (a multiple-choice field's 0/1
  columns `field_code__coder` after its own), then `note__coder` and
  `coded_at__coder`; `codebook`/`codebook_version` as in long, over all coders.
- consensus: the consensus coder's codes when that coder coded the unit
  (`consensus_source` "consensus", or "partial" when the supervisor left a required
  field that applies undecided: those fields are left empty, not filled from
  elsewhere); otherwise,
  when at least two coders are in scope, each coded the unit and their codes are
  identical on every field, those codes ("agreement", `coder` lists them joined by
  ";"); otherwise no codes ("none"). Every unit in scope gets a row.
- articles: per article, one row per coder in scope and one row for the
  consensus layout (coder "consensus", role "consensus"): that coder's codes of the
  article fields (the consensus row: the consensus of the article's own unit, as in
  the consensus layout), the text units in scope, how many of them have a code, a
  `field_code` count per category of each unit choice field (a multiple-choice
  field counts every category chosen), with a codebook of source fields the coder's
  number of sources, of named and of anonymous ones and the share of her coded units
  whose own source is anonymous (export/source_rows.py), and the article's memo (`memo`, on each of
  its rows, empty where it has none). `codebook`/`codebook_version` name the newest
  version among the row's codes, article and unit fields alike.
- sources: one row per source, article and coder (export/source_rows.py).
- Codes of fields or categories the current codebook no longer has: the field
  columns come from the current codebook, so dropped fields are not exported;
  a dropped category is written as its code (and left empty in --values mode).
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlmodel import Session

from annotator.core import field_values
from annotator.core import layout_columns as layout
from annotator.core.codebook import ARTICLE_KIND, Codebook, CodebookField
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.coding.memos import memo_in
from annotator.core.coding.sources_service import stored_lists
from annotator.core.export.field_cells import (
    CACHE_LIMIT,
    CODE,
    COUNT,
    INTEGER,
    NA_MARKER,
    TEXT,
    TIMESTAMP,
    Column,
    FieldCells,
    field_columns,
    number,
)
from annotator.core.export.scope import (
    ArticleSpan,
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
from annotator.core.export.source_rows import (
    articles_in_scope,
    source_chunks,
    source_columns,
    source_count_columns,
    source_counts,
)
from annotator.core.store.models import Article
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, Role

__all__ = ["CODE", "COUNT", "INTEGER", "TEXT", "TIMESTAMP", "Column", "Layout", "number"]
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
    a label) be treated once rather than once per row. `not_applicable` is the cell of
    a field whose condition does not hold (`field_cells`).
    """

    def __init__(
        self,
        project: Project,
        session: Session,
        options: ExportOptions,
        text: Callable[[str], str] = same,
        not_applicable: object = NA_MARKER,
    ) -> None:
        self.project = project
        self.session = session
        self.options = options
        self.text = text
        self.codebook: Codebook = project.codebook
        self.scope: Scope = resolve_scope(session, options)
        book = self.codebook
        self.fields = {"articles": book.article_fields, "sources": book.source_fields}.get(
            options.layout, book.unit_fields
        )
        positions = {f.key: i for i, f in enumerate(book.coded_fields)}
        # from CoderCodes.codes (source fields' codes are not among them: source_rows)
        self._pick = _picker([positions[f.key] for f in self.fields if f.key in positions])
        self.cells = FieldCells(book, self.fields, options.values, text, not_applicable)
        self.skipped = SkippedCodes()  # codes not in the codebook, left out of the rows
        self._names = {c.id: text(c.name) for c in self.scope.coders}
        self._versions = {i: (text(n), text(v)) for i, (n, v) in self.scope.versions.items()}
        # per coder of the long layout: id, name cell, and the name and cells of no codes
        self._long_coders = [
            (c.id, self._names[c.id], (self._names[c.id], *self.cells.blank))
            for c in self.scope.coders
        ]
        self._article_id: int | None = None  # whose cells `_head` keeps
        self._article_cells: tuple = ()
        self._cells_of: dict[tuple[str | None, ...], tuple] = {}  # see `_codes`
        self.columns: list[Column] = getattr(self, f"_{options.layout}_columns")()

    def total_units(self) -> int:
        """What progress counts: units, or articles in the sources layout."""
        if self.options.layout == "sources":
            return len(articles_in_scope(self))
        return count_units(self.project, self.session, self.scope)

    def chunks(
        self, chunk_size: int | None = None, span: ArticleSpan | None = None
    ) -> Iterator[RowChunk]:
        """Rows in final order, a chunk of units at a time; with `span`, the rows of those
        articles only (the sources layout ignores it)."""
        if self.options.layout == "sources":
            yield from (RowChunk(1, rows) for rows in source_chunks(self))
            return
        extra = {} if chunk_size is None else {"chunk_size": chunk_size}
        units = iter_unit_chunks(
            self.project, self.session, self.scope, skipped=self.skipped, span=span, **extra
        )
        if self.options.layout == "articles":
            yield from self._articles_chunks(units)
            return
        make = getattr(self, f"_{self.options.layout}_rows")
        for records in units:
            rows: list[tuple] = []
            for record in records:
                rows += make(record)
            yield RowChunk(len(records), rows)

    # -- columns -----------------------------------------------------------------------

    def _head_columns(self) -> list[Column]:
        return [Column(n, label) for n, label in ARTICLE_COLUMNS] + [
            Column(n, label, kind) for n, label, kind in UNIT_COLUMNS
        ]

    def _field_columns(self) -> list[Column]:
        return [column for f in self.fields for column in field_columns(f)]

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
        for base in self._field_columns():
            columns += [
                dataclasses.replace(
                    base, name=f"{base.name}__{c.name}", label=f"{base.label} ({c.name})"
                )
                for c in coders
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

    def _sources_columns(self) -> list[Column]:
        return source_columns(self, ARTICLE_COLUMNS)

    def _articles_columns(self) -> list[Column]:
        columns = [Column(n, label) for n, label in ARTICLE_COLUMNS]
        columns += [
            Column("coder", "Coder, or consensus"),
            Column(layout.ROLE, "coder, consensus or machine (the suggester)"),
            *self._field_columns(),
            Column(layout.UNITS, "Units in the export", COUNT),
            Column(layout.CODED_UNITS, "Units with at least one code", COUNT),
        ]
        for f in _counted(self.codebook):
            columns += [
                Column(f"{f.key}_{c.code}", f"{f.label}: {c.label} (count)", COUNT)
                for c in f.categories
            ]
        columns += source_count_columns(self.codebook.source_fields)
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
        """The cells of the layout's fields for one coder's codes (see `field_cells`),
        remembered by the codes of every field, which repeat over the rows."""
        if codes is None:
            return self.cells.blank
        found = self._cells_of.get(codes.codes)
        if found is None:
            found = self.cells.cells(self._pick(codes.codes))
            if len(self._cells_of) < CACHE_LIMIT:
                self._cells_of[codes.codes] = found
        return found

    def _version(self, codes: CoderCodes | None) -> tuple[str | None, str | None]:
        return self._versions.get(codes.version_id, (None, None)) if codes else (None, None)

    def _note(self, unit: UnitRecord, coder_id: int) -> str | None:
        note = unit.notes.get(coder_id)
        return None if note is None else self.text(note)

    def _head(self, unit: UnitRecord) -> tuple:
        """The article's and the unit's cells; the article's are made once per article
        (its twenty-odd units in a row share them)."""
        text = self.text
        if unit.article_id != self._article_id:
            self._article_id = unit.article_id
            self._article_cells = (
                text(unit.article_key),
                text(unit.title),
                unit.outlet and text(unit.outlet),
                unit.published and text(unit.published),
                unit.author and text(unit.author),
            )
        return (*self._article_cells, text(unit.key), unit.idx, text(unit.kind), text(unit.text))

    def _long_rows(self, unit: UnitRecord) -> list[tuple]:
        head = self._head(unit)
        rows = []
        for coder_id, name, uncoded in self._long_coders:
            codes = unit.codes.get(coder_id)
            note = self._note(unit, coder_id)
            if codes is None:
                rows.append(head + uncoded + (note, None, None, None))
            else:
                at = iso_utc(codes.coded_at)
                rows.append((*head, name, *self._codes(codes), note, at, *self._version(codes)))
        return rows

    def _wide_rows(self, unit: UnitRecord) -> Iterator[tuple]:
        coders = self.scope.coders
        per_coder = [self._codes(unit.codes.get(c.id)) for c in coders]
        lasts = [unit.codes.get(c.id) for c in coders]
        yield (
            *self._head(unit),
            *(codes[i] for i in range(self.cells.width) for codes in per_coder),
            *(self._note(unit, c.id) for c in coders),
            *(iso_utc(codes.coded_at) if codes else None for codes in lasts),
            *self._version(latest([codes for codes in lasts if codes])),
        )

    def _consensus_rows(self, unit: UnitRecord) -> Iterator[tuple]:
        source, who, codes, note = consensus_of(unit, self.scope, self.codebook)
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
    """One article's rows being built: per coder in scope and for the consensus, the
    codes of the article's own unit and running counts over its text units."""

    def __init__(self, layout: Layout, first: UnitRecord) -> None:
        self.layout = layout
        self.article_id = first.article_id
        self.head = layout._head(first)[: len(ARTICLE_COLUMNS)]
        text = layout.text
        self.memo = layout.article_memo(first.article_id)
        self.whos = [(text(c.name), text(c.role)) for c in layout.scope.coders]
        self.whos.append((CONSENSUS, Role.CONSENSUS))
        consensus = layout.scope.consensus
        self.who_ids: list[int | None] = [c.id for c in layout.scope.coders]
        self.who_ids.append(consensus.id if consensus else None)
        self.coded_ids: list[set[int]] = [set() for _ in self.whos]
        book = layout.codebook
        positions = {f.key: i for i, f in enumerate(book.coded_fields)}
        counted = _counted(book)
        self.positions = [positions[f.key] for f in counted]  # in CoderCodes.codes
        # by code; a field left empty (None) is simply not found
        self.index: list[dict[str, int]] = [
            {c.code: i for i, c in enumerate(f.categories, start=start)}
            for f, start in zip(counted, _starts(counted), strict=True)
        ]
        width = sum(len(f.categories) for f in counted)
        self.counts = [[0] * width for _ in self.whos]
        self.coded = [0] * len(self.whos)
        self.last: list[CoderCodes | None] = [None] * len(self.whos)
        self.article: list[CoderCodes | None] = [None] * len(self.whos)
        self.units = 0

    def add(self, unit: UnitRecord) -> None:
        is_article = unit.kind == ARTICLE_KIND
        if not is_article:
            self.units += 1
        per_who = [unit.codes.get(c.id) for c in self.layout.scope.coders]
        per_who.append(consensus_of(unit, self.layout.scope, self.layout.codebook)[2])
        for i, codes in enumerate(per_who):
            if codes is None:
                continue
            last = self.last[i]
            self.last[i] = latest([codes, last] if last else [codes])
            if is_article:
                self.article[i] = codes
                continue
            self.coded[i] += 1
            self.coded_ids[i].add(unit.id)
            for positions, at in zip(self.index, self.positions, strict=True):
                for code in field_values.choices(codes.codes[at]):
                    position = positions.get(code)
                    if position is not None:
                        self.counts[i][position] += 1

    def rows(self) -> list[tuple]:
        fields = self.layout.codebook.source_fields
        ids = [i for i in self.who_ids if i is not None]
        lists = stored_lists(self.layout.session, ids, self.article_id) if fields else {}
        listed = [
            None if who is None else lists.get((self.article_id, who)) for who in self.who_ids
        ]
        return [
            (
                *self.head,
                name,
                role,
                *self.layout._codes(self.article[i]),
                self.units,
                self.coded[i],
                *self.counts[i],
                *source_counts(fields, listed[i], self.coded_ids[i]),
                self.memo,
                *self.layout._version(self.last[i]),
            )
            for i, (name, role) in enumerate(self.whos)
        ]


def _picker(positions: list[int]) -> Callable[[tuple], tuple]:
    """codes of every codebook field -> those at `positions`, as a tuple (itemgetter:
    this runs once per row and coder)."""
    if len(positions) > 1:
        return operator.itemgetter(*positions)
    if positions:
        only = positions[0]
        return lambda codes: (codes[only],)
    return lambda codes: ()


def _counted(codebook: Codebook) -> list[CodebookField]:
    """The unit fields the articles layout counts categories of: the choice fields."""
    return [f for f in codebook.unit_fields if f.has_categories]


def _starts(fields: list[CodebookField]) -> list[int]:
    """Where each field's count columns begin among all count columns."""
    starts, position = [], 0
    for f in fields:
        starts.append(position)
        position += len(f.categories)
    return starts


def consensus_of(
    unit: UnitRecord, scope: Scope, codebook: Codebook
) -> tuple[str, str, CoderCodes | None, str | None]:
    """(source, coder(s), codes, note) of a unit's consensus; see the module docstring.
    A consensus is partial when it leaves out a required field that applies to the
    unit's kind (`Codebook.is_complete`: article fields on the article's own unit)."""
    chief: CoderInfo | None = scope.consensus
    if chief is not None and chief.id in unit.codes:
        decided = unit.codes[chief.id]
        given = decided.as_dict([f.key for f in codebook.coded_fields])
        source = "consensus" if codebook.is_complete(unit.kind, given) else "partial"
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
