"""Finding lessons below RAW and reading them safely.

Everything that decides *which* files are lessons and *how* their bytes are read
lives here, apart from the run's orchestration: links, special files, names that
cannot be shown on a terminal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import digest

LESSON_SUFFIXES = frozenset({".txt"})


@dataclass(frozen=True)
class FileProblem:
    path: str
    problem: str
    hint: str

    def line(self) -> str:
        return f"{self.path}: {self.problem}; {self.hint}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.path, "error": self.problem, "hint": self.hint}


@dataclass(frozen=True)
class LessonFile:
    path: Path
    rel: str  # posix path below RAW without suffix: the lesson's name in OUT


def discover(raw: Path, out: Path) -> tuple[list[LessonFile], list[FileProblem]]:
    """Lesson files below ``raw`` in a stable order, and the files passed over.

    Folder links are not followed (no loops, nothing outside RAW); the output
    folder is left out when it lies inside RAW, and so are hidden folders.
    """
    found: list[LessonFile] = []
    skipped: list[FileProblem] = []
    out_real = out.resolve()
    for dirpath, dirnames, filenames in os.walk(raw, followlinks=False):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            sub = here / d
            if d.startswith("."):
                continue
            if sub.is_symlink():
                skipped.append(FileProblem(shown(sub), "a folder link, not followed", "link the files themselves or copy the folder"))
                continue
            if sub.resolve() == out_real:
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = here / name
            if name.startswith("."):
                continue
            if path.suffix.lower() not in LESSON_SUFFIXES:
                skipped.append(FileProblem(shown(path), "not a lesson (only .txt files are read)", "rename it to .txt if it is one"))
                continue
            rel = path.relative_to(raw).with_suffix("").as_posix()
            found.append(LessonFile(path, rel))
    return found, skipped


def shown(path: Path) -> str:
    """A path for one line of text: undecodable name bytes as \\xNN, control characters escaped.

    File names come from strangers; a newline or an invalid byte in one must not
    break the one-line error format or the JSON report.
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)


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


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; a FIFO, socket or device named *.txt is refused.

    Opened non-blocking and checked with fstat on the open descriptor: a plain
    read of a FIFO would block the whole batch forever, and checking before
    opening would leave a window for the file to be swapped.
    """
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("FIFO (named pipe)" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
                    else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
            raise NotRegular(kind)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def input_hash(path: Path) -> str | None:
    try:
        return digest(read_regular_file(path))
    except OSError:
        return None
