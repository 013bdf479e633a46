"""The codebook reference dock and the keyboard cheat sheet, both generated from the codebook.

Both are documents to read rather than lists to pick from, so they are rich text
built here from the codebook; nothing about a particular codebook is written in.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Category, Codebook, CodebookField
from annotator.ui import theme

NAVIGATION_KEYS: list[tuple[str, str]] = [
    ("Down / J", "next unit that needs coding"),
    ("Up / K", "previous unit that needs coding"),
    (
        "Enter / Shift+N",
        "next incomplete unit (plain N may be a code, so next-incomplete is Shift+N)",
    ),
    ("Page Down", "next article"),
    ("Page Up", "previous article"),
    ("Delete / Backspace", "clear this unit's codes"),
    ("Ctrl+Z", "undo the last coding action (in the project too)"),
    ("Ctrl+Shift+Z / Ctrl+Y", "redo"),
    ("Ctrl+F", "find text in the article (Enter: next match)"),
    ("Ctrl+Shift+M", "write a note on this unit"),
    ("Ctrl+Shift+S", "split this unit in two (before anyone codes it; also on right-click)"),
    ("Ctrl+Shift+J", "merge this unit with the next"),
    ("Ctrl+Shift+T", "change this unit's kind: sentence, heading, page furniture"),
    ("A (or =)", "accept the machine's suggestion for this unit, when one is shown"),
    ("Esc", "leave a text box (or the find bar) and return to the article"),
    ("? / F1", "this cheat sheet"),
]


def codebook_shortcut_rows(codebook: Codebook) -> list[tuple[str, str, str]]:
    """(key, field label, category label) for every category that has a shortcut."""
    return [
        (c.shortcut, f.label, c.label) for f in codebook.fields for c in f.categories if c.shortcut
    ]


def cheat_sheet_html(codebook: Codebook) -> str:
    """Every shortcut of the codebook, field by field, then the navigation keys."""
    rows = []
    for field in codebook.fields:
        rows.append(f"<tr><td colspan=2><h3>{html.escape(field.label)}</h3></td></tr>")
        for category in field.categories:
            key = html.escape(category.shortcut) if category.shortcut else "—"
            rows.append(
                f"<tr><td><kbd><b>{key}</b></kbd></td><td>{html.escape(category.label)}</td></tr>"
            )
    rows.append("<tr><td colspan=2><h3>Moving and editing</h3></td></tr>")
    for key, action in NAVIGATION_KEYS:
        rows.append(f"<tr><td><b>{html.escape(key)}</b></td><td>{html.escape(action)}</td></tr>")
    note = (
        "Code keys work from anywhere in the window except while typing in a text box; "
        "pressing the key of the code already set leaves it set."
    )
    return (
        f"<h2>Keyboard — {html.escape(codebook.name)}</h2><p>{note}</p>"
        f"<table cellspacing=2 cellpadding=3>{''.join(rows)}</table>"
    )


class CheatSheet(QDialog):
    """A non-modal window listing every key; ? or F1 opens it."""

    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setWindowIcon(theme.icon("cheat_sheet"))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setHtml(cheat_sheet_html(codebook))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(520, 640)


def _matches(words: list[str], *texts: str) -> bool:
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in words)


def _category_html(category: Category) -> str:
    key = f"<b>[{html.escape(category.shortcut)}]</b> " if category.shortcut else ""
    parts = [
        f"<p>{key}<b>{html.escape(category.label)}</b> "
        f"<span style='color:gray'>{html.escape(category.code)}</span><br>"
        f"{html.escape(category.definition)}</p>"
    ]
    if category.examples:
        items = "".join(f"<li><i>{html.escape(e)}</i></li>" for e in category.examples)
        parts.append(f"<ul>{items}</ul>")
    return "".join(parts)


def codebook_reference_html(codebook: Codebook, query: str = "") -> str:
    """The codebook as a document; with a query, only the categories (or fields) that match."""
    words = query.casefold().split()
    sections = []
    for field in codebook.fields:
        field_hit = _matches(words, field.label, field.description, field.key)
        shown = [
            c
            for c in field.categories
            if field_hit or _matches(words, c.label, c.code, c.definition, *c.examples)
        ]
        if shown:
            sections.append(_field_html(field, shown))
    if not sections:
        return f"<p>Nothing in the codebook matches “{html.escape(query)}”.</p>"
    return "".join(sections)


def _field_html(field: CodebookField, categories: list[Category]) -> str:
    head = (
        f"<h3>{html.escape(field.label)} <span style='color:gray'>({field.level.value}"
        f"{'' if field.required else ', optional'})</span></h3>"
    )
    description = f"<p>{html.escape(field.description)}</p>" if field.description else ""
    return head + description + "".join(_category_html(c) for c in categories)


class CodebookDock(QDockWidget):
    """A dockable, searchable reference of every definition and example."""

    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__("Codebook", parent)
        self.setObjectName("codebook_dock")
        self.codebook = codebook
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.filter_edit = QLineEdit(
            placeholderText="Search the codebook…", clearButtonEnabled=True
        )
        self.filter_edit.textChanged.connect(self._show)
        layout.addWidget(self.filter_edit)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        layout.addWidget(self.browser)
        self.setWidget(body)
        self._show("")

    def _show(self, query: str) -> None:
        self.browser.setHtml(codebook_reference_html(self.codebook, query))
