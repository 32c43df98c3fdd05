"""The report in headless Chromium: the DOM after the page's script ran, and a screenshot.

Skipped with a reason when Debian's chromium is not installed
(`apt-get install -y chromium`). The filter state is read from the URL hash
at load, so `--dump-dom` shows the filtered page; `open=NAME` (or `open=*`)
makes the script build lesson bodies at load, so their DOM is checked too.
"""

from __future__ import annotations

import json
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from test_report import EVIL, GLOSSARY, make_out

from pipeline.report import write_report

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed (apt-get install -y chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def dump_dom(tmp: Path, url: str) -> str:
    result = chromium(tmp, "--dump-dom", url)
    assert "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout


class Dom(HTMLParser):
    """The dumped DOM as (tag, attrs, text inside) for the elements the tests look at."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.stack: list[int] = []
        self.texts: dict[int, list[str]] = {}
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in {"br", "img", "input", "meta", "link", "hr", "wbr"}:
            self.stack.append(len(self.elements) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            i = self.stack.pop()
            if self.elements[i][0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for i in self.stack:
            self.texts.setdefault(i, []).append(data)

    def select(self, tag: str, cls: str | None = None) -> list[tuple[dict[str, str], str]]:
        return [(a, "".join(self.texts.get(i, [])))
                for i, (t, a) in enumerate(self.elements)
                if t == tag and (cls is None or cls in a.get("class", "").split())]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    out = make_out(tmp / "out")
    (tmp / "terms.csv").write_text(GLOSSARY, "utf-8")
    write_report(out, tmp / "report.html", str(tmp / "terms.csv"))
    return tmp / "report.html"


def _visible(dom: Dom) -> list[str]:
    return [a["data-lesson"] for a, _ in dom.select("details", "lesson") if "hidden" not in a]


def test_script_ran_and_nothing_is_filtered(page: Path, tmp_path: Path) -> None:
    dom = Dom(dump_dom(tmp_path, page.as_uri()))
    body = dom.select("body")[0][0]
    assert body.get("data-ready") == "1"
    assert _visible(dom) == ["canvas/relaciones", "lesson5", "zz-clean"]
    assert dom.select("output")[0][1] == "3 of 3 lessons shown"
    assert dom.select("table", "seg") == []  # nothing rendered until a lesson is opened


@pytest.mark.parametrize("fragment, visible", [
    ("kind=untranslated", ["canvas/relaciones"]),
    ("kind=glossary", ["lesson5"]),
    ("kind=thai", ["canvas/relaciones"]),
    ("q=LESSON+5", ["lesson5"]),  # case-insensitive, "+" is a space
    ("q=clientes", ["canvas/relaciones"]),  # matches the title
    ("q=zz&kind=edits", []),
])
def test_filter_from_the_url(page: Path, tmp_path: Path, fragment: str, visible: list[str]) -> None:
    dom = Dom(dump_dom(tmp_path, f"{page.as_uri()}#{fragment}"))
    assert _visible(dom) == visible
    assert dom.select("output")[0][1] == f"{len(visible)} of 3 lessons shown"
    none = dom.select("p")
    assert any(a.get("id") == "none" and ("hidden" in a) == bool(visible) for a, _ in none)


def test_opened_lesson_shows_rows_marks_and_untranslated(page: Path, tmp_path: Path) -> None:
    dom = Dom(dump_dom(tmp_path, f"{page.as_uri()}#kind=untranslated&open=canvas/relaciones"))
    lesson = dom.select("details", "lesson")[0][0]
    assert "open" in lesson and lesson.get("data-rendered") == "1"
    rows = dom.select("tr", "row")
    assert len(rows) == 3
    assert "k-untranslated" in rows[1][0]["class"] and "k-thai" in rows[1][0]["class"]
    cells = dom.select("td", "st-partial")
    assert len(cells) == 1 and "partly untranslated: no model th\u2192en" in cells[0][1]
    assert "route: es\u2192en, kept" in cells[0][1]
    # The kept Thai run is coloured Thai inside the English column, the rest English.
    assert [(a["class"], t) for a, t in dom.select("span") if a.get("title") in ("en", "th") and t in
            ("Attention is key. ", "ลูกค้าสำคัญมาก")][-2:] == [("l-en", "Attention is key. "), ("l-th", "ลูกค้าสำคัญมาก")]
    repairs = [m for m in dom.select("mark", "m-e") if "data-ref" in m[0]]  # not the legend's
    assert [text for a, text in repairs][:3] == ["ó", "ón", "ó"]
    assert repairs[0][0]["title"] == 'repaired "ó;" \u2192 "ó" (rule half_entity, confidence 0.97)'
    flagged = [m for m in dom.select("mark", "m-f") if "data-ref" in m[0]]
    assert flagged[0][1] == ";mo" and "flagged, not applied" in flagged[0][0]["title"]
    assert [text for a, text in dom.select("span", "l-th") if a.get("title") == "th"][:1] == ["ลูกค้าสำคัญมาก"]
    tables = dom.select("table", "edits")
    assert len(tables) == 2  # repairs applied, flagged
    assert "half_entity" in tables[0][1] and "0.97" in tables[0][1] and "lost_letters" in tables[1][1]


def test_scraped_script_does_not_run(page: Path, tmp_path: Path) -> None:
    dom = Dom(dump_dom(tmp_path, f"{page.as_uri()}#open=*"))
    body = dom.select("body")[0][0]
    assert "data-pwned" not in body, "text from a lesson ran as script"
    assert dom.select("img") == []
    src = [text for a, text in dom.select("td", "src")]
    assert f"Lesson 5 {EVIL}" in src  # shown as text

def test_glossary_violations_are_shown(page: Path, tmp_path: Path) -> None:
    dom = Dom(dump_dom(tmp_path, f"{page.as_uri()}#kind=glossary&open=lesson5"))
    notes = [text for _, text in dom.select("span", "glossary")]
    assert notes == ["glossary (during the run): lienzo del modelo de negocio -> Business Model Canvas",
                     "glossary: missing-term negocio: expected \u201centerprise\u201d"]
    table = dom.select("table", "gloss")
    assert len(table) == 1
    assert all(x in table[0][1] for x in ("missing-term", "negocio", "enterprise", "en/lesson5.md:2", "segment 1"))


def test_thousand_lessons_load_and_filter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./glossary.csv: the default lookup must not find the checkout's
    out = make_out(tmp_path / "out")
    lessons = out / ".pipeline" / "lessons"
    template = json.loads((lessons / "canvas" / "relaciones.json").read_text("utf-8"))
    for i in range(997):
        data = dict(template, lesson=f"bulk/l{i:04d}", title=f"Bulk lesson {i}")
        path = lessons / "bulk" / f"l{i:04d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    report = tmp_path / "big.html"
    write_report(out, report)
    dom = Dom(dump_dom(tmp_path, f"{report.as_uri()}#kind=glossary&open=*"))
    assert len(dom.select("details", "lesson")) == 1000
    assert _visible(dom) == ["lesson5"]
    assert dom.select("output")[0][1] == "1 of 1000 lessons shown"
    assert len([a for a, _ in dom.select("details", "lesson") if a.get("data-rendered")]) == 1


# --------------------------------------------------------------------------- screenshot


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the unfiltered pixel bytes of an 8-bit RGB(A) PNG, with the stdlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride, out, prev = width * channels, bytearray(), bytearray(width * channels)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = prev[x], prev[x - channels] if x >= channels else 0
            pred = {0: 0, 1: a, 2: b, 3: (a + b) // 2}.get(f)
            if pred is None:  # Paeth
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[x] = (line[x] + pred) & 0xFF
        out += line
        prev = line
    return width, height, bytes(out)


def test_screenshot_is_not_blank(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,900", "--hide-scrollbars",
                      f"{page.as_uri()}#open=canvas/relaciones")
    assert shot.is_file() and shot.stat().st_size > 5000, result.stderr[-2000:]
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1280, 900)
    channels = len(pixels) // (width * height)
    colours = {pixels[i:i + 3] for i in range(0, len(pixels), channels * 7)}
    assert len(colours) > 20, "the screenshot looks blank"
    # The coloured runs are painted: the Thai colour (#ffd49a) and the repair colour (#fff176) appear.
    assert bytes.fromhex("ffd49a") in colours and bytes.fromhex("fff176") in colours


# --------------------------------------------------------------------------- a live page (DevTools over a pipe)


class Live:
    """Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``).

    Standard library only: messages are JSON separated by NUL bytes on file
    descriptors 3 (to the browser) and 4 (from it). Real key events
    (``Input.dispatchKeyEvent``) submit forms as a person's Enter does; the
    console and the browser log (where CSP violations are reported) are kept.
    """

    def __init__(self, tmp: Path, width: int = 1400, height: int = 900) -> None:
        import os

        to_child, self._w = os.pipe()
        self._r, from_child = os.pipe()

        def fds() -> None:
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        profile = tmp / "live-profile"
        profile.mkdir(exist_ok=True)
        self.proc = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [CHROMIUM, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", f"--window-size={width},{height}",
             "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(method, session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        self.call("Emulation.setFocusEmulationEnabled", session=True, enabled=True)

    def _send(self, msg: dict[str, Any]) -> None:
        import os

        os.write(self._w, json.dumps(msg).encode() + b"\0")

    def _read(self, timeout: float = 60) -> dict[str, Any]:
        import os
        import select

        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._r], [], [], timeout)
            assert ready, "chromium stopped answering"
            chunk = os.read(self._r, 1 << 20)
            assert chunk, "chromium closed the pipe"
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        msg: dict[str, Any] = json.loads(raw)
        return msg

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self._send(msg)
        while True:
            reply = self._read()
            if reply.get("id") == self._id:
                assert "error" not in reply, reply
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, since: int = 0, timeout: float = 60) -> dict[str, Any]:
        for e in self.events[since:]:
            if e["method"] == method:
                return e
        while True:
            e = self._read(timeout)
            if "method" in e:
                self.events.append(e)
                if e["method"] == method:
                    return e

    def open(self, url: str) -> None:
        mark = len(self.events)
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired", since=mark)

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def key(self, key: str, code: str, vk: int, text: str = "") -> None:
        for kind in ("keyDown", "keyUp"):
            params: dict[str, Any] = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": vk}
            if kind == "keyDown" and text:
                params["text"] = text
            self.call("Input.dispatchKeyEvent", session=True, **params)

    def errors(self) -> list[str]:
        """Console errors, exceptions and browser log errors (a CSP violation is one) seen so far."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(p["entry"]["text"])
            elif e["method"] == "Runtime.consoleAPICalled" and p["type"] == "error":
                out.append(" ".join(str(a.get("value")) for a in p["args"]))
            elif e["method"] == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"]["text"])
        return out

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)


@pytest.fixture()
def live(tmp_path: Path) -> Any:
    browser = Live(tmp_path)
    yield browser
    browser.close()


def test_enter_in_the_filter_keeps_the_page_and_open_lessons(page: Path, live: Live) -> None:
    live.open(f"{page.as_uri()}#open=canvas/relaciones")
    assert live.js("document.querySelector('details[data-lesson=\"canvas/relaciones\"]').open") is True
    live.js("window.__stay = 1; document.getElementById('q').focus()")
    navigations = sum(1 for e in live.events if e["method"] == "Page.frameNavigated")
    for ch in "rel":
        live.key(ch, f"Key{ch.upper()}", ord(ch.upper()), ch)
    live.key("Enter", "Enter", 13, "\r")
    live.js("new Promise(function (r) { setTimeout(r, 300); })")
    assert live.js("window.__stay") == 1, "the page was reloaded"
    assert sum(1 for e in live.events if e["method"] == "Page.frameNavigated") == navigations
    assert live.js("document.getElementById('q').value") == "rel"
    assert live.js("document.querySelector('details[data-lesson=\"canvas/relaciones\"]').open") is True
    assert live.js("document.getElementById('shown').textContent") == "1 of 3 lessons shown"
    assert live.errors() == [], live.errors()


def _targets_out(out: Path, langs: list[str]) -> Path:
    from test_report import make_lesson

    long = "La propuesta de valor explica cómo un producto resuelve un problema del cliente. " * 3
    make_lesson(out, "cols", "Columnas", long + "\n", segments=[("paragraph", long.strip(), [(long.strip(), "es")])],
                translations={t: [{"text": f"[{t}] The value proposition explains how a product solves a problem. " * 3,
                                   "status": "translated"}] for t in langs})
    return out


@pytest.mark.parametrize("langs", [["en"], ["en", "th"], ["en", "fr", "th"]])
def test_text_columns_share_the_width(tmp_path: Path, live: Live, langs: list[str]) -> None:
    out = _targets_out(tmp_path / "out", langs)
    write_report(out, tmp_path / "r.html")
    live.open(f"{(tmp_path / 'r.html').as_uri()}#open=cols")
    widths = live.js("Array.prototype.map.call(document.querySelectorAll('table.seg th'), "
                     "function (th) { return Math.round(th.getBoundingClientRect().width); })")
    viewport = live.js("document.documentElement.clientWidth")
    text = widths[2:]
    assert len(text) == 1 + len(langs)
    assert max(text) - min(text) <= 2, widths  # source and every target alike
    assert sum(widths) <= viewport, (widths, viewport)  # nothing pushed off screen
    assert min(text) >= (viewport - 200) / len(text) * 0.85, widths
    print(f"column widths at {viewport}px with {len(langs)} target(s): {widths}")


def test_marks_after_chained_repairs_sit_on_the_repaired_letters(tmp_path: Path, live: Live) -> None:
    from pipeline.repair import repair

    raw = "LecciÃ³n 1: el mÃ³;dulo de la compaÃ±Ã­;a y &amp;lt;/script&amp;gt; fin. TambiÃ©n"
    r = repair(raw)
    out = tmp_path / "out"
    side = out / ".pipeline/lessons/chain.json"
    side.parent.mkdir(parents=True)
    side.write_text(json.dumps({
        "schema": 1, "lesson": "chain", "title": "chain", "text": r.text, "edits": [e.as_dict() for e in r.edits],
        "segments": [{"id": 0, "kind": "paragraph", "text": r.text, "spans": [{"start": 0, "end": len(r.text), "lang": "es"}]}],
    }), "utf-8")
    write_report(out, tmp_path / "r.html")
    live.open(f"{(tmp_path / 'r.html').as_uri()}#open=chain")
    marks = live.js("""(function () {
        var td = document.querySelector('td.src'), at = 0, out = [];
        td.childNodes.forEach(function (n) {
          if (n.tagName === 'MARK') out.push([at, n.textContent, n.getAttribute('data-ref'), n.title]);
          at += n.textContent.length;
        });
        return [td.textContent, out];
    })()""")
    text, found = marks
    assert text == r.text
    got = [(text[max(0, at - 5):at], shown, text[at + len(shown):at + len(shown) + 4], ref) for at, shown, ref, _ in found]
    assert got == [("Lecci", "ó", "n 1:", "e0"), (" el m", "ó", "dulo", "e1 e2"), ("compa", "ñí", "a y ", "e3 e4"),
                   ("ía y ", "<", "/scr", "e5"), ("cript", ">", " fin", "e6"), ("Tambi", "é", "n", "e7")]
    assert found[1][3] == ('repaired "Ã³" \u2192 "ó" (rule mojibake, confidence 0.95); then '
                           'repaired "ó;" \u2192 "ó" (rule half_entity, confidence 0.97)')
    assert live.errors() == []


def test_script_inside_a_lesson_never_runs_live(page: Path, live: Live) -> None:
    live.open(f"{page.as_uri()}#open=*")
    live.js("document.getElementById('open-shown').click()")
    live.js("new Promise(function (r) { setTimeout(r, 300); })")
    assert live.js("document.body.hasAttribute('data-pwned')") is False
    assert live.js("document.querySelectorAll('img').length") == 0
    assert live.js("document.querySelectorAll('script').length") == 1 + 3  # our script and the inert islands
    assert live.errors() == []


def test_paged_index_links_open_the_lesson_on_its_page(tmp_path: Path, live: Live) -> None:
    from test_report import make_out

    out = make_out(tmp_path / "out")
    write_report(out, tmp_path / "r.html", page_size=1)
    live.open(f"{(tmp_path / 'r.html').as_uri()}#kind=glossary")
    hits = live.js("Array.prototype.map.call(document.querySelectorAll('#hits a'), function (a) { return a.href; })")
    assert len(hits) == 1 and hits[0].endswith("r.pages/0002.html#open=lesson5")
    live.open(hits[0])
    assert live.js("document.querySelector('details[data-lesson=\"lesson5\"]').open") is True
    assert live.errors() == []
