"""The reliability sample: how large it must be, and which articles it holds.

`make_plan` puts the figures (sample_size) and the draw (draw) together for one project;
`save_plan` keeps it in the project (settings) so `assign` gives every article in it to
every coder, and `saved_sample` reads it back.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from annotator.core.errors import ProjectError
from annotator.core.store.models import utcnow
from annotator.core.store.project import Project
from annotator.core.study.articles import ArticleFacts, article_facts, mean_units
from annotator.core.study.draw import Stratify, draw_articles, stratum_of
from annotator.core.study.sample_size import (
    SmallestShare,
    articles_needed,
    required_units,
    share_from_codebook,
)
from annotator.core.study.settings import PLAN_KEY, read_setting, write_setting


@dataclass(frozen=True)
class ReliabilityPlan:
    """The figures of a reliability sample and the articles drawn for it."""

    alpha_min: float
    p: float
    p_c: float
    p_c_basis: str
    units_needed: int
    mean_units_per_article: float
    articles_needed: int
    articles_in_project: int
    units_in_project: int
    stratify: Stratify | None
    seed: int
    articles: list[ArticleFacts] = field(default_factory=list)
    strata: dict[str, int] = field(default_factory=dict)  # drawn articles per stratum

    @property
    def units_drawn(self) -> int:
        return sum(a.units for a in self.articles)

    @property
    def short_of_units(self) -> bool:
        """The whole project holds fewer units than the sample needs."""
        return self.units_in_project < self.units_needed

    def to_dict(self) -> dict:
        figures = asdict(self)
        figures["mean_units_per_article"] = round(self.mean_units_per_article, 3)
        figures["units_drawn"] = self.units_drawn
        figures["short_of_units"] = self.short_of_units
        figures["articles"] = [
            {"key": a.key, "sha256": a.sha256, "units": a.units} for a in self.articles
        ]
        return figures


def new_seed() -> int:
    """A seed for a draw the user gave none for (printed, so the draw can be repeated)."""
    return random.SystemRandom().randrange(1, 10**6)


def make_plan(
    project: Project,
    alpha_min: float,
    p: float,
    share: SmallestShare | None = None,
    stratify: Stratify | None = None,
    seed: int | None = None,
) -> ReliabilityPlan:
    """Units and articles needed for `alpha_min` at level `p`, and a seeded draw of them.

    P_c is `share`, or estimated from the codebook (`share_from_codebook`). The draw takes
    the articles needed at the project's mean units per article; when the articles drawn
    hold fewer units than needed (short articles drawn), more are drawn one at a time from
    the same seeded order until they suffice or the project runs out.
    """
    share = share or share_from_codebook(project.codebook)
    units = required_units(alpha_min, p, share.p_c)
    articles = article_facts(project)
    mean = mean_units(articles)
    needed = min(articles_needed(units, mean), len(articles))
    seed = new_seed() if seed is None else seed
    drawn = draw_articles(articles, needed, seed, stratify)
    while sum(a.units for a in drawn) < units and len(drawn) < len(articles):
        drawn = draw_articles(articles, len(drawn) + 1, seed, stratify)
    strata: dict[str, int] = {}
    if stratify is not None:
        name_of = stratum_of(stratify)
        for article in drawn:
            strata[name_of(article)] = strata.get(name_of(article), 0) + 1
    return ReliabilityPlan(
        alpha_min=alpha_min,
        p=p,
        p_c=share.p_c,
        p_c_basis=share.basis,
        units_needed=units,
        mean_units_per_article=mean,
        articles_needed=needed,
        articles_in_project=len(articles),
        units_in_project=sum(a.units for a in articles),
        stratify=stratify,
        seed=seed,
        articles=drawn,
        strata=dict(sorted(strata.items())),
    )


def save_plan(project: Project, plan: ReliabilityPlan) -> None:
    """Keep the plan (figures and the drawn articles) in the project."""
    write_setting(project, PLAN_KEY, {**plan.to_dict(), "saved_at": utcnow().isoformat()})


def saved_sample(project: Project) -> list[str] | None:
    """The sha256 of every article of the saved reliability sample, or None when no plan
    was saved."""
    saved = read_setting(project, PLAN_KEY)
    if saved is None:
        return None
    try:
        return [str(article["sha256"]) for article in saved["articles"]]
    except (KeyError, TypeError):
        raise ProjectError(
            f"{project.label}: setting {PLAN_KEY} is damaged (no list of articles)"
        ) from None
