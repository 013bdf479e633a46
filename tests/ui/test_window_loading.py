"""The coding window shows first and reads what can come after: the article list and the
long article the coder starts on arrive from the event loop after the first paint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject

from annotator.core.codebook import bundled_codebook
from annotator.core.coding.article_views import article_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from tests.ui.conftest import SAMPLE_TEXTS

ROOT = Path(__file__).resolve().parents[2]
LONG = 600  # sentences: long enough to matter, short enough to segment quickly


class PaintLog(QObject):
    """What the window held each time it was painted: (loaded, articles listed, units)."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.seen: list[tuple[bool, int, int]] = []

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            c = self.window.controller
            self.seen.append((self.window.is_loaded, c.articles.rowCount(), c.units.rowCount()))
        return False


def long_project(location, folder: Path) -> tuple[object, int]:
    """A project whose first article has LONG sentences, then the three samples; and the
    number of units of that first article."""
    from annotator.core.coding.lookups import list_articles

    path = location("long-first.annotator")
    source = folder / "long.txt"
    text = "A long report\n\n" + " ".join(f"Sentence {n} was said." for n in range(LONG))
    source.write_text(text + "\n", encoding="utf-8")
    with Project.create(path, bundled_codebook()) as project:
        assert not import_paths(project, [source, *SAMPLE_TEXTS]).failures
        first = list_articles(project)[0]
        assert first.title == "A long report"
        units = len(article_units(project, first.id))
    return path, units


def test_the_window_is_painted_before_the_list_and_the_long_article_are_read(
    qtbot, project_location, clean_settings, tmp_path
):
    from annotator.ui.main_window import MainWindow

    path, units = long_project(project_location, tmp_path)
    assert units > LONG  # the title and every sentence
    window = MainWindow(Project.open(path), "alice", clean_settings)
    qtbot.addWidget(window)
    log = PaintLog(window)
    window.installEventFilter(log)
    window.resize(1200, 800)
    with qtbot.waitSignal(window.loaded, timeout=30_000):
        window.show()
    assert log.seen[0] == (False, 0, 0)  # first paint: nothing read yet
    assert window.controller.articles.rowCount() == 4
    assert window.controller.units.rowCount() == units
    assert window.controller.current_row() is not None  # on the first unit to code
    assert window.reader_stack.currentWidget() is window.reader
    qtbot.waitUntil(lambda: log.seen[-1] == (True, 4, units))  # and painted with them
    window.close()
    window.project.close()


def test_a_window_never_shown_loads_when_asked(qtbot, project_path, clean_settings):
    from annotator.ui.main_window import MainWindow

    window = MainWindow(Project.open(project_path), "alice", clean_settings)
    qtbot.addWidget(window)
    assert not window.is_loaded and window.controller.articles.rowCount() == 0
    with qtbot.waitSignal(window.loaded):
        window.load()
    assert window.controller.articles.rowCount() == 3 and window.controller.article_id
    window.load()  # once only: the open article stays
    assert window.controller.articles.rowCount() == 3
    window.close()
    window.project.close()


def test_the_start_screen_loads_no_database_library():
    probe = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QStandardPaths; QStandardPaths.setTestModeEnabled(True)\n"
        "from annotator.ui import app\n"
        "from annotator.ui.settings import AppSettings\n"
        "qapp = app.application()\n"
        "flow = app.StartFlow(AppSettings()); flow.screen.show(); qapp.processEvents()\n"
        "print(sorted({'sqlalchemy', 'sqlmodel', 'alembic', 'psycopg'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
