"""`pipeline run` without models: the cleaned source folder, errors, reruns, the lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock
from markdown_it import MarkdownIt

from pipeline.cli import main

LESSON_ES = """\
Lección 3 Propuesta de valor

La propuesta de valor describe los beneficios que los clientes pueden esperar. Es el motivo por el que eligen una empresa.

Tipos de propuesta de valor

- Novedad.
- Precio.
- Personalización.

Fuente: <https://example.org/propuesta-de-valor>
"""

LESSON_DAMAGED = """\
El mó;dulo de Relació;n con los Clientes explica có;mo conectar la propuesta de valor con cada segmento.

Ademá;s, el servicio debe ser rá;pido y có;modo.
"""

LESSON_TABLE = "Segmentación\n\nCriterio\tEjemplo\nEdad\t25 a 34 años\nRegión\tNorte\n"


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a-propuesta.txt").write_text(LESSON_ES, encoding="utf-8")
    (raw / "b-dañada.txt").write_text(LESSON_DAMAGED, encoding="utf-8")
    (raw / "c-tabla.txt").write_text(LESSON_TABLE, encoding="utf-8")
    return raw, tmp_path / "out"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["run", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _snapshot(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in ("lock",) and "memory.sqlite" not in p.name and "state.sqlite" not in p.name
    }


def test_run_writes_clean_markdown_and_sidecars(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    code, stdout, stderr = _run(str(raw), str(out), "--json")
    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["files"] == 3 and report["errors"] == 0 and report["written"] == 3
    assert report["edits"] >= 5  # the damaged lesson's ó; á; and lost letters
    md = (out / "source" / "b-dañada.md").read_text("utf-8")
    assert "módulo" in md and "Relación" in md and "Además" in md
    assert ";" not in md.split("---", 2)[2]
    tokens = MarkdownIt("commonmark").enable("table").parse((out / "source" / "c-tabla.md").read_text("utf-8"))
    assert [t.type for t in tokens].count("th_open") == 2
    assert [t.type for t in tokens].count("td_open") == 4
    side = json.loads((out / ".pipeline" / "lessons" / "b-dañada.json").read_text("utf-8"))
    assert side["lesson"] == "b-dañada" and side["edits"] and side["segments"]
    for seg in side["segments"]:
        assert seg["spans"], seg


def test_second_run_is_byte_identical_and_skips_everything(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    assert _run(str(raw), str(out))[0] == 0
    first = _snapshot(out)
    code, stdout, _ = _run(str(raw), str(out), "--json")
    assert code == 0
    report = json.loads(stdout)
    assert report["up_to_date"] == 3 and report["written"] == 0
    assert _snapshot(out) == first
    # --force rebuilds and still writes the same bytes
    code, stdout, _ = _run(str(raw), str(out), "--json", "--force")
    assert json.loads(stdout)["written"] == 3
    assert _snapshot(out) == first


def test_editing_one_lesson_rebuilds_only_that_one(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    _run(str(raw), str(out))
    (raw / "c-tabla.txt").write_text(LESSON_TABLE + "\nOtra línea al final.\n", encoding="utf-8")
    report = json.loads(_run(str(raw), str(out), "--json")[1])
    assert report["written"] == 1 and report["up_to_date"] == 2
    assert "Otra línea al final." in (out / "source" / "c-tabla.md").read_text("utf-8")


def test_a_deleted_output_is_rewritten(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    _run(str(raw), str(out))
    (out / "source" / "a-propuesta.md").unlink()
    report = json.loads(_run(str(raw), str(out), "--json")[1])
    assert report["written"] == 1
    assert (out / "source" / "a-propuesta.md").is_file()


def test_bad_file_is_reported_and_the_rest_written(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    (raw / "imagen.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100))
    (raw / "notas.pdf").write_bytes(b"%PDF-1.4")
    code, stdout, stderr = _run(str(raw), str(out), "--json")
    assert code == 1
    assert f"Error: {raw / 'imagen.txt'}: binary data, not text; skip it or convert it to UTF-8 text" in stderr
    report = json.loads(stdout)
    assert report["errors"] == 1 and report["written"] == 3
    assert report["error_list"][0]["file"] == str(raw / "imagen.txt")
    assert [s["file"] for s in report["skipped"]] == [str(raw / "notas.pdf")]
    assert sorted(p.name for p in (out / "source").iterdir()) == ["a-propuesta.md", "b-dañada.md", "c-tabla.md"]


def test_nested_folders_keep_their_layout_and_output_inside_raw_is_not_read(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "curso" / "modulo1").mkdir(parents=True)
    (raw / "curso" / "modulo1" / "leccion.txt").write_text(LESSON_ES, encoding="utf-8")
    out = raw / "out"
    assert _run(str(raw), str(out))[0] == 0
    assert (out / "source" / "curso" / "modulo1" / "leccion.md").is_file()
    report = json.loads(_run(str(raw), str(out), "--json", "--force")[1])
    assert report["files"] == 1  # the .md files under raw/out are not lessons


def test_a_second_run_on_a_locked_output_folder_exits_5(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    (out / ".pipeline").mkdir(parents=True)
    with FileLock(str(out / ".pipeline" / "lock")):
        code, _, stderr = _run(str(raw), str(out))
    assert code == 5
    assert stderr.strip() == (
        f"Error: {out}: another pipeline run is writing to this folder; "
        "wait for it to finish, or pass --wait SECONDS to queue behind it"
    )


def test_missing_raw_folder(tmp_path: Path) -> None:
    code, _, stderr = _run(str(tmp_path / "nope"), str(tmp_path / "out"))
    assert code == 1
    assert stderr.strip() == f"Error: {tmp_path / 'nope'}: no such folder; give the folder that holds the raw .txt lessons"


def test_front_matter_has_title_source_languages_and_signature(tmp_path: Path) -> None:
    import yaml

    raw, out = _tree(tmp_path)
    _run(str(raw), str(out))
    text = (out / "source" / "a-propuesta.md").read_text("utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Lección 3 Propuesta de valor"
    assert front["source"].endswith("a-propuesta.txt")
    assert front["languages"]["es"] > 0.9
    assert "repair:" in front["signature"] and "langid:" in front["signature"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parallel_and_serial_runs_write_the_same_bytes(tmp_path: Path, jobs: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(12):
        (raw / f"l{i:02d}.txt").write_text(LESSON_DAMAGED if i % 2 else LESSON_ES, encoding="utf-8")
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    assert _run(str(raw), str(out_a), "-j", jobs)[0] == 0
    assert _run(str(raw), str(out_b), "-j", "1")[0] == 0
    assert _snapshot(out_a) == _snapshot(out_b)


def test_a_rerun_with_nothing_to_do_says_so_and_how_to_rebuild(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    _run(str(raw), str(out))
    code, stdout, _ = _run(str(raw), str(out))
    assert code == 0
    assert (f"All 3 lessons are up to date: nothing needed rebuilding. To rebuild anyway: "
            f"pipeline run {raw} {out} --force") in stdout
    assert "elapsed" in stdout and "inline" in stdout


def test_json_names_the_executor_workers_device_and_elapsed_time(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    report = json.loads(_run(str(raw), str(out), "--json", "--to", "en")[1])
    assert report["executor"] == "inline" and report["workers"] == 1  # 3 lessons: no pool start-up
    assert report["device"] == "cpu" and report["compute_type"] == "int8"
    assert report["elapsed_s"] > 0
    import yaml

    front = yaml.safe_load((out / "en" / "a-propuesta.md").read_text("utf-8").split("---\n")[1])
    assert "device:cpu|compute:int8" in front["signature"]
    assert front["missing"] == ["es>en"]  # no model installed here: the renderer's notice names the hop


def test_strict_says_why_it_exits_1(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    code, _, stderr = _run(str(raw), str(out), "--to", "en", "--strict")
    assert code == 1
    assert "exit 1 because of --strict" in stderr and "no model for es->en" in stderr


def test_the_missing_model_hint_names_the_missing_hop_and_every_way_to_install(tmp_path: Path) -> None:
    raw, out = _tree(tmp_path)
    _, _, stderr = _run(str(raw), str(out), "--to", "en")
    hint = next(line for line in stderr.splitlines() if line.startswith("No model for es->en"))
    assert "pipeline models install FILE.argosmodel" in hint
    assert "pipeline models install --from-index es en" in hint
    assert "python -m pipeline.testing.models DEST es en --kind swap" in hint


def test_device_cuda_without_a_gpu_is_exit_4_and_nothing_written(tmp_path: Path) -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("a CUDA device is present")
    raw, out = _tree(tmp_path)
    code, _, stderr = _run(str(raw), str(out), "--to", "en", "--device", "cuda")
    assert code == 4
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("Error: --device cuda: no CUDA device")
    assert not out.exists()


def test_progress_counts_lessons_as_they_are_built_and_written(tmp_path: Path) -> None:
    from pipeline.config import PipelineConfig
    from pipeline.run import Runner

    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(10):
        (raw / f"l{i}.txt").write_text(LESSON_ES, encoding="utf-8")
    calls: list[tuple[str, int, int | None]] = []
    Runner(PipelineConfig(jobs=1, chunk_size=4), raw, tmp_path / "out", lambda *a: calls.append(a)).run()
    done = [d for stage, d, _ in calls if stage == "lessons"]
    assert done == sorted(done) and done[-1] == 10
    assert len(set(done)) >= 10  # one step per lesson written, not one jump at the end
    assert calls[-1] == ("lessons", 10, 10)


def test_a_missing_pivot_hop_is_named_and_installing_it_rebuilds_the_lesson(
        argos_package_files: dict[str, dict[tuple[str, str], Path]], tmp_path: Path) -> None:
    import yaml

    from pipeline.translate.argos import install_package

    models = tmp_path / "models"
    install_package(argos_package_files["swap"][("es", "en")], models)  # es->en only: es->th lacks en->th
    raw, out = _tree(tmp_path)
    args = (str(raw), str(out), "--to", "th", "--models-dir", str(models), "--glossary", "")
    code, _, stderr = _run(*args)
    assert code == 0
    hints = [line for line in stderr.splitlines() if line.startswith("No model for")]
    assert len(hints) == 1 and hints[0].startswith("No model for es->th (missing: en->th): those segments stay in es")
    assert "--from-index en th" in hints[0] and "DEST en th --kind swap" in hints[0]
    front = yaml.safe_load((out / "th" / "a-propuesta.md").read_text("utf-8").split("---\n")[1])
    assert front["missing"] == ["en>th"]
    _, _, stderr = _run(*args)  # up to date: the same hint from the records
    assert [line for line in stderr.splitlines() if line.startswith("No model for")] == hints
    install_package(argos_package_files["swap"][("en", "th")], models)
    report = json.loads(_run(*args, "--json")[1])
    assert report["written"] == 3 and report["missing_pairs"] == []  # the new model makes every record stale
