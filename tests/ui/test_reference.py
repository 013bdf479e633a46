"""The cheat sheet and the codebook reference are generated from the codebook."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox

from annotator.core.codebook import bundled_codebook, load_codebook
from annotator.ui.coding_panel import TOOLTIP_WIDTH, category_tooltip
from annotator.ui.reference import (
    WINDOW_KEYS,
    cheat_sheet_html,
    codebook_reference_html,
    codebook_shortcut_rows,
)
from tests.ui.conftest import DATA


def test_cheat_sheet_lists_every_shortcut_of_each_bundled_codebook():
    for name in ("source-reliability", "admiralty"):
        book = bundled_codebook(name)
        sheet = cheat_sheet_html(book, [("Go", "Enter / Shift+N", "Next incomplete unit")])
        rows = codebook_shortcut_rows(book)
        assert len(rows) == len(book.shortcuts)
        for key, _field, label in rows:
            assert f"<b>{key}</b>" in sheet
            assert html.escape(label) in sheet
        for key, _action in WINDOW_KEYS:
            assert key in sheet
        assert "Shift+N" in sheet


def test_cheat_sheet_and_reference_show_article_fields_groups_and_typed_fields():
    """Format 2: the article's fields under their own heading with the key that reaches
    them, the unit fields under their groups, a typed field's way in, a condition."""
    book = bundled_codebook()
    sheet = cheat_sheet_html(book, [], "Shift+A")
    article = sheet.index("<h2>Article (Shift+A first")
    sentence = sheet.index("<h2>Sentence</h2>")
    assert article < sheet.index("Story type") < sentence < sheet.index("Attribution")
    typed = load_codebook(DATA / "codebooks" / "typed-study.json")
    sheet = cheat_sheet_html(typed, [])
    assert "<h2>The claim</h2>" in sheet
    assert "F2</b></td><td>type a whole number, 0 to 20; Enter saves" in sheet
    assert "Politics (toggles; several at once)" in sheet
    reference = codebook_reference_html(typed)
    assert "Source as printed" in reference and "a date, YYYY-MM-DD" in reference
    assert "Asked only when Story kind is opinion." in reference


def test_question_mark_opens_the_cheat_sheet(qtbot, open_window):
    window = open_window()
    qtbot.keyClick(window, "?")
    assert window.cheat_sheet is not None and window.cheat_sheet.isVisible()
    text = window.cheat_sheet.browser.toPlainText()
    assert all(label in text for _k, _f, label in codebook_shortcut_rows(window.project.codebook))


def test_codebook_reference_filters_by_text(qtbot, open_window):
    book = bundled_codebook()
    everything = codebook_reference_html(book)
    assert all(html.escape(c.label) in everything for f in book.fields for c in f.categories)
    only = codebook_reference_html(book, "diplomat")
    assert "Anonymous, generic" in only and "Fact" not in only
    window = open_window()
    dock = window.codebook_dock
    dock.show()
    qtbot.keyClicks(dock.filter_edit, "diplomat")
    assert "Anonymous, generic" in dock.browser.toPlainText()
    assert window.controller.units.codes(window.controller.current_unit_id()) == {}
    qtbot.keyClick(dock.filter_edit, Qt.Key.Key_Escape)
    assert window.reader.hasFocus()


def test_panel_tooltips_carry_definition_and_examples(open_window):
    window = open_window()
    category = window.project.codebook.fields[0].categories[0]
    tooltip = window.panel.button(window.project.codebook.fields[0].key, category.code).toolTip()
    assert tooltip == category_tooltip(category)
    assert "Examples" in tooltip


def test_field_tooltips_are_rich_text_that_wraps(open_window):
    window = open_window()
    groups = [g for g in window.panel.findChildren(QGroupBox) if g.toolTip()]
    assert len(groups) == len([f for f in window.project.codebook.coded_fields if f.description])
    for group in groups:
        tip = group.toolTip()
        assert Qt.mightBeRichText(tip)
        field = next(f for f in window.project.codebook.fields if group.title().startswith(f.label))
        if len(field.description) > 60:
            assert f"width={TOOLTIP_WIDTH}" in tip
