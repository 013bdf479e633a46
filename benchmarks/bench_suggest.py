"""The attribution suggester against the hand-written gold standard, and its speed.

Prints exact agreement and Krippendorff's alpha (ordinal, as the codebook's level) of
the suggester's attribution codes against tests/data/attribution-gold.json (the set the
rules were developed on) and attribution-gold-heldout.json (written afterwards), cue
detection precision, recall and F1 (a predicted cue counts when it overlaps a gold
cue; exact-span F1 beside it), and sentences per second of the suggester (cue finding
and suggesting, on the gold's sentence boundaries) next to bare pysbd segmenting the
same text in the same process, with their ratio.

Run: .venv/bin/python benchmarks/bench_suggest.py [--mistakes]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pysbd  # noqa: E402

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.suggest.evaluation import evaluate, read_gold, suggest_gold  # noqa: E402
from annotator.core.suggest.suggester import Suggester  # noqa: E402

GOLD = ROOT / "tests" / "data" / "attribution-gold.json"
HELD_OUT = ROOT / "tests" / "data" / "attribution-gold-heldout.json"
REPEATS = 20  # the gold is small: repeat it for a stable rate


def timed(run) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def report(codebook, suggester, path: Path, mistakes: bool):
    """Print the agreement and cue figures on one gold file; return its articles."""
    articles = read_gold(json.loads(path.read_text(encoding="utf-8")))
    result = evaluate(codebook, articles, suggest_gold(suggester, articles))
    print(f"{path.name}: {result.n_sentences} sentences in {len(articles)} articles")
    print(f"  attribution exact agreement   {result.exact_agreement:.3f}   (target >= 0.80)")
    alpha = "undefined" if result.alpha is None else f"{result.alpha:.3f}"
    print(f"  Krippendorff's alpha ({result.alpha_level})  {alpha}")
    print(
        f"  cue detection  precision {result.cue_precision:.3f}  recall {result.cue_recall:.3f}"
        f"  F1 {result.cue_f1:.3f}   (target >= 0.90; exact-span F1 {result.cue_exact_f1:.3f})"
    )
    if mistakes:
        for sentence, machine in result.mistakes:
            print(
                f"    {sentence.key:<24} gold {sentence.attribution:<19} got {machine:<19} "
                f"{sentence.text[:70]}"
            )
    return articles, result.n_sentences


def main() -> None:
    codebook = bundled_codebook()
    suggester = Suggester.for_codebook(codebook)
    mistakes = "--mistakes" in sys.argv
    articles, n_sentences = report(codebook, suggester, GOLD, mistakes)
    print("  (the rules were developed against this set: an in-sample figure)")
    report(codebook, suggester, HELD_OUT, mistakes)
    print("  (written after the rules and not used to tune them)")
    paragraphs = [p for a in articles for p in a.text.split("\n\n") if p.strip()]
    segmenter = pysbd.Segmenter(language="en", clean=False)
    n = n_sentences * REPEATS
    segmenting = timed(lambda: [segmenter.segment(p) for _ in range(REPEATS) for p in paragraphs])
    suggesting = timed(lambda: [suggest_gold(suggester, articles) for _ in range(REPEATS)])
    print(f"speed on {GOLD.name}'s text:")
    print(f"  bare pysbd   {n / segmenting:10,.0f} sentences/s")
    print(f"  suggester    {n / suggesting:10,.0f} sentences/s")
    print(f"  ratio        {segmenting / suggesting:10.2f} x pysbd's speed (target >= 1)")


if __name__ == "__main__":
    main()
