"""The schema's migrations (alembic scripts in versions/) and the revisions they make.

`HEAD` and `REVISIONS` are kept here as constants so that opening a project can tell
whether it is at the current schema, or too new, without importing alembic or reading
the scripts (alembic costs about a fifth of a second to import). A test
(tests/core/test_project.py) fails when they disagree with alembic's ScriptDirectory:
add a script, add its revision here.
"""

REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
)  # oldest first; every schema this version can open
HEAD = REVISIONS[-1]  # the schema this version writes
