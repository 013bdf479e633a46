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
# News page chrome (issue 26): bylines, time stamps, datelines alone on a line, wire
# credits, newsletter promotions, the signature line of an embedded post, a press
# release's header and contact lines, and a liveblog's controls.
_NEWS_LINE = re.compile(
    r"""(?ix)
    (?: (?:staff|our|special|senior)\s+(?:reporter|correspondent|writer|report)s?
      | (?:express\s+)?news\s+service | pti | ani | ians | afp | nan | kna
      | (?:first\s+|last\s+)?(?:published|updated|posted)\s*:?\s*[^|]{0,50}\d[^|]{0,40}
        (?:\|\s*(?:updated|published)\s*:?[^|]{0,60})?
      | \d{1,2}[.:]\d{2}\s*(?:am|pm)?\s*(?:gmt|bst|ist|pkt|cet|cest|eat|wat|cat|aest|aedt|utc)
      | read\s+more\s*:.{0,150}
      | -{1,2}\s*with\s+assistance\s+from\b.{0,150}
      | (?:additional\s+)?(?:reporting|writing|editing)\s+by\b[^.!?]{0,150}\.?
      | (?:sign\s+up|subscribe)\b.{0,100}\b(?:newsletter|inbox|alerts|briefing)\b.{0,80}
      | [—–-]\s*[^()\n]{1,60}\(@\w{1,30}\)[^\n]{0,40}        # — Name (@handle) date
      | for\s+immediate\s+release\b.{0,40} | (?:news|press|media)\s+release
      | (?:media|press|investor)\s+(?:contacts?|enquiries|inquiries)\s*:?.{0,100}
      | contacts?\s*: .{0,100} | contacts?\s*:?
      | (?:tel|phone|mobile|email|e-mail)\s*:.{0,80}
      | [\w.+-]+@[\w-]+(?:\.[\w-]+)+(?:\s*[|/,]\s*[+\d ()-]{7,20})?
      | \+?\d[\d ()-]{6,18}\d
      | (?-i:SOURCE)\s+.{1,60} | \#{3} | -?\s*ends\s*-?
      | key\s+events | show\s+key\s+events\s+only | live(?:\s+feed|\s+updates|\s+blog)?
      | please\s+turn\s+on\s+javascript\s+to\s+use\s+this\s+feature | pinned\s+post
      | \d{1,3}\s*(?:min|mins|minutes|hr|hrs|hours?)\s+ago | just\s+now | back\s+to\s+top
    )""",
)
# Case matters for these: "By Pia Landvik", "From Chinedu Okafor, Port Amaru" and a
# dateline alone on its line ("OSTRAVEL, March 3 (Northwire) -", "ISLAMABAD:").
_BYLINE = re.compile(r"(?:By|BY|From)\s+(?:[A-Z][\w'’.-]*\s*){1,4}(?:(?:,|and|&)\s*[^.!?]{1,60})?")
_DATELINE = re.compile(
    r"[A-Z][A-Z'’.-]{2,}(?:[ -][A-Z][A-Z'’.-]+)*(?:,\s*[A-Z][a-z]+)?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^()]{1,30}\))?\s*[-–—:]?"
    r"|[A-Z][a-z]+\s*:"
)
_CONTACT_HEAD = re.compile(
    r"(?i)(?:(?:media|press|investor)\s+(?:contacts?|enquiries|inquiries)|contacts?)\s*:"
)
_CONTACT_LINES = 5  # a name, a title, an address, a telephone, an e-mail


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
    if len(line) > 200:
        return False
    return any(
        pattern.fullmatch(line) is not None
        for pattern in (_WHOLE_LINE, _NEWS_LINE, _BYLINE, _DATELINE)
    )


def in_contact_block(text: str, start: int, end: int) -> bool:
    """Whether a short line stands in the contact block that ends a press release: under
    a "Media contact:" line, with only short lines that end no sentence in between."""
    if end - start > 80 or text[start:end].rstrip().endswith((".", "!", "?")):
        return False
    line_start = start
    for _ in range(_CONTACT_LINES):
        if line_start == 0:
            return False
        previous_end = line_start - 1
        previous_start = text.rfind("\n", 0, previous_end) + 1
        line = text[previous_start:previous_end].strip()
        if not line:
            return False
        if _CONTACT_HEAD.match(line):
            return True
        if len(line) > 80 or line.endswith((".", "!", "?")):
            return False
        line_start = previous_start
    return False


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
