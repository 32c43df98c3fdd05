"""Checking an ``.argosmodel`` archive before anything of it is installed, and extracting it.

An archive is a zip of one folder (``translate-es_en-1_0/``) holding
``metadata.json``, a CTranslate2 ``model/`` and a tokenizer. Archives come from
strangers: every member name, type and size is checked without extracting
(no ``..``, no absolute paths, no links or devices, one top folder, bounded
sizes and compression ratios, CRCs read once), then the metadata. Refusals
are :class:`~pipeline.errors.ArchiveRejected`, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.errors import ArchiveRejected

CODE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
TOKENIZERS = ("sentencepiece.model", "bpe.model")
Reject = Callable[..., ArchiveRejected]


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds against zip bombs and junk. Real Argos packages are 30-400 MB, ~1.1:1."""

    max_total_bytes: int = 4 * 1024**3  # uncompressed, all members
    max_members: int = 2000
    max_ratio: float = 100.0  # uncompressed/compressed, per member ...
    ratio_min_bytes: int = 1024**2  # ... for members bigger than this
    max_metadata_bytes: int = 1024**2
    max_download_bytes: int = 2 * 1024**3


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class ArchiveInfo:
    """What validation learnt about an archive."""

    top: str
    metadata: dict[str, object]

    @property
    def pair(self) -> tuple[str, str]:
        return (str(self.metadata["from_code"]), str(self.metadata["to_code"]))


def metadata_problem(meta: object) -> str | None:
    if not isinstance(meta, dict):
        return "metadata.json is not a JSON object"
    for key in ("from_code", "to_code"):
        value = meta.get(key)
        if not isinstance(value, str) or not CODE.match(value):
            return f"metadata.json has no valid {key} (got {value!r})"
    # argostranslate treats a missing type as "translate"; anything else is not ours
    if meta.get("type", "translate") != "translate":
        return f"metadata.json type is {meta.get('type')!r}, not 'translate'"
    if meta["from_code"] == meta["to_code"]:
        return "metadata.json from_code and to_code are the same"
    return None


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if "\\" in name or "\0" in name:
        return f"member {name!r} has a backslash or NUL in its name"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"member {name!r} has an absolute path"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return f"member {name!r} escapes the package folder (..)"
    if mode and stat.S_ISLNK(mode):
        return f"member {name!r} is a symbolic link"
    # type bits 0: zip tools that store permissions only; a plain file or folder
    if stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return f"member {name!r} is not a regular file or folder"
    return None


def _check_members(infos: list[zipfile.ZipInfo], limits: ArchiveLimits, reject: Reject) -> str:
    if not infos:
        raise reject("empty archive")
    if len(infos) > limits.max_members:
        raise reject(f"{len(infos)} members, more than the limit of {limits.max_members}")
    total = 0
    tops = set()
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise reject(problem)
        parts = PurePosixPath(info.filename).parts
        tops.add(parts[0])
        if len(parts) == 1 and not info.is_dir():
            raise reject(f"file {info.filename!r} is outside the package folder")
        total += info.file_size
        if (info.file_size > limits.ratio_min_bytes
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise reject(f"member {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}x "
                         f"(limit {limits.max_ratio:.0f}x): a zip bomb")
    if total > limits.max_total_bytes:
        raise reject(f"expands to {total} bytes, more than the limit of {limits.max_total_bytes}")
    if len(tops) != 1:
        raise reject(f"{len(tops)} top-level entries ({', '.join(sorted(tops)[:3])}...); "
                     f"a package is exactly one folder")
    top = tops.pop()
    if not SAFE_NAME.match(top):
        raise reject(f"package folder name {top!r} is not a plain name")
    return top


def _read_metadata(zf: zipfile.ZipFile, top: str, limits: ArchiveLimits, reject: Reject) -> dict[str, object]:
    name = f"{top}/metadata.json"
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise reject(f"no {name}") from None
    if info.file_size > limits.max_metadata_bytes:
        raise reject(f"{name} is {info.file_size} bytes, too big for metadata")
    try:
        meta = json.loads(zf.read(name).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise reject(f"{name} is not valid UTF-8 JSON ({exc})") from None
    return meta if isinstance(meta, dict) else {"_not_an_object": meta}


def check_archive(path: str | os.PathLike[str], *, limits: ArchiveLimits = DEFAULT_LIMITS) -> ArchiveInfo:
    """Check an archive without extracting it. Raises ArchiveRejected saying why."""
    path = Path(path)

    def reject(problem: str, hint: str = "use a package from the Argos index or rebuild it") -> ArchiveRejected:
        return ArchiveRejected(f"{path}: {problem}; nothing was installed; {hint}")

    if not path.is_file():
        raise reject("no such file", "check the path")
    if not zipfile.is_zipfile(path):
        raise reject("not a zip archive (an .argosmodel file is a zip)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            top = _check_members(infos, limits, reject)
            meta = _read_metadata(zf, top, limits, reject)
            # Read every member once (sizes are already capped above): a bad CRC or
            # deflate stream is refused here, not half-way through extraction.
            bad = zf.testzip()
            if bad is not None:
                raise reject(f"damaged zip archive (member {bad} fails its CRC check)")
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise reject(f"damaged zip archive ({exc})") from None
    problem = metadata_problem(meta)
    if problem:
        raise reject(problem)
    names = {i.filename for i in infos}
    if f"{top}/model/model.bin" not in names:
        raise reject(f"no {top}/model/model.bin (the CTranslate2 model)")
    if not any(f"{top}/{t}" in names for t in TOKENIZERS):
        raise reject(f"no tokenizer ({top}/sentencepiece.model or {top}/bpe.model)")
    info = ArchiveInfo(top, meta)
    return info


def extract_archive(archive: Path, dest: Path, reject: Reject) -> None:
    """Extract a validated archive member by member (names and sizes already checked)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                out = dest.joinpath(*PurePosixPath(info.filename).parts)
                if info.is_dir():
                    out.mkdir(parents=True, exist_ok=True)
                    continue
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(out, "wb") as fh:
                    shutil.copyfileobj(src, fh, 1 << 20)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise reject(f"damaged zip archive ({exc})") from None
    except OSError as exc:
        raise reject(f"cannot be extracted ({exc.strerror or exc})", f"free space in {dest.parent.parent}") from None
