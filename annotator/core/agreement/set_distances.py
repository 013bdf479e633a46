"""Distances between sets of codes, for alpha on a multiple-choice field.

A multiple-choice answer is a set of categories; two coders who chose {politics,
economy} and {politics} half agree. Krippendorff's alpha takes any difference function
(Krippendorff 2011, "Computing Krippendorff's alpha-reliability", section A), and two
are in use for sets:

- Jaccard distance: 1 - |A ∩ B| / |A ∪ B|.
- MASI distance (Passonneau 2006, "Measuring agreement on set-valued items (MASI) for
  semantic and pragmatic annotation", LREC): 1 - J * M, where J is the Jaccard index and
  M the monotonicity weight: 1 when the sets are identical, 2/3 when one contains the
  other, 1/3 when they overlap otherwise, 0 when they are disjoint.

Both are written here rather than taken from NLTK (``nltk.metrics.distance``): NLTK
would be a large dependency for two one-line formulas, and its versions divide by zero
for two empty sets, which here is a real answer ("none of the categories") on which two
coders agree (distance 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

SetDistance = Literal["masi", "jaccard"]
SET_DISTANCES: tuple[SetDistance, ...] = ("masi", "jaccard")


def jaccard_distance(a: frozenset[str], b: frozenset[str]) -> float:
    """1 - |A ∩ B| / |A ∪ B|; 0 for two empty sets (they are the same answer)."""
    union = len(a | b)
    return 0.0 if union == 0 else 1.0 - len(a & b) / union


def masi_distance(a: frozenset[str], b: frozenset[str]) -> float:
    """1 - Jaccard * monotonicity (Passonneau 2006); 0 for identical sets, empty or not."""
    if a == b:
        return 0.0
    common = len(a & b)
    if common == 0:
        return 1.0
    monotonicity = 2.0 / 3.0 if common == min(len(a), len(b)) else 1.0 / 3.0
    return 1.0 - common / len(a | b) * monotonicity


def distance_matrix(sets: Sequence[frozenset[str]], kind: SetDistance) -> np.ndarray:
    """The distance between every two of `sets` (the categories of the coincidence matrix)."""
    measure = masi_distance if kind == "masi" else jaccard_distance
    size = len(sets)
    matrix = np.zeros((size, size))
    for i in range(size):
        for j in range(i + 1, size):
            matrix[i, j] = matrix[j, i] = measure(sets[i], sets[j])
    return matrix
