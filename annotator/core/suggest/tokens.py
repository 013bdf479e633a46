"""Words, punctuation and quotations of a sentence, with offsets into the article.

Hand-written rather than a tokenizer library: the cue finder needs only words with
their character offsets and the few abbreviations that end in a full stop ("Mr.", an
initial), and a regular expression does that at the speed segmentation runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Mx|Dr|Prof|Gen|Sen|Rep|Gov|Col|Lt|Capt|Sgt|St|Jr|Sr|Rev|Hon|Cllr|Fr|Supt|Insp"
    r"|Det|Brig|Maj|Cdr|Adm|Rt)\."
    r"|\d+(?:[.,]\d+)+"  # 2,000 and 3.75: one token, so a thousands comma is no clause mark
    r"|(?:[A-Z]\.){1,3}(?=\s*[A-Z])"
    r"|[^\W_]+(?:['’\-&][^\W_]+)*(?:(?<=s)['’](?=\s))?"
    r"|[^\w\s]"
)


@dataclass(frozen=True)
class Span:
    """Characters start..end of the article, and their text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    lower: str  # text.lower(), computed once: the cue finder compares it many times

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def is_capitalised(self) -> bool:
        return self.text[0].isupper()


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """The tokens of text[start:end], with offsets into `text`."""
    return [
        Token(word, match.start(), match.end(), word.lower())
        for match in _TOKEN.finditer(text, start, end)
        for word in (match.group(),)
    ]


def quote_spans(tokens: list[Token], openers: str, closers: str) -> list[tuple[int, int]]:
    """Token index ranges (first, last) of the quotations in a sentence.

    Curly quotes pair as opened and closed; straight double quotes alternate. A quote
    left open at the end runs to the last token (it closes in a later sentence).
    Single curly quotes count only where a word does not stand right before them (an
    apostrophe of "workers’" is part of its word already).
    """
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for index, token in enumerate(tokens):
        mark = token.text
        if mark == '"':
            if opened is None:
                opened = index
            else:
                spans.append((opened, index))
                opened = None
        elif mark in openers and opened is None:
            opened = index
        elif mark in closers and opened is not None:
            spans.append((opened, index))
            opened = None
        elif mark in closers and opened is None and not spans:
            spans.append((0, index))  # a quotation carried over from the sentence before
    if opened is not None:
        spans.append((opened, len(tokens) - 1))
    return spans
