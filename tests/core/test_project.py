"""Project files: creation, refusal of files that are not projects, and migrations."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import find_unit
from annotator.core.errors import ProjectError
from annotator.core.store import db, migrations
from annotator.core.store.backup import list_backups
from annotator.core.store.project import Project

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "projects"


def test_create_writes_codebook_and_pragmas(tmp_path):
    with Project.create(tmp_path / "p.annotator", bundled_codebook(), name="Study 1") as project:
        assert project.name == "Study 1"
        assert project.codebook.name == "Source reliability"
        with project.read_engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS


def test_create_refuses_to_overwrite(tmp_path):
    target = tmp_path / "p.annotator"
    target.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(target, bundled_codebook())
    assert target.read_text() == "precious"


def test_migrated_schema_equals_the_models(tmp_path):
    """The alembic chain and the SQLModel tables describe the same schema."""
    with (
        Project.create(tmp_path / "p.annotator", bundled_codebook()) as project,
        project.read_engine.connect() as conn,
    ):
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_the_revision_constants_agree_with_the_migration_scripts():
    """Opening checks the schema against migrations.HEAD/REVISIONS, not alembic: keep them true."""
    scripts = ScriptDirectory.from_config(db.alembic_config())
    assert db.head_revision() == scripts.get_current_head()
    oldest_first = [rev.revision for rev in scripts.walk_revisions()][::-1]
    assert list(migrations.REVISIONS) == oldest_first


def test_opening_a_project_at_head_imports_no_alembic(tmp_path):
    """Alembic is loaded only when a migration is due (it is slow to import)."""
    target = tmp_path / "p.annotator"
    Project.create(target, bundled_codebook()).close()
    probe = (
        "import sys; from annotator.core.store.project import Project; "
        f"Project.open({str(target)!r}).close(); print('alembic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text\n", "not an annotator project (not an SQLite database)"),
        (b"", "not an annotator project (not an SQLite database)"),
    ],
)
def test_files_that_are_not_projects_are_refused(tmp_path, content, message):
    target = tmp_path / "notes.annotator"
    target.write_bytes(content)
    with pytest.raises(ProjectError, match=re.escape(message)):
        Project.open(target)
    assert target.read_bytes() == content


def test_an_unrelated_sqlite_database_is_refused(tmp_path):
    target = tmp_path / "other.db"
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE things (x)")
    with pytest.raises(ProjectError, match="no project tables"):
        Project.open(target)


@pytest.mark.sqlite_only  # file contents
def test_a_truncated_project_is_refused_and_left_alone(tmp_path, sample_project):
    sample_project.close()
    whole = sample_project.path.read_bytes()
    target = tmp_path / "truncated.annotator"
    target.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(ProjectError, match=r"truncated\.annotator: damaged"):
        Project.open(target)
    assert target.read_bytes() == whole[: len(whole) // 3]


@pytest.mark.sqlite_only  # file contents
def test_a_project_from_a_newer_version_is_refused(tmp_path, empty_project):
    empty_project.close()
    with sqlite3.connect(empty_project.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(ProjectError, match=r"newer version of annotator \(schema 9999_future\)"):
        Project.open(empty_project.path)


def test_opening_an_old_project_backs_it_up_and_migrates_it(tmp_path):
    """The fixture was written by schema 0001, the first release (make_fixtures.py)."""
    target = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "project-v0001.annotator", target)
    original = target.read_bytes()
    with Project.open(target) as project:
        assert db.current_revision(project.read_engine) == db.head_revision()
        backup = project.migration_backup
        [listed] = [b for b in list_backups(target) if b.path == backup]  # restore can find it
        assert listed.label == "before-migration-0001" and not listed.automatic
        unit = find_unit(project, "talks#2")
        assert unit.text == "Officials said talks resume."
        assert coding.coder_codes(project, "alice") == {unit.id: {"attribution": "anonymous_vague"}}
        # the migrated project works: code through the service and read the history
        coding.code_unit(project, "alice", unit.id, "claim_type", "fact")
        history = coding.unit_history(project, unit.id)
        assert [(h.target, h.new, h.origin) for h in history] == [
            ("attribution", "anonymous_vague", "manual"),
            ("claim_type", "fact", "manual"),
        ]
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert len(original) > 0


def test_a_project_of_the_release_before_codebook_format_2_opens_and_migrates(tmp_path):
    """project-v0004.annotator was made by the previous release's own command line
    (make_v0004.py): schema 0004, the format 1 codebook, two coders, a note. After the
    upgrade to 0005 every code and note is there, the codebook is still version 1.0, new
    codes are written and checked by the new trigger."""
    target = tmp_path / "release.annotator"
    shutil.copy(FIXTURES / "project-v0004.annotator", target)
    with Project.open(target) as project:
        assert db.current_revision(project.read_engine) == db.head_revision()
        assert project.migration_backup is not None
        assert (project.codebook.version, project.codebook.format) == ("1.0", 1)
        assert not project.codebook.article_fields
        unit = find_unit(project, "harbor-deal#2")
        assert coding.coder_codes(project, "alice")[unit.id] == {
            "attribution": "anonymous_vague",
            "claim_type": "fact",
            "confidence": "high",
        }
        assert coding.coder_codes(project, "bob")[unit.id]["attribution"] == "unattributed"
        nine = find_unit(project, "harbor-deal#9")
        assert coding.coder_notes(project, "alice")[nine.id] == "Sources: which ones?"
        assert project.summary()["codes"] == 9
        coding.code_unit(project, "bob", nine.id, "claim_type", "fact")
        with (
            pytest.raises(ProjectError, match="not in the project's codebook"),
            project.writing() as session,
        ):
            session.execute(
                sa.text("UPDATE code SET code = 'made_up' WHERE unit_id = :u"), {"u": nine.id}
            )
        with project.reading() as session:
            fields = session.execute(
                sa.text("SELECT field, type, scope FROM codebook_field ORDER BY field")
            ).all()
        assert fields == [
            ("attribution", "single", "unit"),
            ("claim_type", "single", "unit"),
            ("confidence", "single", "unit"),
        ]


def test_a_project_of_the_release_before_sources_gets_the_source_tables(tmp_path):
    """The v0004 project upgraded through 0005 to 0006: its codes stay, a coder's sources
    are written with history, and the new trigger refuses a source code of a field that
    its (format 1) codebook does not have at source scope."""
    from annotator.core.coding import source_lists as lists
    from annotator.core.coding import sources_service as sources

    target = tmp_path / "release.annotator"
    shutil.copy(FIXTURES / "project-v0004.annotator", target)
    with Project.open(target) as project:
        assert db.current_revision(project.read_engine) == "0006"
        unit = find_unit(project, "harbor-deal#2")
        sources.edit(
            project,
            unit.article_id,
            "alice",
            lambda s, u: lists.link(s, unit.id, lists.add_source(s, "two officials")),
        )
        [source] = sources.read_list(project, unit.article_id, "alice").sources
        assert source.label == "two officials"
        assert coding.coder_codes(project, "alice")[unit.id]["attribution"] == "anonymous_vague"
        with (
            pytest.raises(ProjectError, match="not in the project's codebook"),
            project.writing() as session,
        ):
            session.execute(
                sa.text(
                    "INSERT INTO source_code (source_id, coder_id, field, code,"
                    " codebook_version_id, coded_at) SELECT id, coder_id, 'attribution',"
                    " 'named_person', :v, CURRENT_TIMESTAMP FROM source"
                ),
                {"v": project.codebook_version_id},
            )


def test_a_closed_project_refuses_to_read_or_write(tmp_path):
    """A closed handle must not reconnect behind its owner's back (on a server a
    disposed engine would open a fresh connection that nobody closes)."""
    from annotator.core.errors import ProjectError

    project = Project.create(tmp_path / "closed.annotator", bundled_codebook())
    project.close()
    for session in (project.reading, project.writing):
        with pytest.raises(ProjectError, match="closed"), session():
            pass
