"""Issue 25, team projects: a coder's role sees only the articles assigned to her.

Checked from the role itself over a plain psql-like connection, since row-level
security, not the application, must do the hiding."""

from __future__ import annotations

import dataclasses
import json

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.core.codebook import bundled_codebook
from annotator.core.store import db
from annotator.core.store.project import Project
from annotator.core.study.articles import article_facts
from annotator.core.study.assign import assign_study, assigned_articles
from annotator.core.study.plan import make_plan, save_plan
from annotator.core.study.sample_size import SmallestShare
from annotator.core.team import roles
from tests.core.test_team import drop_database_and_roles, team_project  # noqa: F401 (a fixture)

pytestmark = pytest.mark.postgres


def psql(url: str, role: str | None = None) -> psycopg.Connection:
    """A plain connection to the project's database, as `role` (trust auth in tests)."""
    target = make_url(url).set(drivername="postgresql")
    if role:
        target = target.set(username=role, password=None)
    return psycopg.connect(target.render_as_string(hide_password=False))


def seen(url: str, role: str | None) -> tuple[set[str], set[str]]:
    """The article SHA-256s `role` can read, and those of the units it can read."""
    with psql(url, role) as connection:
        articles = {r[0] for r in connection.execute("SELECT sha256 FROM article")}
        units = {
            r[0]
            for r in connection.execute(
                "SELECT DISTINCT a.sha256 FROM unit u JOIN article a ON a.id = u.article_id"
            )
        }
    return articles, units


def test_a_coder_role_sees_only_her_assigned_articles_and_their_units(team_project, tmp_path):  # noqa: F811
    """alice and bob code, sue supervises (test_team.team_project); three articles."""
    url, names = team_project
    alice, bob = names["alice"], names["bob"]
    everything = seen(url, None)
    assert len(everything[0]) == 3
    assert seen(url, alice) == everything  # nothing assigned yet: every article is hers
    with Project.open(url) as project:
        plan = make_plan(project, 0.8, 0.05, SmallestShare(0.5, "test"), seed=1)
        save_plan(project, dataclasses.replace(plan, articles=article_facts(project)[:1]))
        assign_study(project, [alice, bob], tmp_path / "files", seed=3)
        mine = {who: assigned_articles(project, who) for who in (alice, bob)}
    assert mine[alice] != mine[bob] and mine[alice] & mine[bob]  # one shared, one each
    for who in (alice, bob):
        assert seen(url, who) == (mine[who], mine[who])
    assert seen(url, names["sue"]) == everything  # the supervisor sees all
    assert seen(url, None) == everything  # so does the owner


def test_a_team_project_of_schema_0003_is_upgraded_with_its_assignment(new_database):
    """A server project made by the current release (schema 0003), whose members joined and
    whose articles were assigned before the assignment table: opening it migrates to 0004,
    fills the table from the recorded assignment and hides other coders' articles."""
    engine = db.make_server_engine(new_database)
    db.upgrade(engine, "0003")
    engine.dispose()
    suffix = make_url(new_database).database[-12:]
    alice, bob = f"alice_{suffix}", f"bob_{suffix}"
    book = bundled_codebook()
    with psql(new_database) as connection:  # what a project of schema 0003 held
        run = connection.execute
        run("INSERT INTO project_setting VALUES ('name', 'old team project')")
        run(
            "INSERT INTO codebook_version (name, version, definition, added_at)"
            " VALUES (%s, %s, %s, now())",
            [book.name, book.version, book.to_json()],
        )
        for n, sha in enumerate(("a" * 64, "b" * 64, "c" * 64)):
            article = run(
                "INSERT INTO article (key, sha256, title, metadata_json, text, position,"
                " imported_at) VALUES (%s, %s, 'T', '{}', 'Talks resume.', %s, now())"
                " RETURNING id",
                [f"k{n}", sha, n],
            ).fetchone()[0]
            run(
                'INSERT INTO unit (article_id, idx, kind, start, "end", text)'
                " VALUES (%s, 1, 'sentence', 0, 13, 'Talks resume.')",
                [article],
            )
        record = {
            "coders": [alice, bob],
            "articles": {
                "a" * 64: {"coders": [alice, bob], "assigned_at": "2026-12-01T10:00:00"},
                "b" * 64: {"coders": [alice], "assigned_at": "2026-12-01T10:00:00"},
            },
        }
        run("INSERT INTO project_setting VALUES ('study.assignment', %s)", [json.dumps(record)])
    try:
        roles.add_member(new_database, alice, "pw-a")
        roles.add_member(new_database, bob, "pw-b")
        assert seen(new_database, bob)[0] == {"a" * 64, "b" * 64, "c" * 64}  # before: all
        with Project.open(new_database) as project:  # the owner opens it: migrated
            assert db.current_revision(project.read_engine) == db.head_revision()
        assert seen(new_database, alice) == ({"a" * 64, "b" * 64, "c" * 64},) * 2
        assert seen(new_database, bob) == ({"a" * 64, "c" * 64},) * 2  # c: nobody's
    finally:
        drop_database_and_roles(new_database, alice, bob)
