"""The command line: a thin layer over annotator.core.

User errors print one line on stderr and exit 2; nothing here knows SQL. Each command
lives in the module of its subject (`coding`, `codebook`, `export`, `merge`,
`agreement`, `maintenance`, `team`, `units`, `suggest`, `study`, `training`, `finding`,
`gui`);
`COMMANDS` below names them all with their one-line help, and a command's module is
imported only when that command runs (or its own --help is asked for): its `register`
then adds the command's arguments. So `annotator --help`, `--version` and every command
start without loading what they do not use (no database or data library for the first
two, no Qt but for `gui`/`demo`).

May import annotator.core; must not import annotator.ui except in `gui`, when a
window command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from annotator import __version__
from annotator.cli.output import EXIT_USER_ERROR, Handler
from annotator.core.errors import AnnotatorError

__all__ = ["COMMANDS", "EXIT_USER_ERROR", "build_parser", "main"]

EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE: an internal error, not the user's

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module in annotator.cli that registers it, one-line help)
    "new": ("coding", "create an empty project"),
    "import": (
        "coding",
        "import articles (.txt .md .html .docx .pdf .csv, archive exports, folders, - for stdin)",
    ),
    "articles": ("coding", "list the articles"),
    "drop-article": ("coding", "drop an article nobody has coded (a near-duplicate, say)"),
    "units": ("coding", "list the units (sentences, titles, headings)"),
    "code": ("coding", "code a unit: FIELD=CODE, or FIELD= to clear"),
    "info": ("coding", "show what a project holds"),
    "codebook": ("codebook", "check codebooks, print the format's schema, update a project's"),
    "gui": ("gui", "open a project in the coding window"),
    "demo": ("gui", "open a throw-away copy of the demo project in the coding window"),
    "export": ("export", "export for R, Stata, SPSS, pandas, Excel (CSV, .sav, .dta, .xlsx)"),
    "import-codes": (
        "export",
        "import codes from a CSV in the long layout (unit_key, coder, a column per field); "
        "all or nothing",
    ),
    "merge": ("merge", "bring other coders' project files into a project"),
    "agreement": ("agreement", "inter-coder agreement of a project or a CSV file, per field"),
    "backup": ("maintenance", "back up a project (SQLite's online backup, safe while open)"),
    "restore": (
        "maintenance",
        "put a backup in a project's place (the replaced file is kept in PROJECT.backups/); "
        "restore --list PROJECT lists the backups to choose from",
    ),
    "supervisor": (
        "maintenance",
        "the supervisor passphrase (guards against accidents, not against someone who can "
        "read the file)",
    ),
    "push": ("team", "copy a project file into an empty PostgreSQL database"),
    "pull": ("team", "copy a PostgreSQL project into a new project file"),
    "team": ("team", "team members of a PostgreSQL project"),
    "unit": ("units", "correct a unit before coding: split, merge, change kind"),
    "sources": (
        "sources",
        "an article's sources per coder: list, propose, accept, link, rename, merge, split",
    ),
    "suggest": (
        "suggest",
        "suggest attribution codes from cues and store them as the machine coder 'suggester'",
    ),
    "plan": ("study", "the reliability sample: units and articles a target alpha needs, drawn"),
    "assign": ("study", "assign articles to coders and write one project file per coder"),
    "progress": ("study", "progress per coder: articles and units done of those assigned"),
    "retrieve": (
        "finding",
        "units with a code, a note, low confidence or the suggester's disagreement, "
        "across all articles",
    ),
    "search": ("finding", "every match of a word in every article, with its context (KWIC)"),
    "gold": ("training", "mark gold articles (codes of the consensus or a coder) to train against"),
    "certify": ("training", "a coder's training codes against the gold: alpha, confusions, pass"),
    "study-settings": (
        "training",
        "fields left out of agreement and adjudication; when training shows differences",
    ),
    "recheck": ("drift", "schedule a coder's earlier units to come back to them, blind; list them"),
    "drift": ("drift", "each coder's alpha with their own re-check codes, next to inter-coder"),
    "agreement-detail": (
        "training",
        "agreement where it helps to act: articles worst first, coder by coder, categories",
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        handler: Handler = getattr(args, "handler", None) or _start_screen
        return handler(args) or 0
    except AnnotatorError as error:
        print(f"annotator: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a failure nobody foresaw: one line here, details in the log
        from annotator.core.log_file import log_unexpected

        log = log_unexpected(f"annotator {' '.join(sys.argv[1:2])}".strip(), error)
        first = (str(error).splitlines() or [""])[0]
        print(
            f"annotator: unexpected error ({type(error).__name__}: {first}); details in {log}",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE


def build_parser() -> argparse.ArgumentParser:
    """The whole parser; each command's arguments are added when that command is parsed."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Source-reliability coding of news, sentence by sentence. "
        "With no command, opens the start screen.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", parser_class=CommandParser
    )
    for name, (module, help_text) in COMMANDS.items():
        commands.add_parser(
            name, help=help_text, description=help_text, module=module, commands=commands.choices
        )
    return parser


class CommandParser(argparse.ArgumentParser):
    """The parser of one command: its module adds the arguments the first time it is used.

    argparse hands the words after the command's name to the command's parser
    (`parse_known_args`), and `--help` formats it, so these two are where the module
    is imported. Nested command parsers (`codebook validate`) have no module.
    """

    def __init__(
        self,
        *args,
        module: str | None = None,
        commands: dict[str, CommandParser] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.module = module
        self.commands = {} if commands is None else commands

    def parse_known_args(self, args=None, namespace=None):
        self.load()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self.load()
        return super().format_help()

    def load(self) -> None:
        """Import this command's module and let it add its commands' arguments (once)."""
        if self.module is None:
            return
        name, self.module = self.module, None

        def command(command_name: str, handler: Handler) -> argparse.ArgumentParser:
            sub = self.commands[command_name]
            sub.module = None
            sub.set_defaults(handler=handler)
            return sub

        importlib.import_module(f"annotator.cli.{name}").register(command)


def _start_screen(args: argparse.Namespace) -> int:
    from annotator.cli.gui import start_screen

    return start_screen(args)


if __name__ == "__main__":
    sys.exit(main())
