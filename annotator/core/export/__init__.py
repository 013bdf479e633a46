"""Exports for statistics tools: CSV, SPSS .sav, Stata .dta and Excel .xlsx in four layouts.

The command line and the GUI's export dialog both use:

- `preview_rows(project, options, limit)`: the first rows of a layout as plain dicts;
- `export(project, path, options, ...)`: a streaming export with a progress callback
  that can cancel; the file appears only when complete (written to a temporary file
  in the same folder, then moved into place with `os.replace`), so a cancelled or
  failed export leaves no partial file and never damages an existing one;
- `export_csv_stream(project, stream, options)`: CSV to an open binary stream (stdout);
- `mixed_versions(project, options)` and `mixed_versions_message(versions)`: the codebook
  versions an export's codes were made under, and the line that says when there are
  several (codes of two versions compared side by side).

Layouts and their decisions are described in `rows`, CSV safety in `csv_writer`,
the cells of every field type (and "not applicable") in `field_cells`, SPSS/Stata specifics
in `stats_files` and `stats_variables`, Excel's in `xlsx_file`, and variable naming in
`names`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.csv_dialect import neutralise, unneutralise
from annotator.core.errors import AnnotatorError
from annotator.core.export.csv_writer import Progress, text_over, write_csv
from annotator.core.export.field_cells import NA_MARKER, NOT_APPLICABLE
from annotator.core.export.halves import SecondHalf, worth_splitting
from annotator.core.export.names import variable_names
from annotator.core.export.rows import Column, Layout, same
from annotator.core.export.scope import (
    LAYOUTS,
    VALUE_MODES,
    ExportOptions,
    resolve_scope,
    versions_used,
)
from annotator.core.store.part_files import part_path, remove_stale_parts
from annotator.core.store.project import Project

FORMATS = ("csv", "sav", "dta", "xlsx")
BINARY_FORMATS = ("sav", "dta", "xlsx")  # read by the file ending
PREVIEW_CHUNK = 50  # units read for a preview: enough for a few rows, fast on any project

__all__ = [
    "FORMATS",
    "LAYOUTS",
    "NA_MARKER",
    "VALUE_MODES",
    "Column",
    "ExportOptions",
    "ExportResult",
    "Progress",
    "export",
    "export_csv_stream",
    "format_for_path",
    "layout_columns",
    "mixed_versions",
    "mixed_versions_message",
    "neutralise",
    "preview_rows",
    "unneutralise",
    "variable_names",
]


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote; `renamed` maps columns to their changed .sav/.dta variable names."""

    path: Path | None
    format: str
    rows: int
    cancelled: bool = False
    renamed: dict[str, str] = field(default_factory=dict)
    skipped: SkippedCodes = field(default_factory=SkippedCodes)  # codes not in the codebook
    versions: list[tuple[str, str]] = field(default_factory=list)  # codebooks of its codes


CSV_SUFFIXES = ("", "csv", "txt")


def format_for_path(path: str | Path, fmt: str | None = None) -> str:
    """The file format: given explicitly, else from the ending (.sav, .dta, .xlsx), else CSV.

    A file named for another format (out.xlsx, out.json, ...) is refused rather than
    filled with CSV text that the program it is named for cannot open."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in (*CSV_SUFFIXES, *BINARY_FORMATS):
        raise AnnotatorError(
            f"{path}: annotator writes .csv, .xlsx (Excel, LibreOffice), .sav (SPSS) and "
            f".dta (Stata), not .{suffix}"
        )
    implied = suffix if suffix in BINARY_FORMATS else None
    if fmt is None:
        return implied or "csv"
    if fmt not in FORMATS:
        raise AnnotatorError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    if implied and implied != fmt:
        raise AnnotatorError(f"{path}: a .{implied} file cannot hold the {fmt} format")
    return fmt


def layout_columns(project: Project, options: ExportOptions) -> list[Column]:
    """The columns a layout will have (for a dialog's column list)."""
    with project.reading() as session:
        return Layout(project, session, options).columns


def mixed_versions(project: Project, options: ExportOptions) -> list[tuple[str, str]]:
    """(name, version) of each codebook version the codes of an export were made under,
    oldest first (one, or none, for most projects)."""
    with project.reading() as session:
        return versions_used(session, resolve_scope(session, options))


def mixed_versions_message(versions: list[tuple[str, str]]) -> str | None:
    """The line that says an export compares codes of several codebook versions, or None:
    "codes of 2 codebook versions are exported side by side: Study 1.0, Study 2.0 (the
    codebook_version column says which each row's codes were made under)"."""
    if len(versions) < 2:
        return None
    named = ", ".join(f"{name} {version}" for name, version in versions)
    return (
        f"codes of {len(versions)} codebook versions are exported side by side: {named} "
        "(the codebook_version column says which each row's codes were made under)"
    )


def preview_rows(project: Project, options: ExportOptions, limit: int = 20) -> list[dict]:
    """The first `limit` rows of a layout as dicts keyed by column name, as the CSV would hold
    them before formula neutralisation (codes, values or labels as `options.values` says)."""
    with project.reading() as session:
        layout = Layout(project, session, options)
        names = [c.name for c in layout.columns]
        rows = (row for chunk in layout.chunks(PREVIEW_CHUNK) for row in chunk.rows)
        return [dict(zip(names, row, strict=True)) for row in islice(rows, limit)]


def export(
    project: Project,
    path: str | Path,
    options: ExportOptions,
    fmt: str | None = None,
    *,
    bom: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write a layout to `path` as CSV, .sav, .dta or .xlsx; all or nothing.

    `progress(units done, units total, "")` is called after each chunk; returning
    False cancels, removes the temporary file and leaves `path` as it was.
    For .sav/.dta the codes are always numeric values with value labels; .xlsx writes
    them as `options.values` says, like CSV.
    """
    path = Path(path)
    fmt = format_for_path(path, fmt)
    if bom and fmt != "csv":
        raise AnnotatorError("--bom applies to CSV only")
    if not path.parent.is_dir():
        raise AnnotatorError(f"{path}: folder {path.parent} does not exist")
    if fmt in ("sav", "dta"):
        options = dataclasses.replace(options, values="values")
    temp = _temp_path(path)
    second = SecondHalf(project, options, path) if worth_splitting(project, options, fmt) else None
    try:
        with project.reading() as session:
            with second.same_snapshot(project) if second else contextlib.nullcontext():
                if fmt in ("sav", "dta"):  # (a Layout's first read begins the snapshot)
                    layout = Layout(project, session, options, same, NOT_APPLICABLE)
                else:
                    layout = Layout(project, session, options, neutralise if fmt == "csv" else same)
            versions = versions_used(session, layout.scope)
            if fmt == "csv":
                with _create(temp) as raw:
                    rows, cancelled = _write_csv_binary(layout, raw, bom, progress, second)
                renamed: dict[str, str] = {}
            elif fmt == "xlsx":
                from annotator.core.export.xlsx_file import write_xlsx  # openpyxl on demand

                rows, cancelled = write_xlsx(layout, temp, progress)
                renamed = {}
            else:
                # pandas and pyreadstat load only for the formats that need them.
                from annotator.core.export.stats_files import write_stats_file

                rows, cancelled, renamed = write_stats_file(layout, temp, fmt, progress)
        if cancelled:
            temp.unlink(missing_ok=True)
            return ExportResult(None, fmt, rows, True, skipped=layout.skipped, versions=versions)
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise AnnotatorError(f"{path}: cannot write ({error.strerror or error})") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        if second is not None:
            second.close()
    return ExportResult(path, fmt, rows, False, renamed, layout.skipped, versions)


def export_csv_stream(
    project: Project,
    stream: BinaryIO,
    options: ExportOptions,
    *,
    bom: bool = False,
    skipped: SkippedCodes | None = None,
) -> int:
    """CSV of a layout to an open binary stream such as stdout; returns the number of rows
    (and counts into `skipped`, when given, the codes left out as not in the codebook)."""
    with project.reading() as session:
        layout = Layout(project, session, options, neutralise)
        rows, _ = _write_csv_binary(layout, stream, bom, None)
    if skipped is not None:
        skipped.counts.update(layout.skipped.counts)
    return rows


def _write_csv_binary(
    layout: Layout,
    raw: BinaryIO,
    bom: bool,
    progress: Progress | None,
    second: SecondHalf | None = None,
) -> tuple[int, bool]:
    with text_over(raw, bom) as text:
        if second is not None:
            return second.write(layout, text, raw, progress)
        return write_csv(layout, text, progress)


def _temp_path(path: Path) -> Path:
    """A hidden file beside the target (so os.replace is atomic); leftovers of killed
    exports to the same target are removed first (store.part_files)."""
    remove_stale_parts(path)
    return part_path(path)


@contextlib.contextmanager
def _create(path: Path):
    # os.open with 0o666 lets the umask decide the final permissions, as for any new file
    # (tempfile.mkstemp would leave the export readable by its owner only).
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "wb", buffering=1 << 20) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
