"""Help > About: the version, the libraries it runs on, and where the log file is.

The log file is named here so that a user who reports a failure can attach it.
"""

from __future__ import annotations

import html
from pathlib import Path

import PySide6
from PySide6.QtCore import QStandardPaths, QUrl, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator import __version__
from annotator.core.log_file import current_log_file, start_log_file


def start_gui_log_file() -> Path:
    """The GUI logs into Qt's state folder for the app
    (on Linux ~/.local/state/annotator/annotator/log)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.StateLocation)
    return start_log_file(Path(folder) / "log" if folder else None)


def about_text() -> str:
    """Rich text for the About box: version, Qt and PySide6, the log file as a link."""
    log = current_log_file() or start_gui_log_file()
    link = QUrl.fromLocalFile(str(log.parent)).toString()
    return (
        f"<h3>annotator {html.escape(__version__)}</h3>"
        "<p>Source-reliability coding of news, sentence by sentence.</p>"
        f"<p>Qt {html.escape(qVersion())}, PySide6 {html.escape(PySide6.__version__)}</p>"
        "<p>Unexpected errors are written with their details to<br>"
        f'<a href="{html.escape(link)}">{html.escape(str(log))}</a><br>'
        "(attach it when you report a problem).</p>"
    )


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About annotator", about_text())
