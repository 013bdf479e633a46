"""CSV as RFC 4180 describes it, safe to open in a spreadsheet.

Fields are separated by commas and quoted only when needed (QUOTE_MINIMAL: a
comma, a double quote, CR or LF inside), quotes doubled, records ended by CRLF,
text in UTF-8 (optionally with a byte-order mark, which Excel needs to read
accents). Newlines and quotes inside text are kept as they are.

Formula injection (OWASP, "CSV Injection"): a text cell that begins with =, +,
-, @, a tab or a carriage return is written with a single quote (') in front, so
a spreadsheet shows it as text instead of running it. Only text cells are
touched: numbers (unit indexes, counts, the numeric values of --values) are
written as numbers, so a negative value stays -2. `unneutralise` undoes the
prefix when codes are imported back.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TextIO

from annotator.core.export.rows import Layout

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
NEUTRALISING_PREFIX = "'"

Progress = Callable[[int, int, str], bool | None]
"""progress(units done, units in total, "") -> False to cancel; the same shape as imports'."""


def neutralise(text: str) -> str:
    """`text` with the OWASP single-quote prefix when a spreadsheet would run it as a formula."""
    if text and text[0] in FORMULA_TRIGGERS:
        return NEUTRALISING_PREFIX + text
    return text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: drop a leading quote that is followed by a formula trigger."""
    if len(text) > 1 and text[0] == NEUTRALISING_PREFIX and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def csv_writer(stream: TextIO):
    """The one CSV dialect annotator writes (and reads back in `code_import`)."""
    return csv.writer(stream, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def write_csv(layout: Layout, stream: TextIO, progress: Progress | None = None) -> tuple[int, bool]:
    """Write the header and every row of `layout`; returns (rows written, cancelled).

    The layout must have been made with `text=neutralise` (see `Layout`), which
    neutralises each text cell as the rows are built and leaves numbers alone.
    """
    if layout.text is not neutralise:
        raise ValueError("a CSV layout needs text=neutralise")
    writer = csv_writer(stream)
    writer.writerow([neutralise(column.name) for column in layout.columns])
    total = layout.total_units() if progress is not None else 0
    done = written = 0
    for chunk in layout.chunks():
        writer.writerows(chunk.rows)
        done += chunk.units
        written += len(chunk.rows)
        if progress is not None and progress(done, total, "") is False:
            return written, True
    return written, False
