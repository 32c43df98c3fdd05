"""Argos packages on disk: discovery, validated install (file or index), removal.

An ``.argosmodel`` file is a zip of one folder (``translate-es_en-1_0/``) holding
``metadata.json``, a CTranslate2 ``model/`` and a tokenizer. Archives come from
strangers, so every check runs on a private copy *before* anything is written
to the models folder; only then does argostranslate's own
``install_from_path`` extract it. A failed check raises
:class:`~pipeline.errors.ArchiveRejected` and leaves the folder untouched.

Package names: the folder name (``translate-es_en-1_0``) is what is on disk;
the short name (``es_en``) is what routes and signatures show. ``remove``
accepts either.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import threading
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.errors import ArchiveRejected, ModelError

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
_CODE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_TOKENIZERS = ("sentencepiece.model", "bpe.model")
_INSTALL_LOCK = threading.Lock()


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
class InstalledPackage:
    """One installed translate package."""

    path: Path
    from_code: str
    to_code: str
    package_version: str
    argos_version: str
    target_prefix: str
    tokenizer: Path

    @property
    def folder(self) -> str:
        return self.path.name

    @property
    def name(self) -> str:
        """Short name used in routes and signatures: ``es_en``."""
        return f"{self.from_code}_{self.to_code}"

    @property
    def pair(self) -> tuple[str, str]:
        return (self.from_code, self.to_code)

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    def checksum(self) -> str:
        """sha256 of the model files and tokenizer: the model's identity in the memory."""
        return _checksum(self.path)


@dataclass(frozen=True)
class ArchiveInfo:
    """What validation learnt about an archive."""

    top: str
    metadata: dict[str, object]

    @property
    def pair(self) -> tuple[str, str]:
        return (str(self.metadata["from_code"]), str(self.metadata["to_code"]))


# --------------------------------------------------------------------------- discovery


def default_models_dir() -> Path:
    """argostranslate's packages folder (honours ARGOS_PACKAGES_DIR and its settings.json)."""
    from argostranslate import settings  # light: no stanza, no ctranslate2

    return Path(settings.package_data_dir)


def resolve_models_dir(models_dir: str | os.PathLike[str] | None) -> Path:
    return Path(models_dir) if models_dir else default_models_dir()


def read_package(path: Path) -> InstalledPackage:
    """Load one installed package folder; ModelError says what is wrong with it."""
    meta_path = path / "metadata.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{meta_path}: unreadable package metadata ({exc}); "
                         f"remove the folder and install the package again") from None
    problem = _metadata_problem(meta)
    if problem:
        raise ModelError(f"{meta_path}: {problem}; remove the folder and install the package again")
    tokenizer = next((path / t for t in _TOKENIZERS if (path / t).is_file()), None)
    if tokenizer is None or not (path / "model" / "model.bin").is_file():
        raise ModelError(f"{path}: package has no model/model.bin or no tokenizer; "
                         f"remove the folder and install the package again")
    return InstalledPackage(
        path=path,
        from_code=meta["from_code"],
        to_code=meta["to_code"],
        package_version=str(meta.get("package_version", "")),
        argos_version=str(meta.get("argos_version", "")),
        target_prefix=str(meta.get("target_prefix", "") or ""),
        tokenizer=tokenizer,
    )


def list_packages(models_dir: str | os.PathLike[str] | None = None) -> list[InstalledPackage]:
    """Installed translate packages, sorted by folder name. Broken folders are skipped
    (see :func:`broken_packages`)."""
    root = resolve_models_dir(models_dir)
    out = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        if path.is_dir() and not path.name.startswith("."):
            try:
                out.append(read_package(path))
            except ModelError:
                continue
    return out


def broken_packages(models_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """One message per folder in the models folder that is not a usable package."""
    root = resolve_models_dir(models_dir)
    problems = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        if path.is_dir() and not path.name.startswith("."):
            try:
                read_package(path)
            except ModelError as exc:
                problems.append(str(exc))
    return problems


def installed_identities(models_dir: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Short name -> ``version#checksum16`` of every installed package (what a run depends on)."""
    out: dict[str, str] = {}
    for pkg in list_packages(models_dir):
        out.setdefault(pkg.name, f"{pkg.package_version}#{pkg.checksum()[:16]}")
    return out


_CHECKSUMS: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


def _checksum(path: Path) -> str:
    files = sorted(p for p in path.rglob("*") if p.is_file()
                   and (p.parent.name == "model" or p.name in _TOKENIZERS))
    stamp = tuple((str(p.relative_to(path)), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    key = (str(path), stamp)
    if key not in _CHECKSUMS:
        h = hashlib.sha256()
        for p in files:
            h.update(str(p.relative_to(path).as_posix()).encode() + b"\0")
            with open(p, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        _CHECKSUMS[key] = h.hexdigest()
    return _CHECKSUMS[key]


# --------------------------------------------------------------------------- validation


def _metadata_problem(meta: object) -> str | None:
    if not isinstance(meta, dict):
        return "metadata.json is not a JSON object"
    for key in ("from_code", "to_code"):
        value = meta.get(key)
        if not isinstance(value, str) or not _CODE.match(value):
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


def validate_archive(path: str | os.PathLike[str], models_dir: str | os.PathLike[str] | None = None,
                     *, limits: ArchiveLimits = DEFAULT_LIMITS) -> ArchiveInfo:
    """Check an archive without extracting it. Raises ArchiveRejected saying why.

    With ``models_dir``, also refuse to overwrite an installed folder or to add a
    second package for a language pair that already has one.
    """
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
    problem = _metadata_problem(meta)
    if problem:
        raise reject(problem)
    names = {i.filename for i in infos}
    if f"{top}/model/model.bin" not in names:
        raise reject(f"no {top}/model/model.bin (the CTranslate2 model)")
    if not any(f"{top}/{t}" in names for t in _TOKENIZERS):
        raise reject(f"no tokenizer ({top}/sentencepiece.model or {top}/bpe.model)")
    info = ArchiveInfo(top, meta)
    if models_dir is not None:
        _check_collisions(info, Path(models_dir), reject)
    return info


def _check_members(infos: list[zipfile.ZipInfo], limits: ArchiveLimits, reject: Callable[..., ArchiveRejected]) -> str:
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
    if not _SAFE_NAME.match(top):
        raise reject(f"package folder name {top!r} is not a plain name")
    return top


def _read_metadata(zf: zipfile.ZipFile, top: str, limits: ArchiveLimits, reject: Callable[..., ArchiveRejected]) -> dict[str, object]:
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


def _check_collisions(info: ArchiveInfo, models_dir: Path, reject: Callable[..., ArchiveRejected]) -> None:
    target = models_dir / info.top
    if target.exists() or target.is_symlink():
        raise reject(f"{target} already exists (another installed package's folder)",
                     f"remove it first with `pipeline models remove {info.top}`")
    for pkg in list_packages(models_dir):
        if pkg.pair == info.pair:
            raise reject(f"{pkg.folder} already provides {pkg.from_code}->{pkg.to_code}",
                         f"remove it first with `pipeline models remove {pkg.folder}`")


# --------------------------------------------------------------------------- install / remove


@contextmanager
def _argos_packages_dir(models_dir: Path) -> Iterator[None]:
    """Point argostranslate's install code at ``models_dir`` for the duration."""
    from argostranslate import settings

    with _INSTALL_LOCK:
        saved_dir, saved_dirs = settings.package_data_dir, list(settings.package_dirs)
        settings.package_data_dir = models_dir
        settings.package_dirs[:] = [models_dir]
        try:
            yield
        finally:
            settings.package_data_dir = saved_dir
            settings.package_dirs[:] = saved_dirs


def install_package(path: str | os.PathLike[str], models_dir: str | os.PathLike[str] | None = None,
                    *, limits: ArchiveLimits = DEFAULT_LIMITS) -> InstalledPackage:
    """Validate ``path`` and install it with argostranslate's ``install_from_path``.

    The archive is copied to a private temp file first, so what is validated is
    exactly what is extracted.
    """
    root = resolve_models_dir(models_dir)
    src = Path(path)
    if not src.is_file():
        raise ArchiveRejected(f"{src}: no such file; nothing was installed; check the path")
    with tempfile.TemporaryDirectory(prefix="pipeline-install-") as tmp:
        private = Path(tmp) / "package.argosmodel"
        shutil.copyfile(src, private)
        try:
            info = validate_archive(private, root, limits=limits)
        except ArchiveRejected as exc:
            raise ArchiveRejected(str(exc).replace(str(private), str(src))) from None
        return _install_validated(private, info, root)


def _install_validated(private: Path, info: ArchiveInfo, root: Path) -> InstalledPackage:
    from argostranslate import package as argos_package

    root.mkdir(parents=True, exist_ok=True)
    target = root / info.top
    try:
        with _argos_packages_dir(root):
            argos_package.install_from_path(private)
        return read_package(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # it did not exist before: validated
        raise


def find_installed(name: str, models_dir: str | os.PathLike[str] | None = None) -> InstalledPackage:
    """An installed package by folder name (``translate-es_en-1_0``) or short name (``es_en``)."""
    root = resolve_models_dir(models_dir)
    packages = list_packages(root)
    for pkg in packages:
        if name in (pkg.folder, pkg.name):
            return pkg
    known = ", ".join(f"{p.name} ({p.folder})" for p in packages) or "none"
    raise ModelError(f"{root}: no installed package named {name!r}; installed: {known}; "
                     f"see `pipeline models list`")


def remove_package(name: str, models_dir: str | os.PathLike[str] | None = None) -> InstalledPackage:
    """Remove an installed package. Renamed away first, so a crash never leaves half a package."""
    pkg = find_installed(name, models_dir)
    doomed = pkg.path.with_name(f".removing-{pkg.folder}-{os.getpid()}")
    os.replace(pkg.path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)
    return pkg


# --------------------------------------------------------------------------- index


def _open_url(url: str, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("", "file"):
        return open(urllib.request.url2pathname(parsed.path) if parsed.scheme else url, "rb")
    if parsed.scheme not in ("http", "https"):
        raise ModelError(f"{url}: unsupported URL scheme; use https://, http:// or a file path")
    return urllib.request.urlopen(url, timeout=timeout)


def fetch_index(index_url: str, *, limit: int = 64 * 1024**2) -> list[dict[str, object]]:
    """Download and parse a package index (a JSON list of package metadata, as argospm's)."""
    try:
        with _open_url(index_url) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ModelError(f"{index_url}: cannot download the package index ({exc}); "
                         f"check the URL and the network, or install from a file") from None
    if len(data) > limit:
        raise ModelError(f"{index_url}: package index larger than {limit} bytes; check the URL")
    try:
        index = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{index_url}: package index is not JSON ({exc}); check the URL") from None
    if not isinstance(index, list):
        raise ModelError(f"{index_url}: package index is not a JSON list of packages; check the URL")
    return [e for e in index if isinstance(e, dict)]


def _version_key(v: object) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", str(v))) or (0,)


def pick_from_index(index: list[dict[str, object]], src: str, tgt: str, index_url: str) -> dict[str, object]:
    """The newest translate package for ``src``->``tgt`` in the index."""
    hits = [e for e in index if e.get("from_code") == src and e.get("to_code") == tgt
            and e.get("type", "translate") == "translate" and e.get("links")]
    if not hits:
        pairs = sorted({f"{e.get('from_code')}->{e.get('to_code')}" for e in index})
        raise ModelError(f"{index_url}: no package for {src}->{tgt} in the index; "
                         f"it has: {', '.join(pairs) or 'nothing'}")
    return max(hits, key=lambda e: _version_key(e.get("package_version")))


def _expected_sha256(entry: dict[str, object]) -> str | None:
    for key in ("sha256", "checksum"):
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value.split(":", 1)[1].lower() if value.startswith("sha256:") else value.lower()
    return None


def download(url: str, dest: Path, *, limit: int) -> str:
    """Stream ``url`` to ``dest`` (at most ``limit`` bytes); return its sha256."""
    h = hashlib.sha256()
    size = 0
    try:
        with _open_url(url) as fh, open(dest, "wb") as out:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                size += len(chunk)
                if size > limit:
                    raise ModelError(f"{url}: download larger than {limit} bytes; refused")
                h.update(chunk)
                out.write(chunk)
    except OSError as exc:
        raise ModelError(f"{url}: download failed ({exc}); check the network or install from a file") from None
    return h.hexdigest()


def install_from_index(src: str, tgt: str, *, index_url: str | None = None,
                       models_dir: str | os.PathLike[str] | None = None,
                       limits: ArchiveLimits = DEFAULT_LIMITS) -> InstalledPackage:
    """Find ``src``->``tgt`` in the index, download it, verify its checksum, validate, install."""
    url = index_url or DEFAULT_INDEX_URL
    root = resolve_models_dir(models_dir)
    entry = pick_from_index(fetch_index(url), src, tgt, url)
    raw_links = entry["links"]
    links = [urllib.parse.urljoin(url, str(link)) for link in (raw_links if isinstance(raw_links, list) else [raw_links])]
    expected = _expected_sha256(entry)
    with tempfile.TemporaryDirectory(prefix="pipeline-download-") as tmp:
        private = Path(tmp) / "package.argosmodel"
        errors = []
        for link in links:
            try:
                digest = download(link, private, limit=limits.max_download_bytes)
                break
            except ModelError as exc:
                errors.append(str(exc))
        else:
            raise ModelError("; ".join(errors) or f"{url}: the {src}->{tgt} entry has no links")
        if expected and digest != expected:
            raise ArchiveRejected(f"{link}: sha256 {digest} does not match the index's {expected}; "
                                  f"nothing was installed; the download is corrupt or tampered with")
        try:
            info = validate_archive(private, root, limits=limits)
        except ArchiveRejected as exc:
            raise ArchiveRejected(str(exc).replace(str(private), link)) from None
        return _install_validated(private, info, root)
