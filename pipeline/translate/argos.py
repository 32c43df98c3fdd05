"""Argos packages on disk: discovery, validated install (file or index), removal.

An ``.argosmodel`` file is a zip of one folder (``translate-es_en-1_0/``) holding
``metadata.json``, a CTranslate2 ``model/`` and a tokenizer. Archives come from
strangers, so every check runs on a private copy *before* anything is visible
in the models folder: the copy is validated, extracted into a hidden staging
folder beside the packages, its tokenizer loaded, and only then renamed into
place (argostranslate's own loader reads the result). A failed check raises
:class:`~pipeline.errors.ArchiveRejected` and leaves the folder as it was.

Versions: one package per language pair is used, the newest; installing the
same version again does nothing, a newer one replaces the old, an older one
needs ``force``. Installs and removals of one models folder take a file lock.

Package names: the folder name (``translate-es_en-1_0``) is what is on disk;
the short name (``es_en``) is what routes and signatures show. ``remove``
accepts either.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ArchiveRejected, ModelError
from pipeline.translate.archive import (
    DEFAULT_LIMITS, SAFE_NAME, TOKENIZERS, ArchiveInfo, ArchiveLimits, check_archive, extract_archive,
    metadata_problem,
)
from pipeline.text import printable

_INSTALL_LOCK = threading.Lock()



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
    problem = metadata_problem(meta)
    if problem:
        raise ModelError(f"{meta_path}: {problem}; remove the folder and install the package again")
    tokenizer = next((path / t for t in TOKENIZERS if (path / t).is_file()), None)
    if tokenizer is None or not (path / "model" / "model.bin").is_file():
        raise ModelError(f"{path}: package has no model/model.bin or no tokenizer; "
                         f"remove the folder and install the package again")
    return InstalledPackage(
        path=path,
        from_code=meta["from_code"],
        to_code=meta["to_code"],
        # free text from a stranger's metadata: printed in lists and messages, so made printable here
        package_version=printable(str(meta.get("package_version", "")))[:64],
        argos_version=printable(str(meta.get("argos_version", "")))[:64],
        target_prefix=str(meta.get("target_prefix", "") or ""),
        tokenizer=tokenizer,
    )


def list_packages(models_dir: str | os.PathLike[str] | None = None) -> list[InstalledPackage]:
    """Installed translate packages: by language pair, the newest version of a pair first
    (then by folder name). Broken folders are left out (see :func:`list_broken`).

    Code that picks one package per pair takes the first it meets, so the
    newest version of a pair is the one used (:func:`active_packages`).
    """
    root = resolve_models_dir(models_dir)
    out = []
    for path in _package_folders(root):
        try:
            out.append(read_package(path))
        except ModelError:
            continue
    return sorted(out, key=lambda p: (p.pair, _negated(_version_key(p.package_version)), p.folder))


def _negated(key: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(-k for k in key) + (1,)  # (1, 1) sorts before (1,): longer is newer


def _package_folders(root: Path) -> list[Path]:
    """Candidate package folders: not hidden (staging, lock and retired folders are)."""
    try:
        entries = sorted(root.iterdir()) if root.is_dir() else []
    except OSError:
        return []
    return [p for p in entries if not p.name.startswith(".") and (p.is_dir() or p.is_symlink())]


def active_packages(models_dir: str | os.PathLike[str] | None = None) -> dict[tuple[str, str], InstalledPackage]:
    """The package each language pair uses: the newest installed version of that pair."""
    found: dict[tuple[str, str], InstalledPackage] = {}
    for pkg in list_packages(models_dir):
        found.setdefault(pkg.pair, pkg)
    return found


def shadowed_packages(models_dir: str | os.PathLike[str] | None = None) -> list[tuple[InstalledPackage, InstalledPackage]]:
    """(unused older package, the newer one used instead) for every pair installed twice."""
    packages = list_packages(models_dir)
    active: dict[tuple[str, str], InstalledPackage] = {}
    for pkg in packages:
        active.setdefault(pkg.pair, pkg)
    return [(pkg, active[pkg.pair]) for pkg in packages if active[pkg.pair] is not pkg]


def shadowed_lines(models_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """One line per unused older version: what is used instead, and how to tidy up."""
    return [f"{old.name}: {printable(old.folder)} (version {old.package_version}) is not used, "
            f"{printable(new.folder)} (version {new.package_version}) is newer; "
            f"remove the old one with `pipeline models remove {printable(old.folder)}`"
            for old, new in shadowed_packages(models_dir)]


@dataclass(frozen=True)
class BrokenPackage:
    """A folder in the models folder that is not a usable package (no metadata, no model, ...)."""

    path: Path
    problem: str  # the whole message: which file, what is wrong, what to do

    @property
    def folder(self) -> str:
        return self.path.name

    @property
    def name(self) -> str:
        return self.path.name


def list_broken(models_dir: str | os.PathLike[str] | None = None) -> list[BrokenPackage]:
    """Every folder of the models folder that is not a usable package, with what is wrong."""
    root = resolve_models_dir(models_dir)
    out = []
    for path in _package_folders(root):
        try:
            read_package(path)
        except ModelError as exc:
            out.append(BrokenPackage(path, str(exc)))
    return out


def broken_packages(models_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """One message per folder in the models folder that is not a usable package."""
    return [b.problem for b in list_broken(models_dir)]


def installed_identities(models_dir: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Short name -> ``version#checksum16`` of the package each pair uses (what a run depends on)."""
    return {pkg.name: f"{pkg.package_version}#{pkg.checksum()[:16]}" for pkg in active_packages(models_dir).values()}


_CHECKSUMS: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


def _checksum(path: Path) -> str:
    files = sorted(p for p in path.rglob("*") if p.is_file()
                   and (p.parent.name == "model" or p.name in TOKENIZERS))
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


def validate_archive(path: str | os.PathLike[str], models_dir: str | os.PathLike[str] | None = None,
                     *, limits: ArchiveLimits = DEFAULT_LIMITS) -> ArchiveInfo:
    """Check an archive without extracting it (:func:`pipeline.translate.archive.check_archive`).

    With ``models_dir``, also refuse what installing it there would refuse:
    overwriting another pair's folder, or an older version of an installed pair.
    """
    info = check_archive(path, limits=limits)
    if models_dir is not None:
        def reject(problem: str, hint: str = "use a package from the Argos index or rebuild it") -> ArchiveRejected:
            return ArchiveRejected(f"{path}: {problem}; nothing was installed; {hint}")

        _plan(info, Path(models_dir), reject)
    return info


@dataclass(frozen=True)
class _Plan:
    action: str  # "install", "replace", "unchanged"
    replaced: tuple[InstalledPackage | BrokenPackage, ...] = ()
    existing: InstalledPackage | None = None


def _plan(info: ArchiveInfo, root: Path, reject: Callable[..., ArchiveRejected], *, force: bool = False) -> _Plan:
    """What installing ``info`` into ``root`` does, by the version rules (or why it is refused).

    Same pair and version as installed: nothing to do. Newer: replaces the
    installed versions of the pair. Older: refused unless ``force``. A broken
    folder of the same name is replaced; another pair's folder never is.
    """
    target = root / info.top
    replaced: list[InstalledPackage | BrokenPackage] = []
    if target.exists() or target.is_symlink():
        try:
            at_target = read_package(target)
        except ModelError as exc:
            replaced.append(BrokenPackage(target, str(exc)))
        else:
            if at_target.pair != info.pair:
                raise reject(f"{target} already exists (another installed package's folder)",
                             f"remove it first with `pipeline models remove {info.top}`")
    same_pair = [p for p in list_packages(root) if p.pair == info.pair]
    version = printable(str(info.metadata.get("package_version", "")))[:64]
    if same_pair and not force:
        newest = same_pair[0]
        if _version_key(version) < _version_key(newest.package_version):
            raise reject(f"version {version or '?'} is older than the installed {newest.folder} "
                         f"(version {newest.package_version})",
                         "pass --force to replace it with this older version")
        if _version_key(version) == _version_key(newest.package_version) and newest.folder == info.top:
            return _Plan("unchanged", existing=newest)
    replaced += same_pair
    return _Plan("replace" if replaced else "install", tuple(replaced))


@dataclass(frozen=True)
class InstallResult:
    """What an install did: ``installed`` (new pair), ``replaced`` (older versions or a broken
    folder removed), ``unchanged`` (this version was already installed: nothing written)."""

    package: InstalledPackage
    action: str
    replaced: tuple[InstalledPackage | BrokenPackage, ...] = ()

    def message(self) -> str:
        pkg = self.package
        what = f"{pkg.name} ({pkg.from_code} -> {pkg.to_code}, version {pkg.package_version})"
        if self.action == "unchanged":
            return (f"{what} is already installed in {printable(str(pkg.path))}; nothing to do "
                    f"(pass --force to install it again)")
        line = f"Installed {what} in {printable(str(pkg.path))}"
        for old in self.replaced:
            if isinstance(old, BrokenPackage):
                line += f"; replaced the broken folder {printable(old.folder)}"
            else:
                line += f"; replaced {printable(old.folder)} (version {old.package_version})"
        return line


# --------------------------------------------------------------------------- install / remove
#
# The models folder is changed only under a lock (``.pipeline-install.lock`` in it),
# and only by renames: an archive is copied and extracted into a hidden staging
# folder *inside* the models folder (same file system), checked there, then
# renamed into place. A killed install leaves only hidden folders, which nothing
# lists and the next models command sweeps away.

_LOCK_NAME = ".pipeline-install.lock"
_STAGING = ".pipeline-staging-"  # + pid-random: an install or download in progress
_OLD = ".pipeline-old-"  # + pid-random-folder: a replaced package, until the new one is in place
_REMOVING = ".pipeline-removing-"  # + pid-random-folder: being deleted
LOCK_TIMEOUT = 900.0  # seconds an install waits for another one on the same models folder


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    return True


def _legacy_pid(name: str) -> int | None:
    tail = name.rsplit("-", 1)[-1]  # .removing-FOLDER-PID, from earlier versions
    return int(tail) if tail.isdigit() else None


def _owner_pid(name: str, prefix: str) -> int | None:
    head = name[len(prefix):].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def sweep_stale(models_dir: str | os.PathLike[str] | None = None) -> int:
    """Remove what killed installs left in the models folder; return how many entries.

    Only entries whose owning process is gone: a staging folder (a half
    extraction or a partial download), a package folder being removed. A
    replaced package whose successor never arrived is put back instead.
    """
    root = resolve_models_dir(models_dir)
    n = 0
    try:
        entries = sorted(root.iterdir()) if root.is_dir() else []
    except OSError:
        return 0
    for entry in entries:
        for prefix in (_STAGING, _OLD, _REMOVING, ".removing-"):
            if entry.name.startswith(prefix):
                break
        else:
            continue
        pid = _owner_pid(entry.name, prefix) if prefix != ".removing-" else _legacy_pid(entry.name)
        if pid == os.getpid() or (pid is not None and _pid_alive(pid)):
            continue
        if prefix == _OLD:
            folder = entry.name[len(_OLD):].split("-", 2)[-1]
            if SAFE_NAME.match(folder) and not (root / folder).exists():
                try:
                    os.replace(entry, root / folder)  # the new one never came: put the old one back
                    n += 1
                    continue
                except OSError:
                    pass
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink(missing_ok=True)
        else:
            shutil.rmtree(entry, ignore_errors=True)
        n += not (entry.exists() or entry.is_symlink())
    return n


@contextmanager
def models_lock(root: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the models folder's install lock (across processes and threads), then sweep."""
    from filelock import FileLock, Timeout

    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"{root}: cannot create the models folder ({exc.strerror or exc}); "
                         f"choose a writable --models-dir") from None
    lock = FileLock(str(root / _LOCK_NAME))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise ModelError(f"{root}: another `pipeline models` command is installing or removing there; "
                         f"wait for it to finish and run again") from None
    except OSError as exc:
        raise ModelError(f"{root / _LOCK_NAME}: cannot take the install lock ({exc.strerror or exc}); "
                         f"make the models folder writable") from None
    try:
        with _INSTALL_LOCK:
            sweep_stale(root)
            yield
    finally:
        lock.release()


def staging_folder(root: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{_STAGING}{os.getpid()}-", dir=root))


def _aside(root: Path, prefix: str, folder: str) -> Path:
    return root / f"{prefix}{os.getpid()}-{secrets.token_hex(4)}-{folder}"


def install(path: str | os.PathLike[str], models_dir: str | os.PathLike[str] | None = None, *,
            force: bool = False, limits: ArchiveLimits = DEFAULT_LIMITS) -> InstallResult:
    """Validate the archive at ``path`` and install it atomically, by the version rules of :func:`_plan`.

    The archive is copied into a staging folder first, so what is validated is
    exactly what is extracted, and a kill at any moment leaves the models
    folder as it was (plus a hidden folder the next call sweeps).
    """
    root = resolve_models_dir(models_dir)
    src = Path(path)
    if not src.is_file():
        raise ArchiveRejected(f"{printable(str(src))}: no such file; nothing was installed; check the path")
    with models_lock(root):
        staging = staging_folder(root)
        try:
            private = staging / "package.argosmodel"
            try:
                shutil.copyfile(src, private)
            except OSError as exc:
                raise ArchiveRejected(f"{src}: cannot be copied ({exc.strerror or exc}); nothing was installed; "
                                      f"check the file and free space in {root}") from None
            return install_staged(private, root, staging, label=str(src), force=force, limits=limits)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def install_package(path: str | os.PathLike[str], models_dir: str | os.PathLike[str] | None = None,
                    *, limits: ArchiveLimits = DEFAULT_LIMITS, force: bool = False) -> InstalledPackage:
    """:func:`install`, returning the package (installed now or already there)."""
    return install(path, models_dir, force=force, limits=limits).package


def install_staged(private: Path, root: Path, staging: Path, *, label: str, force: bool,
                       limits: ArchiveLimits) -> InstallResult:
    """Validate ``private`` (in ``staging``), extract it beside, check it loads, rename it into place."""

    def reject(problem: str, hint: str = "use a package from the Argos index or rebuild it") -> ArchiveRejected:
        return ArchiveRejected(f"{label}: {problem}; nothing was installed; {hint}")

    try:
        info = check_archive(private, limits=limits)
    except ArchiveRejected as exc:
        raise ArchiveRejected(str(exc).replace(str(private), label)) from None
    plan = _plan(info, root, reject, force=force)
    if plan.action == "unchanged" and plan.existing is not None:
        return InstallResult(plan.existing, "unchanged")
    unpacked = staging / "unpacked"
    extract_archive(private, unpacked, reject)
    try:
        staged = read_package(unpacked / info.top)
    except ModelError as exc:
        raise reject(str(exc).replace(str(unpacked / info.top), info.top)) from None
    _check_loads(staged, reject)
    target = root / info.top
    old = None
    try:
        if target.exists() or target.is_symlink():  # a broken folder, or the same folder forced
            old = _aside(root, _OLD, info.top)
            os.replace(target, old)
        os.replace(unpacked / info.top, target)  # the moment the new package appears, whole
    except OSError as exc:
        if old is not None and not target.exists():
            os.replace(old, target)  # put the old one back
        raise ModelError(f"{root}: cannot move the package into place ({exc.strerror or exc}); nothing was "
                         f"installed; check that the models folder is writable") from None
    if old is not None:
        _delete_folder(old, root)
    for gone in plan.replaced:
        if gone.path != target and (gone.path.exists() or gone.path.is_symlink()):
            _delete_folder(gone.path, root)
    return InstallResult(read_package(target), "replaced" if plan.replaced else "installed", plan.replaced)


def _check_loads(pkg: InstalledPackage, reject: Callable[..., ArchiveRejected]) -> None:
    """The tokenizer must load: a garbage sentencepiece.model would fail every run that uses the pair."""
    if pkg.tokenizer.name != "sentencepiece.model":
        return
    import sentencepiece as spm

    try:
        spm.SentencePieceProcessor(model_file=str(pkg.tokenizer))
    except Exception as exc:  # noqa: BLE001 - sentencepiece raises RuntimeError/OSError/ValueError
        reason = " ".join(str(exc).replace(f" from {pkg.tokenizer}", "").replace(str(pkg.tokenizer), "it").split())[:200]
        raise reject(f"its tokenizer {pkg.folder}/{pkg.tokenizer.name} cannot be loaded ({reason})") from None


def _delete_folder(path: Path, root: Path) -> None:
    """Rename away, then delete: a crash never leaves half a package at a listed name."""
    doomed = _aside(root, _REMOVING, path.name)
    os.replace(path, doomed)
    if doomed.is_dir() and not doomed.is_symlink():
        shutil.rmtree(doomed, ignore_errors=True)
    else:
        doomed.unlink(missing_ok=True)


def find_installed(name: str, models_dir: str | os.PathLike[str] | None = None) -> InstalledPackage:
    """An installed package by folder name (``translate-es_en-1_0``) or short name (``es_en``).

    A short name with several versions installed means the one in use (the newest).
    """
    root = resolve_models_dir(models_dir)
    packages = list_packages(root)
    for pkg in packages:
        if name in (pkg.folder, pkg.name):
            return pkg
    known = ", ".join(f"{p.name} ({p.folder})" for p in packages) or "none"
    raise ModelError(f"{root}: no installed package named '{printable(name)}'; installed: {known}; "
                     f"see `pipeline models list`")


def remove_package(name: str, models_dir: str | os.PathLike[str] | None = None) -> InstalledPackage | BrokenPackage:
    """Remove an installed package, or a broken package folder by its folder name."""
    root = resolve_models_dir(models_dir)
    with models_lock(root):
        try:
            found: InstalledPackage | BrokenPackage = find_installed(name, root)
        except ModelError:
            broken = [b for b in list_broken(root) if b.folder == name]
            if not broken:
                raise
            found = broken[0]
        try:
            _delete_folder(found.path, root)
        except OSError as exc:
            raise ModelError(f"{found.path}: cannot be removed ({exc.strerror or exc}); "
                             f"check that the models folder is writable") from None
    return found


def _version_key(v: object) -> tuple[int, ...]:
    """``"1.10"`` -> (1, 10); trailing zeros dropped, so ``1`` and ``1.0`` are the same version."""
    key = [int(x) for x in re.findall(r"\d+", str(v))]
    while key and key[-1] == 0:
        key.pop()
    return tuple(key)
