"""Writing a file so that it appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

# `.TARGET.PID.HEX.tmp`, as atomic_path names its temporary files
_TEMPORARY = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces `target`.

    The temporary file lives beside the target so that `os.replace` is a rename within one file
    system: a reader sees the old file or the new one, never a part. On any error (or an
    interruption) the temporary file is removed and `target` is left as it was. A process killed
    outright leaves its temporary file behind: `remove_stale` clears those.
    """
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # created here (not by mkstemp) so that the finished file gets the usual permissions
    temporary.open("xb").close()
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a number we cannot ask about: leave its file
    return True


def remove_stale(folder: Path, targets: re.Pattern[str]) -> list[Path]:
    """Remove the temporary files atomic_path left in `folder` for targets whose names match
    `targets`, when the process that wrote them is no longer running; the files removed."""
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = _TEMPORARY.match(entry.name)
            if match is None or not targets.fullmatch(match["target"]) or not entry.is_file(follow_symlinks=False):
                continue
            if _running(int(match["pid"])):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def close_abandoned_zips(trace: TracebackType | None) -> None:
    """Close, without finishing them, the zip files a failed write left open.

    openpyxl leaves its ZipFile open when writing a workbook fails (a full disk). Left alone, the
    ZipFile tries to finish the file when it is garbage-collected, fails again and prints a
    traceback at some later moment; closed here, it is done with.
    """
    while trace is not None:
        for value in list(trace.tb_frame.f_locals.values()):
            candidates = [value, getattr(value, "_archive", None)]
            for archive in candidates:
                if isinstance(archive, zipfile.ZipFile) and archive.fp is not None:
                    with contextlib.suppress(Exception):
                        archive.close()  # writing its directory may fail again; the file is closed anyway
        trace = trace.tb_next
