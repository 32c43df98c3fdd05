"""Word frequencies from wordfreq's bundled lists, shared by repair and language detection.

Both stages need the same tables; loading them once per process, and without
importing ``wordfreq`` itself (its import pulls in langcodes and regex tables,
~0.3 s), keeps a small rerun fast. The data files ship inside the wordfreq
package (``data/large_<lang>.msgpack.gz``, else ``small_<lang>``): nothing is
downloaded. The format is wordfreq's "cBpack": a header, then one list of
words per centibel bucket, most frequent first.
"""

from __future__ import annotations

import gzip
import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

# wordfreq's names for codes people type (Norwegian Bokmål, Filipino).
_ALIASES = {"no": "nb", "tl": "fil"}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def list_path(lang: str) -> Path | None:
    """The bundled list for ``lang`` (the large one when there is one), or None."""
    data = _data_dir()
    if data is None:
        return None
    for code in (lang, _ALIASES.get(lang, "")):
        for size in ("large", "small"):
            path = data / f"{size}_{code}.msgpack.gz"
            if code and path.is_file():
                return path
    return None


_tables: dict[str, dict[str, float]] = {}


def log10_frequencies(lang: str) -> dict[str, float]:
    """Word -> log10 of its frequency (0 > value >= -8), for ``lang``; {} without a list.

    Loaded once per process (thread-safe). Bucket by bucket with C-level dict
    updates, least frequent first, so a word listed twice keeps its higher
    frequency, as wordfreq itself does.
    """
    table = _tables.get(lang)
    if table is not None:
        return table
    with _lock:
        if lang not in _tables:
            _tables[lang] = _load(lang)
    return _tables[lang]


def _load(lang: str) -> dict[str, float]:
    path = list_path(lang)
    if path is None:
        return {}
    import msgpack  # wordfreq's own dependency

    with gzip.open(path, "rb") as fh:
        data = msgpack.load(fh, raw=False)
    header, buckets = data[0], data[1:]
    if not isinstance(header, dict) or header.get("format") != "cB":
        raise ValueError(f"{path}: not a wordfreq cBpack list; reinstall wordfreq")
    table: dict[str, float] = {}
    for cb in range(len(buckets) - 1, -1, -1):
        if buckets[cb]:
            table.update(dict.fromkeys(buckets[cb], -cb / 100.0))
    return table
