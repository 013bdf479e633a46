"""Factiva exports downloaded as Rich Text (.rtf), in both layouts: the same articles and
metadata as its HTML exports give, no export line in any unit, the language per article,
the count in the import report, a document without text leaving the others in.

The fixtures are invented articles written by tests/data/archives/make_archives.py.
"""

from __future__ import annotations

import re

from annotator.core.coding.lookups import list_articles, list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.ingest.readers import read_bytes, read_file
from tests.core.test_archives import ARCHIVES, fields

# lines of a Factiva export that must never be a unit to code
FURNITURE = re.compile(
    r"(?i)^(?:HD|BY|WC|PD|ET|SN|SC|SE|PG|LA|CY|LP|TD|NS|RE|AN)\b|copyright|^\(c\)"
    r"|^(?:dokument|document) [a-z0-9]{10,}$|^\d+ (?:words|wörter)$|^(?:deutsch|english)$"
    r"|search summary|suchzusammenfassung|results found|gefundene ergebnisse|\|"
)


def test_the_field_code_layout_in_rtf_reads_as_the_html_export_does():
    html = read_file(ARCHIVES / "factiva-codes.html")
    rtf = read_file(ARCHIVES / "factiva-codes.rtf")
    assert [a.title for a in rtf.articles] == [
        "Harbour deal stalls as authority balks at cost",
        "Cracks close Varnes bridge to lorries",
    ]
    harbour, bridge = rtf.articles
    assert (harbour.text, fields(harbour)) == (html.articles[0].text, fields(html.articles[0]))
    assert fields(harbour)["subjects"] == "gports : Ports | gmunfin : Municipal Finance"
    assert fields(bridge) == {
        "title": "Cracks close Varnes bridge to lorries",
        "outlet": "Valley Gazette",
        "author": None,
        "published": "2012-03-03",
        "language": "en",
        "date_as_written": "3 March 2012",
        "section": "Transport",
        "word_count": "180",
        "copyright": "Copyright 2012 Valley Gazette",
        "document_id": "VALGAZ0020120303e8330000b",
    }
    assert bridge.text == html.articles[1].text


def test_the_german_article_layout_in_rtf():
    result = read_file(ARCHIVES / "factiva-de.rtf")
    path = ARCHIVES / "factiva-de.rtf"
    assert result.problems == []
    assert result.notes == [f"{path}: Factiva export: found 2 of 2 documents"]
    ferry, market = result.articles
    assert fields(ferry) == {
        "title": "Fähre Kiel–Sandvik wird eingestellt",
        "outlet": "Nordwest-Kurier",
        "author": "Petra Lindqvist",
        "published": "2011-09-02",
        "language": "de",
        "date_as_written": "2. September 2011",
        "word_count": "233",
        "source_code": "NWKUR",
        "page": "12",
        "copyright": "(c) 2011 Nordwest Verlag GmbH",
        "document_id": "NWKUR00020110902e7920000c",
    }
    assert fields(market) == {
        "title": "Markthalle in Ribe schließt",
        "outlet": "Nordwest-Kurier",
        "author": None,
        "published": "2009-03-17",
        "language": "de",
        "date_as_written": "17. März 2009",
        "word_count": "88",
        "document_id": "NWKUR00020090317e53h0000d",
    }
    html = read_file(ARCHIVES / "factiva-de.html")
    assert [a.text for a in result.articles] == [a.text for a in html.articles]


def test_a_document_without_text_is_one_line_and_the_others_go_in(empty_project):
    path = ARCHIVES / "factiva-codes.rtf"
    report = import_paths(empty_project, [path])
    assert report.failures == [
        f"{path} article 2: no article text; skipped",
        f"{path}: Factiva export: found 2 of 3 documents",
    ]
    assert sorted(a.title for a in list_articles(empty_project)) == [
        "Cracks close Varnes bridge to lorries",
        "Harbour deal stalls as authority balks at cost",
    ]


def test_no_export_line_is_a_unit_and_german_is_split_as_german(empty_project):
    import_paths(empty_project, [ARCHIVES / "factiva-codes.rtf", ARCHIVES / "factiva-de.rtf"])
    units = [u.text for u in list_units(empty_project)]
    assert len(units) == 16  # 4 headlines, 12 sentences
    assert [u for u in units if any(FURNITURE.search(line) for line in u.split("\n"))] == []
    # "ca." does not end a German sentence
    assert "Nach Angaben aus Unternehmenskreisen sollen ca. 120 Stellen wegfallen." in units


def test_field_codes_followed_by_a_tab_or_spaces_are_read_too():
    lines = [
        "HD\tLibrary opens on Sundays",
        "WC    60 words",
        "PD    4 May 2015",
        "SN\tThe Weekly Ledger",
        "LA\tEnglish",
        "TD\tThe town library will open on Sundays from June.",
        "The council found the money in its culture budget.",
        "AN\tDocument WKLEDG0020150504eb540000a",
    ]
    rtf = "{\\rtf1\\ansi " + "".join(
        f"{line.replace(chr(9), chr(92) + 'tab ')}\\par\n" for line in lines
    )
    result = read_bytes((rtf + "}").encode("ascii"), "ledger.rtf", "rtf")
    [article] = result.articles
    assert (article.title, article.outlet, article.published) == (
        "Library opens on Sundays",
        "The Weekly Ledger",
        "2015-05-04",
    )
    assert article.text.split("\n\n")[1:] == [
        "The town library will open on Sundays from June.",
        "The council found the money in its culture budget.",
    ]
    assert article.metadata["document_id"] == "WKLEDG0020150504eb540000a"


def test_an_ordinary_rtf_article_is_not_taken_for_an_export():
    text = (
        "HD video on a budget\\par\\par Document everything before you film, the club "
        "advised.\\par The AN-12 cameras cost 300 euros.\\par"
    )
    result = read_bytes(f"{{\\rtf1\\ansi {text}}}".encode("ascii"), "club.rtf", "rtf")
    assert result.notes == []
    assert len(result.articles) == 1
