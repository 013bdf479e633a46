"""Reviewing sources: the coders' source lists of an article side by side, and settling
the consensus list.

The rows are the clusters of agreement on sources (agreement/source_agreement.py: each
pair of coders matched through overlapping mentions and shared linked units, matched
pairs joined strongest first, at most one source per coder), so a row is one source as
the coders see it; a source no other coder matched has a row of its own. The consensus
list (the `consensus` coder's, written only here and by nobody else) is placed on the
rows by the same evidence, summed over a row's sources: strongest first, one consensus
source per row; a consensus source that matches no row gets its own.

The supervisor's decisions, each one transaction through the sources' write path
(coding/sources_service.py) as the consensus, with history naming the supervisor:

- `take_source`: a coder's source becomes the row's consensus source (its label,
  mentions, codes and the units linked to it), replacing what the row held;
- `set_consensus_code`: one field of a consensus source set or cleared;
- `remove_consensus_source`: the consensus source leaves the list;
- `edit_consensus`: any other edit of source_lists.py (the command line's --coder
  consensus: rename, merge, link, ...);
- `restore`: an edit taken back (undo) or made again (redo), refused when the list
  changed since.

Who may decide is the door's business, as for unit codes: the review window opens only
through the supervisor gate (its passphrase), and on a team server the consensus rows
are writable by the supervisor's role only (row-level security).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from annotator.core.agreement.source_agreement import cluster_sources, compared_articles
from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.source_lists import SourceEntry, SourceList
from annotator.core.coding.source_matching import evidence
from annotator.core.coding.sources_service import ArticleUnits, SourceEdit
from annotator.core.errors import CodingError
from annotator.core.store.models import Article, Origin
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision.adjudication import decision_origin, ensure_consensus_coder


@dataclass(frozen=True)
class ReviewRow:
    """One source across the coders: each chosen coder's source (None: she has none on
    this row), the consensus source placed on it, and the fields the coders differ on."""

    sources: dict[str, SourceEntry | None]
    consensus: SourceEntry | None
    disagreeing: frozenset[str]

    @property
    def found_by(self) -> list[str]:
        return [coder for coder, entry in self.sources.items() if entry is not None]

    @property
    def matched(self) -> bool:
        return len(self.found_by) >= 2

    @property
    def label(self) -> str:
        """The row's name: the consensus label, else the first coder's."""
        entry = self.consensus or next(e for e in self.sources.values() if e is not None)
        return entry.label


@dataclass(frozen=True)
class SourceReview:
    """An article's source lists side by side (see the module docstring)."""

    article_id: int
    article_key: str
    coders: tuple[str, ...]
    fields: tuple[str, ...]  # the codebook's source fields, in order
    rows: tuple[ReviewRow, ...]

    @property
    def unmatched(self) -> int:
        return sum(1 for row in self.rows if row.found_by and not row.matched)

    @property
    def settled(self) -> int:
        return sum(1 for row in self.rows if row.consensus is not None)


@dataclass(frozen=True)
class ReviewedArticle:
    """An article two or more chosen coders took part in, as the article list shows it."""

    article_id: int
    key: str
    sources: int  # rows: sources across the coders
    unmatched: int
    disagreeing: int  # matched rows whose coders differ on a field


def reviewed_articles(
    project: Project, coders: Sequence[str] | None = None
) -> list[ReviewedArticle]:
    """Every article two or more of the chosen coders took part in and at least one listed
    a source in, in reading order."""
    result = []
    for article in compared_articles(project, coders):
        review = _review(project, article.article_id, article.key, article.lists, SourceList())
        rows = [row for row in review.rows if row.found_by]
        if not rows:
            continue  # the coders coded its sentences and listed no source
        result.append(
            ReviewedArticle(
                article.article_id,
                article.key,
                len(rows),
                review.unmatched,
                sum(1 for row in rows if row.disagreeing),
            )
        )
    return result


def review_article(
    project: Project, article_id: int, coders: Sequence[str] | None = None
) -> SourceReview:
    """The chosen coders' lists of one article side by side, with the consensus list."""
    with project.reading() as session:
        key = session.exec(select(Article.key).where(col(Article.id) == article_id)).first()
    if key is None:
        raise CodingError(f"no article with id {article_id}")
    found = compared_articles(project, coders, only=article_id)  # its rows only
    coder_lists = found[0].lists if found else {}
    consensus = sources.read_list(project, article_id, CONSENSUS)
    return _review(project, article_id, key, coder_lists, consensus)


def _review(
    project: Project,
    article_id: int,
    key: str,
    coder_lists: dict[str, SourceList],
    consensus: SourceList,
) -> SourceReview:
    clusters = cluster_sources(coder_lists)
    placed = _place_consensus(clusters, coder_lists, consensus)
    fields = tuple(f.key for f in project.codebook.source_fields)
    rows = []
    for index, cluster in enumerate(clusters):
        entries = {
            coder: coder_lists[coder].source(cluster[coder]) if coder in cluster else None
            for coder in coder_lists
        }
        chosen = placed.get(index)
        rows.append(
            ReviewRow(
                entries,
                consensus.source(chosen) if chosen else None,
                _disagreeing(entries.values(), fields),
            )
        )
    on_rows = set(placed.values())
    for entry in consensus.sources:
        if entry.uid not in on_rows:
            rows.append(ReviewRow(dict.fromkeys(coder_lists), entry, frozenset()))
    return SourceReview(article_id, key, tuple(coder_lists), fields, tuple(rows))


def _disagreeing(entries, fields: tuple[str, ...]) -> frozenset[str]:
    """The fields that two or more coders coded differently on one row."""
    coded = [e.codes for e in entries if e is not None]
    return frozenset(
        key for key in fields if len({codes[key] for codes in coded if key in codes}) > 1
    )


def _place_consensus(
    clusters: list[dict[str, str]], coder_lists: dict[str, SourceList], consensus: SourceList
) -> dict[int, str]:
    """Row index -> the consensus source on it: evidence summed over the row's sources,
    strongest first, one to one (ties: the list's order, then the rows')."""
    candidates = []
    for i, entry in enumerate(consensus.sources):
        for row, cluster in enumerate(clusters):
            weight = sum(
                evidence(consensus, entry, coder_lists[coder], coder_lists[coder].source(uid))
                for coder, uid in cluster.items()
            )
            if weight > 0:
                candidates.append((-weight, i, row, entry.uid))
    candidates.sort()
    placed: dict[int, str] = {}
    for _, _, row, uid in candidates:
        if row not in placed and uid not in placed.values():
            placed[row] = uid
    return placed


# -- decisions ----------------------------------------------------------------------------


def take_source(
    project: Project,
    article_id: int,
    coder: str,
    uid: str,
    *,
    replacing: str | None = None,
    supervisor: str | None = None,
) -> SourceEdit:
    """`coder`'s source `uid` becomes a consensus source (in place of `replacing`, the
    row's consensus source, which keeps its id): label, mentions, codes, and the units
    linked to it, each at the same place among the unit's sources where it can be."""
    taken = sources.read_list(project, article_id, coder)
    source = taken.source(uid)

    def change(consensus: SourceList, _units: ArticleUnits) -> str:
        new_uid = replacing or _free_uid(consensus, source.uid)
        if replacing is not None:
            lists.remove_source(consensus, replacing)
        consensus.sources.append(
            SourceEntry(new_uid, source.label, set(source.mentions), dict(source.codes))
        )
        for unit in taken.linked_units(uid):
            lists.link(consensus, unit, new_uid, first=taken.links[unit][0] == uid)
        return new_uid

    return edit_consensus(project, article_id, change, supervisor)


def take_into_row(
    project: Project,
    article_id: int,
    coder: str,
    uid: str,
    *,
    coders: Sequence[str] | None = None,
    supervisor: str | None = None,
) -> SourceEdit:
    """`take_source` in place of the consensus source on the row of `coder`'s source."""
    shown = review_article(project, article_id, coders)
    row = next((r for r in shown.rows if (e := r.sources.get(coder)) and e.uid == uid), None)
    if row is None:
        raise CodingError(f"{coder} has no source {uid!r} in {shown.article_key}")
    replacing = row.consensus.uid if row.consensus is not None else None
    return take_source(project, article_id, coder, uid, replacing=replacing, supervisor=supervisor)


def set_consensus_code(
    project: Project,
    article_id: int,
    uid: str,
    field: str,
    value: str | None,
    *,
    supervisor: str | None = None,
) -> SourceEdit:
    """One source field of a consensus source set (a value as typed) or cleared (None)."""
    return edit_consensus(
        project,
        article_id,
        lambda consensus, _units: lists.code(consensus, uid, project.codebook, {field: value}),
        supervisor,
    )


def remove_consensus_source(
    project: Project, article_id: int, uid: str, *, supervisor: str | None = None
) -> SourceEdit:
    """A consensus source leaves the list, with its codes and links."""
    return edit_consensus(
        project,
        article_id,
        lambda consensus, _units: lists.remove_source(consensus, uid),
        supervisor,
    )


def restore(project: Project, done: SourceEdit) -> SourceEdit:
    """Write back the consensus list before `done`, only if it is still what `done` left
    (an undo); returns the edit that takes this one back (the redo)."""
    ensure_consensus_coder(project)
    return sources.replace_list(
        project,
        done.article_id,
        CONSENSUS,
        done.before,
        expect=done.after,
        origin=Origin.UNDO,
        reserved=CONSENSUS,
    )


def edit_consensus(
    project: Project, article_id: int, change, supervisor: str | None = None
) -> SourceEdit:
    """Any edit of the consensus list (`change(list, units)`, as `sources_service.edit`
    takes it), written as the consensus with history naming the supervisor."""
    ensure_consensus_coder(project)
    done, _ = sources.edit(
        project,
        article_id,
        CONSENSUS,
        change,
        origin=decision_origin(supervisor),
        reserved=CONSENSUS,
    )
    return done


def _free_uid(consensus: SourceList, wanted: str) -> str:
    """The coder's uid when the consensus list has none such, else a fresh one."""
    taken = {s.uid for s in consensus.sources}
    return wanted if wanted not in taken else lists.new_uid()
