"""Shared fixtures: real projects built through the core, never hand-written tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.codebook import bundled_codebook
from annotator.core.project import Project

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_TEXTS = sorted(DATA.glob("*.txt"))


@pytest.fixture
def empty_project(tmp_path: Path):
    project = Project.create(tmp_path / "empty.annotator", bundled_codebook())
    yield project
    project.close()


@pytest.fixture
def sample_project(tmp_path: Path):
    """The three sample articles imported with the default codebook."""
    from annotator.core.importing import import_paths

    project = Project.create(tmp_path / "samples.annotator", bundled_codebook())
    report = import_paths(project, SAMPLE_TEXTS)
    assert not report.failures
    yield project
    project.close()
