"""`annotator sources`: list and edit a coder's sources of one article.

Without an action it lists the sources (of one coder, or of every coder who has any),
each with its id, label, mentions, linked units and source-field codes. One action per
call, each one transaction through the core's write path (coding/sources_service.py):

  --propose                      store the cue finder's proposal as the suggester's list
  --accept [SOURCE]              copy one proposed source (or all) into --coder's list
  --new LABEL [--unit KEY ...]   a new source, linked to the units named
  --mention SOURCE UNIT TEXT     add the mention TEXT (its first occurrence in UNIT)
  --link SOURCE UNIT [--first]   link a unit to a source (--first: the claim's own)
  --unlink SOURCE UNIT
  --rename SOURCE LABEL
  --merge KEEP OTHER             OTHER folds into KEEP
  --split SOURCE UNIT LABEL      the mentions in UNIT leave SOURCE for a new source
  --remove SOURCE
  --code SOURCE FIELD=VALUE ...  code source fields (FIELD= clears)
  --take CODER SOURCE            with --coder consensus: CODER's source becomes the
                                 consensus source of its row (see the review's Sources tab)

A SOURCE is named by its id or its label; a UNIT by its key (harbor-deal#4). With
--coder consensus every action but --propose and --accept adjudicates: it writes the
consensus list and asks for the supervisor passphrase where the project has one.
"""

from __future__ import annotations

import argparse

from sqlmodel import col, select

from annotator.cli.output import Command, print_json
from annotator.cli.passphrase import require_supervisor
from annotator.core.coding import lookups
from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.coder_names import printable_name
from annotator.core.coding.source_lists import Mention, SourceList
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.documents import one_line
from annotator.core.store.location import project_location
from annotator.core.store.models import Article, Coder, Origin, Source
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.suggest import source_proposals
from annotator.core.supervision import source_review

_ACTIONS = {
    "propose": 0,
    "accept": "?",
    "new": 1,
    "mention": 3,
    "link": 2,
    "unlink": 2,
    "rename": 2,
    "merge": 2,
    "split": 3,
    "remove": 1,
    "code": "+",
    "take": 2,
}


def register(command: Command) -> None:
    """Add `sources` to the main parser (called by annotator.cli)."""
    parser = command("sources", _sources)
    parser.description = __doc__.split("\n\n", 1)[1] if __doc__ else None
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("project", type=project_location)
    parser.add_argument("--article", required=True, help="the article's key")
    parser.add_argument("--coder", help="whose sources (needed by every action but --propose)")
    parser.add_argument("--json", action="store_true")
    actions = parser.add_mutually_exclusive_group()
    for name, count in _ACTIONS.items():
        if count == 0:
            actions.add_argument(f"--{name}", action="store_true")
        elif count == "?":
            actions.add_argument(f"--{name}", nargs="?", const="", metavar="SOURCE")
        else:
            actions.add_argument(f"--{name}", nargs=count, metavar="ARG")
    parser.add_argument("--unit", action="append", default=[], help="with --new: a unit to link")
    parser.add_argument("--first", action="store_true", help="with --link: the claim's own source")


def _sources(args: argparse.Namespace) -> None:
    with Project.open(args.project) as project:
        article = _article_id(project, args.article)
        action = next((name for name in _ACTIONS if _given(args, name)), None)
        if action == "propose":
            done = source_proposals.propose_for_article(project, article)
            print(f"proposed {len(done.after.sources)} source(s) for {args.article}")
            return _list(project, article, [source_proposals.SUGGESTER], args.json)
        if action is None:
            coders = _coders(project, article, args.coder)
            if set(coders) - {source_proposals.SUGGESTER}:  # coders' lists, as `units --coder`
                require_supervisor(project, "sources")
            return _list(project, article, coders, args.json)
        if not args.coder:
            raise AnnotatorError(f"--{action} needs --coder")
        if args.coder == CONSENSUS or action == "take":
            _adjudicate(project, article, action, args)
        elif action == "accept":
            source_proposals.accept(
                project, article, args.coder, _proposed(project, article, args.accept)
            )
        else:
            change = _edit(project, article, action, getattr(args, action), args)
            sources.edit(project, article, args.coder, change, origin=Origin.COMMAND_LINE)
        _list(project, article, [args.coder], args.json)


def _adjudicate(project: Project, article: int, action: str, args: argparse.Namespace) -> None:
    """An action on the consensus list (core/supervision/source_review.py)."""
    if args.coder != CONSENSUS:
        raise AnnotatorError(f"--{action} writes the consensus: give --coder {CONSENSUS}")
    if action in ("accept", "propose"):
        raise AnnotatorError(f"--{action} is not for the consensus; --take a coder's source")
    require_supervisor(project, "sources --coder consensus", why="the consensus is adjudicated")
    if action == "take":
        coder, name = args.take
        uid = sources.read_list(project, article, coder).by_label_or_uid(name).uid
        source_review.take_into_row(project, article, coder, uid)
    else:
        change = _edit(project, article, action, getattr(args, action), args)
        source_review.edit_consensus(project, article, change)


def _given(args: argparse.Namespace, name: str) -> bool:
    value = getattr(args, name)
    return value is not None and value is not False


def _edit(project: Project, article: int, action: str, values: list[str], args):
    """The edit an action makes (source_lists), named units looked up in this article."""

    def unit(key: str) -> lookups.UnitRow:
        return _unit(project, article, key)

    def change(s: SourceList, units: sources.ArticleUnits) -> str | None:
        if action == "new":
            made = lists.add_source(s, values[0])
            for key in args.unit:
                lists.link(s, unit(key).id, made)
            return made
        named = s.by_label_or_uid(values[0]).uid
        if action == "mention":
            row = unit(values[1])
            at = row.text.find(values[2]) if values[2] else -1
            if at < 0:
                raise AnnotatorError(f"{row.key}: no {values[2]!r} in its text")
            mention = Mention(row.id, row.start + at, row.start + at + len(values[2]))
            lists.add_mention(s, named, mention, units.unit(row.id))
        elif action == "link":
            lists.link(s, unit(values[1]).id, named, first=args.first)
        elif action == "unlink":
            lists.unlink(s, unit(values[1]).id, named)
        elif action == "rename":
            lists.rename(s, named, values[1])
        elif action == "merge":
            lists.merge(s, named, s.by_label_or_uid(values[1]).uid, project.codebook)
        elif action == "split":
            row = unit(values[1])
            moved = [m for m in s.source(named).mentions if m.unit_id == row.id]
            lists.split(s, named, moved, values[2])
        elif action == "remove":
            lists.remove_source(s, named)
        elif action == "code":
            lists.code(s, named, project.codebook, _assignments(values[1:]))
        return None

    return change


def _assignments(items: list[str]) -> dict[str, str | None]:
    """FIELD=VALUE pairs; FIELD= clears the field."""
    codes: dict[str, str | None] = {}
    for item in items:
        field, equals, value = item.partition("=")
        if not equals or not field.strip():
            raise AnnotatorError(f"{item!r}: give FIELD=VALUE (FIELD= clears it)")
        codes[field.strip()] = value.strip() or None
    return codes


def _article_id(project: Project, key: str) -> int:
    with project.reading() as session:
        article = lookups.article_by_key(session, key)
        assert article.id is not None
        return article.id


def _unit(project: Project, article: int, key: str) -> lookups.UnitRow:
    row = lookups.find_unit(project, key)
    if row.article_id != article:
        raise AnnotatorError(f"{key}: not a unit of this article")
    return row


def _proposed(project: Project, article: int, name: str) -> str | None:
    """The uid of the proposed source named (id or label); None: every proposed source."""
    if not name:
        return None
    return sources.read_list(project, article, source_proposals.SUGGESTER).by_label_or_uid(name).uid


def _coders(project: Project, article: int, coder: str | None) -> list[str]:
    """The coder asked for, or every coder with sources of this article."""
    if coder:
        return [coder]
    with project.reading() as session:
        names = session.exec(
            select(Coder.name)
            .join(Source, col(Source.coder_id) == Coder.id)
            .where(Source.article_id == article)
            .distinct()
            .order_by(col(Coder.name))
        ).all()
    return list(names)


def _list(project: Project, article: int, coders: list[str], as_json: bool) -> None:
    keys = {u.id: u.key for u in lookups.list_units(project, _article_key(project, article))}
    listed = {coder: _rows(sources.read_list(project, article, coder), keys) for coder in coders}
    if as_json:
        print_json(listed)
        return
    if not any(listed.values()):
        print("no sources")
    for coder, rows in listed.items():
        for row in rows:
            codes = " ".join(f"{k}={v}" for k, v in row["codes"].items())
            print(
                f"{printable_name(coder):<12} {row['id']}  {one_line(row['label'], 40):<40}"
                f"  {len(row['mentions'])} mention(s)  units {','.join(row['units']) or '-'}"
                + (f"  {codes}" if codes else "")
            )


def _rows(source_list: SourceList, keys: dict[int, str]) -> list[dict]:
    """Each source as --json prints it: mentions by unit key and article offsets."""
    return [
        {
            "id": s.uid,
            "label": s.label,
            "mentions": [
                {"unit": keys[m.unit_id], "start": m.start, "end": m.end}
                for m in sorted(s.mentions, key=lambda m: (m.start, m.end))
            ],
            "units": [keys[u] for u in source_list.linked_units(s.uid)],
            "claim_source_of": [
                keys[u] for u, uids in sorted(source_list.links.items()) if uids[0] == s.uid
            ],
            "codes": s.codes,
        }
        for s in source_list.sources
    ]


def _article_key(project: Project, article: int) -> str:
    with project.reading() as session:
        found = session.get(Article, article)
        assert found is not None
        return found.key
