"""The names of the export's columns that are not codes, in one place.

`annotator export` writes them (`export.rows`), `annotator import-codes` reads a long
export back (`codes_from_csv`) and `annotator agreement` reads long and wide exports
(`agreement.reliability_csv`); each takes the names from here, so a column added to
the export is known to both readers at once. They live in the coding layer, the lowest
of the three.
"""

from __future__ import annotations

UNIT_KEY = "unit_key"
CODER = "coder"
NOTE = "note"
CODED_AT = "coded_at"
CONSENSUS_SOURCE = "consensus_source"  # the consensus layout: where its codes come from
ROLE = "role"  # the articles layout: coder, consensus or machine

ARTICLE_COLUMNS = ("article_key", "title", "outlet", "published", "author")
UNIT_COLUMNS = (UNIT_KEY, "unit_index", "kind", "text")
TAIL_COLUMNS = ("codebook", "codebook_version")

DESCRIPTIVE_COLUMNS = frozenset({*ARTICLE_COLUMNS, *UNIT_COLUMNS[1:], CODED_AT, *TAIL_COLUMNS})
"""Columns that describe a row of the long layout (its article, unit, time and codebook)
rather than code it: a reader of codes passes over them."""

NOT_CODES = DESCRIPTIVE_COLUMNS | {NOTE, CONSENSUS_SOURCE, ROLE}
"""Every column of an export that holds no code, in any layout."""
