"""What a merge did (or, in a dry run, would do), per source and per coder, and the merge
table that the dialog and `annotator merge --dry-run` show from it.

Plain data: the merge (`merge`) fills these in as it goes, so a dry run, which is the
merge itself rolled back, reports exactly what the merge will then do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from annotator.core.coding.coder_names import printable_name

KEPT_SOURCE = "source"  # the source's value is newer, and changes were accepted
KEPT_TARGET = "target"  # the target's value is newer (or as new)
KEPT_HELD = "held"  # the source's value is newer, but changes were not accepted
KEPT_CONSENSUS = "consensus"  # the target's consensus, which a merge never changes
KEPT_MEMO = "memo"  # the target's article memo, which a merge never replaces


@dataclass(frozen=True)
class Conflict:
    """The same coder has different codes (or notes) for one unit in the two files; or
    the two files' memos of one article differ (`unit` is then the article's key,
    `field` "#memo", `coder` who last wrote the source's memo)."""

    unit: str
    coder: str
    field: str  # a field key, or "#note"
    target_value: str | None
    source_value: str | None
    target_at: datetime
    source_at: datetime
    kept: str  # one of the KEPT_ values above


@dataclass(frozen=True)
class Skipped:
    """A source code or note that was not merged, and why."""

    unit: str
    coder: str
    field: str
    value: str
    reason: str


@dataclass
class CoderMerge:
    """What merging one source did for one of its coders (the rows of the merge table)."""

    coder: str
    new_coder: bool = False  # the target had no coder of this name
    units: int = 0  # units this coder coded in the source, matched or not
    articles_added: int = 0  # articles added to the target that this coder coded
    codes_added: int = 0
    codes_updated: int = 0
    codes_removed: int = 0
    codes_unchanged: int = 0
    notes_changed: int = 0  # notes added, updated or removed
    conflicts: int = 0
    skipped: int = 0


@dataclass
class MergeReport:
    """What merging one source did; `to_dict` is what the CLI prints with --json.

    ``coders`` breaks the counts down by the source's coders, in name order.
    """

    source: str
    articles_added: list[str] = field(default_factory=list)
    units_added: int = 0
    units_matched: int = 0
    coders_added: list[str] = field(default_factory=list)
    codes_added: int = 0
    codes_updated: int = 0
    codes_removed: int = 0
    codes_unchanged: int = 0
    notes_added: int = 0
    notes_updated: int = 0
    notes_removed: int = 0
    notes_unchanged: int = 0
    memos_added: int = 0  # article memos brought where the target's article had none
    history_added: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    codebook_note: str | None = None
    coders: list[CoderMerge] = field(default_factory=list)

    @property
    def held(self) -> list[Conflict]:
        """The source's changes to codes and notes the target holds, left out because the
        changes were not accepted (`accept_changes`, --accept-changes)."""
        return [c for c in self.conflicts if c.kept == KEPT_HELD]

    @property
    def changed(self) -> bool:
        """Whether the target was written to at all."""
        counts = (
            "units_added",
            "coders_added",
            "history_added",
            "codes_added",
            "codes_updated",
            "codes_removed",
            "notes_added",
            "notes_updated",
            "notes_removed",
            "memos_added",
        )
        return any(getattr(self, name) for name in counts)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        for item in data["conflicts"]:
            item["target_at"] = item["target_at"].isoformat()
            item["source_at"] = item["source_at"].isoformat()
        return data


class MergeTableRow(NamedTuple):
    """One row of the merge table: one coder of one source."""

    source: str
    coder: str
    new_coder: bool
    units: int
    articles_added: int
    codes_added: int
    codes_changed: int  # updated or removed
    conflicts: int
    skipped: int


MERGE_TABLE_COLUMNS = (
    "Source",
    "Coder",
    "Units",
    "New articles",
    "New codes",
    "Changed codes",
    "Conflicts",
    "Skipped",
)


def merge_table(reports: list[MergeReport]) -> list[MergeTableRow]:
    """A row per coder of each source, in source order then by coder name; a source
    without codes gets one row of its own (coder "-"), so every source is in the table."""
    rows = []
    for report in reports:
        name = source_label(report.source)
        rows += [
            MergeTableRow(
                name,
                row.coder,
                row.new_coder,
                row.units,
                row.articles_added,
                row.codes_added,
                row.codes_updated + row.codes_removed,
                row.conflicts,
                row.skipped,
            )
            for row in report.coders
        ]
        if not report.coders:
            rows.append(MergeTableRow(name, "-", False, 0, len(report.articles_added), 0, 0, 0, 0))
    return rows


def merge_table_text(reports: list[MergeReport]) -> list[str]:
    """The merge table as aligned plain-text lines (the command line's --dry-run)."""
    cells = [MERGE_TABLE_COLUMNS, *(table_cells(row) for row in merge_table(reports))]
    widths = [max(len(line[i]) for line in cells) for i in range(len(MERGE_TABLE_COLUMNS))]
    return [
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in cells
    ]


def table_cells(row: MergeTableRow) -> tuple[str, ...]:
    """The row as the table shows it, in `MERGE_TABLE_COLUMNS` order."""
    coder = printable_name(row.coder) + (" (new)" if row.new_coder else "")
    counts = (row.units, row.articles_added, row.codes_added, row.codes_changed)
    return (row.source, coder, *map(str, counts), str(row.conflicts), str(row.skipped))


def source_label(source: str) -> str:
    """A source as the table names it: a file's name, a server URL as displayed."""
    return source if "://" in source else Path(source).name
