"""TBX-Basic export, so terminologists and CAT tools can take the glossary.

TBX-Basic (the LISA/TerminOrgs subset of ISO 30042, ``martif type="TBX-Basic"``):
one ``termEntry`` per row, one ``langSet`` per language, one ``tig`` per
term. The preferred term is ``preferredTerm-admn-sts``, variants
``admittedTerm-admn-sts``, forbidden renderings ``deprecatedTerm-admn-sts``;
do-not-translate rows carry a note. Output is deterministic (no dates).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline import __version__
from pipeline.fsutil import atomic_write_text
from pipeline.glossary.core import Glossary

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DNT_NOTE = "Do not translate."


def to_tbx(glossary: Glossary, *, source_lang: str | None = None) -> str:
    """The glossary as a TBX-Basic document (a string, UTF-8 declared)."""
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: source_lang or (glossary.languages or ("en",))[0]})
    header = ET.SubElement(root, "martifHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    source_desc = ET.SubElement(file_desc, "sourceDesc")
    ET.SubElement(source_desc, "p").text = f"Exported by pipeline {__version__} from {glossary.path or 'a glossary'}"
    encoding = ET.SubElement(header, "encodingDesc")
    ET.SubElement(encoding, "p", {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for n, term in enumerate(glossary.terms, 1):
        entry = ET.SubElement(body, "termEntry", {"id": f"t{n}"})
        if term.note:
            ET.SubElement(entry, "descrip", {"type": "definition"}).text = term.note
        if term.dnt:
            ET.SubElement(entry, "note").text = DNT_NOTE
        for lang in glossary.languages:
            forms = term.forms.get(lang, ())
            bad = term.forbidden.get(lang, ())
            if not forms and not bad:
                continue
            lang_set = ET.SubElement(entry, "langSet", {XML_LANG: lang})
            for i, form in enumerate(forms):
                _tig(lang_set, form, term.pos, "preferredTerm-admn-sts" if i == 0 else "admittedTerm-admn-sts")
            for form in bad:
                _tig(lang_set, form, term.pos, "deprecatedTerm-admn-sts")
    ET.indent(root, space="  ")
    body_xml = ET.tostring(root, encoding="unicode")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n' + body_xml + "\n"
    )


def _tig(parent: ET.Element, form: str, pos: str, status: str) -> None:
    tig = ET.SubElement(parent, "tig")
    ET.SubElement(tig, "term").text = form
    if pos:
        ET.SubElement(tig, "termNote", {"type": "partOfSpeech"}).text = pos
    ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status


def export_tbx(glossary: Glossary, path: str) -> int:
    """Write the TBX file atomically; return the number of entries."""
    atomic_write_text(path, to_tbx(glossary))
    return len(glossary.terms)
