"""The test packages are real: raw CTranslate2 echoes (or swaps) through them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.testing.models import (
    BuildParams,
    _build_ctranslate2_model,
    build_package,
    echo_check,
    train_sentencepiece,
)

SENTENCES = [
    "Hola, ¿qué tal? La señora Núñez pagó 3,50 € en el año 2024.",
    "La propuesta de valor del segmento de clientes",
    "สวัสดีครับ ผมชื่อสมชาย ยินดีที่ได้รู้จัก",
    "Un texto mixto: ลูกค้า y español, ñandú ü.",
    "Çà et là, émoji 🎉 — “comillas” «latinas»",
]


def _unzip(package: Path, dest: Path) -> Path:
    with zipfile.ZipFile(package) as zf:
        zf.extractall(dest)
        top = zf.namelist()[0].split("/")[0]
    return dest / top


def test_echo_package_gives_its_input_back_including_accents_and_thai(
    argos_package_files: dict[str, dict[tuple[str, str], Path]], tmp_path: Path,
) -> None:
    pkg = _unzip(argos_package_files["echo"][("es", "en")], tmp_path)
    for source, output in echo_check(pkg / "model", pkg / "sentencepiece.model", SENTENCES):
        assert output == source


def test_thai_goes_through_byte_fallback(argos_package_files: dict[str, dict[tuple[str, str], Path]],
                                         tmp_path: Path) -> None:
    import sentencepiece as spm

    pkg = _unzip(argos_package_files["echo"][("th", "en")], tmp_path)
    sp = spm.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
    pieces = sp.encode("สวัสดี", out_type=str)
    assert any(p.startswith("<0x") for p in pieces)
    assert sp.decode_pieces(pieces) == "สวัสดี"


def test_swap_package_swaps_both_ways(argos_package_files: dict[str, dict[tuple[str, str], Path]],
                                      tmp_path: Path) -> None:
    pkg = _unzip(argos_package_files["swap"][("es", "en")], tmp_path)
    out = dict(echo_check(pkg / "model", pkg / "sentencepiece.model",
                          ["hola mundo, el cliente", "hello world customers", "nada cambia aquí"]))
    assert out["hola mundo, el cliente"] == "hello world, el customer"
    assert out["hello world customers"] == "hola mundo clientes"
    assert out["nada cambia aquí"] == "nada cambia aquí"


def test_package_layout_and_metadata(argos_package_files: dict[str, dict[tuple[str, str], Path]]) -> None:
    import json

    with zipfile.ZipFile(argos_package_files["echo"][("th", "en")]) as zf:
        names = set(zf.namelist())
        meta = json.loads(zf.read("translate-th_en-1_0/metadata.json"))
    assert {"translate-th_en-1_0/model/model.bin", "translate-th_en-1_0/model/config.json",
            "translate-th_en-1_0/sentencepiece.model"} <= names
    assert (meta["from_code"], meta["to_code"], meta["type"]) == ("th", "en", "translate")


def test_build_is_deterministic(tmp_path: Path) -> None:
    params = BuildParams("es", "en", seed=99)
    sp1, sp2 = train_sentencepiece(params), train_sentencepiece(params)
    assert sp1 == sp2
    _build_ctranslate2_model(params, sp1, tmp_path / "a")
    _build_ctranslate2_model(params, sp2, tmp_path / "b")
    assert (tmp_path / "a" / "model.bin").read_bytes() == (tmp_path / "b" / "model.bin").read_bytes()


def test_cache_returns_the_same_file_without_rebuilding(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = build_package(tmp_path / "one", "es", "en", cache_dir=cache)
    stamp = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    second = build_package(tmp_path / "two", "es", "en", cache_dir=cache)
    assert first.read_bytes() == second.read_bytes()
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == stamp


def test_bad_build_parameters_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="single words"):
        build_package(tmp_path, "es", "en", kind="swap", swaps={"propuesta de valor": "value proposition"})
    with pytest.raises(ValueError, match="kind"):
        build_package(tmp_path, "es", "en", kind="other")
