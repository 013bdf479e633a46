"""Automatic and manual backups, rotation bounds and restore (issue 7)."""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
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

# Backups are SQLite file copies; a server is backed up by pg_dump.
pytestmark = pytest.mark.sqlite_only


def codes_and_history(path: Path) -> tuple[set, list]:
    """Codes and history read with plain sqlite3, so the check does not trust the app."""
    with closing(sqlite3.connect(path)) as conn:
        codes = set(
            conn.execute(
                "SELECT unit_id, coder.name, field, code"
                " FROM code JOIN coder ON coder.id = coder_id"
            )
        )
        history = conn.execute("SELECT coder, target, old, new FROM history ORDER BY id").fetchall()
    return codes, history


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def coded(sample_project):
    """The sample project with a few codes, closed, ready to be opened by the test."""
    for unit in list_units(sample_project)[1:6]:
        coding.code_unit(sample_project, "ann", unit.id, "attribution", "named_person")
    sample_project.close()
    return sample_project.path


def test_opening_makes_a_backup_that_is_a_valid_project_with_the_same_codes(coded, tmp_path):
    expected = codes_and_history(coded)
    with Project.open(coded) as project:
        expected_codes = coding.coder_codes(project, "ann")
    [made] = backup.list_backups(coded)
    assert made.label == "open" and made.path.parent == coded.with_name("samples.annotator.backups")
    assert made.path.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: one self-contained file
    assert codes_and_history(made.path) == expected
    copy = tmp_path / "elsewhere" / "copy.annotator"
    copy.parent.mkdir()
    shutil.copy(made.path, copy)
    with Project.open(copy) as project:
        assert coding.coder_codes(project, "ann") == expected_codes
    assert len(expected_codes) == 5


def test_opening_again_soon_makes_no_second_backup_but_later_does(coded):
    with Project.open(coded) as project:
        first = backup.latest_backup(coded)
        assert backup.backup_on_open(project.path, first.taken_at + timedelta(minutes=9)) is None
        later = backup.backup_on_open(project.path, first.taken_at + timedelta(minutes=11))
    with Project.open(coded):
        pass
    assert later is not None
    assert [b.path for b in backup.list_backups(coded)] == [later, first.path]


def test_daily_backup_only_when_the_newest_is_a_day_old(coded):
    with Project.open(coded) as project:
        opened = backup.latest_backup(coded).taken_at
        assert backup.maybe_backup_daily(project.path, opened + timedelta(hours=23)) is None
        daily = backup.maybe_backup_daily(project.path, opened + timedelta(hours=25))
    assert daily is not None and backup.latest_backup(coded).label == "daily"


def test_rotation_keeps_the_newest_ten_and_one_per_day_for_a_week(empty_project):
    path = empty_project.path
    manual = backup.backup_project(path)  # made by hand: never rotated away
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    made = []
    for day in range(20):
        for hour in (0, 2, 4, 6):  # four sessions a day, each opening the project
            now = start + timedelta(days=day, hours=hour)
            made.append(backup.backup_on_open(empty_project.path, now))
            automatic = [b for b in backup.list_backups(path) if b.automatic]
            assert len(automatic) <= backup.KEEP_NEWEST + backup.KEEP_DAYS
    assert None not in made
    kept = {b.path for b in backup.list_backups(path)}
    assert set(made[-10:]) <= kept
    last_of_each_day = [made[day * 4 + 3] for day in range(13, 20)]
    assert set(last_of_each_day) <= kept
    assert kept == set(made[-10:]) | set(last_of_each_day) | {manual}
    assert len(kept) == 10 + 4 + 1  # the last 2.5 days are among the newest ten


def test_restore_round_trip_keeps_the_replaced_file(coded, tmp_path):
    saved = tmp_path / "saved.annotator"
    assert cli.main(["backup", str(coded), "-o", str(saved)]) == 0
    at_backup = codes_and_history(coded)
    with Project.open(coded) as project:
        units = list_units(project)
        coding.code_unit(project, "ann", units[1].id, "attribution", None)
        coding.code_unit(project, "bob", units[2].id, "attribution", "named_organisation")
    changed = codes_and_history(coded)

    assert cli.main(["restore", str(saved), str(coded)]) == 0

    assert codes_and_history(coded) == at_backup
    [kept] = [b for b in backup.list_backups(coded) if b.label == "before-restore"]
    assert codes_and_history(kept.path) == changed
    with Project.open(coded) as project:  # the restored file works as a project
        coding.code_unit(project, "ann", list_units(project)[9].id, "attribution", "named_person")


def test_restore_refuses_bad_backups_and_leaves_the_project_alone(coded, tmp_path, capsys):
    before = sha(coded)
    text = tmp_path / "notes.annotator"
    text.write_text("not a project")
    newer = tmp_path / "newer.annotator"
    backup.backup_project(coded, newer)
    with closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    damaged = tmp_path / "damaged.annotator"
    backup.backup_project(coded, damaged)
    data = bytearray(damaged.read_bytes())
    data[4096 * 3 : 4096 * 3 + 64] = b"\xff" * 64  # a b-tree page header
    damaged.write_bytes(bytes(data))
    for bad, message in (
        (text, "not an annotator project"),
        (newer, "newer version of annotator"),
        (damaged, "damaged"),
    ):
        assert cli.main(["restore", str(bad), str(coded)]) == cli.EXIT_USER_ERROR
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
        assert sha(coded) == before
    assert not any(p.name.endswith((".part", ".restoring")) for p in tmp_path.rglob(".*"))


def test_restore_refuses_a_project_that_is_open(coded, tmp_path):
    saved = backup.backup_project(coded, tmp_path / "saved.annotator")
    with Project.open(coded) as project:
        list_units(project)
        before = sha(coded)
        with pytest.raises(ProjectError, match="is open in annotator"):
            backup.restore_backup(saved, coded)
        assert sha(coded) == before
        list_units(project)  # the open project still works


def test_restore_into_a_new_file(coded, tmp_path):
    saved = backup.backup_project(coded, tmp_path / "saved.annotator")
    result = backup.restore_backup(saved, tmp_path / "fresh.annotator")
    assert result.replaced_kept_as is None
    assert codes_and_history(result.project) == codes_and_history(coded)


def test_manual_backup_refuses_to_overwrite_and_to_copy_a_non_project(coded, tmp_path):
    target = tmp_path / "taken.annotator"
    target.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        backup.backup_project(coded, target)
    assert target.read_text() == "precious"
    with pytest.raises(ProjectError, match="not an annotator project"):
        backup.backup_project(target)


def test_a_failing_automatic_backup_never_stops_work(coded, caplog):
    backup.backup_folder(coded).write_text("a file where the folder should be")
    with (
        caplog.at_level(logging.WARNING, logger="annotator.core.store.backup"),
        Project.open(coded) as p,
    ):
        coding.code_unit(p, "ann", list_units(p)[9].id, "attribution", "named_person")
    assert "could not make backup folder" in caplog.text


def test_backup_list_command(coded, capsys):
    with Project.open(coded):
        pass
    assert cli.main(["backup", "--list", str(coded)]) == 0
    assert "open" in capsys.readouterr().out


def test_describe_failure_turns_sqlite_errors_into_plain_reasons():
    full = sqlite3.OperationalError("database or disk is full")
    assert db.describe_failure(full) == (
        "the disk is full (no space left on device); free some space and try again"
    )
    # An I/O error is only called a full disk where the disk has no room left.
    assert db.describe_failure("disk I/O error", Path(__file__)) == "disk I/O error"
    assert "read-only" in db.describe_failure("attempt to write a readonly database")
    assert db.describe_failure("something else\nwith detail") == "something else"
