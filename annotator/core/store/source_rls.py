"""Row-level security on a team project's source tables, exactly as on its codes.

A coder's role reads and writes only her own sources, their mentions, links and codes
and her span corrections; a supervisor reads every row and writes only the consensus
coder's (team/roles.py makes the same three policies for code, note and history). Each
table names its coder in `coder_id`; a mention, link or code cannot name another coder
than its source's (a composite foreign key, store/models.py), so the policy on
`coder_id` covers the whole source. The statements are made both by the team setup
(team/roles.py, for every member added) and by migration 0006 (for server projects
whose members joined before it), so they live here, in one place. Like every policy of a
team project they name tables with their schema and compare with OPERATOR(pg_catalog.=).
"""

from __future__ import annotations

SOURCE_TABLES = ("source", "source_mention", "source_link", "source_code", "span_correction")

_EQ = "OPERATOR(pg_catalog.=)"


def source_policy_statements(schema: str) -> list[str]:
    """The statements that (re)make the policies; idempotent. `schema` is a quoted identifier."""
    me = f"c.name::pg_catalog.text {_EQ} CURRENT_USER::pg_catalog.text"
    supervisor = f"EXISTS (SELECT 1 FROM {schema}.coder c WHERE {me} AND c.role {_EQ} 'supervisor')"
    own = f"(SELECT c.id FROM {schema}.coder c WHERE {me} AND c.role {_EQ} 'coder')"
    consensus = f"(SELECT c.id FROM {schema}.coder c WHERE c.role {_EQ} 'consensus')"
    policies = (
        ("annotator_own_rows", "ALL", f"coder_id {_EQ} ANY {own}"),
        ("annotator_supervisor_reads", "SELECT", supervisor),
        ("annotator_consensus", "ALL", f"{supervisor} AND coder_id {_EQ} ANY {consensus}"),
    )
    statements = []
    for table in SOURCE_TABLES:
        name = f"{schema}.{table}"
        statements.append(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        for policy, command, condition in policies:
            check = "" if command == "SELECT" else f" WITH CHECK ({condition})"
            statements += [
                f"DROP POLICY IF EXISTS {policy} ON {name}",
                f"CREATE POLICY {policy} ON {name} FOR {command} USING ({condition}){check}",
            ]
    return statements


def source_grant_statements(schema: str, role: str) -> list[str]:
    """What a member may do to the source tables (`role` a quoted identifier): read all,
    write rows (the policies above then decide which)."""
    tables = ", ".join(f"{schema}.{table}" for table in SOURCE_TABLES)
    sequences = ", ".join(f"{schema}.{table}_id_seq" for table in SOURCE_TABLES)
    return [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {role}",
        f"GRANT USAGE ON SEQUENCE {sequences} TO {role}",
    ]
