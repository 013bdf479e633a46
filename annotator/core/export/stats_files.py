"""SPSS .sav and Stata .dta files through pyreadstat, labelled from the codebook.

Codes are stored as their numeric category values with value labels (value ->
label), whatever --values/--labels says, because that is how both packages
represent categorical data: the label is what they show, the number keeps the
order of ordinal fields. Variables get the field's label ("Attribution", or
"Attribution (alice)" in the wide layout) and, in SPSS, a measurement level:
nominal, ordinal, or scale for interval and ratio fields.

Decisions:
- Outside-scale categories ("not applicable") of ordinal, interval and ratio
  fields are declared user-missing in SPSS (at most three, SPSS's limit), which
  matches how the agreement statistics treat them; in Stata they stay ordinary
  labelled values. Nominal fields declare nothing missing.
- Stata labels only whole numbers: a field with a fractional category value is
  written as plain numbers in .dta, without value labels (SPSS keeps them).
- Text is kept whole: pyreadstat writes Stata strings longer than 2045 bytes as
  strL and long SPSS strings as very long strings, so sentences and notes survive
  intact; empty text is written as "" (neither format has a missing string).
  Variable labels are cut to Stata's 80 characters, value labels to SPSS's 120 bytes.
- Timestamps and dates stay ISO 8601 text, as in the CSV.
- pyreadstat writes a whole data frame at once, so unlike CSV these files are built
  in memory (about the size of the data; SPSS and Stata load it whole as well).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from annotator.core.codebook import CodebookField, Level
from annotator.core.export.names import variable_names
from annotator.core.export.rows import CODE, COUNT, INTEGER, Column, Layout

STATA_LABEL_CHARS = 80
SPSS_VALUE_LABEL_BYTES = 120
SPSS_MAX_DISCRETE_MISSING = 3
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
        {names[c.name]: _series(c, values) for c, values in zip(columns, cells, strict=True)}
    )
    labels = {names[c.name]: c.label for c in columns}
    value_labels = {
        names[c.name]: _value_labels(c.field, fmt)
        for c in columns
        if c.field is not None and c.name in labelled
    }
    if fmt == "sav":
        pyreadstat.write_sav(
            frame,
            path,
            file_label=layout.project.name[:64],
            # pyreadstat types these dict[str, str | None] and dict[str, list[float | ...]]:
            # ours hold only the narrower values, which mypy refuses only as dict is invariant.
            column_labels=labels,  # type: ignore[arg-type]
            variable_value_labels=value_labels,
            missing_ranges=_spss_missing(columns, names),  # type: ignore[arg-type]
            variable_measure={names[c.name]: _measure(c) for c in columns},
        )
    else:
        pyreadstat.write_dta(
            frame,
            path,
            file_label=layout.project.name[:STATA_LABEL_CHARS],
            column_labels={k: v[:STATA_LABEL_CHARS] for k, v in labels.items()},
            variable_value_labels=value_labels,
        )
    renamed = {c.name: names[c.name] for c in columns if names[c.name] != c.name}
    return len(frame), False, renamed


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


def _series(column: Column, values: list) -> pd.Series | np.ndarray:
    if column.kind == CODE:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if column.kind in (INTEGER, COUNT):
        return np.array(values, dtype=np.int64)
    return pd.Series(["" if v is None else str(v) for v in values], dtype=object)


def _value_labels(field: CodebookField, fmt: str) -> dict[float | int, str]:
    values = [c.number for c in field.categories]
    if fmt == "dta":
        if not all(float(v).is_integer() for v in values):
            return {}
        return {int(c.number): c.label for c in field.categories}
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


def _measure(column: Column) -> str:
    if column.field is not None:
        return MEASURE[column.field.level]
    return "scale" if column.kind in (INTEGER, COUNT) else "nominal"


def _cut_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")
