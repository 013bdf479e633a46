"""The coding panel's fields: one box per field, in labelled sections, by scope.

The article's fields sit in their own section, "Article", at the top: open (its buttons
and inputs live) while the keys code the article, folded to one line that sums up its
codes while they code a unit. The unit fields follow, one section per codebook group
(a format 1 codebook, without groups, shows its fields as it always did), live while
the keys code a unit and greyed while they code the article: a button never codes
what the keys do not.

A single choice is a column of buttons, a multiple choice a column of check boxes
(each category's key toggles it), a number, text or date an input (field_inputs). A
conditional field's box shows only while its condition holds of the codes shown
(`Codebook.applicable`). Buttons never change their own checked state: a click asks
for a code, and the panel shows only what the window says is stored.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotator.core.field_values import FieldType, choices
from annotator.ui import theme
from annotator.ui.field_inputs import ValueEdit, value_label

if TYPE_CHECKING:  # annotations only: the codebook module brings pydantic
    from annotator.core.codebook import Category, Codebook, CodebookField

# Scope names as the codebook spells them (codebook.Scope, a StrEnum, compares equal).
UNIT = "unit"
ARTICLE = "article"
ARTICLE_TITLE = "Article"
UNIT_TITLE = "This unit"  # the heading of unit fields without a group, beside article fields
BUTTON_STYLE = """
QPushButton { text-align: left; padding: 2px 8px; }
QPushButton:checked {
    background: palette(highlight); color: palette(highlighted-text); font-weight: bold;
    border: 1px solid palette(dark); border-radius: 3px;
}
"""
CHECK_STYLE = "QCheckBox { padding: 2px 8px; } QCheckBox:checked { font-weight: bold; }"
WAITING_STYLE = "QPushButton:checked {{ border: 2px dashed {color}; font-style: italic; }}"
ACTIVE_SECTION = "QFrame#article_section {{ border: 2px solid {color}; border-radius: 4px; }}"
IDLE_SECTION = "QFrame#article_section { border: 1px solid palette(mid); border-radius: 4px; }"


def category_tooltip(category: Category) -> str:
    """Definition and examples, as rich text so long definitions wrap."""
    parts = [f"<b>{html.escape(category.label)}</b>"]
    if category.definition:
        parts.append(f"<p>{html.escape(category.definition)}</p>")
    if category.examples:
        items = "".join(f"<li>{html.escape(example)}</li>" for example in category.examples)
        parts.append(f"<p>Examples:</p><ul>{items}</ul>")
    length = len(category.definition) + sum(len(e) for e in category.examples)
    return wrapped_tooltip("".join(parts), length)


TOOLTIP_WIDTH = 380  # pixels: a comfortable measure for a definition
TOOLTIP_WRAP_AFTER = 60  # characters: shorter texts stay on one line


def wrapped_tooltip(body_html: str, length: int) -> str:
    """Rich text that wraps at TOOLTIP_WIDTH once it is long (a plain tooltip never wraps,
    and a rich one alone may still run half the screen wide)."""
    if length <= TOOLTIP_WRAP_AFTER:
        return f"<qt>{body_html}</qt>"
    return f"<qt><table width={TOOLTIP_WIDTH}><tr><td>{body_html}</td></tr></table></qt>"


def field_tooltip(field: CodebookField, labels: Mapping[str, str]) -> str:
    """The field's description and, for a conditional field, when it is asked."""
    from annotator.core.conditions import describe

    text = field.description
    if field.when is not None:
        text = f"{text}\n\nAsked only when {describe(field.when, labels)}.".strip()
    return wrapped_tooltip(html.escape(text).replace("\n", "<br>"), len(text))


def unit_sections(codebook: Codebook) -> list[tuple[str | None, list[CodebookField]]]:
    """The unit fields in runs of one group, with the group's label (None: no group)."""
    sections: list[tuple[str | None, list[CodebookField]]] = []
    current: object = object()
    for field in codebook.unit_fields:
        if field.group != current:
            group = codebook.group(field.group)
            sections.append((group.label if group else None, []))
            current = field.group
        sections[-1][1].append(field)
    return sections


def asked_fields(codebook: Codebook, scope: str, codes: Mapping[str, str]) -> set[str]:
    """`Codebook.applicable` for a scope named as the panel names it."""
    from annotator.core.codebook import Scope

    return codebook.applicable(Scope(scope), codes)


def fields_of(codebook: Codebook, scope: str) -> list[CodebookField]:
    return [field for field in codebook.fields if field.scope == scope]


def article_summary(codebook: Codebook, codes: Mapping[str, str]) -> str:
    """The article's codes on one line ("Story type: News · Anonymity note: none")."""
    asked = asked_fields(codebook, ARTICLE, codes)
    return " · ".join(
        f"{field.label}: {value_label(field, codes.get(field.key))}"
        for field in codebook.article_fields
        if field.key in asked
    )


class PanelFields(QWidget):
    """Every field's box; asks for codes by signal and shows what it is given."""

    code_requested = Signal(str, str)  # field key, category code (a click)
    value_entered = Signal(str, str)  # field key, typed text (Enter in an input)
    value_abandoned = Signal(str, str)  # field key, typed text left without Enter

    def __init__(self, codebook: Codebook, parent=None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.target = UNIT
        self.article_key = "Shift+A"  # the window's key for the article (keyboard.article_key)
        self.buttons: dict[tuple[str, str], QAbstractButton] = {}
        self.inputs: dict[str, ValueEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.boxes: dict[str, FieldBox] = {}
        self._labels = {f.key: f.label for f in codebook.fields}
        mark = theme.mark_field(codebook)
        self._colors = theme.category_colors(mark) if mark is not None else {}
        self._mark_key = mark.key if mark is not None else None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.article_section: QFrame | None = None
        if codebook.article_fields:
            layout.addWidget(self._article_section())
        self.unit_section = QWidget()
        unit_layout = QVBoxLayout(self.unit_section)
        unit_layout.setContentsMargins(0, 0, 0, 0)
        unit_layout.setSpacing(2)  # 2 px, not 4: the default codebook fits 1024x700
        self.unit_heading: QLabel | None = None  # the first, which says what the keys code
        for title, fields in unit_sections(codebook):
            if title is None and codebook.article_fields and self.unit_heading is None:
                title = UNIT_TITLE
            if title is not None:
                heading = self._heading(title)
                heading.setProperty("title", title)
                self.unit_heading = self.unit_heading or heading
                unit_layout.addWidget(heading)
            for field in fields:
                unit_layout.addWidget(self._field_box(field))
        layout.addWidget(self.unit_section)

    # -- building ----------------------------------------------------------------------

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(f"<b>{html.escape(text)}</b>")
        label.setObjectName("section_heading")
        return label

    def _article_section(self) -> QFrame:
        """The article's fields, under group headings other than the section's own."""
        section = QFrame()
        section.setObjectName("article_section")
        layout = QVBoxLayout(section)
        layout.setContentsMargins(6, 1, 6, 1)
        layout.setSpacing(2)
        # Folded, the heading and the article's codes share one line.
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        self.article_heading = self._heading(ARTICLE_TITLE)
        self.article_line = ElidedLabel()
        head.addWidget(self.article_heading)
        head.addWidget(self.article_line, 1)
        layout.addLayout(head)
        self.article_body = QWidget()
        body = QVBoxLayout(self.article_body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(2)
        shown_group: object = object()
        for field in self.codebook.article_fields:
            group = self.codebook.group(field.group)
            if field.group != shown_group and group and group.label.casefold() != "article":
                body.addWidget(self._heading(group.label))
            shown_group = field.group
            body.addWidget(self._field_box(field))
        layout.addWidget(self.article_body)
        self.article_section = section
        return section

    def _field_box(self, field: CodebookField) -> FieldBox:
        box = FieldBox(field.label + ("" if field.required else " (optional)"))
        box.setObjectName(f"field:{field.key}")
        if field.description or field.when is not None:
            box.setToolTip(field_tooltip(field, self._labels))
        grid = QGridLayout(box)
        grid.setContentsMargins(6, 2, 6, 2)
        grid.setSpacing(2)
        if field.has_categories:
            buttons = [self._choice(field, category) for category in field.categories]
            grid.addWidget(ChoiceGrid(buttons), 0, 0)
        else:
            edit = ValueEdit(field)
            edit.entered.connect(self.value_entered)
            edit.abandoned.connect(self.value_abandoned)
            error = QLabel()
            error.setObjectName(f"error:{field.key}")
            error.setTextFormat(Qt.TextFormat.PlainText)
            error.setWordWrap(True)
            error.setStyleSheet(f"color: {theme.error_color().name()}")
            error.hide()
            grid.addWidget(edit, 0, 0)
            grid.addWidget(error, 1, 0)
            self.inputs[field.key] = edit
            self.errors[field.key] = error
        self.boxes[field.key] = box
        return box

    def _choice(self, field: CodebookField, category: Category) -> QAbstractButton:
        """A category's button (single choice) or check box (multiple), named by its key."""
        # "&" would make the next letter a mnemonic ("Q&A" drawn as an underlined "QA").
        text = f"{category.shortcut or ' '}   {category.label}".replace("&", "&&")
        button: QAbstractButton
        if field.type is FieldType.MULTIPLE:
            button = QCheckBox(text)
            button.setStyleSheet(CHECK_STYLE)
        else:
            button = QPushButton(text)
            button.setCheckable(True)
            button.setStyleSheet(BUTTON_STYLE)
        if field.key == self._mark_key and category.code in self._colors:
            # The mark field's colours are the reader's margin marks: its buttons are the legend.
            button.setIcon(theme.swatch(self._colors[category.code]))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolTip(category_tooltip(category))
        button.setObjectName(f"code:{field.key}:{category.code}")
        button.clicked.connect(
            lambda _checked=False, f=field.key, c=category.code: self._request(f, c)
        )
        self.buttons[(field.key, category.code)] = button
        return button

    def _request(self, field: str, code: str) -> None:
        # Undo the button's own toggle first; the window re-shows what got stored.
        button = self.buttons[(field, code)]
        button.setChecked(not button.isChecked())
        self.code_requested.emit(field, code)

    # -- showing -------------------------------------------------------------------------

    def set_target(self, scope: str, enabled: bool, target: str = "") -> None:
        """Which scope the keys code (`target` in words: "sentence 4", "the article"): its
        fields are live, the other scope's are not (the article's folded to one line),
        and the live section's heading says so."""
        self.target = scope
        on_article = scope == ARTICLE
        for field in self.codebook.coded_fields:  # source fields have no box
            self.boxes[field.key].setEnabled(enabled and field.scope == scope)
        if self.article_section is not None:
            self.article_body.setVisible(on_article)
            self.article_line.setVisible(not on_article)
            color = theme.success_color() if on_article else None
            self.article_section.setStyleSheet(
                ACTIVE_SECTION.format(color=color.name()) if color else IDLE_SECTION
            )
            key = self.article_key
            said = f" · the keys code it ({key}: back)" if on_article else f" ({key}):"
            self.article_heading.setText(f"<b>{ARTICLE_TITLE}</b>{html.escape(said)}")
        if self.unit_heading is not None:
            title = html.escape(self.unit_heading.property("title"))
            said = "" if on_article or not target else f" · the keys code {html.escape(target)}"
            self.unit_heading.setText(f"<b>{title}</b>{said}")

    def show_values(
        self, scope: str, codes: Mapping[str, str], waiting: set[str] | None = None
    ) -> None:
        """The codes of one scope's fields; boxes of fields not asked are hidden."""
        waiting = waiting or set()
        asked = asked_fields(self.codebook, scope, codes)
        for field in fields_of(self.codebook, scope):
            self.boxes[field.key].setVisible(field.key in asked)
            value = codes.get(field.key)
            if field.has_categories:
                chosen = set(choices(value))
                for category in field.categories:
                    button = self.buttons[(field.key, category.code)]
                    button.setChecked(category.code in chosen)
                    _mark_waiting(button, field.key in waiting)
            else:
                self.inputs[field.key].show_value(value)
        if scope == ARTICLE and self.article_section is not None:
            line = article_summary(self.codebook, codes)
            self.article_line.set_full_text(line)

    def show_error(self, field: str, text: str) -> None:
        """One line under a field's input (empty: none)."""
        label = self.errors[field]
        label.setText(text)
        label.setVisible(bool(text))

    def visible_inputs(self, scope: str) -> list[ValueEdit]:
        """The inputs of `scope` a coder can enter now, in the codebook's order."""
        return [
            self.inputs[f.key]
            for f in fields_of(self.codebook, scope)
            if f.key in self.inputs and self.boxes[f.key].isVisibleTo(self)
        ]


class ElidedLabel(QLabel):
    """One line of plain text cut with "…" at its width, the whole in its tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(1)
        self.full_text = ""

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        mode = Qt.TextElideMode.ElideRight
        self.setText(self.fontMetrics().elidedText(self.full_text, mode, self.width()))


class FieldBox(QGroupBox):
    """A field's box whose title is cut to its width ("Outlet explains its use of…", the
    whole in the tooltip) rather than widening the panel past the screen: a group box
    is otherwise at least as wide as its title."""

    TITLE_PADDING = 20  # pixels the frame takes beside the title

    def __init__(self, title: str) -> None:
        title = title.replace("&", "&&")  # a literal ampersand, not a mnemonic
        super().__init__(title)
        self.full_title = title
        self.setMinimumWidth(1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        room = max(self.width() - self.TITLE_PADDING, 10)
        shown = self.fontMetrics().elidedText(self.full_title, Qt.TextElideMode.ElideRight, room)
        if shown != self.title():
            self.setTitle(shown)


class ChoiceGrid(QWidget):
    """A field's buttons in as many columns (up to three) as the panel's width holds
    with every label whole: a short scale (Low, Medium, High) on one row, seven
    attribution codes in one column on a narrow panel, no label ever cut. The columns
    follow the width alone, never a code shown, so buttons stay put as codes change.

    It places its buttons itself and answers `heightForWidth`, so the panel's layout
    knows a field's height at a width in one pass (a grid rebuilt on resize settled
    only after several turns of the event loop, drawing stale rows meanwhile)."""

    SPACING = 2
    MOST_COLUMNS = 3

    def __init__(self, buttons: list[QAbstractButton]) -> None:
        super().__init__()
        self.buttons = buttons
        for button in buttons:
            button.setParent(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _widest(self) -> int:
        return max(button.sizeHint().width() for button in self.buttons)

    def _row_height(self) -> int:
        return max(button.sizeHint().height() for button in self.buttons)

    def columns_for(self, width: int) -> int:
        fit = (width + self.SPACING) // (self._widest() + self.SPACING)
        return max(1, min(self.MOST_COLUMNS, len(self.buttons), fit))

    @property
    def columns(self) -> int:
        return self.columns_for(self.width())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rows = -(-len(self.buttons) // self.columns_for(width))
        return rows * self._row_height() + (rows - 1) * self.SPACING

    def sizeHint(self) -> QSize:
        return QSize(self._widest(), self.heightForWidth(self._widest()))

    def minimumSizeHint(self) -> QSize:
        """As wide as the widest label (a panel narrower than that scrolls rather than
        cutting it), as high as one row (the height comes from `heightForWidth`)."""
        return QSize(self._widest(), self._row_height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        columns = self.columns_for(self.width())
        width = (self.width() - (columns - 1) * self.SPACING) // columns
        height = self._row_height()
        for position, button in enumerate(self.buttons):
            row, column = divmod(position, columns)
            x = column * (width + self.SPACING)
            button.setGeometry(x, row * (height + self.SPACING), width, height)


def _mark_waiting(button: QAbstractButton, waiting: bool) -> None:
    """Restyle only on a change: a style sheet re-polishes the button, and this runs for
    every button on every key press."""
    if bool(button.property("waiting")) == waiting or not isinstance(button, QPushButton):
        return
    button.setProperty("waiting", waiting)
    style = WAITING_STYLE.format(color=theme.waiting_color().name()) if waiting else ""
    button.setStyleSheet(BUTTON_STYLE + style)
