"""The log of unexpected failures: a traceback a person never sees, kept where support can read it.

The command line and the window show one line naming the action and this file; the file (in the
user's log folder, or PARTNER_DESK_LOG) holds the traceback. It is kept under LOG_LIMIT bytes by
moving a full log to `partner-desk.log.1`.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_log_dir

from partner_desk import APP_NAME

ENV_LOG = "PARTNER_DESK_LOG"
LOG_LIMIT = 5_000_000


def log_path() -> Path:
    chosen = os.environ.get(ENV_LOG)
    if chosen:
        return Path(chosen).expanduser()
    return Path(user_log_dir(APP_NAME, appauthor=False)) / f"{APP_NAME}.log"


def detail(exc: BaseException) -> str:
    """"KeyError: 'x'": the kind of error and the first line of its message."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def record(action: str, exc: BaseException, context: str = "") -> Path | None:
    """Append the failure and its traceback to the log; the log's path, or None if it could not
    be written (a full disk, a folder without permission)."""
    path = log_path()
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    text = "".join(traceback.format_exception(exc))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.stat().st_size > LOG_LIMIT:
            os.replace(path, path.with_name(path.name + ".1"))
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {stamp} {action or 'the window'} failed{': ' + context if context else ''}\n"
                         f"{text}\n")
    except OSError:
        return None
    return path


def sentence(exc: BaseException, path: Path | None) -> str:
    """The English line the command line and the audit trail give: what happened, and where its
    details are."""
    where = f"the details are in {path}" if path is not None else "the details could not be logged"
    return f"an unexpected error ({detail(exc)}); {where}"
