"""Installing a package from an Argos-style index (argospm's ``index.json``) over http(s).

The index and every package link in it come from the network, so only
``http://`` and ``https://`` are fetched: ``file:``, ``ftp:``, ``data:`` and
the rest are refused (a ``file:`` link could read a local file, the zero
device or a FIFO that hangs the install), and a redirect to another scheme is
refused too. Both downloads are size-capped; the package lands in a staging
folder inside the models folder and goes through the same checks and atomic
install as a file (:func:`pipeline.translate.argos.install`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO

from pipeline.errors import ArchiveRejected, ModelError
from pipeline.text import printable
from pipeline.translate.archive import DEFAULT_LIMITS, ArchiveLimits
from pipeline.translate.argos import InstallResult, _version_key, install_staged, models_lock, resolve_models_dir, staging_folder

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
INDEX_LIMIT = 64 * 1024**2  # bytes; argospm's index is ~100 KB
ALLOWED_SCHEMES = ("http", "https")
TIMEOUT = 60.0


def check_url(url: str, what: str = "URL") -> str:
    """``url`` if it is http(s) with a host; a ModelError (exit 4) otherwise."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme.lower() not in ALLOWED_SCHEMES or not parsed.netloc:
        scheme = f"{parsed.scheme}:" if parsed.scheme else "no scheme"
        raise ModelError(f"{printable(url)}: {what} must be an http:// or https:// address ({scheme} refused); "
                         f"use the index's web address, or download the package and install the file")
    return url


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) (urllib alone would follow one to ftp:)."""

    def http_error_302(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        location = headers.get("location") or headers.get("uri")
        if location:
            check_url(urllib.parse.urljoin(req.full_url, location), f"redirect from {req.full_url}")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


# No FileHandler, FTPHandler or DataHandler: only what http(s) needs.
_OPENER = urllib.request.OpenerDirector()
for _handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(), _HttpOnlyRedirects(),
                 urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler(),
                 urllib.request.ProxyHandler()):
    _OPENER.add_handler(_handler)


def open_http(url: str, what: str = "URL", timeout: float = TIMEOUT) -> IO[bytes]:
    """Open an http(s) URL for reading (redirects stay on http(s))."""
    check_url(url, what)
    return _OPENER.open(url, timeout=timeout)  # type: ignore[no-any-return]


def _read_capped(fh: IO[bytes], url: str, limit: int, what: str) -> bytes:
    length = getattr(fh, "headers", {}).get("Content-Length") if hasattr(fh, "headers") else None
    if length and str(length).isdigit() and int(length) > limit:
        raise ModelError(f"{printable(url)}: {what} is {length} bytes, more than the limit of {limit}; refused")
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise ModelError(f"{printable(url)}: {what} larger than {limit} bytes; refused")
    return data


def fetch_index(index_url: str, *, limit: int = INDEX_LIMIT) -> list[dict[str, object]]:
    """Download and parse a package index (a JSON list of package metadata, as argospm's)."""
    try:
        with open_http(index_url, "the package index") as fh:
            data = _read_capped(fh, index_url, limit, "the package index")
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise ModelError(f"{printable(index_url)}: cannot download the package index ({exc}); "
                         f"check the URL and the network, or install from a file") from None
    try:
        index = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{printable(index_url)}: package index is not JSON ({exc}); check the URL") from None
    if not isinstance(index, list):
        raise ModelError(f"{printable(index_url)}: package index is not a JSON list of packages; check the URL")
    return [e for e in index if isinstance(e, dict)]


def pick_from_index(index: list[dict[str, object]], src: str, tgt: str, index_url: str) -> dict[str, object]:
    """The newest translate package for ``src``->``tgt`` in the index."""
    hits = [e for e in index if e.get("from_code") == src and e.get("to_code") == tgt
            and e.get("type", "translate") == "translate" and e.get("links")]
    if not hits:
        pairs = sorted({f"{e.get('from_code')}->{e.get('to_code')}" for e in index})
        raise ModelError(f"{printable(index_url)}: no package for {src}->{tgt} in the index; "
                         f"it has: {printable(', '.join(pairs)) or 'nothing'}")
    return max(hits, key=lambda e: _version_key(e.get("package_version")))


def _expected_sha256(entry: dict[str, object]) -> str | None:
    for key in ("sha256", "checksum"):
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value.split(":", 1)[1].lower() if value.startswith("sha256:") else value.lower()
    return None


def download(url: str, dest: Path, *, limit: int) -> str:
    """Stream the http(s) ``url`` to ``dest`` (at most ``limit`` bytes); return its sha256."""
    h = hashlib.sha256()
    size = 0
    try:
        with open_http(url, "a package link") as fh, open(dest, "wb") as out:
            length = fh.headers.get("Content-Length") if hasattr(fh, "headers") else None
            if length and str(length).isdigit() and int(length) > limit:
                raise ModelError(f"{printable(url)}: the package is {length} bytes, more than the limit of {limit}; refused")
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                size += len(chunk)
                if size > limit:
                    raise ModelError(f"{printable(url)}: download larger than {limit} bytes; refused")
                h.update(chunk)
                out.write(chunk)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise ModelError(f"{printable(url)}: download failed ({exc}); check the network or install from a file") from None
    return h.hexdigest()


def _links(entry: dict[str, object], index_url: str) -> list[str]:
    raw = entry.get("links")
    links = raw if isinstance(raw, list) else [raw]
    return [urllib.parse.urljoin(index_url, str(link)) for link in links if isinstance(link, str) and link]


def install_from_index(src: str, tgt: str, *, index_url: str | None = None,
                       models_dir: str | os.PathLike[str] | None = None, force: bool = False,
                       limits: ArchiveLimits = DEFAULT_LIMITS) -> InstallResult:
    """Find ``src``->``tgt`` in the index, download it, verify its checksum, validate, install.

    Every link is checked before any is fetched: an entry with a ``file:``
    (or any non-http(s)) link is refused whole, so a hostile index cannot make
    a later mirror look trustworthy.
    """
    url = check_url(index_url or DEFAULT_INDEX_URL, "the package index")
    root = resolve_models_dir(models_dir)
    entry = pick_from_index(fetch_index(url), src, tgt, url)
    links = _links(entry, url)
    if not links:
        raise ModelError(f"{printable(url)}: the {src}->{tgt} entry has no links; use another index or a file")
    for link in links:
        check_url(link, f"package link of {src}->{tgt} in {url}")
    expected = _expected_sha256(entry)
    with models_lock(root):
        staging = staging_folder(root)  # in the models folder: a killed download is swept next time
        try:
            private = staging / "package.argosmodel"
            errors = []
            for link in links:
                try:
                    digest = download(link, private, limit=limits.max_download_bytes)
                    break
                except ModelError as exc:
                    errors.append(str(exc))
            else:
                raise ModelError("; ".join(errors))
            if expected and digest != expected:
                raise ArchiveRejected(f"{printable(link)}: sha256 {digest} does not match the index's {expected}; "
                                      f"nothing was installed; the download is corrupt or tampered with")
            return install_staged(private, root, staging, label=printable(link), force=force, limits=limits)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

