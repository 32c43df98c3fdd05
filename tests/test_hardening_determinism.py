"""Determinism: the same input gives byte-identical output trees (Markdown, sidecars, manifest),
whatever the output folder, the hash seed, the number of workers or where RAW lives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from badinput import GOOD_EN, GOOD_ES
from badinput.lessons import make_lessons
from badinput.runs import install_echo_models, run, snapshot

from pipeline.errors import EXIT_OK
from pipeline.testing.models import TEST_PAIRS, TEST_SWAPS, build_package

GLOSSARY = "es,en,th,pos,dnt,case,forbidden_th,note\ncliente,customer,ลูกค้า,noun,,,,\nmodelo de negocio,business model,,noun,,,,\n"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(raw, swap models, glossary): swap models make translations visible in the files."""
    base = tmp_path_factory.mktemp("determinism")
    files = {(s, t): build_package(base / "pk", s, t, kind="swap", swaps=TEST_SWAPS[(s, t)]) for s, t in TEST_PAIRS}
    models = install_echo_models(files, base / "models")
    raw = base / "raw"
    make_lessons(raw, 16, per_folder=8)
    (raw / "mixed").mkdir()
    (raw / "mixed" / "es-th.txt").write_text(
        "Propuesta de valor\n\nLa relació;น con el cliente es hola mundo. สวัสดี ลูกค้า\n", encoding="utf-8")
    (raw / "mixed" / "en.txt").write_text(GOOD_EN, encoding="utf-8")
    (raw / "mixed" / "es.txt").write_text(GOOD_ES, encoding="utf-8")
    glossary = base / "glossary.csv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    return raw, models, glossary


def _run(raw: Path, out: Path, models: Path, glossary: Path, *extra: str, seed: str) -> dict[str, bytes]:
    proc = run("run", str(raw), str(out), "--to", "en,es", "--glossary", str(glossary), *extra,
               models_dir=models, PYTHONHASHSEED=seed)
    assert proc.returncode == EXIT_OK, proc.stderr
    return snapshot(out)


def test_runs_are_byte_identical_across_folders_seeds_workers_and_raw_location(setup: tuple[Path, Path, Path], tmp_path: Path) -> None:
    raw, models, glossary = setup
    first = _run(raw, tmp_path / "a", models, glossary, seed="1")
    assert sum(k.startswith("en/") for k in first) == 19 and sum(k.startswith("es/") for k in first) == 19
    assert any(b"hello" in v for k, v in first.items() if k.startswith("en/"))  # translations happened
    # another output folder, another hash seed (set and dict order), one worker instead of a pool
    second = _run(raw, tmp_path / "b", models, glossary, "-j", "1", seed="4242")
    assert second.keys() == first.keys()
    for rel in first:
        assert second[rel] == first[rel], rel
    # the same RAW (same folder name) elsewhere on disk
    moved = tmp_path / "elsewhere" / raw.name
    shutil.copytree(raw, moved)
    third = _run(moved, tmp_path / "c", models, glossary, seed="random")
    assert third == first
    # the run's state (SQLite, so compared by its records): the same records whatever the run
    assert _records(tmp_path / "a") == _records(tmp_path / "b") == _records(tmp_path / "c")


def _records(out: Path) -> list[tuple[str, dict[str, object]]]:
    from pipeline.run.manifest import dump_state

    return dump_state(out / ".pipeline")


def test_no_clock_or_host_noise_in_outputs(setup: tuple[Path, Path, Path], tmp_path: Path) -> None:
    import datetime
    import socket

    raw, models, glossary = setup
    tree = _run(raw, tmp_path / "a", models, glossary, seed="0")
    today = datetime.date.today()
    noise = [today.strftime("%Y-%m-%d"), today.strftime("%Y%m%d"), str(tmp_path)]
    if len(socket.gethostname()) >= 6:
        noise.append(socket.gethostname())
    for rel, data in tree.items():
        text = data.decode("utf-8")
        for n in noise:
            assert n not in text, (rel, n)
