"""News-archive exports: each document an article with its metadata, no export furniture
in any unit, a count against the archive's own, a bad document leaving the rest in.

The fixtures are invented articles written by tests/data/archives/make_archives.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.core.coding.lookups import list_articles, list_units
from annotator.core.errors import InputError
from annotator.core.ingest.dates import read_date
from annotator.core.ingest.into_project import import_paths
from annotator.core.ingest.readers import read_bytes, read_file

ARCHIVES = Path(__file__).resolve().parents[1] / "data" / "archives"
# lines an export adds that must never be a unit to code
FURNITURE = re.compile(
    r"(?i)^(?:body|classification|end of document|documents \(\d+\))$"
    r"|^(?:load-date|length|section|byline|language|länge|rubrik|autor|sektion|sprog)\s*:"
    r"|copyright|^\(c\)|^\d+ of \d+ documents|^(?:dokument|document) [a-z0-9]{10,}$"
    r"|^\d+ (?:words|wörter)$|^graphic$|^photo:"
)


def fields(article) -> dict:
    return {
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "published": article.published,
        "language": article.language,
        **article.metadata,
    }


def test_nexis_uni_docx_is_read_as_its_documents_with_their_metadata():
    result = read_file(ARCHIVES / "nexis-uni-export.docx")
    assert result.problems == []
    assert result.notes == [
        f"{ARCHIVES / 'nexis-uni-export.docx'}: Nexis Uni export: found 4 of 4 documents"
    ]
    assert [a.title for a in result.articles] == [
        "Harbour deal stalls as authority balks at cost",
        "Fähre Kiel–Sandvik wird eingestellt",
        "Harbour expansion stalls over dredging bill",
        "Cracks close Varnes bridge to lorries",
    ]
    first, german = result.articles[:2]
    assert fields(first) == {
        "title": "Harbour deal stalls as authority balks at cost",
        "outlet": "The Portmere Courier",
        "author": "Jane Roe",
        "published": "2010-01-11",
        "language": "en",
        "published_time": "09:20 GMT",
        "date_as_written": "January 11, 2010 Monday 9:20 AM GMT",
        "copyright": "Copyright 2010 Courier Media Group Ltd All Rights Reserved",
        "section": "NEWS",
        "page": "5",
        "word_count": "412",
        "dateline": "PORTMERE",
        "publication_type": "Newspaper",
        "subject": "PORTS (90%); MUNICIPAL FINANCE (78%)",
        "load_date": "2010-01-12",
        "photo": "Cranes idle at the eastern terminal on Monday.",  # the "Graphic" block
    }
    assert first.text.endswith("The council will vote on a revised plan next month.")
    assert (german.outlet, german.author, german.published, german.language) == (
        "Nordwest-Kurier",
        "Petra Lindqvist",
        "2011-09-02",
        "de",
    )
    assert (german.metadata["section"], german.metadata["page"]) == ("Wirtschaft", "12")
    assert german.metadata["word_count"] == "233"


def test_lexisnexis_text_export_with_other_numbering_languages_and_no_headline():
    result = read_file(ARCHIVES / "lexisnexis-academic.txt")
    assert result.problems == []
    assert result.notes == [
        f"{ARCHIVES / 'lexisnexis-academic.txt'}: LexisNexis export: found 4 of 4 documents"
    ]
    sources = [a.source.rsplit(" document ", 1)[1] for a in result.articles]
    assert sources == ["1 of 4", "2 of 4", "8 of 383", "4 of 4"]
    bridge, dutch, danish, standfirst = result.articles
    assert fields(bridge) | {"date_as_written": None} == {
        "title": "Cracks close Varnes bridge to lorries",
        "outlet": "Valley Gazette",
        "author": "Tom Ashdown",
        "published": "2012-03-03",
        "language": "en",
        "date_as_written": None,
        "edition": "Late Edition - Final",
        "section": "TRANSPORT",
        "page": "7",
        "word_count": "180",
        "dateline": "VARNES",
        "load_date": "2012-03-04",
        "publication_type": "Newspaper",
        "copyright": "Copyright 2012 Valley Gazette Ltd.",
    }
    assert (dutch.title, dutch.published, dutch.language, dutch.metadata["page"]) == (
        "Drie basisscholen dicht",  # the Dutch headline field, KOP
        "2011-05-12",
        "nl",
        "3",
    )
    assert danish.title == "Untitled (Ribe Ugeavis 3. marts 2009 tirsdag)"
    assert (danish.outlet, danish.published, danish.language) == (
        "Ribe Ugeavis",
        "2009-03-03",
        "da",
    )
    assert danish.blocks[0].kind == "paragraph"  # no title block for a missing headline
    # a byline field that is a sentence is a standfirst: text to code, no author
    assert standfirst.author is None
    assert standfirst.text.split("\n\n")[1].startswith("The head of the port authority")
    assert "byline_field" in standfirst.metadata


def test_factiva_field_code_layout():
    result = read_file(ARCHIVES / "factiva-codes.html")
    assert result.problems == []
    assert len(result.articles) == 2
    first = result.articles[0]
    assert fields(first) == {
        "title": "Harbour deal stalls as authority balks at cost",
        "outlet": "The Portmere Courier",
        "author": "Jane Roe",
        "published": "2010-01-11",
        "language": "en",
        "published_time": "09:20",
        "date_as_written": "11 January 2010",
        "word_count": "412",
        "source_code": "PCOUR",
        "page": "5",
        "copyright": "(c) 2010 Courier Media Group Ltd",
        "subjects": "gports : Ports | gmunfin : Municipal Finance",
        "regions": "portm : Portmere",
        "document_id": "PCOUR00020100111e61b0000a",
    }
    # the lead paragraph (LP) and the text (TD) are both text to code, in that order
    assert first.text.split("\n\n")[1].startswith("The Portmere harbour expansion")
    assert len(first.blocks) == 5


def test_factiva_german_article_layout():
    result = read_file(ARCHIVES / "factiva-de.html")
    assert [a.title for a in result.articles] == [
        "Fähre Kiel–Sandvik wird eingestellt",
        "Markthalle in Ribe schließt",
    ]
    ferry, market = result.articles
    assert fields(ferry) | {"date_as_written": None} == {
        "title": "Fähre Kiel–Sandvik wird eingestellt",
        "outlet": "Nordwest-Kurier",
        "author": "Petra Lindqvist",
        "published": "2011-09-02",
        "language": "de",
        "date_as_written": None,
        "word_count": "233",
        "source_code": "NWKUR",
        "page": "12",
        "copyright": "(c) 2011 Nordwest Verlag GmbH",
        "document_id": "NWKUR00020110902e7920000c",
    }
    assert (market.author, market.published) == (None, "2009-03-17")


def test_a_nexis_uni_export_printed_to_pdf_and_a_single_article_pdf():
    printed = read_file(ARCHIVES / "nexis-uni-printed.pdf")
    assert printed.problems == []
    assert [a.title for a in printed.articles] == [
        "Harbour deal stalls as authority balks at cost",
        "Cracks close Varnes bridge to lorries",
    ]
    # lines wrapped on the page are one paragraph again
    assert printed.articles[0].text.count("\n\n") == 4
    assert printed.articles[0].metadata["word_count"] == "412"
    single = read_file(ARCHIVES / "single-article.pdf")
    assert [a.title for a in single.articles] == ["Cracks close Varnes bridge to lorries"]


def test_one_bad_document_is_one_line_and_the_others_go_in(empty_project):
    path = ARCHIVES / "nexis-uni-damaged.docx"
    report = import_paths(empty_project, [path])
    assert report.failures == [
        f'{path} document 2 of 3: no "Body" line before "End of Document"; skipped',
        f"{path}: Nexis Uni export: found 2 of 3 documents",
    ]
    assert [a.title for a in list_articles(empty_project)] == [
        "Cracks close Varnes bridge to lorries",
        "Harbour deal stalls as authority balks at cost",
    ]


def test_no_export_line_is_a_unit_and_every_article_keeps_its_language(empty_project):
    paths = sorted(ARCHIVES.glob("*.*"))
    report = import_paths(empty_project, [p for p in paths if p.suffix != ".py"])
    assert len(report.imported) == 9  # the same text in two exports is stored once
    units = list_units(empty_project)
    offending = [
        u.text for u in units if any(FURNITURE.search(line) for line in u.text.split("\n"))
    ]
    assert offending == []
    languages = {
        a.key: json.loads(a.metadata_json).get("language") for a in list_articles(empty_project)
    }
    assert languages["fahre-kielsandvik-wird-eingestellt"] == "de"
    assert languages["drie-basisscholen-dicht"] == "nl"


def test_a_file_is_recognised_from_its_content_not_its_suffix():
    data = (ARCHIVES / "lexisnexis-academic.txt").read_bytes()
    assert len(read_bytes(data, "pasted.md", "txt").articles) == 4
    factiva = (ARCHIVES / "factiva-de.html").read_bytes()
    assert len(read_bytes(factiva, "download.htm", "htm").articles) == 2


@pytest.mark.parametrize(
    ("written", "date", "time"),
    [
        ("January 11, 2010 Monday", "2010-01-11", None),
        ("January 11, 2010 Monday 9:20 AM GMT", "2010-01-11", "09:20 GMT"),
        ("January 11, 2010 Monday 11:05 PM EST", "2010-01-11", "23:05 EST"),
        ("2. September 2011", "2011-09-02", None),
        ("17. März 2009", "2009-03-17", None),
        ("17 mai 2003", "2003-05-17", None),
        ("12 mei 2011 donderdag", "2011-05-12", None),
        ("3. marts 2009 tirsdag", "2009-03-03", None),
        ("11 January 2010", "2010-01-11", None),
        ("Late Edition - Final", None, None),
        ("The Portmere Courier", None, None),
    ],
)
def test_archive_dates_in_their_languages(written, date, time):
    found = read_date(written)
    assert ((found.date, found.time) if found else (None, None)) == (date, time)


def test_a_web_page_keeps_the_outlet_in_its_title_and_the_date_in_its_byline():
    page = (
        b"<html><head><title>Harbour deal stalls | The Daily Courier</title></head><body>"
        b"<article><h1>Harbour deal stalls</h1>"
        b"<p>By Jane Roe | Updated Nov. 4, 2026 10:32 a.m. ET</p>"
        b"<p>The port authority refused to sign the contract, officials said.</p>"
        b"</article></body></html>"
    )
    article = read_bytes(page, "page.html", "html").articles[0]
    assert (article.outlet, article.author, article.published) == (
        "The Daily Courier",
        "Jane Roe",
        "2026-11-04",
    )


def test_an_article_is_split_into_sentences_by_the_rules_of_its_language(empty_project):
    """German "ca." is no sentence end (pySBD's German rules); English rules cut there."""
    import_paths(empty_project, [ARCHIVES / "factiva-de.html"])
    units = [u.text for u in list_units(empty_project, "fahre-kielsandvik-wird-eingestellt")]
    assert "Nach Angaben aus Unternehmenskreisen sollen ca. 120 Stellen wegfallen." in units
    assert "Nach Angaben aus Unternehmenskreisen sollen ca." not in units


def test_a_lexisnexis_export_saved_as_rtf_reads_as_the_text_export():
    text = read_file(ARCHIVES / "lexisnexis-academic.txt")
    rtf = read_file(ARCHIVES / "lexisnexis-academic.rtf")
    assert rtf.problems == []
    assert [(a.text, fields(a)) for a in rtf.articles] == [
        (a.text, fields(a)) for a in text.articles
    ]


def test_a_file_named_rtf_that_is_not_rtf_is_one_line(tmp_path):
    path = tmp_path / "notes.rtf"
    path.write_bytes(b"Just some text.")
    with pytest.raises(InputError) as error:
        read_file(path)
    assert (
        str(error.value) == f"{path}: not a Rich Text (.rtf) file: it does not start with {{\\rtf"
    )


def test_units_cover_every_character_of_every_archive_article(empty_project):
    import_paths(empty_project, [ARCHIVES / "nexis-uni-export.docx", ARCHIVES / "factiva-de.html"])
    for article in list_articles(empty_project):
        covered = [False] * len(article.text)
        for unit in list_units(empty_project, article.key):
            covered[unit.start : unit.end] = [True] * (unit.end - unit.start)
        missed = [ch for ch, done in zip(article.text, covered, strict=True) if not done]
        assert all(ch.isspace() for ch in missed), article.key


def test_a_pdf_with_more_text_than_the_limit_is_one_line(monkeypatch):
    from annotator.core.ingest.archives import pdf

    monkeypatch.setattr(pdf, "MAX_PDF_TEXT", 100)
    data = (ARCHIVES / "nexis-uni-printed.pdf").read_bytes()
    with pytest.raises(InputError, match=r"^big\.pdf: not read: more than 100 characters"):
        read_bytes(data, "big.pdf", "pdf")


def test_a_caption_after_the_text_is_metadata_not_text():
    from annotator.core.ingest.archives.nexis_docx import read_document

    lines = ["Title", "Outlet", "March 3, 2012 Saturday", "Body", "A sentence here."]
    lines += ["Graphic", "Cranes idle at the terminal.", "Load-Date: March 4, 2012"]
    document = read_document(lines, "export.docx document 1 of 1")
    assert document.body == ["A sentence here."]
    assert document.fields["graphic"] == "Cranes idle at the terminal."


def test_an_article_that_mentions_documents_is_not_an_export():
    text = b"Leak inquiry\n\nThe inquiry found that\n\n1 of 3 documents\n\nhad been leaked.\n"
    result = read_bytes(text, "leak.txt", "txt")
    assert [a.title for a in result.articles] == ["Leak inquiry"]
    assert result.notes == []
