"""Row-level security that shows a coder's role only the articles assigned to them.

A team project's article and unit tables are readable by every member; once
`annotator assign` has filled the assignment table, a coder's connection sees an
article only when nobody is assigned to it or she is, and a unit only when she sees
its article (the unit policy asks the article table, whose own policy then applies).
A supervisor sees every row; the project's owner is not subject to row-level security.

The same statements are made by the team setup (team/roles.py, for every member added)
and by migration 0004 (for server projects whose members joined before it), so they
live here, in one place. Like every policy of a team project they name tables with
their schema and compare with OPERATOR(pg_catalog.=) and pg_catalog's types only:
nothing a member might plant elsewhere is ever looked up (store/server_guard.py).
"""

from __future__ import annotations

POLICY = "annotator_assigned_articles"

_EQ = "OPERATOR(pg_catalog.=)"


def _conditions(schema: str) -> dict[str, str]:
    """The USING condition of each table, `schema` already quoted as an identifier."""
    me = f"c.name::pg_catalog.text {_EQ} CURRENT_USER::pg_catalog.text"
    article = (
        f"NOT EXISTS (SELECT 1 FROM {schema}.assignment x"
        f" WHERE x.article_id {_EQ} article.id)"
        f" OR EXISTS (SELECT 1 FROM {schema}.assignment x"
        f" JOIN {schema}.coder c ON c.id {_EQ} x.coder_id"
        f" WHERE x.article_id {_EQ} article.id AND {me})"
        f" OR EXISTS (SELECT 1 FROM {schema}.coder c"
        f" WHERE {me} AND c.role::pg_catalog.text {_EQ} 'supervisor'::pg_catalog.text)"
    )
    unit = f"EXISTS (SELECT 1 FROM {schema}.article a WHERE a.id {_EQ} unit.article_id)"
    return {"article": article, "unit": unit}


def assignment_policy_statements(schema: str) -> list[str]:
    """The statements that (re)make the policies; idempotent. `schema` is a quoted identifier."""
    statements = []
    for table, condition in _conditions(schema).items():
        name = f"{schema}.{table}"
        statements += [
            f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {POLICY} ON {name}",
            f"CREATE POLICY {POLICY} ON {name} FOR SELECT USING ({condition})",
        ]
    return statements
