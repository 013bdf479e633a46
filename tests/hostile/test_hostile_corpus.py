"""The generated hostile corpus through `annotator import` (issue 14): each file is
imported whole or refused in one line naming it, the others go in regardless, nothing
is half stored, and memory stays under the stated bound.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from annotator.cli.output import EXIT_USER_ERROR
from annotator.core.errors import one_line
from annotator.core.ingest.readers import MAX_FILE_BYTES, path_label
from tests.hostile.make_corpus import build_corpus, flood_command
from tests.hostile.support import (
    PEAK_MEMORY_BOUND,
    SAFETY_TIMEOUT,
    new_project,
    run_measured,
    stored,
)

resource = pytest.importorskip("resource")  # getrusage: POSIX only


def test_every_hostile_file_is_imported_whole_or_refused_in_one_line(tmp_path):
    corpus_folder = tmp_path / "corpus"
    corpus_folder.mkdir()
    corpus = build_corpus(corpus_folder)
    project = new_project(tmp_path / "hostile.annotator")

    finished, peak = run_measured("import", "--json", str(project), str(corpus_folder))

    assert "Traceback" not in finished.stderr, finished.stderr
    assert finished.returncode == EXIT_USER_ERROR, finished.stderr
    report = json.loads(finished.stdout)
    assert report["duplicates"] == []
    articles, units, wrong = stored(project)
    assert wrong == []
    assert (len(articles), units) == (len(report["imported"]), report["units"])
    refused = 0
    for path, expected in corpus.items():
        label = path_label(path)
        lines = [line for line in report["failures"] if line.startswith(f"{one_line(label)}: ")]
        if expected.imported:
            assert lines == [], label
            mine = [a for source, a in articles.items() if source.split(" row ")[0] == label]
            assert len(mine) == 1, label  # a CSV file holds one article here, in row 2
            assert all(part in mine[0].text for part in expected.contains), label
        else:
            refused += 1
            assert len(lines) == 1, (label, report["failures"])
            assert all(word in lines[0] for word in expected.contains), lines[0]
            assert label not in articles
    assert len(report["failures"]) == refused
    assert all("\n" not in line for line in report["failures"])
    assert peak < PEAK_MEMORY_BOUND, f"peak {peak / 2**20:.0f} MB"


def test_standard_input_far_past_the_limit_is_refused_with_bounded_memory(tmp_path):
    """600 MB through a pipe: once read whole (3 GB for `head -c 3G /dev/zero`), now
    no further than the limit and a byte."""
    project = new_project(tmp_path / "stdin.annotator")
    flood = subprocess.Popen(flood_command(600 * 2**20), stdout=subprocess.PIPE)
    try:
        finished, peak = run_measured("import", str(project), "-", stdin=flood.stdout.fileno())
    finally:
        flood.stdout.close()
        flood.wait(timeout=SAFETY_TIMEOUT)
    assert finished.stderr.splitlines() == [
        f"<stdin>: too large (over the limit of {MAX_FILE_BYTES:,} bytes)"
    ]
    assert finished.returncode == EXIT_USER_ERROR
    assert stored(project)[:2] == ({}, 0)
    assert peak < PEAK_MEMORY_BOUND, f"peak {peak / 2**20:.0f} MB"
