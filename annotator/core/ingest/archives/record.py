"""One archive document as read, and the ParsedArticle it becomes.

The readers name header fields as the export writes them ("BYLINE", "AUTOR", "Length",
"WC", "KOP"); `FIELD_ALIASES` maps each name, in the archives' languages, to one
canonical name. Title, outlet, date, byline and URL become the article's columns; every
other field is kept in its metadata under the canonical name (or, for a field not
listed, its own name in lower case), so nothing the archive said is lost, and none of it
is ever a unit to code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.core.errors import InputError
from annotator.core.ingest.dates import read_date
from annotator.core.ingest.documents import ParsedArticle, ReadResult, join_blocks

# canonical name: the names archives give the field (English, German, French, Dutch,
# Danish, and Factiva's two-letter codes)
_ALIASES = {
    "title": "headline hd kop titel titre overskrift schlagzeile",
    "byline": "byline by autor auteur auteurs signature forfatter author",
    "section": "section se sektion rubrik rubrique rubriek sectie ressort",
    "word_count": "length wc länge laenge longueur lengte længde omfang",
    "language": "language la sprache langue taal sprog",
    "dateline": "dateline ortszeile lieu plaats sted",
    "load_date": "load-date ladedatum update date-de-chargement laaddatum indlæsningsdato",
    "publication_type": (
        "publication-type publikationstyp type-de-publication publicatietype publikationstype"
    ),
    "highlight": "highlight hl untertitel chapeau",
    "copyright": "copyright cy",
    "document_id": "an document-id docid dokument-id",
    "url": "url link",
    "page": "pg page seite seite(n) pagina side",
    "outlet": "sn source publication quelle",
    "date": "pd date datum",
    "time": "et",
    "edition": "ed edition ausgabe",
    "lead": "lp",
    "text": "td",
    "subjects": "ns",
    "regions": "re",
    "industries": "in",
    "companies": "co",
    "publisher": "pub",
    "credit": "cr",
    "descriptors": "ipd",
    "source_code": "sc",
}
FIELD_ALIASES = {alias: name for name, aliases in _ALIASES.items() for alias in aliases.split()}

_LANGUAGES = {
    "en": "english englisch anglais engels engelsk en eng",
    "de": "german deutsch allemand duits tysk de ger deu",
    "fr": "french französisch franzoesisch français francais frans fransk fr fre fra",
    "nl": "dutch niederländisch néerlandais neerlandais nederlands hollandsk nederlandsk nl",
    "da": "danish dänisch danois deens dansk da dan",
    "es": "spanish spanisch espagnol español spaans spansk es spa",
    "it": "italian italienisch italien italiano italiaans italiensk it ita",
}
LANGUAGE_CODES = {alias: code for code, aliases in _LANGUAGES.items() for alias in aliases.split()}

_COPYRIGHT = re.compile(r"(?i)^(?:copyright\b|©|\(c\)\s*\d{4}|\d{4}\s+©)")
_COUNT = re.compile(r"(\d[\d,.\u202f\u00a0]*)")
_PAGE = re.compile(r"(?i)(?:^|\b(?:pg|p|s|blz|seite|page|pagina|side)\.?)\s*(\w{1,6})\s*$")
_BY = re.compile(r"(?i)^(?:by|von|par|door|af)\s+")
_MAX_BYLINE_WORDS = 10
_MAX_TITLE = 500


def canonical_field(name: str) -> str:
    """The canonical name of a header field ("LÄNGE" -> "word_count"), else its own name
    in lower case with spaces as hyphens."""
    key = "-".join(name.strip().lower().split())
    return FIELD_ALIASES.get(key, key)


def language_code(value: str | None) -> str | None:
    """The ISO 639-1 code of a language as archives name it ("ENGLISH", "Deutsch")."""
    if not value:
        return None
    words = re.split(r"[\s;,/()]+", value.strip().lower())
    return next((LANGUAGE_CODES[word] for word in words if word in LANGUAGE_CODES), None)


def is_copyright(line: str) -> bool:
    """Whether a line is an export's copyright notice ("Copyright 2010 ...", "© 2010 ...")."""
    return len(line) <= 400 and _COPYRIGHT.match(line.strip()) is not None


@dataclass
class ArchiveDocument:
    """A document cut out of an export: its header fields and its paragraphs of text.

    `fields` holds canonical names (see `canonical_field`) and the values as written;
    `body` the paragraphs to code, header and furniture already taken out.
    """

    label: str  # "export.docx document 3 of 10": what messages name
    fields: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    language: str | None = None  # an ISO code the layout gives (Factiva's "deArticle")

    def add_field(self, name: str, value: str) -> None:
        """Keep a header field under its canonical name; a repeated one is joined."""
        key = canonical_field(name)
        value = " ".join(value.split())
        if not key or not value:
            return
        self.fields[key] = f"{self.fields[key]}; {value}" if key in self.fields else value


@dataclass
class ArchiveFile:
    """What a reader found in one export: its documents, and the count it states."""

    documents: list[ArchiveDocument]
    stated: int | None = None  # "Documents (10)", "1 of 10 DOCUMENTS"
    problems: list[str] = field(default_factory=list)  # documents that could not be read


def archive_result(found: ArchiveFile, source: str, archive: str) -> ReadResult:
    """The export's articles, a line per document that could not be read, and a note
    counting what was found against what the archive states ("found 10 of 10")."""
    result = ReadResult(articles=[], problems=list(found.problems))
    for document in found.documents:
        try:
            result.articles.append(document_article(document))
        except InputError as error:
            result.problems.append(str(error))
    count = len(result.articles)
    stated = found.stated
    if not found.documents and not found.problems:
        raise InputError(source, f"a {archive} export with no documents in it")
    if stated is not None and count < stated:
        result.problems.append(
            str(InputError(source, f"{archive} export: found {count} of {stated} documents"))
        )
    else:
        of = f" of {stated}" if stated is not None else ""
        result.notes.append(f"{source}: {archive} export: found {count}{of} documents")
    return result


def document_article(document: ArchiveDocument) -> ParsedArticle:
    """The article a document becomes; InputError naming it if it has no text."""
    fields = dict(document.fields)
    title = " ".join(fields.pop("title", "").split())[:_MAX_TITLE]
    byline = fields.pop("byline", None)
    body = list(document.body)
    author = _author(byline) if byline else None
    if byline and author is None:  # a standfirst in the byline field: text, not a name
        body.insert(0, byline)
        fields["byline_field"] = byline
    if not body:
        raise InputError(document.label, "no article text; skipped")
    pieces = [("title", title)] if title else []
    pieces.extend(("paragraph", paragraph) for paragraph in body)
    text, blocks = join_blocks(pieces)
    article = ParsedArticle(
        text=text,
        blocks=blocks,
        title=title or _untitled(fields),
        key_hint="",
        source=document.label,
        outlet=fields.pop("outlet", None),
        author=author,
        url=fields.pop("url", None),
    )
    article.language = language_code(fields.get("language")) or document.language
    _date_fields(article, fields)
    _count_fields(fields)
    if article.language:
        fields["language"] = article.language
    article.metadata = {key: value for key, value in fields.items() if value}
    return article


def _author(byline: str) -> str | None:
    """The writer's name(s) from a byline field; None if it reads as a sentence (a
    standfirst the archive filed as the byline)."""
    name = _BY.sub("", byline.strip()).strip(" ,;")
    words = name.split()
    if not words or len(words) > _MAX_BYLINE_WORDS or name.endswith((".", "!", "?")):
        return None
    if sum(word[:1].islower() for word in words) > 2:  # "and", "in", ... one or two at most
        return None
    return name.title() if name.isupper() else name  # LexisNexis: "By TOM ASHDOWN"


def _untitled(fields: dict[str, str]) -> str:
    """A document without a headline is titled by its outlet and date."""
    shown = " ".join(value for value in (fields.get("outlet"), fields.get("date")) if value)
    return f"Untitled ({shown})" if shown else "Untitled"


def _date_fields(article: ParsedArticle, fields: dict[str, str]) -> None:
    """The date line into `published` (its time, if any, kept as `published_time`)."""
    written = fields.get("date")
    found = read_date(written) if written else None
    if found is None:
        return
    article.published = found.date
    del fields["date"]
    time = fields.pop("time", None) or found.time
    if time:
        fields["published_time"] = time
    if written and written != found.date:
        fields["date_as_written"] = written


def _count_fields(fields: dict[str, str]) -> None:
    """The stated word count as a number, and the page out of the section line."""
    words = fields.get("word_count")
    match = _COUNT.search(words) if words else None
    if match:
        fields["word_count"] = re.sub(r"\D", "", match.group(1))
    page = _PAGE.search(fields["page"]) if "page" in fields else None
    if page:
        fields["page"] = page.group(1)  # "Seite 12", "Pg. 12", "12": 12
    section = fields.get("section")
    in_section = _PAGE.search(section) if section and "page" not in fields else None
    if section and in_section and in_section.start() > 0:
        fields["page"] = in_section.group(1)
        fields["section"] = section[: in_section.start()].strip(" ;,") or section
    load_date = read_date(fields.get("load_date", ""))
    if load_date:
        fields["load_date"] = load_date.date
