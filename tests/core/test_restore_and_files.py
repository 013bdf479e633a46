"""Restore under one lock, backups with the project's permissions, a pipe given as the
project, leftover `.part` files of killed exports (issue 21, item 4)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from annotator import cli
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.export import ExportOptions, export
from annotator.core.store import backup
from annotator.core.store.part_files import part_path, remove_stale_parts
from annotator.core.store.project import Project
from tests.conftest import ROOT, run_annotator

pytestmark = pytest.mark.sqlite_only  # file locks, modes and names


def coder_codes(path: Path, coder: str) -> set[tuple[int, str, str]]:
    """Read with plain sqlite3, so the check does not trust the app."""
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return set(
            conn.execute(
                "SELECT unit_id, field, code FROM code JOIN coder ON coder.id = coder_id"
                " WHERE coder.name = ?",
                (coder,),
            )
        )


@pytest.fixture
def coded(sample_project):
    units = list_units(sample_project)
    coding.code_unit(sample_project, "ann", units[1].id, "attribution", "named_person")
    sample_project.close()
    return Path(sample_project.path), units


def test_a_code_saved_during_a_restore_is_in_the_restored_project_or_the_kept_copy(coded, tmp_path):
    """Another process codes while the restore holds the project: at the moment after the
    replaced file was copied and before the backup goes in (the hook), which is where the
    in-use check of old let a save go into the file about to be replaced."""
    path, units = coded
    saved = backup.backup_project(path, tmp_path / "saved.annotator")
    outcome: list[subprocess.CompletedProcess] = []

    def code_from_another_process() -> None:
        outcome.append(
            run_annotator(
                "code", str(path), "--coder", "carol", units[2].key, "attribution=unattributed"
            )
        )

    result = backup.restore_backup(saved, path, while_locked=code_from_another_process)

    [done] = outcome
    assert result.replaced_kept_as is not None
    carol = {(units[2].id, "attribution", "unattributed")}
    found = coder_codes(path, "carol") | coder_codes(result.replaced_kept_as, "carol")
    if done.returncode == 0:  # said saved: then it is somewhere
        assert found == carol, done.stdout
    else:  # it waited for the lock and said why it could not save
        assert found == set()
        assert "busy" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert coder_codes(path, "ann") == {(units[1].id, "attribution", "named_person")}
    done = run_annotator(
        "code", str(path), "--coder", "carol", units[2].key, "attribution=unattributed"
    )
    assert done.returncode == 0, done.stderr  # the restored project works for others
    assert coder_codes(path, "carol") == carol


def test_restore_holds_the_lock_against_other_processes_until_it_ends(coded, tmp_path):
    path, _units = coded
    saved = backup.backup_project(path, tmp_path / "saved.annotator")
    seen: list[str] = []

    def read_elsewhere() -> None:  # no waiting: the lock is either held or not
        probe = (
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], timeout=0)\n"
            "try:\n    c.execute('SELECT count(*) FROM code').fetchone(); print('read')\n"
            "except sqlite3.OperationalError as e:\n    print(e)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, cwd=ROOT
        )
        seen.append(done.stdout.strip())

    backup.restore_backup(saved, path, while_locked=read_elsewhere)
    assert seen == ["database is locked"]
    read_elsewhere()
    assert seen[-1] == "read"


def test_backups_and_restored_projects_keep_the_projects_mode(coded, tmp_path):
    path, _units = coded
    os.chmod(path, 0o600)
    made = backup.backup_project(path)
    by_hand = tmp_path / "by-hand.annotator"
    assert cli.main(["backup", str(path), "-o", str(by_hand)]) == 0
    with Project.open(path):  # the automatic backup on opening
        pass
    [automatic] = [b.path for b in backup.list_backups(path) if b.label == "open"]
    for copy in (made, by_hand, automatic):
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600, copy
    result = backup.restore_backup(by_hand, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(result.replaced_kept_as.stat().st_mode) == 0o600
    fresh = backup.restore_backup(by_hand, tmp_path / "fresh.annotator").project
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


@pytest.mark.parametrize("command", ["info", "units", "agreement", "backup"])
def test_a_named_pipe_given_as_the_project_is_refused_at_once(tmp_path, command):
    pipe = tmp_path / "study.annotator"
    os.mkfifo(pipe)
    # The guard only keeps a hang from stopping the suite; the refusal needs no waiting.
    done = subprocess.run(
        [sys.executable, "-m", "annotator", command, str(pipe)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == cli.EXIT_USER_ERROR
    assert done.stderr == f"annotator: {pipe}: " + (
        "not a file (a folder, pipe, socket or device)\n"
        if command == "agreement"
        else "not a project file (a pipe, socket or device)\n"
    )


def test_parts_left_by_killed_exports_are_removed_by_the_next_export(coded, tmp_path):
    path, _units = coded
    target = tmp_path / "study.csv"
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()  # a process id that is gone
    gone = tmp_path / f".study.csv.{killed.pid}.0badc0de.part"
    live = tmp_path / f".study.csv.{os.getppid()}.0badc0de.part"  # its writer still runs
    legacy_old = tmp_path / ".study.csv.1234abcd.part"  # no process id; a day old
    legacy_new = tmp_path / ".study.csv.5678abcd.part"  # no process id; just written
    others = [tmp_path / ".other.csv.12.0badc0de.part", tmp_path / "study.csv.part"]
    for part in (gone, live, legacy_old, legacy_new, *others):
        part.write_text("half an export")
    os.utime(legacy_old, (0, 0))
    with Project.open(path, backups=False) as project:
        export(project, target, ExportOptions())
    assert target.exists()
    assert not gone.exists() and not legacy_old.exists()
    assert live.exists() and legacy_new.exists() and all(p.exists() for p in others)
    assert part_path(target).name.startswith(f".study.csv.{os.getpid()}.")
    assert remove_stale_parts(target) == []
