"""Session-wide test setup: private HOME/XDG folders and real Argos test packages.

argostranslate creates folders and reads settings under HOME and XDG_* when it
is *imported*, so they are pointed at temp folders here, at conftest import
time, before any test module can import it.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_ROOT = Path(tempfile.mkdtemp(prefix="pipeline-tests-"))
for _var, _sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                   ("XDG_CACHE_HOME", "cache"), ("ARGOS_PACKAGES_DIR", "argos-packages")):
    os.environ[_var] = str(_ROOT / _sub)
    (_ROOT / _sub).mkdir(parents=True, exist_ok=True)
os.environ.pop("PIPELINE_MODELS_DIR", None)
os.environ.pop("ARGOS_PACKAGE_INDEX", None)

import pytest

from pipeline.testing.models import TEST_PAIRS, TEST_SWAPS, build_package


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture(scope="session")
def argos_package_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[tuple[str, str], Path]]:
    """Built ``.argosmodel`` files: ``{"echo": {(src, tgt): path}, "swap": {...}}`` (cached builds)."""
    out: dict[str, dict[tuple[str, str], Path]] = {"echo": {}, "swap": {}}
    for kind, files in out.items():
        dest = tmp_path_factory.mktemp(f"{kind}-packages")
        for src, tgt in TEST_PAIRS:
            swaps = TEST_SWAPS[(src, tgt)] if kind == "swap" else None
            files[(src, tgt)] = build_package(dest, src, tgt, kind=kind, swaps=swaps)
    return out


def _install_all(files: dict[tuple[str, str], Path], models_dir: Path) -> Path:
    from pipeline.translate.argos import install_package

    models_dir.mkdir(parents=True, exist_ok=True)
    for path in files.values():
        install_package(path, models_dir)
    return models_dir


@pytest.fixture
def echo_models(argos_package_files: dict[str, dict[tuple[str, str], Path]], tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh models folder with echo packages es->en, en->es, th->en, en->th; its path.

    Also set as PIPELINE_MODELS_DIR, so CLI commands use it by default.
    """
    path = _install_all(argos_package_files["echo"], tmp_path / "echo-models")
    monkeypatch.setenv("PIPELINE_MODELS_DIR", str(path))
    return path


@pytest.fixture
def swap_models(argos_package_files: dict[str, dict[tuple[str, str], Path]], tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Path:
    """Like ``echo_models`` with visible word swaps (see ``pipeline.testing.models.TEST_SWAPS``)."""
    path = _install_all(argos_package_files["swap"], tmp_path / "swap-models")
    monkeypatch.setenv("PIPELINE_MODELS_DIR", str(path))
    return path


@pytest.fixture
def index_server(argos_package_files: dict[str, dict[tuple[str, str], Path]], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP package index on 127.0.0.1 serving the echo packages; yields (index URL, folder)."""
    root = tmp_path / "www"
    (root / "packages").mkdir(parents=True)
    entries = []
    for (src, tgt), path in argos_package_files["echo"].items():
        data = path.read_bytes()
        (root / "packages" / path.name).write_bytes(data)
        entries.append({"type": "translate", "from_code": src, "to_code": tgt, "package_version": "1.0",
                        "argos_version": "1.0", "links": [f"packages/{path.name}"],
                        "sha256": hashlib.sha256(data).hexdigest()})
    (root / "index.json").write_text(json.dumps(entries))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **kw: object) -> None:
            super().__init__(*a, directory=str(root), **kw)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.json", root
    finally:
        server.shutdown()
        server.server_close()
