"""Codes as readers take them: only those the project's codebook has, the others counted.

The database refuses a code that is not in the codebook (migration 0003), but a project
made before that check, or a file edited around the app, may still hold one. One such
code would break a field's agreement or reach an export as a cell nobody chose from,
so agreement, review, adjudication and export skip it and say how many they skipped,
by coder and field, in one line the user sees.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from annotator.core.codebook import Codebook
from annotator.core.field_values import FieldType, check


class CodebookCodes:
    """The (field, code) pairs a codebook allows, for checking codes read in bulk.

    A single choice's code is looked up in its categories; any other type's value is
    checked by its type (`field_values.check`: a set of the field's codes, a number in
    range, a short text, a date)."""

    def __init__(self, codebook: Codebook) -> None:
        self._codes = {f.key: frozenset(c.code for c in f.categories) for f in codebook.fields}
        self._typed = {f.key: f for f in codebook.fields if f.type is not FieldType.SINGLE}

    def codes_of(self, field_key: str) -> frozenset[str]:
        """Every code `field_key` allows (none for a field the codebook lacks)."""
        return self._codes.get(field_key, frozenset())

    def allows(self, field_key: str, code: str) -> bool:
        typed = self._typed.get(field_key)
        if typed is not None:
            return check(typed, code) is None
        return code in self.codes_of(field_key)


@dataclass
class SkippedCodes:
    """Codes a reader left out because the codebook does not have them, by (coder, field)."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, coder: str, field_key: str) -> None:
        self.counts[(coder, field_key)] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def for_field(self, field_key: str) -> SkippedCodes:
        """Only the codes skipped in `field_key`."""
        return SkippedCodes(Counter({k: n for k, n in self.counts.items() if k[1] == field_key}))

    def message(self) -> str | None:
        """The line the user sees, or None when nothing was skipped:
        "skipped 1 code not in the codebook: coder ann, field attribution"."""
        if not self.counts:
            return None
        total = self.total
        where = "; ".join(
            f"coder {coder}, field {field_key}" + (f" ({count})" if len(self.counts) > 1 else "")
            for (coder, field_key), count in sorted(self.counts.items())
        )
        return f"skipped {total} code{'s' if total != 1 else ''} not in the codebook: {where}"

    def to_dict(self) -> list[dict[str, object]]:
        return [
            {"coder": coder, "field": field_key, "count": count}
            for (coder, field_key), count in sorted(self.counts.items())
        ]
