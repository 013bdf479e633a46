"""Importing from the window, the start screen, and the window layout remembered across runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from annotator.core.coding.lookups import list_articles
from annotator.core.store.project import Project

HTML_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "harbor-deal.html"


def test_import_runs_in_a_worker_and_adds_the_article(qtbot, open_window, project_path, tmp_path):
    window = open_window()
    new_file = tmp_path / "council-vote.txt"
    new_file.write_text(
        "Council approves new tram line\n\nThe city council approved the tram line on Monday, "
        "the mayor's office said. Work is expected to start in spring.\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip file")
    with qtbot.waitSignal(window.importer.imported, timeout=20_000) as signal:
        assert window.import_paths([str(new_file), str(broken)])
    report = signal.args[0]
    assert report.imported == ["council-approves-new-tram-line"] or len(report.imported) == 1
    assert len(report.failures) == 1 and "broken.docx" in report.failures[0]
    assert window.importer.report_box is not None and window.importer.report_box.isVisible()
    with Project.open(project_path) as project:
        assert len(list_articles(project)) == 4
    assert window.controller.articles.rowCount() == 4


def test_dropping_files_on_the_window_imports_them(qtbot, open_window, project_path):
    window = open_window()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(HTML_SAMPLE))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.importer.imported, timeout=20_000) as signal:
        window.dropEvent(event)
    report = signal.args[0]
    assert len(report.imported) + len(report.duplicates) == 1


def test_cancelling_stops_the_import(qtbot, open_window, tmp_path):
    window = open_window()
    files = []
    for number in range(30):
        path = tmp_path / f"note-{number}.txt"
        path.write_text(f"Item {number}\n\nSentence number {number} is here.\n", encoding="utf-8")
        files.append(str(path))
    with qtbot.waitSignal(window.importer.imported, timeout=20_000) as signal:
        window.import_paths(files)
        window.importer.worker.cancel()
    assert signal.args[0].cancelled
    assert len(signal.args[0].imported) < 30


def test_window_layout_is_restored(qtbot, open_window):
    window = open_window()
    window.resize(760, 560)  # inside the offscreen screen (800x600)
    window.codebook_dock.show()
    window.splitter.setSizes([150, 350, 200])
    sizes = window.splitter.sizes()
    window.close()
    again = open_window(restored=True)
    assert (again.width(), again.height()) == (760, 560)
    assert again.codebook_dock.isVisible()
    assert again.splitter.sizes() == sizes


def test_window_reopens_on_the_last_article_of_this_coder(qtbot, open_window):
    window = open_window("alice")
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    second = window.controller.article_id
    window.close()
    assert open_window("alice").controller.article_id == second
    assert open_window("carol").controller.article_id != second


def test_last_article_comes_from_history_without_settings(qtbot, open_window, clean_settings):
    window = open_window("alice")
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.keyClick(window, "1")
    third = window.controller.article_id
    window.close()
    clean_settings.clear()
    assert open_window("alice").controller.article_id == third


@pytest.mark.sqlite_only  # on a server the coder is the database role, never "alice"
def test_start_screen_opens_a_recent_project(qtbot, project_path, clean_settings):
    from annotator.ui.app import StartFlow

    clean_settings.add_recent_project(project_path)
    clean_settings.set_coder_for(project_path, "alice")
    flow = StartFlow(clean_settings)
    qtbot.addWidget(flow.screen)
    flow.screen.show()
    assert flow.screen.recent.rowCount() == 1
    index = flow.screen.recent.index(0)
    flow.screen.recent_view.activated.emit(index)
    assert len(flow.windows) == 1
    window = flow.windows[0]
    qtbot.waitUntil(lambda: window.is_loaded)  # shown first, the list read after
    assert window.coder == "alice" and window.controller.articles.rowCount() == 3
    flow.close()


def test_start_screen_creates_a_project_and_opens_the_demo(qtbot, tmp_path, clean_settings):
    from annotator.ui.app import StartFlow

    flow = StartFlow(clean_settings)
    qtbot.addWidget(flow.screen)
    path = tmp_path / "fresh.annotator"
    clean_settings.set_coder_for(path, "alice")
    flow.create(str(path), "admiralty", "Fresh")
    assert path.exists()
    with Project.open(path) as created:
        assert flow.windows[0].project.codebook.name == created.codebook.name
    flow.open_demo()
    demo = flow.windows[1]
    assert demo.coder == "alice"  # the coder remembered last codes the demo too
    qtbot.waitUntil(lambda: demo.is_loaded)
    assert demo.controller.articles.rowCount() == 3
    flow.close()


@pytest.mark.sqlite_only  # on a server the coder is the database role: nothing is asked
def test_the_coder_is_asked_once_and_remembered(qtbot, project_path, clean_settings, monkeypatch):
    from annotator.ui import app

    asked = []
    monkeypatch.setattr(  # imported by open_workspace when it asks
        "annotator.ui.coder_prompt.ask_coder",
        lambda _parent, _path, _known, **_options: asked.append(1) or "zoe",
    )
    window = app.open_workspace(project_path, None, clean_settings)
    qtbot.addWidget(window)
    assert window.coder == "zoe" and asked == [1]
    window.close()
    window.project.close()
    again = app.open_workspace(project_path, None, clean_settings)
    qtbot.addWidget(again)
    assert again.coder == "zoe" and asked == [1]
    assert clean_settings.recent_projects() == [str(project_path.resolve())]
    again.close()
    again.project.close()


def test_importing_into_an_empty_project_opens_the_first_article(
    qtbot, project_location, clean_settings
):
    from annotator.core.codebook import bundled_codebook
    from annotator.ui.main_window import MainWindow

    path = project_location("empty.annotator")
    Project.create(path, bundled_codebook()).close()
    window = MainWindow(Project.open(path), "alice", clean_settings)
    qtbot.addWidget(window)
    assert window.controller.article_id is None
    with qtbot.waitSignal(window.importer.imported, timeout=20_000):
        window.import_paths([str(HTML_SAMPLE)])
    assert window.controller.article_id is not None
    assert window.controller.current_row() is not None
    window.close()
    window.project.close()


def test_a_closed_window_counts_no_more_progress(qtbot, qapp, project_location, clean_settings):
    """The article list counts progress when idle; a window closed (and its project with
    it) before the count ended must not count on: that would read a closed project."""
    from annotator.core.codebook import bundled_codebook
    from annotator.ui.main_window import MainWindow

    path = project_location("counted.annotator")
    Project.create(path, bundled_codebook()).close()
    window = MainWindow(Project.open(path), "alice", clean_settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.importer.imported, timeout=60_000):
        window.import_paths([str(HTML_SAMPLE)])
    failures: list[str] = []
    window.controller.articles.read_failed.connect(failures.append)
    counted: list[bool] = []
    window.controller.articles.counted.connect(lambda: counted.append(True))
    window.close()
    window.project.close()
    qapp.processEvents()
    assert failures == [] and counted == []


def test_run_project_refuses_a_missing_file(tmp_path, capsys, monkeypatch):
    from annotator.ui import app

    monkeypatch.setattr(app, "check_platform", lambda: None)
    assert app.run_project(tmp_path / "nope.annotator") == 2
    assert "no such project" in capsys.readouterr().err
