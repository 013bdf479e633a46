"""Segmentation speed, printed as ratios against bare pysbd measured in this run.

    .venv/bin/python benchmarks/bench_segmentation.py [--repeat 3] [--small]

1. Over 3,000 sentences (the gold articles' sentences, three to a paragraph, repeated):
   annotator's `segment` against pysbd called once per paragraph on the same text.
2. One paragraph of 1,000 sentences, plain and after an opening single quote (which
   stops the plain cuts): `segment` against pysbd on the same sentences as 100
   paragraphs of ten, the linear cost pysbd has on short input (pysbd's own time grows
   with the square of a long input).

The timings moved here from tests/core/test_segmentation.py, which asserts behaviour
only. The fastest of --repeat runs of each side counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pysbd  # noqa: E402

from annotator.core.ingest.documents import Block  # noqa: E402
from annotator.core.ingest.plain_text import blocks_from_plain_text  # noqa: E402
from annotator.core.ingest.segmentation import segment  # noqa: E402

GOLD = ROOT / "tests" / "data" / "segmentation-gold.json"
SENTENCE = "Officials met on day {n} and cited a 1.5 percent rise."


def fastest(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def gold_text(count: int) -> str:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    sentences = [u["text"] for name in sorted(gold) for u in gold[name] if u["kind"] == "sentence"]
    once = "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
    return "\n\n".join([once] * (count // len(sentences) + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--small",
        action="store_true",
        help="one quick run at a small size (tests/core/test_benchmarks.py)",
    )
    args = parser.parse_args()
    repeat, count, long = (1, 300, 100) if args.small else (args.repeat, 3000, 1000)
    segmenter = pysbd.Segmenter(language="en", clean=False)
    segment("Warm up. Once.", blocks_from_plain_text("Warm up. Once."))

    text = gold_text(count)
    blocks = blocks_from_plain_text(text, first_line_title=False)
    count = len(segment(text, blocks))
    ours = fastest(lambda: segment(text, blocks), repeat)
    bare = fastest(lambda: [segmenter.segment(p) for p in text.split("\n\n")], repeat)
    print(f"{count} sentences in paragraphs of three")
    print(f"  bare pysbd per paragraph:  {bare:.3f} s")
    print(f"  annotator segment:         {ours:.3f} s   ratio {ours / bare:.2f}")

    sentences = [SENTENCE.format(n=n) for n in range(long)]
    tens = [" ".join(sentences[i : i + 10]) for i in range(0, long, 10)]
    bare = fastest(lambda: [segmenter.segment(p) for p in tens], repeat)
    print(f"one paragraph of {long:,} sentences")
    print(f"  bare pysbd, {long // 10} paragraphs of ten: {bare:.3f} s")
    for name, opening in (("plain", ""), ("after an opening quote", "'Tis the season. ")):
        long_text = opening + " ".join(sentences)
        paragraph = [Block("paragraph", 0, len(long_text))]
        ours = fastest(lambda t=long_text, b=paragraph: segment(t, b), repeat)
        print(f"  annotator segment, {name + ':':<24} {ours:.3f} s   ratio {ours / bare:.2f}")


if __name__ == "__main__":
    main()
