"""Find across the project: retrieval, keyword in context and code frequencies, a tab each.

One window beside the coding window (not modal): a result opens its unit there with
Enter or a double-click and the keyboard goes back to the article, so a coder can work
down a list of retrieved units, coding each, and come back with the same key.

Blinding as the coding window has it: the codes searched and counted are this coder's,
and "every coder" asks for the supervisor passphrase first (`ask_supervisor`, the
window's gate, once per window). Comparing with the suggester is offered where the
coder sees suggestions (not in a blind study) or to the supervisor.

The queries run off the GUI thread (`FindQueries`), so the coding window stays usable
while a large project is searched, and the retrieved list follows the project: any
write announced on it (`ui.project_changes`, this window's or another's) runs the last
retrieval again, keeping the selected unit selected where it is still listed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding.coder_names import known_coders
from annotator.core.coding.finding_csv import keyword_table, retrieval_table, write_table_csv
from annotator.core.coding.frequencies import FrequencyTable, code_frequencies, fields_of
from annotator.core.coding.keyword_search import KeywordSearch, search_articles
from annotator.core.coding.retrieval import Criteria, Retrieval, low_confidence_codes, retrieve
from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.ui.find.frequency_chart import FrequencyChart
from annotator.ui.find.queries import FindQueries
from annotator.ui.find.rows_model import RowsModel, UnitRole
from annotator.ui.project_changes import follow
from annotator.ui.table_views import row_table
from annotator.ui.tasks import TaskOutcome

ANY = "(any)"
RETRIEVE, SEARCH, FREQUENCIES = 0, 1, 2
Supervise = Callable[[str, Callable[[], None]], None]


class FindDialog(QDialog):
    """Retrieve units by code, note, confidence or suggester; search words; count codes."""

    unit_requested = Signal(int, int)  # article id, unit id
    results_shown = Signal(int)  # the tab whose results were just shown

    def __init__(
        self,
        project: Project,
        coder: str,
        ask_supervisor: Supervise,
        *,
        suggestions_seen: bool,
        unlocked: bool = False,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.codebook = project.codebook
        self.coder = coder
        self.ask_supervisor = ask_supervisor
        self.suggestions_seen = suggestions_seen
        self.unlocked = unlocked
        self.setWindowTitle("Find across the project")
        self.setModal(False)
        self.retrieval: Retrieval | None = None
        self.search: KeywordSearch | None = None
        self.frequencies: FrequencyTable | None = None
        # the newest retrieval asked for, and whether its list is to take the keyboard
        self._asked: tuple[Criteria, bool] | None = None
        self._export_when_retrieved = False
        self.queries = FindQueries(project.path, self)
        self.queries.answered.connect(self._answered)
        follow(project.path, self, lambda _changes: self._project_changed())
        self.scope = QComboBox()
        self.scope.addItems([f"My codes ({coder})", "Every coder's codes (supervisor)"])
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._retrieve_tab(), "&Retrieve")
        self.tabs.addTab(self._search_tab(), "&Search")
        self.tabs.addTab(self._frequencies_tab(), "Fre&quencies")
        self.status = QLabel(wordWrap=True)
        self._said: dict[int, str] = {}  # what each tab last said
        self.tabs.currentChanged.connect(lambda tab: self.status.setText(self._said.get(tab, "")))
        top = QHBoxLayout()
        top.addWidget(QLabel("&Whose codes:", buddy=self.scope))
        top.addWidget(self.scope, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self._sync_suggester_box()
        self.resize(960, 600)  # fits a 1024x700 screen; the coder may make it larger

    # -- building ----------------------------------------------------------------------

    def _results_view(self, model: RowsModel, stretch: int) -> QTableView:
        view = row_table(model, stretch)
        view.setWordWrap(False)
        view.activated.connect(self._open)
        view.installEventFilter(self)
        return view

    def eventFilter(self, watched, event) -> bool:
        """Enter in a results list opens the row and stops there: passed on, it would
        press the dialog's default button and run the search again, losing the place."""
        if (
            isinstance(watched, QTableView)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if watched.currentIndex().isValid():
                self._open(watched.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def _retrieve_tab(self) -> QWidget:
        self.field_box = QComboBox()
        self.field_box.addItem(ANY, None)
        for f in self.codebook.unit_fields:  # units are retrieved by their own fields
            if f.has_categories:
                self.field_box.addItem(f.label, f.key)
        self.code_box = QComboBox()
        self.field_box.currentIndexChanged.connect(self._fill_codes)
        self._fill_codes()
        self.note_box = QCheckBox("with a &note")
        self.low_box = QCheckBox("&low confidence")
        self.low_box.setEnabled(low_confidence_codes(self.codebook) is not None)
        self.suggester_box = QCheckBox("&differs from the suggester")
        self.retrieve_button = QPushButton("Retrie&ve")
        self.retrieve_button.clicked.connect(self.run_retrieval)
        self.retrieve_export = QPushButton("Export CSV…")
        self.retrieve_export.clicked.connect(self.export_retrieval)
        self.retrieval_model = RowsModel(self)
        self.retrieval_view = self._results_view(self.retrieval_model, 4)
        form = QFormLayout()
        codes = QHBoxLayout()
        codes.addWidget(self.field_box, 1)
        codes.addWidget(QLabel("="))
        codes.addWidget(self.code_box, 1)
        form.addRow("Code:", codes)
        checks = QHBoxLayout()
        for box in (self.note_box, self.low_box, self.suggester_box):
            checks.addWidget(box)
        checks.addStretch(1)
        checks.addWidget(self.retrieve_button)
        checks.addWidget(self.retrieve_export)
        form.addRow("Only units:", checks)
        return _tab(form, self.retrieval_view)

    def _search_tab(self) -> QWidget:
        self.search_text = QLineEdit(placeholderText="A word or phrase in any article…")
        self.search_text.setClearButtonEnabled(True)
        self.search_text.returnPressed.connect(self.run_search)
        self.whole_word = QCheckBox("&Whole word")
        search_button = QPushButton("Searc&h")
        search_button.clicked.connect(self.run_search)
        self.search_export = QPushButton("Export CSV…")
        self.search_export.clicked.connect(self.export_search)
        self.search_model = RowsModel(self)
        self.search_view = self._results_view(self.search_model, 0)
        row = QHBoxLayout()
        for widget in (self.search_text, self.whole_word, search_button, self.search_export):
            row.addWidget(widget, 1 if widget is self.search_text else 0)
        return _tab(row, self.search_view)

    def _frequencies_tab(self) -> QWidget:
        self.freq_field = QComboBox()
        for key, label in fields_of(self.codebook):
            self.freq_field.addItem(label, key)
        self.freq_by = QComboBox()
        self.freq_by.addItem("per coder", "coder")
        self.freq_by.addItem("per article", "article")
        for box in (self.freq_field, self.freq_by):
            box.currentIndexChanged.connect(self.run_frequencies)
        self.freq_model = RowsModel(self)
        self.freq_view = row_table(self.freq_model, 0)
        self.chart = FrequencyChart()
        chart_scroll = QScrollArea()
        chart_scroll.setWidget(self.chart)
        chart_scroll.setWidgetResizable(True)
        splitter = QSplitter(Qt.Orientation.Horizontal)  # the table beside its chart
        splitter.addWidget(self.freq_view)
        splitter.addWidget(chart_scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([440, 800])
        row = QHBoxLayout()
        row.addWidget(QLabel("Field:"))
        row.addWidget(self.freq_field, 1)
        row.addWidget(self.freq_by)
        return _tab(row, splitter)

    # -- scope and blinding --------------------------------------------------------------

    def coders(self) -> tuple[str, ...]:
        """Whose codes are searched and counted: this coder's, or (unlocked) everyone's."""
        if self.scope.currentIndex() == 0:
            return (self.coder,)
        names = known_coders(self.project)
        return (*names, CONSENSUS) if self.coder in names else (self.coder, *names, CONSENSUS)

    def _scope_changed(self, index: int) -> None:
        if index == 1 and not self.unlocked:
            self.scope.blockSignals(True)
            self.scope.setCurrentIndex(0)  # until the passphrase is given
            self.scope.blockSignals(False)
            self.ask_supervisor("Every coder's codes", self.unlock)
            return
        self._sync_suggester_box()
        self._rerun()

    def unlock(self) -> None:
        """The supervisor passphrase was given (or the project has none): every coder."""
        self.unlocked = True
        self.scope.setCurrentIndex(1)

    def _sync_suggester_box(self) -> None:
        allowed = self.suggestions_seen or self.unlocked
        self.suggester_box.setEnabled(allowed)
        if not allowed:
            self.suggester_box.setChecked(False)
            self.suggester_box.setToolTip("Suggestions are off for this project (blind coding)")

    def _rerun(self) -> None:
        if self.retrieval is not None:
            self.run_retrieval()
        if self.frequencies is not None:
            self.run_frequencies()

    # -- retrieval -----------------------------------------------------------------------

    def _fill_codes(self) -> None:
        self.code_box.clear()
        self.code_box.addItem(ANY, None)
        key = self.field_box.currentData()
        self.code_box.setEnabled(key is not None)
        if key is not None:
            for category in self.codebook.field(key).categories:
                self.code_box.addItem(category.label, category.code)

    def set_criteria(
        self, field: str | None = None, code: str | None = None, *, note=False, low=False
    ) -> None:
        """Fill the form (the window's next-with jumps and tests use it)."""
        self.field_box.setCurrentIndex(max(0, self.field_box.findData(field)))
        self.code_box.setCurrentIndex(max(0, self.code_box.findData(code)))
        self.note_box.setChecked(note)
        self.low_box.setChecked(low)

    def criteria(self) -> Criteria:
        return Criteria(
            self.coders(),
            self.field_box.currentData(),
            self.code_box.currentData(),
            with_note=self.note_box.isChecked(),
            low_confidence=self.low_box.isChecked() and self.low_box.isEnabled(),
            differs_from_suggester=self.suggester_box.isChecked()
            and self.suggester_box.isEnabled(),
        )

    def run_retrieval(self) -> None:
        """Retrieve by the form's criteria; the list appears when the worker answers."""
        self._retrieve(self.criteria(), focus=True)

    def _retrieve(self, criteria: Criteria, *, focus: bool) -> None:
        self._asked = (criteria, focus)
        self._say("Retrieving…", RETRIEVE)
        self.queries.ask(RETRIEVE, lambda project: (retrieve(project, criteria), criteria, focus))

    def _project_changed(self) -> None:
        """A write on the project: the retrieved list (and the counts) read again, by the
        newest criteria asked for (a retrieval still running is overtaken, not undone)."""
        if self._asked is not None:
            criteria, focus = self._asked
            self._retrieve(criteria, focus=focus)
        if self.frequencies is not None:
            self.run_frequencies()

    def _answered(self, tab: int, outcome: TaskOutcome) -> None:
        if outcome.error is not None:
            if tab == RETRIEVE and self._asked is not None:  # nothing to export or focus
                self._export_when_retrieved = False
                self._asked = (self._asked[0], False)
            verb = {RETRIEVE: "retrieve", SEARCH: "search", FREQUENCIES: "count"}[tab]
            self._say(f"Could not {verb}: {outcome.error}", tab)
            return
        show = {
            RETRIEVE: self._show_retrieval,
            SEARCH: self._show_search,
            FREQUENCIES: self._show_frequencies,
        }
        show[tab](*outcome.result)  # type: ignore[misc]
        self.results_shown.emit(tab)

    def _show_retrieval(self, retrieval: Retrieval, criteria: Criteria, focus: bool) -> None:
        self.retrieval, self._asked = retrieval, (criteria, False)
        kept = self.retrieval_view.currentIndex()
        selected, place = kept.data(UnitRole), kept.row()
        units = retrieval.units
        header = ["Unit", "Coder", "Codes", "Note", "Text"]
        suggester = criteria.differs_from_suggester
        header += ["Suggester"] if suggester else []
        rows = []
        for u in units:
            row = [u.unit_key, u.coder, self._codes_text(u.codes), u.note, u.text]
            rows.append([*row, self._codes_text(u.suggested)] if suggester else row)
        keys = [(u.article_id, u.unit_id) for u in units]
        self.retrieval_model.set_rows(header, rows, keys)
        self._say_count(RETRIEVE, len(units), retrieval.truncated, "unit", criteria.describe())
        if focus:
            self._focus_first(self.retrieval_view)
        elif rows and place >= 0:  # the same unit if still listed, else the row in its place
            place = keys.index(selected) if selected in keys else min(place, len(rows) - 1)
            self.retrieval_view.setCurrentIndex(self.retrieval_model.index(place, 0))
        if self._export_when_retrieved:
            self._export_when_retrieved = False
            self.export_retrieval()

    def _codes_text(self, codes: dict[str, str]) -> str:
        parts = []
        for f in self.codebook.fields:
            if f.key in codes:
                category = f.category(codes[f.key])
                parts.append(category.label if category else codes[f.key])
        return " · ".join(parts)

    def export_retrieval(self) -> None:
        """Export the list shown; with none yet, retrieve first and export when it comes."""
        if self.retrieval is None:
            self._export_when_retrieved = True
            self.run_retrieval()
        else:
            header, rows = retrieval_table(self.codebook, self.retrieval.units)
            self._export(header, rows, "retrieved-units.csv", RETRIEVE)

    # -- keyword in context --------------------------------------------------------------

    def run_search(self) -> None:
        """Search every article; the matches appear when the worker answers."""
        text, whole_word = self.search_text.text(), self.whole_word.isChecked()
        self._say("Searching…", SEARCH)
        self.queries.ask(
            SEARCH, lambda project: (search_articles(project, text, whole_word=whole_word), text)
        )

    def _show_search(self, search: KeywordSearch, text: str) -> None:
        self.search = search
        hits = search.hits
        self.search_model.set_rows(
            ["Left context", "Match", "Right context", "Unit", "Article"],
            [[h.left, h.match, h.right, h.unit_key, h.article_title] for h in hits],
            [(h.article_id, h.unit_id) for h in hits],
            {0: Qt.AlignmentFlag.AlignRight},
        )
        self._say_count(SEARCH, len(hits), search.truncated, "match", repr(text))
        self._focus_first(self.search_view)

    def export_search(self) -> None:
        if self.search is not None:
            header, rows = keyword_table(self.search.hits)
            self._export(header, rows, "keyword-in-context.csv", SEARCH)

    # -- frequencies ---------------------------------------------------------------------

    def run_frequencies(self) -> None:
        """Count the field's codes; the table and chart appear when the worker answers."""
        field, by, coders = self.freq_field.currentData(), self.freq_by.currentData(), self.coders()
        label = self.freq_field.currentText()
        self.queries.ask(
            FREQUENCIES,
            lambda project: (code_frequencies(project, field, coders, by), by, label),
        )

    def _show_frequencies(self, table: FrequencyTable, by: str, label: str) -> None:
        self.frequencies = table
        rows = [
            [label, *counts, total]
            for label, counts, total in zip(
                table.labels, table.counts, table.row_totals, strict=True
            )
        ]
        rows.append(["Total", *table.column_totals, table.total])
        numbers = {c: Qt.AlignmentFlag.AlignRight for c in range(1, len(table.groups) + 2)}
        self.freq_model.set_rows(["Code", *table.groups, "Total"], rows, None, numbers)
        self.chart.set_table(table, per_group=by == "coder")
        self._say(f"{table.total} code(s) of {label} counted.", FREQUENCIES)

    # -- shared --------------------------------------------------------------------------

    def finish(self) -> None:
        """The coding window closes: wait for a running query; show nothing after it."""
        self.queries.finish()

    def show_tab(self, tab: int) -> None:
        self.tabs.setCurrentIndex(tab)
        if tab == FREQUENCIES and self.frequencies is None:
            self.run_frequencies()
        focus = {RETRIEVE: self.field_box, SEARCH: self.search_text, FREQUENCIES: self.freq_view}
        self.show()
        self.raise_()
        self.activateWindow()
        focus[tab].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open(self, index: QModelIndex) -> None:
        unit = index.data(UnitRole)
        if unit is not None:
            self.unit_requested.emit(*unit)

    def _focus_first(self, view: QTableView) -> None:
        if view.model().rowCount():
            view.setCurrentIndex(view.model().index(0, 0))
            view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _say_count(self, tab: int, count: int, truncated: bool, noun: str, what: str) -> None:
        plural = noun + ("es" if noun.endswith("h") else "s")
        text = f"{count} {noun if count == 1 else plural}: {what}."
        if truncated:
            text += f" Only the first {count} are listed; narrow the search for the rest."
        elif count:
            text += " Enter or a double-click opens one in the coding window."
        self._say(text, tab)

    def _export(self, header, rows, name: str, tab: int) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export as CSV", name, "CSV (*.csv)")
        if not path:
            return
        try:
            write_table_csv(path, self.project.path, header, rows)
        except AnnotatorError as error:
            self._say(str(error), tab)
            return
        self._say(f"{len(rows)} row(s) written to {path}.", tab)

    def _say(self, text: str, tab: int) -> None:
        """A line under the tabs, kept with the tab it is about."""
        self._said[tab] = text
        if self.tabs.currentIndex() == tab:
            self.status.setText(text)


def _tab(top, results: QWidget) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addLayout(top)
    layout.addWidget(results, 1)
    return page
