"""Projects for the export and code-import tests, built through the real core.

Holds no tests itself; the export test modules import it (`import test_export_support`).
Articles go in through `importing.store_articles`, codes through `coding.apply_codes`,
so the tests see exactly what users' projects hold.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlmodel import select

from annotator.core.codebook import bundled_codebook, parse_codebook
from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.ingest.documents import ParsedArticle, join_blocks
from annotator.core.ingest.into_project import ImportReport, import_paths, store_articles
from annotator.core.store.location import Location
from annotator.core.store.models import Article, Code, Coder, Unit
from annotator.core.store.project import Project

DATA = Path(__file__).resolve().parent.parent / "data"

HOSTILE_CODEBOOK = {
    "name": "Hostile, test",
    "version": "2.0-β",
    "fields": [
        {
            "key": "attribution",
            "label": "Attribution",
            "level": "ordinal",
            "categories": [
                {"code": "named", "label": "Named", "value": 1},
                {"code": "anonymous", "label": "=Anonymous", "value": 2},
                {"code": "none", "label": "-None-", "value": 3},
                {"code": "cannot", "label": "Cannot judge", "value": -2, "outside_scale": True},
            ],
        },
        {
            "key": "tone",
            "label": 'Tone, "overall"',
            "level": "ordinal",  # single choice is nominal or ordinal (format 2)
            "categories": [
                {"code": "neg", "label": "Negative", "value": -1.5},
                {"code": "neutral", "label": "Neutral", "value": 0},
                {"code": "pos", "label": "Positive 😀", "value": 1.5},
            ],
        },
        {
            "key": "topic",
            "label": "Topic",
            "level": "nominal",
            "required": False,
            "categories": [
                {"code": "economy", "label": "Economy, trade"},
                {"code": "politics", "label": "Politik «Ω» سياسة"},
            ],
        },
    ],
}

HOSTILE_SENTENCES = [
    '=1+1 is what "they" wrote, the spokesman said.',
    "+cmd|' /C calc'!A0 appeared in the leak, sources said.",
    '-2 degrees, a comma, and a "quote" were reported.',
    "@SUM(A1:A9) was the cell, according to the file.",
    "قال المتحدث إن الاتفاق جيد.",
    "הדובר אמר שההסכם טוב.",
    "🚢 Ships from 🇩🇪 arrived; 👩🏽‍🔬 scientists cheered.",
    "The quote ran over\ntwo lines, she said.",
    "A very long sentence " + "with many words " * 400 + "ends here.",
]
HOSTILE_NOTE = '=HYPERLINK("http://evil.example","x")\n"quoted", line two\r\nand 😀 שלום'
LONG_CODER = "Zoë Ångström-Ølsen, external coder"


def hostile_article() -> ParsedArticle:
    """An article whose title, outlet, date and sentences are all things a CSV must survive."""
    text, blocks = join_blocks(
        [("title", '=cmd|"/c calc", Ünïcødé — title')]
        + [("paragraph", sentence) for sentence in HOSTILE_SENTENCES]
    )
    return ParsedArticle(
        text=text,
        blocks=blocks,
        title='=cmd|"/c calc", Ünïcødé — title',
        key_hint="hostile",
        source="hostile.txt",
        outlet="\tTabbed, outlet",
        published="\r-2026-01-01",
    )


def hostile_articles(path: Location) -> Project:
    """The hostile article and a sample article, with the hostile codebook, not coded yet."""
    project = Project.create(path, parse_codebook(HOSTILE_CODEBOOK))
    report = ImportReport()
    store_articles(project, [hostile_article()], report)
    assert not report.failures, report.failures
    assert not import_paths(project, [DATA / "border-talks.txt"]).failures
    return project


def hostile_project(path: Location) -> Project:
    """`hostile_articles` coded by three coders (one incomplete), with notes."""
    project = hostile_articles(path)
    all_units = lookups.list_units(project)
    rng = random.Random(5)
    choices = {
        "attribution": ["named", "anonymous", "none", "cannot"],
        "tone": ["neg", "neutral", "pos"],
        "topic": ["economy", "politics"],
    }
    for position, unit in enumerate(all_units):
        if unit.kind != "sentence":
            continue
        for coder in ("alice", "bob", LONG_CODER):
            if coder == LONG_CODER and position % 3 == 0:
                continue  # an incomplete coder: missing values in the wide layout
            codes = {key: rng.choice(options) for key, options in choices.items()}
            if position % 4 == 0:  # agreement on some units
                codes = {"attribution": "none", "tone": "neg", "topic": "economy"}
            coding.apply_codes(project, coder, unit.id, codes)
    title = all_units[0]
    coding.apply_codes(project, "alice", title.id, {"attribution": "anonymous"})
    coding.set_note(project, "alice", all_units[1].id, HOSTILE_NOTE)
    coding.set_note(project, "=bob", all_units[2].id, "-starts with minus")
    coding.apply_codes(project, "=bob", all_units[2].id, {"tone": "neg"})
    _hostile_sources(project, all_units[1])
    return project


def _hostile_sources(project: Project, unit: lookups.UnitRow) -> None:
    """Sources for the sources layout: a label a spreadsheet would run as a formula, one
    mention, a link; and a second source with neither."""
    from annotator.core.coding import source_lists as lists
    from annotator.core.coding import sources_service as sources
    from annotator.core.coding.source_lists import Mention

    def build(source_list, units):
        first = lists.add_source(
            source_list, '=HYPERLINK("http://x")', [Mention(unit.id, unit.start, unit.start + 3)]
        )
        lists.link(source_list, unit.id, first)
        lists.add_source(source_list, "@unmentioned source")

    sources.edit(project, unit.article_id, "=bob", build)


@pytest.fixture(scope="module", name="project")
def hostile_project_fixture(module_project_location):
    """`hostile_project`, built once per test module that imports this fixture."""
    project = hostile_project(module_project_location("hostile.annotator"))
    yield project
    project.close()


def add_consensus(project: Project, unit_id: int, codes: dict[str, str]) -> None:
    """A consensus coder's codes, through the coding service, with the role set up front."""
    with project.writing() as session:
        session.add(Coder(name="panel", role="consensus"))
    coding.apply_codes(project, "panel", unit_id, codes)


def sample_project(path: Location, coders=("alice", "bob", "carol"), seed: int = 1) -> Project:
    """The sample articles with the bundled codebook, coded at random by `coders`."""
    project = Project.create(path, bundled_codebook())
    assert not import_paths(project, sorted(DATA.glob("*.txt"))).failures
    if coders:
        code_at_random(project, coders, seed)
    return project


def code_at_random(project: Project, coders, seed: int) -> None:
    """Every coder codes each text unit's unit fields, and each article's article fields
    on its article unit, mostly agreeing; a field is coded only where its condition holds
    (the write path refuses the others)."""
    rng = random.Random(seed)
    book = project.codebook
    targets = [
        (unit.id, book.unit_fields)
        for unit in lookups.list_units(project)
        if book.needs_coding(unit.kind)
    ]
    if book.article_fields:
        with project.reading() as session:
            article_ids = session.exec(select(Article.id).order_by(Article.position)).all()
        targets += [
            (lookups.article_unit_id(project, article_id), book.article_fields)
            for article_id in article_ids
        ]
    for unit_id, fields in targets:
        base = {f.key: rng.choice(f.categories).code for f in fields}
        for coder in coders:
            codes = {
                key: code if rng.random() < 0.7 else rng.choice(book.field(key).categories).code
                for key, code in base.items()
            }
            coding.apply_codes(project, coder, unit_id, asked(book, fields, codes))


def asked(book, fields, codes: dict[str, str]) -> dict[str, str]:
    """Only the codes of fields whose condition holds."""
    applicable = book.applicable(fields[0].scope, codes)
    return {key: code for key, code in codes.items() if key in applicable}


def db_codes(project: Project) -> set[tuple[str, str, str, str]]:
    """Every code as (unit key, coder, field, code): what "identical codes" means."""
    query = (
        select(Article.key, Unit.idx, Coder.name, Code.field, Code.code)
        .join(Unit, Unit.id == Code.unit_id)
        .join(Article, Article.id == Unit.article_id)
        .join(Coder, Coder.id == Code.coder_id)
    )
    with project.reading() as session:
        return {(f"{a}#{i}", c, f, v) for a, i, c, f, v in session.exec(query)}
