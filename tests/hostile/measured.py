"""The command line in a process of its own, reporting its peak memory (issue 14).

The peak is the child's maximum resident set size (resource.getrusage), everything the
process held: the interpreter, the libraries, the parsed documents. It is measured in a
fresh process so that nothing the test process allocated counts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The stated bound (README, "Hostile files"): an import of any of the hostile corpus, the
# fuzzed samples or 600 MB of standard input peaks below this. A plain import of the
# samples peaks near 150 MB; the 20 MB file limit and the 40 MB .docx limit keep the rest
# well below it.
PEAK_MEMORY_BOUND = 400 * 1024 * 1024
SAFETY_TIMEOUT = 600  # seconds: only so that a hang ends the run; never a timing check

_CHILD = """
import json, resource, sys
from annotator.cli import main
try:
    code = main(sys.argv[2:])
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(sys.argv[1], "w") as out:
        json.dump(peak if sys.platform == "darwin" else peak * 1024, out)
sys.exit(code)
"""


def run_measured(
    *args: str, stdin: int | None = None
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `annotator ARGS` (standard input from the file descriptor `stdin`, if given);
    returns the finished process and its peak memory in bytes."""
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak.json"
        finished = subprocess.run(
            [sys.executable, "-c", _CHILD, str(peak_file), *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=SAFETY_TIMEOUT,
        )
        peak = json.loads(peak_file.read_text()) if peak_file.exists() else 0
    return finished, peak
