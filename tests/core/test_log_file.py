"""Unexpected failures: one line for the user, the traceback in the log file (issue 11)."""

from __future__ import annotations

import os
from pathlib import Path

from annotator import cli
from annotator.cli import coding as coding_commands
from annotator.core import log_file


def _log() -> Path:
    return Path(os.environ["ANNOTATOR_LOG_DIR"]) / log_file.FILE_NAME


def test_an_unforeseen_error_in_a_command_is_one_line_and_a_logged_traceback(
    sample_project, monkeypatch, capsys
):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk controller on fire\nsecond line")

    monkeypatch.setattr(coding_commands.lookups, "list_units", broken)
    code = cli.main(["units", str(sample_project.path)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_SOFTWARE
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "RuntimeError: disk controller on fire" in err and str(_log()) in err
    logged = _log().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "disk controller on fire" in logged and "in broken" in logged


def test_the_log_folder_follows_the_override_and_is_made_on_demand(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_LOG_DIR", str(tmp_path / "logs"))
    try:
        path = log_file.start_log_file()
        assert path == tmp_path / "logs" / log_file.FILE_NAME and not path.exists()
        log_file.log_unexpected("test", ValueError("boom"))
        assert "ValueError: boom" in path.read_text(encoding="utf-8")
        assert log_file.current_log_file() == path
    finally:
        monkeypatch.undo()
        log_file.start_log_file()  # back to the suite's log folder
