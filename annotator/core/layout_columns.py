"""The names of the export's columns that are not codes, in one place.

`annotator export` writes them (`export.rows`), `annotator import-codes` reads a long
export back (`codes_from_csv`) and `annotator agreement` reads long and wide exports
(`agreement.reliability_csv`); each takes the names from here, so a column added to
the export is known to both readers at once. The codebook refuses field keys that would
make a column of the same name (`codebook.Codebook`), so this module sits in the core's
bottom layer, below the codebook; it imports nothing.
"""

from __future__ import annotations

UNIT_KEY = "unit_key"
CODER = "coder"
NOTE = "note"
CODED_AT = "coded_at"
CONSENSUS_SOURCE = "consensus_source"  # the consensus layout: where its codes come from
ROLE = "role"  # the articles layout: coder, consensus or machine
MEMO = "memo"  # the articles layout: the article's memo

ARTICLE_COLUMNS = ("article_key", "title", "outlet", "published", "author")
UNIT_COLUMNS = (UNIT_KEY, "unit_index", "kind", "text")
TAIL_COLUMNS = ("codebook", "codebook_version")

DESCRIPTIVE_COLUMNS = frozenset({*ARTICLE_COLUMNS, *UNIT_COLUMNS[1:], CODED_AT, *TAIL_COLUMNS})
"""Columns that describe a row of the long layout (its article, unit, time and codebook)
rather than code it: a reader of codes passes over them."""

NOT_CODES = DESCRIPTIVE_COLUMNS | {NOTE, CONSENSUS_SOURCE, ROLE, MEMO}
"""Every column of an export that holds no code, in any layout."""

UNITS, CODED_UNITS = "units", "coded_units"  # the articles layout's counts
ARTICLE_KEY = ARTICLE_COLUMNS[0]  # the articles layout's key of a row's article
NOT_APPLICABLE = "NA"
"""A CSV or Excel cell of a field whose condition does not hold (a question not asked), where
a field not coded is empty: read as missing by R's read.csv and pandas by default, and
as no code by `import-codes`."""
WIDE_SEPARATOR = "__"  # the wide layout's `field__coder`, `note__coder`, `coded_at__coder`

FIXED_COLUMNS = NOT_CODES | {UNIT_KEY, CODER, UNITS, CODED_UNITS}
"""Every column name an export writes that is not made from a field: no field may take one."""
