"""Q&A interviews: which sentences are the interviewer's questions and which the answers.

An interview printed as questions and answers names its interviewee once, in the
introduction; every answer is that person's claim, and a question makes no claim at
all. The layout is recognised from the paragraphs: a question opens its paragraph, marked
"Q:" (or "Question:") or ending in a question mark; the sentences after it, in its
paragraph and the paragraphs up to the next question, are the answer. An article is a
Q&A when at least two questions are marked "Q:", or at least three paragraphs open with
a question and at least two of them go on to an answer in the same paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

QUESTION = "question"
ANSWER = "answer"
_MARKED = re.compile(r"(?:Q|Question)\s*[:.]\s", re.IGNORECASE)
_ASKED = re.compile(r"\?[\"”’»)]*\s*$")


def interview_roles(text: str, sentences: Sequence[tuple[int, int]]) -> list[str | None]:
    """QUESTION, ANSWER or None for each sentence (start, end), in order."""
    roles: list[str | None] = [None] * len(sentences)
    asked = answered = marked = 0
    for paragraph in _paragraphs(text, sentences):
        leading = _leading_questions(text, sentences, paragraph)
        marked += sum(_is_marked(text, sentences[index]) for index in leading)
        if not leading:
            for index in paragraph:
                roles[index] = ANSWER if asked else None
            continue
        asked += 1
        answered += len(paragraph) > len(leading)
        for index in paragraph:
            roles[index] = QUESTION if index in leading else ANSWER
    if marked >= 2 or (asked >= 3 and answered >= 2):
        return roles
    return [None] * len(sentences)


def _leading_questions(
    text: str, sentences: Sequence[tuple[int, int]], paragraph: list[int]
) -> list[int]:
    """The sentences that open a paragraph as a question ("Q: ...", "Why?")."""
    leading = []
    for index in paragraph:
        if not (_is_marked(text, sentences[index]) or _is_question(text, sentences[index])):
            break
        leading.append(index)
    return leading


def _paragraphs(text: str, sentences: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Sentence indexes grouped by paragraph: a line break between two sentences ends one."""
    paragraphs: list[list[int]] = []
    previous_end: int | None = None
    for index, (start, end) in enumerate(sentences):
        if previous_end is None or "\n" in text[previous_end:start]:
            paragraphs.append([])
        paragraphs[-1].append(index)
        previous_end = end
    return paragraphs


def _is_marked(text: str, sentence: tuple[int, int]) -> bool:
    return _MARKED.match(text, sentence[0], sentence[1]) is not None


def _is_question(text: str, sentence: tuple[int, int]) -> bool:
    return _ASKED.search(text, sentence[0], sentence[1]) is not None
