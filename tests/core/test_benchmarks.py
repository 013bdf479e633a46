"""Every benchmark runs, once, at a small size, so none can rot (issue 29: one failed on
an import that had moved and nobody noticed). The figures are not checked here: the
benchmarks print them for a person; this checks that each still runs to its end."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"

# Each benchmark's small run: `--small`, or its own size options set small.
SMALL_RUNS = {
    "bench_agreement.py": "--small",
    "bench_agreement_project.py": "--rows 600",
    "bench_archive_import.py": "--documents 10 --repeat 1",
    "bench_export.py": "--rows 2000 --small 1000",
    "bench_finding.py": "--rows 600",
    "bench_import.py": "--repeat 1 --big 200",
    "bench_import_codes.py": "--megabytes 0.2",
    "bench_merge.py": "--articles 5",
    "bench_save.py": "--saves 10 --articles 40 --units-per-article 5 --codes 2000",
    "bench_scale.py": "--small",
    "bench_segmentation.py": "--small",
    "bench_startup.py": "--runs 1",
    "bench_suggest.py": "--small --end-to-end",
    "bench_suggest_lock.py": "--articles 2",
    "bench_team.py": "--saves 5",  # and on the server too when the tests have one
    "bench_window_visible.py": "--small",
    "bench_workspace.py": "--small",
}


def test_every_benchmark_has_a_small_run():
    assert sorted(p.name for p in BENCHMARKS.glob("bench_*.py")) == sorted(SMALL_RUNS)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SMALL_RUNS))
def test_the_benchmark_runs_at_a_small_size(name, tmp_path):
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *shlex.split(SMALL_RUNS[name])],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,  # only keeps a hang from stopping the suite
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip()
