"""An attacker's raw/ folder, generated at test time: links out of RAW, colliding names.

``make_hostile_raw(raw, sentinel)`` writes the corpus and a sentinel folder
(outside RAW) holding a secret; it returns ``{path below RAW: outcome}``:

- ``ok``: a lesson that must be written (a link inside RAW among them);
- ``skipped-link``: a link that resolves outside RAW (file or folder), passed
  over with a ``Skipped:`` line and never read;
- ``collision-kept`` / ``collision``: names that become the same lesson; the
  first in sorted order is kept, every other one is an ``Error:`` line.

Each lesson's text holds ``kept:<path>`` or ``refused:<path>``, so a test can
tell from an output which file it came from.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

SECRET_MARKER = "SECRET-7f3a-do-not-leak"


def _lesson(rel: str, kept: bool) -> str:
    return f"Lección de prueba\n\n{'kept' if kept else 'refused'}:{rel} La relaci&oacute;n con los clientes.\n"


def make_hostile_raw(raw: Path, sentinel: Path) -> dict[str, str]:
    raw.mkdir(parents=True, exist_ok=True)
    sentinel.mkdir(parents=True, exist_ok=True)
    (sentinel / "secret.txt").write_text(f"Lección secreta\n\n{SECRET_MARKER}\n", encoding="utf-8")
    (sentinel / "folder").mkdir(exist_ok=True)
    (sentinel / "folder" / "inner.txt").write_text(f"Lección\n\n{SECRET_MARKER}\n", encoding="utf-8")
    expect: dict[str, str] = {}

    def put(rel: str, outcome: str, kept: bool = True) -> None:
        p = raw / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(_lesson(rel, kept), encoding="utf-8")
        expect[rel] = outcome

    def link(rel: str, target: str | Path, outcome: str, folder: bool = False) -> None:
        p = raw / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.symlink_to(target, target_is_directory=folder)
        expect[rel] = outcome

    put("good.txt", "ok")
    put("unit/inner.txt", "ok")
    link("alias.txt", Path("unit") / "inner.txt", "ok")  # inside RAW: read
    # links out of RAW: the system's password files, a sentinel secret, relative escapes, a folder
    link("passwd.txt", "/etc/passwd", "skipped-link")
    link("shadow.txt", "/etc/shadow", "skipped-link")  # may not exist: still outside RAW
    link("secret.txt", sentinel / "secret.txt", "skipped-link")
    link("rel-secret.txt", Path("..") / sentinel.name / "secret.txt", "skipped-link")
    link("unit/up.txt", Path("..") / ".." / sentinel.name / "secret.txt", "skipped-link")
    link("sentinel-folder", sentinel / "folder", "skipped-link", folder=True)
    # colliding names: the first in sorted (code point) order is kept
    for name in sorted(["dup.txt", "dup.TXT", "dup.Txt"]):
        put(name, "collision-kept" if name == "dup.TXT" else "collision", kept=name == "dup.TXT")
    nfc, nfd = unicodedata.normalize("NFC", "lección.txt"), unicodedata.normalize("NFD", "lección.txt")
    first = min(nfc, nfd)
    for name in (nfc, nfd):
        put(name, "collision-kept" if name == first else "collision", kept=name == first)
    for name in ("Intro.txt", "intro.txt"):
        put(name, "collision-kept" if name == "Intro.txt" else "collision", kept=name == "Intro.txt")
    return expect


def snapshot_tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry below ``folder``: file bytes, ``link->target`` for links, ``dir`` for folders."""
    out: dict[str, bytes | str] = {}
    if not folder.exists():
        return out
    for dirpath, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            p = Path(dirpath) / name
            rel = p.relative_to(folder).as_posix()
            if p.is_symlink():
                out[rel] = f"link->{os.readlink(p)}"
            elif p.is_dir():
                out[rel] = "dir"
            elif p.is_file():
                out[rel] = p.read_bytes()
            else:
                out[rel] = "special"
    return out
