"""The coding window's menu entries for finding things: a mixin of `MainWindow`.

Edit > Retrieve units, Search all articles and View > Code frequencies open the find
dialog (one per window, kept between uses) on their tab; Go > Go to unit, first and last
unit, next unit with a note or low confidence move in the coding window itself. It uses
the window's project, coder, controller, suggestions and supervisor gate
(`SupervisorWork._as_supervisor`).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from annotator.ui.find.find_dialog import FindDialog
    from annotator.ui.find.navigation import UnitNavigation

RETRIEVE_KEY = "Ctrl+Shift+R"
SEARCH_KEY = "Ctrl+Shift+F"
FREQUENCIES_KEY = "Ctrl+Shift+Q"
GO_TO_UNIT_KEY = "Ctrl+G"
FIRST_UNIT_KEY = "Ctrl+Home"
LAST_UNIT_KEY = "Ctrl+End"
NEXT_NOTE_KEY = "Ctrl+Shift+N"
NEXT_LOW_KEY = "Ctrl+Shift+W"  # W for "weak": Ctrl+Shift+L shows the article list


class FindWork:
    """Finding across the project and jumping between units, for the coding window."""

    find_dialog: FindDialog | None = None
    navigation: UnitNavigation

    def _build_find_actions(self, edit_menu, go_menu, view_menu) -> None:
        from annotator.ui.find.find_dialog import FREQUENCIES, RETRIEVE, SEARCH
        from annotator.ui.find.navigation import UnitNavigation

        self.navigation = nav = UnitNavigation(self.controller, self)
        edit_menu.addAction(
            self._action("Retrieve units…", partial(self.open_finding, RETRIEVE), RETRIEVE_KEY)
        )
        edit_menu.addAction(
            self._action("Search all articles…", partial(self.open_finding, SEARCH), SEARCH_KEY)
        )
        view_menu.addAction(
            self._action(
                "Code frequencies…", partial(self.open_finding, FREQUENCIES), FREQUENCIES_KEY
            )
        )
        go_menu.addSeparator()
        for text, slot, key in (
            ("Go to unit…", nav.ask_number, GO_TO_UNIT_KEY),
            ("First unit\tHome", nav.first, FIRST_UNIT_KEY),
            ("Last unit\tEnd", nav.last, LAST_UNIT_KEY),
            ("Next unit with a note", nav.next_with_note, NEXT_NOTE_KEY),
            ("Next unit with low confidence", nav.next_low_confidence, NEXT_LOW_KEY),
        ):
            go_menu.addAction(self._action(text, slot, key))

    def _find_command_keys(self) -> dict:
        """Home and End without Ctrl, routed like Down and Up (see ui.keyboard)."""
        return {Qt.Key.Key_Home: self.navigation.first, Qt.Key.Key_End: self.navigation.last}

    def open_finding(self, tab: int) -> None:
        """The find dialog on `tab`, made on first use."""
        if self.find_dialog is None:
            from annotator.ui.find.find_dialog import FindDialog

            self.find_dialog = FindDialog(
                self.project,
                self.coder,
                self._as_supervisor,
                suggestions_seen=self.suggestions.allowed,
                unlocked=self.supervisor_unlocked,
                parent=self,
            )
            self.find_dialog.unit_requested.connect(self.open_found_unit)
        self.find_dialog.show_tab(tab)

    def open_found_unit(self, article_id: int, unit_id: int) -> None:
        """A result picked in the find dialog: its unit, current in the coding window,
        with the keyboard on the article (the dialog stays open beside it)."""
        from annotator.ui.find.navigation import open_unit

        open_unit(self.controller, article_id, unit_id)
        self.activateWindow()
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)
