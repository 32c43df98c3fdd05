"""Glossary enforcement against models that misbehave like real NMT (exact or reported).

Every model here is a real CTranslate2 model packaged as a real Argos package
(``pipeline.testing.models.build_hostile_package``), run through the real
Translator. The rule under test: a term either lands as the glossary's target
with every word outside it as the model wrote it, or the segment carries a
glossary failure. Never a word outside a term lost, repeated or glued.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document import Span
from pipeline.glossary import Glossary
from pipeline.glossary import recover as R
from pipeline.glossary.core import NONCES
from pipeline.testing.models import MANGLERS, build_hostile_package, mangling_rewrites

GLOSSARY = "es,en\nrelación con los clientes,customer relationship\npropuesta de valor,value proposition\n"
TERM = "customer relationship"
TERM_ID = "relación con los clientes"
MODELS: dict[str, dict[str, object]] = {
    **{m: {"rewrites": mangling_rewrites(m, TERM)} for m in MANGLERS},
    "weak": {"rewrites": {",": ""}, "steps": "weak"},
    "loop": {"steps": "loop"},
    "runaway": {"rewrites": {"</s>": "\u2581and"}},
    "echo": {},
}


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.from_text(GLOSSARY, "hostile.csv")


@pytest.fixture(scope="module")
def model_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from pipeline.translate.argos import install_package

    out = {}
    for name, kw in MODELS.items():
        pkg = build_hostile_package(tmp_path_factory.mktemp(f"pkg-{name}"), "es", "en", **kw)  # type: ignore[arg-type]
        out[name] = tmp_path_factory.mktemp(f"models-{name}")
        install_package(pkg, out[name])
    return out


def translate(models: Path, memory: Path, glossary: Glossary | None, texts: list[str]):  # type: ignore[no-untyped-def]
    from pipeline.translate.engine import Job, TranslateSettings, Translator

    tr = Translator(TranslateSettings(models_dir=str(models), beam_size=1), memory_path=str(memory), glossary=glossary)
    try:
        return tr.translate([Job(t, [Span(0, len(t), "es", 1.0, "test")], "es", "en") for t in texts])
    finally:
        tr.close()


def term_words(glossary: Glossary) -> set[str]:
    """Every word a rendering of a term may hold: its forms, the nonces, what the manglers write."""
    words = {w for t in glossary.terms for forms in t.forms.values() for f in forms for w in R.term_words([f])}
    words |= {M.lower() for n in NONCES for M in (n, n[:-1])}
    words |= {"customers", "cliente"}
    return words


def outside(text: str, words: set[str]) -> list[str]:
    return R.outside_words(text, sorted(words))


def raw_outputs(models: Path, tmp: Path, glossary: Glossary, texts: list[str]) -> list[list[str]]:
    """What the model itself writes for attempt 0 and attempt 1 of each text."""
    outs = []
    for attempt in (0, 1):
        protected = [glossary.protect(t, "es", "en", attempt=attempt).text for t in texts]
        outs.append([o.text for o in translate(models, tmp / f"raw{attempt}.sqlite", None, protected)])
    return [list(x) for x in zip(*outs)]


SENTENCES = [
    "La relación con los clientes es importante.",
    "Cuidamos la relación con los clientes cada día.",
    "Relación con los clientes: la base del negocio.",
]


@pytest.mark.parametrize("model", ["inflect", "drop_word", "partial", "delete", "duplicate", "placeholder"])
def test_mangled_term_lands_exactly_and_nothing_else_changes(
    model: str, model_dirs: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    raw = raw_outputs(model_dirs[model], tmp_path, glossary, SENTENCES)
    out = translate(model_dirs[model], tmp_path / "m.sqlite", glossary, SENTENCES)
    expected = [glossary.protect(s, "es", "en").text for s in SENTENCES]
    assert [r[0] != e for r, e in zip(raw, expected)] == [True] * 3  # the model did mangle the term
    assert [o.text for o in out] == expected
    assert all(o.glossary_failures == [] for o in out)


def test_the_known_defect_is_gone(model_dirs: dict[str, Path], glossary: Glossary, tmp_path: Path) -> None:
    # Was: "La cliente customer relationship importante." ("es" lost, "cliente" left over).
    out = translate(model_dirs["partial"], tmp_path / "m.sqlite", glossary, [SENTENCES[0]])
    assert out[0].text == "La customer relationship es importante."


def test_moved_term_is_accepted_where_the_model_put_it(
    model_dirs: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    out = translate(model_dirs["move"], tmp_path / "m.sqlite", glossary, [SENTENCES[0]])
    assert out[0].text == "La es importante customer relationship." and out[0].glossary_failures == []


def test_repeated_term_is_reported_when_the_retry_cannot_fix_it(glossary: Glossary) -> None:
    p = glossary.protect(SENTENCES[0], "es", "en")
    r = glossary.restore(p, "La customer relationship customer relationship es importante.")
    assert r.text == "La customer relationship customer relationship es importante."
    assert len(r.failures) == 1 and "repeated" in r.failures[0]


@pytest.mark.parametrize("model", ["weak", "loop", "runaway"])
def test_weak_looping_and_runaway_models_keep_every_outside_word_or_report(
    model: str, model_dirs: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    raw = raw_outputs(model_dirs[model], tmp_path, glossary, SENTENCES)
    out = translate(model_dirs[model], tmp_path / "m.sqlite", glossary, SENTENCES)
    words = term_words(glossary)
    for o, attempts in zip(out, raw):
        if o.glossary_failures:
            assert o.text in attempts or any(outside(o.text, words) == outside(a, words) for a in attempts)
            continue
        assert glossary.find_term(o.text, "en", TERM_ID)
        assert any(outside(o.text, words) == outside(a, words) for a in attempts), (o.text, attempts)
    if model == "loop":  # the term is lost in the loop: reported, never invented at a guessed place
        assert all(o.glossary_failures for o in out)


def test_thai_rendering_glued_to_a_half_translated_word_is_replaced_whole() -> None:
    g = Glossary.from_text("en,th\ncustomer relationship,ความสัมพันธ์กับลูกค้า\n")
    p = g.protect("The customer relationship is key.", "en", "th")
    r = g.restore(p, "The ความสัมพันธ์กับcustomer is key.")
    assert r.text == "The ความสัมพันธ์กับลูกค้า is key." and not r.failures
    # No anchors at all (a free translation): the glued word is part of the rendering too.
    r = g.restore(p, "สำคัญคือ ความสัมพันธ์กับcustomer")
    assert r.text == "สำคัญคือ ความสัมพันธ์กับลูกค้า" and not r.failures


WORDS = st.sampled_from(
    ["la", "el", "es", "importante", "cada", "día", "negocio", "base", "con", "los", "y", "de", "mundo", "una"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(
        st.tuples(st.lists(WORDS, max_size=5), st.lists(WORDS, min_size=1, max_size=5)), min_size=1, max_size=4
    ),
    model=st.sampled_from(["echo", "inflect", "drop_word", "partial", "move", "duplicate", "delete", "weak"]),
)
def test_property_outside_words_untouched_or_reported(
    parts: list[tuple[list[str], list[str]]], model: str, model_dirs: dict[str, Path], glossary: Glossary,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    texts = list(dict.fromkeys(" ".join([*a, "relación con los clientes", *b]).capitalize() + "." for a, b in parts))
    raw = raw_outputs(model_dirs[model], tmp, glossary, texts)
    out = translate(model_dirs[model], tmp / "m.sqlite", glossary, texts)
    words = term_words(glossary)
    for text, o, attempts in zip(texts, out, raw):
        if model == "echo":  # identity model: the source with its terms replaced, nothing else
            assert o.text == glossary.protect(text, "es", "en").text and not o.glossary_failures
            continue
        if o.glossary_failures:
            continue
        assert glossary.find_term(o.text, "en", TERM_ID), (text, o.text)
        assert any(outside(o.text, words) == outside(a, words) for a in attempts), (text, o.text, attempts)


def test_read_orders_of_the_position_level_models() -> None:
    from pipeline.testing.models import read_order

    weak = list(read_order("weak", 512))
    assert weak[:7] == [0, 2, 1, 3, 3, 4, 5] and set(weak) == set(range(max(weak) + 1))  # nothing skipped
    loop = list(read_order("loop", 12))
    assert loop == [0, 1, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3]
    assert list(read_order("", 5)) == [0, 1, 2, 3, 4]


def test_each_hostile_model_really_misbehaves(model_dirs: dict[str, Path], glossary: Glossary, tmp_path: Path) -> None:
    """The kit is only worth something if each model does what its name says."""
    p = glossary.protect(SENTENCES[0], "es", "en").text  # "La customer relationship es importante."
    raw = {m: translate(model_dirs[m], tmp_path / f"{m}.sqlite", None, [p])[0].text for m in MODELS}
    assert raw["echo"] == p
    assert raw["inflect"] == "La customers relationship es importante."
    assert raw["drop_word"] == "La relationship es importante."
    assert raw["partial"] == "La cliente relationship es importante."
    assert raw["move"] == "La es importante customer relationship."
    assert raw["duplicate"] == "La customer relationship customer relationship es importante."
    assert raw["delete"] == "La es importante."
    assert raw["loop"].count(raw["loop"][4:10]) > 10  # a repetition up to the maximum length
    assert raw["runaway"].startswith(p) and len(raw["runaway"]) > 3 * len(p)
    assert raw["weak"] != p and sorted(raw["weak"].split()) != sorted(p.split())
    nonce = glossary.protect(SENTENCES[0], "es", "en", attempt=1).text
    assert translate(model_dirs["placeholder"], tmp_path / "n.sqlite", None, [nonce])[0].text == nonce.replace(
        "Zorblat", "Zorbla"
    )
