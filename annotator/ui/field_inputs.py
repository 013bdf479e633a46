"""The coding panel's pieces for typed fields: value inputs and a value's words.

Number, text and date fields are answered by typing, not by a key: a `ValueEdit`
takes the keyboard only when the coder enters it (a click, or F2 from the window),
shows a focus frame while it has it, saves only on Enter (the window reads the text
with `field_values.parse` and writes through the core) and, left any other way (Esc,
a click elsewhere), goes back to the stored value without saving. Coding keys never
reach it unasked: it is outside the Tab chain of the reader.

Kept free of the database layer (only `field_values`, which is plain Python), so the
coding panel that uses it loads with the window's first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit

from annotator.core.field_values import FieldType, choices
from annotator.ui import theme

if TYPE_CHECKING:  # annotations only: the codebook module brings pydantic
    from annotator.core.codebook import CodebookField

LONGEST_NUMBER = 62  # characters: field_values allows 30 digits each side of the point


def value_label(field: CodebookField, value: str | None) -> str:
    """A stored value in words: a category's label, a multiple choice's labels joined by
    " + ", a number or a date as it is, a text in quotes; "none" for no code."""
    if value is None:
        return "none"
    if field.has_categories:
        labels = []
        for code in choices(value):
            category = field.category(code)
            labels.append(code if category is None else category.label)
        return " + ".join(labels)
    return f"“{value}”" if field.type is FieldType.TEXT else value


def input_hint(field: CodebookField) -> str:
    """What the input takes, as its placeholder: the type and its limits."""
    if field.type is FieldType.DATE:
        return "a date, YYYY-MM-DD"
    if field.type is FieldType.TEXT:
        return f"text, up to {field.max_length} characters"
    kind = "a whole number" if field.integer else "a number"
    if field.minimum is not None and field.maximum is not None:
        return f"{kind}, {field.minimum:g} to {field.maximum:g}"
    if field.minimum is not None:
        return f"{kind}, at least {field.minimum:g}"
    if field.maximum is not None:
        return f"{kind}, at most {field.maximum:g}"
    return kind


class ValueEdit(QLineEdit):
    """One number, text or date field's input; see the module docstring."""

    entered = Signal(str, str)  # field key, the text as typed: Enter
    abandoned = Signal(str, str)  # field key, the text not saved: left without Enter

    def __init__(self, field: CodebookField, parent=None) -> None:
        super().__init__(parent)
        self.field_key = field.key
        self.stored = ""
        self.setObjectName(f"value:{field.key}")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # never reached by Tab, unasked
        self.setStyleSheet(theme.FOCUS_FRAME)
        self.setPlaceholderText(input_hint(field) + " — Enter saves, Esc leaves")
        self.setMaxLength(field.max_length if field.type is FieldType.TEXT else LONGEST_NUMBER)
        self.setClearButtonEnabled(False)

    def show_value(self, value: str | None) -> None:
        """The stored value; what the coder is typing is left alone until they leave."""
        self.stored = value or ""
        if not self.hasFocus():
            self.setText(self.stored)

    def show_saved(self, value: str | None) -> None:
        """The value as saved (a typed "012" is stored as "12"), shown at once, so leaving
        the box after Enter is not taken for leaving it unsaved."""
        self.stored = value or ""
        self.setText(self.stored)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit(self.field_key, self.text())
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Leaving without Enter saves nothing: the stored value comes back."""
        super().focusOutEvent(event)
        if self.text() != self.stored:
            typed = self.text()
            self.setText(self.stored)
            self.abandoned.emit(self.field_key, typed)
