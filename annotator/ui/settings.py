"""Every QSettings read and write of the app, in one wrapper with typed defaults.

Keeping the keys in one place means a setting is renamed once and tests can
reset them all; tests switch QStandardPaths to test mode so no real settings
are touched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from annotator.core.store.location import is_server_url, without_password

MAX_RECENT = 10


class AppSettings:
    """Typed access to the user's settings; per-project values are keyed by the project's path."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings()

    # -- window layout -------------------------------------------------------------

    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def splitter_state(self) -> QByteArray | None:
        return self._bytes("window/splitter")

    def save_window(self, geometry: QByteArray, state: QByteArray, splitter: QByteArray) -> None:
        self._settings.setValue("window/geometry", geometry)
        self._settings.setValue("window/state", state)
        self._settings.setValue("window/splitter", splitter)

    def review_geometry(self) -> QByteArray | None:
        return self._bytes("review/geometry")

    def set_review_geometry(self, geometry: QByteArray) -> None:
        self._settings.setValue("review/geometry", geometry)

    # -- behaviour -----------------------------------------------------------------

    def auto_advance(self) -> bool:
        return self._bool("coding/auto_advance", True)

    def set_auto_advance(self, on: bool) -> None:
        self._settings.setValue("coding/auto_advance", on)

    def suggestions_shown(self) -> bool:
        """Whether this user sees machine suggestions (off for blind coding)."""
        return self._bool("coding/suggestions", True)

    def set_suggestions_shown(self, on: bool) -> None:
        self._settings.setValue("coding/suggestions", on)

    def cues_in_every_unit(self) -> bool:
        """Whether the reader highlights cues and sources in every unit, not only the current."""
        return self._bool("view/cues_in_every_unit", False)

    def set_cues_in_every_unit(self, on: bool) -> None:
        self._settings.setValue("view/cues_in_every_unit", on)

    def first_run_dismissed(self) -> bool:
        """Whether the user dismissed the first-run guide (for every project)."""
        return self._bool("help/first_run_dismissed", False)

    def set_first_run_dismissed(self) -> None:
        self._settings.setValue("help/first_run_dismissed", True)

    # -- projects ------------------------------------------------------------------

    def recent_projects(self) -> list[str]:
        value = self._settings.value("projects/recent", [])
        if isinstance(value, str):  # QSettings gives a bare string for a one-item list
            value = [value]
        return [str(item) for item in value or []]

    def add_recent_project(self, path: str | Path) -> None:
        text = _location_key(path)
        recent = [text, *(p for p in self.recent_projects() if p != text)]
        self._settings.setValue("projects/recent", recent[:MAX_RECENT])

    def remove_recent_project(self, path: str) -> None:
        self._settings.setValue("projects/recent", [p for p in self.recent_projects() if p != path])

    def coder_for(self, project_path: str | Path) -> str | None:
        value = self._settings.value(f"{_project_group(project_path)}/coder")
        return str(value) if value else None

    def set_coder_for(self, project_path: str | Path, coder: str) -> None:
        self._settings.setValue(f"{_project_group(project_path)}/coder", coder)
        self._settings.setValue("coder/last", coder)

    def last_coder(self) -> str | None:
        """The coder name given most recently for any project (the demo codes as them)."""
        value = self._settings.value("coder/last")
        return str(value) if value else None

    def last_article(self, project_path: str | Path, coder: str) -> str | None:
        """The key of the article this coder last had open in this project."""
        value = self._settings.value(f"{_project_group(project_path)}/last_article/{_safe(coder)}")
        return str(value) if value else None

    def set_last_article(self, project_path: str | Path, coder: str, article_key: str) -> None:
        group = _project_group(project_path)
        self._settings.setValue(f"{group}/last_article/{_safe(coder)}", article_key)

    # -- helpers -------------------------------------------------------------------

    def sync(self) -> None:
        self._settings.sync()

    def clear(self) -> None:
        self._settings.clear()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _bool(self, key: str, default: bool) -> bool:
        value = self._settings.value(key, default)
        if isinstance(value, str):  # ini files store booleans as text
            return value.lower() in ("true", "1", "yes")
        return bool(value)


def _project_group(project_path: str | Path) -> str:
    """Paths hold slashes, which QSettings reads as groups; a digest gives one key per project."""
    resolved = _location_key(project_path)
    return "project/" + hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]


def _location_key(location: str | Path) -> str:
    """A file's absolute path, or a server URL without its password (never stored)."""
    if is_server_url(location):
        return str(without_password(location))
    return str(Path(location).resolve())


def _safe(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def location_key(location: str | Path) -> str:
    """How the recent-projects list names a location (to compare one with it)."""
    return _location_key(location)
