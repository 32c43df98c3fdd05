"""The Translator end to end on real (echo and swap) packages: batching, memory, pivot,
code-switching, glossary hooks, long sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.document import Span
from pipeline.translate.engine import Job, TranslateSettings, Translator, split_tokens


def _tr(models: Path, tmp_path: Path, **kw: object) -> Translator:
    return Translator(TranslateSettings(models_dir=str(models)), memory_path=str(tmp_path / "tm.sqlite"), **kw)  # type: ignore[arg-type]


def _job(text: str, src: str, tgt: str, runs: list[tuple[str, str]] | None = None) -> Job:
    """A job; ``runs`` = [(substring, lang)] marks foreign runs inside ``text``."""
    spans = []
    for sub, lang in runs or []:
        a = text.index(sub)
        spans.append(Span(a, a + len(sub), lang, 1.0, "script"))
    return Job(text, spans, src, tgt)


def test_echo_translation_keeps_text_and_a_rerun_comes_from_memory(echo_models: Path, tmp_path: Path) -> None:
    jobs = [_job("Hola, ¿qué tal? Señora Núñez.\n  Segunda línea aquí.", "es", "en"),
            _job("Otra frase.", "es", "en"), _job("Otra frase.", "es", "en")]
    tr = _tr(echo_models, tmp_path)
    assert tr._models == {} and tr._memory is None  # cheap to construct
    out = tr.translate(jobs)
    assert [o.text for o in out] == [j.text for j in jobs]
    assert [o.status for o in out] == ["translated"] * 3
    assert tr.stats["sentences"] == 4  # 3 + 1: the repeated segment is deduplicated
    tr.close()
    again = _tr(echo_models, tmp_path)
    assert [(o.text, o.status) for o in again.translate(jobs)] == [(j.text, "memory") for j in jobs]
    assert again.stats["sentences"] == 0 and again.stats["from_memory"] == 3
    assert all(m._translator is None for m in again._models.values())  # no model loaded
    again.close()


def test_only_the_edited_sentence_goes_to_the_model(echo_models: Path, tmp_path: Path) -> None:
    text = "Primera frase. Segunda frase. Tercera frase."
    tr = _tr(echo_models, tmp_path)
    tr.translate([_job(text, "es", "en")])
    edited = text.replace("Segunda", "Nueva")
    (o,) = tr.translate([_job(edited, "es", "en")])
    assert o.text == edited and o.status == "translated"
    assert tr.stats["sentences"] == 3 + 1
    tr.close()


def test_swaps_are_visible_and_same_language_is_unchanged(swap_models: Path, tmp_path: Path) -> None:
    tr = _tr(swap_models, tmp_path)
    out = tr.translate([_job("hola mundo, dice el cliente.", "es", "en"), _job("hello world", "en", "en"),
                        _job("2024 — 15%", "es", "en")])
    assert [(o.text, o.status) for o in out] == [
        ("hello world, dice el customer.", "translated"), ("hello world", "unchanged"), ("2024 — 15%", "unchanged")]
    tr.close()


def test_pivot_through_english_and_missing_pairs(swap_models: Path, tmp_path: Path) -> None:
    tr = _tr(swap_models, tmp_path)
    assert tr.preflight({("th", "es"), ("es", "en"), ("fr", "en"), ("en", "en")}) == {
        ("en", "en"): [], ("es", "en"): ["es_en"], ("fr", "en"): None, ("th", "es"): ["th_en", "en_es"]}
    out = tr.translate([_job("สวัสดี ลูกค้า", "th", "es"), _job("bonjour le monde", "fr", "en")])
    assert (out[0].text, out[0].status) == ("hola cliente", "translated")  # th->en->es
    assert (out[1].text, out[1].status, out[1].missing) == ("bonjour le monde", "untranslated", [("fr", "en")])
    assert out[1].kept == [(0, 16, "fr")] and out[1].route[0]["how"] == "kept"
    assert [m["name"] for m in tr.models_signature()] == ["en_es", "es_en", "th_en"]
    assert all(len(m["checksum"]) == 64 and m["version"] == "1.0" for m in tr.models_signature())
    tr.close()


def test_a_foreign_run_goes_straight_to_the_target_and_a_run_without_a_model_is_kept(swap_models: Path,
                                                                                    tmp_path: Path) -> None:
    text = "El ลูกค้า dice hola."
    tr = _tr(swap_models, tmp_path)
    (o,) = tr.translate([_job(text, "es", "en", runs=[("ลูกค้า", "th")])])
    # run-direct: the Thai run th->en, the Spanish around it es->en (see the engine's docs)
    assert (o.text, o.status) == ("El customer dice hello.", "translated")
    assert [(r["lang"], r["hops"]) for r in o.route] == [("es", ["es_en"]), ("th", ["th_en"]), ("es", ["es_en"])]
    pairs = {(p["source"], p["target"]) for p in tr.memory.stats()["pairs"]}  # type: ignore[union-attr]
    assert pairs == {("th", "en"), ("es", "en")}
    # a segment in the target language with a foreign run: only the run is translated
    (o2,) = tr.translate([_job("The สวัสดี world", "en", "en", runs=[("สวัสดี", "th")])])
    assert (o2.text, o2.status) == ("The hello world", "translated")
    assert [r["how"] for r in o2.route] == ["copied", "model", "copied"]
    # no model for French: the French is kept and marked, the Thai run still translated
    (o3,) = tr.translate([_job("Le ลูกค้า", "fr", "en", runs=[("ลูกค้า", "th")])])
    assert (o3.text, o3.status, o3.kept, o3.missing) == ("Le customer", "partial", [(0, 2, "fr")], [("fr", "en")])
    assert o3.kept_languages == ["fr"] and o3.as_sidecar()["kept"] == [[0, 2, "fr"]]
    tr.close()


def test_long_sentences_are_cut_below_the_decoding_limit(echo_models: Path, tmp_path: Path) -> None:
    long_es = " ".join(f"palabra{i} número {i}," for i in range(150)) + " fin"
    long_th = "สวัสดีครับ" * 60  # no spaces, ~1800 byte-fallback tokens
    tr = _tr(echo_models, tmp_path)
    out = tr.translate([_job(long_es, "es", "en"), _job(long_th, "th", "en")])
    assert [o.text for o in out] == [long_es, long_th]
    tr.close()


def test_split_tokens_respects_limits_and_utf8_bytes() -> None:
    toks = ["▁a", "<0xE0>", "<0xB8>", "<0xAA>"] * 100
    chunks = split_tokens(toks, 50)
    assert [t for c in chunks for t in c] == toks and all(len(c) <= 50 for c in chunks)
    assert all(c[0] != "<0xB8>" and c[0] != "<0xAA>" for c in chunks)
    assert split_tokens(["x"] * 10, 50) == [["x"] * 10]


def test_output_is_deterministic(swap_models: Path, tmp_path: Path) -> None:
    jobs = [_job(f"hola mundo número {i}. El cliente {i}.", "es", "en") for i in range(40)]
    a = Translator(TranslateSettings(models_dir=str(swap_models))).translate(jobs)
    b = Translator(TranslateSettings(models_dir=str(swap_models), max_batch_tokens=64)).translate(jobs)
    assert [o.text for o in a] == [o.text for o in b]


@dataclass
class _Protected:
    text: str
    original: str
    mapping: dict[str, str]


@dataclass
class _Enforced:
    text: str
    enforced: int = 0
    recovered: int = 0
    failures: list[str] = field(default_factory=list)


class FakeGlossary:
    """'valor' -> 'VALUE'. Attempt 0 hides the term as 'hola' (which the swap model mangles),
    attempt 1 as 'Qz' (which survives): the engine must retry."""

    checksum = "fake-1"

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def protect(self, text: str, src: str, tgt: str, *, attempt: int = 0) -> _Protected:
        self.calls.append((text, attempt))
        token = "hola" if attempt == 0 else "Qz"
        return _Protected(text.replace("valor", token), text, {token: "VALUE"})

    def restore(self, protected: _Protected, output: str) -> _Enforced:
        ((token, term),) = protected.mapping.items()
        if "valor" not in protected.original:
            return _Enforced(output)
        if token not in output:
            return _Enforced(output, failures=["valor -> VALUE"])
        return _Enforced(output.replace(token, term), enforced=1, recovered=int(protected.mapping and "Qz" in token))

    def apply_in_target(self, text: str, tgt: str) -> _Enforced:
        return _Enforced(text.replace("valor", "VALUE"), enforced=int("valor" in text))


def test_glossary_protect_restore_and_retry(swap_models: Path, tmp_path: Path) -> None:
    g = FakeGlossary()
    tr = _tr(swap_models, tmp_path, glossary=g)
    out = tr.translate([_job("El valor del mundo.", "es", "en"), _job("Sin término.", "es", "en"),
                        _job("The valor stays", "en", "en")])
    assert out[0].text == "El VALUE del world." and out[0].glossary_failures == []
    assert out[1].text == "Sin término."
    assert (out[2].text, out[2].status) == ("The VALUE stays", "unchanged")
    assert ("El valor del mundo.", 1) in g.calls and ("Sin término.", 1) not in g.calls
    assert tr.stats["glossary_enforced"] == 2 and tr.stats["glossary_recovered"] == 1
    tr.close()
    # the memory is keyed by the glossary version
    other = FakeGlossary()
    other.checksum = "fake-2"
    tr2 = _tr(swap_models, tmp_path, glossary=other)
    assert tr2.translate([_job("Sin término.", "es", "en")])[0].status == "translated"
    tr2.close()


# --------------------------------------------------------------------------- stopping, progress, hop runners, faults


def test_a_stop_request_ends_between_sub_batches_and_loses_nothing(swap_models: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.translate import engine

    monkeypatch.setattr(engine, "SUB_BATCH_BATCHES", 1)  # with 15-token batches: a few sentences per sub-batch
    jobs = [_job(f"Frase número {i} del cliente.", "es", "en") for i in range(40)]
    seen: list[tuple[int, int]] = []
    tr = Translator(TranslateSettings(models_dir=str(swap_models), max_batch_tokens=15),  # small batches
                    memory_path=str(tmp_path / "tm.sqlite"), on_progress=lambda d, t: seen.append((d, t)),
                    should_stop=lambda: len(seen) >= 2)
    with pytest.raises(engine.Stopped):
        tr.translate(jobs)
    assert len(seen) == 2 and seen[0][0] < seen[1][0] < 40 and seen[1][1] == 40  # stopped after two sub-batches
    kept = tr.memory.stats()["entries"]
    assert kept == seen[1][0]  # what finished is in the memory
    assert isinstance(engine.Stopped(), KeyboardInterrupt)  # the CLI's Ctrl-C path: exit 130
    tr.close()
    again = _tr(swap_models, tmp_path)
    out = again.translate(jobs)
    assert again.stats["sentences"] == 40 - kept and again.stats["memory_hits"] == kept  # nothing redone
    assert [o.text for o in out] == [j.text.replace("cliente", "customer") for j in jobs]
    again.close()


def test_progress_counts_up_to_the_total(swap_models: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    tr = _tr(swap_models, tmp_path, on_progress=lambda d, t: seen.append((d, t)))
    tr.translate([_job(f"Hola {i}.", "es", "th") for i in range(30)])  # two hops each
    assert seen[-1] == (30, 30) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    tr.close()


def test_an_injected_hop_runner_runs_every_hop_and_the_driver_keeps_the_memory(swap_models: Path,
                                                                                tmp_path: Path) -> None:
    from pipeline.translate.model import cached_model, run_hop

    calls: list[tuple[str, int]] = []

    def runner(models_dir: str, package: str, texts: list[str], settings: TranslateSettings) -> list[str]:
        calls.append((package, len(texts)))
        return run_hop(models_dir, package, texts, settings)

    jobs = [_job("hola mundo.", "es", "th"), _job("El cliente.", "es", "en")]
    tr = _tr(swap_models, tmp_path, hop_runner=runner)
    out = tr.translate(jobs)
    local = Translator(TranslateSettings(models_dir=str(swap_models))).translate(jobs)
    assert [o.text for o in out] == [o.text for o in local]
    assert calls == [("translate-es_en-1_0", 2), ("translate-en_th-1_0", 1)]  # hop by hop, all routes together
    assert tr._models == {}  # nothing loaded in the driver
    assert tr.memory.stats()["entries"] == 3
    settings = TranslateSettings(models_dir=str(swap_models))
    assert cached_model(str(swap_models), "translate-es_en-1_0", settings) is cached_model(
        str(swap_models), "translate-es_en-1_0", settings)  # loaded once per process
    tr.close()


def test_a_package_with_a_garbage_tokenizer_is_named_and_the_other_pairs_go_on(
        argos_package_files: dict, tmp_path: Path) -> None:
    from pipeline.translate.argos import install_package

    models = tmp_path / "models"
    for pair in (("es", "en"), ("th", "en")):
        install_package(argos_package_files["swap"][pair], models)
    (models / "translate-th_en-1_0" / "sentencepiece.model").write_bytes(b"\x00garbage" * 64)
    tr = Translator(TranslateSettings(models_dir=str(models)))
    out = tr.translate([_job("El cliente. ลูกค้าจะเลือกเรา", "es", "en", runs=[("ลูกค้าจะเลือกเรา", "th")]),
                        _job("hola mundo", "es", "en")])
    assert out[0].text == "El customer. ลูกค้าจะเลือกเรา" and out[0].status == "partial"
    assert out[0].kept == [(13, 29, "th")] and out[0].missing == [("th", "en")]
    assert out[1].text == "hello world"
    (problem,) = tr.problems
    assert "translate-th_en-1_0" in problem and "sentencepiece.model" in problem and "reinstall" in problem
    assert "\n" not in problem
    tr.close()


def test_devices_resolve_here_and_cuda_without_a_device_fails_before_anything(tmp_path: Path) -> None:
    from pipeline.errors import EXIT_MODEL, ModelError
    from pipeline.translate.settings import cuda_device_count, device_signature, resolve_compute_type

    from pipeline.translate.engine import check_device

    assert TranslateSettings().device == "auto" and TranslateSettings().compute_type == "auto"
    assert resolve_compute_type(TranslateSettings(), "cpu") == "int8"
    assert resolve_compute_type(TranslateSettings(), "cuda") == "int8_float16"
    assert resolve_compute_type(TranslateSettings(compute_type="float32"), "cuda") == "float32"
    assert device_signature(TranslateSettings(device="cpu")) == {"device": "cpu", "compute": "int8"}
    with pytest.raises(ModelError, match="unknown device"):
        check_device(TranslateSettings(device="tpu"))
    if cuda_device_count() > 0:
        pytest.skip("a CUDA device is present: the no-device error cannot be shown here")
    assert device_signature(TranslateSettings())["device"] == "cpu"  # auto: CPU without CUDA
    with pytest.raises(ModelError) as info:
        check_device(TranslateSettings(device="cuda"))
    assert info.value.exit_code == EXIT_MODEL and "--device cuda" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.skipif("not __import__('pipeline.translate.settings', fromlist=['x']).cuda_device_count()")
def test_cuda_and_cpu_give_the_same_output(echo_models: Path, tmp_path: Path) -> None:
    jobs = [_job(f"Frase número {i} del cliente.", "es", "en") for i in range(20)]
    cpu = Translator(TranslateSettings(models_dir=str(echo_models), device="cpu")).translate(jobs)
    gpu = Translator(TranslateSettings(models_dir=str(echo_models), device="cuda")).translate(jobs)
    assert [o.text for o in cpu] == [o.text for o in gpu] == [j.text for j in jobs]
