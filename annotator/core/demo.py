"""The demo project: the bundled sample articles with the default codebook."""

from __future__ import annotations

from pathlib import Path

from annotator.core.codebook import RESOURCES, bundled_codebook
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project

SAMPLES = RESOURCES / "samples"


def sample_files() -> list[Path]:
    """The plain-text samples (the HTML sample repeats harbor-deal and stays out)."""
    return sorted(SAMPLES.glob("*.txt"))


def build_demo_project(path: str | Path) -> Project:
    """A fresh project at `path` holding the sample articles, ready to code."""
    project = Project.create(path, bundled_codebook(), name="Demo: sample articles")
    import_paths(project, sample_files())
    return project
