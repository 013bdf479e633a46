"""A coding window and a command-line process code in one project file at the same time
(issue 7): no error or waiting action reaches the coder, nothing is lost, and the history
of each is complete and in order."""

from __future__ import annotations

import sys

import pytest

from tests.core.test_concurrency import WORKER, history_by_unit, project_codes, start_worker
from tests.ui.test_gui_crash import WINDOW_BURST, replayed, saved_changes


@pytest.mark.slow
@pytest.mark.sqlite_only  # two processes on one file, its history read with sqlite3
def test_a_window_and_a_command_code_one_file_at_once(tmp_path, project_path):
    window_script = tmp_path / "window_burst.py"
    window_script.write_text(WINDOW_BURST)
    command_script = tmp_path / "command.py"
    command_script.write_text(WORKER)
    window = start_worker([sys.executable, str(window_script), str(project_path), "7", "600"])
    command = start_worker(
        [sys.executable, str(command_script), str(project_path), "cli", "4", "1"]
    )
    window_out, window_err = window.communicate(timeout=300)
    command_out, command_err = command.communicate(timeout=300)

    assert window.returncode == 0 and "TROUBLE" not in window_err, window_err
    assert (command.returncode, command_err) == (0, "")
    history = history_by_unit(project_path)
    gui = [(u, f, o, n) for u, coder, f, o, n in history if coder == "gui"]
    reported = saved_changes(window_out.splitlines())
    assert len(reported) > 100 and gui == reported  # complete and in order
    cli = [line.split()[1:] for line in command_out.splitlines()]
    cli_history = [(u, c, f, o, n) for u, c, f, o, n in history if c in ("cli", "shared")]
    assert len(cli_history) == len(cli) > 50
    rows = [coder for _u, coder, *_rest in history]
    first, last = rows.index("gui"), len(rows) - 1 - rows[::-1].index("gui")
    assert {"cli", "shared"} & set(rows[first:last]), "the two never wrote at the same time"
    codes = project_codes(project_path)
    assert {(u, f): c for (u, coder, f), c in codes.items() if coder == "gui"} == replayed(gui)
