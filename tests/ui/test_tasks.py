"""The background task runner: a job's outcome reaches its window, except a closing one."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from annotator.core.codebook import bundled_codebook
from annotator.core.store.project import Project
from annotator.ui.tasks import TaskRunner


def test_a_job_waited_for_by_a_closing_window_reports_to_nobody(qtbot, qapp, tmp_path):
    """`wait()` is what a closing window calls; the job's outcome, queued behind it, must
    not reach callbacks that would read the window's project after it has been closed."""
    path = tmp_path / "tasks.annotator"
    Project.create(path, bundled_codebook()).close()
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(path, parent)
    started, release = threading.Event(), threading.Event()

    def job(_project, _progress):
        started.set()
        release.wait(60)
        return "done"

    outcomes: list[object] = []
    assert runner.start(job, "Working…", outcomes.append, dialog=False)
    assert started.wait(60)
    release.set()
    runner.wait()
    qapp.processEvents()
    assert outcomes == [] and not runner.busy


def test_a_job_left_to_finish_reports_its_result(qtbot, tmp_path):
    path = tmp_path / "tasks.annotator"
    Project.create(path, bundled_codebook()).close()
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(path, parent)
    outcomes: list[object] = []
    assert runner.start(lambda _p, _progress: "done", "Working…", outcomes.append, dialog=False)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=60_000)
    assert [o.result for o in outcomes] == ["done"]
