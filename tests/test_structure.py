"""Plain lesson text -> blocks. Inputs are clean text written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.decode import decode_bytes
from pipeline.document import Block, BlockKind
from pipeline.render import render_markdown
from pipeline.repair import repair
from pipeline.structure import find_title, parse_blocks

NBSP = "\u00a0"
RAW = Path(__file__).resolve().parent.parent / "raw"


def kinds(blocks: list[Block]) -> list[str]:
    return [b.kind.value for b in blocks]


def texts(blocks: list[Block]) -> list[str]:
    return [b.segments[0].text for b in blocks]


PAGE = (
    "\n \n\n\n"
    "GUÍA DEL ALUMNO\n"
    "\n"
    " <p>Erasmus+</p>\t<p>Proyecto financiado por el programa Erasmus+: cooperación para la innovación "
    "en la formación de adultos.</p>\n"
    "---\t---\n"
    "\n"
    "Lección 4 Fuentes de ingresos\n"
    "\n"
    "Las fuentes de ingresos muestran cuánto paga cada segmento y cómo lo paga.\n"
    "\n"
    "Formas de generar ingresos\n"
    "\n"
    "- Venta de activos.\n"
    "- Cuota por uso.\n"
    f"{NBSP}\n"
    "- Suscripción.\n"
    "\n\n\n"
    "Pricing Mechanisms\n"
    "\n"
    "Fixed\tDynamic\tNegotiated\n"
    "List price\tAuction\tBargaining\n"
    "Volume discount\tMarket price\tYield management\n"
    "\n"
    "money2learn\n"
    "\n"
    "Fuente: <https://example.org/ingresos?a=1&b=2>\n"
)


def test_page_layout() -> None:
    blocks = parse_blocks(PAGE)
    assert kinds(blocks) == [
        "paragraph",  # a template label above the title stays a paragraph
        "banner",
        "heading",
        "paragraph",
        "heading",
        "list_item",
        "list_item",
        "list_item",
        "heading",
        "table",
        "credit",
        "source",
    ]
    assert find_title(blocks) == "Lección 4 Fuentes de ingresos"
    levels = [b.level for b in blocks if b.kind is BlockKind.HEADING]
    assert levels == [1, 2, 2]
    banner = blocks[1]
    assert texts([banner]) == ["Erasmus+"]
    assert banner.segments[1].text.startswith("Proyecto financiado por el programa Erasmus+:")
    assert "<p>" not in banner.segments[1].text and "</p>" not in banner.segments[1].text
    table = blocks[9]
    assert (table.columns, table.header_rows, len(table.rows)) == (3, 1, 3)
    assert [s.text for s in table.rows[0]] == ["Fixed", "Dynamic", "Negotiated"]
    assert blocks[10].segments[0].text == "money2learn"
    assert blocks[11].url == "https://example.org/ingresos?a=1&b=2"
    assert blocks[11].segments[0].text == "Fuente:"


def test_block_lines_are_input_lines() -> None:
    blocks = parse_blocks(PAGE)
    lines = PAGE.split("\n")
    for block in blocks:
        first = block.segments[0].text
        assert first.split()[0] in lines[block.line - 1], (block.kind, block.line)
    assert [b.line for b in blocks][:3] == [5, 7, 10]


def test_empty_and_blank_input() -> None:
    assert parse_blocks("") == []
    assert parse_blocks(f"\n  \n{NBSP}\n\t\n{NBSP};\n") == []
    assert find_title([]) == ""


def test_banner_without_p_tags_by_shape_only() -> None:
    text = "Erasmus+\tProyecto financiado por la Comisión Europea dentro del programa Erasmus+ de formación.\n\nLección 1 Clientes\n"
    blocks = parse_blocks(text)
    assert kinds(blocks) == ["banner", "heading"]


def test_first_table_after_title_is_data_not_banner() -> None:
    text = (
        "Lección 1 Clientes\n\nTipo\tDescripción larga de lo que significa este tipo de cliente para la empresa\nA\tB\n"
    )
    assert kinds(parse_blocks(text)) == ["heading", "table"]


def test_title_falls_back_to_first_short_line() -> None:
    blocks = parse_blocks("Propuesta de valor para pymes\n\nUna propuesta clara atrae clientes.\n")
    assert find_title(blocks) == "Propuesta de valor para pymes"
    assert blocks[0].kind is BlockKind.HEADING and blocks[0].level == 1


def test_no_title_when_page_starts_with_a_sentence() -> None:
    blocks = parse_blocks("Esta lección explica cómo se fijan los precios.\n\nPrecios dinámicos\n\nTexto.\n")
    assert find_title(blocks) == ""
    assert kinds(blocks) == ["paragraph", "heading", "paragraph"]


def test_thai_title_and_heading() -> None:
    text = "ความสัมพันธ์กับลูกค้า • ประเภท\n\nTexto en español.\n\nประเภทของความสัมพันธ์กับลูกค้า\n\nMás texto.\n"
    blocks = parse_blocks(text)
    assert find_title(blocks) == "ความสัมพันธ์กับลูกค้า • ประเภท"
    assert kinds(blocks) == ["heading", "paragraph", "heading", "paragraph"]
    assert [b.level for b in blocks if b.kind is BlockKind.HEADING] == [1, 2]


@pytest.mark.parametrize(
    "line",
    [
        "Estas son las opciones más comunes:",
        "una línea en minúscula sin punto",
        "Una frase corta con punto final.",
        "Visite https://example.org para más",
    ],
)
def test_not_headings(line: str) -> None:
    blocks = parse_blocks(f"Título\n\n{line}\n\nOtro párrafo.\n")
    assert blocks[1].kind is BlockKind.PARAGRAPH


@pytest.mark.parametrize("line", ["Main Bases of Segmentation", "¿Qué problema resolvemos?", "3 claves del éxito"])
def test_headings(line: str) -> None:
    blocks = parse_blocks(f"Título\n\n{line}\n\nOtro párrafo.\n")
    assert blocks[1].kind is BlockKind.HEADING and blocks[1].level == 2


def test_hard_wrapped_paragraph_is_joined() -> None:
    text = (
        "Título\n\n"
        "Las actividades clave son las acciones más importantes que\n"
        "debe emprender una empresa para que su modelo de negocio\n"
        "funcione. Dependen del tipo de modelo.\n"
    )
    blocks = parse_blocks(text)
    assert kinds(blocks) == ["heading", "paragraph"]
    assert blocks[1].segments[0].text == (
        "Las actividades clave son las acciones más importantes que debe emprender una empresa "
        "para que su modelo de negocio funcione. Dependen del tipo de modelo."
    )


def test_separate_long_lines_stay_separate_paragraphs() -> None:
    a = "La primera idea ocupa una línea entera y termina con un punto final bien claro, como es habitual en estas páginas."
    b = "La segunda idea también ocupa una línea larga, porque cada párrafo del HTML original quedó en su propia línea."
    blocks = parse_blocks(f"Título\n\n{a}\n{b}\n")
    assert texts(blocks)[1:] == [a, b]


def test_lowercase_continuation_is_joined() -> None:
    text = "Título\n\nLos recursos clave pueden ser físicos, intelectuales, humanos o financieros, y\nse eligen según la propuesta.\n"
    assert texts(parse_blocks(text))[1].endswith("financieros, y se eligen según la propuesta.")


def test_bullets_of_every_kind_and_odd_indentation() -> None:
    text = (
        "Título\n\n"
        "  • Servicio personal\n"
        " • Autoservicio\n"
        "•Comunidades\n"
        "- Co-creación\n"
        "* Servicios automatizados\n"
        "      - Recomendaciones\n"
        "     - Avisos\n"
        "  1. Primero\n"
        " 2) Segundo\n"
        "   3.- Tercero\n"
    )
    items = parse_blocks(text)[1:]
    assert all(b.kind is BlockKind.LIST_ITEM for b in items)
    assert texts(items) == [
        "Servicio personal",
        "Autoservicio",
        "Comunidades",
        "Co-creación",
        "Servicios automatizados",
        "Recomendaciones",
        "Avisos",
        "Primero",
        "Segundo",
        "Tercero",
    ]
    assert [b.level for b in items] == [1, 1, 1, 1, 1, 2, 2, 1, 1, 1]
    assert [(b.ordered, b.number) for b in items[-3:]] == [(True, 1), (True, 2), (True, 3)]
    assert not any(b.ordered for b in items[:-3])


def test_lettered_items_nest_and_keep_letter() -> None:
    text = "Título\n\n1. Canales\n    a) Propios\n    b) De socios\n2. Precios\n"
    items = parse_blocks(text)[1:]
    assert [(b.level, b.segments[0].text) for b in items] == [
        (1, "Canales"),
        (2, "a) Propios"),
        (2, "b) De socios"),
        (1, "Precios"),
    ]


def test_list_item_continuation_line() -> None:
    text = "Título\n\n- Socios clave: empresas que aportan\n  recursos o actividades.\n- Costes\n"
    items = parse_blocks(text)[1:]
    assert texts(items) == ["Socios clave: empresas que aportan recursos o actividades.", "Costes"]


@pytest.mark.parametrize(
    "line", ["-5 % de descuento en la segunda compra.", "*Nota* importante para el examen.", "2024 fue un buen año."]
)
def test_not_list_items(line: str) -> None:
    assert parse_blocks(f"Título\n\n{line}\n")[1].kind is BlockKind.PARAGRAPH


def test_table_with_separator_ragged_rows_and_blank_between_rows() -> None:
    text = (
        "Título\n\n"
        "Bloque\tPregunta\tEjemplo\n"
        "---\t---\t---\n"
        "Canales\t¿Cómo llegamos?\n"
        "\n"
        "Costes\t¿Cuánto cuesta?\tAlquiler\t\n"
        "Socios\t¿Quién ayuda?\tProveedores\n"
    )
    blocks = parse_blocks(text)
    assert kinds(blocks) == ["heading", "table"]
    table = blocks[1]
    assert table.columns == 3 and table.header_rows == 1
    assert [[s.text for s in row] for row in table.rows] == [
        ["Bloque", "Pregunta", "Ejemplo"],
        ["Canales", "¿Cómo llegamos?", ""],
        ["Costes", "¿Cuánto cuesta?", "Alquiler"],
        ["Socios", "¿Quién ayuda?", "Proveedores"],
    ]


def test_single_tab_line_is_text_and_bullet_with_tab_is_item() -> None:
    blocks = parse_blocks("Título\n\nNombre:\tAna\n\n•\tServicio personal\n")
    assert kinds(blocks) == ["heading", "paragraph", "list_item"]
    assert texts(blocks)[1:] == ["Nombre: Ana", "Servicio personal"]


def test_source_lines() -> None:
    text = (
        "Título\n\n"
        "Fuente: <https://example.org/a_b>\n"
        "Source: https://example.com/x.\n"
        "Fuente: Osterwalder (2010) [Generación de modelos](https://example.net/libro)\n"
        "Fuente: elaboración propia\n"
    )
    blocks = parse_blocks(text)
    assert kinds(blocks) == ["heading", "source", "source", "source", "credit"]
    assert [b.url for b in blocks[1:4]] == [
        "https://example.org/a_b",
        "https://example.com/x",
        "https://example.net/libro",
    ]
    assert [s.text for s in blocks[3].segments] == ["Fuente: Osterwalder (2010)", "Generación de modelos"]


def test_credit_after_table_and_explicit_credit() -> None:
    text = "Título\n\nA\tB\nC\tD\n\nfreepik.com\n\nImagen: archivo propio\n\nTexto final del apartado.\n"
    assert kinds(parse_blocks(text)) == ["heading", "table", "credit", "credit", "paragraph"]


def test_heading_after_table_is_not_a_credit() -> None:
    text = "Título\n\nA\tB\nC\tD\n\nConclusiones\n\nEl modelo se revisa cada año.\n"
    assert kinds(parse_blocks(text)) == ["heading", "table", "heading", "paragraph"]


def test_nbsp_semicolon_lines_do_not_split_a_list() -> None:
    text = f"Título\n\n  • Uno\n\n{NBSP};\n\n  • Dos\n"
    blocks = parse_blocks(text)
    assert kinds(blocks) == ["heading", "list_item", "list_item"]
    md = render_markdown("", blocks, {}).markdown
    assert md == "# Título\n\n- Uno\n- Dos\n"


def test_words_are_not_changed() -> None:
    text = "Título\n\nEl cliente paga; la empresa entrega. Qué tal “comillas” — y… puntos.\n"
    assert texts(parse_blocks(text))[1] == "El cliente paga; la empresa entrega. Qué tal “comillas” — y… puntos."


# --- the sample lessons in raw/ ------------------------------------------------


def _lesson(name: str) -> list[Block]:
    path = RAW / name
    text = repair(decode_bytes(path.read_bytes(), str(path)).text).text
    return parse_blocks(text)


def test_raw_sample_tables_and_credit() -> None:
    blocks = _lesson("03-segmentos-de-clientes.es-en.txt")
    tables = [b for b in blocks if b.kind is BlockKind.TABLE]
    assert [t.columns for t in tables] == [4, 3]
    assert [len(t.rows) for t in tables] == [3, 5]
    assert any(b.kind is BlockKind.CREDIT for b in blocks)
    assert sum(b.kind is BlockKind.SOURCE for b in blocks) == 2
    assert find_title(blocks).startswith("Lección 2")


def test_raw_sample_nested_bullets() -> None:
    items = [b for b in _lesson("05-canales.cp1252.txt") if b.kind is BlockKind.LIST_ITEM]
    assert [b.level for b in items] == [1, 2, 2, 1, 2]


def test_every_raw_sample_renders() -> None:
    files = sorted(RAW.glob("*.txt"))
    assert len(files) >= 4
    for path in files:
        blocks = _lesson(path.name)
        result = render_markdown(find_title(blocks) or path.stem, blocks, {"source": path.name})
        assert result.markdown.count("\n# ") + result.markdown.startswith("# ") == 1, path
        assert len(result.segment_lines) == sum(len(b.segments) for b in blocks)


# --- properties --------------------------------------------------------------

_PIECES = list("abcÁé ก\t-•*1.)") + [NBSP, ";", "<p>", "Fuente: <https://e.org/x>", "Imagen: ", "---\t---"]
_LINE = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=12))
def test_no_letters_lost_and_lines_in_range(lines: list[str]) -> None:
    text = "\n".join(lines)
    blocks = parse_blocks(text)
    kept = "".join(s.text for b in blocks for s in b.segments) + "".join(b.url for b in blocks)
    expected = text.replace("<p>", "")  # a stray tag is layout, not text
    assert sorted(ch for ch in kept if ch.isalpha()) == sorted(ch for ch in expected if ch.isalpha())
    assert all(1 <= b.line <= len(lines) for b in blocks)
    assert [b.line for b in blocks] == sorted(b.line for b in blocks)
    assert parse_blocks(text) == blocks  # deterministic


def test_damaged_question_becomes_a_heading_like_its_siblings() -> None:
    text = (
        "Lección 4 Canales\n\n"
        "¿Qué canales usamos?\n\n"
        "Los canales llevan la propuesta de valor al cliente.\n\n"
        "¿;;mo llegamos al cliente?\n\n"
        "Con una buena comunicació;n y un mó;dulo claro.\n\n"
        "¿Cuándo revisamos los canales?\n\n"
        "Cada año, con datos de venta.\n"
    )
    blocks = parse_blocks(repair(text).text)
    headings = [b.segments[0].text for b in blocks if b.kind is BlockKind.HEADING and b.level == 2]
    assert headings == ["¿Qué canales usamos?", "¿Cómo llegamos al cliente?", "¿Cuándo revisamos los canales?"]
    # Even left unrepaired, a line opening with "¿" and ending with "?" is a question heading.
    assert parse_blocks("Lección 1 X\n\n¿;;xq medimos?\n\nTexto del párrafo.")[1].kind is BlockKind.HEADING


def test_short_last_line_is_not_an_empty_trailing_heading() -> None:
    text = "Lección 2 Propuesta de valor\n\nEl valor resuelve un problema del cliente.\n\nEl lienzo en una pizarra\n"
    blocks = parse_blocks(text)
    assert kinds(blocks) == ["heading", "paragraph", "paragraph"]
    with_source = text + "\nFuente: <https://example.org/lienzo>\n"
    assert kinds(parse_blocks(with_source))[-2:] == ["paragraph", "source"]
    markdown = render_markdown(find_title(blocks), blocks, {}).markdown
    assert "## El lienzo" not in markdown and "El lienzo en una pizarra" in markdown


def test_lesson_without_title_line_gets_no_heading_from_its_file_name() -> None:
    from pipeline.config import PipelineConfig
    from pipeline.lesson import build_lesson

    data = "La relación con el cliente define cómo lo atendemos.\n\nOtro párrafo con más detalle.\n".encode()
    lesson = build_lesson(data, "unidad-07-borrador", "raw/unidad-07-borrador.txt", PipelineConfig())
    assert lesson.title == ""
    markdown = render_markdown(lesson.title, lesson.blocks, {}).markdown
    assert "unidad-07-borrador" not in markdown and "# " not in markdown
