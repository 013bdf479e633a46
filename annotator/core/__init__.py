"""The core: everything that is not drawing, usable from the command line and tests.

Packages, from the bottom up (each may import only those below it; import-linter's
contracts in pyproject.toml check this):

- `errors`, `codebook`, `csv_dialect`: the foundation: one-line user errors, the
  codebook format, the CSV dialect and formula neutralising;
- `store`: the project database (models, engines, migrations, backups, transfer);
- `ingest`: files into articles and units (decode, read, segment, store);
- `coding`: the one write path for codes and notes, lookups, progress;
- `agreement`, `export`: statistics and exports, independent of each other;
- `supervision`, `team`: merge, adjudication and the passphrase; team roles on a server;
- `demo`: the demo project, built from all of the above.

Never imports Qt, annotator.ui or annotator.cli.
"""
