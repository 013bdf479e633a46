"""The coding window's process is killed with SIGKILL mid-burst: nothing the window
reported as saved is lost (issue 7).

A child process opens the real main window offscreen and drives it with key presses
(code keys, j/k, Enter) as fast as Qt will take them. It prints "saved ..." for each
change the window announces (its `changed` signal follows the commit, exactly when
the status bar turns to "Saved"). The parent kills it at a random point and reads the
file: every reported change must be in the history, in order; at most one more (the
key press in flight) may have landed; the codes must be what those changes made; and
SQLite's integrity check must pass.
"""

from __future__ import annotations

import random
import sys
import textwrap

import pytest

from tests.core.test_concurrency import history_by_unit, project_codes, start_worker
from tests.core.test_crash import integrity, kill_after

WINDOW_BURST = textwrap.dedent(
    """
    import os, random, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, QStandardPaths, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    QStandardPaths.setTestModeEnabled(True)  # never the user's settings
    app = QApplication([])
    from annotator.core.store.project import Project
    from annotator.ui.main_window import MainWindow

    path, seed = sys.argv[1], int(sys.argv[2])
    presses = int(sys.argv[3]) if len(sys.argv) > 3 else None  # None: until killed
    window = MainWindow(Project.open(path), "gui")
    window.show()
    if not window.is_loaded:  # the list and article are read after the first paint
        waiting = QEventLoop()
        window.loaded.connect(waiting.quit)
        waiting.exec()
    barrier = bool(os.environ.get("START_BARRIER"))  # "ready", "half": each waits for a line
    if barrier:
        print("ready", flush=True)
        sys.stdin.readline()

    def report(changes):
        for c in changes:
            print("saved", c.unit_id, c.target, c.old or "-", c.new or "-", flush=True)

    def trouble(what):  # anything the coder would have seen go wrong
        print("TROUBLE", what, file=sys.stderr, flush=True)

    window.operations.changed.connect(report)
    window.operations.failed.connect(trouble)
    pending = window.operations.pending
    pending.changed.connect(lambda: pending and trouble("waiting: " + pending.reason))
    chance = random.Random(seed)
    keys = [*window.project.codebook.shortcuts, "j", "k", Qt.Key.Key_Return, Qt.Key.Key_PageDown]
    count = 0

    def press():
        global count
        count += 1
        if presses is not None and count > presses:
            window.close()
            app.quit()
            return
        if barrier and presses is not None and count == presses // 2:
            print("half", flush=True)
            sys.stdin.readline()
        QTest.keyClick(window, chance.choice(keys))

    timer = QTimer(interval=0)
    timer.timeout.connect(press)
    timer.start()
    app.exec()
    """
)


def saved_changes(lines: list[str]) -> list[tuple[int, str, str | None, str | None]]:
    changes = []
    for line in lines:
        if line.startswith("saved "):
            _, unit, target, old, new = line.split()
            changes.append((int(unit), target, None if old == "-" else old, new))
    return changes


def gui_history(path) -> list[tuple[int, str, str | None, str | None]]:
    return [row[:1] + row[2:] for row in history_by_unit(path) if row[1] == "gui"]


def replayed(history) -> dict[tuple[int, str], str]:
    """The codes a sequence of changes leaves behind."""
    codes: dict[tuple[int, str], str] = {}
    for unit, field, _old, new in history:
        if new is None:
            codes.pop((unit, field), None)
        else:
            codes[(unit, field)] = new
    return codes


@pytest.mark.slow
@pytest.mark.sqlite_only  # SIGKILL mid-write, then the file is read with sqlite3
def test_killed_window_loses_no_reported_save(tmp_path, project_path):
    script = tmp_path / "window_burst.py"
    script.write_text(WINDOW_BURST)
    chance = random.Random()
    for run in range(3):  # each run goes on from what the file holds after the last kill
        before = len(gui_history(project_path))
        saves = chance.randint(10, 150)
        worker = start_worker([sys.executable, str(script), str(project_path), str(run)])
        reported = saved_changes(kill_after(worker, saves))

        history = gui_history(project_path)
        this_run = history[before:]
        assert integrity(project_path) == "ok"
        assert len(reported) >= saves
        assert this_run[: len(reported)] == reported, f"run {run}: a reported save is missing"
        assert len(this_run) - len(reported) <= 1, f"run {run}: more than the one in flight"
        found = {
            (unit, field): code
            for (unit, coder, field), code in project_codes(project_path).items()
            if coder == "gui"
        }
        assert found == replayed(history)
