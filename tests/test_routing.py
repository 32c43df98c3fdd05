"""A route per sentence, read from the output of tracing models (each swap marks its package).

With es->en, th->en, en->es and en->th installed, every sentence must take its
shortest installed route and text already in the target language must come out
byte-identical; with only es->en, Spanish is translated and only Thai is kept.
Spans come from the real language detector, as in a run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.langid import detect_spans
from pipeline.testing.models import build_tracing_package, read_traces, untraced
from pipeline.translate.argos import install_package
from pipeline.translate.engine import Job, Outcome, TranslateSettings, Translator
from pipeline.translate.routing import missing_hop, plan, shortest_route

ALL = (("es", "en"), ("th", "en"), ("en", "es"), ("en", "th"))
# Spanish, Thai and English sentences alternating inside one paragraph.
PARAGRAPH = ("El cliente dice hola. ลูกค้าจะเลือกเรา The customer says hello to the world. "
             "El mundo del cliente cambia. สวัสดี ลูกค้า")
SHORTEST = {
    "en": {"es": ["es_en"], "th": ["th_en"]},
    "es": {"th": ["th_en", "en_es"], "en": ["en_es"]},
    "th": {"es": ["es_en", "en_th"], "en": ["en_th"]},
}


@pytest.fixture(scope="module")
def tracing_files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    dest = tmp_path_factory.mktemp("tracing-packages")
    return {pair: build_tracing_package(dest, *pair) for pair in ALL}


def install(files: dict[tuple[str, str], Path], where: Path, pairs: tuple[tuple[str, str], ...] = ALL) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for pair in pairs:
        install_package(files[pair], where)
    return where


def job(text: str, target: str) -> Job:
    spans = detect_spans(text, languages=("es", "en"))
    langs = [s.lang for s in spans]
    return Job(text, spans, max(set(langs), key=langs.count), target)


def pieces(o: Outcome, source: str) -> list[tuple[str, str, list[str], str]]:
    return [(source[r["start"]:r["end"]], r["lang"], r["hops"], r["how"]) for r in o.route]


@pytest.mark.parametrize("target", ["en", "es", "th"])
def test_every_sentence_takes_its_shortest_route_and_target_text_is_copied(
        tracing_files: dict[tuple[str, str], Path], tmp_path: Path, target: str) -> None:
    models = install(tracing_files, tmp_path / "models")
    tr = Translator(TranslateSettings(models_dir=str(models)))
    (o,) = tr.translate([job(PARAGRAPH, target)])
    routes = pieces(o, PARAGRAPH)
    assert {lang for _, lang, _, _ in routes} == {"es", "th", "en"}  # the detector found all three
    for text, lang, hops, how in routes:
        if lang == target:
            assert (hops, how) == ([], "copied")
            assert text in o.text  # byte for byte
        else:
            assert hops == SHORTEST[target][lang], (text, lang, hops)
            assert how == "model"
    # the marks in the output say the same, hop by hop: one trace per swapped word
    traced = read_traces(o.text)
    assert traced and all(hops in SHORTEST[target].values() for hops, _ in traced)
    n_target_words = sum(text.count(w) for text, lang, _, _ in routes if lang == target
                         for w in ("cliente", "hola", "mundo", "customer", "hello", "world", "ลูกค้า", "สวัสดี"))
    assert untraced(o.text).count("·") == 0 and n_target_words > 0
    assert o.status == "translated" and o.kept == [] and o.missing == []
    tr.close()


def test_text_already_in_the_target_language_never_reaches_a_model(tracing_files: dict[tuple[str, str], Path],
                                                                    tmp_path: Path) -> None:
    models = install(tracing_files, tmp_path / "models")
    tr = Translator(TranslateSettings(models_dir=str(models)), memory_path=str(tmp_path / "tm.sqlite"))
    texts = ["El cliente dice hola.", "A los clientes, hola.", "ลูกค้าจะเลือกเรา"]
    out = tr.translate([job(texts[0], "es"), job(texts[1], "es"), Job(texts[2], [], "th", "th")])
    assert [o.text for o in out] == texts and [o.status for o in out] == ["unchanged"] * 3
    assert tr.stats["model_calls"] == 0 and tr.memory.stats()["entries"] == 0
    tr.close()


def test_with_only_es_en_spanish_is_translated_and_only_thai_runs_are_kept(
        tracing_files: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    models = install(tracing_files, tmp_path / "models", (("es", "en"),))
    tr = Translator(TranslateSettings(models_dir=str(models)))
    (o,) = tr.translate([job(PARAGRAPH, "en")])
    assert o.status == "partial" and o.missing == [("th", "en")]
    assert o.kept_languages == ["th"]
    kept_text = [o.text[a:b] for a, b, _ in o.kept]
    assert kept_text == ["ลูกค้าจะเลือกเรา", "สวัสดี ลูกค้า"]  # each run on its own, neighbours merged
    assert "El es_en·customer dice es_en·hello." in o.text  # the Spanish around them is translated
    assert "The customer says hello to the world." in o.text  # English copied
    # es->th: es_en is installed, en_th is not: the hint must name the missing hop
    (o2,) = tr.translate([job("El cliente dice hola.", "th")])
    assert (o2.status, o2.missing, o2.text) == ("untranslated", [("en", "th")], "El cliente dice hola.")
    tr.close()


def test_a_minority_run_inside_a_sentence(tracing_files: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    """No space between the scripts: the splitter keeps "El clienteลูกค้า" one sentence with a Thai run inside."""
    models = install(tracing_files, tmp_path / "models")
    tr = Translator(TranslateSettings(models_dir=str(models)))
    text = "El clienteลูกค้า dice hola."
    j = job(text, "es")
    first = plan(text, j.spans, "es")[0]
    assert (text[first.start:first.end], first.main, [p.lang for p in first.pieces]) == (
        "El clienteลูกค้า", "es", ["es", "th"])
    # target = the sentence's main language: only the run is translated, the rest byte-identical
    (o,) = tr.translate([j])
    assert o.text == "El clienteth_en·en_es·cliente dice hola."
    # target = the run's language: the run is copied, the Spanish around it translated
    (o,) = tr.translate([job(text, "th")])
    assert o.text == "El es_en·en_th·ลูกค้าลูกค้า dice es_en·en_th·สวัสดี."
    # another target: run-direct (the run th->en once, not th->en->es->en)
    (o,) = tr.translate([job(text, "en")])
    assert o.text == "El es_en·customerth_en·customer dice es_en·hello."
    tr.close()


def test_restore_strategy_sends_the_run_through_the_main_language(tracing_files: dict[tuple[str, str], Path],
                                                                   tmp_path: Path) -> None:
    """The strategy the engine measured against (see its docs): kept selectable for the bench."""
    models = install(tracing_files, tmp_path / "models")
    tr = Translator(TranslateSettings(models_dir=str(models)), mixed="restore")
    (o,) = tr.translate([job("El clienteลูกค้า dice hola.", "en")])
    assert o.text == "El es_en·customerth_en·en_es·es_en·customer dice es_en·hello."  # three hops on the run
    assert [r["how"] for r in o.route] == ["restored", "model", "model"]  # run, its sentence, the next one
    tr.close()


def test_shortest_route_and_missing_hop() -> None:
    have = {("es", "en"), ("en", "th"), ("th", "en"), ("es", "th")}
    assert shortest_route("es", "th", have) == [("es", "th")]  # direct before pivot
    assert shortest_route("th", "es", have) is None
    assert shortest_route("es", "es", have) == []
    assert shortest_route("th", "fr", have | {("en", "fr"), ("th", "de"), ("de", "fr")}) == [("th", "en"), ("en", "fr")]
    assert shortest_route("de", "th", {("de", "fr"), ("fr", "es"), ("es", "th")}) == [("de", "fr"), ("fr", "es"), ("es", "th")]
    assert missing_hop("es", "th", {("es", "en")}) == ("en", "th")
    assert missing_hop("th", "es", {("en", "es")}) == ("th", "en")
    assert missing_hop("th", "es", set()) == ("th", "es")
    assert missing_hop("th", "en", {("en", "es")}) == ("th", "en")


# --------------------------------------------------------------------------- whole lessons, through `pipeline run`

LESSONS = {
    "mezcla": (
        "Lección 3 Clientes\n\n"
        "El cliente dice hola. ลูกค้าจะเลือกเรา Por eso el mundo escucha al cliente. สวัสดี ลูกค้า\n\n"
        "ลูกค้าจะเลือกเราเมื่อเราแก้ปัญหาได้ El cliente vuelve. ลูกค้า สวัสดี\n"
    ),
    "alterna": (
        "Relación con los clientes\n\n"
        "- Hola a todos. สวัสดี ลูกค้า\n"
        "- ลูกค้าจะเลือกเรา El mundo del cliente.\n\n"
        "Decimos hola al cliente cada día. ลูกค้าจะเลือกเราเสมอ Y el cliente responde hola.\n"
    ),
}


def _run(raw: Path, out: Path, *args: str) -> dict:
    import json

    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["run", str(raw), str(out), "--glossary", "", "--json", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _sidecar(out: Path, name: str) -> dict:
    import json

    return json.loads((out / ".pipeline" / "lessons" / f"{name}.json").read_text("utf-8"))


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in LESSONS.items():
        (raw / f"{name}.txt").write_text(text, encoding="utf-8")
    return raw


@pytest.mark.parametrize("target", ["en", "es", "th"])
def test_lessons_with_alternating_sentences_take_the_shortest_route_per_sentence(
        tracing_files: dict[tuple[str, str], Path], tmp_path: Path, lessons: Path,
        monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.setenv("PIPELINE_MODELS_DIR", str(install(tracing_files, tmp_path / "models")))
    out = tmp_path / "out"
    rep = _run(lessons, out, "--to", target)
    assert rep["untranslated"] == 0 and rep["errors"] == 0
    seen: set[str] = set()
    for name in LESSONS:
        side = _sidecar(out, name)
        md = (out / target / f"{name}.md").read_text("utf-8")
        for src, dst in zip(side["segments"], side["targets"][target]["segments"]):
            for r in dst.get("route", []):
                piece = src["text"][r["start"]:r["end"]]
                seen.add(r["lang"])
                if r["lang"] == target:
                    assert r["hops"] == [] and r["how"] == "copied" and piece in md  # byte for byte
                else:
                    assert r["hops"] == SHORTEST[target][r["lang"]], (name, piece, r)
            for hops, _ in read_traces(dst["text"]):
                assert hops in SHORTEST[target].values(), (name, dst["text"])
    assert {"es", "th"} <= seen


def test_lessons_with_only_es_en_translate_the_spanish_and_mark_only_thai(
        tracing_files: dict[tuple[str, str], Path], tmp_path: Path, lessons: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_MODELS_DIR", str(install(tracing_files, tmp_path / "models", (("es", "en"),))))
    out = tmp_path / "out"
    rep = _run(lessons, out, "--to", "en")
    assert "th>en" in rep["missing_pairs"] and "es>en" not in rep["missing_pairs"]
    kept_runs = 0
    for name in LESSONS:
        side = _sidecar(out, name)
        for src, dst in zip(side["segments"], side["targets"]["en"]["segments"]):
            for a, b, lang in dst.get("kept", []):
                assert lang == "th" and not read_traces(dst["text"][a:b])  # kept as written
                kept_runs += 1
            for r in dst.get("route", []):
                if r["lang"] == "es":
                    assert r["hops"] == ["es_en"] and r["how"] == "model"
                    if any(w in src["text"][r["start"]:r["end"]] for w in ("cliente", "hola", "mundo")):
                        assert read_traces(dst["text"]), dst  # the Spanish next to Thai is translated
    assert kept_runs > 0 and rep["untranslated"] == kept_runs  # each kept run counted on its own
