"""A CSV export written by two processes (export/halves.py) is the file one process writes.

The projects here are small; `SPLIT_MIN_ARTICLES` is lowered so that they are split. The
second process is the real one (`python -m annotator.core.export.second_half`) unless a
test replaces it with a script that fails on purpose.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
import test_export_support as support
from sqlalchemy import text
from sqlmodel import select

from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.errors import AnnotatorError
from annotator.core.export import ExportOptions, export, halves
from annotator.core.store.models import Article, Code, Unit


@pytest.fixture
def project(tmp_path, monkeypatch):
    project = support.sample_project(tmp_path / "halves.annotator")
    yield project
    project.close()


@pytest.fixture
def split(monkeypatch):
    """Split every export of at least two articles; record the second processes started."""
    monkeypatch.setattr(halves, "SPLIT_MIN_ARTICLES", 2)
    started: list[subprocess.Popen] = []
    real = halves._start

    def start():
        process = real()
        started.append(process)
        return process

    monkeypatch.setattr(halves, "_start", start)
    return started


def one_process(project, path, options, **kwargs):
    """The export as a single process writes it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(halves, "SPLIT_MIN_ARTICLES", 10**9)
        return export(project, path, options, **kwargs)


def parts_left(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("layout", halves.SPLIT_LAYOUTS)
@pytest.mark.parametrize("values", ["codes", "labels"])
def test_two_processes_write_the_bytes_one_process_writes(project, split, tmp_path, layout, values):
    options = ExportOptions(layout, values)
    single = one_process(project, tmp_path / "one.csv", options, bom=True)
    seen: list[tuple[int, int]] = []
    double = export(
        project,
        tmp_path / "two.csv",
        options,
        bom=True,
        progress=lambda d, t, _: seen.append((d, t)),
    )
    assert len(split) == 1 and split[0].returncode == 0  # the second process did its half
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert double.rows == single.rows and double.versions == single.versions
    assert seen[-1][0] == seen[-1][1]  # progress ends at the total, never beyond it
    assert all(done <= total for done, total in seen)
    assert parts_left(tmp_path) == []


def test_small_projects_and_other_formats_stay_in_one_process(project, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(halves, "_start", lambda: started.append(1))
    export(project, tmp_path / "small.csv", ExportOptions("long"))  # 3 articles: too few
    monkeypatch.setattr(halves, "SPLIT_MIN_ARTICLES", 2)
    export(project, tmp_path / "articles.csv", ExportOptions("articles"))
    export(project, tmp_path / "long.xlsx", ExportOptions("long"))
    assert started == []


def test_codes_the_second_half_leaves_out_are_counted(project, split, tmp_path):
    last = lookups.list_articles(project)[-1]
    with project.writing() as session:  # a code written around the app, in the last article
        session.execute(text("DROP TRIGGER code_in_codebook_on_update"))
        code = session.exec(
            select(Code)
            .join(Unit, Unit.id == Code.unit_id)
            .where(Unit.article_id == last.id, Unit.kind == "sentence")
            .where(Code.field == "attribution")
        ).first()
        code.code = "no_such_code"
        session.add(code)
    single = one_process(project, tmp_path / "one.csv", ExportOptions("long"))
    double = export(project, tmp_path / "two.csv", ExportOptions("long"))
    assert split[0].returncode == 0
    assert single.skipped.total == 1
    assert double.skipped.counts == single.skipped.counts
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_both_halves_export_the_project_as_it_was_when_the_export_began(project, split, tmp_path):
    """A code saved while the export runs is in neither half, whichever it belongs to."""
    before = one_process(project, tmp_path / "before.csv", ExportOptions("long"))
    units = [u for u in lookups.list_units(project) if u.kind == "sentence"]
    saved = []

    def save_once(done, total, _):
        if not saved:  # after the first chunk: both readers have their state by now
            coding.apply_codes(project, "latecomer", units[-1].id, {"attribution": "unattributed"})
            coding.apply_codes(project, "alice", units[0].id, {"attribution": "unattributed"})
            saved.append(done)

    export(project, tmp_path / "during.csv", ExportOptions("long"), progress=save_once)
    assert saved and split[0].returncode == 0
    assert (tmp_path / "during.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()
    assert before.rows > 0
    after = one_process(project, tmp_path / "after.csv", ExportOptions("long"))
    assert after.rows > before.rows  # the save itself did land


def test_no_commit_lands_between_the_two_first_reads(project, split, tmp_path, monkeypatch):
    held = []
    real = halves.SecondHalf.same_snapshot

    def checked(self, project_):
        with real(self, project_):
            other = sqlite3.connect(project.path, timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
                held.append(True)
            finally:
                other.close()
            yield

    monkeypatch.setattr(halves.SecondHalf, "same_snapshot", _as_context(checked))
    export(project, tmp_path / "two.csv", ExportOptions("long"))
    assert held == [True] and split[0].returncode == 0


def _as_context(generator):
    from contextlib import contextmanager

    return contextmanager(generator)


FAILING = {
    "cannot start": "import sys; sys.exit(3)",
    "fails after its snapshot": (
        "import sys\n"
        "sys.stdin.readline(); print('ready', flush=True)\n"
        "sys.stdin.readline(); print('reading', flush=True)\n"
        "print('units 5', flush=True); print('error OSError: disk full', flush=True)\n"
        "sys.exit(1)\n"
    ),
    "dies without a word": (
        "import os, sys\n"
        "sys.stdin.readline(); print('ready', flush=True)\n"
        "sys.stdin.readline(); print('reading', flush=True)\n"
        "os._exit(9)\n"
    ),
}


@pytest.mark.parametrize("how", FAILING)
def test_a_failing_second_process_leaves_its_half_to_the_first(project, tmp_path, monkeypatch, how):
    monkeypatch.setattr(halves, "SPLIT_MIN_ARTICLES", 2)
    started: list[subprocess.Popen] = []

    def start():
        process = subprocess.Popen(
            [sys.executable, "-c", FAILING[how]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    monkeypatch.setattr(halves, "_start", start)
    single = one_process(project, tmp_path / "one.csv", ExportOptions("wide"))
    seen: list[int] = []
    double = export(
        project,
        tmp_path / "two.csv",
        ExportOptions("wide"),
        progress=lambda d, t, _: seen.append(d),
    )
    assert started and started[0].returncode != 0
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert double.rows == single.rows
    assert seen == sorted(seen)  # progress never goes back, whoever writes the rest
    assert parts_left(tmp_path) == []


def test_cancelling_stops_the_second_process_and_leaves_no_file(project, split, tmp_path):
    target = tmp_path / "cancelled.csv"
    result = export(project, target, ExportOptions("long"), progress=lambda d, t, _: False)
    assert result.cancelled and not target.exists()
    assert split[0].poll() is not None  # stopped, not left running
    assert parts_left(tmp_path) == []


def test_a_selection_is_split_between_its_own_articles(project, split, tmp_path):
    with project.reading() as session:
        keys = session.exec(select(Article.key).order_by(Article.position)).all()
    options = ExportOptions("long", articles=(keys[0], keys[2]))
    one_process(project, tmp_path / "one.csv", options)
    export(project, tmp_path / "two.csv", options)
    assert split[0].returncode == 0
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_a_refused_export_stops_the_second_process_at_once(project, split, tmp_path):
    with pytest.raises(AnnotatorError, match="no article 'nowhere'"):
        export(project, tmp_path / "x.csv", ExportOptions("long", articles=("nowhere",) * 3))
    assert split and split[0].poll() is not None
    assert parts_left(tmp_path) == []
