"""File > Export: choose a layout, a file (its ending picks CSV, SPSS or Stata), how codes are
written and which coders, see the first rows, then export with progress and cancel.

The preview is the core's `preview_rows` for exactly the options the export will use,
so what the dialog shows is what the file will hold (before CSV formula
neutralisation). The export itself is the core's streaming `export`, run in a
worker thread on its own Project; a cancel leaves no partial file behind.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding.coder_names import study_coders
from annotator.core.errors import AnnotatorError
from annotator.core.export import (
    ExportOptions,
    ExportResult,
    export,
    format_for_path,
    layout_columns,
    mixed_versions_message,
    preview_rows,
)
from annotator.core.export.scope import consensus_coders
from annotator.core.store.location import location_stem, working_folder
from annotator.core.store.outputs import check_output
from annotator.core.store.project import Project
from annotator.ui import theme
from annotator.ui.review.coder_choice import CoderChoiceModel
from annotator.ui.tasks import TaskOutcome, TaskRunner

_Index = QModelIndex | QPersistentModelIndex
PREVIEW_ROWS = 20
PREVIEW_DELAY_MS = 150
FILE_FILTER = "CSV (*.csv);;Excel (*.xlsx);;SPSS (*.sav);;Stata (*.dta)"
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel .xlsx", "sav": "SPSS .sav", "dta": "Stata .dta"}
LAYOUTS = {
    "long": "long: one row per unit and coder",
    "wide": "wide: one row per unit, a column per coder and field",
    "consensus": "consensus: one row per unit with the adjudicated codes",
    "articles": "articles: one row per article with counts of each code",
}
VALUE_MODES = {"codes": "Codes", "values": "Numeric values", "labels": "Labels"}


class PreviewModel(QAbstractTableModel):
    """The first rows of an export, as plain cells."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.columns: list[str] = []
        self._rows: list[list] = []

    def set_preview(self, columns: list[str], rows: list[dict]) -> None:
        self.beginResetModel()
        self.columns = list(columns)
        self._rows = [[row.get(name) for name in self.columns] for row in rows]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if 0 <= section < len(self.columns) else None
        return str(section + 1)


def default_export_path(location, layout: str = "long", suffix: str = ".csv") -> Path:
    """PROJECT-LAYOUT.csv beside a project file, in the home folder for a server: each
    layout its own name, so exporting a second layout never offers to replace the first."""
    return working_folder(location) / f"{location_stem(location)}-{layout}{suffix}"


SELF_CONSENSUS = (
    "The {layout} layout takes the consensus codes itself; this box applies to the long "
    "and wide layouts."
)
WIDE_CONSENSUS = (
    "Wide: ticked consensus coders get columns of their own; untick them for reliability "
    "tools, which take every column as a rater."
)


class ExportDialog(QDialog):
    """Options on the left, the preview on the right; `exported` after a file was written."""

    exported = Signal(object)  # ExportResult

    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Export")
        self.resize(1200, 640)
        self.runner = TaskRunner(project.path, self)
        self.layout_choice = QComboBox()
        for key, text in LAYOUTS.items():
            self.layout_choice.addItem(text, key)
        self.path = QLineEdit(str(default_export_path(project.path)))
        self._default_path = self.path.text()  # replaced on a change of layout, if untouched
        self.consensus_names = consensus_coders(project)
        self.coder_note = QLabel(wordWrap=True)
        browse = QPushButton("Choose…")
        self.format_note = QLabel(wordWrap=True)  # a long note wraps; it never widens the form
        self.value_buttons = QButtonGroup(self)
        values_row = QHBoxLayout()
        for key, text in VALUE_MODES.items():
            button = QRadioButton(text)
            button.setProperty("mode", key)
            button.setChecked(key == "codes")
            self.value_buttons.addButton(button)
            values_row.addWidget(button)
        values_row.addStretch(1)
        self.coders = CoderChoiceModel(self)
        self.coders.set_coders(study_coders(project))  # never the gold or training codes
        self.coder_list = QListView()
        self.coder_list.setModel(self.coders)
        self.coder_list.setMaximumHeight(8 * self.fontMetrics().height())
        self.bom = QCheckBox("Byte-order mark (lets Excel read accents)")
        self.preview_model = PreviewModel(self)
        self.preview = QTableView()
        self.preview.setModel(self.preview_model)
        self.preview.setWordWrap(False)
        self.preview.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.status = QLabel(wordWrap=True)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        close = QPushButton("Close")

        form = QFormLayout()
        form.addRow("Layout:", self.layout_choice)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        form.addRow("File:", file_row)
        form.addRow("", self.format_note)
        form.addRow("Write codes as:", values_row)
        form.addRow("Coders:", self.coder_list)
        form.addRow("", self.coder_note)
        form.addRow("", self.bom)
        options = QWidget()
        options_layout = QVBoxLayout(options)
        options_layout.setContentsMargins(0, 0, 0, 0)
        options_layout.addLayout(form)
        options_layout.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.preview_caption = QLabel()
        right_layout.addWidget(self.preview_caption)
        right_layout.addWidget(self.preview, 1)
        split = QSplitter()
        split.addWidget(options)
        split.addWidget(right)
        split.setSizes([380, 820])
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self.layout_choice.currentIndexChanged.connect(self._choice_changed)
        self.path.textChanged.connect(self._options_changed)
        self.value_buttons.buttonToggled.connect(self._options_changed)
        self.coders.chosen_changed.connect(self._choice_changed)
        browse.clicked.connect(self.choose_file)
        self.export_button.clicked.connect(self.start_export)
        close.clicked.connect(self.reject)
        self._choice_changed()
        self.update_preview()

    # -- options -----------------------------------------------------------------------

    def file_format(self) -> str | None:
        try:
            return format_for_path(self.path.text().strip())
        except AnnotatorError:
            return None

    def options(self) -> ExportOptions:
        """The options as chosen; codes become numeric values for .sav and .dta, as there."""
        mode = self.value_buttons.checkedButton().property("mode")
        if self.file_format() in ("sav", "dta"):
            mode = "values"
        layout = self.layout_choice.currentData()
        chosen = self.coders.chosen()
        if layout in ("long", "wide"):  # the boxes as ticked, the consensus's too
            coders: tuple[str, ...] | None = tuple(chosen)
        else:  # these layouts have the consensus in rows of their own
            kept = tuple(name for name in chosen if name not in self.consensus_names)
            everyone = [n for n in self.coders.names() if n not in self.consensus_names]
            coders = None if len(kept) == len(everyone) else kept
        return ExportOptions(layout=layout, values=mode, coders=coders)

    def _choice_changed(self, *_args) -> None:
        """A path still at its default follows the layout (keeping its ending); the
        consensus boxes are greyed out where the layout ignores them, with the reason."""
        layout = self.layout_choice.currentData()
        current = Path(self.path.text().strip())
        if self.path.text() == self._default_path:
            suffix = current.suffix or ".csv"
            self._default_path = str(default_export_path(self.project.path, layout, suffix))
            self.path.setText(self._default_path)
        own = layout not in ("long", "wide")
        reason = SELF_CONSENSUS.format(layout=layout)
        self.coders.set_disabled({name: reason for name in self.consensus_names} if own else {})
        ticked = set(self.coders.chosen()) & set(self.consensus_names)
        if own and self.consensus_names:
            self.coder_note.setText(reason)
        elif layout == "wide" and ticked:
            self.coder_note.setText(WIDE_CONSENSUS)
        else:
            self.coder_note.clear()
        self.coder_note.setVisible(bool(self.coder_note.text()))
        self._options_changed()

    def set_value_mode(self, mode: str) -> None:
        for button in self.value_buttons.buttons():
            if button.property("mode") == mode:
                button.setChecked(True)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), FILE_FILTER)
        if path:
            self.path.setText(path)

    def _options_changed(self, *_args) -> None:
        fmt = self.file_format() or "csv"
        stats_file = fmt in ("sav", "dta")
        for button in self.value_buttons.buttons():
            button.setEnabled(not stats_file)
        self.bom.setEnabled(fmt == "csv")
        note = f"Format: {FORMAT_NAMES[fmt]} (from the file's ending)"
        if stats_file:
            note += "; numeric codes with the codebook's labels as value labels"
        if Path(self.path.text().strip()).exists():
            note += "; replaces the existing file"
        self.format_note.setText(note)
        self._preview_timer.start()

    def update_preview(self) -> None:
        """Read the first rows for the current options (a short read on the GUI thread)."""
        self._preview_timer.stop()
        try:
            options = self.options()
            rows = preview_rows(self.project, options, PREVIEW_ROWS)
            columns = [c.name for c in layout_columns(self.project, options)]
        except AnnotatorError as error:
            self.preview_model.set_preview([], [])
            self.preview_caption.setText(f"No preview: {error}")
            self.export_button.setEnabled(False)
            return
        self.preview_model.set_preview(columns, rows)
        self._size_preview_columns()
        self.preview_caption.setText(
            f"Preview: the first {len(rows)} row(s), {len(columns)} column(s)"
        )
        self.export_button.setEnabled(not self.runner.busy)

    def _size_preview_columns(self) -> None:
        """Fit the few preview rows, but keep long text (titles, sentences) from taking over."""
        self.preview.resizeColumnsToContents()
        widest = 16 * self.fontMetrics().horizontalAdvance("M")
        header = self.preview.horizontalHeader()
        for column in range(self.preview_model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), widest))

    # -- exporting ---------------------------------------------------------------------

    def start_export(self) -> bool:
        path = Path(self.path.text().strip())
        if self.runner.busy or not path.name:
            return False
        try:
            check_output(path, self.project.path)
            options = self.options()
        except AnnotatorError as error:
            self._say(str(error), error=True)
            return False
        bom = self.bom.isChecked() and self.file_format() == "csv"
        self.export_button.setEnabled(False)
        self._say(f"Exporting to {path}…")
        return self.runner.start(
            lambda project, progress: export(project, path, options, bom=bom, progress=progress),
            f"Exporting to {path.name}…",
            self._done,
        )

    def _done(self, outcome: TaskOutcome) -> None:
        self.export_button.setEnabled(True)
        result: ExportResult | None = outcome.result
        if outcome.error:
            self._say(f"Not exported: {outcome.error}", error=True)
        elif result is None or result.cancelled:
            self._say("Cancelled; no file was written.")
        else:
            text = f"Wrote {result.rows} row(s) to {result.path}."
            if result.renamed:
                renamed = ", ".join(f"{old} → {new}" for old, new in result.renamed.items())
                text += f" Variables renamed for {FORMAT_NAMES[result.format]}: {renamed}."
            for line in (result.skipped.message(), mixed_versions_message(result.versions)):
                if line is not None:
                    text += f" {line[0].upper()}{line[1:]}."
            self._say(text)
            self.exported.emit(result)
        self._options_changed()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {theme.error_color().name()};" if error else "")
        self.status.setText(text)

    def reject(self) -> None:
        if self.runner.busy:
            self.runner.cancel()  # the export removes its temporary file and reports back
            return
        super().reject()
