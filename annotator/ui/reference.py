"""The codebook reference dock and the keyboard cheat sheet, both generated from the codebook.

Both are documents to read rather than lists to pick from, so they are rich text
built here from the codebook; nothing about a particular codebook is written in.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # annotations only: the codebook module brings pydantic
    from annotator.core.codebook import Category, Codebook, CodebookField
from annotator.ui import theme
from annotator.ui.field_inputs import input_hint

# Keys the window handles itself, outside any menu; every other command's key is read
# from the menus' actions (`menu_shortcut_rows`), so the cheat sheet cannot drift.
WINDOW_KEYS: list[tuple[str, str]] = [
    ("Esc", "leave a text box (or the find bar) and return to the article"),
    ("Tab", "move the keyboard focus (filter, article list, reader, note)"),
    ("? / F1", "this cheat sheet"),
]


def menu_shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, keys, command) for every menu action with a key: its shortcuts, or the keys
    named after a tab in its text for keys the window routes itself (Down, J)."""
    rows = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in _menu_actions(menu):
            text, _, hint = action.text().partition("\t")
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            keys += [hint] if hint else []
            if keys:
                title = menu_action.text().replace("&", "")
                rows.append((title, " / ".join(keys), text.replace("&", "").rstrip("…")))
    return rows


def _menu_actions(menu: QMenu) -> list[QAction]:
    actions = []
    for action in menu.actions():
        if action.menu() is not None:
            actions.extend(_menu_actions(action.menu()))
        elif not action.isSeparator():
            actions.append(action)
    return actions


def codebook_shortcut_rows(codebook: Codebook) -> list[tuple[str, str, str]]:
    """(key, field label, category label) for every category that has a shortcut."""
    return [
        (c.shortcut, f.label, c.label) for f in codebook.fields for c in f.categories if c.shortcut
    ]


def cheat_sheet_html(
    codebook: Codebook, commands: list[tuple[str, str, str]], article_key: str = "Shift+A"
) -> str:
    """Every shortcut of the codebook, section by section as the coding panel shows them
    (the article's fields first, reached by `article_key`), field by field, then the
    commands' keys by menu ((menu, keys, command) rows, as `menu_shortcut_rows` reads
    them) and the window's own."""
    rows = []
    for title, fields in codebook_sections(codebook, article_key):
        if title:
            rows.append(f"<tr><td colspan=2><h2>{html.escape(title)}</h2></td></tr>")
        for field in fields:
            rows.extend(_field_key_rows(field))
    groups: dict[str, list[tuple[str, str]]] = {}
    for menu, keys, command in commands:
        groups.setdefault(menu, []).append((keys, command))
    groups.setdefault("Window", []).extend(WINDOW_KEYS)
    for menu, entries in groups.items():
        rows.append(f"<tr><td colspan=2><h3>{html.escape(menu)}</h3></td></tr>")
        for key, action in entries:
            rows.append(
                f"<tr><td><b>{html.escape(key)}</b></td><td>{html.escape(action)}</td></tr>"
            )
    note = (
        "Code keys work from anywhere in the window except while typing in a text box; "
        "pressing the key of the code already set leaves it set."
    )
    if codebook.article_fields:
        note += (
            f" The article's fields take their keys after {article_key}, which the panel "
            "then says; a unit's fields take theirs on a unit."
        )
    return (
        f"<h2>Keyboard — {html.escape(codebook.name)}</h2><p>{note}</p>"
        f"<table cellspacing=2 cellpadding=3>{''.join(rows)}</table>"
    )


def codebook_sections(
    codebook: Codebook, article_key: str
) -> list[tuple[str | None, list[CodebookField]]]:
    """The fields in the coding panel's sections: the article's (titled with the key that
    reaches them), then the unit fields' groups (None: a codebook without groups)."""
    from annotator.ui.panel_fields import unit_sections

    sections: list[tuple[str | None, list[CodebookField]]] = []
    if codebook.article_fields:
        sections.append(
            (f"Article ({article_key} first, again to go back)", codebook.article_fields)
        )
    for title, fields in unit_sections(codebook):
        if codebook.article_fields and title is None:
            title = "Each unit"
        sections.append((title, fields))
    return sections


def _field_key_rows(field: CodebookField) -> list[str]:
    """A field's heading and its keys; a typed field's way in (F2, Enter, Esc)."""
    rows = [f"<tr><td colspan=2><h3>{html.escape(field.label)}</h3></td></tr>"]
    if not field.has_categories:
        rows.append(
            f"<tr><td><b>F2</b></td><td>type {html.escape(input_hint(field))}; "
            "Enter saves, Esc leaves without saving</td></tr>"
        )
    toggles = " (toggles; several at once)" if field.type == "multiple" else ""
    for category in field.categories:
        key = html.escape(category.shortcut) if category.shortcut else "—"
        rows.append(
            f"<tr><td><kbd><b>{key}</b></kbd></td>"
            f"<td>{html.escape(category.label)}{toggles}</td></tr>"
        )
    return rows


class CheatSheet(QDialog):
    """A non-modal window listing every key; ? or F1 opens it."""

    def __init__(
        self,
        codebook: Codebook,
        commands: list[tuple[str, str, str]],
        parent: QWidget | None = None,
        article_key: str = "Shift+A",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setWindowIcon(theme.window_icon("cheat_sheet"))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setHtml(cheat_sheet_html(codebook, commands, article_key))
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
    labels = {f.key: f.label for f in codebook.fields}
    sections = []
    for field in codebook.fields:
        field_hit = _matches(words, field.label, field.description, field.key)
        shown = [
            c
            for c in field.categories
            if field_hit or _matches(words, c.label, c.code, c.definition, *c.examples)
        ]
        if shown or (field_hit and not field.has_categories):
            sections.append(_field_html(field, shown, labels))
    if not sections:
        return f"<p>Nothing in the codebook matches “{html.escape(query)}”.</p>"
    return "".join(sections)


def _field_html(field: CodebookField, categories: list[Category], labels: dict[str, str]) -> str:
    """A field's heading (level, what it is asked of, its type if not a single choice,
    whether optional), description, condition and categories."""
    from annotator.core.conditions import describe

    notes = [field.level.value]
    if field.scope == "article":
        notes.append("of the article")
    if field.type != "single":
        notes.append(input_hint(field) if not field.has_categories else "several at once")
    if not field.required:
        notes.append("optional")
    head = (
        f"<h3>{html.escape(field.label)} "
        f"<span style='color:gray'>({html.escape(', '.join(notes))})</span></h3>"
    )
    description = f"<p>{html.escape(field.description)}</p>" if field.description else ""
    if field.when is not None:
        when = describe(field.when, labels)
        description += f"<p><i>Asked only when {html.escape(when)}.</i></p>"
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
