"""Coding: the one write path for codes and notes, and what the coding views read.

`service` (apply codes and notes in one transaction with history; every writer goes
through it), `lookups` (articles and units by readable key), `coded_groups` (codes
grouped by unit and field), `article_views` (what the coding window lists and shows),
`progress` (how far each coder has got), `codes_from_csv` (importing coded rows),
`codebook_update`, `codebook_changes` and `codebook_mapping` (changing the codebook
during a study).
May import `ingest`, `store` and the foundation; not agreement, export, supervision or team.
"""
