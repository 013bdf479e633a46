"""The guard every connection to a team project passes before its first statement.

CVE-2018-1058: a role that may create objects in a schema the project searches can
define there an operator or function that the owner's, a supervisor's or a coder's
next statement then runs with their rights. Searching pg_catalog first is no
defence: an operator `public.=` for `varchar` matches `varchar = varchar` exactly,
which pg_catalog's `text = text` does not, so it wins; alembic's
`UPDATE alembic_version ... WHERE version_num = ...` and the SQL of policies made
while it exists would call it. So, on every connection to a server project:

- the search path is fixed when the connection starts (`CONNECT_OPTIONS`: pg_catalog,
  the project schema `public`, and the session's own temporary schema last; never
  `"$user"`, never what the database or a role set as their default);
- nobody but the project's owner (and superusers, who can do anything anyway) may
  create objects in `public`: the owner's own connections revoke CREATE from anyone
  else where they may, and any connection is refused while someone else still could;
- any object in `public` the owner does not own, whoever made it, is refused by name;
- so is any role (no superuser) that may act as the owner, being a member of the
  owner's role: what it makes counts as the owner's (an earlier takeover left that).

After that every name the project's statements look up resolves to pg_catalog or to
the owner's own objects, and nothing new can appear meanwhile. The guard's own
queries use pg_catalog's objects by their full name only (OPERATOR(pg_catalog.=)),
since they run before anything is known about `public`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.errors import ProjectError

if TYPE_CHECKING:
    import psycopg

SCHEMA = "public"
"""The schema that holds a team project's tables (and the only one it searches besides
pg_catalog and the session's own temporary schema)."""

SEARCH_PATH = f"pg_catalog,{SCHEMA},pg_temp"
CONNECT_OPTIONS = f"-c search_path={SEARCH_PATH}"
"""libpq `options` for every connection to a server project: the search path is set
before the first statement and overrides the database's and the role's defaults."""

_SHOWN = 8  # objects named in the refusal; the rest are counted

# (the project's owner's oid, their name, the connecting user's name). The owner owns
# the project's `coder` table or, in a database with no project yet, is the user
# connecting; `owned_by_me` makes it the latter (push, a new project).
_OWNER = """
WITH me AS (
    SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER
), owner (oid) AS (
    SELECT COALESCE(
        (SELECT c.relowner FROM pg_catalog.pg_class c
          WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass('public.coder')
            AND NOT %(owned_by_me)s),
        (SELECT oid FROM me))
)
SELECT owner.oid, pg_catalog.pg_get_userbyid(owner.oid)::pg_catalog.text,
       pg_catalog.pg_get_userbyid((SELECT oid FROM me))::pg_catalog.text
  FROM owner
"""

# Objects with a plain name in the schema: (kind, catalog, column prefix).
_NAMED = (
    ("collation", "pg_collation", "coll"),
    ("conversion", "pg_conversion", "con"),
    ("operator class", "pg_opclass", "opc"),
    ("operator family", "pg_opfamily", "opf"),
    ("text search configuration", "pg_ts_config", "cfg"),
    ("text search dictionary", "pg_ts_dict", "dict"),
    ("statistics object", "pg_statistic_ext", "stx"),
)
_CAT = "OPERATOR(pg_catalog.||)"
_IN_SCHEMA = "OPERATOR(pg_catalog.=) (SELECT oid FROM ns)"
_NAMED_ARMS = "".join(
    f"""
    UNION ALL
    SELECT '{kind}', 'public.' {_CAT} x.{prefix}name::pg_catalog.text, x.{prefix}owner
      FROM pg_catalog.{catalog} x WHERE x.{prefix}namespace {_IN_SCHEMA}"""
    for kind, catalog, prefix in _NAMED
)

# Every object in the schema not owned by the owner: (kind, its name with arguments, maker).
_FOREIGN_OBJECTS = f"""
WITH ns AS (
    SELECT n.oid FROM pg_catalog.pg_namespace n
     WHERE n.nspname OPERATOR(pg_catalog.=) 'public'::pg_catalog.name
), objects (kind, name, owner_id) AS (
    SELECT 'function', 'public.' {_CAT} p.proname::pg_catalog.text {_CAT} '('
           {_CAT} pg_catalog.pg_get_function_identity_arguments(p.oid) {_CAT} ')', p.proowner
      FROM pg_catalog.pg_proc p WHERE p.pronamespace {_IN_SCHEMA}
    UNION ALL
    SELECT 'operator', 'public.' {_CAT} o.oprname::pg_catalog.text {_CAT} '('
           {_CAT} pg_catalog.format_type(o.oprleft, NULL) {_CAT} ', '
           {_CAT} pg_catalog.format_type(o.oprright, NULL) {_CAT} ')', o.oprowner
      FROM pg_catalog.pg_operator o WHERE o.oprnamespace {_IN_SCHEMA}
    UNION ALL
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                WHEN 'S' THEN 'sequence' WHEN 'i' THEN 'index' WHEN 'I' THEN 'index'
                WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END,
           'public.' {_CAT} c.relname::pg_catalog.text, c.relowner
      FROM pg_catalog.pg_class c WHERE c.relnamespace {_IN_SCHEMA}
    UNION ALL
    SELECT 'type', 'public.' {_CAT} t.typname::pg_catalog.text, t.typowner
      FROM pg_catalog.pg_type t
     WHERE t.typnamespace {_IN_SCHEMA} AND t.typrelid OPERATOR(pg_catalog.=) 0::pg_catalog.oid
    {_NAMED_ARMS}
)
SELECT o.kind, o.name, pg_catalog.pg_get_userbyid(o.owner_id)::pg_catalog.text
  FROM objects o
 WHERE o.owner_id OPERATOR(pg_catalog.<>) %(owner)s::pg_catalog.oid
 ORDER BY 1, 2
"""

# Who besides the owner may create in the schema: PUBLIC or a role holding CREATE, and the
# schema's own owner (pg_database_owner stands for the database's owner). Superusers are
# left out: nothing can restrain them, and they administer the server.
_OTHER_CREATORS = """
WITH ns AS (
    SELECT n.nspowner, COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl
      FROM pg_catalog.pg_namespace n
     WHERE n.nspname OPERATOR(pg_catalog.=) 'public'::pg_catalog.name
), creators (role_id) AS (
    SELECT a.grantee FROM ns, pg_catalog.aclexplode(ns.acl) a
     WHERE a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'::pg_catalog.text
    UNION
    SELECT ns.nspowner FROM ns
), effective (role_id) AS (
    SELECT CASE WHEN c.role_id OPERATOR(pg_catalog.=)
                     pg_catalog.to_regrole('pg_database_owner')::pg_catalog.oid
                THEN d.datdba ELSE c.role_id END
      FROM creators c, pg_catalog.pg_database d
     WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
)
SELECT CASE WHEN e.role_id OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
            ELSE pg_catalog.pg_get_userbyid(e.role_id)::pg_catalog.text END
  FROM effective e
 WHERE e.role_id OPERATOR(pg_catalog.<>) %(owner)s::pg_catalog.oid
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                    WHERE r.oid OPERATOR(pg_catalog.=) e.role_id AND r.rolsuper)
 ORDER BY 1
"""


# Roles that may act as the owner (members of the owner's role), superusers and the user
# connecting left out: what they make is the owner's, so the objects check cannot tell.
_OWNERS_MEMBERS = """
SELECT r.rolname::pg_catalog.text FROM pg_catalog.pg_roles r
 WHERE r.oid OPERATOR(pg_catalog.<>) %(owner)s::pg_catalog.oid AND NOT r.rolsuper
   AND r.rolname OPERATOR(pg_catalog.<>) CURRENT_USER
   AND pg_catalog.pg_has_role(r.oid, %(owner)s::pg_catalog.oid, 'MEMBER')
 ORDER BY 1
"""


def guard(connection: psycopg.Connection, label: str, *, owned_by_me: bool = False) -> None:
    """Refuse the project unless `public` holds only its owner's objects and nobody else
    may create there; the owner's own connection first revokes what it can.

    Run on a fresh connection, before anything else; the search path must already be
    `SEARCH_PATH` (see `CONNECT_OPTIONS`). `owned_by_me`: the connecting user is to be
    the owner (push, a new project), whoever owns a `coder` table already there.
    Leaves the connection's transaction open: the caller commits (it holds revocations).
    """
    row = connection.execute(_OWNER, {"owned_by_me": owned_by_me}).fetchone()
    assert row is not None  # COALESCE over the connecting user's own role: always a row
    owner_id, owner_name, me = row
    creators = _other_creators(connection, owner_id)
    if creators and owner_name == me:
        _revoke_create(connection, creators)
        creators = _other_creators(connection, owner_id)
    owner_shown = _shown(owner_name)
    problems = []
    if creators:
        problems.append(
            f"others than the project's owner {owner_shown} may create objects in the schema "
            f"public ({', '.join(map(_shown, creators))}): the schema's owner or a superuser "
            f"must run REVOKE CREATE ON SCHEMA public FROM {', '.join(_quoted(creators))}"
        )
    members = [name for (name,) in connection.execute(_OWNERS_MEMBERS, {"owner": owner_id})]
    if members:
        problems.append(
            f"{', '.join(map(_shown, members))} may act as the project's owner {owner_shown} "
            f"(members of its role): if that was not meant, run REVOKE "
            f"{_quoted([owner_name])[0]} FROM {', '.join(_quoted(members))} and look for what "
            "they made"
        )
    planted = connection.execute(_FOREIGN_OBJECTS, {"owner": owner_id}).fetchall()
    if planted:
        shown = [
            f"{kind} {_shown(name)} (made by {_shown(maker)})"
            for kind, name, maker in planted[:_SHOWN]
        ]
        more = f" and {len(planted) - _SHOWN} more" if len(planted) > _SHOWN else ""
        problems.append(
            f"the schema public holds objects the project's owner {owner_shown} did not "
            f"make: {', '.join(shown)}{more}; the schema's owner or a superuser must drop them"
        )
    if problems:
        raise ProjectError(
            f"{label}: refused, since what others make in public would run with the rights "
            f"of whoever works on the project: {'; and '.join(problems)}"
        )


def _other_creators(connection: psycopg.Connection, owner_id: int) -> list[str]:
    return [name for (name,) in connection.execute(_OTHER_CREATORS, {"owner": owner_id})]


def _revoke_create(connection: psycopg.Connection, creators: list[str]) -> None:
    """Revoke CREATE on `public` from each; where the owner may not (the schema is another
    role's), PostgreSQL only warns, and the caller's second look tells."""
    from psycopg import sql

    for creator in creators:
        grantee = sql.SQL("PUBLIC") if creator == "PUBLIC" else sql.Identifier(creator)
        connection.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(grantee))


def _quoted(creators: list[str]) -> list[str]:
    """Role names as SQL identifiers, for the statement the refusal suggests."""
    return [_shown(_identifier(name)) for name in creators]


def _identifier(name: str) -> str:
    return name if name == "PUBLIC" else '"' + name.replace('"', '""') + '"'


def _shown(name: str) -> str:
    """A name an attacker chose, fit for one line: control, bidi and zero-width
    characters escaped (as repr does), so a refusal cannot fake or hide what it says."""
    return name if name.isprintable() else repr(name)


def libpq_url(url: str) -> str:
    """A project URL as libpq reads it (no SQLAlchemy driver suffix)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def connect(url: str, label: str, *, owned_by_me: bool = False) -> psycopg.Connection:
    """A psycopg connection to the project at `url` that has passed the guard (its
    revocations committed); for work outside SQLAlchemy (team/roles.py). Caller closes."""
    import psycopg

    connection = psycopg.connect(libpq_url(url), options=CONNECT_OPTIONS)
    try:
        guard(connection, label, owned_by_me=owned_by_me)
        connection.commit()
    except BaseException:
        connection.close()
        raise
    return connection
