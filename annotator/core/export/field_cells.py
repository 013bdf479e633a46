"""A codebook field's export columns, and one coder's codes turned into their cells.

Every type has a column named after the field; a multiple-choice field has, after it,
one 0/1 column per category, `field_code` (1 chosen, 0 not chosen), so that statistics
tools need no string splitting. Cells, by type:

- single choice: the code, its numeric value or its label (--values, --labels);
- multiple choice: the chosen codes (values, labels) joined by ";" in codebook order,
  then the 0/1 columns (the joined column is CSV's and Excel's; .sav/.dta carry the
  0/1 columns only, see `stats_files`);
- number: a number (int when whole); date: a `datetime.date`; short text: the text.

"Not coded" and "not applicable" are two different missing values. A field is not
applicable when the coder has coded the unit (or article) and the field's condition
does not hold for those codes (`Codebook.applicable`, the one reading of conditions):
the question was never asked. Its cells (the 0/1 columns too) hold the layout's
not-applicable cell: `NA_MARKER` in CSV, Excel and previews, `NOT_APPLICABLE` for the
SPSS/Stata writer, which turns it into a user-missing value or Stata's `.z`. A unit
the coder has not coded at all has every cell empty: nothing was decided, not even
which questions apply. A code stored although its condition does not hold (written
around the app) is exported as it is: an export never hides a code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.core import field_values, layout_columns
from annotator.core.codebook import Category, Codebook, CodebookField, Scope
from annotator.core.field_values import FieldType

TEXT, INTEGER, CODE, COUNT = "text", "integer", "code", "count"
TIMESTAMP = "timestamp"  # ISO 8601 UTC text in CSV; a date-time variable in .sav, .dta, .xlsx
CHOICES = "choices"  # a multiple-choice field's joined codes (CSV and Excel only)
DUMMY = "dummy"  # one category of a multiple-choice field: 1 chosen, 0 not
NUMBER = "number"  # a number field
DATE = "date"  # a date field: ISO text in CSV, a date in .sav (DATE11), .dta (%td), .xlsx
ANSWER = "answer"  # a short-text field
SHARE = "share"  # a proportion from 0 to 1, empty where it has no denominator
FIELD_KINDS = {
    FieldType.SINGLE: CODE,
    FieldType.MULTIPLE: CHOICES,
    FieldType.NUMBER: NUMBER,
    FieldType.DATE: DATE,
    FieldType.TEXT: ANSWER,
}
NA_MARKER = layout_columns.NOT_APPLICABLE  # "NA": a not-applicable cell in CSV and Excel
CACHE_LIMIT = 4096  # code combinations whose cells are remembered: bounded whatever the data


class NotApplicable:
    """The not-applicable cell handed to the SPSS/Stata writer (one instance)."""

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"


NOT_APPLICABLE = NotApplicable()


@dataclass(frozen=True)
class Column:
    """One exported column: its header, a human label, and what kind of cells it holds.

    `kind` decides formula neutralisation (only text cells) and the SPSS/Stata type;
    `field` is set for a field's columns, whose value labels and level of measurement
    come from it, and `category` for a multiple-choice field's 0/1 column.
    """

    name: str
    label: str
    kind: str = TEXT
    field: CodebookField | None = None
    category: Category | None = None


def field_columns(field: CodebookField, suffix: str = "", who: str = "") -> list[Column]:
    """The columns of one field, named `key` (and `key_code` for 0/1 columns) plus
    `suffix`, labelled with the field's label (and the category's) plus `who`."""
    main = Column(f"{field.key}{suffix}", f"{field.label}{who}", FIELD_KINDS[field.type], field)
    if field.type is not FieldType.MULTIPLE:
        return [main]
    return [main] + [
        Column(f"{field.key}_{c.code}{suffix}", f"{field.label}: {c.label}{who}", DUMMY, field, c)
        for c in field.categories
    ]


class FieldCells:
    """Turns one coder's codes of the layout's fields into their cells, in column order.

    `codes` holds one stored value (or None) per field of `fields`; `values` is the
    layout's --codes/--values/--labels mode, `text` what text cells go through (formula
    neutralising for CSV) and `not_applicable` the cell of a question not asked.
    """

    def __init__(
        self,
        codebook: Codebook,
        fields: list[CodebookField],
        values: str,
        text: Callable[[str], str],
        not_applicable: object,
    ) -> None:
        self.codebook = codebook
        self.fields = fields
        self.scope = fields[0].scope if fields else Scope.UNIT
        self.conditional = any(f.when is not None for f in fields)
        self.widths = [len(field_columns(f)) for f in fields]
        self.width = sum(self.widths)
        self.blank: tuple = (None,) * self.width
        self.not_applicable = not_applicable
        self.converters = [_converter(f, values, text) for f in fields]
        self._cache: dict[tuple[str | None, ...], tuple] = {}

    def cells(self, codes: tuple[str | None, ...] | None) -> tuple:
        """The cells of one coder's codes; all empty when the coder coded nothing here."""
        if codes is None:
            return self.blank
        found = self._cache.get(codes)  # the usual case: combinations repeat over rows
        if found is None:
            found = self._make(codes) if any(c is not None for c in codes) else self.blank
            if len(self._cache) < CACHE_LIMIT:
                self._cache[codes] = found
        return found

    def _make(self, codes: tuple[str | None, ...]) -> tuple:
        asked = None
        if self.conditional:
            given = {f.key: c for f, c in zip(self.fields, codes, strict=True) if c is not None}
            asked = self.codebook.applicable(self.scope, given)
        cells: list = []
        for field, code, convert, width in zip(
            self.fields, codes, self.converters, self.widths, strict=True
        ):
            if code is None and asked is not None and field.key not in asked:
                cells += [self.not_applicable] * width
            else:
                cells += convert(code)
        return tuple(cells)


def _converter(field: CodebookField, mode: str, text: Callable[[str], str]):
    """stored value (or None) -> the field's cells, a list as long as its columns."""
    if field.type is FieldType.SINGLE:
        one = _choice(field, mode, text)
        return lambda code: [None if code is None else one(code)]
    if field.type is FieldType.MULTIPLE:
        return _multiple(field, mode, text)
    if field.type is FieldType.NUMBER:
        return lambda value: [None if value is None else _number_cell(value)]
    if field.type is FieldType.DATE:
        return lambda value: [None if value is None else field_values.as_date(value)]
    return lambda value: [None if value is None else text(value)]


def _choice(field: CodebookField, mode: str, text: Callable[[str], str]):
    """code -> cell: the code itself, its numeric value (int when whole) or its label."""
    if mode == "labels":
        table = {c.code: text(c.label) for c in field.categories}
        return lambda code: table.get(code) or text(code)
    if mode == "values":
        values = {c.code: number(c.value) for c in field.categories}
        return values.get
    # Codes are identifiers ([a-z][a-z0-9_]*, and only valid ones reach here: see
    # scope._CodeCheck), which need no neutralising.
    return lambda code: code


def _multiple(field: CodebookField, mode: str, text: Callable[[str], str]):
    """The joined cell (neutralised as a whole: only its start can make a formula) and
    the 0/1 cells."""
    one = _choice(field, mode, _same)
    codes = [c.code for c in field.categories]

    def cells(value: str | None) -> list:
        if value is None:
            return [None] * (1 + len(codes))
        chosen = field_values.choices(value)
        joined = field_values.MULTIPLE_SEPARATOR.join(str(one(code)) for code in chosen)
        return [text(joined), *(int(code in chosen) for code in codes)]

    return cells


def _same(text: str) -> str:
    return text


def _number_cell(value: str) -> int | float:
    """A stored number as a number: int when whole (exact at any size), else float."""
    return int(value) if "." not in value else field_values.as_number(value)


def number(value: float | None) -> int | float | None:
    """A category value as written: 2 rather than 2.0, so R and Stata read integers."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
