"""The machine's proposed source list of an article, built from the cue finder.

The cue finder (cues.py) finds, in each sentence, the source span of each attribution
("two officials familiar with the talks", "port authority chair Ilse Brandt", "She") and
resolves a pronoun, a role ("the minister") or a surname back to the person named earlier
or to an earlier source (antecedents.py). The proposal clusters those mentions into
sources:

- a mention whose antecedent overlaps a span already in a source (one of its mentions,
  or the name of the person it was started for) joins that source;
- a mention with the same words (any case) as an earlier source's label joins it;
- any other mention starts a source, labelled with the person's name when it stands for
  a person named earlier ("She" -> "Ilse Brandt"), else with its own words.

Each unit with an attribution is linked to its sources in the cue finder's order (the
claim's own source first); a unit that only continues a quotation (`carried`) is
linked to the source of the quotation it continues.

The proposal is stored as the suggester's source list (sources_service.py, reserved to
the suggester), so agreement on sources can set the machine against people; a coder
takes one proposed source, or all, into her own list with `accept`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.article_metadata import metadata_of
from annotator.core.coding.source_lists import Mention, SourceList
from annotator.core.errors import CodingError
from annotator.core.store.models import Article, Origin
from annotator.core.store.project import Project
from annotator.core.store.roles import SUGGESTER
from annotator.core.suggest.as_coder import ensure_machine_coder
from annotator.core.suggest.cues import Cue, find_cues
from annotator.core.suggest.languages import suggests_for
from annotator.core.suggest.lexicon import Lexicon

PROPOSAL_ORIGIN = "source proposal"


@dataclass
class _Cluster:
    uid: str
    spans: list[tuple[int, int]] = field(default_factory=list)


def propose(
    text: str, units: Sequence[tuple[int, int, int]], lexicon: Lexicon | None = None
) -> SourceList:
    """The proposed source list of an article: `units` are its text units (id, start,
    end) in reading order."""
    found = find_cues(text, [(start, end) for _, start, end in units], lexicon)
    proposal = SourceList()
    clusters: list[_Cluster] = []
    by_cue: dict[Cue, str] = {}
    for (unit_id, _, _), sentence in zip(units, found, strict=True):
        for cue in sentence.cues:
            if cue.source is None:
                continue
            uid = _cluster_of(proposal, clusters, cue)
            mention = Mention(unit_id, cue.source.start, cue.source.end)
            proposal.source(uid).mentions.add(mention)
            by_cue[cue] = uid
            _link(proposal, unit_id, uid)
        carried = by_cue.get(sentence.carried) if sentence.carried is not None else None
        if carried is not None:
            _link(proposal, unit_id, carried)
    return proposal


def _cluster_of(proposal: SourceList, clusters: list[_Cluster], cue: Cue) -> str:
    assert cue.source is not None
    own = (cue.source.start, cue.source.end)
    words = " ".join(cue.source.text.split()).casefold()
    if cue.antecedent is not None:
        target = (cue.antecedent.start, cue.antecedent.end)
        for cluster in clusters:
            if any(_overlap(target, span) for span in cluster.spans):
                cluster.spans.append(own)
                return cluster.uid
    for cluster in clusters:
        if proposal.source(cluster.uid).label.casefold() == words:
            cluster.spans.append(own)
            return cluster.uid
    person = cue.antecedent is not None and cue.antecedent_kind == "person"
    label = cue.antecedent.text if person and cue.antecedent else cue.source.text
    uid = lists.add_source(proposal, label)
    spans = [own] + ([(cue.antecedent.start, cue.antecedent.end)] if cue.antecedent else [])
    clusters.append(_Cluster(uid, spans))
    return uid


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _link(proposal: SourceList, unit_id: int, uid: str) -> None:
    if uid not in proposal.links.get(unit_id, []):
        lists.link(proposal, unit_id, uid)


def propose_for_article(project: Project, article_id: int) -> sources.SourceEdit:
    """Store the proposal of one article as the suggester's source list, replacing its
    earlier one (a source proposed again keeps its id: same first mention)."""
    units = sources.article_units(project, article_id)
    with project.reading() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise CodingError(f"no article with id {article_id}")
        language = metadata_of(article.metadata_json).get("language")
        if not suggests_for(language):
            raise CodingError(f"{article.key}: the cue finder does not read {language!r}")
        body = article.text
    ordered = sorted(units.units.values(), key=lambda u: u.start)
    wanted = propose(body, [(u.id, u.start, u.end) for u in ordered])
    _keep_ids(wanted, sources.read_list(project, article_id, SUGGESTER))
    ensure_machine_coder(project)
    return sources.replace_list(
        project, article_id, SUGGESTER, wanted, origin=PROPOSAL_ORIGIN, reserved=SUGGESTER
    )


def _keep_ids(wanted: SourceList, earlier: SourceList) -> None:
    """A proposed source with the first mention of an earlier one takes its id back."""
    old = {s.first_mention(): s.uid for s in earlier.sources}
    renamed: dict[str, str] = {}
    for source in wanted.sources:
        uid = old.get(source.first_mention())
        if uid is not None and uid not in renamed.values():
            renamed[source.uid] = uid
            source.uid = uid
    for unit, uids in wanted.links.items():
        wanted.links[unit] = [renamed.get(uid, uid) for uid in uids]


def accept(
    project: Project, article_id: int, coder: str, uid: str | None = None
) -> sources.SourceEdit:
    """Copy the suggester's proposed source `uid` (None: every one) into the coder's
    list, with its mentions, links and codes; a proposal whose mentions the coder
    already has as one of her sources is left out (accepting twice changes nothing)."""
    proposal = sources.read_list(project, article_id, SUGGESTER)
    if not proposal.sources:
        raise CodingError("no proposed sources for this article (run: annotator sources --propose)")
    chosen = [uid] if uid is not None else [s.uid for s in proposal.sources]
    done, _ = sources.edit(
        project,
        article_id,
        coder,
        lambda mine, _units: take_proposed(mine, proposal, chosen),
        origin=Origin.SUGGESTION,
    )
    return done


def take_proposed(mine: SourceList, proposal: SourceList, uids: Sequence[str]) -> list[str]:
    """Copy the proposed sources `uids` into the coder's list `mine` (an edit of
    source_lists), with their mentions, links and codes; one whose mentions the coder
    already has as one of her sources is left out. Returns the new sources' uids."""
    have = [s.mentions for s in mine.sources]
    made = []
    for source in (proposal.source(uid) for uid in uids):
        if source.mentions in have:
            continue
        new = lists.add_source(mine, source.label, source.mentions)
        mine.source(new).codes = dict(source.codes)
        for unit in proposal.linked_units(source.uid):
            place = proposal.links[unit].index(source.uid)
            lists.link(mine, unit, new, first=place == 0)
        made.append(new)
    return made
