"""`pipeline detect`: table and JSON Lines output, offsets, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.decode import decode_bytes
from pipeline.repair import repair

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"

LESSON = (
    "Lección 2 Canales de venta\n"
    "\n"
    "Los canales conectan la empresa con sus clientes. ลูกค้าพอใจมาก de forma directa o indirecta.\n"
    "\n"
    "Channel\tCost\tReach\n"
    "Online\tLow\tGlobal\n"
    "Retail store\tHigh\tLocal\n"
    "\n"
    "- Servicio personal.\n"
)


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.txt"
    path.write_text(LESSON, encoding="utf-8")
    return path


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["detect", *args], input=input)


def test_table_output(lesson: Path) -> None:
    result = run(str(lesson))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"==> {lesson} <=="
    assert lines[1].split() == ["LINE", "START", "END", "LANG", "CONF", "METHOD", "TEXT"]
    rows = {ln.split(None, 6)[6]: ln.split(None, 6)[3] for ln in lines[2:-1]}
    assert rows["Los canales conectan la empresa con sus clientes."] == "es"
    assert rows["ลูกค้าพอใจมาก"] == "th"
    assert rows["de forma directa o indirecta."] == "es"
    assert rows["Online"] == "en" and rows["Global"] == "en"
    assert rows["- Servicio personal."] == "es"
    assert lines[-1].startswith("languages (share of letters): es ")


def test_jsonl_offsets_index_the_repaired_text(lesson: Path) -> None:
    result = run(str(lesson), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    repaired = repair(decode_bytes(lesson.read_bytes()).text).text
    assert rows, "no rows"
    prev_end = 0
    for row in rows:
        assert set(row) == {"file", "line", "start", "end", "lang", "confidence", "method", "text"}
        assert row["file"] == str(lesson)
        assert repaired[row["start"] : row["end"]] == row["text"]
        assert row["start"] >= prev_end
        assert 0 <= row["confidence"] <= 1
        prev_end = row["end"]
    assert {r["lang"] for r in rows} == {"es", "en", "th"}


def test_languages_option(tmp_path: Path) -> None:
    path = tmp_path / "pt.txt"
    path.write_text("Os clientes satisfeitos recomendam a nossa empresa aos amigos e à família.\n", encoding="utf-8")
    rows = [json.loads(x) for x in run(str(path), "--languages", "es,en,pt", "--format", "jsonl").output.splitlines()]
    assert [r["lang"] for r in rows] == ["pt"]
    rows = [json.loads(x) for x in run(str(path), "--format", "jsonl").output.splitlines()]
    assert rows[0]["lang"] in ("es", "en")


def test_unknown_language_is_a_usage_error(lesson: Path) -> None:
    result = run(str(lesson), "--languages", "es,klingon")
    assert result.exit_code == 2  # a bad command line; the same value from pipeline.toml exits 3
    assert "Invalid value for '--languages': 'klingon' is not a language the detector knows" in result.output


def test_bad_file_reported_others_go_on(lesson: Path, tmp_path: Path) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    missing = tmp_path / "missing.txt"
    result = run(str(missing), str(binary), str(lesson), "--format", "jsonl")
    assert result.exit_code == 1
    errors = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
    assert errors == [
        f"Error: {missing}: no such file; check the path",
        f"Error: {binary}: binary data, not text; skip it or convert it to UTF-8 text",
    ]
    rows = [json.loads(ln) for ln in result.output.splitlines() if ln.startswith("{")]
    assert rows and all(r["file"] == str(lesson) for r in rows)


def test_stdin_and_empty_input() -> None:
    result = run("-", "--format", "jsonl", input=b"Hola a todos. Hello everyone.\n")
    assert result.exit_code == 0
    assert [json.loads(x)["lang"] for x in result.output.splitlines()] == ["es", "en"]
    result = run("-", input=b"")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "languages: none (no letters)"


def test_samples_thai_and_spanish_runs() -> None:
    sample = SAMPLES / "canvas-customer-relationships.es-th.partial.txt"
    if not sample.is_file():
        pytest.skip(f"study sample {sample} not present")
    result = run(str(sample), "--format", "jsonl")
    assert result.exit_code == 0
    rows = [json.loads(x) for x in result.output.splitlines()]
    for row in rows:
        thai = sum("\u0e00" <= ch <= "\u0e7f" for ch in row["text"] if ch.isalpha())
        latin = sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in row["text"] if ch.isalpha())
        if thai and not latin:
            assert row["lang"] == "th", row
        elif latin >= 8 and not thai:
            assert row["lang"] == "es", row
    assert {"th", "es"} <= {r["lang"] for r in rows}
