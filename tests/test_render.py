"""Render blocks to Markdown and read the result back with a real CommonMark+GFM parser."""

from __future__ import annotations

import re

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from pipeline.document import Block, BlockKind, Segment
from pipeline.render import render_markdown
from pipeline.structure import parse_blocks

MD = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)


def parse(markdown: str) -> list[Token]:
    return MD.parse(markdown)


def inline_text(token: Token) -> str:
    """Plain text of an inline token: what a reader sees (HTML comments dropped)."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


def of_type(tokens: list[Token], kind: str) -> list[Token]:
    return [t for t in tokens if t.type == kind]


def heading(text: str, level: int = 2) -> Block:
    return Block(BlockKind.HEADING, [Segment(text)], level=level)


def para(text: str) -> Block:
    return Block(BlockKind.PARAGRAPH, [Segment(text)])


def item(text: str, level: int = 1, number: int = 0) -> Block:
    return Block(BlockKind.LIST_ITEM, [Segment(text)], level=level, ordered=bool(number), number=number)


def table(rows: list[list[str]]) -> Block:
    cols = len(rows[0])
    return Block(BlockKind.TABLE, [Segment(c) for r in rows for c in r], columns=cols, header_rows=1)


LESSON = [
    Block(BlockKind.BANNER, [Segment("Erasmus+"), Segment("Proyecto cofinanciado por la Unión Europea.")]),
    heading("Lección 7 Socios clave", level=1),
    para("Los socios clave son las empresas que ayudan a que el modelo funcione."),
    heading("Tipos de alianzas"),
    item("Alianzas estratégicas entre empresas que no compiten."),
    item("Coopetición: alianzas entre competidores.", level=2),
    item("Empresas conjuntas.", level=2),
    item("Relaciones comprador-proveedor."),
    table(
        [
            ["Motivo", "Ejemplo", "Riesgo"],
            ["Optimizar", "Subcontratar la logística", "Dependencia"],
            ["Reducir riesgo", "Consorcios", ""],
        ]
    ),
    Block(BlockKind.CREDIT, [Segment("canvas4all")]),
    Block(BlockKind.SOURCE, [Segment("Fuente:")], url="https://example.org/socios_clave/guia"),
]
FRONT = {
    "title": "Lección 7 Socios clave",
    "source": "raw/07-socios.txt",
    "lang": "es",
    "languages": ["es", "en"],
    "signature": {"tool": "pipeline 0.1.0", "repair": "ftfy 6"},
}


def test_front_matter_is_yaml_in_caller_order() -> None:
    result = render_markdown("Lección 7 Socios clave", LESSON, FRONT)
    tokens = parse(result.markdown)
    assert tokens[0].type == "front_matter"
    assert yaml.safe_load(tokens[0].content) == FRONT
    assert list(yaml.safe_load(tokens[0].content)) == list(FRONT)
    assert result.markdown.startswith("---\ntitle: Lección 7 Socios clave\n")


def test_no_front_matter_when_dict_empty() -> None:
    md = render_markdown("", [para("Hola.")], {}).markdown
    assert md == "Hola.\n"


def test_lesson_tree() -> None:
    tokens = parse(render_markdown("Lección 7 Socios clave", LESSON, FRONT).markdown)
    h1 = [t for t in tokens if t.type == "heading_open" and t.tag == "h1"]
    h2 = [t for t in tokens if t.type == "heading_open" and t.tag == "h2"]
    assert len(h1) == 1 and len(h2) == 1  # the title is rendered once
    # banner: a blockquote starting with the name in bold
    bq = tokens.index(of_type(tokens, "blockquote_open")[0])
    banner_inline = tokens[bq + 2]
    kinds = [c.type for c in banner_inline.children or [] if c.type != "text" or c.content]
    assert kinds[:3] == ["strong_open", "text", "strong_close"]
    assert inline_text(banner_inline) == "Erasmus+ — Proyecto cofinanciado por la Unión Europea."
    # one bullet list with a nested list of two items
    lists = of_type(tokens, "bullet_list_open")
    assert len(lists) == 2 and lists[1].level > lists[0].level
    items = of_type(tokens, "list_item_open")
    assert len(items) == 4
    # table: 3 header cells, 2 body rows of 3 cells
    assert len(of_type(tokens, "th_open")) == 3
    trs = of_type(tokens, "tr_open")
    assert len(trs) == 3 and len(of_type(tokens, "td_open")) == 6
    # credit: italic line
    ems = [t for t in tokens if t.type == "inline" and any(c.type == "em_open" for c in t.children or [])]
    assert [inline_text(t) for t in ems] == ["canvas4all"]
    # source: a link whose href is the URL
    links = [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link_open"]
    assert [link.attrGet("href") for link in links] == ["https://example.org/socios_clave/guia"]


def test_title_argument_used_only_without_level1_heading() -> None:
    blocks = [para("Texto de la lección.")]
    md = render_markdown("lesson-stem", blocks, {}).markdown
    assert md.startswith("# lesson-stem\n\nTexto")
    md2 = render_markdown("otro título", [heading("Título real", 1), *blocks], {}).markdown
    assert "otro título" not in md2
    h1 = [t for t in parse(md2) if t.type == "heading_open" and t.tag == "h1"]
    assert len(h1) == 1


def test_segment_lines_point_at_each_segment() -> None:
    result = render_markdown("x", LESSON, FRONT)
    lines = result.markdown.split("\n")
    segments = [s for b in LESSON for s in b.segments]
    assert len(result.segment_lines) == len(segments)
    for seg, no in zip(segments, result.segment_lines):
        assert seg.text in lines[no - 1], (seg.text, no, lines[no - 1])


def test_layout_is_clean_and_deterministic() -> None:
    a = render_markdown("x", LESSON, FRONT).markdown
    b = render_markdown("x", LESSON, FRONT).markdown
    assert a == b
    assert a.endswith("\n") and not a.endswith("\n\n")
    assert all(line == line.rstrip() for line in a.split("\n"))
    assert "\n\n\n" not in a
    # the list is tight: no blank line between its items
    assert "- Alianzas estratégicas entre empresas que no compiten.\n  - Coopetición" in a


def test_untranslated_mark_in_cell_and_item_keeps_structure() -> None:
    th = Segment("ลดต้นทุน", untranslated="th")
    blocks = [
        table([["Objetivo", "Nota"], ["Costes", "x"]]),
        Block(BlockKind.LIST_ITEM, [th], level=1),
        Block(BlockKind.PARAGRAPH, [Segment("สวัสดีครับ", untranslated="th")]),
    ]
    blocks[0].segments[3] = Segment("ลดต้นทุน", untranslated="th")
    result = render_markdown("t", blocks, {})
    assert "ลดต้นทุน <!-- untranslated: th -->" in result.markdown
    tokens = parse(result.markdown)
    assert len(of_type(tokens, "td_open")) == 2
    inlines = of_type(tokens, "inline")
    comments = [c for t in inlines for c in t.children or [] if c.type == "html_inline"]
    assert len(comments) == 3 and all(c.content == "<!-- untranslated: th -->" for c in comments)
    assert len(of_type(tokens, "list_item_open")) == 1


def test_numbered_items_keep_their_numbers_and_nest() -> None:
    blocks = [
        item("Primero", number=1),
        item("Segundo", number=2),
        item("Detalle", level=2, number=3),
        item("Otro detalle", level=2, number=4),
        item("Viñeta", level=2),
        item("Tercero", number=3),
    ]
    md = render_markdown("t", blocks, {}).markdown
    tokens = parse(md)
    ordered = of_type(tokens, "ordered_list_open")
    assert len(ordered) == 2
    assert ordered[1].attrGet("start") == 3  # a sub-list starting at 3 is not swallowed
    assert len(of_type(tokens, "bullet_list_open")) == 1
    top_items = [t for t in of_type(tokens, "list_item_open") if t.level == 1]
    assert len(top_items) == 3


def test_kind_change_at_same_level_starts_a_new_list() -> None:
    md = render_markdown("t", [item("uno"), item("dos", number=2), item("tres", number=3)], {}).markdown
    tokens = parse(md)
    assert len(of_type(tokens, "bullet_list_open")) == 1
    ordered = of_type(tokens, "ordered_list_open")
    assert len(ordered) == 1 and ordered[0].attrGet("start") == 2


def test_table_cells_escape_pipes_and_pad() -> None:
    blocks = [Block(BlockKind.TABLE, [Segment(c) for c in ["A", "B", "x | y", "", "solo"]], columns=2, header_rows=1)]
    tokens = parse(render_markdown("t", blocks, {}).markdown)
    assert len(of_type(tokens, "th_open")) == 2
    assert len(of_type(tokens, "td_open")) == 4
    cells = [inline_text(t) for t in of_type(tokens, "inline")]
    assert "x | y" in cells


def test_plain_text_is_escaped_only_where_needed() -> None:
    texts = [
        "# no es un título",
        "> no es una cita",
        "- no es una lista",
        "1. no es una lista",
        "*no es énfasis*",
        "__tampoco__",
        "~~ni tachado~~",
        "<div>no es html</div>",
        "&oacute; literal",
        "`no es código`",
        "---",
        "[nota]: no es una definición",
    ]
    md = render_markdown("t", [para(t) for t in texts], {}).markdown
    tokens = parse(md)
    assert of_type(tokens, "paragraph_open").__len__() == len(texts) + 0
    assert [inline_text(t) for t in of_type(tokens, "inline")][1:] == texts
    assert "snake_case" in render_markdown("", [para("una variable snake_case")], {}).markdown


def test_links_survive() -> None:
    blocks = [
        para("Vea [la guía](https://example.org/guia_(2020)) y <https://example.org/a_b_c>."),
        para("Más en https://example.org/x_y_z."),
        Block(BlockKind.SOURCE, [Segment("Fuente:"), Segment("Lienzo")], url="https://example.org/lienzo"),
    ]
    tokens = parse(render_markdown("", blocks, {}).markdown)
    links = [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link_open"]
    assert [link.attrGet("href") for link in links] == [
        "https://example.org/guia_(2020)",
        "https://example.org/a_b_c",
        "https://example.org/x_y_z",
        "https://example.org/lienzo",
    ]
    assert inline_text(of_type(tokens, "inline")[1]) == "Más en https://example.org/x_y_z."


def test_heading_trailing_hashes_kept() -> None:
    tokens = parse(render_markdown("", [heading("Lenguaje C #"), heading("C#")], {}).markdown)
    assert [inline_text(t) for t in of_type(tokens, "inline")] == ["Lenguaje C #", "C#"]


def test_real_sample_shapes_round_trip() -> None:
    text = (
        "Erasmus+\tProyecto financiado por el programa Erasmus+ de la Unión Europea para adultos.\n"
        "---\t---\n\nLección 9 Fuentes de ingresos\n\nLos ingresos vienen de cada segmento.\n\n"
        "Modelos de ingresos\n\n  • Venta de activos\n  • Cuota por uso\n\n"
        "Modelo\tEjemplo\nSuscripción\tPrensa digital\nLicencia\tSoftware\n\nrevenue4u\n\n"
        "Fuente: <https://example.org/ingresos>\n"
    )
    blocks = parse_blocks(text)
    result = render_markdown("", blocks, {"title": "Lección 9 Fuentes de ingresos"})
    tokens = parse(result.markdown)
    assert [t.tag for t in of_type(tokens, "heading_open")] == ["h1", "h2"]
    assert len(of_type(tokens, "blockquote_open")) == 1
    assert len(of_type(tokens, "list_item_open")) == 2
    assert len(of_type(tokens, "th_open")) == 2 and len(of_type(tokens, "td_open")) == 4
    assert len(result.segment_lines) == sum(len(b.segments) for b in blocks)


# --- properties --------------------------------------------------------------

# Markdown-significant characters, letters, Thai, spaces; no "/" and no "]" so
# no text can spell a URL or a link (those are kept as links by design).
_ALPHABET = st.sampled_from(list("ab éñ#>-+*_`~<&;[()!|\\:.=1209\t") + ["ก", "\u00a0", "x"])
_TEXT = st.text(_ALPHABET, min_size=1, max_size=30)


def _norm(text: str) -> str:
    return re.sub(r"[ \t\n]+", " ", text).strip()


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_paragraph_text_round_trips(text: str) -> None:
    if not _norm(text):
        return
    tokens = parse(render_markdown("", [para(text)], {}).markdown)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert inline_text(tokens[1]) == _norm(text)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_list_item_text_round_trips(a: str, b: str) -> None:
    if not _norm(a) or not _norm(b):
        return
    tokens = parse(render_markdown("", [item(a), item(b, level=2)], {}).markdown)
    assert len(of_type(tokens, "list_item_open")) == 2
    texts = [inline_text(t) for t in of_type(tokens, "inline")]
    assert texts == [_norm(a), _norm(b)]


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXT, min_size=4, max_size=4))
def test_table_cell_text_round_trips(cells: list[str]) -> None:
    block = Block(BlockKind.TABLE, [Segment(c) for c in cells], columns=2, header_rows=1)
    tokens = parse(render_markdown("", [block], {}).markdown)
    assert len(of_type(tokens, "th_open")) == 2 and len(of_type(tokens, "td_open")) == 2
    assert [inline_text(t) for t in of_type(tokens, "inline")] == [_norm(c) for c in cells]


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_heading_text_round_trips(text: str) -> None:
    if not _norm(text):
        return
    tokens = parse(render_markdown("", [heading(text)], {}).markdown)
    assert tokens[0].type == "heading_open" and tokens[0].tag == "h2"
    assert inline_text(tokens[1]) == _norm(text)


_ITEMS = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 12), st.sampled_from(["uno", "dos tres", "- x", "1. y", "ก ข"])),
    min_size=1,
    max_size=10,
)


@settings(max_examples=300, deadline=None)
@given(_ITEMS)
def test_any_list_keeps_every_item_and_its_text(spec: list[tuple[int, int, str]]) -> None:
    blocks = [item(text, level=level, number=number) for level, number, text in spec]
    result = render_markdown("", blocks, {})
    tokens = parse(result.markdown)
    assert len(of_type(tokens, "list_item_open")) == len(blocks)
    assert [inline_text(t) for t in of_type(tokens, "inline")] == [text for _, _, text in spec]
    lines = result.markdown.split("\n")
    assert [lines[n - 1].lstrip().split(" ", 1)[0] for n in result.segment_lines] == [
        f"{b.number}." if b.ordered else "-" for b in blocks
    ]


_YAML_TEXT = st.text(st.characters(codec="utf-8"), max_size=20) | st.sampled_from(
    [
        "yes",
        "No",
        "null",
        "~",
        "1.5",
        "2024-01-02",
        "0x1F",
        "a: b",
        "x #y",
        "- z",
        "",
        " lead",
        "tail ",
        "[a, b]",
        "Lección 5",
    ]
)
_YAML_VALUE = st.one_of(_YAML_TEXT, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(
        _YAML_TEXT,
        _YAML_VALUE | st.lists(_YAML_VALUE, max_size=3) | st.dictionaries(_YAML_TEXT, _YAML_VALUE, max_size=3),
        min_size=1,
        max_size=5,
    )
)
def test_front_matter_round_trips_through_yaml(data: dict[str, object]) -> None:
    markdown = render_markdown("", [para("x")], data).markdown
    tokens = parse(markdown)
    assert tokens[0].type == "front_matter"
    assert yaml.safe_load(tokens[0].content) == data


def test_front_matter_exotic_values_fall_back_to_pyyaml() -> None:
    data = {"title": "x", "items": [{"a": 1}, {"b": [1, 2]}]}
    tokens = parse(render_markdown("", [para("x")], data).markdown)
    assert yaml.safe_load(tokens[0].content) == data
