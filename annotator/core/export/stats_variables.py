"""One export column as an SPSS or Stata variable: its data, value labels and missing values.

`stats_files` writes the file; this module decides, per column kind (`field_cells`),
what the variable holds:

- single choice: the category's number, labelled; outside-scale categories of ordinal
  fields are missing (SPSS user-missing, Stata `.a`, `.b`, ... in category order);
- a multiple-choice field's 0/1 columns: 0 and 1 labelled "not chosen" and "chosen";
  the joined text column stays in CSV and Excel (a 0/1 column per category is how both
  packages hold a set);
- number: numeric; date: a date (SPSS DATE11, Stata %td); short text: a string.

"Not applicable" (a field whose condition does not hold, `field_cells.NOT_APPLICABLE`)
is a missing value apart from "not coded" (system missing `.`), declared on every
variable of a field that has a condition:

- SPSS: a user-missing value labelled "Not applicable": the first of -9, -99, -999, ...
  that is no category's value, none of the column's values and below a number field's
  minimum; for a date, 13 October 1582, the day before SPSS's calendar begins; for a
  short text the string "-9" (or "-99", ...: SPSS declares strings of up to 8 bytes
  missing) that no cell holds;
- Stata: the extended missing value `.z`, labelled "Not applicable" (`.a` to `.y` are the
  outside-scale categories'); Stata has no missing string, so a short text holds the
  same string marker as in SPSS.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from annotator.core.codebook import CodebookField, Level
from annotator.core.export.field_cells import (
    ANSWER,
    CODE,
    COUNT,
    DATE,
    DUMMY,
    INTEGER,
    NOT_APPLICABLE,
    NUMBER,
    SHARE,
    TIMESTAMP,
    Column,
)

STATA_TAGS = string.ascii_lowercase[:-1]  # .a to .y: outside-scale categories
NOT_APPLICABLE_TAG = "z"  # Stata's .z: a question whose condition does not hold
NOT_APPLICABLE_LABEL = "Not applicable"
DUMMY_LABELS = {0: "not chosen", 1: "chosen"}
SPSS_MAX_DISCRETE_MISSING = 3
SPSS_MAX_MISSING_STRING_BYTES = 8
SPSS_EPOCH = date(1582, 10, 14)  # SPSS dates count seconds from here
SPSS_DAY = 86_400
SPSS_DATE_NOT_APPLICABLE = -float(SPSS_DAY)  # 13 October 1582
SPSS_DATE_FORMAT = "DATE11"
MISSING_CANDIDATES = tuple(-int("9" * n) for n in range(1, 10))  # -9, -99, ..., -999999999
ISO_SECOND = "%Y-%m-%dT%H:%M:%SZ"
MEASURE = {
    Level.NOMINAL: "nominal",
    Level.ORDINAL: "ordinal",
    Level.INTERVAL: "scale",
    Level.RATIO: "scale",
}


@dataclass
class Variable:
    """What one column becomes: `data` for the data frame, value labels and missing
    values in the format's terms (SPSS numbers or strings; Stata tag letters)."""

    data: Any
    value_labels: dict[Any, str] = field(default_factory=dict)
    missing: list[Any] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)  # every number shown (SPSS format)
    spss_format: str | None = None


def variable(column: Column, values: list, fmt: str, taken: frozenset = frozenset()) -> Variable:
    """The variable of one column of a .sav (`fmt` "sav") or .dta ("dta"). `taken` are
    values the field holds in its other columns (the wide layout's other coders), which
    its not-applicable value must not be either: one field, one such value."""
    book_field = column.field
    if column.kind in (CODE, DUMMY, NUMBER, DATE, ANSWER):
        assert book_field is not None  # a field's columns always have their field
        conditional = book_field.when is not None
        if column.kind == ANSWER:
            return _answer(values, conditional, fmt, taken)
        if column.kind == DATE:
            return _date(values, conditional, fmt)
        return _numeric(column, book_field, values, conditional, fmt, taken)
    if column.kind in (INTEGER, COUNT):
        numbers = [float(v) for v in values] or [0.0]
        return Variable(np.array(values, dtype=np.int64), numbers=numbers)
    if column.kind == SHARE:  # an empty cell is system-missing
        numbers = [float(v) for v in values if v is not None] or [0.0]
        data = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        return Variable(data, numbers=numbers)
    if column.kind == TIMESTAMP:
        return Variable(pd.to_datetime(pd.Series(values, dtype=object), format=ISO_SECOND))
    return Variable(pd.Series(["" if v is None else str(v) for v in values], dtype=object))


def measure(column: Column) -> str:
    """SPSS's measurement level of a column."""
    if column.kind in (DUMMY, ANSWER):
        return "nominal"
    if column.field is not None:
        return MEASURE[column.field.level]
    return "scale" if column.kind in (INTEGER, COUNT, SHARE) else "nominal"


def stata_tags(field: CodebookField) -> dict[float, str]:
    """Outside-scale category value -> Stata extended missing tag ("a" for .a), in
    category order; none for a nominal field, where every category is a category."""
    if field.level == Level.NOMINAL:
        return {}
    outside = [c for c in field.categories if c.outside_scale]
    return {float(c.number): tag for c, tag in zip(outside, STATA_TAGS, strict=False)}


def _numeric(
    column: Column,
    book_field: CodebookField,
    values: list,
    conditional: bool,
    fmt: str,
    taken: frozenset,
) -> Variable:
    """Single choice, 0/1 and number columns."""
    labels: dict[float, str]
    if column.kind == CODE:
        labels = {float(c.number): c.label for c in book_field.categories}
        outside = [float(c.number) for c in book_field.categories if c.outside_scale]
        if book_field.level == Level.NOMINAL:
            outside = []
        whole = all(float(n).is_integer() for n in labels)
    elif column.kind == DUMMY:
        labels, outside, whole = {float(k): v for k, v in DUMMY_LABELS.items()}, [], True
    else:
        labels, outside, whole = {}, [], book_field.integer
    present = {float(v) for v in values if isinstance(v, int | float)}
    if fmt == "dta":
        return _stata_numeric(values, labels, outside, whole, conditional)
    na = _free_number(present | set(labels) | taken, book_field.minimum) if conditional else None
    data = np.array(
        [np.nan if v is None else na if v is NOT_APPLICABLE else v for v in values],
        dtype=np.float64,
    )
    missing = ([na] if na is not None else []) + outside
    if na is not None:
        labels = {**labels, na: NOT_APPLICABLE_LABEL}
    numbers = sorted(present | set(labels)) or [0.0]
    return Variable(data, labels, missing[:SPSS_MAX_DISCRETE_MISSING], numbers)


def _stata_numeric(
    values: list, labels: dict[float, str], outside: list[float], whole: bool, conditional: bool
) -> Variable:
    """Numbers, a tag letter for an outside-scale value or "not applicable", NaN when
    empty. pyreadstat writes a mixed column as numbers only if every number has one type,
    and writes NaN among ints as garbage, so every number is a float (a double variable,
    which Stata labels like any other); Stata labels only whole numbers, so a column with
    fractions keeps only its tags' labels."""
    tags = dict(zip(outside, STATA_TAGS, strict=False))
    kind = float
    tagged = bool(tags) or conditional
    if not tagged:
        data: Any = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    else:
        data = pd.Series(
            [
                np.nan
                if v is None
                else NOT_APPLICABLE_TAG
                if v is NOT_APPLICABLE
                else tags.get(float(v)) or kind(v)
                for v in values
            ],
            dtype=object,
        )
    value_labels: dict[Any, str] = {tags[n]: text for n, text in labels.items() if n in tags}
    if whole:
        value_labels = {int(n): t for n, t in labels.items() if n not in tags} | value_labels
    missing = list(tags.values())
    if conditional:
        value_labels[NOT_APPLICABLE_TAG] = NOT_APPLICABLE_LABEL
        missing.append(NOT_APPLICABLE_TAG)
    return Variable(data, value_labels, missing)


def _date(values: list, conditional: bool, fmt: str) -> Variable:
    if fmt == "dta":
        data = pd.Series(
            [NOT_APPLICABLE_TAG if v is NOT_APPLICABLE else v for v in values], dtype=object
        )
        if not conditional:
            return Variable(data)
        labels: dict[Any, str] = {NOT_APPLICABLE_TAG: NOT_APPLICABLE_LABEL}
        return Variable(data, labels, [NOT_APPLICABLE_TAG])
    # SPSS: seconds since its epoch in a DATE11 variable, so that a user-missing value
    # can sit beside the dates (pyreadstat converts date objects only without one).
    seconds = np.array(
        [
            np.nan
            if v is None
            else SPSS_DATE_NOT_APPLICABLE
            if v is NOT_APPLICABLE
            else float((v - SPSS_EPOCH).days * SPSS_DAY)
            for v in values
        ],
        dtype=np.float64,
    )
    if not conditional:
        return Variable(seconds, spss_format=SPSS_DATE_FORMAT)
    na = SPSS_DATE_NOT_APPLICABLE
    return Variable(seconds, {na: NOT_APPLICABLE_LABEL}, [na], spss_format=SPSS_DATE_FORMAT)


def _answer(values: list, conditional: bool, fmt: str, taken: frozenset) -> Variable:
    texts = {v for v in values if isinstance(v, str)} | taken
    marker = _free_text(texts) if conditional else None
    data = pd.Series(
        ["" if v is None else marker or "" if v is NOT_APPLICABLE else str(v) for v in values],
        dtype=object,
    )
    return Variable(data, missing=[marker] if marker and fmt == "sav" else [])


def values_by_field(columns: list[Column], cells: list[list]) -> dict[str, frozenset]:
    """Field key -> every number or text its number and text columns hold (for `taken`)."""
    found: dict[str, set] = {}
    for column, values in zip(columns, cells, strict=True):
        if column.field is not None and column.kind in (NUMBER, ANSWER):
            kept = {
                float(v) if column.kind == NUMBER else v
                for v in values
                if isinstance(v, int | float | str)
            }
            found.setdefault(column.field.key, set()).update(kept)
    return {key: frozenset(values) for key, values in found.items()}


def _free_number(taken: set[float], minimum: float | None) -> float | None:
    """The first of -9, -99, ... that no value or category takes, below a minimum."""
    for candidate in MISSING_CANDIDATES:
        if float(candidate) not in taken and (minimum is None or candidate < minimum):
            return float(candidate)
    return None


def _free_text(taken: set[str]) -> str | None:
    for candidate in MISSING_CANDIDATES:
        text = str(candidate)
        if len(text) <= SPSS_MAX_MISSING_STRING_BYTES and text not in taken:
            return text
    return None
