"""`pipeline repair` through Click's CliRunner: output, files, edit log, errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.repair import repair

DAMAGED = "El mó;dulo de relació;n.\n\u00a0;\n<p>La atenció;น importa.</p>\n"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def lesson(tmp_path: Path) -> Path:
    p = tmp_path / "leccion.txt"
    p.write_text(DAMAGED, encoding="utf-8")
    return p


def test_prints_repaired_text_line_for_line(runner: CliRunner, lesson: Path) -> None:
    result = runner.invoke(main, ["repair", str(lesson)])
    assert result.exit_code == 0, result.output
    assert result.stdout == repair(DAMAGED).text
    assert result.stdout == "El módulo de relación.\n\nLa atención importa.\n"
    assert result.stdout.count("\n") == DAMAGED.count("\n")
    assert result.stderr == ""


def test_adds_final_newline_between_files(runner: CliRunner, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("uno &amp; dos", encoding="utf-8")
    b.write_text("tres", encoding="utf-8")
    result = runner.invoke(main, ["repair", str(a), str(b)])
    assert result.exit_code == 0
    assert result.stdout == "uno & dos\ntres\n"


def test_output_dir_writes_files(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["repair", str(lesson), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert (out / "leccion.txt").read_text("utf-8") == repair(DAMAGED).text
    assert [p.name for p in out.iterdir()] == ["leccion.txt"]  # no temp files left


def test_edit_log(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    cp = tmp_path / "viejo.txt"
    cp.write_bytes("La relaci\xf3n &oacute; ok".encode("latin-1"))
    log = tmp_path / "edits.jsonl"
    result = runner.invoke(main, ["repair", str(lesson), str(cp), "--edits", str(log)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    keys = {"file", "offset", "end", "before", "after", "rule", "confidence", "applied"}
    assert all(keys <= set(r) for r in rows)
    mine = [r for r in rows if r["file"] == str(lesson)]
    assert [r["rule"] for r in mine] == ["half_entity", "half_entity", "nbsp_line", "html_tag", "thai_tail", "html_tag"]
    for r in mine:
        assert DAMAGED[r["offset"] : r["end"]] == r["before"]
    decode_rows = [r for r in rows if r["rule"] == "decode"]
    assert len(decode_rows) == 1 and decode_rows[0]["file"] == str(cp)
    assert "cp1252" in decode_rows[0]["note"]
    assert any(r["file"] == str(cp) and r["rule"] == "entity" for r in rows)


def test_threshold_flags_instead_of_applying(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    log = tmp_path / "e.jsonl"
    result = runner.invoke(main, ["repair", str(lesson), "--threshold", "1", "--edits", str(log)])
    assert result.exit_code == 0
    assert result.stdout == DAMAGED
    rows = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert rows and all(r["applied"] is False for r in rows)


def test_missing_file_is_reported_and_others_still_processed(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-existe.txt"
    result = runner.invoke(main, ["repair", str(missing), str(lesson)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {missing}: no such file; check the path\n"
    assert result.stdout == repair(DAMAGED).text


def test_binary_file_error_text(runner: CliRunner, tmp_path: Path) -> None:
    binary = tmp_path / "imagen.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = runner.invoke(main, ["repair", str(binary)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {binary}: binary data, not text; skip it or convert it to UTF-8 text\n"
    assert result.stdout == ""


def test_folder_argument_error_text(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["repair", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path}: is a folder, not a file; pass the text files inside it\n"


def test_same_name_twice_into_one_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt"
    first.write_text("uno", encoding="utf-8")
    second.write_text("dos", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(main, ["repair", str(first), str(second), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {second}: has the same name as {first}; write them to different folders in separate runs\n"
    )
    assert (out / "x.txt").read_text("utf-8") == "uno"


def test_unwritable_edit_log(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    log = blocker / "edits.jsonl"
    result = runner.invoke(main, ["repair", str(lesson), "--edits", str(log)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {log}: cannot write the edit log (")
    assert result.stderr.endswith("); check that its folder exists and is writable\n")
    assert result.stderr.count("\n") == 1


def test_edit_log_through_a_symlink_keeps_the_link(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    result = runner.invoke(main, ["repair", str(lesson), "--edits", str(link)])
    assert result.exit_code == 0
    assert link.is_symlink() and real.read_text("utf-8").count("\n") == 6


def test_stdin(runner: CliRunner) -> None:
    result = runner.invoke(main, ["repair", "-"], input=DAMAGED.encode("utf-8"))
    assert result.exit_code == 0
    assert result.stdout == repair(DAMAGED).text


def test_usage_errors(runner: CliRunner, lesson: Path) -> None:
    assert runner.invoke(main, ["repair"]).exit_code == 2
    assert runner.invoke(main, ["repair", str(lesson), "--threshold", "2"]).exit_code == 2


def test_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["repair", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "pipeline repair" in result.output
