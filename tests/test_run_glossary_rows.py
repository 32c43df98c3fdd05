"""Lesson-level narrow regeneration: a glossary edit rebuilds only the lessons whose rows it changes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.glossary import Glossary
from pipeline.run.glossary_rows import lesson_rows, matched_keys, row_ids

HEADER = "es,en,th,pos,dnt,case,forbidden_th,note\n"
ROWS = [
    "modelo de negocio,business model,โมเดลธุรกิจ,noun,,,,\n",
    "propuesta de valor,value proposition,คุณค่าที่นำเสนอ,noun,,,,\n",
]
LESSONS = {
    "a-modelo": "Lección A\n\nEl modelo de negocio describe cómo gana dinero la empresa.\n\nHola al cliente.\n",
    "b-propuesta": "Lección B\n\nLa propuesta de valor explica por qué nos eligen.\n\nEl mundo cambia.\n",
    "c-tablero": "Lección C\n\nMiramos el tablero cada semana.\n\nHola mundo.\n",
    "d-nada": "Lección D\n\nUna clase sin términos del glosario.\n\nOtra frase corta aquí.\n",
}


def _run(raw: Path, out: Path, gloss: Path, *extra: str) -> dict:
    result = CliRunner().invoke(main, ["run", str(raw), str(out), "--to", "en", "--glossary", str(gloss),
                                       "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _files(out: Path) -> dict[str, bytes]:
    """Every output a reader sees: Markdown and sidecars (not the state database or the memory)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and (p.suffix == ".md" or p.parent.name == "lessons")}


def _batch(tmp_path: Path) -> tuple[Path, Path, Path]:
    raw, out, gloss = tmp_path / "raw", tmp_path / "out", tmp_path / "glossary.csv"
    raw.mkdir()
    for name, text in LESSONS.items():
        (raw / f"{name}.txt").write_text(text, "utf-8")
    return raw, out, gloss


def test_each_glossary_edit_rebuilds_only_the_lessons_its_row_matches(swap_models: Path, tmp_path: Path) -> None:
    raw, out, gloss = _batch(tmp_path)
    gloss.write_text(HEADER + "".join(ROWS), "utf-8")
    cold = _run(raw, out, gloss)
    assert cold["written"] == 4 and cold["translated"] == 12
    before = _files(out)

    # A row that matches no lesson: nothing is rebuilt, every byte stays.
    gloss.write_text(HEADER + "".join(ROWS) + "inventario,inventory,สินค้าคงคลัง,noun,,,,\n", "utf-8")
    unrelated = _run(raw, out, gloss)
    assert (unrelated["written"], unrelated["up_to_date"], unrelated["translated"]) == (0, 4, 0)
    assert _files(out) == before

    # A row that matches lesson C only: C is rebuilt, one segment goes to a model.
    edited = HEADER + "".join(ROWS) + "inventario,inventory,สินค้าคงคลัง,noun,,,,\n" + "tablero,dashboard,แดชบอร์ด,noun,,,,\n"
    gloss.write_text(edited, "utf-8")
    added = _run(raw, out, gloss)
    assert (added["written"], added["up_to_date"], added["translated"]) == (1, 3, 1)
    after = _files(out)
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert changed == [".pipeline/lessons/c-tablero.json", "en/c-tablero.md"]  # the source is the same
    assert "dashboard" in (out / "en" / "c-tablero.md").read_text("utf-8")

    # Editing lesson A's row (its target): only A is rebuilt.
    gloss.write_text(edited.replace("modelo de negocio,business model,", "modelo de negocio,business design,"), "utf-8")
    edit = _run(raw, out, gloss)
    assert (edit["written"], edit["up_to_date"], edit["translated"]) == (1, 3, 1)
    assert "business design" in (out / "en" / "a-modelo.md").read_text("utf-8")

    # Removing lesson B's row: only B is rebuilt. A note column edit changes nothing.
    final = edited.replace("modelo de negocio,business model,", "modelo de negocio,business design,")
    final = final.replace(ROWS[1], "").replace("noun,,,,\n", "noun,,,,a note\n", 1)
    gloss.write_text(final, "utf-8")
    removed = _run(raw, out, gloss)
    assert (removed["written"], removed["up_to_date"], removed["translated"]) == (1, 3, 1)
    assert "value proposition" not in (out / "en" / "b-propuesta.md").read_text("utf-8")

    # The incrementally updated folder equals a cold run under the final glossary, byte for byte.
    fresh = tmp_path / "fresh"
    cold2 = _run(raw, fresh, gloss, "--memory", str(tmp_path / "fresh-memory.sqlite"))
    assert cold2["written"] == 4
    assert _files(fresh) == _files(out)
    again = _run(raw, out, gloss)
    assert (again["written"], again["up_to_date"]) == (0, 4)


def test_a_record_under_a_glossary_the_state_no_longer_describes_is_rebuilt(swap_models: Path,
                                                                           tmp_path: Path) -> None:
    raw, out, gloss = _batch(tmp_path)
    gloss.write_text(HEADER + "".join(ROWS), "utf-8")
    _run(raw, out, gloss)
    db = sqlite3.connect(out / ".pipeline" / "state.sqlite")
    db.execute("DELETE FROM meta WHERE key LIKE 'glossary-rows:%'")  # snapshots gone (pruned, or an old state)
    db.commit()
    db.close()
    gloss.write_text(HEADER + "".join(ROWS) + "inventario,inventory,สินค้าคงคลัง,noun,,,,\n", "utf-8")
    rerun = _run(raw, out, gloss)
    assert rerun["written"] == 4 and rerun["translated"] == 0  # rebuilt to be safe; every sentence from memory
    third = _run(raw, out, gloss)
    assert third["written"] == 0


def test_dropping_the_glossary_or_adding_one_rebuilds_every_lesson(swap_models: Path, tmp_path: Path) -> None:
    raw, out, gloss = _batch(tmp_path)
    gloss.write_text(HEADER + "".join(ROWS), "utf-8")
    _run(raw, out, gloss)
    result = CliRunner().invoke(main, ["run", str(raw), str(out), "--to", "en", "--glossary", "", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["written"] == 4
    assert _run(raw, out, gloss)["written"] == 4


def test_matched_rows_cover_every_candidate_of_every_language() -> None:
    g = Glossary.from_text(HEADER + "".join(ROWS) + "cliente,customer,ลูกค้า,noun,,,,\n", "g.csv")
    texts = ["El modelo de negocio.", "ลูกค้าจะเลือกเรา", "the value proposition", "nada aquí"]
    want = {c.key for t in texts for lang in g.languages for c, _ in g._candidates(t, lang, edges=False)}
    assert want == {0, 1, 2} and matched_keys(g, texts) == want
    assert matched_keys(g, ["nada aquí"]) == set()
    ids = row_ids(g)
    assert lesson_rows(g, texts) == sorted(ids)
    # A row's id is what changes a translation: a note does not change it, a form does.
    noted = Glossary.from_text(HEADER + ROWS[0].replace(",,,,\n", ",,,,a note\n"), "g.csv")
    assert row_ids(noted)[0] == ids[0]
    other = Glossary.from_text(HEADER + ROWS[0].replace("business model", "business design"), "g.csv")
    assert row_ids(other)[0] != ids[0]


def test_a_lesson_on_a_pivot_route_is_rebuilt_on_any_glossary_edit_its_sentences_from_memory(
        swap_models: Path, tmp_path: Path) -> None:
    raw, out, gloss = _batch(tmp_path)
    gloss.write_text(HEADER + "".join(ROWS), "utf-8")
    cold = _run(raw, out, gloss, "--to", "th")  # es -> en -> th: the second hop reads model output
    assert cold["routes"] == {"es>th": ["es_en", "en_th"]}
    gloss.write_text(HEADER + "".join(ROWS) + "inventario,inventory,สินค้าคงคลัง,noun,,,,\n", "utf-8")
    rerun = _run(raw, out, gloss, "--to", "th")
    assert rerun["written"] == 4 and rerun["translated"] == 0


def test_matched_rows_are_a_superset_of_the_matchers_candidates_on_real_and_mangled_text() -> None:
    """The substring prefilter never drops a row the matcher would find (case, accents, NBSP, Thai)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    root = Path(__file__).resolve().parents[1]
    g = Glossary.load(str(root / "glossary.csv"))
    words = [f for t in g.terms for forms in t.forms.values() for f in forms][:80] + [
        "el", "de", "la", "clientes", "Cliente", "MODELO", "negócio", "ลูกค้า", "\u0e4d\u0e32", "\u00a0", " ", "-",
        "\u2010", "’", "ﬁ", "İ", "e\u0301", "\u0301"]

    def candidates(texts: list[str]) -> set[int]:
        return {c.key for t in texts for lang in g.languages for c, _ in g._candidates(t, lang, edges=False)}

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.lists(st.sampled_from(words), max_size=8).map("".join), max_size=4),
           st.sampled_from([str, str.upper, str.title]))
    def check(texts: list[str], case: object) -> None:
        texts = [case(t) for t in texts]  # type: ignore[operator]
        assert candidates(texts) <= matched_keys(g, texts)
        added = Glossary([g.terms[k] for k in range(0, len(g.terms), 3)], g.languages)  # a small glossary
        want = {c.key for t in texts for lang in added.languages for c, _ in added._candidates(t, lang, edges=False)}
        assert want <= matched_keys(added, texts)

    check()
    for p in sorted((root / "raw").glob("*.txt")):
        from pipeline.config import PipelineConfig
        from pipeline.lesson import build_lesson

        lesson = build_lesson(p.read_bytes(), p.stem, p.name, PipelineConfig())
        texts = [s.text for s in lesson.segments()]
        assert candidates(texts) <= matched_keys(g, texts)
