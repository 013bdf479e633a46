"""Files that are not (good) projects: a clear one-line error, the file untouched, work goes on.

Covers issue 7: not a project, truncated, corrupted, newer version, read-only, full disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import AnnotatorError, ProjectError, ProjectUnavailable
from annotator.core.ingest.into_project import import_paths
from annotator.core.store import backup, db
from annotator.core.store.models import Article, History, Note, Unit
from annotator.core.store.project import Project

# Damaged, truncated and read-only files: properties of project files.
pytestmark = pytest.mark.sqlite_only

NOBODY = 65534


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refuse(path: Path, message: str) -> ProjectError:
    """Project.open refuses `path` with `message`, on one line, leaving the bytes alone."""
    before = sha(path)
    with pytest.raises(ProjectError, match=message) as refused:
        Project.open(path)
    assert "\n" not in str(refused.value)
    assert sha(path) == before
    return refused.value


def still_working(tmp_path: Path) -> None:
    """The next operation in the same process works: open a good project and code in it."""
    with Project.create(tmp_path / "next.annotator", bundled_codebook()) as project:
        import_paths(project, [Path(__file__).parents[1] / "data" / "border-talks.txt"])
        unit = list_units(project)[1]
        coding.code_unit(project, "ann", unit.id, "attribution", "named_person")
        assert coding.coder_codes(project, "ann") == {unit.id: {"attribution": "named_person"}}


@pytest.fixture
def closed_project(sample_project) -> Path:
    unit = list_units(sample_project)[1]
    coding.code_unit(sample_project, "ann", unit.id, "attribution", "named_person")
    sample_project.close()
    return sample_project.path


@pytest.mark.parametrize("content", [b"minutes of the meeting\n", b"", os.urandom(5000)])
def test_not_a_project(tmp_path, content):
    target = tmp_path / "notes.annotator"
    target.write_bytes(content)
    refuse(target, "not an annotator project")
    still_working(tmp_path)


def left_exactly_as_it_was(target: Path, message: str) -> None:
    """Refused, its bytes unchanged, and nothing made beside it (-wal, -shm, backups)."""
    beside = sorted(p.name for p in target.parent.iterdir())
    refuse(target, message)
    assert sorted(p.name for p in target.parent.iterdir()) == beside
    assert not backup.backup_folder(target).exists()


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_an_unrelated_sqlite_database_is_left_untouched(tmp_path, journal_mode):
    target = tmp_path / "other.db"
    with closing(sqlite3.connect(target)) as conn, conn:
        conn.execute(f"PRAGMA journal_mode = {journal_mode}")
        conn.execute("CREATE TABLE things (x)")
        conn.execute("INSERT INTO things VALUES (1)")
    left_exactly_as_it_was(target, "no project tables")
    still_working(tmp_path)


def test_another_programs_database_left_with_its_wal_is_not_checkpointed(tmp_path):
    """Its writer was killed with changes in the -wal: refusing must not fold them in."""
    source, target = tmp_path / "source.db", tmp_path / "other.db"
    with closing(sqlite3.connect(source)) as writer:
        writer.execute("PRAGMA journal_mode = wal")
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("CREATE TABLE things (x)")
        writer.commit()
        # What a killed writer leaves: the file and its -wal (the -shm is rebuilt).
        shutil.copy(source, target)
        shutil.copy(f"{source}-wal", f"{target}-wal")
    wal = Path(f"{target}-wal").read_bytes()
    before = sha(target)
    refuse(target, "no project tables")
    assert sha(target) == before
    assert Path(f"{target}-wal").read_bytes() == wal
    assert not backup.backup_folder(target).exists()


def test_a_database_with_only_some_project_tables_is_not_switched_to_wal(tmp_path):
    """Looks like a project at first sight (settings, a schema revision) but is not one."""
    target = tmp_path / "lookalike.db"
    with closing(sqlite3.connect(target)) as conn, conn:
        conn.execute("CREATE TABLE project_setting (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (db.head_revision(),))
    left_exactly_as_it_was(target, "no project tables")


def test_truncated(tmp_path, closed_project):
    data = closed_project.read_bytes()
    target = tmp_path / "cut.annotator"
    for size in (100, 4096, len(data) // 2):
        target.write_bytes(data[:size])
        refuse(target, "cut.annotator: (damaged|not an annotator project)")
    still_working(tmp_path)


def test_corrupted_page_is_refused_and_no_bad_backup_is_kept(tmp_path, closed_project):
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    backup.backup_project(closed_project, label="open", now=an_hour_ago)  # before the damage
    good = backup.list_backups(closed_project)
    data = bytearray(closed_project.read_bytes())
    pages = len(data) // 4096
    damaged_any = 0
    for page in range(2, pages):
        target = tmp_path / "damaged.annotator"
        shutil.copy(closed_project, target)
        broken = bytearray(data)
        broken[page * 4096 : page * 4096 + 32] = b"\xa5" * 32  # the b-tree page header
        target.write_bytes(bytes(broken))
        if _integrity(target) == "ok":
            continue  # a free page: nothing to detect
        damaged_any += 1
        error = refuse(target, "damaged")
        assert not backup.list_backups(target)  # the damaged copy never joins the rotation
        assert not list(backup.backup_folder(target).glob(".*.part"))
    assert damaged_any >= 3
    # A damaged project whose own folder has backups names the newest one to restore.
    shutil.copy(closed_project, tmp_path / "hold.annotator")
    closed_project.write_bytes(bytes(broken))
    error = refuse(closed_project, "damaged project")
    assert f"annotator restore {good[0].path} {closed_project}" in str(error)
    assert backup.list_backups(closed_project) == good
    still_working(tmp_path)


def test_newer_version(tmp_path, closed_project):
    with closing(sqlite3.connect(closed_project)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    refuse(closed_project, r"made by a newer version of annotator \(schema 9999_future\)")
    assert not backup.backup_folder(closed_project).exists()
    still_working(tmp_path)


# -- read-only ------------------------------------------------------------------------------
# Tests run as root, for whom file permissions do not stop writes; so the check runs in a
# forked child that drops to the unprivileged user "nobody" (no mocking: the kernel refuses).


def as_unprivileged(action: Callable[[], list[str]]) -> list[str]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        try:
            if os.getuid() == 0:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            result = action()
        except BaseException as error:
            result = [f"crashed: {type(error).__name__}: {error}"]
        with os.fdopen(write_end, "w") as pipe:
            json.dump(result, pipe)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        result = json.load(pipe)
    os.waitpid(pid, 0)
    return result


@pytest.fixture
def shared_folder(closed_project):
    """A world-readable folder (pytest's tmp folders are root-only) holding the project."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-ro-", dir="/tmp"))
    folder.chmod(0o755)
    target = folder / "shared.annotator"
    shutil.copy(closed_project, target)
    target.chmod(0o444)
    yield target
    shutil.rmtree(folder)


def open_and_code(target: Path) -> list[str]:
    """What a coder does with a read-only file: open, read, try to save, keep going."""
    report = []
    try:
        with Project.open(target) as project:
            units = list_units(project)
            report.append(f"read {len(units)}")
            try:
                coding.code_unit(project, "ann", units[3].id, "attribution", "named_person")
                report.append("saved")
            except AnnotatorError as error:
                report.append(f"save refused: {error}")
            report.append(f"read again {len(coding.coder_codes(project, 'ann'))}")
    except AnnotatorError as error:
        report.append(f"open refused: {error}")
    return report


@pytest.mark.parametrize("folder_mode", [0o755, 0o777], ids=["folder-read-only", "folder-open"])
def test_read_only_project(shared_folder, folder_mode):
    shared_folder.parent.chmod(folder_mode)
    before = sha(shared_folder)
    report = as_unprivileged(lambda: open_and_code(shared_folder))
    assert sha(shared_folder) == before
    assert not any(line.startswith(("crashed", "saved")) for line in report), report
    refusal = next(line for line in report if "refused" in line)
    assert "read" in refusal and "only" in refusal.replace("readonly", "read-only"), refusal
    if report[0].startswith("read"):  # opened: the failed save lost nothing and reading goes on
        assert report[-1] == "read again 1", report


def test_read_only_project_is_not_called_damaged(shared_folder):
    report = as_unprivileged(lambda: open_and_code(shared_folder))
    assert not any("damaged" in line for line in report), report


# -- full disk --------------------------------------------------------------------------------


def fill_disk(project: Project) -> Callable[[], None]:
    """Let the project's writer grow by no page at all: SQLite answers SQLITE_FULL, exactly as
    on a full disk. Returns the function that frees the space again."""
    with project.reading() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar()

    def limit(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    project.write_engine.dispose()
    event.listen(project.write_engine, "connect", limit)

    def free() -> None:
        event.remove(project.write_engine, "connect", limit)
        project.write_engine.dispose()

    return free


def counts(project: Project) -> tuple[int, ...]:
    with project.reading() as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Article, Unit, Note, History)
        )


def test_full_disk(tmp_path, sample_project):
    big = tmp_path / "long.txt"
    big.write_text("A long report\n\n" + "The minister said it was fine. " * 3000)
    unit = list_units(sample_project)[2]
    before = counts(sample_project)
    free = fill_disk(sample_project)

    with pytest.raises(ProjectError, match=r"could not save: .*full") as refused:
        import_paths(sample_project, [big])
    assert "\n" not in str(refused.value)
    assert not isinstance(refused.value, ProjectUnavailable)  # the user must act: not retried
    with pytest.raises(ProjectError, match=r"could not save: .*full"):
        coding.set_note(sample_project, "ann", unit.id, "a long note " * 2000)
    assert counts(sample_project) == before  # nothing half-written

    free()
    report = import_paths(sample_project, [big])
    assert report.imported == ["long"]
    coding.set_note(sample_project, "ann", unit.id, "a long note " * 2000)
    assert counts(sample_project)[0] == before[0] + 1


@pytest.fixture
def full_disk(tmp_path):
    """A real file system with no space left: a 1 MiB tmpfs, filled up (mounting needs root,
    which these tests have; elsewhere the tests using it are skipped)."""
    mount = tmp_path / "full"
    mount.mkdir()
    mounted = os.geteuid() == 0 and (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        == 0
    )
    if not mounted:
        pytest.skip("mounting a small file system needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(folder: Path) -> None:
    with (folder / "filler").open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass


def test_a_project_on_a_full_disk_is_called_full_not_damaged(full_disk, closed_project):
    target = full_disk / "study.annotator"
    shutil.copy(closed_project, target)  # closed cleanly: no -wal, as after a day's work
    fill(full_disk)
    error = refuse(target, r"study\.annotator: .*no space left on device")
    assert "damaged" not in str(error) and "not a project" not in str(error)
    error = refuse(target, r"study\.annotator: .*no space left on device")  # again, -wal there
    assert "damaged" not in str(error)


def test_creating_a_project_on_a_full_disk_says_so(full_disk):
    fill(full_disk)
    target = full_disk / "new.annotator"
    with pytest.raises(ProjectError, match=r"new\.annotator: .*no space left on device") as error:
        Project.create(target, bundled_codebook())
    assert "\n" not in str(error.value)
    assert not target.exists()


def _integrity(path: Path) -> str:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return str(error)
