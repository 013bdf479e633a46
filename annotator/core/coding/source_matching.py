"""Which source of one coder is which source of another: matching through mentions.

Two coders' source lists of one article are compared source by source only once their
sources are paired. Labels are no help ("a senior official" and "the ministry
official" may be one person; two "officials" may be two), so, as the attribution
corpora evaluate their annotators (PARC 3.0, Pareti 2016; PolNeAR, Newell, Margolin
and Ruths 2018: two annotations of a source agree when their source spans overlap),
sources are matched through where they are mentioned:

- the evidence that source `a` of coder A is source `b` of coder B is the number of
  pairs (a mention of `a`, a mention of `b`) whose character spans overlap, plus the
  number of units both coders linked to them (the claims they rest on);
- pairs are matched one to one, greedily, strongest evidence first (ties: the pair
  whose earlier first mention comes first, then the lists' order); a pair with no
  evidence is never matched;
- sources left over are unmatched: a source one coder found and the other did not,
  a disagreement the supervisor sees.

The function is pure: it reads two `SourceList`s and returns the matching.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.coding.source_lists import SourceEntry, SourceList


@dataclass(frozen=True)
class MatchedPair:
    first: str  # uid in the first list
    second: str  # uid in the second list
    evidence: int


@dataclass(frozen=True)
class SourceMatching:
    pairs: tuple[MatchedPair, ...]
    only_first: tuple[str, ...]  # uids of the first list matched to nothing, in list order
    only_second: tuple[str, ...]


def evidence(first: SourceList, a: SourceEntry, second: SourceList, b: SourceEntry) -> int:
    """Overlapping mention pairs plus units linked to both (see the module docstring)."""
    overlapping = sum(
        1
        for m in a.mentions
        for n in b.mentions
        if m.unit_id == n.unit_id and m.start < n.end and n.start < m.end
    )
    shared = set(first.linked_units(a.uid)) & set(second.linked_units(b.uid))
    return overlapping + len(shared)


def match_sources(first: SourceList, second: SourceList) -> SourceMatching:
    """Pair the sources of two coders' lists of one article (the rule above)."""
    candidates = []
    for i, a in enumerate(first.sources):
        for j, b in enumerate(second.sources):
            weight = evidence(first, a, second, b)
            if weight > 0:
                candidates.append((-weight, _first_start(a, b), i, j, weight))
    candidates.sort()
    used_first: set[int] = set()
    used_second: set[int] = set()
    pairs = []
    for _, _, i, j, weight in candidates:
        if i in used_first or j in used_second:
            continue
        used_first.add(i)
        used_second.add(j)
        pairs.append(MatchedPair(first.sources[i].uid, second.sources[j].uid, weight))
    return SourceMatching(
        tuple(pairs),
        tuple(s.uid for i, s in enumerate(first.sources) if i not in used_first),
        tuple(s.uid for j, s in enumerate(second.sources) if j not in used_second),
    )


def _first_start(a: SourceEntry, b: SourceEntry) -> int:
    starts = [m.start for m in (a.first_mention(), b.first_mention()) if m is not None]
    return min(starts, default=0)
