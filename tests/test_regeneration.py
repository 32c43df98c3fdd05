"""Narrow regeneration: a one-row glossary edit or one upgraded package retranslates only what it touches."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.glossary import Glossary
from pipeline.testing.models import TEST_SWAPS, build_package
from pipeline.translate.argos import install_package
from pipeline.translate.engine import Job, TranslateSettings, Translator

HEADER = "es,en,th,pos,dnt,case,forbidden_th,note\n"
ROWS = [
    "modelo de negocio,business model,โมเดลธุรกิจ,noun,,,,\n",
    "propuesta de valor,value proposition,คุณค่าที่นำเสนอ,noun,,,,\n",
]
TOPICS = ["el modelo de negocio", "la propuesta de valor", "el precio", "la tienda", "el equipo", "la marca",
          "el canal", "el socio", "la campaña", "el pedido"]


def sentences(n: int = 200) -> list[str]:
    """Distinct sentences; "modelo de negocio" in 10%, "propuesta de valor" in 10%, "segmento" in 1%."""
    out = []
    for i in range(n):
        extra = " y el segmento" if i % 100 == 7 else ""
        out.append(f"En la clase {i} hablamos de {TOPICS[i % len(TOPICS)]}{extra}.")
    return out


def translate(models: Path, memory: Path, glossary: Glossary | None, texts: list[str],
              target: str = "en") -> Translator:
    tr = Translator(TranslateSettings(models_dir=str(models)), memory_path=str(memory), glossary=glossary)
    tr.translate([Job(t, [], "es", target) for t in texts])
    tr.close()
    return tr


def test_a_one_row_glossary_edit_retranslates_only_the_sentences_the_row_matches(
        swap_models: Path, tmp_path: Path) -> None:
    texts = sentences()
    memory = tmp_path / "tm.sqlite"
    base = HEADER + "".join(ROWS)
    cold = translate(swap_models, memory, Glossary.from_text(base), texts)
    assert cold.stats["sentences"] == len(texts)
    # a row that matches nothing: nothing to redo
    nothing = translate(swap_models, memory, Glossary.from_text(base + "arcoíris,rainbow,รุ้ง,noun,,,,\n"), texts)
    assert nothing.stats["sentences"] == 0 and nothing.stats["memory_hits"] == len(texts)
    # a new row that matches 1% of the sentences: exactly those
    added = base + "segmento,segment,กลุ่ม,noun,,,,\n"
    tr = translate(swap_models, memory, Glossary.from_text(added), texts)
    assert tr.stats["sentences"] == sum("segmento" in t for t in texts) == 2
    # editing one row: the sentences it matches, and no other
    edited = added.replace("business model,", "business design,")
    tr = translate(swap_models, memory, Glossary.from_text(edited), texts)
    assert tr.stats["sentences"] == sum("modelo de negocio" in t for t in texts) == 20
    # removing one row: the sentences the old row matched
    removed = edited.replace(ROWS[1], "")
    tr = translate(swap_models, memory, Glossary.from_text(removed), texts)
    assert tr.stats["sentences"] == sum("propuesta de valor" in t for t in texts) == 20
    # moving a row or changing its note changes no translation
    moved = HEADER + "segmento,segment,กลุ่ม,noun,,,,a note\n" + removed[len(HEADER):].replace(
        "segmento,segment,กลุ่ม,noun,,,,\n", "")
    assert translate(swap_models, memory, Glossary.from_text(moved), texts).stats["sentences"] == 0


def test_upgrading_one_package_retranslates_only_the_hops_through_it(
        argos_package_files: dict, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    for pair in (("es", "en"), ("en", "th")):
        install_package(argos_package_files["swap"][pair], models)
    texts = sentences(50)
    memory = tmp_path / "tm.sqlite"
    assert translate(models, memory, None, texts, "en").stats["sentences"] == 50
    assert translate(models, memory, None, texts, "th").stats["sentences"] == 50  # es_en hop from the memory
    # en_th 1.1 replaces 1.0
    shutil.rmtree(models / "translate-en_th-1_0")
    newer = build_package(tmp_path / "new", "en", "th", kind="swap", swaps=TEST_SWAPS[("en", "th")],
                          package_version="1.1")
    install_package(newer, models)
    to_en = translate(models, memory, None, texts, "en")
    assert to_en.stats["sentences"] == 0  # no route through en_th: nothing redone
    to_th = Translator(TranslateSettings(models_dir=str(models)), memory_path=str(memory))
    out = to_th.translate([Job(t, [], "es", "th") for t in texts])
    assert to_th.stats["sentences"] == 50 and to_th.stats["model_calls"] == 1  # one call: en_th only
    assert to_th.stats["memory_hits"] == 50  # the es_en hop of every sentence
    assert all(o.route[0]["hops"] == ["es_en", "en_th"] for o in out)
    assert {m["version"] for m in to_th.models_signature() if m["name"] == "en_th"} == {"1.1"}
    to_th.close()


def test_output_settings_are_part_of_the_key(swap_models: Path, tmp_path: Path) -> None:
    texts = sentences(20)
    memory = tmp_path / "tm.sqlite"
    translate(swap_models, memory, None, texts)
    tr = Translator(TranslateSettings(models_dir=str(swap_models), beam_size=2), memory_path=str(memory))
    tr.translate([Job(t, [], "es", "en") for t in texts])
    assert tr.stats["sentences"] == 20  # beam size changes outputs: not served from beam 4
    tr.close()
    tr = Translator(TranslateSettings(models_dir=str(swap_models), max_batch_tokens=64), memory_path=str(memory))
    tr.translate([Job(t, [], "es", "en") for t in texts])
    assert tr.stats["sentences"] == 0  # batch size changes speed only
    tr.close()


@pytest.mark.parametrize("edit", ["add", "edit"])
def test_glossary_edit_in_a_pivot_route_keys_each_hop_by_its_own_rows(swap_models: Path, tmp_path: Path,
                                                                         edit: str) -> None:
    """es->th goes es->en->th, each hop keyed by the rows matching its own input: only touched sentences redo."""
    texts = sentences(40)
    memory = tmp_path / "tm.sqlite"
    base = HEADER + "".join(ROWS)
    translate(swap_models, memory, Glossary.from_text(base), texts, "th")
    new = (base.replace("โมเดลธุรกิจ", "แบบจำลองธุรกิจ") if edit == "edit"
           else base + "segmento,segment,กลุ่ม,noun,,,,\n")
    tr = Translator(TranslateSettings(models_dir=str(swap_models)), memory_path=str(memory),
                    glossary=Glossary.from_text(new))
    tr.translate([Job(t, [], "es", "th") for t in texts])
    touched = sum(("modelo de negocio" if edit == "edit" else "segmento") in t for t in texts)
    assert tr.stats["sentences"] == touched
    # every hop of every untouched sentence still holds (a touched one redoes at most both hops)
    assert tr.stats["memory_hits"] >= 2 * (len(texts) - touched)
    tr.close()


def test_pipeline_run_after_a_one_row_glossary_edit_translates_only_touched_segments(
        swap_models: Path, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from pipeline.cli import main

    raw, out, gloss = tmp_path / "raw", tmp_path / "out", tmp_path / "glossary.csv"
    raw.mkdir()
    texts = sentences(60)
    for k in range(0, 60, 10):
        (raw / f"leccion-{k:02d}.txt").write_text("Lección\n\n" + "\n\n".join(texts[k : k + 10]) + "\n", "utf-8")

    def run() -> dict:
        result = CliRunner().invoke(main, ["run", str(raw), str(out), "--to", "en", "--glossary", str(gloss), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    gloss.write_text(HEADER + "".join(ROWS), "utf-8")
    cold = run()
    assert cold["translated"] == 66  # 60 paragraphs and 6 titles
    gloss.write_text(HEADER + "".join(ROWS) + "clase 7,lesson 7,บทที่ 7,noun,,,,\n", "utf-8")
    rerun = run()
    assert rerun["translated"] == sum("clase 7 " in t for t in texts) == 1
