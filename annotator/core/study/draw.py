"""A seeded random sample of articles, optionally stratified by outlet or by month.

Stratified draws allocate the sample proportionally to each stratum's size, rounding by
the largest-remainder (Hamilton) method so the parts add up to the sample size exactly;
within a stratum the articles are drawn by `random.Random(seed)` from the key-sorted list,
so the same seed over the same articles draws the same sample on any machine.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from typing import Literal

from annotator.core.study.articles import ArticleFacts

Stratify = Literal["outlet", "month"]
STRATA: tuple[Stratify, ...] = ("outlet", "month")
NO_OUTLET = "(no outlet)"
NO_DATE = "(no date)"
_MONTH = re.compile(r"^(\d{4}-\d{2})(?:-\d{2})?")


def stratum_of(by: Stratify) -> Callable[[ArticleFacts], str]:
    """The function naming an article's stratum: its outlet, or the month it was published
    (YYYY-MM of an ISO date); articles without one share a stratum of their own."""
    if by == "outlet":
        return lambda article: (article.outlet or "").strip() or NO_OUTLET

    def month(article: ArticleFacts) -> str:
        found = _MONTH.match((article.published or "").strip())
        return found.group(1) if found else NO_DATE

    return month


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Split `n` among strata in proportion to their sizes (largest remainder).

    Each stratum gets the whole part of its quota; the units left go one each to the
    strata with the largest fractional parts (ties: the larger stratum, then the name).
    """
    total = sum(sizes.values())
    n = min(n, total)
    if total == 0:
        return dict.fromkeys(sizes, 0)
    quotas = {name: n * size / total for name, size in sizes.items()}
    shares = {name: math.floor(quota) for name, quota in quotas.items()}
    left = n - sum(shares.values())
    order = sorted(sizes, key=lambda name: (-(quotas[name] - shares[name]), -sizes[name], name))
    for name in order[:left]:
        shares[name] += 1
    return shares


def draw_articles(
    articles: Sequence[ArticleFacts], n: int, seed: int, by: Stratify | None = None
) -> list[ArticleFacts]:
    """`n` articles drawn at random (all of them when `n` is larger), in key order."""
    ordered = sorted(articles, key=lambda a: a.key)
    rng = random.Random(seed)
    if by is None:
        return sorted(rng.sample(ordered, min(n, len(ordered))), key=lambda a: a.key)
    name_of = stratum_of(by)
    strata: dict[str, list[ArticleFacts]] = {}
    for article in ordered:
        strata.setdefault(name_of(article), []).append(article)
    shares = allocate({name: len(members) for name, members in strata.items()}, n)
    drawn: list[ArticleFacts] = []
    for name in sorted(strata):
        drawn += rng.sample(strata[name], shares[name])
    return sorted(drawn, key=lambda a: a.key)
