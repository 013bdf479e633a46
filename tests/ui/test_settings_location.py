"""The tests' settings live in a folder of this test run's own, not in Qt's shared test
location, so two test runs on one machine cannot change each other's remembered coder,
last article or window geometry."""

from __future__ import annotations

from pathlib import Path

from tests.ui import conftest


def test_settings_are_written_in_this_runs_own_folder(clean_settings):
    clean_settings.set_coder_for("/tmp/some.annotator", "zoe")
    clean_settings._settings.sync()
    written = Path(clean_settings._settings.fileName())
    assert written.is_relative_to(conftest._SETTINGS_DIR)
    assert written.exists()
    assert ".qttest" not in written.parts
