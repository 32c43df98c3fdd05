"""File-system helpers: atomic writes, so nothing half-written is ever visible."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".pipeline-tmp-"


def _current_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any thread.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp creates 0600 files; outputs get the mode a plain open() would give them.
_FILE_MODE = 0o666 & ~_current_umask()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder, then rename.

    A reader sees the old file or the new one, never a part; a crash leaves at
    most a ``.pipeline-tmp-*`` file, which the next run sweeps away.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        # A terminal, pipe or device (``-o /dev/stdout``): there is nothing to
        # swap atomically, and renaming over it would replace the device node.
        with open(path, "wb") as fh:
            fh.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text with ``\\n`` line ends, atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def sweep_temp_files(folder: str | os.PathLike[str]) -> int:
    """Remove temp files a killed run left below ``folder``; return how many."""
    n = 0
    for p in Path(folder).rglob(TEMP_PREFIX + "*"):
        try:
            p.unlink()
            n += 1
        except OSError:
            pass
    return n
