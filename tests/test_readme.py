"""Every example in README.md runs as written (the way sqlite-utils tests its docs).

Generic on purpose: README.md is edited by many hands, so nothing here names a
particular example. The rules, also stated in the README's Development section:

* ```` ```sh ```` (and bash, console: its `$ ` lines) blocks run in order, line by line, in ONE bash shell (so
  ``. .venv/bin/activate`` in the Quick start carries on to later blocks, as
  for a reader), started with ``.venv`` not on PATH, in a temporary folder
  holding a copy of ``raw/`` and ``glossary.csv`` and a link to the venv, with
  HOME/XDG/ARGOS folders of its own; each line must exit 0. ``make`` lines are
  dry-run (``make -n``): they build the venv and run this very suite.
* model files an example names (``translate-es_en-1_9.argosmodel``) are built
  first as demo packages; ``--from-index SRC TGT`` pairs are served, with an
  index, from 127.0.0.1 in place of any ``https://….example/`` URL.
* ```` ```toml ```` blocks become ``pipeline.toml``: every table and key must be
  accepted with its value, and ``pipeline run`` must run with the file.
* ```` ```csv ```` blocks are glossaries: ``pipeline glossary lint`` exits 0.
* each ``PIPELINE_NAME=value`` in the text must be an option's variable, and
  the value must reach that option.
* ``<!-- readme-test: skip WHY -->`` on the line before a block skips it;
  ``<!-- readme-test: exit N -->`` expects exit N from its lines.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.core import ParameterSource

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
VENV = Path(sys.prefix)  # the venv running these tests; the workspace's .venv links to it

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
                    re.M | re.S)
_DIRECTIVE = re.compile(r"<!--\s*readme-test:\s*(?P<what>skip|exit)\b\s*(?P<arg>.*?)\s*-->")
_MODEL_FILE = re.compile(r"translate-([a-z]{2,3})_([a-z]{2,3})-(\d+(?:_\d+)*)\.argosmodel")
_FROM_INDEX = re.compile(r"--from-index\s+([a-z]{2,3})\s+([a-z]{2,3})")
_EXAMPLE_URL = re.compile(r"https?://[A-Za-z0-9.-]+\.example(?::\d+)?")
_VARIABLE = re.compile(r"`(?:[^`]*\s)?(PIPELINE_[A-Z0-9_]+)=([^\s`]*)")


@dataclass(frozen=True)
class Block:
    lang: str
    body: str
    line: int  # 1-based line of the opening fence
    skip: str | None = None  # why, when skipped
    exit_codes: tuple[int, ...] = (0,)


def readme_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for m in _FENCE.finditer(text):
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        d = _DIRECTIVE.search(before)
        skip = d.group("arg") or "marked" if d and d.group("what") == "skip" else None
        codes = (0,)
        if d and d.group("what") == "exit":
            codes = tuple(int(c) for c in re.findall(r"\d+", d.group("arg"))) or (0,)
        lang = (m.group("info").strip().split() or [""])[0].lower()
        blocks.append(Block(lang, m.group("body"), text.count("\n", 0, m.start()) + 1, skip, codes))
    return blocks


def command_lines(block: Block) -> list[tuple[int, str]]:
    """(README line, command) per logical line: comments and blanks dropped, ``\\`` continuations joined."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for i, raw in enumerate(block.body.split("\n")):
        line = raw.rstrip()
        if block.lang == "console" and not pending:  # `$ command` lines; the rest is shown output
            if not line.startswith("$ "):
                continue
            line = line[2:]
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if not pending:
            start = block.line + 1 + i
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append((start, pending + line))
        pending = ""
    return out


SHELL_LANGS = ("sh", "bash", "shell", "console")
TEXT = README.read_text("utf-8")
BLOCKS = readme_blocks(TEXT)


# --------------------------------------------------------------------------- the workspace


def _fresh_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIPELINE_", "ARGOS_", "VIRTUAL_ENV", "XDG_"))}
    bin_dir = str(VENV / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep)
                                  if p and Path(p).resolve() != Path(bin_dir).resolve())
    for var, sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("ARGOS_PACKAGES_DIR", "argos-packages")):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    # demo packages built once per machine, as the other tests do (pipeline.testing.models)
    env["PIPELINE_TEST_MODELS_CACHE"] = os.environ.get("PIPELINE_TEST_MODELS_CACHE", "") or str(
        Path(os.environ.get("TMPDIR", "/tmp")) / "pipeline-test-models")
    env["COLUMNS"] = "120"
    return env


def _workspace(tmp: Path) -> Path:
    work = tmp / "work"
    work.mkdir()
    shutil.copytree(ROOT / "raw", work / "raw")
    if (ROOT / "glossary.csv").is_file():
        shutil.copy(ROOT / "glossary.csv", work / "glossary.csv")
    (work / ".venv").symlink_to(VENV, target_is_directory=True)
    return work


@pytest.fixture
def index_url(tmp_path: Path) -> Iterator[str]:
    """A package index on 127.0.0.1 serving a demo package for every ``--from-index SRC TGT`` of the README."""
    from pipeline.testing.models import build_package

    www = tmp_path / "www"
    (www / "packages").mkdir(parents=True)
    entries = []
    for src, tgt in sorted(set(_FROM_INDEX.findall(TEXT))):
        path = build_package(www / "packages", src, tgt)
        data = path.read_bytes()
        entries.append({"type": "translate", "from_code": src, "to_code": tgt, "package_version": "1.0",
                        "argos_version": "1.0", "links": [f"packages/{path.name}"],
                        "sha256": hashlib.sha256(data).hexdigest()})
    index = json.dumps(entries).encode()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **kw: object) -> None:
            super().__init__(*a, directory=str(www), **kw)  # type: ignore[arg-type]

        def do_GET(self) -> None:
            if self.path.split("?")[0].endswith(".json"):  # whatever the README calls its index
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(index)))
                self.end_headers()
                self.wfile.write(index)
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _prepare_line(cmd: str, work: Path, index: str) -> str:
    from pipeline.testing.models import build_package

    for src, tgt, version in _MODEL_FILE.findall(cmd):
        name = f"translate-{src}_{tgt}-{version}.argosmodel"
        if not (work / name).exists():
            built = build_package(work / ".demo", src, tgt, package_version=version.replace("_", "."))
            shutil.copy(built, work / name)
    cmd = _EXAMPLE_URL.sub(index, cmd)
    words = shlex.split(cmd, comments=True) or [""]
    if words[0] == "make":  # builds the venv / runs this suite: check the target exists and parses
        return f"make -n -C {shlex.quote(str(ROOT))} " + shlex.join(words[1:])
    return cmd


# --------------------------------------------------------------------------- the tests


def test_the_readme_has_examples_of_each_kind() -> None:
    kinds = {b.lang for b in BLOCKS}
    assert {"sh", "toml"} <= kinds, kinds
    assert sum(len(command_lines(b)) for b in BLOCKS if b.lang in SHELL_LANGS) >= 10


@pytest.mark.slow
def test_every_shell_example_runs(tmp_path: Path, index_url: str) -> None:
    work = _workspace(tmp_path)
    env = _fresh_env(tmp_path)
    lines: list[tuple[Block, int, str]] = []
    for block in BLOCKS:
        if block.lang in SHELL_LANGS and block.skip is None:
            lines.extend((block, n, cmd) for n, cmd in command_lines(block))
    assert lines
    logs = tmp_path / "logs"
    logs.mkdir()
    script = ["exec 3>" + shlex.quote(str(logs / "rc")), "cd " + shlex.quote(str(work))]
    for i, (_block, _n, cmd) in enumerate(lines):
        out = shlex.quote(str(logs / f"{i}.out"))
        script.append(f"{{ {_prepare_line(cmd, work, index_url)}\n}} </dev/null >{out} 2>&1")
        script.append('echo "$?" >&3')
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-c", "\n".join(script)], env=env, cwd=work,
                          capture_output=True, text=True, timeout=900)
    codes = [int(c) for c in (logs / "rc").read_text().split()]
    failures = []
    for i, (block, n, cmd) in enumerate(lines):
        code = codes[i] if i < len(codes) else None
        if code not in block.exit_codes:
            output = (logs / f"{i}.out").read_text("utf-8", "replace").strip() if (logs / f"{i}.out").exists() else ""
            failures.append(f"README.md:{n}: `{cmd}` exited {code} (wanted {block.exit_codes}):\n"
                            + "\n".join("    " + x for x in output.splitlines()[-8:]))
    assert not failures, "\n".join(failures) + ("\n" + proc.stderr if proc.stderr else "")


def _toml_blocks() -> list[Block]:
    return [b for b in BLOCKS if b.lang == "toml" and b.skip is None]


@pytest.mark.parametrize("block", _toml_blocks(), ids=lambda b: f"README.md:{b.line}")
def test_every_settings_example_is_accepted(block: Block, tmp_path: Path) -> None:
    import tomllib

    from pipeline.cli import main
    from pipeline.settings_file import SettingsTables

    data = tomllib.loads(block.body)
    # every table and key is known, and every value converts with its option's own type
    ctx = click.Context(main, info_name="pipeline")
    tables = SettingsTables(main, ctx, data, Path("pipeline.toml"))

    def walk(group: click.Group, gmap: SettingsTables, raw: dict[str, object], words: list[str]) -> None:
        for name, value in raw.items():
            cmd = group.get_command(ctx, name)
            assert cmd is not None and isinstance(value, dict)
            sub = gmap.get(name)
            if isinstance(cmd, click.Group):
                walk(cmd, sub, value, [*words, name])
                continue
            cctx = click.Context(cmd, info_name=name, parent=ctx)
            for p in cmd.params:
                if p.name in sub:
                    p.type_cast_value(cctx, sub[p.name])  # raises when the README's value is refused

    walk(main, tables, data, [])
    if "run" in data:  # and the main job runs with the file, as the README says
        work = _workspace(tmp_path)
        (work / "pipeline.toml").write_text(block.body, encoding="utf-8")
        env = _fresh_env(tmp_path)
        proc = subprocess.run([str(VENV / "bin" / "pipeline"), "run", "raw", "out"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        for lang in str(tables.get("run").get("targets", "")).split(","):
            if lang:
                assert (work / "out" / lang).is_dir(), f"[run] to = … did not write out/{lang}/"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.lang == "csv" and b.skip is None],
                         ids=lambda b: f"README.md:{b.line}")
def test_every_glossary_example_lints_clean(block: Block, tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text(block.body, encoding="utf-8")
    proc = subprocess.run([str(VENV / "bin" / "pipeline"), "glossary", "lint", str(path)], cwd=tmp_path,
                          env=_fresh_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _option_variables() -> dict[str, list[tuple[list[str], click.Command, click.Option]]]:
    from pipeline.cli import main

    ctx = click.Context(main)
    found: dict[str, list[tuple[list[str], click.Command, click.Option]]] = {}

    def walk(words: list[str], cmd: click.Command) -> None:
        for p in cmd.params:
            if isinstance(p, click.Option):
                names = [p.envvar] if isinstance(p.envvar, str) else list(p.envvar or [])
                for n in names:
                    found.setdefault(n, []).append((words, cmd, p))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                walk([*words, name], sub)

    walk([], main)
    return found


def test_every_variable_in_the_readme_reaches_its_option(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cli import main

    known = _option_variables()
    mentioned = sorted(set(_VARIABLE.findall(TEXT)))
    assert mentioned, "the README names no PIPELINE_* variable"
    for name, value in mentioned:
        if name.endswith("_"):  # a pattern such as PIPELINE_<COMMAND>_<OPTION>, not a variable
            continue
        assert name in known, f"README names {name}, which no option reads"
        words, cmd, param = known[name][0]
        for var in list(os.environ):
            if var.startswith("PIPELINE_"):
                monkeypatch.delenv(var)
        monkeypatch.setenv(name, value)
        ctx = click.Context(main, info_name="pipeline")
        for w in words[:-1] if words else []:
            ctx = click.Context(ctx.command.get_command(ctx, w), info_name=w, parent=ctx)  # type: ignore[union-attr, arg-type]
        cctx = cmd.make_context(words[-1] if words else "pipeline", [], parent=ctx if words else None,
                                resilient_parsing=True)
        assert cctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT, name  # type: ignore[arg-type]
        assert param.type_cast_value(cctx, param.value_from_envvar(cctx)) == cctx.params[param.name], name  # type: ignore[index]
