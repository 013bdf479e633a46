"""Near-duplicate articles: the same story twice, both kept and flagged.

Archive searches bring the same wire story in two outlets of one group, or an article
and its updated version of the same day (LexisNexisTools' `lnt_similarity` looks for
exactly these). The rule here: two articles are near-duplicates when they were
published on the same day and at least `SHARED_SHARE` of the shorter one's five-word
sequences (lower-cased words) are also in the other. Containment of the shorter one,
not overlap of both, so that a version with a paragraph added or cut still counts;
five-word sequences, so that shared phrases alone ("said on Tuesday that the") do not.
Articles without a date are never compared: without one the rule has nothing to go on.
"""

from __future__ import annotations

import re
from collections import Counter

SHARED_SHARE = 0.8
SHINGLE_WORDS = 5
NEAR_DUPLICATE_OF = "near_duplicate_of"  # the metadata key that flags an article
_WORD = re.compile(r"\w+")


def shingles(text: str) -> frozenset[int]:
    """The hashes of a text's five-word sequences (its words alone if it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(map(hash, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def shared_share(first: frozenset[int], second: frozenset[int]) -> float:
    """The share of the smaller set that the other also has (0 for an empty one)."""
    smaller, larger = sorted((first, second), key=len)
    return len(smaller & larger) / len(smaller) if smaller else 0.0


class _Seen:
    """An article of a day, its five-word sequences made only when it is compared: an
    article alone on its day (most of them, in an export spread over months) costs
    nothing."""

    __slots__ = ("_shingles", "key", "text")

    def __init__(self, key: str, text: str) -> None:
        self.key = key
        self.text = text
        self._shingles: frozenset[int] | None = None

    @property
    def shingles(self) -> frozenset[int]:
        if self._shingles is None:
            self._shingles = shingles(self.text)
        return self._shingles


class _Day:
    """The articles of one day, and which of them has each five-word sequence: a new
    article is compared through the sequences it shares, so an import of many articles
    of one day costs about what its words do, not a comparison of every pair."""

    def __init__(self) -> None:
        self.seen: list[_Seen] = []
        self._holders: dict[int, list[int]] = {}  # sequence -> indexes into `seen`
        self._indexed = 0

    def match(self, own: _Seen) -> tuple[str, float] | None:
        """The first article of the day that shares at least SHARED_SHARE of the
        smaller one's sequences with `own` (as `shared_share` counts it), and the share."""
        if not self.seen:
            return None
        for index in range(self._indexed, len(self.seen)):
            for sequence in self.seen[index].shingles:
                self._holders.setdefault(sequence, []).append(index)
        self._indexed = len(self.seen)
        shared = Counter(
            index for sequence in own.shingles for index in self._holders.get(sequence, ())
        )
        for index in sorted(shared):
            other = self.seen[index]
            share = shared[index] / min(len(own.shingles), len(other.shingles))
            if share >= SHARED_SHARE:
                return other.key, share
        return None


class SameDayIndex:
    """Articles seen so far, by publication date, to find a new one's near-duplicate."""

    def __init__(self) -> None:
        self.by_date: dict[str, _Day] = {}

    def add(self, key: str, published: str | None, text: str) -> None:
        if published:
            self.by_date.setdefault(published[:10], _Day()).seen.append(_Seen(key, text))

    def match_and_add(self, key: str, published: str | None, text: str) -> tuple[str, float] | None:
        """The first article of the same day this text nearly duplicates, and the share
        shared; then the text is remembered under `key` for the articles after it."""
        if not published:
            return None
        own = _Seen(key, text)
        day = self.by_date.setdefault(published[:10], _Day())
        found = day.match(own)
        day.seen.append(own)
        return found
