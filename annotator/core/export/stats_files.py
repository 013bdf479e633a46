"""SPSS .sav and Stata .dta files through pyreadstat, labelled from the codebook.

Codes are stored as their numeric category values with value labels (value ->
label), whatever --values/--labels says, because that is how both packages
represent categorical data: the label is what they show, the number keeps the
order of ordinal fields. Variables get the field's label ("Attribution", or
"Attribution (alice)" in the wide layout) and, in SPSS, a measurement level:
nominal, ordinal, or scale for interval and ratio fields.

Decisions:
- Outside-scale categories ("not applicable") of ordinal, interval and ratio
  fields are missing values, as the agreement statistics treat them: user-missing
  values in SPSS (at most three, SPSS's limit) and Stata's extended missing values
  `.a`, `.b`, ... (in category order, labelled with the category's label; Stata keeps
  no number beside them; any past the 26th, `.z`, stay labelled numbers).
  Nominal fields declare nothing missing.
- Stata labels only whole numbers: a field with a fractional category value is
  written as plain numbers in .dta, with labels for its extended missing values only
  (SPSS keeps every label).
- .dta files are format 118 (Stata 14 and later open it); 119 only when the data have
  more than 32,767 variables, which 118 cannot hold.
- SPSS formats fit the data: code variables F<w>.<d> from the field's values ("F1.0"
  for 0 to 6), counts and indices from their largest value, and every display width
  from the longest value (text cut at 80 columns for the Data View only).
- Text is kept whole: pyreadstat writes Stata strings longer than 2045 bytes as
  strL and long SPSS strings as very long strings, so sentences and notes survive
  intact; empty text is written as "" (neither format has a missing string).
  Variable labels are cut to Stata's 80 characters, value labels to SPSS's 120 bytes.
  `codebook_version` ("1.0") is a string variable, never a number.
- `coded_at` columns are date-time variables (SPSS DATETIME, Stata %tc), in UTC to
  the second; other dates (an article's `published`) stay the text the article gave.
- pyreadstat writes a whole data frame at once, so unlike CSV these files are built
  in memory (about the size of the data; SPSS and Stata load it whole as well).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from annotator.core.codebook import CodebookField, Level
from annotator.core.export.names import variable_names
from annotator.core.export.rows import (
    CODE,
    COUNT,
    INTEGER,
    ISO_SECOND,
    TIMESTAMP,
    Column,
    Layout,
)

STATA_LABEL_CHARS = 80
STATA_118_MAX_VARIABLES = 32_767
STATA_VERSION = {118: 14, 119: 15}  # file format -> pyreadstat's `version` argument
SPSS_VALUE_LABEL_BYTES = 120
SPSS_MAX_DISCRETE_MISSING = 3
SPSS_MAX_DISPLAY_WIDTH = 80
STATA_TAGS = string.ascii_lowercase  # .a to .z
MEASURE = {
    Level.NOMINAL: "nominal",
    Level.ORDINAL: "ordinal",
    Level.INTERVAL: "scale",
    Level.RATIO: "scale",
}

Progress = Callable[[int, int, str], bool | None]


def write_stats_file(
    layout: Layout, path: Path, fmt: str, progress: Progress | None = None
) -> tuple[int, bool, dict[str, str]]:
    """Write `layout` (built in --values mode) as .sav or .dta.

    Returns (rows, cancelled, renamed) where `renamed` maps each column whose
    name had to change to its variable name.
    """
    cells, cancelled = _collect(layout, progress)
    if cancelled:
        return 0, True, {}
    columns = layout.columns
    labelled = {c.name for c in columns if c.field is not None and _value_labels(c.field, fmt)}
    names = variable_names([c.name for c in columns], labelled)
    frame = pd.DataFrame(
        {names[c.name]: _series(c, values, fmt) for c, values in zip(columns, cells, strict=True)}
    )
    labels = {names[c.name]: c.label for c in columns}
    value_labels = {
        names[c.name]: _value_labels(c.field, fmt)
        for c in columns
        if c.field is not None and c.name in labelled
    }
    if fmt == "sav":
        formats = {
            names[c.name]: _spss_format(c, values) for c, values in zip(columns, cells, strict=True)
        }
        pyreadstat.write_sav(
            frame,
            path,
            file_label=layout.project.name[:64],
            # pyreadstat types these dict[str, str | None] and dict[str, list[float | ...]]:
            # ours hold only the narrower values, which mypy refuses only as dict is invariant.
            column_labels=labels,  # type: ignore[arg-type]
            variable_value_labels=value_labels,  # type: ignore[arg-type]
            missing_ranges=_spss_missing(columns, names),  # type: ignore[arg-type]
            variable_measure={names[c.name]: _measure(c) for c in columns},
            variable_format={k: v for k, v in formats.items() if v is not None},
            variable_display_width={
                names[c.name]: _display_width(c, values, formats[names[c.name]])
                for c, values in zip(columns, cells, strict=True)
            },
        )
    else:
        pyreadstat.write_dta(
            frame,
            path,
            file_label=layout.project.name[:STATA_LABEL_CHARS],
            column_labels={k: v[:STATA_LABEL_CHARS] for k, v in labels.items()},
            version=STATA_VERSION[stata_format(len(columns))],
            variable_value_labels=value_labels,  # type: ignore[arg-type]
            missing_user_values={
                names[c.name]: list(tags.values())
                for c in columns
                if c.field is not None and (tags := stata_tags(c.field))
            },
        )
    renamed = {c.name: names[c.name] for c in columns if names[c.name] != c.name}
    return len(frame), False, renamed


def stata_format(n_variables: int) -> int:
    """118, which Stata 14 opens, unless the data need 119's room for more variables."""
    return 118 if n_variables <= STATA_118_MAX_VARIABLES else 119


def stata_tags(field: CodebookField) -> dict[float, str]:
    """Outside-scale category value -> Stata extended missing tag ("a" for .a), in
    category order; none for a nominal field, where every category is a category."""
    if field.level == Level.NOMINAL:
        return {}
    outside = [c for c in field.categories if c.outside_scale]
    return {float(c.number): tag for c, tag in zip(outside, STATA_TAGS, strict=False)}


def _collect(layout: Layout, progress: Progress | None) -> tuple[list[list], bool]:
    """Column-wise cell lists (cheaper than a list of rows for building a data frame)."""
    cells: list[list] = [[] for _ in layout.columns]
    total = layout.total_units() if progress is not None else 0
    done = 0
    for chunk in layout.chunks():
        for row in chunk.rows:
            for values, cell in zip(cells, row, strict=True):
                values.append(cell)
        done += chunk.units
        if progress is not None and progress(done, total, "") is False:
            return cells, True
    return cells, False


def _series(column: Column, values: list, fmt: str) -> pd.Series | np.ndarray:
    if column.kind == CODE:
        assert column.field is not None  # code columns always have their field
        tags = stata_tags(column.field) if fmt == "dta" else {}
        if tags:
            return _tagged(column.field, values, tags)
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if column.kind in (INTEGER, COUNT):
        return np.array(values, dtype=np.int64)
    if column.kind == TIMESTAMP:
        return pd.to_datetime(pd.Series(values, dtype=object), format=ISO_SECOND)
    return pd.Series(["" if v is None else str(v) for v in values], dtype=object)


def _tagged(field: CodebookField, values: list, tags: dict[float, str]) -> pd.Series:
    """A Stata code column: numbers, a tag letter for an outside-scale value, NaN when
    empty. pyreadstat writes it as a number variable only if every number has one type
    (all int, or all float), so whole-numbered fields get ints and the others floats."""
    whole = all(float(c.number).is_integer() for c in field.categories)
    kind = int if whole else float
    return pd.Series(
        [np.nan if v is None else tags.get(float(v)) or kind(v) for v in values], dtype=object
    )


def _value_labels(field: CodebookField, fmt: str) -> dict[float | int | str, str]:
    if fmt == "dta":
        tags = stata_tags(field)
        tagged: dict[float | int | str, str] = {
            tags[float(c.number)]: c.label for c in field.categories if float(c.number) in tags
        }
        if not all(float(c.number).is_integer() for c in field.categories):
            return tagged
        numbered: dict[float | int | str, str] = {
            int(c.number): c.label for c in field.categories if float(c.number) not in tags
        }
        return {**numbered, **tagged}
    return {float(c.number): _cut_bytes(c.label, SPSS_VALUE_LABEL_BYTES) for c in field.categories}


def _spss_missing(columns: list[Column], names: dict[str, str]) -> dict[str, list[float]]:
    missing: dict[str, list[float]] = {}
    for column in columns:
        field = column.field
        if field is None or field.level == Level.NOMINAL:
            continue
        outside = [float(c.number) for c in field.categories if c.outside_scale]
        if outside:
            missing[names[column.name]] = outside[:SPSS_MAX_DISCRETE_MISSING]
    return missing


def _spss_format(column: Column, values: list) -> str | None:
    """F<width>.<decimals> that shows every value of a number column as it is ("F1.0" for
    codes 0 to 6); None for text and date-times, whose formats pyreadstat sets."""
    if column.field is not None:
        numbers = [float(c.number) for c in column.field.categories]
    elif column.kind in (INTEGER, COUNT):
        numbers = [float(v) for v in values] or [0.0]
    else:
        return None
    decimals = max(len(_plain(n).partition(".")[2]) for n in numbers)
    width = max(len(f"{n:.{decimals}f}") for n in numbers)
    return f"F{width}.{decimals}"


def _display_width(column: Column, values: list, spss_format: str | None) -> int:
    """Data View columns as wide as the widest value (a format's width for numbers)."""
    if spss_format is not None:
        return int(spss_format[1:].partition(".")[0])
    if column.kind == TIMESTAMP:
        return len("dd-mmm-yyyy hh:mm:ss")
    longest = max((len(v) for v in values if isinstance(v, str)), default=1)
    return max(1, min(longest, SPSS_MAX_DISPLAY_WIDTH))


def _plain(number: float) -> str:
    """A number without exponent or trailing zeros: 1.5 -> "1.5", 2.0 -> "2"."""
    return np.format_float_positional(number, trim="-")


def _measure(column: Column) -> str:
    if column.field is not None:
        return MEASURE[column.field.level]
    return "scale" if column.kind in (INTEGER, COUNT) else "nominal"


def _cut_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")
