"""Writing a whole export layout as CSV, in the dialect of `annotator.core.csv_dialect`."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO, TextIO

from annotator.core.csv_dialect import csv_writer, neutralise
from annotator.core.export.rows import Layout
from annotator.core.export.scope import ArticleSpan

Progress = Callable[[int, int, str], bool | None]
"""progress(units done, units in total, "") -> False to cancel; the same shape as imports'."""


@contextlib.contextmanager
def text_over(raw: BinaryIO, bom: bool = False) -> Iterator[TextIO]:
    """UTF-8 text over a binary file, flushed and let go at the end: the file stays
    open for its owner (the first half's file gets the second half after)."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig" if bom else "utf-8", newline="")
    try:
        yield text
    finally:
        text.flush()
        text.detach()


def write_csv(
    layout: Layout,
    stream: TextIO,
    progress: Progress | None = None,
    *,
    span: ArticleSpan | None = None,
    header: bool = True,
    total: int | None = None,
) -> tuple[int, bool]:
    """Write the header and every row of `layout`; returns (rows written, cancelled).

    With `span`, only the rows of those articles; without `header`, rows only (the two
    serve an export written in two parts, see `export.halves`). Progress counts units
    out of the whole layout's, or out of `total` when given.

    The layout must have been made with `text=neutralise` (see `Layout`), which
    neutralises each text cell as the rows are built and leaves numbers alone.
    """
    if layout.text is not neutralise:
        raise ValueError("a CSV layout needs text=neutralise")
    writer = csv_writer(stream)
    if header:
        writer.writerow([neutralise(column.name) for column in layout.columns])
    if total is None:
        total = layout.total_units() if progress is not None else 0
    done = written = 0
    for chunk in layout.chunks(span=span):
        writer.writerows(chunk.rows)
        done += chunk.units
        written += len(chunk.rows)
        if progress is not None and progress(done, total, "") is False:
            return written, True
    return written, False
