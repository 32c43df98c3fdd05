"""File-system helpers: atomic writes, so nothing half-written is ever visible; writes confined to OUT.

Two kinds of destination:

- A file the user named on the command line (``--tmx x.tmx``, ``-o /dev/stdout``):
  :func:`atomic_write_text` / :func:`atomic_write_bytes`. A terminal, pipe or
  device the user named is written through.
- A file of the run's output folder: :func:`write_inside` (and
  :func:`inside` for any other use of such a path). The path must resolve
  inside OUT, and whatever sits at it (a link to /dev/null, a FIFO, a device
  node) is replaced like a regular file, never written through: a link would
  swallow or redirect the output, a FIFO would hang the run forever.

Every failure is an :class:`~pipeline.errors.OutputError` naming the path,
what is wrong and what to do (disk full, unwritable or immutable folder, a file
where a folder should be).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath, PurePosixPath
from typing import TypeAlias

from pipeline.errors import OutputError, PathEscape
from pipeline.utf8 import utf8_slices

TEMP_PREFIX = ".pipeline-tmp-"


def _current_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any thread.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp creates 0600 files; outputs get the mode a plain open() would give them.
_FILE_MODE = 0o666 & ~_current_umask()


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def inside(out: str | os.PathLike[str], rel: str | os.PathLike[str]) -> Path:
    """``OUT/rel``, after checking that writing there cannot land outside OUT.

    ``rel`` is a relative path (``en/unit1/a.md``; an absolute path below OUT
    is accepted too). Refused with :class:`~pipeline.errors.PathEscape`: an
    absolute path elsewhere, ``..`` or an empty path, and a folder on the way
    that is a link resolving outside OUT. The last component may be anything
    (a link, a FIFO): :func:`write_inside` replaces it, never follows it.
    Returns the path as the user would write it (``out / rel``).
    """
    out_path = Path(out)
    rel_path = PurePath(rel)
    if rel_path.is_absolute():
        for base in (out_path, out_path.resolve()):
            try:
                rel_path = rel_path.relative_to(base)
                break
            except ValueError:
                continue
        else:
            raise PathEscape(str(rel), f"is outside the output folder {out_path}", "this is a bug: report it")
    parts = PurePosixPath(rel_path.as_posix()).parts
    if not parts or any(p in ("..", "") for p in parts) or rel_path.as_posix() in (".",):
        raise PathEscape(str(out_path / rel_path), "is not a path inside the output folder",
                         "use a plain relative name (no '..')")
    target = out_path.joinpath(*parts)
    out_real = out_path.resolve()
    parent_real = target.parent.resolve()
    if not _within(parent_real, out_real):
        raise PathEscape(str(target), f"leads outside the output folder (a folder on the way is a link to {parent_real})",
                         "remove that link from the output folder and run again")
    return target


# What a file of OUT is written from: one str or bytes, or chunks of either, as they are made.
Data: TypeAlias = "str | bytes | Iterable[str] | Iterable[bytes]"


def write_inside(out: str | os.PathLike[str], rel: str | os.PathLike[str], data: Data) -> Path:
    """Write ``OUT/rel`` atomically (text as UTF-8); return the path written.

    ``data`` is a str or bytes, or an iterable of str or bytes chunks (a big
    lesson's Markdown or sidecar, as it is made): chunks go into the temp file
    as they come, so the file is never held whole. Checked with :func:`inside`
    first; a link, FIFO or device at the path is replaced by the new regular
    file (the rename replaces the directory entry, nothing is opened through it).
    """
    path = inside(out, rel)
    _write_chunks(path, utf8_chunks(data), replace_special=True)
    return path


def utf8_chunks(data: Data) -> Iterator[bytes]:
    """``data`` (see :func:`write_inside`) as UTF-8 bytes chunks, strictly encoded
    (a long str a slice at a time: :func:`pipeline.utf8.utf8_slices`)."""
    pieces: Iterable[str | bytes] = [data] if isinstance(data, (str, bytes)) else data
    for piece in pieces:
        if isinstance(piece, str):
            yield from utf8_slices(piece)
        elif piece:
            yield piece


def read_inside(out: str | os.PathLike[str], rel: str | os.PathLike[str]) -> bytes | None:
    """The bytes of ``OUT/rel`` if it is a regular file (not a link, FIFO or device); None otherwise.

    For reading back what a run wrote (is the output still as recorded?): a
    FIFO put there must not hang the check, a link must not be followed.
    """
    try:
        path = inside(out, rel)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except (OSError, PathEscape):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, replace_special: bool = False) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder, then rename.

    A reader sees the old file or the new one, never a part; a crash leaves at
    most a ``.pipeline-tmp-*`` file, which the next run sweeps away. A link at
    ``path`` is replaced, not followed. With ``replace_special`` False (a path
    the user named), an existing terminal, pipe or device is written through;
    with True (the run's outputs), it is replaced like a regular file.
    """
    _write_chunks(Path(path), [data], replace_special=replace_special)


def _write_chunks(path: Path, chunks: Iterable[bytes], *, replace_special: bool) -> None:
    """:func:`atomic_write_bytes` for chunks as they come. A chunk source that
    fails part way (an exception from the iterable) leaves no file and no temp file."""
    if not replace_special and _is_special(path):
        # A terminal, pipe or device the user named (``-o /dev/stdout``, itself a link to
        # the process's descriptor): there is nothing to swap atomically, and renaming
        # over it would replace the device node.
        try:
            with open(path, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
        except OSError as exc:
            raise _write_error(path, exc) from None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(path.parent, exc) from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    except OSError as exc:
        raise _write_error(path.parent, exc) from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise _write_error(path, exc) from None
        raise


def _is_special(path: Path) -> bool:
    """A terminal, pipe, socket or device, directly or through a link (not a file or folder)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def atomic_write_text(path: str | os.PathLike[str], text: str, *, replace_special: bool = False) -> None:
    """Write UTF-8 text with ``\\n`` line ends, atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), replace_special=replace_special)


def _blocking_file(path: Path) -> Path | None:
    """The first component of ``path`` that exists and is not a folder (a file in the way)."""
    for p in [*reversed(path.parents), path]:
        try:
            if not stat.S_ISDIR(p.stat().st_mode):
                return p
        except FileNotFoundError:
            return None
        except OSError:
            continue
    return None


def _write_error(path: Path, exc: OSError) -> OutputError:
    """One clear line for a failed write: which path, what is wrong, what to do."""
    code = exc.errno
    reason = exc.strerror or str(exc)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return OutputError(str(path), f"disk full ({reason})",
                           "free some space and run again (what was written before is complete)", code, reason)
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(str(path), f"cannot write there ({reason})",
                           "make the folder writable (chmod u+w; chattr -i if it is immutable) "
                           "or choose another output folder", code, reason)
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocker = _blocking_file(path)
        if blocker is not None:
            return OutputError(str(blocker), "a file is where a folder should be",
                               "move or remove that file, or choose another output folder", code, reason)
    if code in (errno.EISDIR, errno.ENOTEMPTY):
        return OutputError(str(path), "a folder is where a file should be",
                           "move or remove that folder, or choose another output folder", code, reason)
    return OutputError(str(path), f"cannot be written ({reason})", "check the folder and run again", code, reason)


def sweep_temp_files(folder: str | os.PathLike[str]) -> int:
    """Remove temp files a killed run left below ``folder``; return how many.

    Walks without following folder links: a link in OUT must not lead the sweep
    to delete files elsewhere.
    """
    n = 0
    for dirpath, _dirs, files in os.walk(folder, followlinks=False):
        for name in files:
            if name.startswith(TEMP_PREFIX):
                try:
                    os.unlink(os.path.join(dirpath, name))
                    n += 1
                except OSError:
                    pass
    return n
