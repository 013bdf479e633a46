"""Team projects from the start screen (issue 6): open one by its URL, find it again among
the recent projects, never with its password."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy.engine import make_url

from annotator.core.codebook import bundled_codebook
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.ui.app import StartFlow
from annotator.ui.start_screen import PathRole, RecentProjectsModel
from tests.ui.conftest import SAMPLE_TEXTS


def test_recent_team_projects_are_listed_by_name_without_password(clean_settings):
    clean_settings.add_recent_project("postgresql+psycopg://alice:secret@db.example.org/study")
    model = RecentProjectsModel(clean_settings.recent_projects())
    shown = model.index(0).data()
    assert shown.startswith("study  (team project)\n")
    assert "secret" not in shown and "(missing)" not in shown
    # what is opened again: the URL without any password (then from ~/.pgpass or PGPASSWORD)
    assert model.index(0).data(PathRole) == "postgresql+psycopg://alice@db.example.org/study"


def test_a_text_that_is_not_a_url_is_refused(qtbot, clean_settings, monkeypatch):
    flow = StartFlow(clean_settings)
    qtbot.addWidget(flow.screen)
    warned = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("db.example.org/study", True))
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    flow.screen.open_team_project()
    assert flow.windows == [] and "not a server URL" in warned[0]


@pytest.mark.postgres
def test_the_start_screen_opens_a_team_project_by_url(
    qtbot, new_database, clean_settings, monkeypatch
):
    with Project.create(new_database, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
    flow = StartFlow(clean_settings)
    qtbot.addWidget(flow.screen)
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: (new_database, True))
    flow.screen.open_team_project()
    (window,) = flow.windows
    assert window.coder == make_url(new_database).username  # the database role codes
    qtbot.waitUntil(lambda: window.is_loaded)
    assert window.controller.articles.rowCount() == 3
    assert clean_settings.recent_projects()[0].endswith("/" + make_url(new_database).database)
    flow.close()
