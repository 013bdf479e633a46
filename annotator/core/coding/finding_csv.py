"""Retrieval and keyword-in-context results as CSV, in the one dialect annotator writes.

Every text cell is neutralised (`csv_dialect.neutralise`: a coder's note starting with
= never runs as a formula in the supervisor's spreadsheet); the file gets a byte-order
mark so that Excel reads accents, and is refused where it would replace the project.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from annotator.core.codebook import Codebook
from annotator.core.coding.keyword_search import KeywordHit
from annotator.core.coding.retrieval import RetrievedUnit
from annotator.core.csv_dialect import csv_writer, neutralise
from annotator.core.errors import AnnotatorError
from annotator.core.store.location import Location
from annotator.core.store.outputs import check_output

Cell = str | int


def retrieval_table(
    codebook: Codebook, units: Iterable[RetrievedUnit]
) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows: the unit, the coder, one column per field, the note, the text;
    the suggester's code beside each field's when a unit carries one."""
    keys = [f.key for f in codebook.unit_fields]  # a finding lists units
    units = list(units)
    suggested = any(u.suggested for u in units)
    header = ["unit_key", "article", "index", "coder", *keys, "note", "text"]
    if suggested:
        header += [f"suggester_{key}" for key in keys]
    rows: list[list[Cell]] = []
    for u in units:
        row: list[Cell] = [u.unit_key, u.article_key, u.idx, u.coder]
        row += [u.codes.get(key, "") for key in keys] + [u.note, u.text]
        if suggested:
            row += [u.suggested.get(key, "") for key in keys]
        rows.append(row)
    return header, rows


def keyword_table(hits: Iterable[KeywordHit]) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows of a keyword-in-context search."""
    header = ["unit_key", "article", "index", "left", "match", "right"]
    rows: list[list[Cell]] = [
        [h.unit_key, h.article_key, h.idx, h.left, h.match, h.right] for h in hits
    ]
    return header, rows


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The table in annotator's CSV dialect, text cells neutralised."""
    stream = io.StringIO()
    writer = csv_writer(stream)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(c) if isinstance(c, str) else c for c in row])
    return stream.getvalue()


def write_table_csv(
    path: str | Path, project_location: Location, header: Sequence[str], rows
) -> None:
    """Write the table to `path` (UTF-8 with a byte-order mark); one line on failure."""
    check_output(path, project_location)
    text = csv_text(header, rows)
    try:
        Path(path).write_text(text, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise AnnotatorError(f"{path}: cannot write ({error.strerror or error})") from None
