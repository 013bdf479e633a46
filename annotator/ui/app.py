"""Entry points the command line calls: the start screen, a project, the demo.

Each returns a process exit code. The platform check runs before Qt loads its
platform plugin, so a missing system library is reported as one line with the
command that fixes it, not as Qt's abort. The database layer (SQLAlchemy, SQLModel)
is imported where a project is opened or created, so the start screen shows without it;
`annotator gui PROJECT` with a known coder shows the coding window's frame even before
that (`open_workspace(..., paint_first=True)`) and opens the project after its first paint.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.store.location import project_location, server_user
from annotator.core.supervision import ENVIRONMENT as SUPERVISOR_PASSPHRASE
from annotator.ui.about import start_gui_log_file
from annotator.ui.platform_check import check_platform
from annotator.ui.settings import AppSettings, location_key

EXIT_USER_ERROR = 2
DEMO_CODER = "demo"


def application() -> QApplication:
    """The QApplication, created once with the names QSettings files are keyed by."""
    QCoreApplication.setOrganizationName("annotator")
    QCoreApplication.setApplicationName("annotator")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(True)
    start_gui_log_file()
    return app


def _platform_problem() -> int | None:
    problem = check_platform()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USER_ERROR
    return None


def open_workspace(
    path: Path | str,
    coder: str | None,
    settings: AppSettings,
    parent: QWidget | None = None,
    *,
    paint_first: bool = False,
):
    """Open a project in a coding window; None (after saying why) when it cannot be opened.

    With `paint_first` and the coder known, the window is returned before the project is
    opened: it paints its frame, then opens the project (`MainWindow.opening`), so that the
    command line's window shows before the database layer is even imported. Asking for the
    coder needs the project's coder names, so then the project is opened first.
    """
    if os.environ.get(SUPERVISOR_PASSPHRASE) or server_user(path):
        # A project that cannot be opened here is said by the coding window's own opening
        # below (one line, an unforeseen error's traceback logged), not twice.
        review = supervisor_review(path, settings, parent, quiet=True)
        if review is not None:  # the supervisor: no coding window, no coder name to ask
            return review
    # On a server the coder is the database role: row-level security allows no other.
    coder = coder or server_user(path) or settings.coder_for(path)
    if paint_first and coder:
        return _window_opening(path, coder, settings)
    from annotator.core.coding.coder_names import known_coders
    from annotator.core.store.project import Project
    from annotator.core.supervision.passphrase import has_supervisor_passphrase
    from annotator.ui.coder_prompt import SUPERVISOR_DOOR, ask_coder
    from annotator.ui.main_window import MainWindow

    try:
        project = Project.open(path)
    except AnnotatorError as error:
        QMessageBox.critical(parent, "Cannot open project", str(error))
        return None
    if not coder:
        door = has_supervisor_passphrase(project)
        answer = ask_coder(parent, path, known_coders(project), supervisor_door=door)
        if answer == SUPERVISOR_DOOR and _passed_gate(project, parent):
            return _review_window(project, path, settings)
        coder = answer if isinstance(answer, str) else None
    if not coder:
        project.close()
        return None
    settings.set_coder_for(path, coder)
    settings.add_recent_project(path)
    window = MainWindow(project, coder, settings)
    window.destroyed.connect(project.close)
    follow_window_menus(window, settings)
    return window


def supervisor_review(
    path: Path | str,
    settings: AppSettings,
    parent: QWidget | None = None,
    *,
    ask: bool = False,
    quiet: bool = False,
):
    """The review window when the supervisor opens `path` (`core.supervision.landing`: the
    passphrase given, or a supervisor's database role), else None. With `ask` (`gui
    --supervisor`) the passphrase gate asks for it, as View > Supervisor review does. With
    `quiet`, a project that cannot be opened is None unsaid: the caller goes on to open it
    in a coding window, which says why in its one line."""
    from annotator.core.store.project import Project
    from annotator.core.supervision.landing import recognised_supervisor

    try:
        project = Project.open(path)
    except AnnotatorError as error:
        if not quiet:
            QMessageBox.critical(parent, "Cannot open project", str(error))
        return None
    except Exception:
        if not quiet:
            raise
        return None
    given = os.environ.get(SUPERVISOR_PASSPHRASE)
    if not recognised_supervisor(project, given, server_user(path)) and not (
        ask and _passed_gate(project, parent)
    ):
        project.close()
        return None
    return _review_window(project, path, settings)


def _passed_gate(project, parent: QWidget | None) -> bool:
    from PySide6.QtWidgets import QDialog

    from annotator.ui.review.gate import SupervisorGate

    return SupervisorGate(project, parent).exec() == QDialog.DialogCode.Accepted


def _review_window(project, path: Path | str, settings: AppSettings):
    """The review window alone, its File > Export codes opening the export dialog."""
    from annotator.ui.export_dialog import ExportDialog
    from annotator.ui.review.review_window import ReviewWindow

    window = ReviewWindow(project, server_user(path), settings)
    window.destroyed.connect(project.close)
    window.export_requested.connect(lambda: ExportDialog(project, window).open())
    settings.add_recent_project(path)
    return window


def _window_opening(path: Path | str, coder: str, settings: AppSettings):
    """A coding window that opens `path` after its first paint, remembered once opened."""
    from annotator.ui.main_window import MainWindow

    window = MainWindow.opening(path, coder, settings)

    def opened(project) -> None:
        settings.set_coder_for(path, coder)
        settings.add_recent_project(path)
        window.destroyed.connect(project.close)

    window.opened.connect(opened)
    follow_window_menus(window, settings)
    return window


def run_project(
    path: str | Path,
    coder: str | None = None,
    *,
    training: bool = False,
    supervisor: bool = False,
    recheck: bool = False,
) -> int:
    """`annotator gui PROJECT [--coder NAME] [--training | --recheck | --supervisor]`."""
    if (code := _platform_problem()) is not None:
        return code
    path = project_location(str(path))
    if isinstance(path, Path) and not path.exists():
        print(f"annotator: {path}: no such project", file=sys.stderr)
        return EXIT_USER_ERROR
    app = application()
    settings = AppSettings()
    if training or recheck:
        window = training_window(path, coder, settings, recheck=recheck)
    elif supervisor:
        window = supervisor_review(path, settings, ask=True)
    else:
        window = open_workspace(path, coder, settings, paint_first=True)
    if window is None:
        return EXIT_USER_ERROR
    failed: list[str] = []
    if hasattr(window, "open_failed"):  # the coding window opens its project after painting
        window.open_failed.connect(failed.append)  # said in a message box; the window closed
    window.show()
    result = app.exec()
    close_windows_from_menus()
    return EXIT_USER_ERROR if failed else result


def training_window(
    path: Path | str, coder: str | None, settings: AppSettings, *, recheck: bool = False
):
    """Training mode on the gold articles for `coder` (with `recheck`: their pending drift
    re-check) (the coder asked for, as the coding window does, when not given or
    remembered); None after saying why it cannot open."""
    from annotator.core.coding.coder_names import known_coders
    from annotator.core.store.project import Project
    from annotator.ui.coder_prompt import ask_coder
    from annotator.ui.study.recheck_window import RecheckWindow
    from annotator.ui.study.training_window import TrainingWindow

    try:
        project = Project.open(path)
        coder = coder or server_user(path) or settings.coder_for(path)
        answer = coder or ask_coder(None, path, known_coders(project))
        coder = answer if isinstance(answer, str) else None
        if not coder:
            project.close()
            return None
        window = (RecheckWindow if recheck else TrainingWindow)(project, coder)
    except AnnotatorError as error:
        what = "the re-check" if recheck else "training"
        QMessageBox.critical(None, f"Cannot open {what}", str(error))
        return None
    window.destroyed.connect(project.close)
    settings.set_coder_for(path, coder)
    return window


def run_demo() -> int:
    """`annotator demo`: the sample articles in a throw-away project."""
    if (code := _platform_problem()) is not None:
        return code
    app = application()
    with tempfile.TemporaryDirectory(prefix="annotator-demo-") as folder:
        window = build_demo_window(Path(folder), AppSettings())
        window.show()
        result = app.exec()
        close_windows_from_menus()
        window.project.close()
    return result


def build_demo_window(folder: Path, settings: AppSettings):
    from annotator.core.demo import build_demo_project
    from annotator.core.store.project import Project
    from annotator.ui.main_window import MainWindow

    path = folder / "demo.annotator"
    build_demo_project(path).close()
    coder = settings.last_coder() or DEMO_CODER
    window = MainWindow(Project.open(path), coder, settings)
    follow_window_menus(window, settings)
    return window


_from_menus: list[QWidget] = []  # windows opened from a window's File menu, kept alive


def create_project(path: str, codebook_spec: str, name: str, parent: QWidget | None) -> bool:
    """Create a project file; False (after saying why) if it cannot be created."""
    from annotator.core.codebook import resolve_codebook
    from annotator.core.store.project import Project

    try:
        Project.create(path, resolve_codebook(codebook_spec or None), name or None).close()
    except AnnotatorError as error:
        QMessageBox.critical(parent, "Cannot create project", str(error))
        return False
    return True


def open_from_menu(location: str, settings: AppSettings, parent: QWidget | None):
    """File > Open, Open recent or New project in a coding window: another window, or the
    window that already has that project, brought to the front.

    A second window on one project would be a second coder's view of the same codes with
    its own undo stack and caches, each blind to the other's changes; and on a file, a
    second handle that closes on its own is how a process once lost SQLite's locks and the
    log under the first window (issue 21). Any document application does the same.
    """
    existing = window_on(location)
    if existing is not None:
        bring_forward(existing)
        return existing
    window = open_workspace(project_location(location), None, settings, parent)
    if window is not None:
        _from_menus.append(window)
        window.show()
    return window


def window_on(location: str | Path) -> QWidget | None:
    """The coding window of this process that has `location` open (the same file under
    any name, or the same server database), if there is one."""
    from annotator.ui.main_window import MainWindow

    key = location_key(location)
    for widget in QApplication.topLevelWidgets():
        if (
            isinstance(widget, MainWindow)
            and widget.isVisible()
            and location_key(widget.location) == key
        ):
            return widget
    return None


def bring_forward(window: QWidget) -> None:
    """Show a window above the others with the keyboard focus (un-minimised)."""
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def follow_window_menus(window, settings: AppSettings) -> None:
    """Open what a coding window's File menu asks for (New project, Open, Open recent)."""
    window.open_requested.connect(lambda location: open_from_menu(location, settings, window))
    window.create_requested.connect(
        lambda path, spec, name: (
            create_project(path, spec, name, window) and open_from_menu(path, settings, window)
        )
    )


def close_windows_from_menus() -> None:
    while _from_menus:
        window = _from_menus.pop()
        window.close()
        if window.project is not None:
            window.project.close()


class StartFlow:
    """Keeps the start screen and the windows it opens alive, and reacts to its choices."""

    def __init__(self, settings: AppSettings) -> None:
        from annotator.ui.start_screen import StartScreen

        self.settings = settings
        self.screen = StartScreen(settings)
        self.windows: list[QWidget] = []
        self._demo_folder: tempfile.TemporaryDirectory | None = None
        self.screen.open_requested.connect(self.open_path)
        self.screen.create_requested.connect(self.create)
        self.screen.demo_requested.connect(self.open_demo)

    def _show(self, window) -> None:
        if window is None:
            return
        self.windows.append(window)
        window.show()
        self.screen.close()

    def open_path(self, path: str) -> None:
        self._show(open_workspace(project_location(path), None, self.settings, self.screen))

    def create(self, path: str, codebook_spec: str, name: str) -> None:
        if create_project(path, codebook_spec, name, self.screen):
            self.open_path(path)

    def open_demo(self) -> None:
        self._demo_folder = tempfile.TemporaryDirectory(prefix="annotator-demo-")
        self._show(build_demo_window(Path(self._demo_folder.name), self.settings))

    def close(self) -> None:
        for window in self.windows:
            window.close()
            if window.project is not None:
                window.project.close()
        if self._demo_folder is not None:
            self._demo_folder.cleanup()


def run_start_screen() -> int:
    """`annotator` with no command."""
    if (code := _platform_problem()) is not None:
        return code
    app = application()
    flow = StartFlow(AppSettings())
    flow.screen.show()
    result = app.exec()
    flow.close()
    close_windows_from_menus()
    return result
