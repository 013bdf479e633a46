"""Where a project lives: a file path (one analyst) or a PostgreSQL URL (a team).

Everything that takes a project accepts either, so this module is the one place
that tells them apart; the command line uses `project_location` as its argparse type.
SQLAlchemy parses URLs, imported only when a URL is met: the start screen and the
command line's parser use this module for file paths long before any database is opened.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.core.errors import ProjectError

Location = Path | str
SERVER_SCHEMES = ("postgresql", "postgres")


def is_server_url(location: object) -> bool:
    """True for a database URL (postgresql+psycopg://...), False for a file path."""
    text = str(location)
    scheme, sep, _rest = text.partition("://")
    return bool(sep) and scheme.split("+")[0] in SERVER_SCHEMES and not isinstance(location, Path)


def project_location(text: str) -> Location:
    """A command-line project argument: a URL stays text, anything else becomes a Path.

    The URL is checked where it is opened (`server_url`), so that a bad one is
    reported as a project error rather than as an argparse traceback.
    """
    return text if is_server_url(text) else Path(text)


def server_url(text: str) -> str:
    """A PostgreSQL URL with the psycopg (3) driver named, whatever the user wrote."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = _redacted(text)  # messages never show a password
    try:
        url = make_url(text)
    except ArgumentError:
        raise ProjectError(f"{shown}: not a database URL") from None
    except ValueError:  # a port that is not a number
        raise ProjectError(f"{shown}: the port must be a number") from None
    if url.get_backend_name() != "postgresql":
        raise ProjectError(f"{shown}: only PostgreSQL servers are supported")
    if not url.database:
        raise ProjectError(f"{shown}: the URL names no database (…/DATABASE at the end)")
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


_PASSWORD = re.compile(r"(://[^/@:]*:)[^/@]*@")


def _redacted(text: str) -> str:
    """The URL text with any password replaced by ***, even when it does not parse."""
    return _PASSWORD.sub(r"\1***@", text)


def display_location(location: Location) -> str:
    """The location as shown to people: a URL without its password."""
    if is_server_url(location):
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(str(location)).render_as_string(hide_password=True)
        except (ArgumentError, ValueError):
            return _redacted(str(location))
    return str(location)


def without_password(location: Location) -> Location:
    """The location to remember (recent projects, settings): a URL loses its password,
    which then comes from ~/.pgpass or PGPASSWORD when the project is opened again."""
    if is_server_url(location):
        from sqlalchemy.engine import URL, make_url

        url = make_url(str(location))
        bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database)
        return bare.update_query_dict(dict(url.query)).render_as_string(hide_password=False)
    return location


def working_folder(location: Location) -> Path:
    """Where files made from a project (exports, reports) go by default: beside a project
    file, or the home folder for a server project, which has no folder of its own."""
    return Path.home() if is_server_url(location) else Path(location).parent


def location_stem(location: Location) -> str:
    """A default project name: the file name without suffix, or the database name."""
    if is_server_url(location):
        from sqlalchemy.engine import make_url

        return make_url(str(location)).database or "project"
    return Path(location).stem


def server_user(location: Location) -> str | None:
    """The role a URL connects as (it names the coder in a team project)."""
    if not is_server_url(location):
        return None
    from sqlalchemy.engine import make_url

    return make_url(str(location)).username
