"""The window's unexpected failures: one line on screen, the traceback in the log (issue 11)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.core import log_file
from annotator.ui.about import about_text
from annotator.ui.operations import commit_and_announce


class Channel(QObject):
    saved = Signal()
    changed = Signal(object)
    failed = Signal(str)


def test_an_untranslated_database_error_is_one_line_and_a_logged_traceback(qtbot):
    channel = Channel()
    said: list[str] = []
    channel.failed.connect(said.append)

    def write():
        raise RuntimeError("the driver said something odd\nand more")

    assert commit_and_announce(channel, write) is None
    assert (
        len(said) == 1
        and said[0].startswith("RuntimeError: the driver said something odd")
        and "\n" not in said[0]
    )
    logged = (Path(os.environ["ANNOTATOR_LOG_DIR"]) / log_file.FILE_NAME).read_text("utf-8")
    assert "Traceback (most recent call last)" in logged and "in write" in logged


def test_help_about_names_the_log_file(qtbot):
    text = about_text()
    assert str(log_file.current_log_file()) in text and "annotator" in text
