"""Build an attribution gold JSON from its hand-coded source file.

A source file holds articles, each opened by a line `### key | style | Title`. Below
it, one line per sentence: a code, a space, the sentence; a blank line ends a
paragraph. Codes: 1 named_person, 2 named_organisation, 3 anonymous_specific,
4 anonymous_generic, 5 anonymous_vague, 6 unattributed, 0 not_applicable, and `-` for a
line that is page furniture (a byline, a time stamp, "Read more: ..."): it stays in the
article's text, always on a line of its own, but is no sentence to code. Attribution cues are
marked in braces ({said}); the braces are removed from the text and become the cue
spans. Sentences of one paragraph are joined by one space.

Run: python tests/data/attribution-sources/build_gold.py SOURCE OUTPUT ABOUT
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

CODES = {
    "1": "named_person",
    "2": "named_organisation",
    "3": "anonymous_specific",
    "4": "anonymous_generic",
    "5": "anonymous_vague",
    "6": "unattributed",
    "0": "not_applicable",
}
_CUE = re.compile(r"\{([^{}]+)\}")


def parse(source: str) -> list[dict]:
    """The articles of a source file, with text, offsets and cue spans."""
    articles: list[dict] = []
    for block in re.split(r"^### ", source, flags=re.M)[1:]:
        head, _, body = block.partition("\n")
        key, style, title = (part.strip() for part in head.split("|", 2))
        paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
        text, sentences = title + "\n\n", []
        for number, paragraph in enumerate(paragraphs):
            previous = None
            for line in paragraph.strip().splitlines():
                code, _, sentence = line.partition(" ")
                if code not in CODES and code != "-":
                    raise SystemExit(f"{key}: unknown code {code!r} in {line!r}")
                if previous is not None:
                    text += "\n" if "-" in (code, previous) else " "
                previous = code
                start = len(text)
                plain, cues = _cues(sentence, start)
                text += plain
                if code != "-":
                    sentences.append(
                        {
                            "start": start,
                            "end": len(text),
                            "text": plain,
                            "attribution": CODES[code],
                            "cues": cues,
                        }
                    )
            text += "\n\n" if number + 1 < len(paragraphs) else "\n"
        articles.append(
            {"key": key, "style": style, "title": title, "text": text, "sentences": sentences}
        )
    return articles


def _cues(sentence: str, offset: int) -> tuple[str, list[dict]]:
    plain, cues, position = "", [], 0
    for match in _CUE.finditer(sentence):
        plain += sentence[position : match.start()]
        start = offset + len(plain)
        plain += match[1]
        cues.append({"start": start, "end": offset + len(plain), "text": match[1]})
        position = match.end()
    return plain + sentence[position:], cues


def main() -> None:
    source, output, about = sys.argv[1:4]
    articles = parse(Path(source).read_text(encoding="utf-8"))
    for article in articles:
        for sentence in article["sentences"]:
            assert article["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    data = {"about": about, "codebook": "source-reliability", "articles": articles}
    Path(output).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    n = sum(len(a["sentences"]) for a in articles)
    styles = sorted({a["style"] for a in articles})
    print(f"{output}: {len(articles)} articles, {n} sentences, {len(styles)} styles: {styles}")


if __name__ == "__main__":
    main()
