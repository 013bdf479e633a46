"""Issue 21, item 3: a login role that may create in `public` plants an operator `public.=`
for varchar and the function behind it, which the owner's statements would run with the
owner's rights (alembic's `UPDATE alembic_version ... WHERE version_num = ...`, the
policies `add-coder` makes, any lookup of a coder by name). Every team command refuses
such a database before its first statement, naming what was planted, and the planted
function never runs: its author gains no membership and copies no code."""

from __future__ import annotations

import re

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from annotator import cli
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import ProjectError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store import transfer
from annotator.core.store.project import Project
from annotator.core.team import roles
from tests.conftest import SAMPLE_TEXTS
from tests.core.test_team_security import libpq

pytestmark = pytest.mark.postgres

# Who may create in `public`: a role given the right, or everyone (PostgreSQL 14 and older).
GRANTS = {"to_the_attacker": "{mallory}", "to_everyone": "PUBLIC"}

# As the attacker: an operator matching `varchar = varchar` exactly, whose function makes
# its caller's role (the owner's, or postgres's) hers and copies every code it can see.
# Where the copies go: made beforehand too once the project has codes to take (before a
# push, a table would only make the database look taken).
LOOT = """
CREATE TABLE public.loot (coder text, field text, code text);
GRANT INSERT ON public.loot TO PUBLIC;
"""
PLANT = """
CREATE FUNCTION public.sneaky_eq(varchar, varchar) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE pg_catalog.format('GRANT %I TO {mallory}', current_user);
    EXCEPTION WHEN others THEN NULL;
    END;
    BEGIN
        INSERT INTO public.loot
        SELECT c.name, k.field, k.code FROM public.code k
          JOIN public.coder c ON c.id OPERATOR(pg_catalog.=) k.coder_id;
    EXCEPTION WHEN others THEN NULL;
    END;
    RETURN $1::pg_catalog.text OPERATOR(pg_catalog.=) $2::pg_catalog.text;
END
$$;
CREATE OPERATOR public.= (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = public.sneaky_eq);
"""

PLANTED = (
    r"function public\.sneaky_eq\(character varying, character varying\) \(made by mallory_",
    r"operator public\.=\(character varying, character varying\) \(made by mallory_",
)
LOOTED = r"table public\.loot \(made by mallory_"


@pytest.fixture
def mallory(new_database):
    """(database URL, a login role of the cluster that is no member of the project)."""
    name = f"mallory_{make_url(new_database).database[-12:]}"
    with psycopg.connect(libpq(new_database), autocommit=True) as connection:
        connection.execute(f'CREATE ROLE "{name}" LOGIN')
    yield new_database, name
    with psycopg.connect(libpq(new_database, database="postgres"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{make_url(new_database).database}" WITH (FORCE)')
        c.execute(f'DROP ROLE IF EXISTS "{name}"')
        c.execute('DROP ROLE IF EXISTS "sue_takeover"')


@pytest.fixture(params=sorted(GRANTS))
def attacker(request, mallory):
    """(database URL, the attacker's role, a function that makes her plant her objects)."""
    new_database, mallory = mallory

    def plant(*, loot: bool) -> None:
        grantee = GRANTS[request.param].format(mallory=f'"{mallory}"')
        with psycopg.connect(libpq(new_database), autocommit=True) as connection:
            connection.execute(f"GRANT CREATE ON SCHEMA public TO {grantee}")
        with psycopg.connect(libpq(new_database, mallory), autocommit=True) as connection:
            sql = (LOOT if loot else "") + PLANT
            connection.execute(sql.replace("{mallory}", f'"{mallory}"'))

    return new_database, mallory, plant


def coded_file(path):
    project = Project.create(path, bundled_codebook())
    import_paths(project, SAMPLE_TEXTS[:1])
    for unit in list_units(project)[:3]:
        coding.code_unit(project, "alice", unit.id, "attribution", "named_person")
    project.close()
    return path


def assert_refused_naming_the_plant(error: ProjectError, *, loot: bool) -> None:
    message = str(error)
    assert "\n" not in message
    for planted in PLANTED + ((LOOTED,) if loot else ()):
        assert re.search(planted, message), message


def assert_the_plant_never_ran(url: str, mallory: str) -> None:
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        owner = make_url(url).username
        held = connection.execute(
            "SELECT r.rolname FROM pg_catalog.pg_roles r"
            " WHERE pg_catalog.pg_has_role(%s, r.oid, 'MEMBER') AND r.rolname <> %s",
            [mallory, mallory],
        ).fetchall()
        assert held == [], f"{mallory} became a member of {held} (owner {owner})"
        if connection.execute("SELECT to_regclass('public.loot')").fetchone() != (None,):
            assert connection.execute("SELECT count(*) FROM public.loot").fetchone() == (0,)


def test_push_is_refused_naming_what_was_planted_before_it(attacker, tmp_path):
    url, mallory, plant = attacker
    plant(loot=False)
    with pytest.raises(ProjectError) as refused:
        transfer.push(coded_file(tmp_path / "p.annotator"), url)
    assert_refused_naming_the_plant(refused.value, loot=False)
    assert_the_plant_never_ran(url, mallory)
    with psycopg.connect(libpq(url)) as connection:  # nothing of the project went in
        assert connection.execute("SELECT pg_catalog.to_regclass('public.coder')").fetchone() == (
            None,
        )


def test_a_new_server_project_is_refused_likewise(attacker):
    url, mallory, plant = attacker
    plant(loot=False)
    with pytest.raises(ProjectError) as refused:
        Project.create(url, bundled_codebook())
    assert_refused_naming_the_plant(refused.value, loot=False)
    assert_the_plant_never_ran(url, mallory)


def test_team_commands_on_a_project_planted_in_are_refused(attacker, tmp_path, capsys):
    url, mallory, plant = attacker
    transfer.push(coded_file(tmp_path / "p.annotator"), url)
    roles.add_member(url, "sue_takeover", "pw-s")
    as_sue = make_url(url).set(username="sue_takeover").render_as_string(hide_password=False)
    plant(loot=True)  # after the push: public was writable, or a role was let create there
    for command in (
        lambda: roles.add_member(url, "sue_takeover", "pw-s"),
        lambda: Project.open(as_sue).close(),  # a coder's connection as well
        lambda: transfer.pull(url, tmp_path / "back.annotator"),
        lambda: Project.open(url).close(),
    ):
        with pytest.raises(ProjectError) as refused:
            command()
        assert_refused_naming_the_plant(refused.value, loot=True)
    assert not (tmp_path / "back.annotator").exists()
    assert cli.main(["info", url]) != 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "operator public.=(character varying" in lines[0], lines
    assert_the_plant_never_ran(url, mallory)


def test_a_role_that_may_act_as_the_owner_is_refused(mallory, tmp_path):
    """What a member of the owner's role makes is the owner's, so the check of objects
    cannot see it: such a membership (what the planted function granted itself) is named."""
    url, mallory = mallory
    transfer.push(coded_file(tmp_path / "p.annotator"), url)
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(f'GRANT "{make_url(url).username}" TO "{mallory}"')
    with pytest.raises(ProjectError, match=rf"{mallory} may act as the project's owner"):
        Project.open(url).close()


def test_names_an_attacker_chose_are_shown_escaped_on_one_line(attacker, tmp_path):
    url, mallory, plant = attacker
    plant(loot=False)
    with psycopg.connect(libpq(url, mallory), autocommit=True) as connection:
        connection.execute('CREATE TABLE public."ok\nall clear\u202e" (x int)')
    with pytest.raises(ProjectError) as refused:
        Project.create(url, bundled_codebook())
    assert "\n" not in str(refused.value) and "\u202e" not in str(refused.value)
    assert r"table 'public.ok\nall clear\u202e' (made by mallory_" in str(refused.value)


def test_the_owner_revokes_create_before_anything_else(mallory, tmp_path):
    """Nothing planted yet: the push takes the right to create in `public` away from
    everyone but the owner, so nothing can be planted after the check either."""
    url, mallory = mallory
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(f'GRANT CREATE ON SCHEMA public TO PUBLIC, "{mallory}"')
    transfer.push(coded_file(tmp_path / "p.annotator"), url)
    with (
        psycopg.connect(libpq(url, mallory)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        connection.execute(
            "CREATE FUNCTION public.sneaky_eq(varchar, varchar) RETURNS boolean"
            " LANGUAGE sql AS 'SELECT true'"
        )


def test_an_owner_who_cannot_revoke_create_is_refused(mallory, tmp_path):
    """public is an administrator's and everyone may create there (as on a cluster
    upgraded from PostgreSQL 14): an owner who is no superuser cannot take the right
    away, so her push is refused, saying who may create and what to run."""
    url, mallory = mallory
    owner = mallory.replace("mallory", "olive")
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(f'CREATE ROLE "{owner}" LOGIN')
        connection.execute(f'GRANT ALL ON DATABASE "{make_url(url).database}" TO "{owner}"')
        connection.execute("ALTER SCHEMA public OWNER TO postgres")
        connection.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    as_owner = make_url(url).set(username=owner).render_as_string(hide_password=False)
    try:
        with pytest.raises(
            ProjectError, match=r"may create objects in the schema public \(PUBLIC\)"
        ):
            transfer.push(coded_file(tmp_path / "p.annotator"), as_owner)
        with psycopg.connect(libpq(url)) as connection:
            assert connection.execute(
                "SELECT pg_catalog.to_regclass('public.coder')"
            ).fetchone() == (None,)
    finally:
        with psycopg.connect(libpq(url, database="postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
            connection.execute(f'DROP ROLE IF EXISTS "{owner}"')


def test_a_search_path_of_the_owners_own_does_not_count(mallory, tmp_path):
    """A search path set for the owner's role in the database (ALTER ROLE ... SET), or for
    the database, is replaced on every connection: a schema listed there (here one the
    attacker owns, before pg_catalog) is never searched."""
    url, mallory = mallory
    owner, database = make_url(url).username, make_url(url).database
    transfer.push(coded_file(tmp_path / "p.annotator"), url)
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA trap AUTHORIZATION "{mallory}"')
        connection.execute(
            f'ALTER ROLE "{owner}" IN DATABASE "{database}" SET search_path = trap, pg_catalog'
        )
    try:
        with Project.open(url) as project, project.reading() as session:
            path = session.execute(text("SHOW search_path")).scalar()
            assert path.replace(" ", "") == "pg_catalog,public,pg_temp"
    finally:
        with psycopg.connect(libpq(url), autocommit=True) as connection:
            connection.execute(f'ALTER ROLE "{owner}" IN DATABASE "{database}" RESET search_path')
