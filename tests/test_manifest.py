"""The run's state in SQLite: records per lesson, migration from manifest.json, stale lessons, long names."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.run.manifest import dump_state

LESSON = "Lección {i}\n\nLa propuesta de valor describe los beneficios que los clientes pueden esperar.\n"


def _raw(tmp_path: Path, n: int = 3) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    (raw / "unidad").mkdir(parents=True)
    for i in range(n):
        (raw / f"l{i}.txt").write_text(LESSON.format(i=i), encoding="utf-8")
    (raw / "unidad" / "sub.txt").write_text(LESSON.format(i=99), encoding="utf-8")
    return raw, tmp_path / "out"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["run", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> dict[str, object]:
    code, stdout, stderr = _run(*args, "--json")
    assert code == 0, stderr
    report: dict[str, object] = json.loads(stdout)
    return report


def _records(out: Path) -> dict[str, dict[str, object]]:
    return dict(dump_state(out / ".pipeline"))


def test_state_is_one_sqlite_file_in_wal_mode_with_a_record_per_lesson(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path)
    _json(str(raw), str(out))
    state = out / ".pipeline" / "state.sqlite"
    assert state.is_file() and not (out / ".pipeline" / "manifest.json").exists()
    with sqlite3.connect(state) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    records = _records(out)
    assert sorted(records) == ["l0", "l1", "l2", "unidad/sub"]
    rec = records["unidad/sub"]
    assert rec["sidecar"] == ".pipeline/lessons/unidad/sub.json"
    assert set(rec["outputs"]) == {"source/unidad/sub.md", ".pipeline/lessons/unidad/sub.json"}  # type: ignore[arg-type]


def test_a_manifest_json_is_migrated_once_and_nothing_is_rebuilt(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path)
    _json(str(raw), str(out))
    records = _records(out)
    for name in ("state.sqlite", "state.sqlite-wal", "state.sqlite-shm"):
        (out / ".pipeline" / name).unlink(missing_ok=True)
    legacy = out / ".pipeline" / "manifest.json"
    legacy.write_text(json.dumps({"schema": 1, "lessons": records}), encoding="utf-8")
    report = _json(str(raw), str(out))
    assert report["written"] == 0 and report["up_to_date"] == 4
    assert not legacy.exists() and (out / ".pipeline" / "manifest.json.migrated").is_file()
    assert any("4 records moved into state.sqlite" in n for n in report["notes"])  # type: ignore[union-attr]
    assert _records(out) == records
    assert _json(str(raw), str(out))["notes"] == []  # once


def test_a_manifest_of_the_wrong_shape_or_a_folder_is_set_aside_and_the_batch_rebuilt(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path)
    state = out / ".pipeline"
    state.mkdir(parents=True)
    (state / "manifest.json").write_text('[{"lessons": 3}]', encoding="utf-8")
    report = _json(str(raw), str(out))
    assert report["written"] == 4 and report["errors"] == 0
    assert any("not a manifest this version can read" in n for n in report["notes"])  # type: ignore[union-attr]
    (state / "manifest.json.migrated").unlink()
    (state / "manifest.json").mkdir()
    code, _, stderr = _run(str(raw), str(out))
    assert code == 0 and "Traceback" not in stderr
    assert "Note: " in stderr and (state / "manifest.json.migrated").is_dir()


def test_a_state_file_that_is_a_folder_or_garbage_is_one_line_and_exit_1(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path)
    state = out / ".pipeline" / "state.sqlite"
    state.mkdir(parents=True)
    code, stdout, stderr = _run(str(raw), str(out))
    assert code == 1 and stdout == ""
    assert stderr.splitlines() == [f"Error: {state}: is not a regular file (a folder, link or device where the run "
                                   "keeps its state); move it away, then run again"]
    assert not (out / "source").exists()
    state.rmdir()
    state.write_bytes(b"this is not a database" * 100)
    code, _, stderr = _run(str(raw), str(out))
    assert code == 1 and len(stderr.splitlines()) == 1
    assert stderr.startswith(f"Error: {state}: cannot be used as the run's state") and "move it away" in stderr
    state.unlink()
    assert _json(str(raw), str(out))["written"] == 4  # the rerun finishes the batch


def test_lessons_gone_from_raw_lose_their_outputs_unless_keep_stale(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path)
    _json(str(raw), str(out))
    (raw / "l1.txt").unlink()
    report = _json(str(raw), str(out), "--keep-stale")
    assert report["stale"] == ["l1"] and report["stale_removed"] is False
    assert (out / "source" / "l1.md").is_file() and "l1" in _records(out)
    (raw / "unidad" / "sub.txt").unlink()
    code, stdout, _ = _run(str(raw), str(out))
    assert code == 0
    assert "source gone: l1: removed its outputs" in stdout and "source gone: unidad/sub" in stdout
    assert not (out / "source" / "l1.md").exists() and not (out / ".pipeline" / "lessons" / "l1.json").exists()
    assert not (out / "source" / "unidad").exists() and not (out / ".pipeline" / "lessons" / "unidad").exists()
    assert sorted(_records(out)) == ["l0", "l2"]
    assert (out / "source" / "l0.md").is_file()
    assert _json(str(raw), str(out))["stale"] == []


def test_an_empty_input_folder_says_so_and_removes_nothing(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path)
    _json(str(raw), str(out))
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF")
    code, _, stderr = _run(str(empty), str(out))
    assert code == 0
    assert f"No lessons in {empty}: no .txt files found (1 other files skipped)" in stderr
    assert "lessons recorded in" in stderr and "are kept" in stderr
    assert len(_records(out)) == 4 and (out / "source" / "l0.md").is_file()


def test_a_255_byte_file_name_gets_a_hashed_sidecar_name_and_the_batch_goes_on(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path)
    ascii_name = "x" * 251  # + ".txt" = 255 bytes: the longest name a file system takes
    multi = "ñ" * 125 + "a"  # 251 bytes of UTF-8 in 126 characters
    for stem in (ascii_name, multi):
        (raw / f"{stem}.txt").write_text(LESSON.format(i=7), encoding="utf-8")
    report = _json(str(raw), str(out))
    assert report["written"] == 6 and report["errors"] == 0
    records = _records(out)
    for stem in (ascii_name, multi):
        assert (out / "source" / f"{stem}.md").is_file()
        side = records[stem]["sidecar"]
        assert isinstance(side, str) and side != f".pipeline/lessons/{stem}.json"
        assert len(Path(side).name.encode("utf-8")) <= 255
        data = json.loads((out / side).read_text("utf-8"))
        assert data["lesson"] == stem  # readers use the field, not the file name
    again = _json(str(raw), str(out))
    assert again["up_to_date"] == 6 and again["written"] == 0


def test_fit_name_keeps_short_names_and_cuts_long_ones_at_a_character_boundary() -> None:
    from pipeline.run.write import fit_name

    assert fit_name("source/a/b.md") == "source/a/b.md"
    long = fit_name(".pipeline/lessons/" + "é" * 200 + ".json")
    last = long.rsplit("/", 1)[1]
    assert len(last.encode("utf-8")) <= 255 and last.endswith(".json") and last.startswith("é")
    assert last.encode("utf-8").decode("utf-8") == last
    assert fit_name(".pipeline/lessons/" + "é" * 200 + ".json") == long  # deterministic
    assert fit_name(".pipeline/lessons/" + "é" * 201 + ".json") != long
