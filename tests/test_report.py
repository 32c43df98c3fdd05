"""The HTML report: locating edits, cutting pieces, the page's content, escaping, the CLI.

Fixtures are small OUT folders written by hand here (sidecar JSON + Markdown),
in the schema that pipeline.runner writes, so these tests do not depend on
the repair/langid/translate stages.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.report import (
    build_report,
    json_island,
    locate_edits,
    locate_segments,
    render_html,
    split_pieces,
    write_report,
)

EVIL = '<script>document.body.setAttribute("data-pwned","1")</script><img src=x onerror="document.body.setAttribute(\'data-pwned\',\'2\')">'

# --------------------------------------------------------------------------- fixture builder


def _apply(raw: str, edits: list[tuple[str, str, str, float]]) -> tuple[str, list[dict[str, Any]]]:
    """Apply edits one after another at the first occurrence of ``before``, logging offsets as
    :class:`pipeline.document.Edit` defines them: into the raw text, through every earlier edit
    (a position inside an earlier ``after`` maps to that edit's raw start), sorted by (offset, end)."""
    text, out = raw, []
    pos = list(range(len(raw) + 1))  # pos[i]: raw offset of boundary i of the current text
    for before, after, rule, conf in edits:
        i = text.index(before)
        j = i + len(before)
        out.append({"offset": pos[i], "end": pos[j], "before": before, "after": after, "rule": rule,
                    "confidence": conf, "applied": True})
        text = text[:i] + after + text[j:]
        pos = pos[:i] + [pos[i]] * len(after) + pos[j:]
    out.sort(key=lambda e: (e["offset"], e["end"]))
    return text, out


def _spans(text: str, runs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    spans, cursor = [], 0
    for part, lang in runs:
        i = text.index(part, cursor)
        spans.append({"start": i, "end": i + len(part), "lang": lang, "confidence": 0.9, "method": "test"})
        cursor = i + len(part)
    return spans


def make_lesson(out: Path, name: str, title: str, raw: str, *, edits: list[tuple[str, str, str, float]] = (),  # type: ignore[assignment]
                flagged: list[tuple[str, str, str, float]] = (),  # type: ignore[assignment]
                segments: list[tuple[str, str, list[tuple[str, str]]]],
                translations: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Write one lesson's sidecar and Markdown files into ``out`` as `pipeline run` would."""
    text, edit_dicts = _apply(raw, list(edits))
    flag_dicts = []
    for before, after, rule, conf in flagged:
        i = text.index(before)
        flag_dicts.append({"offset": i, "end": i + len(before), "before": before, "after": after, "rule": rule,
                           "confidence": conf, "applied": False})
    segs = []
    for k, (kind, seg_text, runs) in enumerate(segments):
        spans = _spans(seg_text, runs)
        segs.append({"id": k, "kind": kind, "text": seg_text, "lang": spans[0]["lang"] if spans else "und",
                     "line": k + 1, "spans": spans})
    targets = {}
    for lang, cells in (translations or {}).items():
        targets[lang] = {"file": f"{lang}/{name}.md",
                         "segments": [{"id": k, "line": k + 1, **cell} for k, cell in enumerate(cells)]}
        (out / lang / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
        (out / lang / f"{name}.md").write_text("\n\n".join(c["text"] for c in cells) + "\n", "utf-8")
    sidecar = {"schema": 1, "lesson": name, "source": f"raw/{name}.txt", "encoding": "utf-8", "title": title,
               "notes": [], "file": f"source/{name}.md", "languages": {"es": 0.7, "th": 0.3},
               "edits": edit_dicts, "flagged": flag_dicts, "text": text, "segments": segs, "targets": targets}
    path = out / ".pipeline" / "lessons" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (out / "source" / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
    (out / "source" / f"{name}.md").write_text(text, "utf-8")
    return sidecar


def make_out(out: Path) -> Path:
    """Three lessons: repairs + Thai (nested name), untranslated + glossary + hostile text, clean."""
    make_lesson(
        out, "canvas/relaciones", "Relación con los clientes",
        "Relació;n con los clientes\n\nLa atenció;น es clave. ลูกค้าสำคัญมาก\n\nEl mó;dulo explica ;mo se va.\n",
        edits=[("ó;", "ó", "half_entity", 0.97), ("ó;น", "ón", "thai_tail", 0.91), ("ó;", "ó", "half_entity", 0.97)],
        flagged=[(";mo", "cómo", "lost_letters", 0.42)],
        segments=[
            ("heading", "Relación con los clientes", [("Relación con los clientes", "es")]),
            ("paragraph", "La atención es clave. ลูกค้าสำคัญมาก", [("La atención es clave. ", "es"), ("ลูกค้าสำคัญมาก", "th")]),
            ("paragraph", "El módulo explica ;mo se va.", [("El módulo explica ;mo se va.", "es")]),
        ],
        translations={"en": [
            {"text": "Customer relationships", "status": "translated"},
            {"text": "Attention is key. ลูกค้าสำคัญมาก", "status": "partial", "kept": [[18, 32, "th"]],
             "missing": [["th", "en"]],
             "route": [{"start": 0, "end": 22, "lang": "es", "hops": ["es", "en"], "how": "model"},
                       {"start": 22, "end": 36, "lang": "th", "hops": [], "how": "kept"}]},
            {"text": "The module explains how it goes.", "status": "translated"},
        ]},
    )
    make_lesson(
        out, "lesson5", f"Lesson 5 {EVIL}",
        f"Lesson 5 {EVIL}\n\nEl lienzo del modelo de negocio.\n",
        segments=[
            ("heading", f"Lesson 5 {EVIL}", [(f"Lesson 5 {EVIL}", "en")]),
            ("paragraph", "El lienzo del modelo de negocio.", [("El lienzo del modelo de negocio.", "es")]),
        ],
        translations={"en": [
            {"text": f"Lesson 5 {EVIL}", "status": "unchanged"},
            {"text": "The business model canvas.", "status": "translated",
             "glossary_failures": ["lienzo del modelo de negocio -> Business Model Canvas"]},
        ]},
    )
    make_lesson(
        out, "zz-clean", "Clean lesson", "Clean text.\n",
        segments=[("paragraph", "Clean text.", [("Clean text.", "en")])],
        translations={"en": [{"text": "Clean text.", "status": "unchanged"}]},
    )
    return out


@pytest.fixture(autouse=True)
def _no_glossary_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder: a ./glossary.csv of the checkout must not change the results."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    return make_out(tmp_path / "out")


# --------------------------------------------------------------------------- a small HTML reader


class Page(HTMLParser):
    """Collects what the tests look at: elements by tag with attributes, text, script bodies."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str] | None = None
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "script":
            self._script = a

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))
        else:
            self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def islands(self) -> dict[str, Any]:
        return {a["id"]: json.loads(body) for a, body in self.scripts if a.get("type") == "application/json"}


def _page(out: Path, **kw: Any) -> Page:
    return Page(render_html(build_report(out, **kw)))


# --------------------------------------------------------------------------- locating edits


def test_locate_edits_through_raw_offsets() -> None:
    raw = "mó;dulo y Relació;n y atenció;น"
    text, edits = _apply(raw, [("ó;", "ó", "half_entity", 0.9), ("ó;", "ó", "half_entity", 0.9), ("ó;น", "ón", "thai_tail", 0.8)])
    assert text == "módulo y Relación y atención"
    assert [e["offset"] for e in edits] == [1, 16, 28]  # raw offsets
    pos, _, _, tops, exact = locate_edits(text, edits, [])
    assert pos == [1, 15, 26] and tops == [0, 1, 2] and all(exact)
    assert [text[p:p + len(e["after"])] for p, e in zip(pos, edits)] == ["ó", "ó", "ón"]


@pytest.mark.parametrize("raw, steps, marked", [
    # mojibake then the half entity it revealed: one chain, then a later repair
    ("El mÃ³;dulo de relaciÃ³n y mÃ³;s", [("Ã³", "ó"), ("ó;", "ó"), ("Ã³", "ó"), ("Ã³", "ó"), ("ó;", "ó")],
     [("m", "ó", "d"), ("i", "ó", "n"), ("m", "ó", "s")]),
    # a double-escaped entity decoded in two steps, before "</script>"-like text
    ("x &amp;lt;/script&amp;gt; cÃ³mo", [("&amp;", "&"), ("&lt;", "<"), ("&amp;", "&"), ("&gt;", ">"), ("Ã³", "ó")],
     [(" ", "<", "/"), ("t", ">", " "), ("c", "ó", "m")]),
    # a chain that grows to the left and a deletion after it
    ("a Ã±Ã­; b ;; c Ã³", [("Ã±Ã­", "ñí"), ("í;", "í"), (";;", ""), ("Ã³", "ó")],
     [("a ", "ñí", " b"), (" ", "", " c"), ("c ", "ó", "")]),
])
def test_chained_edits_are_marked_where_they_landed(raw: str, steps: list[tuple[str, str]], marked: list[tuple[str, str, str]]) -> None:
    text, edits = _apply(raw, [(b, a, "r", 1.0) for b, a in steps])
    pos, shown_all, _, tops, exact = locate_edits(text, edits, [])
    assert all(exact)  # placed by the offsets alone, not by searching the text
    got = []
    for k in sorted(set(tops), key=lambda k: edits[k]["offset"]):
        p, shown = pos[k], shown_all[k]
        assert p is not None
        got.append((text[max(0, p - len(marked[len(got)][0])):p], text[p:p + len(shown)],
                    text[p + len(shown):p + len(shown) + len(marked[len(got)][2])]))
    assert got == marked
    assert all(pos[i] == pos[t] for i, t in enumerate(tops))  # every edit of a chain points at its result


def test_locate_flagged_finds_the_unapplied_text() -> None:
    text = "especificar ;mo se va"
    flagged = [{"offset": 12, "end": 15, "before": ";mo", "after": "cómo", "rule": "lost", "confidence": 0.3}]
    _, _, fpos, _, _ = locate_edits(text, [], flagged)
    assert fpos == [12]


def test_locate_flagged_after_chained_edits() -> None:
    raw = "mÃ³;dulo y ;mo"
    text, edits = _apply(raw, [("Ã³", "ó", "mojibake", 1.0), ("ó;", "ó", "half_entity", 1.0)])
    flagged = [{"offset": 11, "end": 14, "before": ";mo", "after": "cómo", "rule": "lost", "confidence": 0.3}]
    _, _, fpos, _, _ = locate_edits(text, edits, flagged)
    assert text == "módulo y ;mo" and fpos == [9]


def test_locate_edits_unfindable_is_none() -> None:
    edits = [{"offset": 0, "end": 2, "before": "x;", "after": "Q", "rule": "r", "confidence": 1}]
    assert locate_edits("nothing here", edits, []) == ([None], ["Q"], [], [0], [False])


def test_locate_segments_in_order_and_missing() -> None:
    text = "# Uno\n\nDos dos.\n\nUno"
    assert locate_segments(text, ["Uno", "Dos dos.", "Uno", "absent"]) == [2, 7, 17, None]


# --------------------------------------------------------------------------- pieces


def test_split_pieces_cuts_at_spans_and_marks() -> None:
    text = "La atención ลูกค้า"
    spans = [{"start": 0, "end": 12, "lang": "es"}, {"start": 12, "end": 18, "lang": "th"}]
    pieces = split_pieces(text, spans, [(7, 9, "e0"), (12, 12, "f0")])
    assert pieces == [["La aten", "es", ""], ["ci", "es", "e0"], ["ón ", "es", ""], ["", "th", "f0"], ["ลูกค้า", "th", ""]]


@given(
    st.text(alphabet="abó; ลก", max_size=30),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.sampled_from(["es", "th", "en"])), max_size=4),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=4),
)
def test_split_pieces_keeps_the_text(text: str, spans: list[tuple[int, int, str]], marks: list[tuple[int, int]]) -> None:
    span_dicts = [{"start": min(a, b), "end": max(a, b), "lang": lang} for a, b, lang in spans]
    mark_list = [(min(a, b), max(a, b), f"e{k}") for k, (a, b) in enumerate(marks)]
    pieces = split_pieces(text, span_dicts, mark_list)
    assert "".join(p[0] for p in pieces) == text
    for p in pieces:
        assert len(p) == 3 and all(isinstance(x, str) for x in p)


# --------------------------------------------------------------------------- the report's content


def test_totals(out: Path) -> None:
    report = build_report(out)
    assert [v.name for v in report.lessons] == ["canvas/relaciones", "lesson5", "zz-clean"]
    assert report.totals() == {"lessons": 3, "edits": 3, "flagged": 1, "untranslated": 1, "glossary": 1, "thai": 1,
                               "segments": 6}
    assert report.segments_by_lang == {"es": 4, "en": 2}


def test_summary_numbers_and_lesson_lines(out: Path) -> None:
    page = _page(out)
    numbers = {a["id"] for a in page.find("b")}
    assert {"n-lessons", "n-edits", "n-flagged", "n-untranslated", "n-glossary", "n-thai"} <= numbers
    text = "".join(page.text)
    assert re.search(r"3\s*lessons", text) and re.search(r"1\s*untranslated segments", text)
    lessons = page.find("details")
    assert [d["data-lesson"] for d in lessons] == ["canvas/relaciones", "lesson5", "zz-clean"]
    assert [d["data-kinds"] for d in lessons] == ["edits flagged untranslated thai", "glossary", ""]
    assert all("open" not in d for d in lessons)  # collapsed: bodies are built only when opened


def test_lesson_body_rows_are_aligned_and_marked(out: Path) -> None:
    body = _page(out).islands()["d0"]
    assert body["targets"] == ["en"]
    rows = body["rows"]
    assert [r["id"] for r in rows] == [0, 1, 2]
    # Row 0: the repaired "ó" of "Relación" is marked as edit 0 in the Spanish run.
    assert ["ó", "es", "e0"] in rows[0]["src"]
    # Row 1: the Thai tail repair and the Thai run, and the untranslated translation.
    assert ["ón", "es", "e1"] in rows[1]["src"]
    assert ["ลูกค้าสำคัญมาก", "th", ""] in rows[1]["src"]
    # The translation is coloured by the language each run is in: the kept Thai run stays Thai.
    assert rows[1]["tr"]["en"] == {"pieces": [["Attention is key. ", "en"], ["ลูกค้าสำคัญมาก", "th"]],
                                   "status": "partial", "missing": ["th\u2192en"], "route": ["es\u2192en", "kept"]}
    assert rows[0]["tr"]["en"] == {"pieces": [["Customer relationships", "en"]], "status": "translated"}
    assert rows[1]["issues"] == ["edits", "thai", "untranslated"]
    # Row 2: a repair and a flagged (not applied) edit.
    assert [";mo", "es", "f0"] in rows[2]["src"]
    assert rows[2]["issues"] == ["edits", "flagged"]
    for row in rows:
        assert "".join(p[0] for p in row["src"]) == next(
            s["text"] for s in json.loads((out / ".pipeline/lessons/canvas/relaciones.json").read_text())["segments"]
            if s["id"] == row["id"])
    assert [(e["rule"], e["before"], e["after"], e["seg"]) for e in body["edits"]] == [
        ("half_entity", "ó;", "ó", 0), ("thai_tail", "ó;น", "ón", 1), ("half_entity", "ó;", "ó", 2)]
    assert body["edits"][0]["ctx"] == ["Relaci", "ó", "n con los clientes ¶  ¶ La atenció"]  # 30 characters after, breaks shown as ¶
    assert body["flagged"][0]["confidence"] == 0.42 and body["flagged"][0]["seg"] == 2


def test_glossary_failures_recorded_by_the_run_are_shown(out: Path) -> None:
    body = _page(out).islands()["d1"]
    assert body["rows"][1]["tr"]["en"]["gf"] == ["lienzo del modelo de negocio -> Business Model Canvas"]
    assert body["rows"][1]["issues"] == ["glossary"]


def test_text_left_as_it_was_is_not_stored_twice(out: Path) -> None:
    row = _page(out).islands()["d1"]["rows"][0]
    assert row["tr"]["en"] == {"status": "unchanged", "same": True}
    assert "".join(p[0] for p in row["src"]) == f"Lesson 5 {EVIL}"


def test_glossary_fallback_message_when_not_checked(out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./glossary.csv here
    text = "".join(_page(out).text)
    assert ("Glossary not checked (failures recorded during the run are still shown): "
            "no --glossary given and no ./glossary.csv.") in text


def test_glossary_fallback_when_the_checker_is_absent(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pipeline.glossary", None)  # import fails as if not built
    report = build_report(out, glossary_path="whatever.csv")
    assert not report.glossary.ran
    assert report.glossary.message.endswith("this build has no glossary checker.")
    assert report.totals()["glossary"] == 1  # the failure the run recorded still counts


GLOSSARY = "es,en\nnegocio,enterprise\n"


def test_glossary_violations_from_the_checker(out: Path, tmp_path: Path) -> None:
    csv = tmp_path / "terms.csv"
    csv.write_text(GLOSSARY, "utf-8")
    report = build_report(out, glossary_path=str(csv))
    assert report.glossary.ran and report.glossary.message == f"Glossary {csv} checked against every translation."
    assert report.totals()["glossary"] == 2  # one recorded by the run + one found by the check
    body = Page(render_html(report)).islands()["d1"]
    # The checker's table as it reports it (it may also list the run's own failure as "run-failure";
    # that one is counted and shown once, as recorded during the run).
    assert {"kind": "missing-term", "lang": "en", "file": "en/lesson5.md", "line": 2, "segment": 1, "term": "negocio",
            "expected": "enterprise", "found": ""} in body["glossary"]
    assert body["rows"][1]["tr"]["en"]["gv"] == ["missing-term negocio: expected \u201centerprise\u201d"]


def test_glossary_default_file_in_working_folder(out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "glossary.csv").write_text(GLOSSARY, "utf-8")
    monkeypatch.chdir(tmp_path)
    assert build_report(out).glossary.ran


def test_missing_glossary_file_is_a_config_error(out: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(out), "--glossary", str(out / "nope.csv")])
    assert result.exit_code == 3
    assert result.output.startswith(f"Error: {out / 'nope.csv'}: cannot read the glossary")


# --------------------------------------------------------------------------- safety


def test_scraped_markup_is_escaped_everywhere(out: Path) -> None:
    source = render_html(build_report(out))
    page = Page(source)
    # Only our own script runs: one inline script, plus one inert JSON island per lesson.
    executable = [a for a, _ in page.scripts if a.get("type") != "application/json"]
    assert len(executable) == 1
    assert len([t for t, a in page.tags if t == "script"]) == 1 + 3
    assert page.find("img") == []  # the <img onerror> stayed text
    assert EVIL.lower() in "".join(page.text).lower()  # shown as text in the lesson line
    # Inside islands no "<" survives, so no text can close the element early.
    for a, body in page.scripts:
        if a.get("type") == "application/json":
            assert "<" not in body and ">" not in body
    assert page.islands()["d1"]["rows"][0]["src"][0][0] == f"Lesson 5 {EVIL}"


def test_json_island_escapes_closing_tags() -> None:
    island = json_island({"t": "</script><script>x()</script> & <!--"})
    assert "</" not in island and "<!--" not in island
    assert json.loads(island) == {"t": "</script><script>x()</script> & <!--"}


def test_csp_allows_only_our_script_and_no_network(out: Path) -> None:
    page = Page(render_html(build_report(out)))
    csp = page.find("meta", http_equiv="Content-Security-Policy")[0]["content"]
    assert "default-src 'none'" in csp
    script = next(body for a, body in page.scripts if a.get("type") != "application/json")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


def test_no_network_assets(out: Path) -> None:
    source = render_html(build_report(out))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", source)
    assert "@import" not in source and "url(" not in source


# --------------------------------------------------------------------------- determinism and errors


def test_same_inputs_same_bytes(out: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    write_report(out, a)
    # Touch the sidecars in another order: the page must not depend on it.
    for p in sorted((out / ".pipeline/lessons").rglob("*.json"), reverse=True):
        p.write_text(p.read_text("utf-8"), "utf-8")
    write_report(out, b)
    assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".pipeline-tmp-*"))


def test_bad_sidecar_is_listed_not_fatal(out: Path) -> None:
    (out / ".pipeline/lessons/broken.json").write_text("{not json", "utf-8")
    (out / ".pipeline/lessons/old.json").write_text('{"schema": 99}', "utf-8")
    report = build_report(out)
    assert len(report.lessons) == 3
    assert report.problems == [
        ".pipeline/lessons/broken.json: is not valid JSON (line 1); run `pipeline run` again to rewrite it",
        ".pipeline/lessons/old.json: has schema 99, this report reads schema 1; run `pipeline run` again to rewrite it",
    ]
    assert "broken.json: is not valid JSON" in "".join(Page(render_html(report)).text)


def test_sidecar_without_optional_fields() -> None:
    from pipeline.report import lesson_view

    view = lesson_view("bare", {"schema": 1}, [])
    assert view.title == "bare" and view.body["rows"] == [] and set(view.counts.values()) == {0}


# --------------------------------------------------------------------------- CLI


def test_cli_writes_the_page(out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["report", str(out), "-o", "r.html"])
    assert result.exit_code == 0, result.output
    assert result.output == ("Wrote r.html: 3 lessons, 3 edits, 1 flagged, 1 untranslated segments, "
                             "1 glossary violations, 1 Thai runs\n")
    assert (tmp_path / "r.html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_cli_default_output_is_in_out_dir(out: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file()


def test_cli_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(main, ["report", str(missing)])
    assert result.exit_code == 1
    assert result.output == f"Error: {missing}: no such folder; give the output folder of `pipeline run RAW OUT`\n"


def test_cli_empty_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path}: no lessons found (no .pipeline/lessons/*.json); "
                             f"run `pipeline run RAW {tmp_path}` first\n")


def test_cli_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "pipeline report output/ -o report.html" in result.output


# --------------------------------------------------------------------------- real runner output


def test_report_on_real_run_output(tmp_path: Path) -> None:
    """The runner's sidecars (not hand-written ones): every repair is placed and marked."""
    from pipeline.config import PipelineConfig
    from pipeline.runner import run as run_batch

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "uno.txt").write_text(
        "Relació;n con los clientes\n\nEl mó;dulo explica la atenció;น al cliente. ลูกค้าสำคัญมาก\n", "utf-8")
    run_batch(PipelineConfig(jobs=1), str(raw), str(tmp_path / "out"))
    report = build_report(tmp_path / "out", glossary_path=None)
    (lesson,) = report.lessons
    assert lesson.counts["edits"] >= 3
    body = lesson.body
    for e in body["edits"]:
        assert e["seg"] is not None and e["ctx"][1] == e["after"]
    marked = [p for row in body["rows"] for p in row["src"] if p[2].startswith("e")]
    assert len(marked) == len(body["edits"])
    assert "".join(p[0] for row in body["rows"] for p in row["src"]).count(";") == 0
