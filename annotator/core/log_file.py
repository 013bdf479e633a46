"""The log file: where unexpected errors leave their traceback for a bug report.

The user sees one line; the traceback goes here, so a failure nobody foresaw can
still be diagnosed. The folder is the platform's log folder (platformdirs: e.g.
~/.local/state/annotator/log on Linux, ~/Library/Logs/annotator on macOS,
%LOCALAPPDATA%\\annotator\\Logs on Windows); the GUI passes Qt's own state folder
instead. ANNOTATOR_LOG_DIR overrides both (the tests point it at a temporary folder).
The file is created only when something is written to it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOGGER = "annotator"
FILE_NAME = "annotator.log"
MAX_BYTES = 1_000_000
KEEP_FILES = 3

_handler: logging.Handler | None = None
_path: Path | None = None


def default_log_folder() -> Path:
    """The platform's log folder for annotator (or ANNOTATOR_LOG_DIR)."""
    override = os.environ.get("ANNOTATOR_LOG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_log_path("annotator", appauthor=False)


def start_log_file(folder: Path | None = None) -> Path:
    """Send annotator's warnings and errors to `folder`/annotator.log (rotated at 1 MB);
    returns the file's path. Calling it again moves the log to the new folder."""
    global _handler, _path
    override = os.environ.get("ANNOTATOR_LOG_DIR")
    path = (Path(override) if override else folder or default_log_folder()) / FILE_NAME
    logger = logging.getLogger(LOGGER)
    if _handler is not None:
        if _path == path:
            return path
        logger.removeHandler(_handler)
        _handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    _handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=KEEP_FILES, encoding="utf-8", delay=True
    )
    _handler.setLevel(logging.WARNING)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(_handler)
    _path = path
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    return path


def log_unexpected(where: str, error: BaseException) -> Path:
    """Log `error` with its traceback; returns the log file named in the user's message."""
    path = _path or start_log_file()
    logging.getLogger(LOGGER).error(
        "%s: unexpected %s", where, type(error).__name__, exc_info=error
    )
    return path


def current_log_file() -> Path | None:
    """The file the log goes to, once `start_log_file` has run."""
    return _path
