"""The compact data model (issue 11): Block and Segment keep the behaviour of the
dataclasses they replaced (constructor, fields, equality, copies, pickling) while
holding fewer objects per block."""

from __future__ import annotations

import copy
import pickle
import sys

from pipeline.document import Block, BlockKind, Lesson, Segment, Span
from pipeline.structure import parse_blocks


def test_block_fields_read_and_set_like_attributes() -> None:
    b = Block(BlockKind.LIST_ITEM, [Segment("Uno")], level=2, ordered=True, number=7, line=40_000)
    assert (b.kind, b.level, b.columns, b.header_rows, b.ordered, b.number, b.url, b.line) == (
        BlockKind.LIST_ITEM,
        2,
        0,
        0,
        True,
        7,
        "",
        40_000,
    )
    b.kind, b.level = BlockKind.PARAGRAPH, 1
    b.number = 999
    assert (b.kind, b.level, b.number, b.ordered) == (BlockKind.PARAGRAPH, 1, 999, True)
    other = Block(BlockKind.LIST_ITEM, [Segment("Dos")], level=2, ordered=True, number=7)
    assert other.level == 2 and other.number == 7  # setting one block's field left the shared shape alone


def test_equal_shapes_are_one_object_and_blocks_compare_by_value() -> None:
    a = Block(BlockKind.PARAGRAPH, [Segment("x")], line=3)
    b = Block(BlockKind.PARAGRAPH, [Segment("x")], line=3)
    assert a._shape is b._shape
    assert a == b and a != Block(BlockKind.PARAGRAPH, [Segment("x")], line=4)
    assert a != Block(BlockKind.HEADING, [Segment("x")], line=3)
    assert repr(a).startswith("Block(kind=<BlockKind.PARAGRAPH: 'paragraph'>, segments=[Segment(text='x'")


def test_segments_are_replaced_whole_and_a_table_keeps_its_list() -> None:
    cells = [Segment("a"), Segment("b"), Segment("c"), Segment("d")]
    table = Block(BlockKind.TABLE, cells, columns=2, header_rows=1)
    assert table.segments is cells and table.rows == [cells[:2], cells[2:]]
    one = Block(BlockKind.PARAGRAPH, [Segment("solo")])
    assert [s.text for s in one.segments] == ["solo"] and one.rows == [one.segments]
    # The runner's translated copy: a shallow copy, then a new list assigned.
    twin = copy.copy(one)
    fresh: list[Segment] = []
    twin.segments = fresh
    fresh.append(Segment("alone"))
    assert [s.text for s in twin.segments] == ["alone"] and [s.text for s in one.segments] == ["solo"]
    twin.segments = []
    assert twin.segments == []


def test_segment_marks_default_shared_and_settable() -> None:
    s, t = Segment("hola"), Segment("adiós", [Span(0, 5, "es", 1.0, "words")], "es")
    assert s.spans == [] and s.untranslated == "" and s.kept == () and s.lang == "und"
    assert s._marks is t._marks  # no pair per segment
    t.untranslated, t.kept = "es", [(0, 5, "es")]
    assert (t.untranslated, list(t.kept), s.untranslated, s.kept) == ("es", [(0, 5, "es")], "", ())
    assert Segment("x", untranslated="th") == Segment("x", [], "und", "th")
    assert Segment("x") != Segment("x", untranslated="th")


def test_pickled_blocks_come_back_equal() -> None:
    text = (
        "Lección 1 Clientes\n\n"
        + "\n".join(f"- cliente valor {i}" for i in range(1, 400))
        + "\nFuente: <https://e.org/x>\n"
    )
    blocks = parse_blocks(text)
    blocks[3].segments[0].spans = [Span(0, 6, "es", 0.9, "words")]
    back = pickle.loads(pickle.dumps(blocks, protocol=pickle.HIGHEST_PROTOCOL))
    assert (
        back == blocks
        and back[-1].url == "https://e.org/x"
        and back[3].segments[0].spans == blocks[3].segments[0].spans
    )
    assert back[5]._shape is back[6]._shape  # shared within one pickle too


def test_block_and_segment_are_small() -> None:
    # Four pointers each: 64 bytes with the object and GC headers (five were 80).
    assert Block.__basicsize__ == Segment.__basicsize__ == object.__basicsize__ + 4 * 8
    assert not hasattr(Block(BlockKind.PARAGRAPH, [Segment("x")]), "__dict__")


def test_lesson_keeps_one_byte_text_as_str_and_wide_text_as_utf8() -> None:
    latin = "relación " * 100
    thai = "a" * 100 + "ก"  # one Thai letter makes the str 2 bytes a character
    assert isinstance(Lesson("n", "s", "utf-8", latin, "", [])._text, str)
    held = Lesson("n", "s", "utf-8", thai, "", [])
    assert isinstance(held._text, bytes) and held.text == thai
    assert len(held._text) < sys.getsizeof(thai)
