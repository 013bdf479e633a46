"""A window left open for days still backs its project up daily (issue 7)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta

import pytest

from annotator.core.store import backup
from annotator.ui.backup_timer import CHECK_INTERVAL_MS

pytestmark = pytest.mark.sqlite_only  # backups are copies of the project file


def labels(path) -> list[str]:
    return sorted(b.label for b in backup.list_backups(path))


def test_the_open_window_checks_hourly_and_backs_up_once_a_day_has_passed(
    qtbot, open_window, project_path, monkeypatch
):
    window = open_window()
    timer = window.daily_backup.timer
    assert timer.isActive() and timer.interval() == CHECK_INTERVAL_MS == 3_600_000
    assert labels(project_path) == ["open"]  # opening made one

    with qtbot.waitSignal(window.daily_backup.written) as nothing_due:
        window.daily_backup.check()
    assert nothing_due.args == [None]  # the open backup is minutes old
    assert labels(project_path) == ["open"]

    qtbot.keyClick(window, "1")  # coded after the open backup
    monkeypatch.setattr(backup, "DAILY_INTERVAL", timedelta(0))  # as if a day had passed
    with qtbot.waitSignal(window.daily_backup.written) as written:
        window.daily_backup.check()
    made = written.args[0]
    assert labels(project_path) == ["daily", "open"]
    assert made.name in window.statusBar().currentMessage()
    with closing(sqlite3.connect(f"file:{made}?mode=ro", uri=True)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM code").fetchone() == (1,)
