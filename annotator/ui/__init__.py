"""The PySide6 coding window, start screen and dialogs; everything Qt lives here."""
