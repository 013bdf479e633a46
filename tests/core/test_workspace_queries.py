"""The coding window's read queries, on the sample articles."""

from __future__ import annotations

import ast
from pathlib import Path

from annotator.core.coding import article_views
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_summaries, article_units, last_article_of
from annotator.core.coding.lookups import list_articles, list_units


def test_article_summaries_carry_this_coders_progress_only(sample_project):
    articles = list_articles(sample_project)
    unit = next(u for u in list_units(sample_project, articles[1].key) if u.kind == "sentence")
    full = {"attribution": "unattributed", "claim_type": "fact", "confidence": "low"}
    coding.apply_codes(sample_project, "bob", unit.id, full)
    alice = article_summaries(sample_project, "alice")
    bob = article_summaries(sample_project, "bob")
    assert [s.key for s in alice] == [a.key for a in articles]
    assert [s.complete for s in alice] == [0, 0, 0]
    assert [s.complete for s in bob] == [0, 1, 0]
    assert all(s.total > 0 and not s.finished for s in alice)


def test_article_units_mark_where_paragraphs_start(sample_project):
    article = list_articles(sample_project)[1]  # harbor-deal
    units = article_units(sample_project, article.id)
    assert [u.idx for u in units] == list(range(1, len(units) + 1))
    starts = [u.text for u in units if u.new_block]
    assert starts[0].startswith("Port authority weighs")
    assert starts[1].startswith("The Marenne Port Authority")
    assert starts[2].startswith('"We have received an offer')
    assert "Talks gather pace" in starts
    second = units[2]
    assert second.text.startswith("The proposal") and not second.new_block


def test_last_article_of_a_coder_comes_from_the_history(sample_project):
    articles = list_articles(sample_project)
    assert last_article_of(sample_project, "alice") is None
    for article in (articles[2], articles[0]):
        unit = next(u for u in list_units(sample_project, article.key) if u.kind == "sentence")
        coding.code_unit(sample_project, "alice", unit.id, "attribution", "named_person")
    assert last_article_of(sample_project, "alice") == articles[0].id
    assert last_article_of(sample_project, "bob") is None


def test_never_imports_qt():
    tree = ast.parse(Path(article_views.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith("PySide6") for name in imported)
