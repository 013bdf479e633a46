"""Sources on a team project: row-level security as for codes, from a coder's role, and
the source tables granted to members who joined before migration 0006."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import list_units
from annotator.core.errors import ProjectError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store import db
from annotator.core.store.models import CodebookVersion, ProjectSetting, utcnow
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, Role
from annotator.core.team import roles
from tests.conftest import SAMPLE_TEXTS
from tests.core.test_team import as_role, drop_database_and_roles, team_project  # noqa: F401

pytestmark = pytest.mark.postgres


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _one_source(project: Project, coder: str, label: str) -> int:
    unit = next(u for u in list_units(project) if u.kind == "sentence")
    sources.edit(
        project,
        unit.article_id,
        coder,
        lambda s, u: lists.link(s, unit.id, lists.add_source(s, label)),
    )
    return unit.article_id


def test_a_coder_reads_and_writes_only_her_own_sources(team_project):  # noqa: F811
    url, names = team_project
    alice, bob, sue = names["alice"], names["bob"], names["sue"]
    with Project.open(as_role(url, alice)) as project:
        article = _one_source(project, alice, "Ilse Brandt")
        sources.edit(
            project,
            article,
            alice,
            lambda s, u: lists.code(
                s, s.sources[0].uid, project.codebook, {"source_type": "expert"}
            ),
        )
    with Project.open(as_role(url, bob)) as project:
        _one_source(project, bob, "officials")
        assert sources.read_list(project, article, alice).sources == []
        with pytest.raises(ProjectError, match="not allowed"):
            sources.edit(project, article, alice, lambda s, u: lists.add_source(s, "as alice"))
    with psycopg.connect(_plain(as_role(url, bob))) as connection:
        for table in ("source", "source_link"):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == (1,)
        assert connection.execute("SELECT count(*) FROM source_code").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # alice's id, bob's role
            connection.execute(
                "INSERT INTO source (article_id, coder_id, uid, label, created_at)"
                " SELECT %s, c.id, 'x', 'planted', now() FROM coder c WHERE c.name = %s",
                [article, alice],
            )
    with Project.open(as_role(url, sue)) as project:
        assert [s.label for s in sources.read_list(project, article, alice).sources] == [
            "Ilse Brandt"
        ]
        assert sources.read_list(project, article, alice).sources[0].codes == {
            "source_type": "expert"
        }
        with pytest.raises(ProjectError, match="not allowed"):
            sources.edit(project, article, sue, lambda s, u: lists.add_source(s, "sue's own"))
        sources.edit(
            project,
            article,
            CONSENSUS,
            lambda s, u: lists.add_source(s, "agreed"),
            reserved=CONSENSUS,
        )
        assert [s.label for s in sources.read_list(project, article, CONSENSUS).sources] == [
            "agreed"
        ]


def test_members_who_joined_before_the_source_tables_get_them_on_upgrade(new_database):
    engine = db.make_server_engine(new_database)
    db.upgrade(engine, "0005")
    with engine.begin() as connection:  # what a project made by schema 0005 held
        book = bundled_codebook()
        connection.execute(
            ProjectSetting.__table__.insert().values(key="name", value="old")  # type: ignore[attr-defined]
        )
        connection.execute(
            CodebookVersion.__table__.insert().values(  # type: ignore[attr-defined]
                name=book.name, version="2.0", definition=book.to_json(), added_at=utcnow()
            )
        )
    engine.dispose()
    suffix = make_url(new_database).database[-12:]
    alice, bob = f"alice_{suffix}", f"bob_{suffix}"
    try:
        roles.add_member(new_database, alice, "pw-a")
        roles.add_member(new_database, bob, "pw-b", Role.CODER)
        with Project.open(new_database) as project:  # the owner opens it: migrated to 0006
            assert db.current_revision(project.read_engine) == "0006"
            import_paths(project, SAMPLE_TEXTS[:1])
        with Project.open(as_role(new_database, alice)) as project:
            article = _one_source(project, alice, "Ilse Brandt")
        with Project.open(as_role(new_database, bob)) as project:
            assert sources.read_list(project, article, alice).sources == []
            _one_source(project, bob, "officials")
    finally:
        drop_database_and_roles(new_database, alice, bob)
