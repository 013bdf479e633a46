"""Agreement on sources: which coders found which sources, and how alike they coded them.

Coders do not share source units the way they share sentences: each lists the sources
she finds. Before sources can be compared field by field they are matched across coders
(the unitizing step), then measured like any unit field:

- **Matching.** Two coders' lists of one article are paired by `match_sources`
  (coding/source_matching.py: evidence = overlapping mentions plus shared linked units,
  one to one, strongest first; after PARC 3.0 and PolNeAR, where two annotations of a
  source agree when their spans overlap).
- **Clusters, for three or more coders** (`cluster_sources`). Every pair of coders is
  matched; each matched pair is an edge weighted by its evidence. Edges join sources
  strongest first (ties: the earlier first mention, then the coders' and the lists'
  order), and an edge is skipped when its two clusters already hold a source of one same
  coder, so a cluster holds at most one source per coder. This is single-link clustering
  under a cannot-link constraint (Wagstaff, Cardie, Rogers and Schroedl 2001,
  "Constrained k-means clustering with background knowledge": two sources of one coder
  are never one source); with two coders it is exactly `match_sources`.
- **Who took part.** A coder took part in an article when she listed a source in it or
  coded one of its units; only articles two or more chosen coders took part in count,
  and a coder who took part but listed no source found none there (0, not missing).
- **Figures.** Per coder: sources found, matched (in a cluster with another coder's
  source) and unmatched; per pair of coders: each one's sources in their shared
  articles, the pairs matched and the leftovers. Each source field's statistics
  (`agreement_report`, Krippendorff's alpha at the codebook's level with its bootstrap
  interval, Cohen's kappa per pair, ...) over the matched clusters (units: clusters
  holding two or more coders' sources; the value: each coder's code of her source). The
  number of sources per article, as an interval variable over the articles (units:
  articles; values: each coder's count). Unmatched sources are listed as disagreements
  (article, coder, label).

Machines (the suggester's proposed list) are coders like any other here, marked as
machines as the unit report marks them, so machine against human stands in each pair's
kappa and counts. The consensus is left out unless named: it is the adjudicated version,
not an independent coder. Everything here reads; nothing writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from sqlmodel import Session, col, select

from annotator.core.agreement.bootstrap import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED
from annotator.core.agreement.field_details import (
    FieldDetails,
    set_agreement,
    text_agreement,
)
from annotator.core.agreement.from_project import machine_coders, marked_machines
from annotator.core.agreement.project_codes import CodedTable, check_named, field_data, field_sets
from annotator.core.agreement.reliability_data import ReliabilityData
from annotator.core.agreement.report import FieldAgreement, agreement_report
from annotator.core.codebook import Codebook, Scope
from annotator.core.coding.source_lists import SourceEntry, SourceList
from annotator.core.coding.source_matching import match_sources
from annotator.core.coding.sources_service import stored_lists
from annotator.core.field_values import FieldType
from annotator.core.store.models import (
    Article,
    Code,
    Coder,
    Source,
    Unit,
    saved_id,
)
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, OUTSIDE_THE_STUDY, Role

SOURCES_PER_ARTICLE = "sources per article"
CLUSTER_RULE = (
    "each pair of coders matched by overlapping mentions and shared linked units (one to "
    "one, strongest first); matched pairs joined into clusters strongest first, at most "
    "one source per coder in a cluster"
)

Cluster = dict[str, str]
"""One source across coders: coder -> the uid of her source (at most one per coder)."""


@dataclass(frozen=True)
class CoderSourceCounts:
    """One coder's sources in the articles compared, and how many found a match."""

    coder: str
    machine: bool
    found: int
    matched: int

    @property
    def unmatched(self) -> int:
        return self.found - self.matched

    def to_dict(self) -> dict[str, object]:
        return {
            "coder": self.coder,
            "machine": self.machine,
            "found": self.found,
            "matched": self.matched,
            "unmatched": self.unmatched,
        }


@dataclass(frozen=True)
class PairSourceCounts:
    """Two coders over the articles both took part in: what each found, what was paired."""

    coder_a: str
    coder_b: str
    articles: int
    found_a: int
    found_b: int
    matched: int

    def to_dict(self) -> dict[str, object]:
        return {
            "coder_a": self.coder_a,
            "coder_b": self.coder_b,
            "articles": self.articles,
            "found_a": self.found_a,
            "found_b": self.found_b,
            "matched": self.matched,
            "only_a": self.found_a - self.matched,
            "only_b": self.found_b - self.matched,
        }


@dataclass(frozen=True)
class UnmatchedSource:
    """A source one coder found that no other coder's source matches: a disagreement."""

    article_key: str
    coder: str
    uid: str
    label: str

    def to_dict(self) -> dict[str, str]:
        return {
            "article": self.article_key,
            "coder": self.coder,
            "uid": self.uid,
            "label": self.label,
        }


@dataclass(frozen=True)
class SourceAgreement:
    """Every figure of agreement on sources (see the module docstring)."""

    coders: tuple[str, ...]
    machine_coders: tuple[str, ...]
    n_articles: int
    n_clusters: int  # matched clusters: two or more coders' sources
    per_coder: tuple[CoderSourceCounts, ...]
    pairs: tuple[PairSourceCounts, ...]
    fields: dict[str, FieldAgreement]
    details: dict[str, FieldDetails]
    sources_per_article: FieldAgreement | None
    unmatched: tuple[UnmatchedSource, ...]
    rule: str = CLUSTER_RULE

    def label(self, coder: str) -> str:
        return f"{coder} (machine)" if coder in self.machine_coders else coder

    @property
    def has_sources(self) -> bool:
        """Whether any compared coder listed a source: without one there is nothing to
        report (coders who coded sentences and no source are not a sources study)."""
        return any(c.found for c in self.per_coder)

    def table_fields(self) -> dict[str, FieldAgreement]:
        """The reports the agreement table (tables.py) lists after the unit fields: each
        source field (its key is its own: no unit field shares one), then sources per
        article."""
        extra = dict(self.fields)
        if self.sources_per_article is not None:
            extra[SOURCES_PER_ARTICLE] = self.sources_per_article
        return extra

    def to_dict(self) -> dict[str, object]:
        per_article = self.sources_per_article
        return {
            "coders": list(self.coders),
            "machine_coders": list(self.machine_coders),
            "articles": self.n_articles,
            "matched_sources": self.n_clusters,
            "matching_rule": self.rule,
            "per_coder": [c.to_dict() for c in self.per_coder],
            "pairs": [p.to_dict() for p in self.pairs],
            "fields": {key: report.to_dict() for key, report in self.fields.items()},
            "details": {key: d.to_dict() for key, d in self.details.items()},
            "sources_per_article": None if per_article is None else per_article.to_dict(),
            "unmatched": [u.to_dict() for u in self.unmatched],
        }


@dataclass
class ArticleLists:
    """The chosen coders' source lists of one article that two or more took part in."""

    article_id: int
    key: str
    lists: dict[str, SourceList] = field(default_factory=dict)


# -- the rule -----------------------------------------------------------------------------


def cluster_sources(lists: Mapping[str, SourceList]) -> list[Cluster]:
    """Every source of the coders' lists of one article in one cluster (the module
    docstring's rule), clusters in reading order (earliest first mention first)."""
    coders = list(lists)
    edges = []
    for i, j in combinations(range(len(coders)), 2):
        a, b = coders[i], coders[j]
        for pair in match_sources(lists[a], lists[b]).pairs:
            first = _first_start([lists[a].source(pair.first), lists[b].source(pair.second)])
            edges.append((-pair.evidence, first, i, j, (a, pair.first), (b, pair.second)))
    edges.sort(key=lambda edge: edge[:4])
    found: dict[tuple[str, str], Cluster] = {
        (coder, s.uid): {coder: s.uid} for coder in coders for s in lists[coder].sources
    }
    for *_, one, other in edges:
        left, right = found[one], found[other]
        if left is right or left.keys() & right.keys():
            continue
        left.update(right)
        for member in right.items():
            found[member] = left
    unique = list({id(c): c for c in found.values()}.values())
    order = {coder: i for i, coder in enumerate(coders)}

    def place(cluster: Cluster) -> tuple:
        entries = [lists[coder].source(uid) for coder, uid in cluster.items()]
        coder = min(cluster, key=order.__getitem__)
        position = [s.uid for s in lists[coder].sources].index(cluster[coder])
        return (_first_start(entries), order[coder], position)

    return sorted(unique, key=place)


def _first_start(entries: Sequence[SourceEntry]) -> int:
    starts = [m.start for s in entries if (m := s.first_mention()) is not None]
    return min(starts, default=0)


# -- reading ------------------------------------------------------------------------------


def compared_articles(
    project: Project, coders: Sequence[str] | None = None, only: int | None = None
) -> list[ArticleLists]:
    """The articles two or more chosen coders took part in (or only the article `only`),
    in reading order, with each such coder's source list (empty when she listed none).
    The lists are read in a few queries for all articles at once
    (`sources_service.stored_lists`)."""
    with project.reading() as session:
        names = _chosen(session, coders)
        by_id = {id_: name for name, id_ in _coder_ids(session).items() if name in names}
        listed = select(Source.article_id, Source.coder_id).distinct()
        coded = (
            select(Unit.article_id, Code.coder_id)
            .join(Unit, col(Unit.id) == Code.unit_id)
            .distinct()
        )
        if only is not None:  # one article: read its rows only
            listed = listed.where(Source.article_id == only)
            coded = coded.where(Unit.article_id == only)
        taking_part: dict[int, set[str]] = {}
        for query in (listed, coded):
            for article_id, coder_id in session.exec(query):
                if coder_id in by_id:
                    taking_part.setdefault(article_id, set()).add(by_id[coder_id])
        ordered = select(Article.id, Article.key).order_by(col(Article.position), col(Article.id))
        if only is not None:
            ordered = ordered.where(Article.id == only)
        articles = session.exec(ordered).all()
        stored = {
            (article_id, by_id[coder_id]): listed
            for (article_id, coder_id), listed in stored_lists(session, by_id, only).items()
        }
    result = []
    for found_id, key in articles:
        who = taking_part.get(saved_id(found_id), set())
        if len(who) < 2:
            continue
        article = ArticleLists(saved_id(found_id), key)
        for name in names:  # the chosen coders' order
            if name in who:
                article.lists[name] = stored.get((article.article_id, name), SourceList())
        result.append(article)
    return result


def _coder_ids(session: Session) -> dict[str, int]:
    return {name: saved_id(id_) for name, id_ in session.exec(select(Coder.name, Coder.id))}


def _chosen(session: Session, coders: Sequence[str] | None) -> list[str]:
    """The named coders (checked), or every coder of the study but the consensus."""
    rows = session.exec(select(Coder.name, Coder.role)).all()
    if coders is None:
        return sorted(
            name
            for name, role in rows
            if role not in OUTSIDE_THE_STUDY and role != Role.CONSENSUS and name != CONSENSUS
        )
    check_named({name for name, _ in rows}, coders)
    return list(coders)


# -- figures ------------------------------------------------------------------------------


def source_agreement(
    project: Project,
    coders: Sequence[str] | None = None,
    *,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> SourceAgreement:
    """Agreement on sources of the chosen coders (default: every coder but the consensus)."""
    articles = compared_articles(project, coders)
    return measured(
        project.codebook,
        articles,
        list(coders) if coders is not None else None,
        machine_coders(project),
        bootstrap_samples=bootstrap_samples,
        seed=seed,
    )


def measured(
    codebook: Codebook,
    articles: Sequence[ArticleLists],
    coders: list[str] | None,
    machines: frozenset[str],
    *,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> SourceAgreement:
    """The figures from the articles' lists (pure: no database)."""
    names = coders or sorted({c for a in articles for c in a.lists})
    units: dict[str, dict[str, dict[str, str]]] = {}
    found = dict.fromkeys(names, 0)
    matched = dict.fromkeys(names, 0)
    unmatched: list[UnmatchedSource] = []
    for article in articles:
        for number, cluster in enumerate(cluster_sources(article.lists), start=1):
            for coder in cluster:
                found[coder] += 1
                if len(cluster) >= 2:
                    matched[coder] += 1
            if len(cluster) >= 2:
                units[f"{article.key}/{number}"] = {
                    coder: dict(article.lists[coder].source(uid).codes)
                    for coder, uid in cluster.items()
                }
            else:
                ((coder, uid),) = cluster.items()
                label = article.lists[coder].source(uid).label
                unmatched.append(UnmatchedSource(article.key, coder, uid, label))
    table = CodedTable(codebook, names, {Scope.SOURCE: units})
    fields: dict[str, FieldAgreement] = {}
    details: dict[str, FieldDetails] = {}
    for book_field in codebook.source_fields:
        key, kind = book_field.key, book_field.type
        text = sets = None
        if kind is FieldType.TEXT:
            text = text_agreement(field_data(table, key), bootstrap_samples, seed)
        elif kind is FieldType.MULTIPLE:
            unit_ids, who, values = field_sets(table, key)
            codes = [c.code for c in book_field.categories]
            sets = set_agreement(key, unit_ids, who, values, codes, bootstrap_samples, seed)
        else:
            report = agreement_report(field_data(table, key), None, bootstrap_samples, seed)
            fields[key] = marked_machines(report, machines)
        details[key] = FieldDetails(key, str(kind), str(Scope.SOURCE), text=text, sets=sets)
    return SourceAgreement(
        coders=tuple(names),
        machine_coders=tuple(n for n in names if n in machines),
        n_articles=len(articles),
        n_clusters=len(units),
        per_coder=tuple(CoderSourceCounts(n, n in machines, found[n], matched[n]) for n in names),
        pairs=tuple(_pair_counts(articles, a, b) for a, b in combinations(names, 2)),
        fields=fields,
        details=details,
        sources_per_article=_per_article(articles, names, machines, bootstrap_samples, seed),
        unmatched=tuple(unmatched),
    )


def _pair_counts(articles: Sequence[ArticleLists], a: str, b: str) -> PairSourceCounts:
    shared = [x for x in articles if a in x.lists and b in x.lists]
    return PairSourceCounts(
        a,
        b,
        len(shared),
        sum(len(x.lists[a].sources) for x in shared),
        sum(len(x.lists[b].sources) for x in shared),
        sum(len(match_sources(x.lists[a], x.lists[b]).pairs) for x in shared),
    )


def _per_article(
    articles: Sequence[ArticleLists],
    names: list[str],
    machines: frozenset[str],
    bootstrap_samples: int,
    seed: int,
) -> FieldAgreement | None:
    """The number of sources each coder found per article, an interval variable."""
    if not articles:
        return None
    values = [
        [str(len(x.lists[n].sources)) if n in x.lists else None for x in articles] for n in names
    ]
    data = ReliabilityData(
        SOURCES_PER_ARTICLE, [x.key for x in articles], names, values, "interval"
    )
    return marked_machines(agreement_report(data, None, bootstrap_samples, seed), machines)
