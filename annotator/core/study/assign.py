"""Who codes which article: the reliability sample to every coder (or k of them), the
rest split so each coder's workload in units balances; seeded, so it can be repeated.

`plan_assignment` is the pure rule; `assign_study` applies it to a project, writes one
file per coder (coder_files) and records the assignment in the supervisor's project
(settings, and assignment_table for a team project's row-level security), which progress
compares against; `reassign` moves one article afterwards.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from annotator.core.coding.coder_names import name_key
from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.ingest.into_project import slugify
from annotator.core.store.models import utcnow
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, SUGGESTER
from annotator.core.study.articles import ArticleFacts, article_facts
from annotator.core.study.assignment_table import save_assignment
from annotator.core.study.coder_files import coder_file_name, write_coder_file
from annotator.core.study.plan import saved_sample
from annotator.core.study.settings import ASSIGNMENT_KEY, read_setting

MAX_CODERS = 200
MAX_CODER_NAME = 100


def check_coders(names: Sequence[str]) -> list[str]:
    """The coders' names, trimmed; refused when empty, repeated (case and spaces aside),
    too long, reserved for the consensus or the machine coder, or fewer than two."""
    coders = [name.strip() for name in names if name.strip()]
    if len(coders) < 2:
        raise AnnotatorError("--coders needs at least two names (agreement needs two coders)")
    if len(coders) > MAX_CODERS:
        raise AnnotatorError(f"--coders: at most {MAX_CODERS} coders")
    seen: dict[str, str] = {}
    for name in coders:
        if len(name) > MAX_CODER_NAME:
            raise AnnotatorError(f"--coders: '{name[:40]}...' is longer than 100 characters")
        if name.casefold() in (CONSENSUS, SUGGESTER):
            raise AnnotatorError(f"--coders: '{name}' is reserved and cannot be a coder")
        if name_key(name) in seen:
            raise AnnotatorError(f"--coders: '{name}' and '{seen[name_key(name)]}' are one name")
        seen[name_key(name)] = name
    slugs: dict[str, str] = {}
    for name in coders:
        if slugify(name) in slugs:
            raise AnnotatorError(
                f"--coders: '{name}' and '{slugs[slugify(name)]}' would share a file name"
            )
        slugs[slugify(name)] = name
    return coders


def plan_assignment(
    articles: Sequence[ArticleFacts],
    sample: set[str],
    coders: Sequence[str],
    seed: int,
    k: int | None = None,
) -> dict[str, list[str]]:
    """The coders of every article (by sha256).

    Reliability articles (`sample`) go to every coder, or to `k` of them: the k-sets are
    taken in turn from all combinations in a seeded order, so every pair of coders shares
    as many articles as any other (exactly so when the sample is a multiple of the number
    of combinations). The other articles go one by one, largest first (ties in a seeded
    order), to the coder with the fewest units so far, reliability units included (ties:
    a seeded order of coders).
    """
    rng = random.Random(seed)
    k = len(coders) if k is None else k
    if not 2 <= k <= len(coders):
        raise AnnotatorError(f"--k must be between 2 and the number of coders ({len(coders)})")
    groups = list(combinations(coders, k))
    rng.shuffle(groups)
    rank = {name: i for i, name in enumerate(rng.sample(list(coders), len(coders)))}
    load = dict.fromkeys(coders, 0)
    result: dict[str, list[str]] = {}
    shared = [a for a in articles if a.sha256 in sample]
    for i, article in enumerate(sorted(shared, key=lambda a: a.key)):
        result[article.sha256] = list(groups[i % len(groups)])
        for name in result[article.sha256]:
            load[name] += article.units
    rest = sorted((a for a in articles if a.sha256 not in sample), key=lambda a: a.key)
    rng.shuffle(rest)
    for article in sorted(rest, key=lambda a: -a.units):  # stable: seeded order among ties
        lightest = min(coders, key=lambda name: (load[name], rank[name]))
        result[article.sha256] = [lightest]
        load[lightest] += article.units
    return result


@dataclass(frozen=True)
class CoderWork:
    """What one coder was given: articles, units, of which in the reliability sample, and
    their file (None when no file was written)."""

    coder: str
    articles: int
    units: int
    reliability_articles: int
    file: Path | None


def assign_study(
    project: Project,
    coders: Sequence[str],
    out: Path,
    seed: int,
    k: int | None = None,
    replace: bool = False,
) -> list[CoderWork]:
    """Assign every article, write `out/STUDY-CODER.annotator` per coder and record the
    assignment; all files or none (those written are removed if one fails)."""
    coders = check_coders(coders)
    sample = saved_sample(project)
    if sample is None:
        raise ProjectError(
            f"{project.label}: no reliability sample saved; run annotator plan PROJECT --save first"
        )
    if read_setting(project, ASSIGNMENT_KEY) is not None and not replace:
        raise ProjectError(
            f"{project.label}: articles are already assigned; --replace assigns them anew, "
            "--reassign moves one article"
        )
    articles = article_facts(project)
    assigned = plan_assignment(articles, set(sample), coders, seed, k)
    files = {name: out / coder_file_name(project, name) for name in coders}
    _check_out(out, files.values())
    written: list[Path] = []
    try:
        for name, path in files.items():
            write_coder_file(project, path, name, [s for s, who in assigned.items() if name in who])
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    now = utcnow().isoformat()
    by_sha = {a.sha256: a for a in articles}
    record = {
        "coders": coders,
        "k": k or len(coders),
        "seed": seed,
        "assigned_at": now,
        "articles": {
            sha: {
                "key": by_sha[sha].key,
                "coders": who,
                "reliability": sha in sample,
                "assigned_at": now,
            }
            for sha, who in assigned.items()
        },
    }
    save_assignment(project, record)
    return workloads(record, articles, files)


def _check_out(out: Path, paths) -> None:
    if not out.is_dir():
        if not out.parent.is_dir():
            raise ProjectError(f"{out}: folder {out.parent} does not exist")
        out.mkdir()
    taken = [path for path in paths if path.exists()]
    if taken:
        raise ProjectError(f"{taken[0]}: already exists; choose another folder (--out)")


def workloads(
    record: dict, articles: Sequence[ArticleFacts], files: dict[str, Path] | None = None
) -> list[CoderWork]:
    """Articles and units per coder of a recorded assignment."""
    units = {a.sha256: a.units for a in articles}
    rows = []
    for name in record["coders"]:
        mine = [(sha, a) for sha, a in record["articles"].items() if name in a["coders"]]
        rows.append(
            CoderWork(
                coder=name,
                articles=len(mine),
                units=sum(units.get(sha, 0) for sha, _ in mine),
                reliability_articles=sum(1 for _, a in mine if a["reliability"]),
                file=(files or {}).get(name),
            )
        )
    return rows


def recorded_assignment(project: Project) -> dict | None:
    """The assignment recorded in the project, or None; refused when damaged."""
    record = read_setting(project, ASSIGNMENT_KEY)
    if record is None:
        return None
    try:
        coders = [str(name) for name in record["coders"]]
        for sha, entry in record["articles"].items():
            if not isinstance(sha, str) or not set(entry["coders"]) <= set(coders):
                raise ValueError(sha)
            str(entry["assigned_at"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ProjectError(f"{project.label}: setting {ASSIGNMENT_KEY} is damaged") from None
    return record


def assigned_articles(project: Project, coder: str) -> frozenset[str] | None:
    """The SHA-256s of the articles assigned to `coder`, or None when the project has no
    assignment for them (no assignment, or a coder outside it): then every article is theirs."""
    record = recorded_assignment(project)
    if record is None or coder not in record["coders"]:
        return None
    return frozenset(sha for sha, entry in record["articles"].items() if coder in entry["coders"])


def reassign(
    project: Project,
    article_key: str,
    to: str,
    from_: str | None = None,
    out: Path | None = None,
) -> Path | None:
    """Give article `article_key` to coder `to` instead of `from_` (who may be left out
    when the article has a single coder); with `out`, write `to` a file holding it."""
    record = recorded_assignment(project)
    if record is None:
        raise ProjectError(f"{project.label}: nothing is assigned yet; run annotator assign first")
    facts = {a.key: a for a in article_facts(project)}
    if article_key not in facts:
        raise ProjectError(f"{project.label}: no article '{article_key}'")
    sha = facts[article_key].sha256
    entry = record["articles"].get(sha)
    if entry is None:
        raise ProjectError(f"{project.label}: article '{article_key}' is not assigned")
    to = to.strip()
    if not to:
        raise AnnotatorError("--to needs a coder's name")
    if to not in record["coders"]:
        check_coders([*record["coders"], to])  # a new coder's name is checked like the rest
        record["coders"].append(to)
    who: list[str] = entry["coders"]
    if from_ is None:
        if len(who) != 1:
            raise AnnotatorError(
                f"'{article_key}' is assigned to {', '.join(who)}: say which one with --from"
            )
        from_ = who[0]
    if from_ not in who:
        raise AnnotatorError(f"'{article_key}' is not assigned to '{from_}'")
    if to in who:
        raise AnnotatorError(f"'{article_key}' is already assigned to '{to}'")
    path = out / coder_file_name(project, to, article_key) if out is not None else None
    if path is not None:
        _check_out(path.parent, [path])
        write_coder_file(project, path, to, [sha])
    entry["coders"] = [to if name == from_ else name for name in who]
    entry["assigned_at"] = utcnow().isoformat()
    save_assignment(project, record)
    return path
