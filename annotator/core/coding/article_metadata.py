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
from collections.abc import Iterable

from sqlmodel import select

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


def near_duplicates(rows: Iterable[tuple[str, dict[str, str]]]) -> dict[str, str]:
    """Each flagged article's key -> the key of the article it nearly duplicates, both
    ways round (the pair's first article is shown as a near-duplicate of the second too);
    a flag naming an article no longer in the project is left out."""
    rows = list(rows)
    keys = {key for key, _ in rows}
    pairs: dict[str, str] = {}
    for key, metadata in rows:
        other = metadata.get(NEAR_DUPLICATE_OF)
        if other and other in keys:
            pairs[key] = other
            pairs.setdefault(other, key)
    return pairs


def counts_by_outlet_and_language(project: Project) -> dict[str, dict[str, int]]:
    """How many articles each outlet and each language has ("unknown" where the import
    did not know), most first, for `annotator info`."""
    with project.reading() as session:
        rows = session.exec(select(Article.outlet, Article.metadata_json)).all()
    outlets = Counter(outlet or "unknown" for outlet, _ in rows)
    languages = Counter(metadata_of(data).get("language") or "unknown" for _, data in rows)
    return {
        "outlets": dict(outlets.most_common()),
        "languages": dict(languages.most_common()),
    }
