"""A coding window and a command-line process code in one project file at the same time
(issue 7): no error or waiting action reaches the coder, nothing is lost, and the history
of each is complete and in order.

The overlap is arranged, not hoped for: both processes open the project and say "ready",
then start together (a start barrier on their standard input). The window stops halfway
("half") until the command has saved a code after the window's first saves, and the
command keeps coding until the window has finished, so the command's writes land among
the window's.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.core.test_concurrency import ROOT, WORKER, history_by_unit, project_codes
from tests.ui.test_gui_crash import WINDOW_BURST, replayed, saved_changes

WAIT = 300  # seconds a step may take on a loaded machine before the test gives up


class Child:
    """A worker process whose output lines are read as they come (a thread per child)."""

    def __init__(self, args: list[str], stderr: Path) -> None:
        self.stderr_path = stderr
        with stderr.open("w") as errors:  # the child keeps its own copy open
            self.process = subprocess.Popen(
                args,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT), "START_BARRIER": "1"},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, wanted: str) -> None:
        """Keep the lines up to and including the first that starts with `wanted`."""
        while True:
            line = self._queue.get(timeout=WAIT)
            assert line is not None, f"exited before {wanted!r}: {self.stderr()}"
            self.lines.append(line)
            if line.startswith(wanted):
                return

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def finish(self) -> int:
        """Wait for the exit, keeping the remaining lines; the exit code."""
        self.process.stdin.close()
        while (line := self._queue.get(timeout=WAIT)) is not None:
            self.lines.append(line)
        return self.process.wait(timeout=WAIT)

    def close(self) -> None:
        """Kill the child if it still runs (a failed step) and release its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=WAIT)
        self._reader.join(timeout=WAIT)
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()

    def stderr(self) -> str:
        return self.stderr_path.read_text()


@pytest.mark.slow
@pytest.mark.sqlite_only  # two processes on one file, its history read with sqlite3
def test_a_window_and_a_command_code_one_file_at_once(tmp_path, project_path):
    window_script = tmp_path / "window_burst.py"
    window_script.write_text(WINDOW_BURST)
    command_script = tmp_path / "command.py"
    command_script.write_text(WORKER)
    window = Child(
        [sys.executable, str(window_script), str(project_path), "7", "600"], tmp_path / "w.err"
    )
    command = Child(
        [sys.executable, str(command_script), str(project_path), "cli", "0", "1"],
        tmp_path / "c.err",
    )
    try:
        window.wait_for("ready")
        command.wait_for("ready")
        window.send("go")
        command.send("go")
        window.wait_for("saved")  # the window has written ...
        window.wait_for("half")
        command.wait_for("saved")  # ... and then the command, while the window waits
        window.send("on")
        window_code = window.finish()
        command.send("stop")
        command_code = command.finish()
    finally:
        for child in (window, command):
            child.close()

    window_err = window.stderr()
    assert window_code == 0 and "TROUBLE" not in window_err, window_err
    assert (command_code, command.stderr()) == (0, "")
    history = history_by_unit(project_path)
    gui = [(u, f, o, n) for u, coder, f, o, n in history if coder == "gui"]
    reported = saved_changes(window.lines)
    assert len(reported) > 100 and gui == reported  # complete and in order
    cli = [line.split()[1:] for line in command.lines if line.startswith("saved ")]
    cli_history = [(u, c, f, o, n) for u, c, f, o, n in history if c in ("cli", "shared")]
    assert len(cli_history) == len(cli) > 50
    rows = [coder for _u, coder, *_rest in history]
    first, last = rows.index("gui"), len(rows) - 1 - rows[::-1].index("gui")
    assert {"cli", "shared"} & set(rows[first:last]), "the two never wrote at the same time"
    codes = project_codes(project_path)
    assert {(u, f): c for (u, coder, f), c in codes.items() if coder == "gui"} == replayed(gui)
