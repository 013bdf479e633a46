"""Qt tests run offscreen, with settings in a folder of the test run's own, on real projects.

Projects come from `project_location` (tests/conftest.py): files, or on a server run
PostgreSQL databases, so the windows are driven against both back ends. Tests about
files themselves are marked `sqlite_only`.

QT_QPA_PLATFORM must be set before Qt loads, which is why it is set at import time here.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths

from annotator.core.codebook import bundled_codebook
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.location import Location
from annotator.core.store.project import Project

QStandardPaths.setTestModeEnabled(True)
QCoreApplication.setOrganizationName("annotator-tests")
QCoreApplication.setApplicationName("annotator-tests")
# Settings in a folder of this test run's own: Qt's test location (~/.qttest) is shared by
# every test run on the machine, and two runs at once would change each other's settings.
_SETTINGS_DIR = tempfile.mkdtemp(prefix="annotator-test-settings-")
atexit.register(shutil.rmtree, _SETTINGS_DIR, ignore_errors=True)
for _format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
    QSettings.setPath(_format, QSettings.Scope.UserScope, _SETTINGS_DIR)

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE_TEXTS = sorted(DATA.glob("*.txt"))


@pytest.fixture(autouse=True)
def clean_settings(qapp):
    """Every test starts from empty settings (in Qt's test location, never the user's)."""
    from annotator.ui.settings import AppSettings

    settings = AppSettings()
    settings.clear()
    yield settings
    settings.clear()


@pytest.fixture
def project_path(project_location) -> Location:
    """The three sample articles in a fresh project, closed again so windows open their own.

    A file, or on a server run (see tests/conftest.py) a fresh server database's URL.
    """
    path = project_location("samples.annotator")
    with Project.create(path, bundled_codebook()) as project:
        report = import_paths(project, SAMPLE_TEXTS)
    assert not report.failures
    return path


@pytest.fixture
def open_window(qtbot, project_path: Location, clean_settings):
    """A function opening the real main window on the sample project as a coder."""
    from annotator.ui.main_window import MainWindow

    opened = []

    def open_as(coder: str = "alice", path: Location = project_path, *, restored: bool = False):
        window = MainWindow(Project.open(path), coder, clean_settings)
        qtbot.addWidget(window)
        if not restored:
            window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.is_loaded)  # the list and article come after showing
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # window shortcuts (Ctrl+Z) need an active window
        opened.append(window)
        return window

    yield open_as
    for window in opened:
        window.close()
        window.project.close()


def stored_codes(path: Location, coder: str) -> dict[int, dict[str, str]]:
    """What the project file holds for a coder, read through a fresh Project."""
    from annotator.core.coding import service as coding

    with Project.open(path) as project:
        return coding.coder_codes(project, coder)


def stored_notes(path: Location, coder: str) -> dict[int, str]:
    from annotator.core.coding import service as coding

    with Project.open(path) as project:
        return coding.coder_notes(project, coder)
