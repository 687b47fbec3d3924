"""Writing a file so that it appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces `target`.

    The temporary file lives beside the target so that `os.replace` is a rename within one file
    system: a reader sees the old file or the new one, never a part. On any error (or an
    interruption) the temporary file is removed and `target` is left as it was.
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
