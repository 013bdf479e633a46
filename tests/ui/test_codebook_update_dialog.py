"""File > Update codebook… in the coding window (issue 23): the changes listed, an
orphaning change refused until a mapping is given, the update applied, and the window
built again on the new codebook: its panel shows the new field and its key codes it."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlmodel import select

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.store.models import Code, History, Origin
from annotator.core.store.project import Project
from tests.ui.conftest import stored_codes
from tests.ui.test_screenshot import assert_not_blank

NEW_VERSION = "2.2"


@pytest.fixture
def new_codebook(tmp_path):
    """The bundled codebook without 'anonymous_vague' and with a unit field `tone`
    (keys c and d); a mapping that merges 'anonymous_vague' into 'anonymous_generic'."""
    data = json.loads(bundled_codebook().to_json())
    data["version"] = NEW_VERSION
    for field in data["fields"]:
        if field["key"] == "attribution":
            field["categories"] = [c for c in field["categories"] if c["code"] != "anonymous_vague"]
        if field["key"] == "anonymity_reason":
            field["when"]["in"].remove("anonymous_vague")
    data["fields"].append(
        {
            "key": "tone",
            "label": "Tone of the claim",
            "scope": "unit",
            "group": "sentence",
            "required": False,
            "categories": [
                {"code": "calm", "label": "Calm", "shortcut": "c"},
                {"code": "heated", "label": "Heated", "shortcut": "d"},
            ],
        }
    )
    codebook = tmp_path / "codebook-2.1.json"
    codebook.write_text(json.dumps(data), encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text('{"attribution.anonymous_vague": "anonymous_generic"}', encoding="utf-8")
    return codebook, mapping


@pytest.fixture
def coded_path(project_path):
    """The sample project; alice coded its first sentence 'anonymous_vague'."""
    with Project.open(project_path) as project:
        unit = next(u.id for u in list_units(project) if u.kind == "sentence")
        coding.apply_codes(project, "alice", unit, {"attribution": "anonymous_vague"})
    return project_path


def open_dialog(qtbot, window):
    action = next(a for a in window.menuBar().actions() if a.text() == "&File")
    update = next(a for a in action.menu().actions() if a.text() == "Update codebook…")
    update.trigger()
    dialog = window.dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_the_dialog_updates_the_codebook_and_the_window_codes_the_new_field(
    qtbot, open_window, coded_path, new_codebook
):
    codebook_file, mapping_file = new_codebook
    window = open_window("alice", coded_path)
    dialog = open_dialog(qtbot, window)

    qtbot.keyClicks(dialog.codebook_path, str(codebook_file))
    qtbot.keyClick(dialog.codebook_path, Qt.Key.Key_Return)
    changes = dialog.changes.stringList()
    assert "field added: tone (unit, single, 2 codes)" in changes
    assert "category removed: attribution.anonymous_vague 'Anonymous, vague'" in changes
    assert "attribution.anonymous_vague (1: category removed)" in dialog.status.text()
    assert not dialog.apply_button.isEnabled()

    qtbot.keyClicks(dialog.mapping_path, str(mapping_file))
    qtbot.keyClick(dialog.mapping_path, Qt.Key.Key_Return)
    assert "merged: attribution.anonymous_vague into attribution.anonymous_generic (1 code)" in (
        dialog.changes.stringList()
    )
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.replacement is not None and window.replacement.is_loaded)
    new = window.replacement
    try:
        assert not window.isVisible()
        assert new.project.codebook.version == NEW_VERSION
        assert new.panel.findChild(QPushButton, "code:tone:calm") is not None
        assert "1 code(s) remapped" in new.statusBar().currentMessage()
        assert next(iter(stored_codes(coded_path, "alice").values())) == {
            "attribution": "anonymous_generic"
        }

        new.activateWindow()
        qtbot.waitUntil(new.isActiveWindow)
        unit = new.controller.current_unit_id()
        qtbot.keyClick(new.reader, "d")  # the new field's key, from the new codebook
        qtbot.waitUntil(lambda: "tone" in stored_codes(coded_path, "alice").get(unit, {}))
        assert stored_codes(coded_path, "alice")[unit]["tone"] == "heated"
        with Project.open(coded_path) as project, project.reading() as session:
            moved = session.exec(
                select(History.old, History.new).where(History.origin == Origin.CODEBOOK_UPDATE)
            ).all()
            versions = set(session.exec(select(Code.codebook_version_id)).all())
        assert moved == [("anonymous_vague", "anonymous_generic")]
        assert versions == {project.codebook_version_id}
    finally:
        new.close()


def test_render_the_dialog_at_1366x768(qtbot, open_window, coded_path, new_codebook, tmp_path):
    codebook_file, mapping_file = new_codebook
    window = open_window("alice", coded_path)
    window.resize(1366, 768)
    dialog = open_dialog(qtbot, window)
    dialog.codebook_path.setText(str(codebook_file))
    dialog.show_changes()
    image = dialog.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / "codebook-update-refused.png"))
    dialog.mapping_path.setText(str(mapping_file))
    dialog.show_changes()
    image = window.grab().toImage()
    assert dialog.apply_button.isEnabled()
    assert_not_blank(dialog.grab().toImage())
    dialog.grab().toImage().save(str(tmp_path / "codebook-update.png"))
    image.save(str(tmp_path / "codebook-update-window.png"))
