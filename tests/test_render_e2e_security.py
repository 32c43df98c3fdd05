"""End to end: hostile scraped pages through `pipeline run`; every Markdown file it writes renders safely.

The pages hold raw HTML and Markdown link markup in link text and link URLs
(the cases of issue 11) and in titles; after decode, repair (which turns
``<a>`` into Markdown links and decodes entities into ``<``), structure and
render, each output is read by markdown-it-py with HTML on and its own link
check off, and by cmark-gfm/pandoc where installed (see test_render_security).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_render_security import HOSTILE, assert_safe

from pipeline.cli import main

PAGES = {
    "links.txt": (
        '<p>Lección <a href="https://x/<script>alert(1)</script>">clic</a> y más</p>\n\n'
        "[<svg><script>alert(1)</script></svg>](https://example.org/)\n\n"
        '<p>Ver <a href="javascript:alert(1)">esto</a> o <a href="data:text/html,<script>alert(1)</script>">aquello</a>.</p>\n\n'
        "&lt;script&gt;alert(1)&lt;/script&gt; y &amp;lt;img src=x onerror=alert(1)&amp;gt;\n\n"
        "Fuente: <https://x/\"><script>alert(2)</script>>\n"
    ),
    "title.txt": "<script>alert(1)</script> [x](javascript:alert(1))\n\n" + "\n\n".join(HOSTILE) + "\n",
    "table.txt": "Bloque\tPregunta\n[x](javascript:alert(1))\t<img src=x onerror=alert(1)>\n\nFuente: [https://a.org/x](https://a.org/x)\n",
}


def test_every_output_of_a_hostile_batch_renders_safely(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in PAGES.items():
        (raw / name).write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["run", str(raw), str(tmp_path / "out"), "--to", "en", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").rglob("*.md"))
    assert len(files) == 2 * len(PAGES)
    for md in files:
        assert_safe(md.read_text("utf-8"))
    source = (tmp_path / "out/source/table.md").read_text("utf-8")
    assert "Fuente: <https://a.org/x>" in source  # a bare source URL is one autolink
