"""Decoding edge cases: BOMs, UTF-16 without BOM, cp1252/latin-1 fallback, binary refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.decode import decode_bytes
from pipeline.errors import InputError

TEXT = "Lección 5: relación con los clientes — “autoservicio”…\nความสัมพันธ์กับลูกค้า\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-32"), "utf-32"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM
        (TEXT.encode("utf-16-be"), "utf-16-be"),  # no BOM
    ],
)
def test_unicode_encodings_round_trip(data: bytes, encoding: str) -> None:
    got = decode_bytes(data, "x.txt")
    assert got.text == TEXT
    assert got.encoding == encoding


def test_cp1252_fallback_is_noted() -> None:
    text = "Lección — “comillas” y €\n"
    got = decode_bytes(text.encode("cp1252"), "x.txt")
    assert got.text == text
    assert got.encoding == "cp1252"
    assert "decoded as cp1252" in got.note


def test_latin1_fallback_for_bytes_cp1252_leaves_undefined() -> None:
    got = decode_bytes("caf\u00e9 ".encode("latin-1") + b"\x81\n", "x.txt")
    assert got.encoding == "latin-1"
    assert got.text.startswith("café")


def test_crlf_and_cr_become_lf() -> None:
    assert decode_bytes(b"a\r\nb\rc\n").text == "a\nb\nc\n"


def test_empty_file_is_empty_text() -> None:
    got = decode_bytes(b"", "empty.txt")
    assert got.text == "" and got.encoding == "utf-8"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 4,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200),
        b"\x7fELF\x02\x01\x01\x00" + bytes(64) + b"\x02\x00\x3e\x00",
    ],
)
def test_binary_is_refused_with_a_clear_message(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, "raw/picture.txt")
    assert str(info.value) == "raw/picture.txt: binary data, not text; skip it or convert it to UTF-8 text"


def test_bom_with_invalid_body_names_the_problem() -> None:
    with pytest.raises(InputError, match="starts with a UTF-8 byte-order mark but is not valid UTF-8"):
        decode_bytes(codecs.BOM_UTF8 + b"ok \xff\xfe bad", "raw/x.txt")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_any_text_survives_utf8(text: str) -> None:
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert decode_bytes(text.encode("utf-8")).text == expected


def test_nul_heavy_bytes_that_are_not_utf16_text_are_binary() -> None:
    with pytest.raises(InputError, match="binary data"):
        decode_bytes(b"\x00\x01\x02\x89PNG\x00\x00", "raw/x.txt")


# ---- lessons over the size limits are refused with one line -------------------------

from pipeline.decode import MAX_LESSON_BYTES, MAX_LESSON_LINES, decode_lesson  # noqa: E402


def test_lesson_under_the_limits_decodes_as_decode_bytes_does() -> None:
    data = ("Lección\n" + "línea corta\n" * 1000).encode("utf-8")
    assert decode_lesson(data, "x.txt") == decode_bytes(data, "x.txt")


def test_lesson_over_the_byte_limit_is_refused() -> None:
    data = b"a" * (MAX_LESSON_BYTES + 1)
    with pytest.raises(InputError) as info:
        decode_lesson(data, "raw/huge.txt")
    assert str(info.value) == (
        "raw/huge.txt: is 8.0 MiB, over the 8 MiB limit for one lesson; "
        "split it into smaller lessons (one per chapter or section)"
    )


def test_lesson_over_the_line_limit_is_refused_in_any_encoding() -> None:
    text = "x\n" * MAX_LESSON_LINES  # MAX_LESSON_LINES + 1 lines (the last one empty)
    for data in (text.encode("utf-8"), text.encode("utf-16")):
        with pytest.raises(
            InputError, match=f"has {MAX_LESSON_LINES + 1:,} lines, over the {MAX_LESSON_LINES:,}-line limit"
        ):
            decode_lesson(data, "raw/lista.txt")
    assert decode_lesson(("x\n" * (MAX_LESSON_LINES - 1)).encode(), "ok.txt").text.count("\n") == MAX_LESSON_LINES - 1


def test_run_refuses_a_huge_lesson_with_one_line_and_writes_the_rest(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a-corta.txt").write_text("Lección corta\n\nLa relación con los clientes.\n", encoding="utf-8")
    (raw / "b-lista.txt").write_bytes(b"fila\n" * (MAX_LESSON_LINES + 5))
    unit = "<p>Una p&aacute;gina sin saltos de l&iacute;nea.</p> "
    (raw / "c-pagina.txt").write_text(unit * 20_000, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(raw), str(out)])
    assert result.exit_code == 1
    page = [x for x in result.stderr.splitlines() if "c-pagina.txt" in x]
    assert page == [f"Error: {raw / 'c-pagina.txt'}: line 1 has {len(unit) * 20_000:,} characters, over the 500,000-character "
                    "limit for one line; put its paragraphs on lines of their own (a page scraped without its "
                    "line breaks)"]
    lines = [x for x in result.stderr.splitlines() if "b-lista.txt" in x]
    assert lines == [
        f"Error: {raw / 'b-lista.txt'}: has {MAX_LESSON_LINES + 6:,} lines, over the {MAX_LESSON_LINES:,}-line "
        "limit for one lesson; split it into smaller lessons (one per chapter or section)"
    ]
    assert sorted(p.name for p in (out / "source").iterdir()) == ["a-corta.md"]


def test_a_line_over_the_line_limit_refuses_the_lesson_naming_the_line() -> None:
    from pipeline.decode import MAX_LINE_CHARS

    ok = "Título\n\n" + "á" * MAX_LINE_CHARS + "\n"
    assert decode_lesson(ok.encode("utf-8"), "ok.txt").text == ok
    long = "Título\n\n" + "palabra " * (MAX_LINE_CHARS // 8) + "x\ncorta\n"
    with pytest.raises(InputError) as info:
        decode_lesson(long.encode("utf-8"), "raw/una-linea.txt")
    assert str(info.value) == (
        f"raw/una-linea.txt: line 3 has {MAX_LINE_CHARS + 1:,} characters, over the {MAX_LINE_CHARS:,}-character "
        "limit for one line; put its paragraphs on lines of their own (a page scraped without its line breaks)"
    )
    last = "corta\n" * 3 + "y" * (MAX_LINE_CHARS + 5)  # the last line, without a final newline
    with pytest.raises(InputError, match=f"line 4 has {MAX_LINE_CHARS + 5:,} characters"):
        decode_lesson(last.encode("utf-16"), "raw/u16.txt")
