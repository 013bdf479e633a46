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


class SameDayIndex:
    """Articles seen so far, by publication date, to find a new one's near-duplicate."""

    def __init__(self) -> None:
        self.by_date: dict[str, list[_Seen]] = {}

    def add(self, key: str, published: str | None, text: str) -> None:
        if published:
            self.by_date.setdefault(published[:10], []).append(_Seen(key, text))

    def match_and_add(self, key: str, published: str | None, text: str) -> tuple[str, float] | None:
        """The first article of the same day this text nearly duplicates, and the share
        shared; then the text is remembered under `key` for the articles after it."""
        if not published:
            return None
        own = _Seen(key, text)
        same_day = self.by_date.setdefault(published[:10], [])
        found = None
        for other in same_day:
            share = shared_share(own.shingles, other.shingles)
            if share >= SHARED_SHARE:
                found = other.key, share
                break
        same_day.append(own)
        return found
