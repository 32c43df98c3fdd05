"""The visible notice in a lesson that is (partly) untranslated, read back with markdown-it."""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from pipeline.document import Block, BlockKind, Segment
from pipeline.render import render_markdown

MD = MarkdownIt().enable("table").use(front_matter_plugin)


def _visible(markdown: str) -> list[tuple[str, str]]:
    """(block tag, its visible text) in order: what a reader of the rendered page sees."""
    out: list[tuple[str, str]] = []
    tags: list[str] = []
    for t in MD.parse(markdown):
        if t.type.endswith("_open"):
            tags.append(t.tag)
        elif t.type.endswith("_close"):
            tags.pop()
        elif t.type == "inline":
            text = "".join(c.content for c in t.children or [] if c.type in ("text", "code_inline"))
            out.append(("/".join(tags), text.strip()))
    return out


def lesson(*, kept: tuple[bool, ...], title: bool = True) -> list[Block]:
    texts = ["Hola a todos.", "El cliente es clave.", "ลูกค้า สำคัญ"]
    langs = ["es", "es", "th"]
    blocks = [Block(BlockKind.HEADING, [Segment("Lección 1", untranslated="es" if kept[0] else "")], level=1)] if title else []
    for text, lang, k in zip(texts, langs, kept[1:]):
        blocks.append(Block(BlockKind.PARAGRAPH, [Segment(text, untranslated=lang if k else "")]))
    return blocks


def test_untranslated_lesson_says_what_why_and_how_to_fix_right_under_the_title() -> None:
    md = render_markdown("x", lesson(kept=(True, True, True, True)), {"lang": "en", "missing": ["es>en", "th>en"]}).markdown
    seen = _visible(md)
    assert seen[0] == ("h1", "Lección 1")
    tag, notice = seen[1]
    assert tag == "blockquote/p"
    assert notice.startswith("Not fully translated. All 4 segments keep text in Spanish (es), Thai (th) "
                             "because no installed model translates es\u2192en, th\u2192en.")
    assert "pipeline models install FILE.argosmodel" in notice
    assert "python -m pipeline.testing.models demo es en --kind swap" in notice
    # The per-segment markers stay: one short comment per segment, nothing per run on top.
    assert md.count("<!-- untranslated: es -->") == 3 and md.count("<!-- untranslated: th -->") == 1


def test_partial_lesson_counts_and_names_only_the_missing_hop() -> None:
    md = render_markdown("x", lesson(kept=(False, False, False, True)), {"lang": "es", "missing": ["en>th"]}).markdown
    notice = _visible(md)[1][1]
    assert notice.startswith("Not fully translated. 1 of 4 segments keep text in Thai (th) because no installed "
                             "model translates en\u2192th.")
    assert "models demo en th --kind swap" in notice


def test_without_missing_in_front_matter_the_hop_is_kept_language_to_target() -> None:
    md = render_markdown("x", lesson(kept=(False, True, False, False)), {"lang": "en"}).markdown
    assert "no installed model translates es\u2192en." in _visible(md)[1][1]


def test_no_notice_when_everything_is_translated_and_none_in_sources() -> None:
    md = render_markdown("x", lesson(kept=(False, False, False, False)), {"lang": "en"}).markdown
    assert "Not fully translated" not in md and ">" not in md.split("\n", 3)[-1][:1]


def test_notice_follows_the_generated_title_and_lines_stay_right() -> None:
    blocks = lesson(kept=(True, True, True, True), title=False)
    result = render_markdown("stem", blocks, {})
    seen = _visible(result.markdown)
    assert seen[0] == ("h1", "stem") and seen[1][0] == "blockquote/p"
    lines = result.markdown.split("\n")
    for seg, no in zip([s for b in blocks for s in b.segments], result.segment_lines):
        assert lines[no - 1].startswith(seg.text)
