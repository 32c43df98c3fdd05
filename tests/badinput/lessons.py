"""Realistic damaged lessons, generated from a seed (for crash, concurrency and scale runs).

Each lesson looks like a scraped course page: a title, paragraphs of Spanish
business prose with the damage real pages show (half-decoded entities
``mó;dulo``, lost letters, mojibake ``relaciÃ³n``, leftover tags, Thai tails
``relació;น``), a bullet list, a tab table and a source link. Sentences repeat
across lessons (as in a real course), so the translation memory matters.
"""

from __future__ import annotations

import random
from pathlib import Path

_SUBJECTS = ["La empresa", "El cliente", "Cada segmento", "La propuesta de valor", "El canal directo",
             "La relación con los clientes", "El modelo de negocio", "El equipo de ventas",
             "La fuente de ingresos", "El socio clave"]
_VERBS = ["describe", "explica", "define", "mejora", "conserva", "ofrece", "necesita", "reduce"]
_OBJECTS = ["cómo se crea valor", "la información del mercado", "el coste de cada relación",
            "una solución rápida y cómoda", "la atención personal", "los datos de la lección",
            "el módulo central del lienzo", "la experiencia del cliente", "los recursos clave"]
_ENDINGS = ["", " a lo largo del tiempo", " en cada segmento", " sin intermediarios", " según sus compras"]
_THAI_LETTER = {"n": "น", "s": "ส", "r": "ร", "l": "ล"}
_MOJIBAKE = {"ó": "Ã³", "á": "Ã¡", "é": "Ã©", "í": "Ã­", "ú": "Ãº", "ñ": "Ã±"}
_ENTITY = {"ó": "&oacute;", "á": "&aacute;", "é": "&eacute;", "í": "&iacute;", "ú": "&uacute;", "ñ": "&ntilde;"}


def _damage(rng: random.Random, sentence: str) -> str:
    kind = rng.random()
    if kind < 0.25:  # half-decoded entities: mó;dulo
        return "".join(ch + ";" if ch in _ENTITY and rng.random() < 0.7 else ch for ch in sentence)
    if kind < 0.45:  # full entities, some without the semicolon
        return "".join(_ENTITY[ch][:-1] if ch in _ENTITY and rng.random() < 0.2 else _ENTITY.get(ch, ch)
                       for ch in sentence)
    if kind < 0.6:  # mojibake
        return "".join(_MOJIBAKE.get(ch, ch) for ch in sentence)
    if kind < 0.7:  # a bad partial translation: the letters after an entity became Thai
        words = sentence.split(" ")
        hits = [i for i, w in enumerate(words) if w.rstrip(".")[-2:-1] in _ENTITY]
        if hits:
            i = rng.choice(hits)
            w = words[i].rstrip(".")
            words[i] = w[:-1] + ";" + _THAI_LETTER.get(w[-1], "น") + words[i][len(w):]
        return " ".join(words)
    if kind < 0.8:  # leftover markup
        return f"<p>{sentence}</p>"
    return sentence


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_ENDINGS)}."


def lesson_text(i: int, seed: int = 0) -> str:
    """The text of lesson ``i`` (deterministic in ``i`` and ``seed``)."""
    rng = random.Random(f"{seed}:{i}")
    parts = [f"Lecci&oacute;n {i} {rng.choice(_SUBJECTS)}", ""]
    for _ in range(rng.randint(2, 4)):
        parts.append(" ".join(_damage(rng, _sentence(rng)) for _ in range(rng.randint(2, 5))))
        parts.append("")
    parts += [f"- {_damage(rng, _sentence(rng))}" for _ in range(rng.randint(2, 4))]
    parts.append("")
    if rng.random() < 0.5:
        parts += ["Criterio\tEjemplo", "Edad\t25 a 34 a&ntilde;os", f"Regi&oacute;n\tNorte {i}", ""]
    parts.append(f"Fuente: <https://example.org/leccion-{i}>")
    return "\n".join(parts) + "\n"


def make_lessons(raw: Path, n: int, *, seed: int = 0, per_folder: int = 500) -> list[Path]:
    """Write ``n`` lessons below ``raw`` (``part-NNN/lesson-NNNNN.txt``); return their paths."""
    paths = []
    for i in range(n):
        p = raw / f"part-{i // per_folder:03d}" / f"lesson-{i:05d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(lesson_text(i, seed), encoding="utf-8")
        paths.append(p)
    return paths
