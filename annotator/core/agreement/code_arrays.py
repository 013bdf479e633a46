"""A project's codes as numpy arrays, read from SQL a chunk at a time (issue 29).

Agreement needs, per field, a coders x units matrix. Read as a Python dict per unit and
coder, the 18 million codes of a 100,000-article project took 10 GB; here each scope
(text units, articles) is a set of integer matrices, one per field: ``values[field][coder,
column]`` indexes the field's distinct texts (-1: no code), the columns being the
scope's units in reading order. The rows of the code table stream through in chunks of
`CHUNK_ROWS` and are turned into arrays at once: the Python work per row is the
driver's tuple, and the rest is per chunk or per distinct code.

`project_codes` makes agreement's figures from these arrays; `ScopeCodes.from_nested`
builds the same arrays from plain dicts (a table written by hand, in the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Connection, Select, case, cast
from sqlmodel import col, select

from annotator.core.codebook import ARTICLE_KIND, Codebook, Scope
from annotator.core.coding.codebook_check import CodebookCodes, SkippedCodes
from annotator.core.store.models import Article, Code, CodebookVersion, Coder, Unit, wide_select

CHUNK_ROWS = 50_000
"""Rows of a query turned into arrays at a time: what bounds the read's Python objects."""


@dataclass
class ScopeCodes:
    """One scope's codes: its units in reading order (the columns), its coders (the rows),
    and per field a matrix of indexes into the field's distinct texts (-1: no code).

    ``present[coder, column]``: the coder has a code on the unit in a field read; the
    versions, when the project has several codebook versions, index ``version_names``.
    """

    coders: list[str]
    unit_keys: Callable[[], np.ndarray]
    present: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)
    versions: dict[str, np.ndarray] = field(default_factory=dict)
    version_names: list[str] = field(default_factory=list)

    @cached_property
    def keys(self) -> np.ndarray:
        """The units' readable keys (`article#3`), in reading order, as an object array."""
        return self.unit_keys()

    def field_values(self, key: str) -> np.ndarray:
        """The field's matrix (all -1 when nobody coded it)."""
        found = self.values.get(key)
        return np.full(self.present.shape, -1, dtype=np.int32) if found is None else found

    @classmethod
    def from_nested(
        cls,
        units: Mapping[str, Mapping[str, Mapping[str, str]]],
        chosen: Sequence[str] | None,
        versions: Mapping[tuple[str, str, str], str],
    ) -> ScopeCodes:
        """The arrays of unit key -> coder -> field -> code, in the units' order."""
        coders = list(chosen) if chosen else sorted({c for row in units.values() for c in row})
        row_of = {name: i for i, name in enumerate(coders)}
        keys = list(units)
        scope = cls(coders, lambda: _object_array(keys), np.zeros((len(coders), len(keys)), bool))
        names: dict[str, int] = {}
        for column, (unit, by_coder) in enumerate(units.items()):
            for coder, codes in by_coder.items():
                if coder not in row_of:
                    continue
                row = row_of[coder]
                scope.present[row, column] = True
                for key, code in codes.items():
                    scope.put(key, row, column, code)
                    version = versions.get((unit, coder, key))
                    if version is not None:
                        number = names.setdefault(version, len(names))
                        scope.version_matrix(key)[row, column] = number
        scope.version_names = list(names)
        return scope

    def put(self, key: str, row: int, column: int, code: str) -> None:
        """One code (the hand-written tables' way in)."""
        texts = self.texts.setdefault(key, [])
        if code not in texts:
            texts.append(code)
        if key not in self.values:
            self.values[key] = np.full(self.present.shape, -1, dtype=np.int32)
        self.values[key][row, column] = texts.index(code)

    def version_matrix(self, key: str) -> np.ndarray:
        if key not in self.versions:
            self.versions[key] = np.full(self.present.shape, -1, dtype=np.int32)
        return self.versions[key]


@dataclass
class _Units:
    """A scope's units: their ids sorted, each one's column, and their keys' parts."""

    sorted_ids: np.ndarray
    column_of: np.ndarray
    article_keys: np.ndarray
    article_of: np.ndarray  # per column: the article's index in article_keys
    idx_of: np.ndarray  # per column: the unit's index in its article

    def columns(self, unit_ids: np.ndarray) -> np.ndarray:
        """Each unit id's column, -1 for a unit outside the scope."""
        if len(self.sorted_ids) == 0:
            return np.full(len(unit_ids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.sorted_ids, unit_ids), len(self.sorted_ids) - 1)
        return np.where(self.sorted_ids[at] == unit_ids, self.column_of[at], -1)

    def keys(self) -> np.ndarray:
        parts = zip(self.article_keys[self.article_of].tolist(), self.idx_of.tolist(), strict=True)
        return _object_array([f"{key}#{idx}" for key, idx in parts])


def read_scopes(
    connection: Connection,
    codebook: Codebook,
    counted: Callable[[str, str], bool],
    chosen: Sequence[str] | None,
    needed: Sequence[str],
    measured: set[str],
    skipped: SkippedCodes,
) -> dict[Scope, ScopeCodes]:
    """The codes of the `needed` fields by the coders `counted(name, role)` keeps, per
    scope; codes the codebook does not have are left out and, in a `measured` field,
    counted in `skipped`."""
    articles = _articles(connection)
    kinds = {Scope.UNIT: list(codebook.coded_kinds)}
    if codebook.article_fields:
        kinds[Scope.ARTICLE] = [ARTICLE_KIND]
    units = {scope: _units(connection, articles, listed) for scope, listed in kinds.items()}
    coder_rows: list[Any] = list(connection.execute(select(Coder.id, Coder.name, Coder.role)))
    coders: dict[int, tuple[str, str]] = {row[0]: (row[1], row[2]) for row in coder_rows}
    names = chosen or sorted(name for name, role in coders.values() if counted(name, role))
    row_of_name = {name: i for i, name in enumerate(names)}
    row_of = np.full(max(coders, default=0) + 1, -1, dtype=np.int64)
    for coder_id, (name, role) in coders.items():
        if counted(name, role) and name in row_of_name:
            row_of[coder_id] = row_of_name[name]
    version_rows: list[Any] = list(
        connection.execute(
            select(CodebookVersion.id, CodebookVersion.name, CodebookVersion.version)
        )
    )
    versions: dict[int, str] = {row[0]: f"{row[1]} {row[2]}" for row in version_rows}
    reader = _CodeReader(codebook, list(needed), measured, skipped, list(names), units, versions)
    if needed:
        for chunk in _chunks(connection, reader.query()):
            reader.add(chunk, row_of)
    return reader.scopes()


class _CodeReader:
    """Fills each scope's matrices from chunks of code rows."""

    def __init__(
        self,
        codebook: Codebook,
        needed: list[str],
        measured: set[str],
        skipped: SkippedCodes,
        coders: list[str],
        units: dict[Scope, _Units],
        versions: dict[int, str],
    ) -> None:
        self.needed, self.measured, self.skipped, self.coders = needed, measured, skipped, coders
        self.units = units
        self.allowed = CodebookCodes(codebook)
        self.scope_of = [codebook.field(key).scope for key in needed]
        self.several = len(versions) > 1  # a project with one codebook version compares no two
        self.version_ids = sorted(versions)
        self.version_names = [versions[v] for v in self.version_ids]
        shape = {scope: (len(coders), len(u.column_of)) for scope, u in units.items()}
        self.present = {scope: np.zeros(size, dtype=bool) for scope, size in shape.items()}
        self.values = [np.full(shape.get(s, (0, 0)), -1, dtype=np.int32) for s in self.scope_of]
        self.versions = [
            np.full(v.shape if self.several else (0, 0), -1, np.int32) for v in self.values
        ]
        self.texts: list[dict[str, int]] = [{} for _ in needed]
        self.valid: dict[tuple[int, str], int] = {}  # (field, code) -> its index, -1 if not allowed

    def query(self) -> Select:
        """unit id, coder id * fields + the field's number, code (and its codebook version,
        when there are several): the fewer columns, the fewer Python objects per row."""
        field_number = case({key: n for n, key in enumerate(self.needed)}, value=col(Code.field))
        coder_field = cast(col(Code.coder_id), BigInteger) * len(self.needed) + field_number
        version = [col(Code.codebook_version_id)] if self.several else []  # never NULL
        return wide_select(col(Code.unit_id), coder_field, col(Code.code), *version).where(
            col(Code.field).in_(self.needed)
        )

    def add(self, rows: Sequence[Any], row_of: np.ndarray) -> None:
        unit, coder_field, *version_id = _int_columns(rows, [0, 1, 3] if self.several else [0, 1])
        coder_id, number = np.divmod(coder_field, len(self.needed))
        codes = list(map(itemgetter(2), rows))
        n = len(rows)
        coder = row_of[np.minimum(coder_id, len(row_of) - 1)]
        coder[coder_id >= len(row_of)] = -1
        columns = {scope: u.columns(unit) for scope, u in self.units.items()}
        in_kinds = np.zeros(n, dtype=bool)
        for found in columns.values():
            in_kinds |= found >= 0
        keep = in_kinds & (coder >= 0)  # the old join on the unit kinds, then the coders
        index = self._indexes(number, codes, keep)
        self._count_skipped(number[keep & (index < 0)], coder[keep & (index < 0)])
        keep &= index >= 0
        version = version_id[0] if version_id else None
        for f, scope in enumerate(self.scope_of):
            if scope not in columns:
                continue
            at = keep & (number == f) & (columns[scope] >= 0)  # a field on its own scope
            rows_, cols = coder[at], columns[scope][at]
            self.values[f][rows_, cols] = index[at]
            self.present[scope][rows_, cols] = True
            if version is not None:
                self.versions[f][rows_, cols] = np.searchsorted(self.version_ids, version[at])

    def _indexes(self, number: np.ndarray, codes: Sequence[str], keep: np.ndarray) -> np.ndarray:
        """Each kept row's code as its index among the field's texts (-1: not allowed);
        the codebook is asked once per distinct field and code."""
        import pandas as pd  # here, not at import: the command line starts without it

        local, uniques = pd.factorize(np.asarray(codes, dtype=object))
        width = max(len(uniques), 1)
        pairs, inverse = np.unique(number * width + local, return_inverse=True)
        found = np.empty(len(pairs), dtype=np.int64)
        for i, pair in enumerate(pairs.tolist()):
            f, text = divmod(pair, width)
            found[i] = self._index(f, str(uniques[text]))
        return np.where(keep, found[inverse.ravel()], -1)

    def _index(self, f: int, code: str) -> int:
        known = self.valid.get((f, code))
        if known is None:
            known = -1
            if self.allowed.allows(self.needed[f], code):
                known = self.texts[f].setdefault(code, len(self.texts[f]))
            self.valid[(f, code)] = known
        return known

    def _count_skipped(self, numbers: np.ndarray, coders: np.ndarray) -> None:
        pairs, counts = np.unique(np.stack([numbers, coders]), axis=1, return_counts=True)
        for (f, coder), count in zip(pairs.T.tolist(), counts.tolist(), strict=True):
            if self.needed[f] in self.measured:  # a field read for a condition counts when measured
                self.skipped.counts[(self.coders[coder], self.needed[f])] += count

    def scopes(self) -> dict[Scope, ScopeCodes]:
        result = {}
        for scope, units in self.units.items():
            mine = [f for f, s in enumerate(self.scope_of) if s is scope]
            result[scope] = ScopeCodes(
                self.coders,
                units.keys,
                self.present[scope],
                {self.needed[f]: self.values[f] for f in mine},
                {self.needed[f]: list(self.texts[f]) for f in mine},
                {self.needed[f]: self.versions[f] for f in mine if self.several},
                self.version_names,
            )
        return result


def _chunks(connection: Connection, query: Select) -> Iterator[Sequence[Any]]:
    """The query's rows, `CHUNK_ROWS` at a time, as the driver's own tuples (a Row object
    per row costs a third of the read again on SQLite, and doubled it on PostgreSQL:
    2.5x a bare psycopg fetch at 10,000 articles). On PostgreSQL through a server-side
    cursor, so the server hands over one chunk at a time."""
    # Only codebook keys, unit kinds and integers are bound here: rendered as SQL
    # literals by SQLAlchemy, quoted as it quotes them for this database.
    text = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    driver: Any = connection.connection.driver_connection
    on_server = connection.dialect.name != "sqlite"
    cursor = driver.cursor(name="annotator_code_arrays") if on_server else driver.cursor()
    try:
        cursor.execute(text)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            yield rows
    finally:
        cursor.close()


def _articles(connection: Connection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Article ids (sorted), each one's rank in reading order, and the keys by rank."""
    ids, keys, positions = [], [], []
    for chunk in _chunks(connection, select(Article.id, Article.key, Article.position)):
        for article_id, key, position in chunk:
            ids.append(article_id)
            keys.append(key)
            positions.append(position)
    id_array = np.array(ids, dtype=np.int64)
    order = np.lexsort((id_array, np.array(positions, dtype=np.int64)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    by_id = np.argsort(id_array)
    return id_array[by_id], rank[by_id], _object_array(keys)[order]


def _units(
    connection: Connection, articles: tuple[np.ndarray, np.ndarray, np.ndarray], kinds: list[str]
) -> _Units:
    """The units of these kinds: by id, and in reading order (article, then index)."""
    article_ids, rank, keys = articles
    query = select(Unit.id, Unit.article_id, Unit.idx).where(col(Unit.kind).in_(kinds))
    parts = [_int_columns(chunk, [0, 1, 2]) for chunk in _chunks(connection, query)]
    unit_ids, article, idx = (
        np.concatenate([part[i] for part in parts]) if parts else np.zeros(0, np.int64)
        for i in range(3)
    )
    article_rank = rank[np.searchsorted(article_ids, article)] if len(article) else article
    order = np.lexsort((idx, article_rank))  # reading order: the columns
    by_id = np.argsort(unit_ids[order])
    column_of = np.arange(len(order), dtype=np.int64)[by_id]
    return _Units(unit_ids[order][by_id], column_of, keys, article_rank[order], idx[order])


def _int_columns(rows: Sequence[Any], which: list[int]) -> list[np.ndarray]:
    """The columns `which` of `rows` (integers) as arrays (an itemgetter per column:
    half the time of transposing every column with zip, strings included)."""
    return [np.fromiter(map(itemgetter(i), rows), np.int64, len(rows)) for i in which]


def _object_array(items: Sequence[object]) -> np.ndarray:
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array
