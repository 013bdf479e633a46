"""The demo project: the bundled sample articles with the default codebook."""

from __future__ import annotations

from contextlib import ExitStack
from importlib.resources import as_file
from importlib.resources.abc import Traversable
from pathlib import Path

from annotator.core.codebook import RESOURCES, bundled_codebook
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project

SAMPLES = RESOURCES / "samples"
DEMO_NAME = "Demo: sample articles"  # the window offers the first-run guide on it


def sample_resources() -> list[Traversable]:
    """The plain-text samples (the HTML sample repeats harbor-deal and stays out)."""
    return sorted(
        (entry for entry in SAMPLES.iterdir() if entry.name.endswith(".txt")),
        key=lambda entry: entry.name,
    )


def build_demo_project(path: str | Path) -> Project:
    """A fresh project at `path` holding the sample articles, ready to code."""
    project = Project.create(path, bundled_codebook(), name=DEMO_NAME)
    # as_file gives each resource a real path for the importer, which reads files; an
    # installed package on disk hands back its own files, a zipped one temporary copies.
    with ExitStack() as stack:
        paths = [stack.enter_context(as_file(entry)) for entry in sample_resources()]
        import_paths(project, paths)
    return project
