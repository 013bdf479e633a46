"""Importing into a project: stable identity, duplicates, and no half-imported articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from annotator.core.coding.lookups import list_articles, list_units
from annotator.core.errors import ProjectError
from annotator.core.ingest import into_project
from annotator.core.ingest.into_project import article_sha256, import_paths, import_stdin
from annotator.core.store.models import Article, Unit

DATA = Path(__file__).resolve().parents[1] / "data"
GOLD = json.loads((DATA / "segmentation-gold.json").read_text(encoding="utf-8"))


def counts(project) -> tuple[int, int]:
    with project.reading() as session:
        return (
            session.exec(select(func.count()).select_from(Article)).one(),
            session.exec(select(func.count()).select_from(Unit)).one(),
        )


def test_imported_units_reproduce_the_gold_segmentation(sample_project):
    for article in list_articles(sample_project):
        gold = GOLD[f"{article.key}.txt"]
        rows = list_units(sample_project, article.key)
        assert [(r.kind, r.start, r.end, r.text) for r in rows] == [
            (g["kind"], g["start"], g["end"], g["text"]) for g in gold
        ]
        assert article.sha256 == article_sha256((DATA / f"{article.key}.txt").read_text("utf-8"))


def test_the_same_text_gets_the_same_identity_in_two_projects(project_location, sample_project):
    from annotator.core.codebook import bundled_codebook
    from annotator.core.store.project import Project

    with Project.create(project_location("other.annotator"), bundled_codebook()) as other:
        import_paths(other, [DATA / "border-talks.txt"])
        mine = {
            (r.article_sha256, r.start, r.end) for r in list_units(sample_project, "border-talks")
        }
        theirs = {(r.article_sha256, r.start, r.end) for r in list_units(other, "border-talks")}
    assert mine == theirs


def test_importing_an_article_twice_skips_it_and_says_so(sample_project):
    before = counts(sample_project)
    report = import_paths(sample_project, [DATA / "harbor-deal.txt"])
    assert report.imported == []
    assert report.duplicates == [
        f"{DATA / 'harbor-deal.txt'}: already in the project as harbor-deal; skipped"
    ]
    assert counts(sample_project) == before


def test_bad_files_are_reported_and_the_rest_goes_in(tmp_path, empty_project):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    report = import_paths(empty_project, [empty, binary, DATA / "vaccine-plant.txt"])
    assert report.imported == ["vaccine-plant"]
    assert len(report.failures) == 2
    assert report.failures[0].startswith(f"{empty}: ")
    assert report.failures[1].startswith(f"{binary}: ")
    assert all("\n" not in line for line in report.failures)
    assert counts(empty_project)[0] == 1


def test_a_failure_while_storing_leaves_no_half_written_article(monkeypatch, empty_project):
    """If the unit rows cannot be written, the article row must not stay behind either.

    A repeated span breaks the units' unique constraint in the database itself, after
    the article row went in, in the same transaction.
    """
    real_units = into_project.article_units

    def repeating_units(article):
        spans = real_units(article)
        return [*spans, spans[-1]]

    monkeypatch.setattr(into_project, "article_units", repeating_units)
    with pytest.raises(ProjectError, match="could not save"):
        import_paths(empty_project, [DATA / "harbor-deal.txt"])
    assert counts(empty_project) == (0, 0)


def test_keys_are_unique_and_readable(tmp_path, empty_project):
    first = tmp_path / "a" / "Harbor Deal.txt"
    second = tmp_path / "b" / "Harbor Deal.txt"
    for path, extra in ((first, ""), (second, " Again.")):
        path.parent.mkdir()
        path.write_text(f"Title here\n\nSome sentence.{extra}\n", encoding="utf-8")
    report = import_paths(empty_project, [tmp_path])
    assert report.imported == ["harbor-deal", "harbor-deal-2"]


def test_standard_input_and_folders(tmp_path, empty_project):
    report = import_stdin(empty_project, b"From stdin\n\nIt works. Really.")
    assert report.imported == ["stdin"] or len(report.imported) == 1
    assert [r.text for r in list_units(empty_project)] == ["From stdin", "It works.", "Really."]


def test_slugify():
    assert into_project.slugify("Café Policy: (2026) Review!") == "cafe-policy-2026-review"
    assert into_project.slugify("???") == "article"


def test_a_batch_gives_distinct_keys_and_positions_to_articles_of_one_title(empty_project):
    """Keys and positions handed out in one transaction, before any row of it is written."""
    import_stdin(empty_project, b"id,title,text\nharbor deal,T,An older story.\n", "csv")
    batch = b"id,title,text\nHarbor Deal,T,First text.\nharbor-deal,T,Second text.\n"
    report = import_stdin(empty_project, batch, "csv")
    assert report.imported == ["harbor-deal-2", "harbor-deal-3"]
    assert [a.key for a in list_articles(empty_project)] == [
        "harbor-deal",
        "harbor-deal-2",
        "harbor-deal-3",
    ]
    assert report.units == 4
