"""The sidecar's JSON made piece by piece is json.dumps' text byte for byte, and the write path
writes every file from its chunks with the checksum pipeline.config.digest gives its text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import utf8
from pipeline.config import PipelineConfig, digest
from pipeline.document import Lesson
from pipeline.render import render_markdown
from pipeline.run import sidecar_json
from pipeline.run.report import RunReport
from pipeline.run.sidecar_json import Items, Object, Text
from pipeline.run.write import Checksum, Writer, write_markdown


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['"', "\\", "\n\t\x00\x1f", "ความ😀", "\u2028", ""])
_leaf = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | _text
_plain = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
                      max_leaves=12)


def _lazy(value: Any, draw: Any) -> Any:
    """``value`` with some of its dicts, lists and strings made lazy (as the writer builds a sidecar)."""
    if isinstance(value, dict) and draw(st.booleans()):
        return Object(iter([(k, _lazy(v, draw)) for k, v in value.items()]))
    if isinstance(value, list) and draw(st.booleans()):
        return Items(iter([_lazy(v, draw) for v in value]))
    if isinstance(value, str) and draw(st.booleans()):
        cut = draw(st.integers(0, len(value)))
        return Text(iter([value[:cut], value[cut:]]))
    return value


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_chunks_are_json_dumps_byte_for_byte(data: st.DataObject) -> None:
    value = data.draw(_plain)
    assert "".join(sidecar_json.chunks(_lazy(value, data.draw), "\n")) == _dumps(value) + "\n"


def test_long_arrays_are_batched_around_lazy_items_and_the_pieces_stay_small() -> None:
    items = [{"id": k, "text": f"segmento {k} ñ"} if k % 300 else [k, "x"] for k in range(5000)]
    lazy = Items(iter([Items(iter(v)) if isinstance(v, list) else v for v in items]))
    pieces = list(sidecar_json.chunks(Object(iter([("segments", lazy), ("empty", Items(iter([])))]))))
    assert "".join(pieces) == _dumps({"segments": items, "empty": []})
    assert len(pieces) > 2 and max(len(p) for p in pieces) < 2 * sidecar_json.PIECE


def test_text_slices_of_a_lesson_held_as_utf8_are_its_text() -> None:
    # Thai (3 bytes), an emoji (4) and a lone surrogate (kept by surrogatepass) across slice edges.
    text = ("ación ความ😀 " * (utf8.SLICE // 7)) + "\ud800 fin"
    lesson = Lesson("a", "a.txt", "utf-8", text, "T", [])
    assert isinstance(lesson._text, bytes)  # held as UTF-8: the case that must not be decoded whole
    slices = list(lesson.text_slices())
    assert "".join(slices) == text and len(slices) > 2
    ascii_lesson = Lesson("b", "b.txt", "utf-8", "plain " * 100_000, "T", [])
    assert "".join(ascii_lesson.text_slices()) == ascii_lesson.text


def test_checksum_on_the_way_is_the_digest_of_the_text() -> None:
    text = "línea ความ\n" * 10_000
    checksum = Checksum()
    assert b"".join(checksum.through([text[:7].encode(), text[7:].encode()])) == text.encode()
    assert checksum.hexdigest() == digest(text) == digest(text.encode())


def test_the_written_markdown_is_the_rendered_string(tmp_path: Path) -> None:
    from pipeline.lesson import build_lesson

    raw = "Título\n\n" + "\n\n".join(f"Párrafo {i} con *énfasis* y ความสัมพันธ์ | barra." for i in range(3000))
    lesson = build_lesson(raw.encode(), "a", "a.txt", PipelineConfig())
    front = {"title": lesson.title, "lang": "es"}
    check, lines = write_markdown(tmp_path, "source/a.md", lesson.title, lesson.blocks, front)
    whole = render_markdown(lesson.title, lesson.blocks, front)
    assert (tmp_path / "source" / "a.md").read_bytes() == whole.markdown.encode("utf-8")
    assert check == digest(whole.markdown) and list(lines) == whole.segment_lines
    assert [p.name for p in (tmp_path / "source").iterdir()] == ["a.md"]  # the temp file renamed


def test_write_lesson_files_match_their_record_and_the_sidecar_is_compact_json(tmp_path: Path) -> None:
    from pipeline.lesson import build_lesson
    from pipeline.translate.outcome import Outcome

    raw = "Título\n\n" + "\n\n".join(f"- punto {i} del &oacute; cliente ความ" for i in range(2000))
    lesson = build_lesson(raw.encode(), "a", "a.txt", PipelineConfig())
    per = {"en": [Outcome(s.text.upper(), "translated") for s in lesson.segments()]}
    writer = Writer(PipelineConfig(targets=("en",)), tmp_path, RunReport(), {"tool": "test"}, "d", {}, None,
                    {"device": "cpu", "compute": "int8"})
    record = writer.write_lesson(lesson, per, "h")
    assert set(record["outputs"]) == {"source/a.md", "en/a.md", ".pipeline/lessons/a.json"}
    for rel, checksum in record["outputs"].items():
        assert digest((tmp_path / rel).read_bytes()) == checksum, rel
    raw_side = (tmp_path / ".pipeline/lessons/a.json").read_text("utf-8")
    side = json.loads(raw_side)
    assert raw_side == _dumps(side) + "\n"  # compact, key order kept: what json.dumps of the dict wrote
    assert side["text"] == lesson.text and len(side["edits"]) == len(lesson.edits) > 0
    assert [s["text"] for s in side["segments"]] == [s.text for s in lesson.segments()]
    md = (tmp_path / "en/a.md").read_text("utf-8").split("\n")
    for seg in side["targets"]["en"]["segments"]:
        assert seg["text"] in md[seg["line"] - 1].replace("\\", "")
