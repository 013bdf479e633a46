"""The memory bound of the hostile tests is the child's own: a test process that has
grown large (late in a whole-suite run) must not make every child seem large too."""

from __future__ import annotations

import sys

import pytest

from tests.hostile.support import run_measured

LARGE = 600 * 1024 * 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork semantics")
def test_a_large_test_process_does_not_count_in_the_childs_peak():
    ballast = bytearray(b"x") * LARGE  # written, so resident
    finished, peak = run_measured("--version")
    assert finished.returncode == 0, finished.stderr
    assert len(ballast) == LARGE
    assert 0 < peak < LARGE // 2
