"""The coding window on a large project, for bench_scale.py (issue 29's first row).

Each figure against a bare baseline measured in the same run:
- open, from process start (issue 29's row): `annotator gui`'s own path in a fresh
  interpreter until the list and the starting article are in, against a fresh
  interpreter showing a bare QListView of every article's title (bench_window_visible.py's
  two child scripts, run alternately);
- open, in this process: from `Project.open` until the window shows the article list and the coder's
  starting article, painted (`MainWindow.load`, which the app runs after the first paint,
  counted in), against a bare sqlite3 SELECT of every article's title into a
  QStringListModel shown in a QListView ("a QListView of the same rows");
- until the status bar's sums are counted (after the window is usable, while it idles);
- a coding key in the window, median and p99: from the key press to the committed code,
  the repainted unit and the list's and status bar's progress, against bare sqlite3
  INSERT + COMMIT of the same code.
The window runs offscreen with the coder who coded everything, so each article's
progress in the list is real. Not a module of its own benchmark: bench_scale.py runs it.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time
from contextlib import closing
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import bench_window_visible
from PySide6.QtCore import QCoreApplication, QStandardPaths, QStringListModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QListView, QWidget
from sqlmodel import func, select

from annotator.core.store.models import History
from annotator.core.store.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import AppSettings

CODER = "ann"  # bench_scale's coders coded every unit


def application() -> QApplication:
    QStandardPaths.setTestModeEnabled(True)  # never the user's settings
    QCoreApplication.setOrganizationName("annotator-bench")
    QCoreApplication.setApplicationName("annotator-bench")
    app = QApplication.instance() or QApplication([])
    AppSettings().clear()
    assert isinstance(app, QApplication)
    return app


def painted(app: QApplication, view: QWidget) -> None:
    app.processEvents()
    view.repaint()


def process_times(path: Path, runs: int) -> tuple[list[float], list[float]]:
    """From process start: seconds until our window is loaded, and the bare list shown."""
    titles = path.with_name(path.stem + "-titles.txt")
    with closing(sqlite3.connect(path)) as connection:
        query = "SELECT title FROM article ORDER BY position, id"
        text = "\n".join(row[0].replace("\n", " ") for row in connection.execute(query))
    titles.write_text(text + "\n", encoding="utf-8")
    ours, bare = [], []
    for _ in range(runs):
        ours.append(bench_window_visible.run_child(bench_window_visible.OURS, path)["loaded"][0])
        close_cleanly(path)
        bare.append(bench_window_visible.run_child(bench_window_visible.BARE, titles)["visible"][0])
    titles.unlink()
    return ours, bare


def close_cleanly(path: Path) -> None:
    """Checkpoint and remove the -wal the child left: it ends with `os._exit`, as a
    crash would, and the next open would take that for one and check the whole file
    (`backup.check_on_open`), which a window closed by its user never causes."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert not path.with_name(path.name + "-wal").exists()


def open_times(path: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    """Seconds until the window's list and article are painted, the bare list's, and
    until the window has counted the status bar's sums (in idle turns, after it is usable;
    a window that counts nothing later reports the same time as painted)."""
    app = application()
    ours, bare, counted = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        project = Project.open(path, backups=False)
        window = MainWindow(project, CODER, AppSettings())
        window.resize(1366, 768)
        window.show()
        painted(app, window)
        window.load()
        painted(app, window)
        ours.append(time.perf_counter() - start)
        assert window.controller.article_id is not None
        articles = window.controller.articles
        while getattr(articles, "overall", lambda: True)() is None:
            app.processEvents()
        counted.append(time.perf_counter() - start)
        window.close()
        project.close()

        start = time.perf_counter()
        with closing(sqlite3.connect(path)) as connection:
            query = "SELECT title FROM article ORDER BY position, id"
            titles = [row[0] for row in connection.execute(query)]
        view = QListView()
        view.setModel(QStringListModel(titles))
        view.resize(1366, 768)
        view.show()
        painted(app, view)
        bare.append(time.perf_counter() - start)
        view.close()
    return ours, bare, counted


def key_times(path: Path, keys: int) -> tuple[list[float], list[float]]:
    """A coding key in the window (committed and repainted); a bare INSERT + COMMIT."""
    app = application()
    project = Project.open(path, backups=False)
    window = MainWindow(project, CODER, AppSettings())
    window.resize(1366, 768)
    window.show()
    window.load()
    while getattr(window.controller.articles, "overall", lambda: True)() is None:
        app.processEvents()  # the sums counted: keys from then on (the steady state)
    window.reader.show_row(1)
    window.reader.setFocus()
    painted(app, window)
    written = history_rows(project)
    window.controller.leave_article()
    pressed = _alternating_keys(window, project)
    ours = []
    for number in range(keys):
        # the coder coded every unit but not the article's own fields: the window starts
        # on those and goes back to them after a unit's key; the key is to code the unit
        window.controller.leave_article()
        app.processEvents()
        start = time.perf_counter()
        QTest.keyClick(window, pressed[number % 2])  # each a real change
        app.processEvents()
        ours.append(time.perf_counter() - start)
    assert window.status.save_text == "Saved", window.status.save_text
    # each key really coded the unit (a refused key, which writes nothing, is not timed)
    assert history_rows(project) - written >= keys, window.statusBar().currentMessage()
    window.close()
    project.close()
    bare = []
    baseline = path.with_name(path.stem + "-baseline.sqlite")
    baseline.unlink(missing_ok=True)
    with closing(sqlite3.connect(baseline, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("CREATE TABLE bench_code (unit INTEGER, code TEXT)")
        for number in range(keys):
            start = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO bench_code VALUES (?, 'x')", (number,))
            connection.execute("COMMIT")
            bare.append(time.perf_counter() - start)
    baseline.unlink()
    return ours, bare


def _alternating_keys(window: MainWindow, project: Project) -> tuple[str, str]:
    """The attribution's first two keys, the one that changes the unit's code first (an
    earlier run, or bench_scale's own key rows, may have left it at either)."""
    categories = project.codebook.field("attribution").categories[:2]
    unit_id = window.controller.current_unit_id()
    assert unit_id is not None
    now = window.controller.units.codes(unit_id).get("attribution")
    first, second = categories if now != categories[0].code else categories[::-1]
    assert first.shortcut and second.shortcut
    return first.shortcut, second.shortcut


def history_rows(project: Project) -> int:
    with project.reading() as session:
        return session.exec(select(func.count()).select_from(History)).one()


def median(values: list[float]) -> float:
    return statistics.median(values)
