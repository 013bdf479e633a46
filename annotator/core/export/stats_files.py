"""SPSS .sav and Stata .dta files through pyreadstat, labelled from the codebook.

Codes are stored as their numeric category values with value labels (value ->
label), whatever --values/--labels says, because that is how both packages
represent categorical data: the label is what they show, the number keeps the
order of ordinal fields. Variables get the field's label ("Attribution", or
"Attribution (alice)" in the wide layout) and, in SPSS, a measurement level:
nominal, ordinal, or scale for interval and ratio fields. What each kind of column
becomes (typed fields, a multiple-choice field's 0/1 columns, the missing values of
outside-scale categories and of "not applicable") is `stats_variables`'.

Decisions:
- Outside-scale categories ("not applicable") of ordinal fields are missing values,
  as the agreement statistics treat them: user-missing values in SPSS (at most three,
  SPSS's limit, a field's condition taking the first) and Stata's extended missing
  values `.a`, `.b`, ... (in category order, labelled with the category's label; Stata
  keeps no number beside them; any past the 25th, `.y`, stay labelled numbers). `.z` is
  a question whose condition does not hold. Nominal fields declare no category missing.
- A multiple-choice field's joined text column is left out: its 0/1 columns hold it.
- Stata labels only whole numbers: a field with a fractional category value is
  written as plain numbers in .dta, with labels for its extended missing values only
  (SPSS keeps every label).
- .dta files are format 118 (Stata 14 and later open it); 119 only when the data have
  more than 32,767 variables, which 118 cannot hold.
- SPSS formats fit the data: code variables F<w>.<d> from the field's values ("F1.0"
  for 0 to 6), counts, indices and numbers from their values, and every display width
  from the longest value (text cut at 80 columns for the Data View only).
- Text is kept whole: pyreadstat writes Stata strings longer than 2045 bytes as
  strL and long SPSS strings as very long strings, so sentences and notes survive
  intact; empty text is written as "" (neither format has a missing string).
  Variable labels are cut to Stata's 80 characters, value labels to SPSS's 120 bytes.
  `codebook_version` ("1.0") is a string variable, never a number.
- `coded_at` columns are date-time variables (SPSS DATETIME, Stata %tc), in UTC to
  the second; date fields are dates (SPSS DATE11, Stata %td); an article's
  `published` stays the text the article gave.
- pyreadstat writes a whole data frame at once, so unlike CSV these files are built
  in memory (about the size of the data; SPSS and Stata load it whole as well).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from annotator.core.export.field_cells import CHOICES, TIMESTAMP
from annotator.core.export.names import variable_names
from annotator.core.export.rows import Column, Layout
from annotator.core.export.stats_variables import (
    SPSS_MAX_DISCRETE_MISSING,
    Variable,
    measure,
    stata_tags,
    values_by_field,
    variable,
)

__all__ = ["stata_format", "stata_tags", "write_stats_file"]

STATA_LABEL_CHARS = 80
STATA_118_MAX_VARIABLES = 32_767
STATA_VERSION = {118: 14, 119: 15}  # file format -> pyreadstat's `version` argument
SPSS_VALUE_LABEL_BYTES = 120
SPSS_MAX_DISPLAY_WIDTH = 80

Progress = Callable[[int, int, str], bool | None]


def write_stats_file(
    layout: Layout, path: Path, fmt: str, progress: Progress | None = None
) -> tuple[int, bool, dict[str, str]]:
    """Write `layout` (built in --values mode, with `NOT_APPLICABLE` cells) as .sav or .dta.

    Returns (rows, cancelled, renamed) where `renamed` maps each column whose
    name had to change to its variable name.
    """
    cells, cancelled = _collect(layout, progress)
    if cancelled:
        return 0, True, {}
    kept = [(c, v) for c, v in zip(layout.columns, cells, strict=True) if c.kind != CHOICES]
    columns = [c for c, _ in kept]
    taken = values_by_field(columns, [values for _, values in kept])
    variables = [
        variable(c, values, fmt, taken.get(c.field.key, frozenset()) if c.field else frozenset())
        for c, values in kept
    ]
    labelled = {c.name for c, v in zip(columns, variables, strict=True) if v.value_labels}
    names = variable_names([c.name for c in columns], labelled)
    frame = pd.DataFrame({names[c.name]: v.data for c, v in zip(columns, variables, strict=True)})
    labels = {names[c.name]: c.label for c in columns}
    value_labels = {
        names[c.name]: v.value_labels
        for c, v in zip(columns, variables, strict=True)
        if v.value_labels
    }
    missing = {
        names[c.name]: v.missing for c, v in zip(columns, variables, strict=True) if v.missing
    }
    if fmt == "sav":
        formats = {
            names[c.name]: _spss_format(c, v) for c, v in zip(columns, variables, strict=True)
        }
        pyreadstat.write_sav(
            frame,
            path,
            file_label=layout.project.name[:64],
            # pyreadstat types these dict[str, str | None] and dict[str, list[float | ...]]:
            # ours hold only the narrower values, which mypy refuses only as dict is invariant.
            column_labels=labels,  # type: ignore[arg-type]
            variable_value_labels={
                name: {k: _cut_bytes(t, SPSS_VALUE_LABEL_BYTES) for k, t in table.items()}
                for name, table in value_labels.items()
            },
            missing_ranges={
                name: values[:SPSS_MAX_DISCRETE_MISSING] for name, values in missing.items()
            },
            variable_measure={names[c.name]: measure(c) for c in columns},
            variable_format={k: v for k, v in formats.items() if v is not None},
            variable_display_width={
                names[c.name]: _display_width(c, v.data, formats[names[c.name]])
                for c, v in zip(columns, variables, strict=True)
            },
        )
    else:
        pyreadstat.write_dta(
            frame,
            path,
            file_label=layout.project.name[:STATA_LABEL_CHARS],
            column_labels={k: v[:STATA_LABEL_CHARS] for k, v in labels.items()},
            version=STATA_VERSION[stata_format(len(columns))],
            variable_value_labels=value_labels,
            missing_user_values=missing,
        )
    renamed = {c.name: names[c.name] for c in columns if names[c.name] != c.name}
    return len(frame), False, renamed


def stata_format(n_variables: int) -> int:
    """118, which Stata 14 opens, unless the data need 119's room for more variables."""
    return 118 if n_variables <= STATA_118_MAX_VARIABLES else 119


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


def _spss_format(column: Column, var: Variable) -> str | None:
    """F<width>.<decimals> that shows every value of a number column as it is ("F1.0" for
    codes 0 to 6), a date's DATE11; None for text and date-times, whose formats pyreadstat
    sets."""
    if var.spss_format is not None or not var.numbers:
        return var.spss_format
    decimals = max(len(_plain(n).partition(".")[2]) for n in var.numbers)
    width = max(len(f"{n:.{decimals}f}") for n in var.numbers)
    return f"F{width}.{decimals}"


def _display_width(column: Column, data, spss_format: str | None) -> int:
    """Data View columns as wide as the widest value (a format's width for numbers)."""
    if spss_format is not None:
        return int(spss_format.lstrip("ADEFT").partition(".")[0])
    if column.kind == TIMESTAMP:
        return len("dd-mmm-yyyy hh:mm:ss")
    longest = max((len(v) for v in data if isinstance(v, str)), default=1)
    return max(1, min(longest, SPSS_MAX_DISPLAY_WIDTH))


def _plain(number: float) -> str:
    """A number without exponent or trailing zeros: 1.5 -> "1.5", 2.0 -> "2"."""
    return np.format_float_positional(number, trim="-")


def _cut_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")
