"""Team projects against a hostile member (issue 14): no objects planted in `public`,
passwords never sent in clear, no existing role taken over by `add-coder`."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.core.codebook import bundled_codebook
from annotator.core.errors import ProjectError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.core.team import roles
from tests.conftest import SAMPLE_TEXTS

pytestmark = pytest.mark.postgres


def libpq(url: str, role: str | None = None, database: str | None = None) -> str:
    target = make_url(url).set(drivername="postgresql")
    if role:
        target = target.set(username=role, password=None)
    if database:
        target = target.set(database=database)
    return target.render_as_string(hide_password=False)


@pytest.fixture
def open_server_project(new_database):
    """A project on a server whose `public` schema lets everyone create (PostgreSQL <= 14)."""
    with psycopg.connect(libpq(new_database), autocommit=True) as connection:
        connection.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    project = Project.create(new_database, bundled_codebook())
    import_paths(project, SAMPLE_TEXTS[:1])
    project.close()
    suffix = make_url(new_database).database[-12:]
    names = {who: f"{who}_{suffix}" for who in ("mallory", "sue")}
    yield new_database, names
    with psycopg.connect(libpq(new_database, database="postgres"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{make_url(new_database).database}" WITH (FORCE)')
        for name in names.values():
            c.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_a_coder_cannot_plant_an_operator_in_public(open_server_project):
    url, names = open_server_project
    roles.add_member(url, names["mallory"], "pw-m")
    with psycopg.connect(libpq(url, names["mallory"])) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(
                "CREATE FUNCTION public.steal(varchar, varchar) RETURNS boolean"
                " LANGUAGE sql AS 'SELECT true'"
            )
        connection.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("CREATE TEMP TABLE coder (name text)")
        connection.rollback()
        path = connection.execute("SHOW search_path").fetchone()[0]
    assert path.replace(" ", "").startswith("pg_catalog,")


def test_objects_a_member_planted_before_are_refused(open_server_project):
    url, names = open_server_project
    roles.add_member(url, names["mallory"], "pw-m")
    with psycopg.connect(libpq(url), autocommit=True) as connection:  # as if planted earlier
        connection.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    with psycopg.connect(libpq(url, names["mallory"]), autocommit=True) as connection:
        connection.execute(
            "CREATE FUNCTION public.eq_any(varchar, varchar) RETURNS boolean"
            " LANGUAGE sql AS 'SELECT true'"
        )
        connection.execute(
            "CREATE OPERATOR public.= (LEFTARG = varchar, RIGHTARG = varchar,"
            " FUNCTION = public.eq_any)"
        )
    planted = r"objects the project.s owner .* did not make.*operator public.=\(character varying"
    with pytest.raises(ProjectError, match=planted):
        roles.add_member(url, names["sue"], "pw-s", "supervisor")


def test_the_password_is_sent_as_a_scram_verifier_only(open_server_project, monkeypatch):
    url, names = open_server_project
    sent: list[str] = []
    execute = psycopg.Connection.execute

    def recording(self, query, params=None, **kwargs):
        text = query.as_string(self) if hasattr(query, "as_string") else str(query)
        sent.append(f"{text} {params!r}")
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", recording)
    roles.add_member(url, names["mallory"], "correct horse battery")
    monkeypatch.undo()
    assert sent and not any("correct horse battery" in statement for statement in sent)
    assert any("PASSWORD 'SCRAM-SHA-256$4096:" in statement for statement in sent)


def test_add_coder_refuses_an_existing_role_that_is_not_a_member(open_server_project):
    url, _names = open_server_project
    owner = make_url(url).username
    with pytest.raises(ProjectError, match="not an annotator team member"):
        roles.add_member(url, owner, "new password")


def test_a_coder_cannot_insert_a_code_the_codebook_does_not_have(open_server_project):
    """Her own rows are hers to write, but only with the codebook's codes: one made-up code
    would otherwise break the supervisor's agreement for the whole field."""
    url, names = open_server_project
    roles.add_member(url, names["mallory"], "pw-m")
    insert = (
        "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at)"
        " SELECT (SELECT min(id) FROM unit WHERE kind = 'sentence'), c.id, 'attribution', %s,"
        " (SELECT max(id) FROM codebook_version), now() FROM coder c WHERE c.name = current_user"
    )
    with psycopg.connect(libpq(url, names["mallory"])) as connection:
        with pytest.raises(psycopg.errors.CheckViolation, match="not in the project's codebook"):
            connection.execute(insert, ['=HYPERLINK("http://evil.example")'])
        connection.rollback()
        connection.execute(insert, ["named_person"])  # a code of the codebook goes in
        connection.commit()
        with pytest.raises(psycopg.errors.CheckViolation, match="not in the project's codebook"):
            connection.execute("UPDATE code SET code = 'made_up'")
        connection.rollback()
        with pytest.raises(psycopg.errors.CheckViolation, match="not in the project's codebook"):
            connection.execute("UPDATE code SET field = 'no_such_field'")
        connection.rollback()
        assert connection.execute("SELECT field, code FROM code").fetchall() == [
            ("attribution", "named_person")
        ]
