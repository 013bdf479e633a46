"""What an article's stored metadata says, for listings: its fields, its language, and
which articles are near-duplicates of which.

Importers keep every header field of an archive export in `article.metadata_json`
(`ingest.archives`), and flag a near-duplicate there with the key of the article it
repeats (`ingest.near_duplicates`). The flag is stored on the later article only; both
are shown as near-duplicates of each other, so a supervisor sees the pair from either.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable

from sqlalchemy import and_, case, func
from sqlmodel import col, select

from annotator.core.ingest.near_duplicates import NEAR_DUPLICATE_OF
from annotator.core.store.models import Article
from annotator.core.store.project import Project


def metadata_of(metadata_json: str | None) -> dict[str, str]:
    """The metadata as a dict of strings; anything else stored there reads as empty."""
    try:
        value = json.loads(metadata_json or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(key): str(item) for key, item in value.items() if item is not None}


def near_duplicates(
    flagged: Iterable[tuple[str, dict[str, str]]], keys: Collection[str]
) -> dict[str, str]:
    """Each flagged article's key -> the key of the article it nearly duplicates, both
    ways round (the pair's first article is shown as a near-duplicate of the second too);
    a flag naming an article not among `keys` (no longer in the project, or not listed)
    is left out. `flagged` holds (key, metadata) of the articles whose metadata may
    carry the flag."""
    known = set(keys)
    pairs: dict[str, str] = {}
    for key, metadata in flagged:
        other = metadata.get(NEAR_DUPLICATE_OF)
        if other and other in known:
            pairs[key] = other
            pairs.setdefault(other, key)
    return pairs


def counts_by_outlet_and_language(project: Project) -> dict[str, dict[str, int]]:
    """How many articles each outlet and each language has ("unknown" where the import
    did not know), most first, for `annotator info`: counted by the database in one pass
    over the articles, so that a large project's metadata is not decoded row by row in
    Python (issue 29). SQLite reads the JSON itself, guarded by json_valid so that a
    malformed row counts as unknown instead of failing the query. PostgreSQL 15 has no
    such guard (a bad cast aborts the statement), so there only the rows whose metadata
    mentions a language are fetched and decoded here."""
    outlets: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    with project.reading() as session:
        if project.on_server:
            language = case(
                (col(Article.metadata_json).contains('"language"'), Article.metadata_json),
                else_=None,
            )
        else:
            language = case(
                (
                    and_(
                        func.json_valid(Article.metadata_json) == 1,
                        func.json_type(Article.metadata_json, "$.language") == "text",
                    ),
                    func.json_extract(Article.metadata_json, "$.language"),
                ),
                else_=None,
            )
        grouped = select(Article.outlet, language, func.count()).group_by(
            col(Article.outlet), language
        )
        for outlet, named, count in session.exec(grouped):
            if project.on_server and named is not None:
                named = _language_text(named)
            outlets[outlet or "unknown"] += count  # NULL and "" are both unknown
            languages[named or "unknown"] += count
    return {
        "outlets": dict(outlets.most_common()),
        "languages": dict(languages.most_common()),
    }


def _language_text(metadata_json: str) -> str | None:
    """The metadata's language when it is text, as SQLite's json_type reads it."""
    try:
        value = json.loads(metadata_json)
    except ValueError:
        return None
    language = value.get("language") if isinstance(value, dict) else None
    return language if isinstance(language, str) else None


def near_duplicate_pairs(project: Project) -> dict[str, str]:
    """`near_duplicates` of the whole project, decoding only the metadata of flagged
    articles (the flag's key is searched in SQL)."""
    with project.reading() as session:
        flagged = session.exec(
            select(Article.key, Article.metadata_json).where(
                col(Article.metadata_json).contains(NEAR_DUPLICATE_OF)
            )
        ).all()
        if not flagged:
            return {}
        keys = session.exec(select(Article.key)).all()
    return near_duplicates([(key, metadata_of(data)) for key, data in flagged], keys)
