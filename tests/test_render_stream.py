"""render_stream: the Markdown as chunks of whole lines, made as it is iterated; joined, it is
render_markdown's text byte for byte (one implementation), read back by a real CommonMark parser."""

from __future__ import annotations

from markdown_it import MarkdownIt

from pipeline import render
from pipeline.document import Block, BlockKind, Segment
from pipeline.render import render_markdown, render_stream

MD = MarkdownIt("commonmark").enable("table")


def _lesson(n: int) -> list[Block]:
    blocks = [Block(BlockKind.HEADING, [Segment("Lección grande")], level=1)]
    for i in range(n):
        if i % 7 == 0:
            blocks.append(Block(BlockKind.HEADING, [Segment(f"Sección {i} ความสัมพันธ์")], level=2))
        elif i % 5 == 0:
            blocks.append(Block(BlockKind.LIST_ITEM, [Segment(f"punto {i} *importante*")], level=1))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, [Segment(f"Frase {i}."), Segment("Otra # con_guion.")]))
    return blocks


def test_joined_chunks_are_the_string_and_every_chunk_ends_a_line() -> None:
    blocks = _lesson(5000)
    front = {"title": "Lección grande", "lang": "es"}
    stream = render_stream("Lección grande", blocks, front)
    chunks = list(stream)
    whole = render_markdown("Lección grande", blocks, front)
    assert "".join(chunks) == whole.markdown
    assert list(stream.segment_lines) == whole.segment_lines
    assert len(chunks) > 5 and all(c.endswith("\n") for c in chunks)
    assert max(c.count("\n") for c in chunks) <= render._CHUNK_LINES + 1
    lines = whole.markdown.split("\n")
    assert lines[whole.segment_lines[-1] - 1].startswith("Frase 4999.")
    assert [t.content for t in MD.parse(whole.markdown) if t.type == "inline"][-1].startswith("Frase 4999.")


def test_chunks_come_before_the_lesson_is_rendered_to_its_end() -> None:
    blocks = _lesson(20_000)
    stream = render_stream("", blocks, {})
    it = iter(stream)
    first = next(it)
    # Streaming, not a joined text cut afterwards: after the first chunk, only the
    # segments of the blocks rendered so far have a line.
    placed = len(stream.segment_lines)
    total = sum(len(b.segments) for b in blocks)
    assert first.startswith("# Lección grande\n") and 0 < placed < total // 10
    rest = list(it)
    assert len(stream.segment_lines) == total
    assert "".join([first, *rest]) == render_markdown("", blocks, {}).markdown


def test_a_huge_line_is_a_chunk_of_its_own_not_copied_into_a_joined_one() -> None:
    long_text = "palabra ความ " * (render._BIG_LINE // 4)
    blocks = [
        Block(BlockKind.PARAGRAPH, [Segment("antes")]),
        Block(BlockKind.PARAGRAPH, [Segment(long_text)]),
        Block(BlockKind.PARAGRAPH, [Segment("después")]),
    ]
    chunks = list(render_stream("", blocks, {}))
    assert "".join(chunks) == render_markdown("", blocks, {}).markdown == f"antes\n\n{long_text.strip()}\n\ndespués\n"
    assert chunks == ["antes\n\n", long_text.strip(), "\n", "\ndespués\n"]


def test_empty_lesson_is_one_newline_either_way() -> None:
    assert list(render_stream("", [], {})) == ["\n"] and render_markdown("", [], {}).markdown == "\n"
    assert "".join(render_stream("T", [], {})) == render_markdown("T", [], {}).markdown == "# T\n"
