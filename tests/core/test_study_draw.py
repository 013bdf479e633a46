"""The reliability sample's draw: seeded, proportional to strata, whole."""

from __future__ import annotations

from annotator.core.study.articles import ArticleFacts
from annotator.core.study.draw import NO_DATE, allocate, draw_articles, stratum_of


def _articles() -> list[ArticleFacts]:
    """60 invented articles: 30 from the Daily, 20 from the Courier, 10 from the Post;
    over three months."""
    outlets = ["Daily"] * 30 + ["Courier"] * 20 + ["Post"] * 10
    return [
        ArticleFacts(i, f"a{i:03}", f"{i:064x}", outlet, f"2026-0{1 + i % 3}-15", 10)
        for i, outlet in enumerate(outlets)
    ]


def test_same_seed_same_draw_other_seed_other_draw():
    articles = _articles()
    first = draw_articles(articles, 12, seed=7, by="outlet")
    assert first == draw_articles(list(reversed(articles)), 12, seed=7, by="outlet")
    assert first != draw_articles(articles, 12, seed=8, by="outlet")
    assert draw_articles(articles, 12, seed=7) == draw_articles(articles, 12, seed=7)


def test_stratified_draw_is_proportional():
    drawn = draw_articles(_articles(), 12, seed=3, by="outlet")
    by_outlet = {
        name: sum(1 for a in drawn if a.outlet == name) for name in ("Daily", "Courier", "Post")
    }
    assert by_outlet == {"Daily": 6, "Courier": 4, "Post": 2}
    assert len({a.key for a in drawn}) == 12


def test_largest_remainder_rounding():
    """Quotas 10 * (5, 3, 2) / 10 are whole; 7 * (5, 3, 2) / 10 = 3.5, 2.1, 1.4: floors
    3, 2, 1 leave one, which goes to the largest remainder (.5)."""
    assert allocate({"a": 5, "b": 3, "c": 2}, 10) == {"a": 5, "b": 3, "c": 2}
    assert allocate({"a": 5, "b": 3, "c": 2}, 7) == {"a": 4, "b": 2, "c": 1}
    assert sum(allocate({"x": 1, "y": 1, "z": 1}, 2).values()) == 2


def test_month_strata():
    month = stratum_of("month")
    article = _articles()[0]
    assert month(article) == "2026-01"
    undated = ArticleFacts(1, "k", "s", None, "last spring", 3)
    assert month(undated) == NO_DATE
    drawn = draw_articles(_articles(), 9, seed=1, by="month")
    assert sorted(month(a) for a in drawn) == ["2026-01"] * 3 + ["2026-02"] * 3 + ["2026-03"] * 3


def test_more_than_there_are_draws_all():
    assert len(draw_articles(_articles(), 500, seed=1, by="outlet")) == 60
