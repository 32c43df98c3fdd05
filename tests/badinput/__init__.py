"""The bad-input corpus, generated from code into a folder (no binary fixtures committed).

``make_raw(folder)`` writes a messy ``raw/`` folder: a few good lessons next to
every kind of file a scraper leaves behind. Each entry of :data:`EXPECT` says
what the run must do with it: ``"ok"`` (written), ``"error"`` (one line on
stderr naming it, the rest of the batch goes on) or ``"skipped"`` (not a
lesson, passed over with a note).

``make_archives(folder, good)`` writes broken and hostile ``.argosmodel``
archives derived from a real one; every one of them must be refused (exit 4).
"""

from __future__ import annotations

import codecs
import os
import stat
import zipfile
from pathlib import Path

GOOD_ES = (
    "Lecci&oacute;n 1 Relaciones con los clientes\n\n"
    "Una empresa no vende solo productos; vende confianza. La relaci&oacute;n con los clientes "
    "describe c&oacute;mo la empresa consigue y conserva a sus clientes.\n\n"
    "- Distinguir los tipos de relaci&oacute;n.\n- Estimar el coste de cada relaci&oacute;n.\n"
)
GOOD_EN = "Lesson 2 Value proposition\n\nThe value proposition explains why customers choose one company over another.\n"
CP1252_TEXT = "Lección 3 Canales\n\nLos canales “directos” llevan la propuesta de valor al cliente – sin intermediarios.\n"
UTF16_TEXT = "Lección 4 Segmentos\n\nCada segmento de clientes tiene necesidades distintas.\n"


def _long_line(size: int = 5 * 1024 * 1024) -> bytes:
    unit = "La relaci&oacute;n con el cliente es la base del negocio mó;dulo relació;น. "
    n = size // len(unit.encode()) + 1
    return (unit * n).encode("utf-8")[:size].rsplit(b" ", 1)[0] + b"\n"


def root_can_read_anything() -> bool:
    """True when chmod 000 does not stop reads (running as root, or CAP_DAC_OVERRIDE)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def make_raw(raw: Path, *, big: bool = True) -> dict[str, str]:
    """Write the corpus into ``raw`` and return ``{relative path: expected outcome}``."""
    raw.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(rel: str, data: bytes, outcome: str) -> Path:
        p = raw / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        expect[rel] = outcome
        return p

    # good lessons, which must be written whatever else is in the folder
    put("good-es.txt", GOOD_ES.encode(), "ok")
    put("good-en.txt", GOOD_EN.encode(), "ok")
    put("bom-utf8.txt", codecs.BOM_UTF8 + GOOD_ES.encode(), "ok")
    put("utf16-bom.txt", UTF16_TEXT.encode("utf-16"), "ok")
    put("utf16le-nobom.txt", UTF16_TEXT.encode("utf-16-le"), "ok")
    put("utf16be-nobom.txt", UTF16_TEXT.encode("utf-16-be"), "ok")
    put("cp1252.txt", CP1252_TEXT.encode("cp1252"), "ok")
    put("crlf.txt", GOOD_ES.replace("\n", "\r\n").encode(), "ok")
    put("empty.txt", b"", "ok")
    put("blank-lines.txt", b"\n \n\t\n", "ok")
    put("only-entities.txt", b"&nbsp;&amp;&oacute;;&#xF3;&#0;&#99999999;", "ok")
    put("ctrl-chars.txt", ("Texto\x0c con\x1b controles\x7f y \u200b\u202e al final.\n").encode(), "ok")
    put("UPPER.TXT", GOOD_EN.encode(), "ok")
    if big:
        put("long-line.txt", _long_line(480_000), "ok")  # just under the 500,000-character line limit
        put("huge-one-line.txt", _long_line(), "error")  # 5 MiB on one line: over it
    deep = "/".join(f"d{i:02d}" for i in range(50))
    put(f"{deep}/deep.txt", GOOD_ES.encode(), "ok")

    # bad lessons: one error line each, the batch goes on
    put("binary.txt", bytes(range(256)) * 64, "error")
    put("png-named-txt.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(0) + bytes(500), "error")
    put("utf16-bom-odd.txt", codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"\x00\xd8", "error")
    put("utf8-bom-bad.txt", codecs.BOM_UTF8 + b"ok \xff\xfe broken", "error")
    (raw / "folder.txt").mkdir()  # a folder named like a lesson: walked, not read
    (raw / "folder.txt" / "inside.txt").write_bytes(GOOD_EN.encode())
    expect["folder.txt/inside.txt"] = "ok"
    # a file that cannot be read even by root: a FIFO (reading it would block forever)
    fifo = raw / "fifo.txt"
    os.mkfifo(fifo)
    expect["fifo.txt"] = "error"
    if not root_can_read_anything():
        p = put("unreadable.txt", GOOD_ES.encode(), "error")
        p.chmod(0)
    # file names from strangers: not UTF-8 (shown with \\xNN), a newline, spaces and accents
    (raw / os.fsdecode(b"caf\xe9.txt")).write_bytes(GOOD_ES.encode())
    expect["caf\\xe9.txt"] = "error"
    put("new\nline.txt", GOOD_EN.encode(), "ok")
    put("espacio y ñ.txt", GOOD_ES.encode(), "ok")
    # a dangling link to a lesson
    (raw / "dangling.txt").symlink_to(raw / "does-not-exist.txt")
    expect["dangling.txt"] = "error"

    # not lessons: passed over with a note
    put("page.html", b"<html><body>hola</body></html>", "skipped")
    put("image.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "skipped")
    put("notes.md", b"# notes\n", "skipped")
    put("noext", b"hola\n", "skipped")
    (raw / "passwd.txt").symlink_to("/etc/passwd")  # a link out of RAW: never read (tests/badinput/hostile.py has more)
    expect["passwd.txt"] = "skipped"
    (raw / "loop").symlink_to(raw, target_is_directory=True)  # a folder-link loop
    expect["loop"] = "skipped"
    (raw / "a").mkdir()
    (raw / "a" / "up").symlink_to(raw / "a", target_is_directory=True)
    expect["a/up"] = "skipped"
    return expect


def chmod_readable(raw: Path) -> None:
    """Give back permissions so tmp_path can be cleaned up."""
    for p in raw.rglob("*"):
        if not p.is_symlink() and p.exists() and not stat.S_ISFIFO(p.stat().st_mode):
            p.chmod(0o755 if p.is_dir() else 0o644)


# --------------------------------------------------------------------------- archives


def _copy_members(src: Path, dst: zipfile.ZipFile, rename: str | None = None, skip: str | None = None) -> None:
    with zipfile.ZipFile(src) as zf:
        for info in zf.infolist():
            if skip and info.filename.endswith(skip):
                continue
            data = zf.read(info)
            if rename:
                top = info.filename.split("/", 1)
                info = zipfile.ZipInfo(f"{rename}/{top[1]}" if len(top) > 1 else rename, info.date_time)
                info.external_attr = (0o40755 << 16) | 0x10 if info.filename.endswith("/") else 0o644 << 16
            dst.writestr(info, data)


def make_archives(folder: Path, good: Path) -> dict[str, Path]:
    """Broken and hostile archives derived from the good package ``good``; name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def new(name: str) -> tuple[Path, zipfile.ZipFile]:
        p = folder / f"{name}.argosmodel"
        out[name] = p
        return p, zipfile.ZipFile(p, "w")

    data = good.read_bytes()
    (folder / "truncated.argosmodel").write_bytes(data[: len(data) // 2])
    out["truncated"] = folder / "truncated.argosmodel"
    (folder / "not-a-zip.argosmodel").write_bytes(b"this is not a zip file\n" * 10)
    out["not-a-zip"] = folder / "not-a-zip.argosmodel"
    (folder / "empty-file.argosmodel").write_bytes(b"")
    out["empty-file"] = folder / "empty-file.argosmodel"
    # a zip whose central directory is fine but whose member data is damaged
    damaged = bytearray(data)
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo(f"{zf.namelist()[0].split('/')[0]}/model/model.bin")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 100, start + 400):
        damaged[i] ^= 0xFF
    (folder / "bad-crc.argosmodel").write_bytes(bytes(damaged))
    out["bad-crc"] = folder / "bad-crc.argosmodel"

    _, zf = new("dotdot")
    _copy_members(good, zf)
    zf.writestr("translate-es_en-1_0/../../escaped.txt", b"x")
    zf.close()

    _, zf = new("absolute")
    _copy_members(good, zf)
    zf.writestr("/tmp/pipeline-absolute-member.txt", b"x")
    zf.close()

    _, zf = new("symlink")
    _copy_members(good, zf)
    link = zipfile.ZipInfo("translate-es_en-1_0/passwd")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    zf.writestr(link, "/etc/passwd")
    zf.close()

    _, zf = new("two-folders")  # also writes into another package's folder
    _copy_members(good, zf)
    zf.writestr("translate-en_es-1_0/model/model.bin", b"x")
    zf.close()

    _, zf = new("no-model")
    _copy_members(good, zf, skip="model/model.bin")
    zf.close()

    _, zf = new("bad-metadata")
    _copy_members(good, zf, skip="metadata.json")
    zf.writestr("translate-es_en-1_0/metadata.json", b"{not json")
    zf.close()

    _, zf = new("bad-tokenizer")  # every member fine, but the tokenizer is garbage: refused at install
    _copy_members(good, zf, skip="sentencepiece.model")
    zf.writestr("translate-es_en-1_0/sentencepiece.model", b"\x08\x01garbage, not a ModelProto\xff" * 40)
    zf.close()

    _, zf = new("bomb")  # small on disk, huge when extracted
    _copy_members(good, zf)
    info = zipfile.ZipInfo("translate-es_en-1_0/model/padding.bin")
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, bytes(64 * 1024 * 1024))
    zf.close()
    return out
