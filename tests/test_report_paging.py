"""The report on hostile or huge OUT folders: bad sidecars skipped with a line, paged output, real chains.

Sidecars are written by hand (as in test_report.py) except where repair's own
edit log is the point: there the text and edits come from ``repair()`` itself.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_report import Page, make_lesson, make_out

from pipeline.cli import main
from pipeline.report import build_report, render_html, write_report
from pipeline.report_lesson import lesson_view


@pytest.fixture(autouse=True)
def _no_glossary_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


def _sidecar(out: Path, rel: str, data: Any) -> Path:
    path = out / ".pipeline" / "lessons" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


# --------------------------------------------------------------------------- bad sidecars


@pytest.mark.parametrize("field, value, says", [
    ("segments", 5, 'has a "segments" of type int, not a list'),
    ("edits", [{"offset": "x", "end": 2}], "has an edit offset of type str, not a whole number"),
    ("edits", ["nope"], "has an edit of type str, not an object"),
    ("targets", {"en": 3}, 'has a target "en" of type int, not an object'),
    ("targets", [], 'has a "targets" of type list, not an object'),
    ("segments", [{"id": 0, "text": "x", "spans": [{"start": "0", "end": 1, "lang": "es"}]}],
     "has a span start of type str, not a whole number"),
    ("lesson", 7, 'has a "lesson" of type int, not text'),
    ("segments", [{"id": [1], "text": "x"}], "has a segment id of type list, not a whole number"),
])
def test_wrong_typed_sidecar_is_skipped_with_a_line(tmp_path: Path, field: str, value: Any, says: str) -> None:
    out = make_out(tmp_path / "out")
    _sidecar(out, "bad.json", {"schema": 1, "lesson": "bad", "text": "x", field: value})
    report = build_report(out)
    assert [v.name for v in report.lessons] == ["canvas/relaciones", "lesson5", "zz-clean"]
    assert report.problems == [f".pipeline/lessons/bad.json: {says}; run `pipeline run` again to rewrite it"]
    result = CliRunner().invoke(main, ["report", str(out), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert f"Skipped: .pipeline/lessons/bad.json: {says}" in result.output
    assert "3 lessons" in result.output and (tmp_path / "r.html").is_file()


def test_sidecar_that_is_a_folder_or_a_link_out_is_listed(tmp_path: Path) -> None:
    out = make_out(tmp_path / "out")
    (out / ".pipeline/lessons/dir.json").mkdir()
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"schema": 1, "lesson": "secret", "text": "PASSWORD"}), "utf-8")
    os.symlink(secret, out / ".pipeline/lessons/link.json")
    report = build_report(out)
    assert len(report.lessons) == 3
    assert report.problems == [
        ".pipeline/lessons/dir.json: is a folder, not a sidecar; remove it and run `pipeline run` again",
        ".pipeline/lessons/link.json: links outside .pipeline/lessons, not read; remove the link",
    ]
    assert "PASSWORD" not in render_html(report)


def test_nested_and_hashed_sidecar_names_use_the_lesson_field(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _sidecar(out, "unit2/deep/3f9a0c.json", {"schema": 1, "lesson": "unit2/deep/" + "x" * 300, "title": "Largo",
                                             "text": "Hola.", "segments": [{"id": 0, "text": "Hola.", "spans": []}]})
    (view,) = build_report(out).lessons
    assert view.name == "unit2/deep/" + "x" * 300 and view.title == "Largo"


def test_only_bad_sidecars_still_write_a_page_that_lists_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _sidecar(out, "a.json", [1, 2])
    result = CliRunner().invoke(main, ["report", str(out), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1, result.output
    assert "a.json: is not a JSON object" in (tmp_path / "r.html").read_text("utf-8")


# --------------------------------------------------------------------------- page details


def test_zero_counters_are_not_red(tmp_path: Path) -> None:
    out = tmp_path / "out"
    make_lesson(out, "clean", "Clean", "Clean text.\n", segments=[("paragraph", "Clean text.", [("Clean text.", "en")])],
                translations={"en": [{"text": "Clean text.", "status": "unchanged"}]})
    page = Page(render_html(build_report(out)))
    stats = {a["class"] for t, a in page.tags if t == "div" and "stat" in a.get("class", "")}
    assert not any("bad" in c for c in stats), stats
    page = Page(render_html(build_report(make_out(tmp_path / "out2"))))
    bad = sorted(a["class"] for t, a in page.tags if t == "div" and "bad" in a.get("class", "").split())
    assert bad == ["stat s-flagged bad", "stat s-glossary bad", "stat s-untranslated bad"]


def test_no_inline_handlers_anywhere(tmp_path: Path) -> None:
    out = make_out(tmp_path / "out")
    write_report(out, tmp_path / "one.html")
    write_report(out, tmp_path / "paged.html", page_size=1)
    for path in [tmp_path / "one.html", tmp_path / "paged.html", *sorted((tmp_path / "paged.pages").iterdir())]:
        page = Page(path.read_text("utf-8"))
        handlers = [(t, k) for t, a in page.tags for k in a if k.startswith("on")]
        assert handlers == [], (path, handlers)
        assert [a for t, a in page.tags if t == "form"][0].get("action") == "#"


# --------------------------------------------------------------------------- paging


def _batch(out: Path, n: int) -> list[str]:
    names = []
    for k in range(n):
        name = f"b/l{k:02d}"
        make_lesson(out, name, f"Lección {k}", f"Lecció;n {k}\n",
                    edits=[("ó;", "ó", "half_entity", 0.97)],
                    segments=[("heading", f"Lección {k}", [(f"Lección {k}", "es")])],
                    translations={"en": [{"text": f"Lesson {k}", "status": "translated"}]})
        names.append(name)
    return names


def test_big_batch_is_an_index_plus_pages(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = _batch(out, 7)
    dest = tmp_path / "report.html"
    report = write_report(out, dest, page_size=3)
    pages = tmp_path / "report.pages"
    assert report.pages == [str(dest), *(str(pages / f"{k:04d}.html") for k in (1, 2, 3))]
    assert report.totals()["lessons"] == 7 and report.totals()["edits"] == 7 and report.lessons == []
    shown = []
    for k in (1, 2, 3):
        page = Page((pages / f"{k:04d}.html").read_text("utf-8"))
        shown += [d["data-lesson"] for d in page.find("details")]
        hrefs = [a["href"] for a in page.find("a")]
        assert "../report.html" in hrefs
        assert (f"{k - 1:04d}.html" in hrefs) == (k > 1) and (f"{k + 1:04d}.html" in hrefs) == (k < 3)
    assert shown == names
    index = Page(dest.read_text("utf-8"))
    data = index.islands()["index-data"]
    assert data["pages"] == ["report.pages/0001.html", "report.pages/0002.html", "report.pages/0003.html"]
    assert data["lessons"] == [[n, f"Lección {k}", "edits", 1 + k // 3] for k, n in enumerate(names)]
    text = "".join(index.text)
    assert re.search(r"7\s*lessons", text)
    # Same bytes again; fewer pages later: the stale page goes.
    before = {p.name: p.read_bytes() for p in pages.iterdir()}
    write_report(out, dest, page_size=3)
    assert {p.name: p.read_bytes() for p in pages.iterdir()} == before
    write_report(out, dest, page_size=4)
    assert sorted(p.name for p in pages.iterdir()) == ["0001.html", "0002.html"]


def test_folder_output_and_cli(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _batch(out, 3)
    result = CliRunner().invoke(main, ["report", str(out), "-o", str(tmp_path / "rep") + "/", "--page-size", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {tmp_path / 'rep' / 'index.html'} (index) and 2 pages: 3 lessons, 3 edits")
    assert sorted(p.name for p in (tmp_path / "rep/pages").iterdir()) == ["0001.html", "0002.html"]
    index = Page((tmp_path / "rep/index.html").read_text("utf-8"))
    assert index.islands()["index-data"]["pages"] == ["pages/0001.html", "pages/0002.html"]


def test_small_batch_stays_one_file(tmp_path: Path) -> None:
    out = make_out(tmp_path / "out")
    report = write_report(out, tmp_path / "r.html")
    assert report.pages == [str(tmp_path / "r.html")] and not (tmp_path / "r.pages").exists()


# --------------------------------------------------------------------------- repair's own chains


def test_marks_of_real_chained_repairs_land_on_their_result() -> None:
    """mojibake + the half entity it revealed, a replacement whose tail is edited again, a double-escaped tag."""
    from pipeline.repair import repair

    raw = "LecciÃ³n 1: el mÃ³;dulo de la compaÃ±Ã­;a y &amp;lt;/script&amp;gt; fin. TambiÃ©n"
    r = repair(raw)
    assert r.text == "Lección 1: el módulo de la compañía y </script> fin. También"
    data = {"schema": 1, "text": r.text, "edits": [e.as_dict() for e in r.edits],
            "segments": [{"id": 0, "kind": "paragraph", "text": r.text, "spans": [{"start": 0, "end": len(r.text), "lang": "es"}]}]}
    view = lesson_view("x", data, [])
    pieces = view.body["rows"][0]["src"]
    text, at, marks = r.text, 0, []
    for piece, _, ref in pieces:
        if ref:
            marks.append((text[max(0, at - 5):at], piece, text[at + len(piece):at + len(piece) + 4], ref))
        at += len(piece)
    assert [(a, p, b) for a, p, b, _ in marks] == [
        ("Lecci", "ó", "n 1:"), (" el m", "ó", "dulo"), ("compa", "ñí", "a y "), ("ía y ", "<", "/scr"),
        ("cript", ">", " fin"), ("Tambi", "é", "n")]
    assert [ref for *_, ref in marks] == ["e0", "e1 e2", "e3 e4", "e5", "e6", "e7"]
    assert all(row["ctx"][1] == shown for row, shown in zip(view.body["edits"], ["ó", "ó", "ó", "ñí", "ñí", "<", ">", "é"]))


@pytest.mark.parametrize("sample", sorted(p.name for p in (Path(__file__).parent.parent / "raw").glob("*.txt")))
def test_every_repair_of_the_samples_is_placed_by_its_offsets(sample: str) -> None:
    """On each raw sample (mojibake, Thai tails, entities) and on it with a double-escaped tag appended,
    every chain's result stands exactly where its offsets put it: no search needed."""
    from pipeline.decode import decode_bytes
    from pipeline.repair import repair
    from pipeline.report_data import locate_edits

    text = decode_bytes((Path(__file__).parent.parent / "raw" / sample).read_bytes(), sample).text
    for raw in (text, text + "\nCÃ³digo &amp;lt;/script&amp;gt; y compaÃ±Ã­;a al final\n"):
        r = repair(raw)
        placed = locate_edits(r.text, [e.as_dict() for e in r.edits], [e.as_dict() for e in r.flagged])
        assert all(placed.exact), [(e.before, e.after) for e, ok in zip(r.edits, placed.exact) if not ok]
        for pos, shown in zip(placed.edits, placed.shown):
            assert pos is not None and r.text.startswith(shown, pos)


def test_skipped_names_are_printed_escaped(tmp_path: Path) -> None:
    out = make_out(tmp_path / "out")
    _sidecar(out, "evil\x1b]0;pwned\x07\u202e.json", "not an object")
    result = CliRunner().invoke(main, ["report", str(out), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\x07" not in result.output
    assert "Skipped: .pipeline/lessons/evil\\x1b]0;pwned\\x07\\u202e.json: is not a JSON object" in result.output
