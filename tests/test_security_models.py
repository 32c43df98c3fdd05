"""Model installs under attack and under faults (issue 11 and the models items of issue 14).

Real packages (built with ctranslate2.specs), real subprocesses for the
concurrent and killed installs, a real HTTP index on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from badinput.runs import NEUTRAL_CWD
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import EXIT_MODEL, EXIT_OK, ArchiveRejected, ModelError
from pipeline.translate import argos
from pipeline.translate import index as model_index
from pipeline.translate.archive import ArchiveLimits

Files = dict[str, dict[tuple[str, str], Path]]


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], check=False, capture_output=True, text=True,
                          cwd=NEUTRAL_CWD, timeout=timeout, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=NEUTRAL_CWD, env=dict(os.environ, PYTHONWARNINGS="ignore"),
                            start_new_session=True)


def hidden(models: Path) -> list[str]:
    return sorted(p.name for p in models.iterdir() if p.name.startswith(".") and p.name != ".pipeline-install.lock")


# --------------------------------------------------------------------------- versions (issue 14)


def test_same_package_again_is_a_no_op_newer_replaces_older_needs_force(argos_package_files: Files, tmp_path: Path) -> None:
    from pipeline.testing.models import build_package

    models = str(tmp_path / "models")
    v10 = str(argos_package_files["echo"][("es", "en")])
    v11 = str(build_package(tmp_path, "es", "en", package_version="1.1"))
    r = cli("models", "install", v10, "--models-dir", models)
    assert r.returncode == EXIT_OK and r.stdout.startswith("Installed es_en (es -> en, version 1.0)")
    r = cli("models", "install", v10, "--models-dir", models)
    assert r.returncode == EXIT_OK and "is already installed" in r.stdout and "nothing to do" in r.stdout
    r = cli("models", "install", v11, "--models-dir", models)
    assert r.returncode == EXIT_OK
    assert "Installed es_en (es -> en, version 1.1)" in r.stdout and "replaced translate-es_en-1_0 (version 1.0)" in r.stdout
    r = cli("models", "install", v10, "--models-dir", models)
    assert r.returncode == EXIT_MODEL and r.stdout == ""
    (line,) = r.stderr.splitlines()
    assert line.startswith(f"Error: {v10}: version 1.0 is older than the installed translate-es_en-1_1 (version 1.1); ")
    assert "--force" in line
    r = cli("models", "install", v10, "--force", "--models-dir", models)
    assert r.returncode == EXIT_OK and "replaced translate-es_en-1_1 (version 1.1)" in r.stdout
    assert [p.folder for p in argos.list_packages(models)] == ["translate-es_en-1_0"]


def test_list_shows_the_checksum_and_which_version_is_used(echo_models: Path, tmp_path: Path) -> None:
    import shutil

    from pipeline.testing.models import build_package

    other = tmp_path / "other"
    argos.install(build_package(tmp_path, "es", "en", package_version="2.0"), other)
    shutil.copytree(other / "translate-es_en-2_0", echo_models / "translate-es_en-2_0")  # two versions, by hand
    r = CliRunner().invoke(main, ["models", "list", "--models-dir", str(echo_models)])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[1].split() == ["NAME", "PAIR", "VERSION", "CHECKSUM", "FOLDER"]
    for pkg in argos.list_packages(echo_models):
        (row,) = [line for line in lines if line.rstrip().split("  (")[0].endswith(pkg.folder)]
        assert pkg.checksum()[:16] in row
        assert ("not used" in row) == (pkg.folder == "translate-es_en-1_0"), row


# --------------------------------------------------------------------------- broken folders, bad tokenizer


def test_a_folder_without_metadata_is_listed_as_broken_and_can_be_removed_or_installed_over(
        argos_package_files: Files, tmp_path: Path) -> None:
    models = tmp_path / "models"
    (models / "translate-es_en-1_0" / "model").mkdir(parents=True)  # half a package, no metadata
    (models / "translate-es_en-1_0" / "model" / "model.bin").write_bytes(b"half")
    (models / "junk").mkdir()
    runner = CliRunner()
    r = runner.invoke(main, ["models", "list", "--models-dir", str(models)])
    assert r.exit_code == 0
    assert any(line.split()[:1] == ["broken"] and line.rstrip().endswith("junk") for line in r.output.splitlines())
    assert "Warning: " in r.output and "pipeline models remove junk" in r.output
    r = runner.invoke(main, ["models", "remove", "junk", "--models-dir", str(models)])
    assert r.exit_code == 0 and r.output == "Removed the broken package folder junk\n"
    assert not (models / "junk").exists()
    r = runner.invoke(main, ["models", "install", str(argos_package_files["echo"][("es", "en")]), "--models-dir", str(models)])
    assert r.exit_code == 0, r.output
    assert "replaced the broken folder translate-es_en-1_0" in r.output
    assert [p.folder for p in argos.list_packages(models)] == ["translate-es_en-1_0"] and not argos.list_broken(models)


def test_a_garbage_tokenizer_is_refused_at_install(argos_package_files: Files, tmp_path: Path) -> None:
    good = argos_package_files["echo"][("es", "en")]
    bad = tmp_path / "bad-spm.argosmodel"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, b"not a sentencepiece model" * 50 if info.filename.endswith("sentencepiece.model") else data)
    r = cli("models", "install", str(bad), "--models-dir", str(tmp_path / "m"))
    assert r.returncode == EXIT_MODEL
    (line,) = r.stderr.splitlines()
    assert line.startswith(f"Error: {bad}: its tokenizer translate-es_en-1_0/sentencepiece.model cannot be loaded (")
    assert "nothing was installed" in line and ".pipeline-staging" not in line
    assert argos.list_packages(tmp_path / "m") == [] and hidden(tmp_path / "m") == []


# --------------------------------------------------------------------------- concurrency and kills


def test_two_concurrent_installs_of_one_package_install_it_once(argos_package_files: Files, tmp_path: Path) -> None:
    models = str(tmp_path / "models")
    pkg = str(argos_package_files["echo"][("es", "en")])
    procs = [start("models", "install", pkg, "--models-dir", models) for _ in range(2)]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    assert [rc for rc, _, _ in results] == [0, 0], results
    outs = sorted(out for _, out, _ in results)
    assert outs[0].startswith("Installed es_en") and "is already installed" in outs[1], outs
    assert [p.folder for p in argos.list_packages(models)] == ["translate-es_en-1_0"]
    assert hidden(Path(models)) == []


def test_two_concurrent_installs_of_two_versions_end_with_the_newest(argos_package_files: Files, tmp_path: Path) -> None:
    from pipeline.testing.models import build_package

    models = str(tmp_path / "models")
    v10 = str(argos_package_files["echo"][("es", "en")])
    v11 = str(build_package(tmp_path, "es", "en", package_version="1.1"))
    procs = [start("models", "install", v, "--models-dir", models) for v in (v11, v10)]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    assert results[0][0] == EXIT_OK, results
    # 1.0 either went first (then 1.1 replaced it) or came second and was refused cleanly
    assert results[1][0] in (EXIT_OK, EXIT_MODEL), results
    if results[1][0] == EXIT_MODEL:
        assert results[1][2].count("\n") == 1 and "--force" in results[1][2]
    assert [p.folder for p in argos.list_packages(models)] == ["translate-es_en-1_1"]
    assert hidden(Path(models)) == []


@pytest.fixture
def big_package(argos_package_files: Files, tmp_path: Path) -> Path:
    """The es->en echo package plus 48 MB of stored random padding: slow enough to kill mid-install."""
    big = tmp_path / "big.argosmodel"
    with zipfile.ZipFile(argos_package_files["echo"][("es", "en")]) as src, zipfile.ZipFile(big, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(zipfile.ZipInfo("translate-es_en-1_0/model/padding.bin"), os.urandom(48 * 1024 * 1024))
    return big


def test_a_killed_install_leaves_no_half_package_and_is_swept(big_package: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    mid_install = []
    for attempt in range(3):
        proc = start("models", "install", str(big_package), "--models-dir", str(models))
        deadline = time.monotonic() + 60
        while not hidden(models) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(0.05 * attempt)  # kill at different moments: copying, checking, extracting
        mid_install.append(bool(hidden(models)) and proc.poll() is None)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        # whatever the moment, the package is either absent or whole, never listed half-made
        packages = argos.list_packages(models)
        assert [p.folder for p in packages] in ([], ["translate-es_en-1_0"])
        if packages:
            assert (packages[0].model_dir / "padding.bin").stat().st_size == 48 * 1024 * 1024
            argos.remove_package("es_en", models)
        # the next models command sweeps what the killed one left (the 48 MB copy included)
        r = CliRunner().invoke(main, ["models", "list", "--models-dir", str(models)])
        assert r.exit_code == 0 and hidden(models) == [], hidden(models)
    assert any(mid_install), "no attempt was killed in the middle of an install"
    r = cli("models", "install", str(big_package), "--models-dir", str(models))
    assert r.returncode == EXIT_OK and [p.folder for p in argos.list_packages(models)] == ["translate-es_en-1_0"]


def test_stale_staging_of_a_dead_process_is_swept_but_a_live_ones_is_not(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    (models / f".pipeline-staging-{dead_pid}-abc" / "unpacked").mkdir(parents=True)
    (models / f".pipeline-staging-{dead_pid}-abc" / "package.argosmodel").write_bytes(b"x" * 1000)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (models / f".pipeline-staging-{live.pid}-def").mkdir()
        assert argos.sweep_stale(models) == 1
        assert hidden(models) == [f".pipeline-staging-{live.pid}-def"]
    finally:
        live.kill()
        live.wait()


def test_a_replaced_package_is_put_back_when_its_successor_never_arrived(argos_package_files: Files, tmp_path: Path) -> None:
    models = tmp_path / "models"
    argos.install(argos_package_files["echo"][("es", "en")], models)
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout)
    # killed between "move the old folder aside" and "move the new one in"
    os.replace(models / "translate-es_en-1_0", models / f".pipeline-old-{dead}-0000-translate-es_en-1_0")
    assert argos.list_packages(models) == []
    argos.sweep_stale(models)
    assert [p.folder for p in argos.list_packages(models)] == ["translate-es_en-1_0"]


# --------------------------------------------------------------------------- the index: http(s) only, size caps


@pytest.fixture
def hostile_index(argos_package_files: Files, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An index on 127.0.0.1 whose entries link to file:, data:, ftp: and a redirect to file:."""
    root = tmp_path / "www"
    root.mkdir()
    good = argos_package_files["echo"][("es", "en")]
    (root / good.name).write_bytes(good.read_bytes())
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    target = tmp_path / "local.argosmodel"
    target.write_bytes(good.read_bytes())
    entries = [
        {"from_code": "es", "to_code": "en", "package_version": "1.0", "links": [target.as_uri()], "sha256": sha},
        {"from_code": "en", "to_code": "es", "package_version": "1.0", "links": ["data:application/zip;base64,UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="]},
        {"from_code": "th", "to_code": "en", "package_version": "1.0", "links": ["ftp://127.0.0.1/x.argosmodel"]},
        {"from_code": "en", "to_code": "th", "package_version": "1.0", "links": ["redirect"]},
        {"from_code": "es", "to_code": "th", "package_version": "1.0", "links": [f"{good.name}"], "sha256": sha},
    ]
    (root / "index.json").write_text(json.dumps(entries))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **kw: object) -> None:
            super().__init__(*a, directory=str(root), **kw)  # type: ignore[arg-type]

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path.endswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.json", tmp_path
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("src,tgt,scheme", [("es", "en", "file:"), ("en", "es", "data:"), ("th", "en", "ftp:"),
                                            ("en", "th", "file:")],
                         ids=["file-link", "data-link", "ftp-link", "redirect-to-file"])
def test_index_links_that_are_not_http_are_refused(hostile_index: tuple[str, Path], src: str, tgt: str, scheme: str) -> None:
    url, tmp = hostile_index
    models = tmp / "models"
    r = cli("models", "install", "--from-index", src, tgt, "--index", url, "--models-dir", str(models))
    assert r.returncode == EXIT_MODEL, r.stderr
    (line,) = r.stderr.splitlines()
    assert line.startswith("Error: ") and "must be an http:// or https:// address" in line and f"({scheme} refused)" in line
    assert not models.exists() or argos.list_packages(models) == []


@pytest.mark.parametrize("index_url", ["file:///etc/passwd", "/etc/passwd", "ftp://127.0.0.1/index.json",
                                       "data:application/json,[]", "http:///no-host"])
def test_an_index_url_that_is_not_http_is_refused(index_url: str, tmp_path: Path) -> None:
    r = cli("models", "install", "--from-index", "es", "en", "--index", index_url, "--models-dir", str(tmp_path / "m"))
    assert r.returncode == EXIT_MODEL
    (line,) = r.stderr.splitlines()
    assert "must be an http:// or https:// address" in line
    assert not (tmp_path / "m").exists()


def test_index_and_downloads_are_size_capped(hostile_index: tuple[str, Path]) -> None:
    url, tmp = hostile_index
    with pytest.raises(ModelError, match=r"more than the limit of 100"):
        model_index.fetch_index(url, limit=100)
    with pytest.raises(ModelError, match=r"more than the limit of 1000; refused"):
        model_index.install_from_index("es", "th", index_url=url, models_dir=tmp / "m",
                                       limits=ArchiveLimits(max_download_bytes=1000))
    assert argos.list_packages(tmp / "m") == [] and hidden(tmp / "m") == []
    # the same entry with the default caps installs (the http link is fine; the pair in the
    # metadata is es->en, which is what gets installed)
    result = model_index.install_from_index("es", "th", index_url=url, models_dir=tmp / "m")
    assert result.action == "installed"


def test_archive_rejected_is_still_an_archive_error() -> None:
    assert issubclass(ArchiveRejected, ModelError)


def test_names_in_error_lines_are_escaped(tmp_path: Path) -> None:
    evil = str(tmp_path / "x\x1b]0;pwned\x07.argosmodel")
    r = cli("models", "install", evil, "--models-dir", str(tmp_path / "m"))
    assert r.returncode == EXIT_MODEL
    (line,) = r.stderr.splitlines()
    assert "\x1b" not in line and "\x07" not in line and "x\\x1b]0;pwned\\x07.argosmodel: no such file" in line
    r = cli("models", "remove", "es\x1b[2J_en", "--models-dir", str(tmp_path / "m"))
    assert r.returncode == EXIT_MODEL and "\x1b" not in r.stderr and "es\\x1b[2J_en" in r.stderr


def test_an_immutable_models_folder_is_one_line_for_install_and_remove(argos_package_files: Files, tmp_path: Path) -> None:
    import shutil

    models = tmp_path / "models"
    argos.install(argos_package_files["echo"][("es", "en")], models)
    (models / ".pipeline-install.lock").unlink()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(models)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        for args in (["install", str(argos_package_files["echo"][("en", "es")])], ["remove", "es_en"]):
            r = cli("models", *args, "--models-dir", str(models))
            assert r.returncode == EXIT_MODEL, r.stderr
            (line,) = r.stderr.splitlines()
            assert line.startswith("Error: ") and "writable" in line, line
    finally:
        subprocess.run(["chattr", "-i", str(models)], check=True)
    assert [p.folder for p in argos.list_packages(models)] == ["translate-es_en-1_0"]
