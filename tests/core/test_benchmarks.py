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
# Benchmarks of a team project: their small run is against the test server.
SERVER_RUNS = {"bench_scale_server.py": "--small"}


def test_every_benchmark_has_a_small_run():
    names = sorted(p.name for p in BENCHMARKS.glob("bench_*.py"))
    assert names == sorted(SMALL_RUNS | SERVER_RUNS)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SMALL_RUNS))
def test_the_benchmark_runs_at_a_small_size(name, tmp_path):
    done = run_benchmark(name, shlex.split(SMALL_RUNS[name]), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(SERVER_RUNS))
def test_the_server_benchmark_runs_at_a_small_size(name, server_url, tmp_path):
    arguments = [*shlex.split(SERVER_RUNS[name]), "--server", server_url, "--explain"]
    done = run_benchmark(name, arguments, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "key, coder, RLS: p99" in done.stdout  # it measured on the server, under RLS
    assert "`annotator info`" in done.stdout  # and ran to its last row


def run_benchmark(name: str, arguments: list[str], folder: Path) -> subprocess.CompletedProcess:
    """The benchmark in a fresh process, its temporary files in `folder`."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(folder)}
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,  # only keeps a hang from stopping the suite
    )
