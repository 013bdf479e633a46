"""Team projects on PostgreSQL: push/pull, schema checks and blinding by row-level security."""

from __future__ import annotations

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from annotator import cli
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_articles, list_units
from annotator.core.errors import ProjectError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store import transfer
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, Role
from annotator.core.supervision import adjudication
from annotator.core.team import roles
from tests.conftest import SAMPLE_TEXTS

pytestmark = pytest.mark.postgres


def as_role(url: str, role: str) -> str:
    """The same database, connecting as another role (trust auth in tests)."""
    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


def drop_database_and_roles(url: str, *role_names: str) -> None:
    """Remove a test's server database and the roles it made (they outlive a database)."""
    with psycopg.connect(
        make_url(url)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False),
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
        for name in role_names:
            connection.execute(f'DROP ROLE IF EXISTS "{name}"')


def coded_file(path, coders=("alice", "bob")):
    """A file project with codes, notes and history by several coders."""
    project = Project.create(path, bundled_codebook())
    import_paths(project, SAMPLE_TEXTS)
    units = list_units(project)[:6]
    for n, unit in enumerate(units):
        for coder in coders:
            coding.code_unit(project, coder, unit.id, "attribution", "named_person")
            if n % 2:
                coding.code_unit(project, coder, unit.id, "attribution", "unattributed")
        coding.set_note(project, coders[0], unit.id, f"note {n}")
    project.close()
    return path


def table_rows(engine) -> dict[str, list[tuple]]:
    """Every table's rows in id order, with ids replaced by ranks (ids differ between copies)."""
    result, ranks = {}, {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            rows = [
                dict(r._mapping)
                for r in connection.execute(select(table).order_by(*table.primary_key))
            ]
            if "id" in table.c:
                ranks[table.name] = {row["id"]: i for i, row in enumerate(rows)}
            for row in rows:
                row.pop("id", None)
                for column in table.columns:
                    for key in column.foreign_keys:
                        if row[column.name] is not None:
                            row[column.name] = ranks[key.column.table.name][row[column.name]]
            result[table.name] = [tuple(sorted(row.items())) for row in rows]
    return result


@pytest.mark.parametrize("batch", [transfer.BATCH_ROWS, 2])  # 2: every table in many batches
def test_push_then_pull_keeps_every_row(tmp_path, new_database, monkeypatch, batch):
    monkeypatch.setattr(transfer, "BATCH_ROWS", batch)
    source = coded_file(tmp_path / "alone.annotator")
    assert cli.main(["push", str(source), new_database]) == 0
    back = tmp_path / "back.annotator"
    assert cli.main(["pull", new_database, str(back)]) == 0
    engines = [create_engine(f"sqlite:///{p}") for p in (source, back)]
    server = create_engine(new_database)
    try:
        original, pulled, pushed = (table_rows(e) for e in (*engines, server))
    finally:
        for engine in (*engines, server):
            engine.dispose()
    assert original["history"] and original["note"] and original["code"]
    assert pulled == original
    assert pushed == original


def test_a_pushed_project_takes_new_rows_after_the_copied_ones(tmp_path, new_database):
    """A push keeps every row's id (the rows go in by COPY); the server's id sequences
    then start after the highest copied id, so the next article, units, codes, notes,
    history rows and coders get ids of their own instead of colliding with copied ones."""
    source = coded_file(tmp_path / "alone.annotator")
    transfer.push(source, new_database)
    extra = tmp_path / "late-story.txt"
    extra.write_text("A late story.\n\nThe mayor said the bridge would reopen.\n", "utf-8")
    with Project.open(new_database) as project:
        before = {u.id for u in list_units(project)}
        assert len(import_paths(project, [extra]).imported) == 1
        late = [u for u in list_units(project) if u.article_key == "late-story"]
        assert late and not {u.id for u in late} & before
        coding.code_unit(project, "carol", late[-1].id, "attribution", "named_person")
        coding.set_note(project, "carol", late[-1].id, "after the push")
        assert coding.coder_codes(project, "carol") == {
            late[-1].id: {"attribution": "named_person"}
        }
        assert [h.new for h in coding.unit_history(project, late[-1].id)] == [
            "named_person",
            "after the push",
        ]


def test_push_copies_text_that_copy_would_read_as_markup(tmp_path, new_database):
    """COPY's text format gives backslash, tab, newline and `\\N` (its NULL) meanings of
    their own: text holding them, in an article, a note and a code's history, comes
    back from the server byte for byte."""
    path = tmp_path / "markup.annotator"
    awkward = "Tab\there, a back\\slash, \\N and \\. alone,\r\nnew line"
    story = tmp_path / "awkward.txt"
    story.write_text(f"Awkward text\n\nThe clerk said: {awkward}.\n", "utf-8")
    with Project.create(path, bundled_codebook()) as project:
        import_paths(project, [story])
        unit = list_units(project)[-1]
        coding.set_note(project, "alice", unit.id, awkward)
    transfer.push(path, new_database)
    back = tmp_path / "back.annotator"
    transfer.pull(new_database, back)
    engines = [create_engine(f"sqlite:///{p}") for p in (path, back)]
    try:
        original, pulled = (table_rows(e) for e in engines)
    finally:
        for engine in engines:
            engine.dispose()
    assert pulled == original
    with Project.open(new_database) as project:
        text = "".join(a.text for a in list_articles(project))
        assert awkward.replace("\r\n", "\n") in text  # the importer's line ends
        assert coding.coder_notes(project, "alice") == {list_units(project)[-1].id: awkward}


def test_push_refuses_a_database_that_is_not_empty(tmp_path, new_database):
    source = coded_file(tmp_path / "alone.annotator", coders=("alice",))
    transfer.push(source, new_database)
    with pytest.raises(ProjectError, match="not empty"):
        transfer.push(source, new_database)


def test_migrations_build_exactly_the_models_on_postgres(new_database):
    Project.create(new_database, bundled_codebook()).close()
    engine = create_engine(new_database)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_a_server_project_from_a_newer_version_is_refused(new_database):
    Project.create(new_database, bundled_codebook()).close()
    with psycopg.connect(
        make_url(new_database).set(drivername="postgresql").render_as_string(hide_password=False)
    ) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(ProjectError, match="newer version"):
        Project.open(new_database)


def test_unreachable_server_is_one_clear_line():
    with pytest.raises(ProjectError, match="cannot connect"):
        Project.open("postgresql+psycopg://nobody@127.0.0.1:1/none")


@pytest.fixture
def team_project(new_database):
    """A project with two coders and a supervisor, each coding as their own role."""
    project = Project.create(new_database, bundled_codebook())
    import_paths(project, SAMPLE_TEXTS)
    project.close()
    suffix = make_url(new_database).database[-12:]
    names = {who: f"{who}_{suffix}" for who in ("alice", "bob", "sue")}
    roles.add_member(new_database, names["alice"], "pw-a")
    roles.add_member(new_database, names["bob"], "pw-b")
    roles.add_member(new_database, names["sue"], "pw-s", Role.SUPERVISOR)
    yield new_database, names
    drop_database_and_roles(new_database, *names.values())


def test_a_coder_sees_only_their_own_codes_and_cannot_write_as_another(team_project):
    url, names = team_project
    alice, bob = names["alice"], names["bob"]
    with Project.open(as_role(url, alice)) as project:
        unit = list_units(project)[1].id
        coding.code_unit(project, alice, unit, "attribution", "named_person")
        coding.set_note(project, alice, unit, "only mine")
    with Project.open(as_role(url, bob)) as project:
        coding.code_unit(project, bob, unit, "attribution", "unattributed")
        assert coding.coder_codes(project, alice) == {}
        assert coding.coder_notes(project, alice) == {}
        assert coding.unit_history(project, unit) == [
            h for h in coding.unit_history(project, unit) if h.coder == bob
        ]
        with pytest.raises(ProjectError, match="not allowed"):
            coding.code_unit(project, alice, unit, "attribution", "unattributed")
    with psycopg.connect(
        make_url(as_role(url, bob))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    ) as connection:
        assert connection.execute("SELECT count(*) FROM code").fetchone() == (1,)
        assert connection.execute("SELECT count(*) FROM history").fetchone() == (1,)


def test_the_supervisor_sees_everything_and_writes_only_consensus(team_project):
    url, names = team_project
    for who in ("alice", "bob"):
        with Project.open(as_role(url, names[who])) as project:
            unit = list_units(project)[1].id
            coding.code_unit(project, names[who], unit, "attribution", "named_person")
    with Project.open(as_role(url, names["sue"])) as project:
        assert set(coding.coder_codes(project, names["alice"])) == {unit}
        assert set(coding.coder_codes(project, names["bob"])) == {unit}
        adjudication.adjudicate(project, unit, "attribution", "named_person")
        with pytest.raises(ProjectError, match="not allowed"):
            coding.code_unit(project, names["alice"], unit, "attribution", "unattributed")
        with pytest.raises(ProjectError, match="not allowed"):
            coding.code_unit(project, names["sue"], unit, "attribution", "unattributed")
    with Project.open(as_role(url, names["alice"])) as project:
        assert coding.coder_codes(project, CONSENSUS) == {}


def test_adding_a_member_to_something_that_is_not_a_project_is_refused(new_database):
    with pytest.raises(ProjectError, match="not an annotator project"):
        roles.add_member(new_database, "carol_x", "pw")


def test_team_command_reads_the_password_from_a_file(team_project, tmp_path):
    url, names = team_project
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    name = names["alice"]
    assert cli.main(["team", "add-coder", url, name, "--password-file", str(secret)]) == 0


def test_a_team_project_from_before_the_codebook_check_is_upgraded_for_its_members(
    new_database,
):
    """Migration 0003 on a server project whose members joined before it: the supervisor
    can still read every table (a pull copies codebook_category too) and write consensus
    codes, which the new trigger checks like anyone's."""
    from annotator.core.store import db
    from annotator.core.store.models import CodebookVersion, ProjectSetting, utcnow

    engine = db.make_server_engine(new_database)
    db.upgrade(engine, "0002")
    with engine.begin() as connection:  # what a project made by schema 0002 held
        book = bundled_codebook()
        connection.execute(
            ProjectSetting.__table__.insert().values(key="name", value="old")  # type: ignore[attr-defined]
        )
        connection.execute(
            CodebookVersion.__table__.insert().values(  # type: ignore[attr-defined]
                name=book.name, version=book.version, definition=book.to_json(), added_at=utcnow()
            )
        )
    engine.dispose()
    suffix = make_url(new_database).database[-12:]
    sue = f"sue_{suffix}"
    try:
        roles.add_member(new_database, sue, "pw-s", Role.SUPERVISOR)
        with Project.open(new_database) as project:  # the owner opens it: migrated
            import_paths(project, SAMPLE_TEXTS[:1])
        with psycopg.connect(as_role(new_database, sue).replace("+psycopg", "")) as connection:
            assert connection.execute("SELECT count(*) FROM codebook_category").fetchone()[0] > 0
        with Project.open(as_role(new_database, sue)) as project:
            unit = next(u for u in list_units(project) if u.kind == "sentence")
            adjudication.adjudicate(project, unit.id, "attribution", "named_person")
            assert coding.coder_codes(project, CONSENSUS) == {
                unit.id: {"attribution": "named_person"}
            }
    finally:
        drop_database_and_roles(new_database, sue)


def test_a_supervisor_role_is_recognised_and_a_coder_role_is_not(team_project):
    """The window lands a server supervisor in the review (core.supervision.landing)."""
    from annotator.core.supervision.landing import recognised_supervisor

    url, names = team_project
    with Project.open(as_role(url, names["sue"])) as project:
        assert recognised_supervisor(project, None, names["sue"])
    with Project.open(as_role(url, names["alice"])) as project:
        assert not recognised_supervisor(project, None, names["alice"])
        assert not recognised_supervisor(project, "any passphrase", names["alice"])
