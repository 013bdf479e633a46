"""Writes the archive-export fixtures in this folder: invented articles in the layouts of
Nexis Uni (DOCX, PDF), LexisNexis Academic (TXT, RTF) and Factiva (HTML and RTF, both
layouts).

Run `python tests/data/archives/make_archives.py` to write them again; the files are
checked in so that the tests do not depend on python-docx's output staying the same.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

HARBOR = [
    "The Portmere harbour expansion stalled on Monday after the port authority refused "
    "to sign the dredging contract.",
    '"We will not sign a contract we cannot pay for," said Alma Ferreira, the authority\'s chair.',
    "Two officials who asked not to be named said the costs had doubled since spring.",
    "The council will vote on a revised plan next month.",
]
HARBOR_UPDATED = [
    *HARBOR[:3],
    "The council will vote on a revised plan next month, a spokesman said on Monday.",
]
FERRY_DE = [
    "Die Fährgesellschaft Nordlicht stellt den Betrieb zwischen Kiel und Sandvik ein.",
    '"Die Strecke trägt sich nicht mehr", sagte Geschäftsführer Jens Albrecht am Freitag.',
    "Nach Angaben aus Unternehmenskreisen sollen ca. 120 Stellen wegfallen.",
]
BRIDGE = [
    "Engineers closed the Varnes bridge to lorries after finding cracks in two supports.",
    "A report seen by this newspaper says the cracks were first noticed in 2008.",
    "The transport ministry said repairs would begin within weeks.",
]
SCHOOL_NL = [
    "De gemeente Oosterwijk sluit volgend jaar drie basisscholen.",
    '"We hebben geen keus", zei wethouder Marleen de Vries donderdag.',
    "Ouders zijn boos en willen naar de rechter stappen.",
]
MARKET_DE = [
    "Die Markthalle in Ribe schließt nach zwanzig Jahren.",
    "Laut dem Besitzer ist die Miete um ein Drittel gestiegen.",
]
MARKET_DA = [
    "Torvehallen i Ribe lukker efter tyve år.",
    "Ifølge ejeren er huslejen steget med en tredjedel.",
]


def nexis_document(header: list[str], body: list[str], trailer: list[str]) -> list[str]:
    return [*header, "Body", *body, *trailer, "End of Document"]


NEXIS_DOCS = [
    nexis_document(
        [
            "Harbour deal stalls as authority balks at cost",
            "The Portmere Courier",
            "January 11, 2010 Monday 9:20 AM GMT",
            "Copyright 2010 Courier Media Group Ltd All Rights Reserved",
            "Section: NEWS; Pg. 5",
            "Length: 412 words",
            "Byline: Jane Roe",
            "Dateline: PORTMERE",
        ],
        [*HARBOR, "Graphic", "PHOTO: Cranes idle at the eastern terminal on Monday."],
        [
            "Classification",
            "Language: ENGLISH",
            "Publication-Type: Newspaper",
            "Subject: PORTS (90%); MUNICIPAL FINANCE (78%)",
            "Load-Date: January 12, 2010",
        ],
    ),
    nexis_document(
        [
            "Fähre Kiel–Sandvik wird eingestellt",
            "Nordwest-Kurier",
            "2. September 2011 Freitag",
            "Copyright 2011 Nordwest Verlag GmbH Alle Rechte vorbehalten",
            "Rubrik: Wirtschaft; S. 12",
            "Länge: 233 Wörter",
            "Autor: Petra Lindqvist",
        ],
        FERRY_DE,
        ["Classification", "Language: GERMAN", "Load-Date: September 3, 2011"],
    ),
    nexis_document(
        [
            "Harbour expansion stalls over dredging bill",
            "The Evening Courier",
            "January 11, 2010 Monday",
            "Copyright 2010 Courier Media Group Ltd All Rights Reserved",
            "Section: LOCAL; Pg. 2",
            "Length: 398 words",
            "Byline: Jane Roe",
        ],
        HARBOR_UPDATED,
        ["Classification", "Language: ENGLISH", "Load-Date: January 12, 2010"],
    ),
    nexis_document(
        [
            "Cracks close Varnes bridge to lorries",
            "Valley Gazette",
            "March 3, 2012 Saturday",
            "Copyright 2012 Valley Gazette",
            "Section: TRANSPORT",
            "Length: 180 words",
        ],
        BRIDGE,
        ["Classification", "Language: ENGLISH", "Load-Date: March 4, 2012"],
    ),
]
COVER = [
    "User Name: = researcher",
    "Date and Time: = 2026-11-30",
    "Job Number: = 123456",
    "Documents (4)",
    "1. Harbour deal stalls as authority balks at cost",
    "2. Fähre Kiel–Sandvik wird eingestellt",
    "3. Harbour expansion stalls over dredging bill",
    "4. Cracks close Varnes bridge to lorries",
    "Client/Matter: -None-",
    "Search Terms: harbour OR fähre OR bridge",
    "Search Type: Terms and Connectors",
]


def write_docx(path: Path, cover: list[str], documents: list[list[str]]) -> None:
    import docx

    document = docx.Document()
    for line in cover:
        document.add_paragraph(line)
    for lines in documents:
        if document.paragraphs:
            document.add_page_break()
        for number, line in enumerate(lines):
            document.add_paragraph(line, style="Heading 1" if number == 0 else None)
    document.save(str(path))


DAMAGED_DOCS = [
    NEXIS_DOCS[3],
    ["A document cut short", "Valley Gazette", "March 4, 2012 Sunday", "End of Document"],
    NEXIS_DOCS[0],
]

LEXIS_TXT = """Download Request: Current Document: 1-4
Time Of Request: Monday, November 30, 2026  10:12:00 EST
Send To: RESEARCHER
Terms: (gemeente OR bridge OR torvehallen)
Source: Major World Newspapers

                              1 of 4 DOCUMENTS

                            Valley Gazette

                         March 3, 2012 Saturday
                          Late Edition - Final

Cracks close Varnes bridge to lorries

BYLINE: By TOM ASHDOWN

SECTION: TRANSPORT; Pg. 7

LENGTH: 180 words

DATELINE: VARNES

{bridge}

LOAD-DATE: March 4, 2012

LANGUAGE: ENGLISH

PUBLICATION-TYPE: Newspaper

                     Copyright 2012 Valley Gazette Ltd.


                              2 of 4 DOCUMENTS

                           Oosterwijker Dagblad

                          12 mei 2011 donderdag

KOP: Drie basisscholen dicht

SECTIE: Regio; Blz. 3

LENGTE: 210 woorden

{school}

TAAL: Nederlands

                   Copyright 2011 Oosterwijker Dagblad


                              8 of 383 DOCUMENTS

                            Ribe Ugeavis

                           3. marts 2009 tirsdag

SEKTION: Lokalt

LÆNGDE: 95 ord

{market}

SPROG: Dansk


                              4 of 4 DOCUMENTS

                            The Weekly Ledger

                          June 5, 2013 Wednesday

Port chief quits

BYLINE: The head of the port authority resigned on Tuesday after a row with the council over the
dredging contract, leaving the expansion without a leader.

LENGTH: 150 words

Alma Ferreira resigned as chair of the Portmere port authority on Tuesday.

"I have done what I could," she told reporters outside the council chamber.

LOAD-DATE: June 6, 2013

LANGUAGE: ENGLISH
"""

FACTIVA_CODES = """<html><head><meta charset="utf-8"><title>Factiva</title></head><body>
<p>2 documents</p>
<div class="article">
<table>
<tr><td><b>HD</b></td><td>Harbour deal stalls as authority balks at cost</td></tr>
<tr><td><b>BY</b></td><td>Jane Roe</td></tr>
<tr><td><b>WC</b></td><td>412 words</td></tr>
<tr><td><b>PD</b></td><td>11 January 2010</td></tr>
<tr><td><b>ET</b></td><td>09:20</td></tr>
<tr><td><b>SN</b></td><td>The Portmere Courier</td></tr>
<tr><td><b>SC</b></td><td>PCOUR</td></tr>
<tr><td><b>PG</b></td><td>5</td></tr>
<tr><td><b>LA</b></td><td>English</td></tr>
<tr><td><b>CY</b></td><td>(c) 2010 Courier Media Group Ltd</td></tr>
<tr><td><b>LP</b></td><td><p>{harbor0}</p><p>{harbor1}</p></td></tr>
<tr><td><b>TD</b></td><td><p>{harbor2}</p><p>{harbor3}</p></td></tr>
<tr><td><b>NS</b></td><td>gports : Ports | gmunfin : Municipal Finance</td></tr>
<tr><td><b>RE</b></td><td>portm : Portmere</td></tr>
<tr><td><b>AN</b></td><td>Document PCOUR00020100111e61b0000a</td></tr>
</table>
</div>
<div class="article">
<table>
<tr><td><b>HD</b></td><td>Cracks close Varnes bridge to lorries</td></tr>
<tr><td><b>WC</b></td><td>180 words</td></tr>
<tr><td><b>PD</b></td><td>3 March 2012</td></tr>
<tr><td><b>SN</b></td><td>Valley Gazette</td></tr>
<tr><td><b>LA</b></td><td>English</td></tr>
<tr><td><b>CY</b></td><td>Copyright 2012 Valley Gazette</td></tr>
<tr><td><b>TD</b></td><td><p>{bridge0}</p><p>{bridge1}</p><p>{bridge2}</p></td></tr>
<tr><td><b>AN</b></td><td>Document VALGAZ0020120303e8330000b</td></tr>
</table>
</div>
</body></html>
"""

FACTIVA_DE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Factiva</title></head><body>
<div class="article deArticle">
<div id="hd"><span class="deHeadline">Fähre Kiel–Sandvik wird eingestellt</span></div>
<div>Von Petra Lindqvist</div>
<div>233 Wörter</div>
<div>2. September 2011</div>
<div>Nordwest-Kurier</div>
<div>NWKUR</div>
<div>Seite 12</div>
<div>Deutsch</div>
<div>(c) 2011 Nordwest Verlag GmbH</div>
<p class="articleParagraph deleadParagraph">{ferry0}</p>
<p class="articleParagraph dearticleParagraph">{ferry1}</p>
<p class="articleParagraph dearticleParagraph">{ferry2}</p>
<div>Dokument NWKUR00020110902e7920000c</div>
</div>
<div class="article deArticle">
<div id="hd"><span class="deHeadline">Markthalle in Ribe schließt</span></div>
<div>88 Wörter</div>
<div>17. März 2009</div>
<div>Nordwest-Kurier</div>
<div>Deutsch</div>
<div>(c) 2009 Nordwest Verlag GmbH</div>
<p class="articleParagraph dearticleParagraph">{market0}</p>
<p class="articleParagraph dearticleParagraph">{market1}</p>
<div>Dokument NWKUR00020090317e53h0000d</div>
</div>
</body></html>
"""


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal text PDF: one Helvetica line per item, each page its own content stream."""

    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 10 Tf", "12 TL", "50 780 Td"]
        ops += [f"({escape(line)}) Tj T*" for line in lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        objects.append(
            f"<< /Length {len(stream)} >>\nstream\n" + stream.decode("cp1252") + "\nendstream"
        )
        content = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents "
            f"{content} 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("cp1252")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def rtf_document(text: str) -> str:
    """Text as an RTF file: a paragraph mark per line, non-ASCII as \\u escapes."""

    body = "".join(rtf_escape(line) + "\\par\n" for line in text.split("\n"))
    return (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Courier New;}}\\f0\\fs20\n" + body + "}\n"
    )


def rtf_escape(line: str) -> str:
    """A line as RTF text: braces and backslashes escaped, non-ASCII as \\u escapes."""
    line = line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
    return "".join(ch if ord(ch) < 128 else f"\\u{ord(ch)}?" for ch in line)


def rtf_table(before: list[str], rows: list[tuple[str, list[str]]], after: list[str]) -> str:
    """Factiva's field-code layout as RTF: a two-cell table row per field (the code in
    bold), a paragraph mark between the paragraphs of one cell."""
    out = ["{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs20\n"]
    out += [f"\\pard {rtf_escape(line)}\\par\n" for line in before]
    for code, paragraphs in rows:
        if code == "HD":
            out.append("\\pard\\par\n")
        cell = "\\par ".join(rtf_escape(p) for p in paragraphs)
        out.append(
            "\\trowd\\cellx1200\\cellx9000\n"
            f"\\pard\\intbl {{\\b {code}}}\\cell \\pard\\intbl {cell}\\cell \\row\n"
        )
    out += [f"\\pard {rtf_escape(line)}\\par\n" for line in after]
    return "".join(out) + "}\n"


FACTIVA_RTF_ROWS = [
    ("HD", ["Harbour deal stalls as authority balks at cost"]),
    ("BY", ["Jane Roe"]),
    ("WC", ["412 words"]),
    ("PD", ["11 January 2010"]),
    ("ET", ["09:20"]),
    ("SN", ["The Portmere Courier"]),
    ("SC", ["PCOUR"]),
    ("PG", ["5"]),
    ("LA", ["English"]),
    ("CY", ["(c) 2010 Courier Media Group Ltd"]),
    ("LP", HARBOR[:2]),
    ("TD", HARBOR[2:]),
    ("NS", ["gports : Ports | gmunfin : Municipal Finance"]),
    ("RE", ["portm : Portmere"]),
    ("AN", ["Document PCOUR00020100111e61b0000a"]),
    ("HD", ["Council minutes withheld"]),  # a document cut short: no text
    ("WC", ["95 words"]),
    ("PD", ["12 January 2010"]),
    ("SN", ["The Portmere Courier"]),
    ("AN", ["Document PCOUR00020100112e61c0000b"]),
    ("HD", ["Cracks close Varnes bridge to lorries"]),
    ("SE", ["Transport"]),
    ("WC", ["180 words"]),
    ("PD", ["3 March 2012"]),
    ("SN", ["Valley Gazette"]),
    ("LA", ["English"]),
    ("CY", ["Copyright 2012 Valley Gazette"]),
    ("TD", BRIDGE),
    ("AN", ["Document VALGAZ0020120303e8330000b"]),
]
FACTIVA_RTF_SUMMARY = [
    "Search Summary",
    "Text: harbour or bridge",
    "Date: In the last 5 years",
    "Source: All Sources",
    "Results Found: 3",
]
FACTIVA_DE_RTF = [
    "Fähre Kiel–Sandvik wird eingestellt",
    "Von Petra Lindqvist",
    "233 Wörter",
    "2. September 2011",
    "Nordwest-Kurier",
    "NWKUR",
    "Seite 12",
    "Deutsch",
    "(c) 2011 Nordwest Verlag GmbH",
    *FERRY_DE,
    "Dokument NWKUR00020110902e7920000c",
    "",
    "Markthalle in Ribe schließt",
    "88 Wörter",
    "17. März 2009",
    "Nordwest-Kurier",
    "Deutsch",
    *MARKET_DE,
    "Dokument NWKUR00020090317e53h0000d",
    "",
    "Suchzusammenfassung",
    "Text: fähre oder markthalle",
    "Gefundene Ergebnisse: 2",
]


def wrapped(paragraphs: list[str], width: int = 70) -> list[str]:
    import textwrap

    return [line for paragraph in paragraphs for line in textwrap.wrap(paragraph, width)]


def main() -> None:
    write_docx(HERE / "nexis-uni-export.docx", COVER, NEXIS_DOCS)
    write_docx(
        HERE / "nexis-uni-damaged.docx", ["Documents (3)", "Search Terms: bridge"], DAMAGED_DOCS
    )
    lexis = LEXIS_TXT.format(
        bridge="\n\n".join(BRIDGE), school="\n\n".join(SCHOOL_NL), market="\n\n".join(MARKET_DA)
    )
    (HERE / "lexisnexis-academic.txt").write_text(lexis, encoding="utf-8")
    (HERE / "lexisnexis-academic.rtf").write_text(rtf_document(lexis), encoding="ascii")
    fill = {f"harbor{i}": t for i, t in enumerate(HARBOR)}
    fill |= {f"bridge{i}": t for i, t in enumerate(BRIDGE)}
    (HERE / "factiva-codes.html").write_text(
        FACTIVA_CODES.format(**fill).replace("&", "&amp;"), encoding="utf-8"
    )
    (HERE / "factiva-de.html").write_text(
        FACTIVA_DE.format(
            **{f"ferry{i}": t for i, t in enumerate(FERRY_DE)},
            **{f"market{i}": t for i, t in enumerate(MARKET_DE)},
        ),
        encoding="utf-8",
    )
    (HERE / "factiva-codes.rtf").write_text(
        rtf_table([], FACTIVA_RTF_ROWS, FACTIVA_RTF_SUMMARY), encoding="ascii"
    )
    (HERE / "factiva-de.rtf").write_text(rtf_document("\n".join(FACTIVA_DE_RTF)), encoding="ascii")
    first, fourth = NEXIS_DOCS[0], NEXIS_DOCS[3]
    printed = [
        [
            "Documents (2)",
            "Search Terms: harbour OR bridge",
            *first[:9],
            *wrapped(first[9:13]),
            "Page 1 of 2",
        ],
        [*first[13:], *fourth[:7], *wrapped(fourth[7:10]), *fourth[10:], "Page 2 of 2"],
    ]
    (HERE / "nexis-uni-printed.pdf").write_bytes(pdf_bytes(printed))
    (HERE / "single-article.pdf").write_bytes(
        pdf_bytes([["Cracks close Varnes bridge to lorries", "", *wrapped(BRIDGE)]])
    )


if __name__ == "__main__":
    main()
