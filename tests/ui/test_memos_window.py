"""Memos and article details from the coding window (issue 28): the real dialogs filled
by key presses, the project read back for what was saved, Ctrl+Z writing the old values
back through the core with the status bar saying what was undone."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QPlainTextEdit
from sqlmodel import select

from annotator.core.coding import memos
from annotator.core.store.models import Article, History
from annotator.core.store.project import Project

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def fill_dialog(qtbot, lines: dict[str, str], memo: str, answered: list) -> None:
    """Once the modal dialog is up: retype the named lines and the memo, press Save."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, fill)
            return
        for name, text in lines.items():
            line = dialog.findChild(QLineEdit, name)
            line.selectAll()
            qtbot.keyClicks(line, text)
        editor = dialog.findChild(QPlainTextEdit, "memo")
        editor.selectAll()
        qtbot.keyClicks(editor, memo)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
        answered.append(dialog.windowTitle())

    QTimer.singleShot(0, fill)


def back_to(qtbot, window) -> None:
    """The window active again once the dialog closed (the offscreen platform leaves no
    window active), so its shortcuts reach it as they do on a desktop."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def open_article(path, article_id: int) -> tuple[Article, str]:
    with Project.open(path) as project, project.reading() as session:
        article = session.get(Article, article_id)
        return article, memos.article_memo(project, article_id)


def test_editing_the_article_details_and_memo_saves_with_history_and_undoes(
    qtbot, open_window, project_path
):
    window = open_window()
    article_id = window.controller.article_id
    original, _ = open_article(project_path, article_id)
    answered: list = []
    fill_dialog(qtbot, {"title": "Edited title", "published": "2024-05-06"}, "Check.", answered)
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL_SHIFT)
    assert answered == ["Article details and memo"]
    article, memo = open_article(project_path, article_id)
    assert (article.title, article.published, memo) == ("Edited title", "2024-05-06", "Check.")
    assert "2024-05-06" in window.article_header.text()  # the header read it again
    assert "Memo: Check." in window.article_header.text()
    assert window.article_header.toolTip().endswith("Check.")
    row = window.controller.articles.row_of(article_id)
    assert window.controller.articles.summary(row).title == "Edited title"
    with Project.open(project_path) as project, project.reading() as session:
        targets = session.exec(select(History.target).where(History.coder == "alice")).all()
    assert sorted(targets) == ["#memo", "#published", "#title"]

    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    article, memo = open_article(project_path, article_id)
    assert (article.title, article.published, memo) == (original.title, original.published, "")
    assert "Undone: Edit article" in window.statusBar().currentMessage()


def test_the_project_memo_is_saved_and_undone(qtbot, open_window, project_path):
    window = open_window()
    answered: list = []
    fill_dialog(qtbot, {}, "Pilot: headlines only.", answered)
    window.memo_editing.edit_project_memo()
    assert answered == ["Project memo"]
    back_to(qtbot, window)
    with Project.open(project_path) as project:
        assert memos.project_memo(project) == "Pilot: headlines only."
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    with Project.open(project_path) as project:
        assert memos.project_memo(project) == ""


def test_a_refused_date_is_said_and_nothing_is_saved(qtbot, open_window, project_path):
    window = open_window()
    article_id = window.controller.article_id
    original, _ = open_article(project_path, article_id)
    answered: list = []
    fill_dialog(qtbot, {"published": "someday"}, "", answered)
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL_SHIFT)
    assert "is not a date" in window.statusBar().currentMessage()
    assert open_article(project_path, article_id)[0].published == original.published
    assert not window.operations.undo_stack.canUndo()
    assert json.loads(open_article(project_path, article_id)[0].metadata_json).get("memo") is None


def test_undo_refuses_when_the_memo_was_changed_since(qtbot, open_window, project_path):
    """An undo would silently overwrite a change made elsewhere since: it says so instead."""
    window = open_window()
    answered: list = []
    fill_dialog(qtbot, {}, "Mine.", answered)
    window.memo_editing.edit_project_memo()
    back_to(qtbot, window)
    with Project.open(project_path) as project:
        memos.set_project_memo(project, "bob", "Bob's, written since.")
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert "changed since" in window.statusBar().currentMessage()
    with Project.open(project_path) as project:
        assert memos.project_memo(project) == "Bob's, written since."
