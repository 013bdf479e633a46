"""Team members as PostgreSQL roles, and blinding enforced by row-level security.

Each coder connects as their own LOGIN role whose name is their coder name, so
the database itself, not the application, decides what a connection may see:
a coder reads and writes only their own codes, notes and history; a supervisor
reads everything and writes only the consensus coder's rows. The project tables
stay owned by whoever set the project up (owners bypass row-level security), and
these functions must be run as that owner.

Every statement here names its tables with their schema and compares with
OPERATOR(pg_catalog.=): the policies keep the operators resolved when they are made,
and an operator someone planted in `public` must never be among them (see
store/server_guard.py, which every connection passes first).
"""

from __future__ import annotations

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from annotator.core.errors import ProjectError
from annotator.core.store import server_guard
from annotator.core.store.assignment_rls import assignment_policy_statements
from annotator.core.store.location import display_location, server_url
from annotator.core.store.roles import CONSENSUS, Role
from annotator.core.store.source_rls import source_grant_statements, source_policy_statements

_EQ = "OPERATOR(pg_catalog.=)"
_ME = f"c.name::pg_catalog.text {_EQ} CURRENT_USER::pg_catalog.text"
_IS_SUPERVISOR = f"EXISTS (SELECT 1 FROM public.coder c WHERE {_ME} AND c.role {_EQ} 'supervisor')"
_OWN_CODER_IDS = f"(SELECT c.id FROM public.coder c WHERE {_ME} AND c.role {_EQ} 'coder')"
_OWN_CODER_NAMES = f"(SELECT c.name FROM public.coder c WHERE {_ME} AND c.role {_EQ} 'coder')"
_CONSENSUS_IDS = f"(SELECT c.id FROM public.coder c WHERE c.role {_EQ} 'consensus')"
_CONSENSUS_NAMES = f"(SELECT c.name FROM public.coder c WHERE c.role {_EQ} 'consensus')"

# (table, the column naming the coder, own-rows set, consensus set)
_BLINDED = (
    ("code", "coder_id", _OWN_CODER_IDS, _CONSENSUS_IDS),
    ("note", "coder_id", _OWN_CODER_IDS, _CONSENSUS_IDS),
    ("history", "coder", _OWN_CODER_NAMES, _CONSENSUS_NAMES),
)


def add_member(url: str, name: str, password: str, role: str = Role.CODER) -> None:
    """Create (or update) the LOGIN role `name`, its grants and its coder row.

    Idempotent: running it again changes the password and re-applies the policies,
    which is also how a project upgraded to a newer annotator gets them refreshed.
    """
    if role not in (Role.CODER, Role.SUPERVISOR):
        raise ValueError(role)
    if not name or name != name.strip() or len(name) > 63:
        raise ProjectError(f"{name!r}: a team member's name must be 1 to 63 characters")
    if name in (CONSENSUS, "public") or name.startswith("pg_"):
        raise ProjectError(f"{name!r}: reserved name; choose another")
    url = server_url(url)
    try:
        with server_guard.connect(url, display_location(url)) as connection:
            _check_project(connection, url)
            database = make_url(url).database
            assert database is not None  # server_url refuses a URL that names no database
            _harden(connection, database)
            _ensure_role(connection, name, password)
            _grant(connection, name, database)
            enable_blinding(connection)
            _ensure_coder_row(connection, name, role)
            if role == Role.SUPERVISOR:
                _ensure_coder_row(connection, CONSENSUS, Role.CONSENSUS)
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ProjectError(f"{display_location(url)}: {first}") from None


def enable_blinding(connection: psycopg.Connection) -> None:
    """Row-level security on code, note and history, on the source tables
    (store/source_rls.py), and on article and unit for assigned
    articles (store/assignment_rls.py); idempotent: policies are replaced. A project from
    before the assignment table (schema 0004) gets those when it is upgraded."""
    schema = sql.Identifier(server_guard.SCHEMA).as_string(connection)
    found = connection.execute(
        "SELECT pg_catalog.to_regclass('public.assignment') IS NOT NULL"
    ).fetchone()
    for statement in assignment_policy_statements(schema) if found and found[0] else ():
        connection.execute(statement.encode())  # made of quoted names and constants only
    for statement in source_policy_statements(schema) if _has_sources(connection) else ():
        connection.execute(statement.encode())  # made of quoted names and constants only
    for table, column, own, consensus in _BLINDED:
        name = sql.Identifier("public", table)
        connection.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
        policies = (
            ("annotator_own_rows", "ALL", f"{column} {_EQ} ANY {own}"),
            ("annotator_supervisor_reads", "SELECT", _IS_SUPERVISOR),
            ("annotator_consensus", "ALL", f"{_IS_SUPERVISOR} AND {column} {_EQ} ANY {consensus}"),
        )
        for policy, command, condition in policies:
            connection.execute(
                sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(policy), name)
            )
            check = "" if command == "SELECT" else f" WITH CHECK ({condition})"
            connection.execute(
                sql.SQL("CREATE POLICY {} ON {} FOR " + command + " USING (").format(
                    sql.Identifier(policy), name
                )
                + sql.SQL(condition + ")" + check)
            )


def _check_project(connection: psycopg.Connection, url: str) -> None:
    found = connection.execute(
        "SELECT pg_catalog.to_regclass('public.coder') IS NOT NULL"
    ).fetchone()
    if not found or not found[0]:
        raise ProjectError(
            f"{display_location(url)}: not an annotator project; "
            "push a project there first (annotator push FILE URL)"
        )


def _harden(connection: psycopg.Connection, database: str) -> None:
    """Leave members no place to plant objects, for psql sessions too.

    The guard (store/server_guard.py) has made sure that nobody but the owner may create
    in `public` and that nothing there is anyone else's. Members may make no temporary
    objects in this database either, and a member's own psql session searches
    pg_catalog first and no schema but `public` and her own temporary one.
    """
    db = sql.Identifier(database)
    connection.execute(sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(db))
    connection.execute(
        sql.SQL("ALTER DATABASE {} SET search_path = " + server_guard.SEARCH_PATH).format(db)
    )


MEMBER_MARK = "annotator team member"

# (is a member?) for an existing role: marked by add_member, or (made by an older
# annotator) an ordinary login role already coding in this project; never the owner.
_EXISTING_ROLE = f"""
SELECT pg_catalog.shobj_description(r.oid, 'pg_authid') {_EQ} '{MEMBER_MARK}'
    OR (r.rolname OPERATOR(pg_catalog.<>) CURRENT_USER
        AND NOT (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb)
        AND r.rolname::pg_catalog.text {_EQ} ANY (
            SELECT c.name::pg_catalog.text FROM public.coder c
             WHERE c.role {_EQ} ANY (ARRAY['coder', 'supervisor']::pg_catalog.text[])))
FROM pg_catalog.pg_roles r WHERE r.rolname {_EQ} %s::pg_catalog.name
"""


def _ensure_role(connection: psycopg.Connection, name: str, password: str) -> None:
    """Create the member's role, or update a member's; any other existing role is refused.

    The password is sent as a SCRAM verifier computed here (as psql's \\password does),
    so it never reaches the server's log, not even with log_statement=ddl.
    """
    found = connection.execute(_EXISTING_ROLE, [name]).fetchone()
    if found is not None and not found[0]:
        raise ProjectError(
            f"{name!r}: a role of that name already exists on this server and is not an "
            "annotator team member (it may be the owner's or someone else's); choose another name"
        )
    verifier = connection.pgconn.encrypt_password(
        password.encode(), name.encode(), b"scram-sha-256"
    ).decode("ascii")
    verb = "ALTER" if found else "CREATE"
    role = sql.Identifier(name)
    connection.execute(
        sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(verifier))
    )
    connection.execute(sql.SQL("COMMENT ON ROLE {} IS {}").format(role, sql.Literal(MEMBER_MARK)))


def _grant(connection: psycopg.Connection, name: str, database: str) -> None:
    """Read everything; write codes, notes, sources and (append-only) history; nothing else."""
    role = sql.Identifier(name)
    for statement in (
        "GRANT CONNECT ON DATABASE {db} TO {role}",
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT INSERT, UPDATE, DELETE ON public.code, public.note TO {role}",
        "GRANT INSERT ON public.history TO {role}",
        "GRANT USAGE ON SEQUENCE public.code_id_seq, public.note_id_seq, public.history_id_seq"
        " TO {role}",
    ):
        connection.execute(sql.SQL(statement).format(db=sql.Identifier(database), role=role))
    schema = sql.Identifier(server_guard.SCHEMA).as_string(connection)
    grants = source_grant_statements(schema, role.as_string(connection))
    for statement in grants if _has_sources(connection) else ():
        connection.execute(statement.encode())  # made of quoted names and constants only


def _has_sources(connection: psycopg.Connection) -> bool:
    """Whether the project has the source tables (schema 0006; its migration grants them
    to the members of an older project when it adds them)."""
    found = connection.execute(
        "SELECT pg_catalog.to_regclass('public.source') IS NOT NULL"
    ).fetchone()
    return bool(found and found[0])


def _ensure_coder_row(connection: psycopg.Connection, name: str, role: str) -> None:
    """The coder row that ties the role to its codes; a name already used otherwise is refused."""
    row = connection.execute(
        f"SELECT c.role FROM public.coder c WHERE c.name {_EQ} %s::pg_catalog.text", [name]
    ).fetchone()
    if row is None:
        connection.execute(
            "INSERT INTO public.coder (name, role, created_at)"
            " VALUES (%s, %s, pg_catalog.timezone('UTC', pg_catalog.now()))",
            [name, role],
        )
    elif row[0] != role:
        raise ProjectError(f"{name!r} is already in the project as a {row[0]}, not a {role}")
