"""Finding lessons below RAW and reading them safely.

Everything that decides *which* files are lessons and *how* their bytes are read
lives here, apart from the run's orchestration: links, special files, names that
cannot be shown on a terminal, names that collide in OUT.

Rules (each one a reported line, never a silent drop):

- Nothing that resolves outside RAW is read. A file link whose target lies
  inside RAW is read (as the link's lesson name); one that points outside RAW,
  or into OUT, is skipped with a line naming the target. Folder links are never
  followed (no loops, no second copy of a subtree).
- Reads are confined at open time too (:func:`read_lesson`): every folder on
  the way and the file itself are opened relative to RAW with ``O_NOFOLLOW``,
  so a file swapped for a link after discovery is refused, not followed.
- A name that is not valid UTF-8 is refused (an error line): lesson names
  end up in UTF-8 files and the run's state.
- Two files that would become the same lesson (``dup.txt``, ``dup.TXT``, NFC
  and NFD spellings, names that differ only in case) are a collision: the
  first in discovery order (folders and files sorted, top-down) is kept, every
  other one is refused with an error line, so outputs never flip between
  versions and the same lesson is written on case-insensitive file systems.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import digest
from pipeline.text import printable

LESSON_SUFFIXES = frozenset({".txt"})


@dataclass(frozen=True)
class FileProblem:
    path: str
    problem: str
    hint: str
    # True: not a lesson, passed over with a note ("Skipped:", exit status unchanged);
    # False: a lesson that cannot be processed ("Error:", exit 1).
    skipped: bool = False

    def line(self) -> str:
        return f"{self.path}: {self.problem}; {self.hint}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.path, "error": self.problem, "hint": self.hint}


@dataclass(frozen=True)
class LessonFile:
    path: Path  # as found below RAW (what messages name)
    rel: str  # posix path below RAW without suffix: the lesson's name in OUT
    root: Path | None = None  # RAW, resolved: reads are confined to it
    inner: str | None = None  # posix path below ``root`` of the file to open (a link's target)


Found = LessonFile | FileProblem


def lesson_key(rel: str) -> str:
    """The name two lessons collide on: Unicode canonical caseless form (NFD, casefold, NFD)."""
    if rel.isascii():
        return rel.lower()  # the same for ASCII, without three passes
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", rel).casefold())


def iter_lessons(raw: str | os.PathLike[str], out: str | os.PathLike[str]) -> Iterator[Found]:
    """Lesson files below ``raw`` in a stable order, and a :class:`FileProblem` for every file passed over.

    A generator: a folder of a million lessons is never held in memory at once.
    What it does keep is one normalised name per lesson yielded (a set of
    strings, ~120 bytes a lesson, measured), to refuse collisions; the run's
    state holds more per lesson. Problems with ``skipped=False`` are errors
    (collisions, names that are not UTF-8, unreadable folders); the rest are
    notes. Order: each folder's files sorted by name, then its subfolders,
    sorted, each one whole (what ``os.walk`` gives with sorted names).
    """
    raw = Path(raw)
    root = raw.resolve()
    out_real = Path(out).resolve()
    seen: set[str] = set()
    # Folders still to walk, deepest level last; each level in reverse sorted order (next one at the end).
    pending: list[list[tuple[Path, str]]] = [[(raw, "")]]
    while pending:
        if not pending[-1]:
            pending.pop()
            continue
        here, prefix = pending[-1].pop()
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield _walk_problem(exc)
            continue
        folders: list[os.DirEntry[str]] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # through a link too: a folder link is reported below
            except OSError:
                is_dir = False
            (folders if is_dir else files).append(entry)
        here_kept: dict[str, Path] = {}  # this folder's kept lessons, to name the one a collision lost to
        for entry in files:
            yield _file(entry, here, prefix, root, out_real, seen, here_kept)
        deeper: list[tuple[Path, str]] = []
        for entry in folders:
            sub = here / entry.name
            if entry.is_symlink():
                target = _resolve(sub)
                if target is not None and target == out_real:
                    continue  # a link to the output folder inside RAW: not a lesson folder
                where = "to a folder inside RAW" if target is not None and _within(target, root) else "to outside RAW"
                yield FileProblem(shown(sub), f"a folder link {where}, not followed",
                                  "link the files themselves or copy the folder into RAW", skipped=True)
                continue
            if sub.resolve() == out_real:
                continue
            deeper.append((sub, f"{prefix}{entry.name}/"))
        pending.append(deeper[::-1])


def _file(entry: os.DirEntry[str], here: Path, prefix: str, root: Path, out_real: Path, seen: set[str],
          here_kept: dict[str, Path]) -> Found:
    """What one non-folder entry of a RAW folder is: a lesson, a note or an error."""
    name = entry.name
    path = here / name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or f".{suffix.lower()}" not in LESSON_SUFFIXES:
        return FileProblem(shown(path), "not a lesson (only .txt files are read)", "rename it to .txt if it is one",
                           skipped=True)
    inner: str | None = prefix + name
    if entry.is_symlink():
        target = _resolve(path)
        if target is None:
            return FileProblem(shown(path), "a link that loops; not read", "remove the link", skipped=True)
        if not _within(target, root):
            return FileProblem(shown(path), f"a link to {shown(target)}, outside RAW; not read",
                               "copy the file into RAW if it is a lesson", skipped=True)
        if _within(target, out_real):
            return FileProblem(shown(path), "a link into the output folder; not read", "remove the link", skipped=True)
        inner = target.relative_to(root).as_posix() if target != root else None
    rel = prefix + stem
    if not utf8_ok(rel):
        # Refused here, before the name reaches the state, sidecars or Markdown (all UTF-8).
        return FileProblem(shown(path), "its name or folder name is not valid UTF-8", "rename it to a UTF-8 name")
    key = lesson_key(rel)
    if key in seen:
        kept = here_kept.get(key)
        other = f"{shown(kept)}, which is kept" if kept else "another file, which is kept"
        return FileProblem(shown(path), f"would be written as lesson {printable(rel)}, like {other} "
                           f"(lesson names must differ in more than letter case, Unicode form or the suffix)",
                           "rename one of them")
    seen.add(key)
    here_kept[key] = path
    return LessonFile(path, rel, root, inner)


def discover(raw: Path, out: Path) -> tuple[list[LessonFile], list[FileProblem]]:
    """The whole of :func:`iter_lessons` as two lists: lessons, and problems (notes and errors;
    see :attr:`FileProblem.skipped`). Prefer the generator for big folders."""
    found: list[LessonFile] = []
    problems: list[FileProblem] = []
    for item in iter_lessons(raw, out):
        (found if isinstance(item, LessonFile) else problems).append(item)  # type: ignore[arg-type]
    return found, problems


def _resolve(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop
        return None


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _walk_problem(exc: OSError) -> FileProblem:
    where = shown(exc.filename) if exc.filename else "?"
    return FileProblem(where, f"folder cannot be read ({exc.strerror or exc}); its lessons were not found",
                       "fix its permissions and run again")


def shown(path: str | os.PathLike[str]) -> str:
    """A path for one line of text: undecodable name bytes as \\xNN, control characters escaped.

    File names come from strangers; a newline, an escape sequence or an invalid
    byte in one must not break the one-line error format, the JSON report or
    the user's terminal. See :func:`pipeline.text.printable`.
    """
    return printable(os.fsencode(path).decode("utf-8", "backslashreplace"))


def utf8_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class NotRegular(OSError):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CONFINED = bool(_O_NOFOLLOW and _O_DIRECTORY) and os.open in os.supports_dir_fd


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; a FIFO, socket or device named *.txt is refused.

    Opened non-blocking and checked with fstat on the open descriptor: a plain
    read of a FIFO would block the whole batch forever, and checking before
    opening would leave a window for the file to be swapped. Follows links:
    for lessons use :func:`read_lesson`, which stays inside RAW.
    """
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_CLOEXEC | getattr(os, "O_BINARY", 0))
    return _read_fd(fd)


def read_lesson(item: LessonFile) -> bytes:
    """The bytes of a discovered lesson, opened without following any link out of RAW.

    Each folder below RAW and the file itself are opened relative to the one
    before with ``O_NOFOLLOW``: a file or folder replaced by a link after
    discovery (to /etc/shadow, say) raises :class:`NotRegular`, never reads it.
    """
    if item.root is None or item.inner is None or not _CONFINED:
        return read_regular_file(item.path)
    parts = item.inner.split("/")
    fd = os.open(item.root, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                sub = os.open(part, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC, dir_fd=fd)
            except NotADirectoryError:
                raise NotRegular("file below a folder that became a link or a file during the run") from None
            os.close(fd)
            fd = sub
        try:
            lesson_fd = os.open(parts[-1], os.O_RDONLY | _O_NONBLOCK | _O_NOFOLLOW | _O_CLOEXEC, dir_fd=fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise NotRegular("link that appeared during the run") from None
            raise
    finally:
        os.close(fd)
    return _read_fd(lesson_fd)


def _read_fd(fd: int) -> bytes:
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("FIFO (named pipe)" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
                    else "folder" if stat.S_ISDIR(mode)
                    else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
            raise NotRegular(kind)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def input_hash(item: Path | LessonFile) -> str | None:
    """Digest of a lesson's bytes (read as :func:`read_lesson` does), None when unreadable."""
    try:
        return digest(read_lesson(item) if isinstance(item, LessonFile) else read_regular_file(item))
    except OSError:
        return None
