"""The translation memory as TMX 1.4, for CAT tools (OmegaT, Trados, memoQ, translate-toolkit).

A CAT tool pre-translates with whatever its TMX offers: an es->en project fed
a file that also holds es->th units fills Spanish segments with Thai. So the
export is per pair on request (``pairs``), and the header's ``srclang`` names
the one source language when there is one. ``multilingual`` writes one
``<tu>`` per source text holding every target language instead of one per
pair.

The memory stores one entry per model hop (es->en, en->th along a pivot
route). A requested pair with no direct entries for a text is composed from
two hops that meet on the same middle text (es->en then en->th), marked
``x-route`` so a reviewer can tell.

XML 1.0 cannot carry most C0 controls or U+FFFE/U+FFFF, not even as character
references. A unit holding one is left out and counted (:class:`TmxResult`),
never written with a replacement character: nothing is lost silently, and the
entry stays in the memory.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from pipeline.translate.memory import TranslationMemory

# Characters XML 1.0 cannot hold in any form (plus lone surrogates, which cannot be encoded).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class _Row:
    source: str
    src: str
    tgt: str
    target: str
    model: str
    created: str
    route: str = ""  # "es>en>th" when composed from two hops


@dataclass
class TmxResult:
    """What the export wrote and what it left out, for the command's summary."""

    units: int = 0
    pairs: list[tuple[str, str]] = field(default_factory=list)  # pairs present in the file
    empty_pairs: list[tuple[str, str]] = field(default_factory=list)  # requested, but nothing in the memory
    left_out: list[str] = field(default_factory=list)  # sources of units XML cannot carry
    composed: int = 0  # units composed through a pivot language


def export_tmx(memory: TranslationMemory, path: str | os.PathLike[str], *, pairs: Sequence[tuple[str, str]] = (),
               multilingual: bool = False, tool_version: str = "") -> TmxResult:
    """Write ``memory`` (only ``pairs`` when given) as TMX 1.4, atomically."""
    rows = _select(memory, pairs)
    result = TmxResult()
    wanted = list(dict.fromkeys(pairs))
    present = sorted({(r.src, r.tgt) for r in rows})
    result.pairs = present
    result.empty_pairs = [p for p in wanted if p not in present]
    result.composed = sum(1 for r in rows if r.route)
    units = _multilingual_units(rows) if multilingual else _bilingual_units(rows)
    kept: list[list[_Row]] = []
    for unit in units:
        bad = [r for r in unit if XML_INVALID.search(r.source) or XML_INVALID.search(r.target)]
        if bad:
            result.left_out.append(unit[0].source)
            continue
        kept.append(unit)
    sources = {u[0].src for u in kept} or {p[0] for p in wanted}
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(root, "header", {
        "creationtool": "pipeline", "creationtoolversion": tool_version or "0",
        "segtype": "sentence", "o-tmf": "pipeline-sqlite", "adminlang": "en",
        "srclang": sources.pop() if len(sources) == 1 else "*all*", "datatype": "plaintext",
    })
    body = ET.SubElement(root, "body")
    for unit in kept:
        _write_unit(body, unit, multilingual)
    result.units = len(kept)
    ET.indent(root)
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
    atomic_write_bytes(path, data)
    return result


def _write_unit(body: ET.Element, unit: list[_Row], multilingual: bool) -> None:
    first = unit[0]
    tu = ET.SubElement(body, "tu", {"srclang": first.src, "creationdate": max(r.created for r in unit)})
    if not multilingual:  # one target: its provenance belongs to the unit
        ET.SubElement(tu, "prop", type="x-model").text = first.model
        if first.route:
            ET.SubElement(tu, "prop", type="x-route").text = first.route
    ET.SubElement(ET.SubElement(tu, "tuv", {"xml:lang": first.src}), "seg").text = first.source
    for r in unit:
        tuv = ET.SubElement(tu, "tuv", {"xml:lang": r.tgt})
        if multilingual:
            ET.SubElement(tuv, "prop", type="x-model").text = r.model
            if r.route:
                ET.SubElement(tuv, "prop", type="x-route").text = r.route
        ET.SubElement(tuv, "seg").text = r.target


def _bilingual_units(rows: list[_Row]) -> list[list[_Row]]:
    """One unit per distinct (pair, source, target); the newest entry names the model."""
    best: dict[tuple[str, str, str, str], _Row] = {}
    for r in rows:
        k = (r.src, r.tgt, r.source, r.target)
        if k not in best or _newer(r, best[k]):
            best[k] = r
    return [[best[k]] for k in sorted(best)]


def _multilingual_units(rows: list[_Row]) -> list[list[_Row]]:
    """One unit per (source language, source text) with the newest entry of each target language."""
    best: dict[tuple[str, str], dict[str, _Row]] = {}
    for r in rows:
        slot = best.setdefault((r.src, r.source), {})
        if r.tgt not in slot or _newer(r, slot[r.tgt]):
            slot[r.tgt] = r
    return [[slot[t] for t in sorted(slot)] for _, slot in sorted(best.items())]


def _newer(a: _Row, b: _Row) -> bool:
    """Newest first; ties broken by direct before composed, then text, so the choice is deterministic."""
    return (a.created, not a.route, a.model, a.target) > (b.created, not b.route, b.model, b.target)


def _select(memory: TranslationMemory, pairs: Iterable[tuple[str, str]]) -> list[_Row]:
    direct = [
        _Row(source, src, tgt, target, model, created)
        for source, src, tgt, model, target, created in memory.rows(
            "SELECT source, src_lang, tgt_lang, model, target, created FROM tm "
            "ORDER BY src_lang, tgt_lang, source, model, glossary, created"
        )
    ]
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return direct
    keep = set(wanted)
    out = [r for r in direct if (r.src, r.tgt) in keep]
    have = {(r.src, r.tgt, r.source) for r in out}
    for src, tgt in wanted:
        out.extend(r for r in _composed(memory, src, tgt) if (src, tgt, r.source) not in have)
    return out


def _composed(memory: TranslationMemory, src: str, tgt: str) -> list[_Row]:
    """src->tgt through one pivot: a src->mid entry whose target is the source of a mid->tgt entry."""
    return [
        _Row(source, src, tgt, target, f"{m1}+{m2}", max(c1, c2), f"{src}>{mid}>{tgt}")
        for source, mid, m1, c1, target, m2, c2 in memory.rows(
            "SELECT a.source, a.tgt_lang, a.model, a.created, b.target, b.model, b.created "
            "FROM tm a JOIN tm b ON b.source = a.target AND b.src_lang = a.tgt_lang "
            "WHERE a.src_lang = ? AND b.tgt_lang = ? AND a.tgt_lang NOT IN (?, ?) "
            "ORDER BY a.source, a.tgt_lang, a.model, b.model",
            (src, tgt, src, tgt),
        )
    ]
