"""Team members as PostgreSQL roles, and blinding enforced by row-level security.

Each coder connects as their own LOGIN role whose name is their coder name, so
the database itself, not the application, decides what a connection may see:
a coder reads and writes only their own codes, notes and history; a supervisor
reads everything and writes only the consensus coder's rows. The project tables
stay owned by whoever set the project up (owners bypass row-level security), and
these functions must be run as that owner.
"""

from __future__ import annotations

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from annotator.core.errors import ProjectError
from annotator.core.store.location import display_location, server_url
from annotator.core.store.roles import CONSENSUS, Role

_IS_SUPERVISOR = (
    "EXISTS (SELECT 1 FROM coder WHERE coder.name = current_user AND coder.role = 'supervisor')"
)
_OWN_CODER_IDS = "(SELECT id FROM coder WHERE name = current_user AND role = 'coder')"
_OWN_CODER_NAMES = "(SELECT name FROM coder WHERE name = current_user AND role = 'coder')"
_CONSENSUS_IDS = "(SELECT id FROM coder WHERE role = 'consensus')"
_CONSENSUS_NAMES = "(SELECT name FROM coder WHERE role = 'consensus')"

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
        with psycopg.connect(_libpq_url(url)) as connection:
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
    """Row-level security on code, note and history (idempotent: policies are replaced)."""
    for table, column, own, consensus in _BLINDED:
        name = sql.Identifier(table)
        connection.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
        policies = (
            ("annotator_own_rows", "ALL", f"{column} IN {own}"),
            ("annotator_supervisor_reads", "SELECT", _IS_SUPERVISOR),
            ("annotator_consensus", "ALL", f"{_IS_SUPERVISOR} AND {column} IN {consensus}"),
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


def _libpq_url(url: str) -> str:
    """The URL as libpq reads it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _check_project(connection: psycopg.Connection, url: str) -> None:
    found = connection.execute("SELECT to_regclass('public.coder') IS NOT NULL").fetchone()
    if not found or not found[0]:
        raise ProjectError(
            f"{display_location(url)}: not an annotator project; "
            "push a project there first (annotator push FILE URL)"
        )


def _harden(connection: psycopg.Connection, database: str) -> None:
    """Leave members no place to plant objects that run with someone else's rights.

    CVE-2018-1058: a role that may CREATE in `public` (every role on PostgreSQL 14 and
    older, and clusters upgraded from them) can define `public.=` for varchar or a
    function shadowing a built-in, which the owner's and supervisor's next statements
    then run with their privileges. So nobody but the owner creates in `public`, nobody
    makes temporary objects in this database, every connection to it searches
    pg_catalog first, and objects a member already made there are refused, not used.
    """
    db = sql.Identifier(database)
    connection.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    connection.execute(sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(db))
    connection.execute(sql.SQL("ALTER DATABASE {} SET search_path = pg_catalog, public").format(db))
    connection.execute("SET search_path = pg_catalog, public")
    planted = connection.execute(_MEMBERS_OBJECTS).fetchall()
    if planted:
        listed = ", ".join(f"{kind} {name} (made by {owner})" for kind, name, owner in planted)
        raise ProjectError(
            f"the schema public holds objects made by team members: {listed}; "
            "the owner must drop them before anyone works on this project"
        )


_MEMBERS_OBJECTS = """
SELECT objects.kind, objects.name, r.rolname::text
FROM (
    SELECT 'function' AS kind, p.proname::text AS name, p.proowner AS owner_id
      FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'operator', o.oprname::text, o.oprowner
      FROM pg_catalog.pg_operator o WHERE o.oprnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'table or view', c.relname::text, c.relowner
      FROM pg_catalog.pg_class c WHERE c.relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'type', t.typname::text, t.typowner
      FROM pg_catalog.pg_type t WHERE t.typnamespace = 'public'::regnamespace
) AS objects
JOIN pg_catalog.pg_roles r ON r.oid = objects.owner_id
WHERE r.rolname IN (SELECT c.name FROM public.coder c) AND r.rolname <> current_user
ORDER BY 1, 2
"""

MEMBER_MARK = "annotator team member"

# (is a member?) for an existing role: marked by add_member, or (made by an older
# annotator) an ordinary login role already coding in this project; never the owner.
_EXISTING_ROLE = f"""
SELECT pg_catalog.shobj_description(r.oid, 'pg_authid') = '{MEMBER_MARK}'
    OR (r.rolname <> current_user AND NOT (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb)
        AND r.rolname IN (SELECT name FROM public.coder WHERE role IN ('coder', 'supervisor')))
FROM pg_catalog.pg_roles r WHERE r.rolname = %s
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
    """Read everything; write codes, notes and (append-only) history; nothing else."""
    role = sql.Identifier(name)
    for statement in (
        "GRANT CONNECT ON DATABASE {db} TO {role}",
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT INSERT, UPDATE, DELETE ON code, note TO {role}",
        "GRANT INSERT ON history TO {role}",
        "GRANT USAGE ON SEQUENCE code_id_seq, note_id_seq, history_id_seq TO {role}",
    ):
        connection.execute(sql.SQL(statement).format(db=sql.Identifier(database), role=role))


def _ensure_coder_row(connection: psycopg.Connection, name: str, role: str) -> None:
    """The coder row that ties the role to its codes; a name already used otherwise is refused."""
    row = connection.execute("SELECT role FROM coder WHERE name = %s", [name]).fetchone()
    if row is None:
        connection.execute(
            "INSERT INTO coder (name, role, created_at) VALUES (%s, %s, now() AT TIME ZONE 'UTC')",
            [name, role],
        )
    elif row[0] != role:
        raise ProjectError(f"{name!r} is already in the project as a {row[0]}, not a {role}")
