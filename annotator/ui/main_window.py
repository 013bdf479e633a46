"""The coding window: article list, reader, coding panel, codebook dock, menus and status bar.

It composes the pieces and wires keys, menus and the status bar to the
controller; the controller and the coding operations do the work.

The pieces that read the project (controller, operations, suggestions, importer,
backups: all through the database layer) are imported in `_build`, not here: a window
made with `MainWindow.opening` paints its frame (ui.window_frame) before that layer
loads, and opens the project after the first paint.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.log_file import log_unexpected
from annotator.core.store.location import Location, location_stem
from annotator.ui import theme
from annotator.ui.about import show_about
from annotator.ui.coding_panel import CodingPanel
from annotator.ui.empty_project import IMPORT_FILES_KEY, IMPORT_FOLDER_KEY, EmptyProjectPage
from annotator.ui.find.window_find import FindWork
from annotator.ui.find_bar import FindBar
from annotator.ui.keyboard import KeyRouter, article_key, is_typed_text, key_name
from annotator.ui.reference import CheatSheet, CodebookDock, menu_shortcut_rows
from annotator.ui.settings import AppSettings, location_key
from annotator.ui.start_screen import ask_new_project, ask_project_file, recent_project_titles
from annotator.ui.supervisor_work import SupervisorWork
from annotator.ui.window_frame import OPENING, PANE_SIZES, add_toolbar, build_frame

if TYPE_CHECKING:
    from annotator.core.store.project import Project

READING = "Reading the articles…"
MERGE_PROJECTS_KEY = "Ctrl+M"
IMPORT_FILTER = (
    "Articles and archive exports (*.txt *.md *.markdown *.html *.htm *.docx *.pdf *.rtf *.csv)"
    ";;All files (*)"
)


class MainWindow(FindWork, SupervisorWork, QMainWindow):
    """One project, one coder."""

    # File > Open, Open recent, New project: the app opens the project in a window of its
    # own (annotator.ui.app.follow_window_menus), so this window never builds another.
    open_requested = Signal(str)  # a project file or server URL
    create_requested = Signal(str, str, str)  # path, codebook spec, name
    loaded = Signal()  # the article list and the starting article are in (see `load`)
    # A window made by `opening` opened its project (given), or could not (the reason,
    # already shown to the coder; the window then closes).
    opened = Signal(object)
    open_failed = Signal(str)

    def __init__(
        self,
        project: Project | None,
        coder: str,
        settings: AppSettings | None = None,
        *,
        location: Location | None = None,
    ) -> None:
        """A window on an open `project`; or, with project None, the frame of one on
        `location`, which `load` opens (see `opening`)."""
        super().__init__()
        self.project: Project | None = None
        self.coder = coder
        self.settings = settings or AppSettings()
        self.location = project.path if project is not None else location
        self.is_loaded = False
        self._load_scheduled = False
        self._closed = False
        self.user_guide: QWidget | None = None  # Help > User guide, made when first asked
        self.setAcceptDrops(True)
        if project is None:
            assert location is not None, "a window needs a project or its location"
            self.setWindowTitle(f"{location_stem(location)} — {coder} — annotator")
            build_frame(self, self.settings.splitter_state())
            self._restore_geometry()
        else:
            self._build(project)

    @classmethod
    def opening(
        cls, location: Location, coder: str, settings: AppSettings | None = None
    ) -> MainWindow:
        """A window that paints its frame first and opens the project after that paint:
        `opened` (the project) or, having said why, `open_failed` and closes."""
        return cls(None, coder, settings, location=location)

    def _build(self, project: Project) -> None:
        """Everything that reads the project; imported here, see the module docstring."""
        from annotator.ui.backup_timer import DailyBackup
        from annotator.ui.controller import WorkspaceController
        from annotator.ui.import_worker import ImportController
        from annotator.ui.memos import MemoEditing
        from annotator.ui.operations import CodingOperations
        from annotator.ui.project_changes import OutsideChanges, follow
        from annotator.ui.reader_view import ReaderView
        from annotator.ui.status import WorkspaceStatus
        from annotator.ui.suggestions import WindowSuggestions
        from annotator.ui.unit_corrections import UnitCorrections
        from annotator.ui.window_sources import WindowSources

        self.project = project
        coder = self.coder
        self.setWindowTitle(f"{project.name} — {coder} — annotator")
        self.operations = CodingOperations(project, coder, self)
        self.reader = ReaderView(project.codebook)
        self.reader.setStyleSheet(theme.FOCUS_FRAME)
        self.panel = CodingPanel(project.codebook)
        self.controller = WorkspaceController(
            project, self.operations, self.reader, self.panel, self.settings, self
        )
        self.unit_corrections = UnitCorrections(self.controller, self)
        self.memo_editing = MemoEditing(self.controller, self)
        self.suggestions = WindowSuggestions(
            project, self.controller, self.operations, self.panel, self.settings, self
        )
        self.importer = ImportController(project.path, self)
        self.daily_backup = DailyBackup(project, self)
        # Other windows on this project: of this process, heard as they write; of others, polled.
        self._stop_following = follow(
            project.path, self.operations, self.controller.changed_elsewhere
        )
        self.outside_changes = OutsideChanges(project, self)
        self.outside_changes.changed.connect(self.controller.reread_article)
        self.cheat_sheet: CheatSheet | None = None
        self.review_window = None  # opened on demand (SupervisorWork)
        self.dialog: QDialog | None = None  # the supervisor gate, merge or export dialog
        self.confirm_box: QMessageBox | None = None  # asking before dependent codes are cleared
        self.controller.confirm_clearing = self.confirm_clearing
        self.article_key = article_key(project.codebook.shortcuts)
        self.panel.fields.article_key = key_name(self.article_key)
        self.sources = WindowSources(self)  # the sources panel, menu and keys
        self._build_layout()
        self._build_menus()
        self._build_toolbar()
        self.status = WorkspaceStatus(self, coder, self.banner)
        self._connect()
        self.keys = KeyRouter(
            self,
            self._code_keys(),
            self._command_keys(),
            self.escape,
            write_keys=(Qt.Key.Key_Delete, Qt.Key.Key_Backspace, self.suggestions.key),
            may_write=self._focus_where_coding_happens,
            refused=self._write_key_astray,
        )
        self.keys.lists.update((self.article_list, self.sources.panel.table))
        self.keys.lists.add(self.sources.panel.words)
        # The article list and the starting article (which may have thousands of units)
        # are read after the window's first paint (`paintEvent`), so that it shows at once.
        message = self.statusBar().currentMessage()
        if not message or message == OPENING:  # a codebook problem said first stays
            self.statusBar().showMessage(READING)
        self._restore_layout()
        self.reader.setFocus()

    # -- building ----------------------------------------------------------------------

    def _build_layout(self) -> None:
        from annotator.ui.article_facets import ArticleFacets
        from annotator.ui.article_header import ArticleHeader
        from annotator.ui.article_list import ArticleDelegate, ArticleFilterProxy
        from annotator.ui.pane_widths import SpareWidth
        from annotator.ui.user_guide import FirstRunGuide

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 0, 4)
        self.article_filter = QLineEdit(placeholderText="Filter articles…", clearButtonEnabled=True)
        self.unfinished_only = QCheckBox("Not finished only")
        self.article_proxy = ArticleFilterProxy(self)
        self.article_proxy.setSourceModel(self.controller.articles)
        self.article_list = QListView()
        self.article_list.setModel(self.article_proxy)
        self.article_list.setItemDelegate(ArticleDelegate(self.article_list))
        self.article_list.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for framed in (self.article_list, self.unfinished_only):
            framed.setStyleSheet(theme.FOCUS_FRAME)
        self.article_filter.installEventFilter(self)
        self.article_list.installEventFilter(self)
        self.article_list.setUniformItemSizes(True)
        self.article_facets = ArticleFacets(self.controller.articles, self.article_proxy)
        for widget in (
            self.article_filter,
            self.article_facets,
            self.unfinished_only,
            self.article_list,
        ):
            left_layout.addWidget(widget)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        self.banner = QLabel(wordWrap=True)
        self.banner.hide()
        self.find_bar = FindBar()
        self.empty_page = EmptyProjectPage()
        self.empty_page.import_files_requested.connect(self.import_files)
        self.empty_page.import_folder_requested.connect(self.import_folder)
        self.reader_stack = QStackedWidget()
        self.reader_stack.addWidget(self.reader)
        self.reader_stack.addWidget(self.empty_page)
        self.article_header = ArticleHeader()
        reading = QSplitter(Qt.Orientation.Vertical)  # the reader above the sources panel
        reading.addWidget(self.reader_stack)
        reading.addWidget(self.sources.panel)
        reading.setStretchFactor(0, 2)
        reading.setStretchFactor(1, 1)
        for widget in (self.banner, self.article_header, reading, self.find_bar):
            centre_layout.addWidget(widget)
        centre_layout.setStretch(2, 1)
        self.first_run = FirstRunGuide(self.settings)
        self.first_run.guide_requested.connect(self.show_user_guide)
        centre_layout.insertWidget(0, self.first_run)

        panel_scroll = QScrollArea()
        panel_scroll.setWidget(self.panel)
        panel_scroll.setWidgetResizable(True)
        panel_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        panel_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab never stops on it, unseen

        self.splitter = QSplitter()
        self.splitter.setObjectName("main_splitter")
        for widget in (left, centre, panel_scroll):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(True)  # drag a side pane shut on a small screen
        self.splitter.setCollapsible(1, False)  # never the reader
        self.splitter.setSizes(PANE_SIZES)
        self.side_panes = {"list": left, "panel": panel_scroll}
        reader = self.reader
        self.spare_width = SpareWidth(
            self.splitter, lambda: reader.measure_width() + 2 * reader.SIDE_MARGIN
        )
        frame = self.centralWidget()  # a frame shown already: its panes keep their widths
        self.setCentralWidget(self.splitter)
        if isinstance(frame, QSplitter):
            self.splitter.resize(frame.size())
            self.splitter.setSizes(frame.sizes())

        self.codebook_dock = CodebookDock(self.project.codebook, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.codebook_dock)
        self.codebook_dock.hide()

    def _action(self, text: str, slot, shortcut=None, icon: str | None = None) -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(theme.icon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if icon:
            self.named_actions[icon] = action  # the toolbar picks its buttons from these
        return action

    def _build_menus(self) -> None:
        from annotator.ui.operations import undo_redo_actions

        self.named_actions: dict[str, QAction] = {}
        bar = self.menuBar()
        bar.clear()  # the frame's disabled titles (ui.window_frame)
        file_menu = bar.addMenu("&File")
        file_menu.addAction(
            self._action("New project…", self.new_project, QKeySequence.StandardKey.New, "new")
        )
        file_menu.addAction(
            self._action("Open…", self.open_project, QKeySequence.StandardKey.Open, "open")
        )
        self.recent_menu = file_menu.addMenu("Open recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(
            self._action("Import files…", self.import_files, IMPORT_FILES_KEY, "import_files")
        )
        file_menu.addAction(
            self._action("Import folder…", self.import_folder, IMPORT_FOLDER_KEY, "import_folder")
        )
        file_menu.addAction(
            self._action("Merge coders' projects…", self.merge_projects, MERGE_PROJECTS_KEY)
        )
        file_menu.addAction(self._action("Export…", self.export_data, "Ctrl+E"))
        file_menu.addAction(self._action("Update codebook…", self.update_codebook))
        file_menu.addAction(
            self._action(
                "Try saving waiting actions now", self.operations.pending.retry_now, "F5", "retry"
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(
            self._action("Close window", self.close, QKeySequence.StandardKey.Close, "close")
        )
        file_menu.addAction(self._action("Quit", self.quit, "Ctrl+Q", "quit"))
        edit_menu = bar.addMenu("&Edit")
        self.undo_action, self.redo_action = undo_redo_actions(
            self.operations.undo_stack, self, self.operations.may_undo, self._say
        )
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addAction(
            self._action("Clear this unit's codes\tDel", self.controller.clear_unit, None, "clear")
        )
        edit_menu.addAction(self._action("Find in article…", self.open_find, "Ctrl+F", "find"))
        edit_menu.addAction(self._action("Write a note", self.focus_note, "Ctrl+Shift+M"))
        edit_menu.addSeparator()
        edit_menu.addActions(self.unit_corrections.actions())
        edit_menu.addSeparator()
        memo = self.memo_editing
        edit_menu.addAction(
            self._action("Article details and memo…", memo.edit_article, "Ctrl+Shift+D")
        )
        edit_menu.addAction(self._action("Project memo…", memo.edit_project_memo))
        edit_menu.addSeparator()
        self.auto_advance_action = QAction("Auto-advance when a unit is complete", self)
        self.auto_advance_action.setCheckable(True)
        self.auto_advance_action.setChecked(self.settings.auto_advance())
        self.auto_advance_action.toggled.connect(self.settings.set_auto_advance)
        edit_menu.addAction(self.auto_advance_action)

        go_menu = bar.addMenu("&Go")
        c = self.controller
        go_menu.addAction(self._action("Next unit\tDown, J", partial(c.move, 1)))
        go_menu.addAction(self._action("Previous unit\tUp, K", partial(c.move, -1)))
        go_menu.addAction(
            self._action(
                "Next incomplete unit\tEnter, Shift+N", c.next_incomplete, None, "next_incomplete"
            )
        )
        go_menu.addAction(
            self._action("Next article\tPgDown", c.next_article, None, "next_article")
        )
        go_menu.addAction(
            self._action(
                "Previous article\tPgUp",
                partial(c.open_adjacent_article, -1),
                None,
                "previous_article",
            )
        )
        if self.project.codebook.article_fields:
            go_menu.addAction(
                self._action(
                    f"Code the article's fields (and back)\t{key_name(self.article_key)}",
                    c.toggle_article,
                )
            )
        if any(not f.has_categories for f in self.project.codebook.fields):
            go_menu.addAction(
                self._action("Type a value (number, text, date)", self.enter_input, "F2")
            )
        go_menu.addAction(self._action("Filter the articles…", self.focus_filter, "Ctrl+L"))
        self.sources.build_menu(bar)
        view_menu = bar.addMenu("&View")
        self.pane_actions = {}
        for name, text, key in (
            ("list", "Article list", "Ctrl+Shift+L"),
            ("panel", "Coding panel", "Ctrl+Shift+P"),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda shown, pane=name: self.show_pane(pane, shown))
            self.pane_actions[name] = action
            view_menu.addAction(action)
        toggle = self.codebook_dock.toggleViewAction()
        toggle.setIcon(theme.icon("codebook"))
        toggle.setShortcut(QKeySequence("Ctrl+B"))
        view_menu.addAction(toggle)
        self.codebook_toggle = toggle
        view_menu.addAction(self.sources.view_action)
        view_menu.addAction(self._action("Supervisor review…", self.open_review, "Ctrl+R"))
        self._build_find_actions(edit_menu, go_menu, view_menu)
        view_menu.addSeparator()
        self._build_suggestion_actions(view_menu, edit_menu)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(
            self._action("Keyboard shortcuts", self.show_cheat_sheet, "F1", "cheat_sheet")
        )
        help_menu.addAction(self._action("User guide", self.show_user_guide, "Shift+F1"))
        help_menu.addAction(self._action("About annotator", lambda: show_about(self)))

    def _build_suggestion_actions(self, view_menu, edit_menu) -> None:
        """Show suggestions, highlight every unit's cues, accept: off where the project says."""
        from annotator.ui.suggestions import OFF_FOR_PROJECT

        s = self.suggestions
        self.show_suggestions_action = QAction("Show suggestions", self, checkable=True)
        self.show_suggestions_action.setChecked(s.active)
        self.show_suggestions_action.toggled.connect(s.set_shown)
        self.every_unit_action = QAction("Highlight cues in every unit", self, checkable=True)
        self.every_unit_action.setChecked(self.settings.cues_in_every_unit())
        self.every_unit_action.toggled.connect(s.set_every_unit)
        self.accept_action = self._action(f"Accept the suggestion\t{s.key}", s.accept)
        for action in (self.show_suggestions_action, self.every_unit_action, self.accept_action):
            action.setEnabled(s.allowed)
            if not s.allowed and s.suggester is not None:
                action.setToolTip(OFF_FOR_PROJECT)
        view_menu.addActions([self.show_suggestions_action, self.every_unit_action])
        edit_menu.addAction(self.accept_action)

    def _build_toolbar(self) -> None:
        """The commonest commands, with the icons their menu entries carry."""
        toolbar = getattr(self, "toolbar", None) or add_toolbar(self)  # the frame's, if any
        toolbar.clear()  # the frame's blank button
        groups = [
            ["import_files"],
            ["previous_article", "next_article", "next_incomplete"],
            ["undo", "redo", "find"],
            ["cheat_sheet"],
        ]
        self.undo_action.setIcon(theme.icon("undo"))
        self.redo_action.setIcon(theme.icon("redo"))
        self.named_actions.update(undo=self.undo_action, redo=self.redo_action)
        for group in groups:
            if toolbar.actions():
                toolbar.addSeparator()
            toolbar.addActions([self.named_actions[name] for name in group])
        toolbar.insertAction(self.named_actions["cheat_sheet"], self.codebook_toggle)
        for action in toolbar.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            hint = action.text().partition("\t")[2] or keys
            text = action.text().partition("\t")[0].replace("&", "")
            action.setToolTip(f"{text} ({hint})" if hint else text)
        self.toolbar = toolbar

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        here = location_key(self.project.path)
        for location, title in recent_project_titles(self.settings):
            action = self.recent_menu.addAction(title)
            action.setEnabled(location != here)
            action.triggered.connect(partial(self.open_requested.emit, location))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def _code_keys(self) -> dict:
        return {
            key: partial(self.controller.code, field, code)
            for key, (field, code) in self.project.codebook.shortcuts.items()
        }

    def _focus_where_coding_happens(self) -> bool:
        """Code keys act while the reader or the coding panel has the focus (see KeyRouter)."""
        focus = self.focusWidget()
        return focus is not None and (
            focus is self.reader or focus is self.panel or self.panel.isAncestorOf(focus)
        )

    def _write_key_astray(self, event) -> None:
        """A code key with the focus away from the article and the panel codes nothing,
        and the status bar says why."""
        key = event.text() if is_typed_text(event) else QKeySequence(event.key()).toString()
        self.statusBar().showMessage(
            f"Not coded: the key {key} codes only in the article or the coding panel "
            "(Esc goes back to the article).",
            8000,
        )

    def focus_filter(self) -> None:
        """Ctrl+L: to the article filter (showing the list if it was hidden)."""
        if not self.pane_actions["list"].isChecked():
            self.pane_actions["list"].setChecked(True)
        self.article_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.article_filter.selectAll()

    def _command_keys(self) -> dict:
        c = self.controller
        return {
            Qt.Key.Key_Down: partial(c.move, 1),
            "j": partial(c.move, 1),
            Qt.Key.Key_Up: partial(c.move, -1),
            "k": partial(c.move, -1),
            Qt.Key.Key_Return: c.next_incomplete,
            Qt.Key.Key_Enter: c.next_incomplete,
            "N": c.next_incomplete,
            self.article_key: c.toggle_article,
            Qt.Key.Key_PageDown: c.next_article,
            Qt.Key.Key_PageUp: partial(c.open_adjacent_article, -1),
            Qt.Key.Key_Delete: c.clear_unit,
            Qt.Key.Key_Backspace: c.clear_unit,
            self.suggestions.key: self.suggestions.accept,
            "?": self.show_cheat_sheet,
            Qt.Key.Key_F1: self.show_cheat_sheet,
            **self._find_command_keys(),
            **self.sources.command_keys(),
        }

    def _connect(self) -> None:
        c = self.controller
        self.splitter.splitterMoved.connect(self._sync_pane_actions)
        self.article_filter.textChanged.connect(self.article_proxy.set_text)
        self.unfinished_only.toggled.connect(self.article_proxy.set_unfinished_only)
        self.article_list.clicked.connect(self._article_clicked)
        self.article_list.activated.connect(self._article_clicked)
        self.article_filter.returnPressed.connect(self._open_filter_match)
        c.article_opened.connect(self._select_article_in_list)
        c.article_opened.connect(lambda _id: self.article_header.show_summary(c.open_summary()))
        c.progress_changed.connect(self._update_progress)
        c.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.suggestions.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        if self.suggestions.problem:
            self.statusBar().showMessage(self.suggestions.problem, 8000)
        self.status.follow(self.operations)
        self.operations.failed.connect(lambda _reason: QTimer.singleShot(0, c.refresh_current))
        self.operations.notice.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.operations.reconnected.connect(self._reconnected)
        self.daily_backup.written.connect(self._backed_up)
        self.daily_backup.failed.connect(
            lambda reason: self.statusBar().showMessage(f"Backup failed: {reason}", 15000)
        )
        self.find_bar.search_changed.connect(self._find)
        self.find_bar.next_requested.connect(lambda: self._find_step(1))
        self.find_bar.previous_requested.connect(lambda: self._find_step(-1))
        self.find_bar.closed.connect(self._find_closed)
        self.importer.imported.connect(self._articles_imported)
        for said in (self.memo_editing.refused, self.memo_editing.done):
            said.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.unit_corrections.refused.connect(
            lambda text: self.statusBar().showMessage(text, 15000)
        )

    # -- reactions ---------------------------------------------------------------------

    def _article_clicked(self, proxy_index) -> None:
        from annotator.ui.article_list import ArticleIdRole

        self.controller.open_article(proxy_index.data(ArticleIdRole))
        self.reader.setFocus()

    def _open_filter_match(self) -> None:
        """Enter in the filter: open the selected match (else the first) and read it."""
        index = self.article_list.currentIndex()
        if not index.isValid():
            index = self.article_proxy.index(0, 0)
        if index.isValid():
            self._article_clicked(index)

    def eventFilter(self, watched, event) -> bool:
        """Down in the article filter moves into the list of matches; letters typed in
        the list go to the filter (a search word, never codes)."""
        if (
            watched is self.article_list
            and event.type() == QEvent.Type.KeyPress
            and is_typed_text(event)
        ):
            self.article_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.article_filter.insert(event.text())
            return True
        if (
            watched is self.article_filter
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.article_proxy.rowCount()
        ):
            self.article_list.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.article_list.currentIndex().isValid():
                self.article_list.setCurrentIndex(self.article_proxy.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def _select_article_in_list(self, article_id: int) -> None:
        row = self.controller.articles.row_of(article_id)
        if row is None:
            return
        proxy_index = self.article_proxy.mapFromSource(self.controller.articles.index(row))
        if proxy_index.isValid():
            self.article_list.setCurrentIndex(proxy_index)
            self.article_list.scrollTo(proxy_index)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._load_scheduled:
            self._load_scheduled = True
            QTimer.singleShot(0, self.load)  # queued: this paint reaches the screen first

    def load(self) -> None:
        """Read the article list and open the coder's starting article, once.

        Called from the event loop after the first paint; a window that is never shown
        (scripts, some tests) may call it directly.
        """
        if self.is_loaded or self._closed:
            return
        if self.project is None and not self._open_project():
            return
        self.is_loaded = True
        theme.load_icons()  # the first paint went without them (see theme._DeferredGlyph)
        if self.statusBar().currentMessage() == READING:
            self.statusBar().clearMessage()
        self.controller.start()
        self._show_reader_or_empty_page()
        self._show_built_widgets()
        self.loaded.emit()

    def _show_built_widgets(self) -> None:
        """Show now what `_build` put into a window already on screen (the frame's).

        Qt shows a widget added to a visible window on the next turn of the event loop
        (a queued call), so a paint before that would show the window empty, the frame's
        panes gone and the new ones not yet there, for one frame.
        """
        if not self.isVisible():
            return
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for parent in (self, self.statusBar()):
            for child in parent.findChildren(QWidget, options=direct):
                explicit = child.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
                if not (child.isWindow() or child.isVisible() or explicit):
                    child.show()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _open_project(self) -> bool:
        """Open the project of a window made by `opening`; on failure say why in one line
        (as the start screen does), signal it and close."""
        from annotator.core.store.project import Project

        try:
            project = Project.open(self.location)
        except AnnotatorError as error:
            reason = str(error)
        except Exception as error:  # unforeseen: one line here, the traceback in the log
            log = log_unexpected("opening a project", error)
            first_line = (str(error).splitlines() or [""])[0]
            reason = f"{type(error).__name__}: {first_line} (details in {log})"
        else:
            self._build(project)
            self.opened.emit(project)
            return True
        QMessageBox.critical(self, "Cannot open project", reason)
        self._closed = True
        self.open_failed.emit(reason)
        self.close()
        return False

    def _show_reader_or_empty_page(self) -> None:
        """An empty project says how to import articles instead of showing a blank pane."""
        from annotator.core.demo import DEMO_NAME

        empty = self.controller.articles.rowCount() == 0
        self.reader_stack.setCurrentWidget(self.empty_page if empty else self.reader)
        self.first_run.offer(demo=self.project.name == DEMO_NAME, empty=empty)

    def _articles_imported(self, _report) -> None:
        if not self.is_loaded:
            self.load()  # reads the list, with what was just imported
            return
        self.controller.load_articles()
        self._show_reader_or_empty_page()
        if self.controller.article_id is None and self.controller.articles.rowCount():
            self.controller.start()  # the project was empty: open its first article now
        elif self.controller.article_id is not None:
            self._select_article_in_list(self.controller.article_id)

    def _update_progress(self) -> None:
        c = self.controller
        fields_done = None if c.units.article_unit_id is None else not c.units.article_incomplete()
        self.status.show_progress(
            c.open_summary(), c.articles.overall(), article_fields_done=fields_done
        )

    def _say(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _backed_up(self, path: Path | None) -> None:
        if path is not None:
            self.statusBar().showMessage(f"Backup written: {path.name}", 8000)

    def _reconnected(self, saved: int) -> None:
        if saved:
            self.statusBar().showMessage(
                f"The project is back: {saved} waiting action(s) saved.", 8000
            )

    def _find(self, text: str) -> None:
        self.controller.find(text)
        self.find_bar.show_count(self.controller.find_position, len(self.controller.find_rows))

    def _find_step(self, step: int) -> None:
        self.controller.find_step(step)
        self.find_bar.show_count(self.controller.find_position, len(self.controller.find_rows))

    def _find_closed(self) -> None:
        self.controller.clear_find()
        self.reader.setFocus()

    # -- commands ----------------------------------------------------------------------

    def escape(self) -> None:
        """Esc: close the find bar, and in any case return to the article."""
        if self.find_bar.isVisible():
            self.find_bar.close_bar()
        self.panel.flush_note()
        self.reader.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_pane(self, name: str, shown: bool) -> None:
        """View > Article list / Coding panel: hide a side pane to give the reader room."""
        pane = self.side_panes[name]
        pane.setVisible(shown)
        if shown and self.splitter.sizes()[self.splitter.indexOf(pane)] == 0:
            sizes = self.splitter.sizes()
            sizes[self.splitter.indexOf(pane)] = 260
            self.splitter.setSizes(sizes)

    def _sync_pane_actions(self) -> None:
        """A pane dragged shut reads as hidden in the View menu, and back."""
        sizes = self.splitter.sizes()
        for name, pane in self.side_panes.items():
            action = self.pane_actions[name]
            action.blockSignals(True)
            action.setChecked(not pane.isHidden() and sizes[self.splitter.indexOf(pane)] > 0)
            action.blockSignals(False)

    def new_project(self) -> None:
        """File > New project: the start screen's dialog; the app opens the new project."""
        answer = ask_new_project(self)
        if answer is not None:
            self.create_requested.emit(*answer)

    def open_project(self) -> None:
        path = ask_project_file(self)
        if path:
            self.open_requested.emit(path)

    def quit(self) -> None:
        """Ctrl+Q: close every window (each saves its state; one with unsaved actions asks)."""
        QApplication.closeAllWindows()

    def open_find(self) -> None:
        self.find_bar.open_bar()

    def enter_input(self) -> None:
        """F2: into the first number, text or date input of what the keys code (the next
        one when already in one); Enter saves it, Esc leaves it."""
        from annotator.ui.panel_fields import ARTICLE, UNIT

        scope = ARTICLE if self.controller.on_article else UNIT
        inputs = self.panel.fields.visible_inputs(scope)
        if not inputs or self.panel.unit_id is None:
            self.statusBar().showMessage("Nothing to type here: these fields take keys.", 5000)
            return
        focus = self.focusWidget()
        after = inputs.index(focus) + 1 if focus in inputs else 0
        target = inputs[after % len(inputs)]
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        target.selectAll()

    def confirm_clearing(self, fields: list[str], proceed) -> None:
        """Before a change that switches coded conditional fields off: one question naming
        them; OK makes the change (they are cleared with it, one undo brings all back),
        Cancel changes nothing."""
        names = ", ".join(fields)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Clear dependent codes?",
            f"This change clears: {names}.\n\nThey are asked only under the code you are "
            "changing. Ctrl+Z brings the change and them back.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        ok = box.button(QMessageBox.StandardButton.Ok)
        ok.setText("Change and clear")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(
            lambda _result: self._clearing_answered(box.clickedButton() is ok, proceed)
        )
        self.confirm_box = box
        box.open()

    def _clearing_answered(self, agreed: bool, proceed) -> None:
        self.confirm_box = None
        if agreed:
            proceed()
        else:
            self.statusBar().showMessage("Nothing changed.", 5000)

    def focus_note(self) -> None:
        self.panel.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_user_guide(self) -> None:
        from annotator.ui.user_guide import UserGuide

        if self.user_guide is None:
            self.user_guide = UserGuide(self)
        self.user_guide.show()
        self.user_guide.raise_()

    def show_cheat_sheet(self) -> None:
        if self.cheat_sheet is None:
            commands = menu_shortcut_rows(self.menuBar())
            key = key_name(self.article_key)
            self.cheat_sheet = CheatSheet(self.project.codebook, commands, self, key)
        self.cheat_sheet.show()
        self.cheat_sheet.raise_()

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import articles", "", IMPORT_FILTER)
        self.import_paths(paths)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles")
        self.import_paths([folder] if folder else [])

    def import_paths(self, paths: list[str]) -> bool:
        if self.importer.busy:
            self.statusBar().showMessage("An import is already running.", 5000)
            return False
        return self.importer.start(paths)

    # -- drag and drop -----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.project is None:  # a frame: nothing to import into yet
            return
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths and self.import_paths(paths):
            event.acceptProposedAction()

    # -- layout memory and closing -----------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        self.fit_to_screen()

    def _step_off_other_windows(self) -> None:
        """A second window (another coder's, another project's) opens down and to the right
        of one already there, never exactly on top of it where it would hide it."""
        taken = {
            widget.pos()
            for widget in QApplication.topLevelWidgets()
            if widget is not self and isinstance(widget, QMainWindow) and widget.isVisible()
        }
        step = QFontMetrics(self.font()).height() * 2
        position = self.pos()
        while position in taken:
            position += QPoint(step, step)
        if position == self.pos():
            return
        # Smaller by the step where the screen ends, so that fitting keeps the offset.
        available = (QGuiApplication.screenAt(position) or self.screen()).availableGeometry()
        extra = self.frameGeometry().size() - self.size()
        width = min(self.width(), available.right() + 1 - position.x() - extra.width())
        height = min(self.height(), available.bottom() + 1 - position.y() - extra.height())
        self.resize(width, height)
        self.move(position)

    def _restore_layout(self) -> None:
        if not self.isVisible():  # a frame already shown keeps where the coder has it now
            self._restore_geometry()
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.splitter_state()
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self._sync_pane_actions()

    def fit_to_screen(self) -> None:
        """Never larger than the available screen, never off it: a geometry saved on another
        screen or scale factor (2 on a laptop, 1 on the office monitor) is pulled back in."""
        if self.isMaximized() or self.isFullScreen():
            return
        screen = QGuiApplication.screenAt(self.geometry().center()) or self.screen()
        available = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        width = min(self.width(), available.width() - extra_w)
        height = min(self.height(), available.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        x = min(max(frame.left(), available.left()), available.right() + 1 - frame.width())
        y = min(max(frame.top(), available.top()), available.bottom() + 1 - frame.height())
        if (x, y) != (frame.left(), frame.top()):
            self.move(x, y)

    def showEvent(self, event) -> None:
        """Fit again once shown: only now are the window frame's margins known."""
        super().showEvent(event)
        if not getattr(self, "_fitted", False):
            self._fitted = True
            self.fit_to_screen()
            self._step_off_other_windows()  # after fitting: where it really is now

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.project is None:  # a frame whose project never opened: nothing to save
            self._closed = True
            super().closeEvent(event)
            return
        if self.importer.busy and not self.confirm_stopping_import():
            event.ignore()
            return
        self.panel.flush_note()
        if self.operations.pending:
            self.operations.retry()  # one last try before asking
        if self.operations.pending and not self.confirm_losing(len(self.operations.pending)):
            event.ignore()
            return
        self.settings.save_window(self.saveGeometry(), self.saveState(), self.splitter.saveState())
        self.settings.sync()
        self.keys.detach()
        self._stop_following()
        self.outside_changes.stop()
        self.controller.articles.stop_counting()
        if self.review_window is not None:
            self.review_window.close()
        if self.find_dialog is not None:
            self.find_dialog.close()
            self.find_dialog.finish()
        self.importer.finish()
        self.suggestions.finish()
        self.sources.actions.finish()
        self.daily_backup.wait()
        self.operations.finish()
        self._closed = True  # a load still queued has nothing left to read into
        super().closeEvent(event)

    def confirm_stopping_import(self) -> bool:
        """Whether to stop a running import and close (default: no, keep importing)."""
        answer = QMessageBox.question(
            self,
            "Import running",
            f"An import is running ({self.importer.where()}).\n\n"
            "Stop it and close? The articles imported so far stay in the project; "
            "the file being read is finished first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def confirm_losing(self, count: int) -> bool:
        """Whether to close although `count` actions could not be saved (default: no)."""
        answer = QMessageBox.warning(
            self,
            "Actions not saved",
            f"{count} action(s) could not be saved: the project is still out of reach.\n\n"
            "Close anyway and lose them? Choose Cancel to keep the window open while "
            "it keeps trying.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard
