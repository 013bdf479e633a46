"""Several handles on one project file in one process keep SQLite's locks (issue 12, part 1).

POSIX advisory locks belong to the process: closing *any* descriptor of the file drops
every lock the process holds on it, the live SQLite connections' included ("How To
Corrupt An SQLite Database File", section 2.2). A second `Project.open` that read the
header with plain file I/O did exactly that, and the next process to open and close the
file found no other user, checkpointed and deleted the write-ahead log the first handle
was still writing into: its later saves went into a deleted file nobody else could see.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotator import cli
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import ProjectError
from annotator.core.store import backup, db, engines
from annotator.core.store.project import Project
from annotator.core.supervision import merge_source
from tests.conftest import run_annotator

pytestmark = pytest.mark.sqlite_only  # file locks and write-ahead logs


def codes_seen_by_another_process(path: Path, coder: str) -> dict[str, dict[str, str]]:
    done = run_annotator("units", str(path), "--coder", coder, "--json")
    assert done.returncode == 0, done.stderr
    return {row["key"]: row["codes"] for row in json.loads(done.stdout) if row["codes"]}


def second_handle(path: Path) -> None:
    Project.open(path, backups=False).close()  # a worker thread's handle, come and gone


def agreement_command(path: Path) -> None:
    assert cli.main(["agreement", str(path), "--json"]) == 0  # tells a project from a CSV


def merge_source_read(path: Path) -> None:
    data = merge_source.read_source(path)  # the snapshot a merge reads
    try:
        assert data.used_codes
    finally:
        data.close()


def backup_by_hand(path: Path) -> None:
    backup.backup_project(path)


def restore_refused(path: Path) -> None:
    saved = backup.backup_project(path, path.with_name("saved.annotator"))
    with pytest.raises(ProjectError, match="is open in annotator"):
        backup.restore_backup(saved, path)


def probe(path: Path) -> None:
    assert db.probe(path) is None


@pytest.mark.parametrize(
    "touch",
    [second_handle, agreement_command, merge_source_read, backup_by_hand, restore_refused, probe],
)
def test_touching_an_open_file_in_the_same_process_keeps_its_log_alive(
    sample_project, touch, capsys
):
    path = sample_project.path
    sample_project.close()
    wal = Path(f"{path}-wal")
    first = Project.open(path)
    try:
        units = list_units(first)
        coding.code_unit(first, "ann", units[1].id, "attribution", "named_person")
        coding.code_unit(first, "bob", units[1].id, "attribution", "named_person")
        assert wal.exists()

        touch(path)
        done = run_annotator("units", str(path))  # another program opens and closes the file
        assert done.returncode == 0, done.stderr

        assert wal.exists(), "another process deleted the log this process still writes into"
        coding.code_unit(first, "ann", units[2].id, "attribution", "anonymous_vague")
        assert codes_seen_by_another_process(path, "ann") == {
            units[1].key: {"attribution": "named_person"},
            units[2].key: {"attribution": "anonymous_vague"},
        }
    finally:
        first.close()


def test_handles_on_one_file_share_one_engine_until_the_last_closes(sample_project):
    path = sample_project.path
    other = Project.open(Path(os.path.relpath(path)), backups=False)  # the same file, named
    try:  # another way
        assert other.write_engine is sample_project.write_engine
        assert other.read_engine is sample_project.read_engine
    finally:
        other.close()
    unit = list_units(sample_project)[1]
    coding.code_unit(sample_project, "ann", unit.id, "attribution", "named_person")  # still works
    sample_project.close()
    with Project.open(path, backups=False) as again:
        assert again.write_engine is not sample_project.write_engine  # a fresh one
        assert coding.coder_codes(again, "ann") == {unit.id: {"attribution": "named_person"}}


def test_closing_a_handle_twice_does_not_close_another_ones_engine(sample_project):
    second = Project.open(sample_project.path, backups=False)
    second.close()
    second.close()
    unit = list_units(sample_project)[1]
    coding.code_unit(sample_project, "ann", unit.id, "attribution", "named_person")
    assert engines.is_open(sample_project.path)
    sample_project.close()
    assert not engines.is_open(sample_project.path)


def test_a_handle_opened_by_a_relative_name_closes_after_the_folder_changed(
    sample_project, monkeypatch, tmp_path
):
    path = Path(sample_project.path)
    sample_project.close()
    monkeypatch.chdir(path.parent)
    project = Project.open(Path(path.name), backups=False)
    monkeypatch.chdir(tmp_path.parent)
    project.close()
    assert not engines.is_open(path)
