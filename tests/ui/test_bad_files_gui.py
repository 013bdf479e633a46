"""Opening a bad file from the start screen (issue 7): one clear message naming the file
and the reason, the file byte for byte as it was, and the app still there to open another."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from contextlib import closing

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.ui.app import StartFlow

pytestmark = pytest.mark.sqlite_only  # damaged project files, read and hashed byte for byte


def damage(kind: str, project_path):
    if kind == "not a project":
        project_path.write_bytes(b"minutes of the meeting\n")
    elif kind == "truncated":
        project_path.write_bytes(project_path.read_bytes()[:4096])
    elif kind == "newer version":
        with closing(sqlite3.connect(project_path)) as conn, conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999_future'")


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("not a project", "not an annotator project"),
        ("truncated", "damaged|not an annotator project"),
        ("newer version", "newer version of annotator"),
    ],
)
def test_a_bad_file_is_refused_in_words_and_the_app_goes_on(
    qtbot, tmp_path, project_path, clean_settings, monkeypatch, kind, reason
):
    good = tmp_path / "good.annotator"
    shutil.copy(project_path, good)
    damage(kind, project_path)
    before = hashlib.sha256(project_path.read_bytes()).hexdigest()
    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: said.append(text))
    clean_settings.set_coder_for(good, "alice")
    flow = StartFlow(clean_settings)
    qtbot.addWidget(flow.screen)
    flow.screen.show()

    flow.open_path(str(project_path))
    assert len(said) == 1 and "\n" not in said[0] and "Traceback" not in said[0]
    assert project_path.name in said[0] and re.search(reason, said[0]), said[0]
    assert hashlib.sha256(project_path.read_bytes()).hexdigest() == before  # untouched
    assert flow.windows == [] and flow.screen.isVisible()

    flow.open_path(str(good))  # and the app opens the next one as usual
    assert len(flow.windows) == 1
    qtbot.waitUntil(lambda: flow.windows[0].is_loaded)
    assert flow.windows[0].controller.articles.rowCount() == 3
    flow.close()
