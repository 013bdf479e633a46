"""Opening a large project reads and copies nothing proportional to it (issue 29).

A project counts as large above `backup.SMALL_PROJECT_BYTES`; the tests set that limit to
zero so that the small sample project is treated as a large one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from annotator import cli
from annotator.cli.output import print_json, print_json_stream
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_articles, list_units
from annotator.core.store import backup, db
from annotator.core.store.project import Project
from tests.core.test_backup_leftovers import damage_a_page

pytestmark = pytest.mark.sqlite_only  # about the file: its checks and copies


# Another program with the project open (a window, say), until its standard input closes.
HOLDER = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1])\n"
    "c.execute('PRAGMA journal_mode = WAL')\n"
    "c.execute('SELECT count(*) FROM unit').fetchone()\n"
    "print('open', flush=True)\n"
    "sys.stdin.read()\n"
)


@pytest.fixture
def large(sample_project, monkeypatch) -> Path:
    """The sample project, closed and treated as a large one."""
    sample_project.close()
    monkeypatch.setattr(backup, "SMALL_PROJECT_BYTES", 0)
    return Path(sample_project.path)


@pytest.fixture
def full_checks(monkeypatch) -> list[Path]:
    """The files SQLite's whole-file quick check ran on, in order."""
    seen: list[Path] = []
    real = db.quick_check

    def watched(path: Path) -> list[str]:
        seen.append(Path(path))
        return real(path)

    monkeypatch.setattr(db, "quick_check", watched)
    return seen


def test_opening_a_large_project_checks_and_copies_nothing_of_its_size(large, full_checks):
    with Project.open(large) as project:
        unit = list_units(project)[1]
        coding.code_unit(project, "ann", unit.id, "attribution", "named_person")
    assert full_checks == []
    assert backup.list_backups(large) == []  # the window backs it up, in the background


def test_a_large_project_left_by_a_crash_is_checked_in_full(large, full_checks):
    killed = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA journal_mode = WAL')\n"
        "c.execute(\"UPDATE project_setting SET value = 'after the crash' WHERE key = 'name'\")\n"
        "os._exit(0)  # killed: its -wal is left behind, not checkpointed\n"
    )
    subprocess.run([sys.executable, "-c", killed, str(large)], check=True)
    assert Path(f"{large}-wal").exists()
    with Project.open(large) as project:
        assert project.name == "after the crash"
    assert full_checks == [large]


def test_a_large_project_another_process_has_open_is_not_checked_in_full(large, full_checks):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(large)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        assert Path(f"{large}-wal").exists()
        with Project.open(large) as project:
            unit = list_units(project)[1]
            coding.code_unit(project, "ann", unit.id, "attribution", "named_person")
    finally:
        holder.communicate("")
    assert full_checks == []


def test_a_small_project_is_still_checked_and_backed_up_on_every_first_open(
    sample_project, full_checks
):
    sample_project.close()
    with Project.open(sample_project.path):
        pass
    [made] = backup.list_backups(sample_project.path)
    assert made.label == "open"
    with Project.open(sample_project.path):  # the backup is minutes old: the check runs
        pass
    assert full_checks == [Path(sample_project.path)]


def test_info_check_reads_the_whole_large_project_and_names_the_backup(large, capsys):
    good = backup.backup_project(large, label="open")
    damage_a_page(large)
    assert cli.main(["info", str(large), "--check"]) == cli.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "damaged project" in err and err.count("\n") == 1, err
    assert f"annotator restore {good} {large}" in err
    assert backup.list_backups(large)[0].path == good


def test_info_says_where_and_when_backups_are_made(large, capsys):
    assert cli.main(["info", str(large), "--json", "--check"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["backups"]["folder"] == str(backup.backup_folder(large))
    assert info["backups"]["newest"] == "none yet"
    assert "window" in info["backups"]["when"] and "daily" in info["backups"]["when"]
    assert info["check"].startswith("ok")
    made = backup.backup_project(large)
    assert cli.main(["info", str(large)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("backups"))
    assert str(backup.backup_folder(large)) in line and "(manual)" in line
    assert made.exists()


def test_articles_reads_no_article_text(sample_project, capsys):
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(sample_project.read_engine, "before_cursor_execute", seen)
    try:
        assert cli.main(["articles", str(sample_project.path), "--json"]) == 0
    finally:
        event.remove(sample_project.read_engine, "before_cursor_execute", seen)
    listed = json.loads(capsys.readouterr().out)
    assert [a["key"] for a in listed] == [a.key for a in list_articles(sample_project)]
    assert listed[0]["units_to_code"] > 0
    article_reads = [s for s in statements if "FROM article" in s]
    assert article_reads and not any("article.text" in s for s in article_reads)


@pytest.mark.parametrize("items", [[], [{"a": 1}], [{"a": [1, 2], "b": "ü"}, {"c": None}]])
def test_a_streamed_json_list_reads_as_the_whole_list_printed_at_once(items, capsys):
    print_json(items)
    whole = capsys.readouterr().out
    print_json_stream(iter(items))
    assert capsys.readouterr().out == whole


def test_units_of_one_article_read_that_articles_codes_only(sample_project, capsys):
    unit = list_units(sample_project, "harbor-deal")[1]
    coding.code_unit(sample_project, "ann", unit.id, "attribution", "named_person")
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    path = str(sample_project.path)
    event.listen(sample_project.read_engine, "before_cursor_execute", seen)
    try:
        assert cli.main(["units", path, "--article", "harbor-deal", "--coder", "ann"]) == 0
    finally:
        event.remove(sample_project.read_engine, "before_cursor_execute", seen)
    assert "attribution=named_person" in capsys.readouterr().out
    codes_read = [s for s in statements if "SELECT code.unit_id, code.field, code.code" in s]
    assert codes_read and all("unit.article_id" in s for s in codes_read), codes_read
