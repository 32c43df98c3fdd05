"""Nothing in a lesson can execute once its Markdown is rendered with raw HTML on.

Every hostile string below is put in every place render writes text (title,
front matter, headings, paragraphs, list items, table cells, credits, banners,
source lines, link text and link URLs, the untranslated notice), and every
output is rendered by markdown-it-py with HTML on (its default) *and with its
own link validation switched off*, so a ``javascript:`` link we wrote would
show instead of being silently refused by the renderer. The HTML is then read
with the stdlib parser: only Markdown's own tags, no event handlers, no link
or image target but http(s)/mailto. cmark-gfm (``--unsafe``) and pandoc
(``-f gfm``) are used too where Debian's packages are installed.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline.document import Block, BlockKind, Segment
from pipeline.render import render_markdown
from pipeline.structure import parse_blocks

HOSTILE = [
    "[<svg><script>alert(1)</script></svg>](https://example.org/)",
    "[clic](<https://x/<script>alert(1)</script>>)",
    "[clic](https://x/<script>alert(1)</script>)",
    "[clic](https://x/<script>alert(1) </script>)",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](javascript:alert(1) \"t\")",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "![i](data:image/svg+xml,<svg onload=alert(1)>)",
    "![i](javascript:alert(1))",
    "![<img src=x onerror=alert(1)>](https://x/i.png)",
    "[x](https://x/\" onmouseover=\"alert(1))",
    "[x](https://x/'onmouseover='alert(1))",
    "[x](https://x/&#34;onmouseover=alert(1))",
    "<javascript:alert(1)>",
    "<https://x/\"onmouseover=alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<mailto:a@b.c?subject=<script>alert(1)</script>>",
    "https://x/<script>alert(1)</script>",
    "https://x/\"><img src=x onerror=alert(1)>",
    "https://x/a b <https://x.org/a b>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "[[x](javascript:alert(1))](https://x/)",
    "[a [b](https://x) c](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "[x]",
    "`<script>alert(1)</script>`",
    "[`x`](javascript:alert(1))",
    "```<script>alert(1)</script>",
    "a --> <script>alert(1)</script>",
    "<!-- <script>alert(1)</script>",
    "x <!-- y",
    "--> <img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<?php echo 1 ?><![CDATA[<script>alert(1)</script>]]>",
    "\\<script>alert(1)\\</script>",
    "*<script>*alert(1)*</script>*",
    "| <script>alert(1)</script> |",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<scr<script>ipt>alert(1)</script>",
]

ALLOWED_TAGS = {"p", "a", "img", "em", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
                "table", "thead", "tbody", "tr", "th", "td", "blockquote", "hr", "code", "pre", "br", "del", "s"}
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def safe_url(value: str) -> bool:
    """http(s), mailto, or no scheme at all (a front matter line read as text may
    hold a relative link); browsers drop tabs, newlines and leading controls."""
    url = re.sub(r"[\x00-\x20]", "", html.unescape(value))
    m = SCHEME.match(url)
    return m is None or m.group(1).lower() in ("http", "https", "mailto")




def markdown_it() -> MarkdownIt:
    md = MarkdownIt()  # the commonmark preset, html on
    md.enable("table")
    md.validateLink = lambda url: True  # show what we wrote, not what the renderer would refuse
    return md


MD = markdown_it()


class Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        if tag == "a" and "a" in self.stack:
            self.problems.append("a link inside a link")
        if tag not in {"img", "br", "hr"}:
            self.stack.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name in ("href", "src") and not safe_url(value or ""):
                self.problems.append(f"{name}={value!r}")
            if name == "style":
                self.problems.append("style attribute")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass


def problems(rendered_html: str) -> list[str]:
    checker = Checker()
    checker.feed(rendered_html)
    checker.close()
    found = checker.problems
    if re.search(r"<\s*script", rendered_html, re.IGNORECASE):
        found.append("<script")
    return found


def assert_safe(markdown: str) -> None:
    out = MD.render(markdown)
    assert problems(out) == [], (markdown, out)
    for tool in (_cmark, _pandoc):
        other = tool(markdown)
        if other is not None:
            assert problems(other) == [], (tool.__name__, markdown, other)


def _run(args: list[str], markdown: str) -> str | None:
    if shutil.which(args[0]) is None:
        return None
    return subprocess.run(args, input=markdown, capture_output=True, text=True, check=True, timeout=60).stdout


def _cmark(markdown: str) -> str | None:
    return _run(["cmark-gfm", "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough"], markdown)


def _pandoc(markdown: str) -> str | None:
    return _run(["pandoc", "-f", "gfm", "-t", "html"], markdown)


def every_place(text: str) -> list[Block]:
    """One lesson holding ``text`` in every kind of block, translated (marked untranslated) or not."""
    return [
        Block(BlockKind.BANNER, [Segment(text), Segment(text)]),
        Block(BlockKind.HEADING, [Segment(text)], level=1),
        Block(BlockKind.PARAGRAPH, [Segment(text)]),
        Block(BlockKind.PARAGRAPH, [Segment("antes " + text + " después", untranslated="es")]),
        Block(BlockKind.HEADING, [Segment(text)], level=2),
        Block(BlockKind.LIST_ITEM, [Segment(text)], level=1),
        Block(BlockKind.LIST_ITEM, [Segment(text, untranslated="es --><script>alert(1)</script><!--")], level=2),
        Block(BlockKind.LIST_ITEM, [Segment(text)], level=1, ordered=True, number=1),
        Block(BlockKind.TABLE, [Segment(text), Segment("b"), Segment(text), Segment(text)], columns=2, header_rows=1),
        Block(BlockKind.CREDIT, [Segment(text)]),
        Block(BlockKind.SOURCE, [Segment(text)], url=text),
        Block(BlockKind.SOURCE, [Segment("Fuente:"), Segment(text)], url="https://example.org/a"),
        Block(BlockKind.SOURCE, [Segment("Fuente:"), Segment("ver")], url=text),
    ]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_everywhere_renders_safely(text: str) -> None:
    front = {"title": text, "source": text, "lang": "en", "missing": [text, "es>en"], "extra": {text: [text]}}
    for blocks in (every_place(text), [Block(BlockKind.PARAGRAPH, [Segment(text)])]):
        assert_safe(render_markdown(text, blocks, front).markdown)
    assert_safe(render_markdown(text, [], {}).markdown)  # the title argument as the heading


def test_all_hostile_text_in_one_lesson() -> None:
    """Reference definitions and their uses sit in different paragraphs: one file holds them all."""
    blocks = [Block(BlockKind.PARAGRAPH, [Segment(t)]) for t in HOSTILE]
    assert_safe(render_markdown("t", blocks, {}).markdown)


@pytest.mark.parametrize("raw", [
    '<p>Ver <a href="https://x/<script>alert(1)</script>">clic</a> ya</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="https://x.org/a b">https://x.org/a b</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<a href="https://x"><img src=x onerror=alert(1)></a>',
    '<a href="https://example.org/">&lt;svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;</a>',
    "Fuente: <https://x/\"><script>alert(1)</script>>",
])
def test_repaired_pages_render_safely(raw: str) -> None:
    """What repair makes of scraped HTML (it turns <a> into Markdown links) goes through render safely."""
    from pipeline.repair import repair

    text = repair(raw).text
    blocks = parse_blocks(text)
    assert_safe(render_markdown("", blocks, {"title": text}).markdown)


def test_safe_links_stay_links() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, [Segment("Vea [la guía](https://example.org/guia_(2020)) o <mailto:a@b.org> y "
                                            "[clic](<https://x/<b>>) e ![img](https://x/i.png).")]),
    ]
    tokens = [c for t in MD.parse(render_markdown("", blocks, {}).markdown) if t.type == "inline" for c in t.children or []]
    assert [c.attrGet("href") for c in tokens if c.type == "link_open"] == [
        "https://example.org/guia_(2020)", "mailto:a@b.org", "https://x/%3Cb%3E"]
    assert [c.attrGet("src") for c in tokens if c.type == "image"] == ["https://x/i.png"]


def test_refused_link_is_plain_text_as_written() -> None:
    md = render_markdown("", [Block(BlockKind.PARAGRAPH, [Segment("[x](javascript:alert(1)) y")])], {}).markdown
    (inline,) = [t for t in MD.parse(md) if t.type == "inline"]
    assert [c.type for c in inline.children or []] == ["text"]
    assert inline.children[0].content == "[x](javascript:alert(1)) y"  # type: ignore[index]


# --------------------------------------------------------------------------- autolinks for bare source URLs


def _links(markdown: str) -> list[tuple[str, str]]:
    out, href, text = [], None, ""
    for token in MD.parse(markdown):
        for c in token.children or []:
            if c.type == "link_open":
                href, text = c.attrGet("href"), ""
            elif c.type == "link_close":
                out.append((str(href), text))
                href = None
            elif href is not None and c.type == "text":
                text += c.content
    return out


@pytest.mark.parametrize("url, href", [
    ("https://es.wikipedia.org/wiki/Modelo_de_negocio", "https://es.wikipedia.org/wiki/Modelo_de_negocio"),
    ("https://x.org/a b", "https://x.org/a%20b"),
    ("https://x.org/<b>", "https://x.org/%3Cb%3E"),
    ("https://x.org/a>b<c", "https://x.org/a%3Eb%3Cc"),
    ("https://x.org/wiki/A_(b)", "https://x.org/wiki/A_(b)"),
    ("https://x.org/a)b", "https://x.org/a)b"),
])
def test_bare_source_url_is_one_autolink(url: str, href: str) -> None:
    blocks = [Block(BlockKind.SOURCE, [Segment("Fuente:")], url=url),
              Block(BlockKind.SOURCE, [Segment("Fuente:"), Segment(url)], url=url)]
    if not re.search(r"[ <>)]", url):  # else not a Markdown link to begin with
        blocks.append(Block(BlockKind.PARAGRAPH, [Segment(f"Fuente: [{url}]({url})")]))
    for block in blocks:
        md = render_markdown("", [block], {}).markdown
        assert "](" not in md and md.startswith("Fuente: <") and md.endswith(">\n"), md
        assert [h for h, _ in _links(md)] == [href]
        for tool in (_cmark, _pandoc):
            other = tool(md)
            if other is not None:
                assert len(re.findall(r"<a\s", other)) == 1 and problems(other) == [], other


_URL_CHARS = st.text(st.sampled_from(list("abc/_-.()<> \"'`[]*&;#%?=\\") + ["ñ", "ก"]), max_size=25)


@settings(max_examples=300, deadline=None)
@given(_URL_CHARS)
def test_any_source_url_stays_inside_its_autolink(tail: str) -> None:
    url = "https://x.org/" + tail
    md = render_markdown("", [Block(BlockKind.SOURCE, [Segment("Fuente:")], url=url)], {}).markdown
    links = _links(md)
    assert len(links) == 1
    out = MD.render(md)
    assert problems(out) == [], (md, out)
    # Nothing after the autolink but the end of the line: the URL did not break out.
    assert md.startswith("Fuente: <") and md.endswith(">\n"), md


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE + ["texto", " ", "[", "]", "(", ")", "<", ">", "!", "`", "&", "*"]),
                min_size=1, max_size=6))
def test_any_mix_of_hostile_pieces_renders_safely(pieces: list[str]) -> None:
    text = "".join(pieces)
    md = render_markdown("", [Block(BlockKind.PARAGRAPH, [Segment(text)]),
                              Block(BlockKind.TABLE, [Segment(text), Segment(text)], columns=1, header_rows=1)], {}).markdown
    out = MD.render(md)
    assert problems(out) == [], (md, out)
