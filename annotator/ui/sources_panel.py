"""The sources panel of the coding window (below the reader, beside the coding panel):
the article's sources, and the current unit's words to select from.

A table (model/view) lists the coder's sources of the open article, each with its
label, number of mentions and codes of the codebook's source fields; the sources the
current unit rests on are marked ("claim" for the claim's own source, "linked" for the
others) and tinted, and the machine's proposals the coder has not taken yet follow in
grey italics marked "proposed". Selecting a source marks its mentions in the reader.
A label or a field's cell is edited in place (Enter or a double click; a field
offers its categories: arrows or a first letter, Enter saves); Enter on a proposal
takes it into the list. Below the table, the current unit's words can be selected with
the mouse or Shift+arrows, for the keys that mark a cue, a source span, a mention or a
new source (ui.source_actions); words dragged over in the reader are selected there too,
and a selection made there shows in the reader.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook, CodebookField
from annotator.core.coding.source_lists import SourceEntry
from annotator.ui import theme
from annotator.ui.source_actions import Selected, SourceActions

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
UidRole = Qt.ItemDataRole.UserRole + 1
NOT_CODED = "(not coded)"
FIXED_COLUMNS = ("Sentence", "Source", "Mentions")  # "Sentence": the current one's links
FIELD_WIDTH = 90  # a source field's column: its header elided, its full label the tooltip
TABLE_FOCUS = (  # as theme.FOCUS_FRAME frames the lists: the focus always shows
    "QTableView { border: 2px solid transparent; }"
    " QTableView:focus { border: 2px solid palette(highlight); }"
)


class SourcesModel(QAbstractTableModel):
    """The coder's sources, then the open proposals, as rows of a table."""

    def __init__(self, actions: SourceActions, codebook: Codebook, parent=None) -> None:
        super().__init__(parent)
        self.actions = actions
        self.fields: list[CodebookField] = list(codebook.source_fields)
        self.rows: list[tuple[SourceEntry, bool]] = []  # (source, proposed)
        self.place: dict[str, str] = {}  # uid -> "claim" / "linked" for the current unit

    def refresh(self) -> None:
        self.beginResetModel()
        actions = self.actions
        self.rows = [(s, False) for s in actions.mine.sources]
        self.rows += [(s, True) for s in actions.open_proposals()]
        unit = actions.unit_id()
        linked = actions.mine.links.get(unit, []) if unit is not None else []
        proposed = actions.proposal.links.get(unit, []) if unit is not None else []
        self.place = {uid: "claim" if i == 0 else "linked" for i, uid in enumerate(linked)}
        self.place |= {uid: "proposed here" for uid in proposed if uid not in self.place}
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self.fields)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        shown = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if orientation != Qt.Orientation.Horizontal or role not in shown:
            return None
        if section < len(FIXED_COLUMNS):
            return FIXED_COLUMNS[section]
        return self.fields[section - len(FIXED_COLUMNS)].label

    def field_at(self, column: int) -> CodebookField | None:
        at = column - len(FIXED_COLUMNS)
        return self.fields[at] if 0 <= at < len(self.fields) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        source, proposed = self.rows[index.row()]
        column = index.column()
        if role == UidRole:
            return source.uid
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(source, proposed, column, role)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(proposed)
            font.setBold(source.uid in self.place and not proposed)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and proposed:
            return theme.muted_text(QPalette())
        if role == Qt.ItemDataRole.BackgroundRole and source.uid in self.place and not proposed:
            tint = QColor(theme.cue_color("source"))
            tint.setAlpha(90)
            return tint
        if role == Qt.ItemDataRole.ToolTipRole:
            if proposed:
                return "Proposed by the cue finder: Enter (or Ctrl+Shift+A) takes it in."
            return "Enter edits this cell; select two rows and Ctrl+Shift+G to merge."
        return None

    def _text(self, source: SourceEntry, proposed: bool, column: int, role: int) -> str:
        if column == 0:
            return self.place.get(source.uid, "proposed" if proposed else "")
        if column == 1:  # a proposal is marked by its first column and its grey italics
            return source.label
        if column == 2:
            return str(len(source.mentions))
        field = self.field_at(column)
        assert field is not None
        code = source.codes.get(field.key)
        if code is None:
            return ""
        return field.category(code).label if field.has_categories else code

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and not self.rows[index.row()][1] and index.column() not in (0, 2):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An edited label renames, an edited field codes: each one undoable command."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        source, proposed = self.rows[index.row()]
        if proposed:
            return False
        if index.column() == 1:
            return value.strip() != source.label and self.actions.rename(source.uid, value)
        field = self.field_at(index.column())
        if field is None:
            return False
        code = value or None
        return code != source.codes.get(field.key) and self.actions.code(
            source.uid, field.key, code
        )


class FieldDelegate(QStyledItemDelegate):
    """A source field's categories to choose from (its code as the editor's data)."""

    def __init__(self, model: SourcesModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent, option, index):
        field = self.model.field_at(index.column())
        if field is None or not field.has_categories:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.addItem(NOT_CODED, "")
        for category in field.categories:
            box.addItem(category.label, category.code)
        box.installEventFilter(self)
        return box

    def eventFilter(self, editor, event) -> bool:
        """Enter in a field's categories saves the one shown (arrows or its first letter
        choose it), Esc leaves; Qt's own handling would commit a turn later."""
        if (
            isinstance(editor, QComboBox)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor)
            return True
        return super().eventFilter(editor, event)

    def setEditorData(self, editor, index) -> None:
        if isinstance(editor, QComboBox):
            source = self.model.rows[index.row()][0]
            field = self.model.field_at(index.column())
            assert field is not None
            editor.setCurrentIndex(max(0, editor.findData(source.codes.get(field.key, ""))))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
            return
        super().setModelData(editor, model, index)


class UnitWords(QPlainTextEdit):
    """The current unit's text, read-only, whose words the coder selects."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setStyleSheet(theme.FOCUS_FRAME)
        self.start = 0  # the unit's first character in the article

    def show_unit(self, text: str, start: int) -> None:
        if text != self.toPlainText() or start != self.start:
            self.setPlainText(text)
            self.start = start

    def selected(self) -> Selected | None:
        """The selection as article offsets (Qt counts UTF-16 code units, Python code
        points: they differ after an emoji), without surrounding blanks."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        text = self.toPlainText()
        first = code_point(text, cursor.selectionStart())
        last = code_point(text, cursor.selectionEnd())
        words = text[first:last]
        first += len(words) - len(words.lstrip())
        last -= len(words) - len(words.rstrip())
        if first >= last:
            return None
        return Selected(self.start + first, self.start + last, text[first:last])


def code_point(text: str, utf16: int) -> int:
    """Qt's position (UTF-16 code units) in `text` as a Python index (code points)."""
    return len(text.encode("utf-16-le")[: 2 * utf16].decode("utf-16-le", "ignore"))


class SourcesPanel(QWidget):
    """The table of sources beside the current unit's words."""

    def __init__(self, actions: SourceActions, codebook: Codebook, hint: str, parent=None):
        super().__init__(parent)
        self.actions = actions
        self.model = SourcesModel(actions, codebook, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(FieldDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setStyleSheet(TABLE_FOCUS)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultSectionSize(FIELD_WIDTH)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.mark_mentions())
        self.words = UnitWords()
        self.words.setPlaceholderText("The current sentence's words, to select.")
        self.words.setToolTip("Select words with the mouse, or Ctrl+Shift+U then Shift+arrows")
        self.hint = QLabel(hint, wordWrap=True)
        self.hint.setStyleSheet(f"color: {theme.muted_text(self.palette()).name()};")
        lines = self.words.fontMetrics().lineSpacing()
        self.words.setFixedHeight(lines * 2 + 12)  # a long sentence scrolls
        words_row = QHBoxLayout()
        words_row.addWidget(self.words, 3)
        words_row.addWidget(self.hint, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(words_row)
        actions.selected_uids = self.selected_uids
        actions.selection = self.words.selected
        actions.forget_selection = lambda: self._selected_in_reader(-1, 0, 0)
        actions.shown.connect(self.refresh)
        reader = actions.controller.reader
        reader.words_selected.connect(self._selected_in_reader)
        self.words.selectionChanged.connect(self._selected_here)

    def selected_uids(self) -> list[str]:
        """The selected rows' sources, in table order (a lone current row counts)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        current = self.table.currentIndex()
        if not rows and current.isValid():
            rows = [current.row()]
        return [self.model.rows[row][0].uid for row in rows if row < len(self.model.rows)]

    def refresh(self) -> None:
        """Show the list and the current unit as they are now, the selection kept."""
        chosen = set(self.selected_uids())
        current = self.table.currentIndex()
        column = current.column() if current.isValid() else 1
        self.model.refresh()
        selection = self.table.selectionModel()
        for row, (source, _proposed) in enumerate(self.model.rows):
            if source.uid in chosen:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )
                if not self.table.currentIndex().isValid():
                    selection.setCurrentIndex(
                        self.model.index(row, column), selection.SelectionFlag.NoUpdate
                    )
        here = next(
            (r for r, (s, _p) in enumerate(self.model.rows) if s.uid in self.model.place), None
        )
        if here is not None:  # the current unit's source (or proposal) in view
            self.table.scrollTo(self.model.index(here, 1))
        self._show_words()
        self.mark_mentions()

    def _selected_in_reader(self, row: int, start: int, end: int) -> None:
        """Words dragged over in the reader: the same words selected here, where the
        keys take them from (positions as Qt counts them, in both)."""
        cursor = self.words.textCursor()
        if row < 0 or row != self.actions.controller.current_row():
            cursor.clearSelection()
        else:
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.words.setTextCursor(cursor)

    def _selected_here(self) -> None:
        """Words selected here are marked in the reader's current unit too."""
        cursor = self.words.textCursor()
        row = self.actions.controller.current_row()
        delegate = self.actions.controller.reader.unit_delegate
        chosen = (row, cursor.selectionStart(), cursor.selectionEnd())
        delegate.selection = chosen if cursor.hasSelection() and row is not None else None
        self.actions.controller.reader.viewport().update()

    def _show_words(self) -> None:
        actions = self.actions
        unit = actions.unit_id()
        row = actions.controller.units.row_of(unit) if unit is not None else None
        if row is None or unit not in actions.spans:
            self.words.show_unit("", 0)
            return
        self.words.show_unit(actions.controller.units.unit(row).text, actions.spans[unit].start)

    def mark_mentions(self) -> None:
        """The reader marks the coder's own spans and the selected sources' mentions."""
        actions = self.actions
        units = actions.controller.units
        delegate = actions.controller.reader.unit_delegate
        delegate.corrections = {}
        for (unit_id, kind), (start, end) in actions.mine.spans.items():
            row = units.row_of(unit_id)
            if row is not None and unit_id in actions.spans:
                at = actions.spans[unit_id].start
                delegate.corrections.setdefault(row, {})[kind] = (start - at, end - at)
        delegate.mentions = {}
        chosen = set(self.selected_uids())
        for source, _proposed in self.model.rows:
            if source.uid not in chosen:
                continue
            for mention in source.mentions:
                row = units.row_of(mention.unit_id)
                if row is not None and mention.unit_id in actions.spans:
                    at = actions.spans[mention.unit_id].start
                    delegate.mentions.setdefault(row, []).append(
                        (mention.start - at, mention.end - at)
                    )
        actions.controller.reader.viewport().update()

    def _activated(self, index: QModelIndex) -> None:
        """Enter: a proposal is taken in; on the coder's own source, the cell is edited."""
        if self.model.rows[index.row()][1]:
            self.actions.accept_selected()
        elif index.flags() & Qt.ItemFlag.ItemIsEditable:
            self.table.edit(index)

    def edit_label(self) -> None:
        """Rename: the selected source's label, edited in place."""
        uids = [u for u in self.selected_uids() if u in {s.uid for s in self.actions.mine.sources}]
        if not uids:
            self.actions.message.emit("Not changed: select the source to rename in the panel.")
            return
        row = next(r for r, (s, _p) in enumerate(self.model.rows) if s.uid == uids[0])
        index = self.model.index(row, 1)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.table.setCurrentIndex(index)
        self.table.edit(index)
