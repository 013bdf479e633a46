"""The pre-migration backup, leftovers of killed backups, damage found on every open (issue 12).

A killed or starved process is made deterministic with RLIMIT_FSIZE: the child may write
files up to a limit smaller than the project, so its backup copy is the one write that
passes it. With SIGXFSZ at its default the kernel kills the child at exactly that write
(a kill mid-backup); with SIGXFSZ ignored (Python's own setting) the write fails, as on
a full disk.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from annotator import cli
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import ProjectError
from annotator.core.store import backup, db
from annotator.core.store.project import Project

ROOT = Path(__file__).resolve().parents[2]
OLD_PROJECT = ROOT / "tests" / "data" / "projects" / "project-v0001.annotator"

pytestmark = pytest.mark.sqlite_only  # backups, temporary files and pages of SQLite files

LIMITED = textwrap.dedent(
    """
    import resource, signal, sys
    limit, killed = int(sys.argv[1]), sys.argv[2] == "kill"
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL if killed else signal.SIG_IGN)
    from annotator import cli
    sys.exit(cli.main(sys.argv[3:]))
    """
)


def run_limited(limit: int, how: str, *args: str) -> subprocess.CompletedProcess:
    """The command line in a child that may write files of at most `limit` bytes."""
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), how, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def schema(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def files_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def old_project(tmp_path) -> Path:
    target = tmp_path / "old.annotator"
    shutil.copy(OLD_PROJECT, target)
    return target


def limit_below(path: Path) -> int:
    """A file size limit with room for SQLite's 32 KiB shared-memory file but not for a
    copy of the project, so the backup's copy is the write that passes it."""
    limit = 48 * 1024
    assert path.stat().st_size > limit
    return limit


# -- the backup before a migration ---------------------------------------------------------


def test_a_kill_during_the_migration_backup_leaves_no_backup_that_is_not_one(old_project):
    done = run_limited(limit_below(old_project), "kill", "info", str(old_project))
    assert done.returncode == -signal.SIGXFSZ, done.stderr  # killed in the middle of the copy
    assert not [p for p in old_project.parent.rglob("*.bak")]  # was: an empty .bak
    assert backup.list_backups(old_project) == []
    folder = backup.backup_folder(old_project)
    left = files_in(folder)
    assert left and all(p.name.startswith(".") for p in left)  # only its temporary file
    assert schema(old_project) == "0001"  # never upgraded without a backup

    with Project.open(old_project) as project:  # the next open cleans up and goes on
        made = project.migration_backup
        assert db.current_revision(project.read_engine) == db.head_revision()
    assert made is not None and schema(made) == "0001"
    assert not [p for p in files_in(folder) if p.name.startswith(".")]


def test_a_full_disk_during_the_migration_backup_is_one_line_and_changes_nothing(old_project):
    before = old_project.read_bytes()
    done = run_limited(limit_below(old_project), "full", "info", str(old_project))
    assert done.returncode == cli.EXIT_USER_ERROR, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "could not back up" in done.stderr and "the project is unchanged" in done.stderr
    assert not [p for p in old_project.parent.rglob("*.bak")]
    assert files_in(backup.backup_folder(old_project)) == []  # its temporary file removed
    assert schema(old_project) == "0001"
    assert old_project.read_bytes() == before


def test_the_migration_backup_is_listed_for_restore(old_project, capsys):
    with Project.open(old_project) as project:
        made = project.migration_backup
    for command in (
        ["restore", "--list", str(old_project)],
        ["backup", "--list", str(old_project)],
    ):
        assert cli.main(command) == 0
        listing = capsys.readouterr().out
        assert "before-migration-0001" in listing and str(made) in listing
    assert cli.main(["restore", str(made)]) == cli.EXIT_USER_ERROR  # no project named
    assert "restore needs a backup and a project" in capsys.readouterr().err
    assert made.read_bytes()[18:20] == b"\x01\x01"  # one self-contained file, not WAL


# -- leftovers of killed backups and restores ----------------------------------------------


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def make_leftover(path: Path, age: timedelta = timedelta(0)) -> Path:
    path.write_bytes(b"half a backup")
    when = (datetime.now(UTC) - age).timestamp()
    os.utime(path, (when, when))
    return path


@pytest.fixture
def closed_project(sample_project) -> Path:
    sample_project.close()
    return sample_project.path


def test_leftovers_of_ended_processes_are_removed_on_open(closed_project):
    folder = backup.backup_folder(closed_project)
    folder.mkdir()
    name, gone, alive = closed_project.name, dead_pid(), os.getppid()
    part = ".samples.20260101T000000000000Z.open.annotator"
    stale = [
        make_leftover(folder / f"{part}.{gone}.part"),
        make_leftover(folder / f"{part}.{gone}.part-journal"),
        make_leftover(closed_project.with_name(f".{name}.{gone}.restoring")),
        make_leftover(closed_project.with_name(f"..{name}.{gone}.restoring.{gone}.part")),
        make_leftover(folder / f".x.annotator.{alive}.part", age=timedelta(hours=2)),  # too old
    ]
    kept = [
        make_leftover(folder / f"{part}.{alive}.part"),
        make_leftover(closed_project.with_name(f".{name}.{os.getpid()}.restoring")),
        make_leftover(closed_project.with_name(f".other.annotator.{gone}.restoring")),  # not ours
        make_leftover(closed_project.with_name(f".{name}.csv.{gone}.part")),  # an export's
    ]
    with Project.open(closed_project, backups=False):
        pass
    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if p.exists()] == kept


def test_a_second_handle_leaves_leftovers_to_the_first_open(closed_project):
    """Only an open that finds the file closed in this process cleans up (no race with a
    backup another thread of this process is writing)."""
    with Project.open(closed_project, backups=False):
        leftover = make_leftover(closed_project.with_name(f".{closed_project.name}.1.restoring"))
        with Project.open(closed_project, backups=False):
            assert leftover.exists()


# -- damage is refused on every open -------------------------------------------------------


def quick_check(path: Path) -> str:
    """SQLite's own verdict, read with plain sqlite3 so the check does not trust the app."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return str(error)


def damage_a_page(path: Path) -> None:
    """Overwrite the header of the first b-tree page whose damage SQLite's quick check sees."""
    data = path.read_bytes()
    for page in range(2, len(data) // 4096):
        broken = bytearray(data)
        broken[page * 4096 : page * 4096 + 32] = b"\xa5" * 32
        path.write_bytes(bytes(broken))
        if quick_check(path) != "ok":
            return
    raise AssertionError("no page whose damage the quick check sees")


def test_a_damaged_project_is_refused_even_right_after_a_backup(closed_project, capsys):
    with Project.open(closed_project) as project:  # makes the open-backup: the next ten
        unit = list_units(project)[1]  # minutes of opens make none
        coding.code_unit(project, "ann", unit.id, "attribution", "named_person")
    [good] = backup.list_backups(closed_project)
    damage_a_page(closed_project)
    before = closed_project.read_bytes()
    for command in (
        ["info", str(closed_project)],
        ["code", str(closed_project), "--coder", "ann", unit.key, "attribution=anonymous_vague"],
        ["import", str(closed_project), str(ROOT / "tests" / "data" / "harbor-deal.txt")],
    ):
        assert cli.main(command) == cli.EXIT_USER_ERROR, command
        err = capsys.readouterr().err
        assert "damaged project" in err and err.count("\n") == 1, err
        assert f"annotator restore {good.path} {closed_project}" in err
    assert closed_project.read_bytes() == before
    with pytest.raises(ProjectError, match="damaged project"):
        Project.open(closed_project, backups=False)
