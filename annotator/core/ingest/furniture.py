"""Page furniture: the bits of a web page that come along when an article is copied.

"Advertisement" lines, photo captions, "Related: ..." links, share buttons, image
counters, page numbers and pull quotes are not part of the story and are no sentence to
code. They are recognised here, in plain text, as whole lines or as a fragment left at
the end of a paragraph, and become units of kind `furniture`: kept, so the units still
cover the whole article and a wrong guess can be corrected (`corrections.set_kind`),
but never part of a sentence and never required by a codebook.

Hand-written patterns rather than a boilerplate library: those (trafilatura, jusText)
work on HTML and drop what they reject, while here the text is already plain and
nothing may be dropped.
"""

from __future__ import annotations

import re

FURNITURE = "furniture"

_WORDS_BEFORE_COLON = (
    r"photo(?:graph)?s?|images?|pictures?|video|caption|graphic|illustration|credits?"
    r"|photo\s+credit|image\s+credit|related(?:\s+(?:articles?|stories|news|content))?"
    r"|also\s+read|read\s+also|see\s+also|read\s+next|more\s+on\s+this(?:\s+story)?"
    r"|recommended|watch|listen|most\s+read"
)
_WHOLE_LINE = re.compile(
    rf"""(?ix)
    (?: advertisement | advertising | sponsored(?:\s+content)? | skip\s+advertisement
      | story\s+continues\s+below(?:\s+(?:this\s+)?advertisement)?
      | scroll\s+to\s+continue(?:\s+with\s+content)?
      | read\s+more | continue\s+reading | share | share\s+this(?:\s+(?:article|story|page|post))?
      | share\s+on\s+\w+ | listen\s+to\s+this\s+(?:article|story)(?:\W+\d+\s+min(?:utes?|s)?)?
      | \d{{1,3}}\s*/\s*\d{{1,3}}               # image counters: 1/5
      | (?:{_WORDS_BEFORE_COLON})\s*:.*       # Photo: ..., Related: ..., Also Read: ...
      | \((?:[^()\s]+\s?){{1,5}}\)             # a caption credit alone: (Reuters)
      | \((?:additional\s+)?(?:reporting|writing|editing)\s+by\b[^()]*\)  # wire sign-off
      | (?:page\s+)?\d{{1,4}}(?:\s+of\s+\d{{1,4}})?    # a page number (text from a PDF)
      | [^\W\d_]                              # a stray letter
    )""",
)
# A fragment after the paragraph's last sentence mark: "... said. Share", "... nations. R".
_TRAILING = re.compile(
    r"""(?ix)
    [.!?…]["'”’»)\]]*            # the sentence's end
    (?P<gap>\s+)
    (?:[^\W\d_]|share|advertisement|read\s+more)
    \s*\Z"""
)


_PULL_QUOTE = re.compile(r"[\"“‘«'](?P<inner>[^\"“”‘’«»]{15,200}?)[.,!?…]?[\"”’»'][.,]?")


def is_furniture_line(line: str) -> bool:
    """Whether a whole (stripped) line is page furniture rather than article text."""
    return len(line) <= 200 and _WHOLE_LINE.fullmatch(line) is not None


def is_pull_quote(text: str, start: int, end: int) -> bool:
    """Whether a line is a quotation alone on its line that the article also has in its
    text: a pull quote, set large on the page, repeating what is coded where it stands."""
    match = _PULL_QUOTE.fullmatch(text, start, end)
    if match is None:
        return False
    return text.count(match["inner"].strip()) > 1


def trailing_fragment(text: str, start: int, end: int) -> int | None:
    """Where a furniture fragment at the end of text[start:end] begins, if there is one.

    `end` must be stripped. The text before the fragment must end a sentence, so a
    paragraph that simply ends in a capital letter ("... in group A") is left alone.
    """
    match = _TRAILING.search(text, max(start, end - 40), end)
    if match is None:
        return None
    return match.end("gap")
