"""The language codes the tool accepts, and the one check every entry point uses.

A target language code becomes a folder name (``OUT/<lang>/``), so it is the
one piece of user input that is turned into a path: ``--to ../x``,
``--to /abs``, ``--to .pipeline`` or ``--to source`` would write outside OUT,
into the state folder or over the cleaned sources. Accepting only known codes
(ISO 639-1 plus the few extra codes Argos Translate packages use) makes every
such value impossible, and also catches typos (``--to xx``) before anything is
written. The table is data, not a network lookup: it changes only when a new
Argos package uses a code not listed here.
"""

from __future__ import annotations

import re

# ISO 639-1 (all two-letter codes in the standard), code -> English name.
ISO_639_1: dict[str, str] = {
    "aa": "Afar", "ab": "Abkhazian", "ae": "Avestan", "af": "Afrikaans", "ak": "Akan", "am": "Amharic",
    "an": "Aragonese", "ar": "Arabic", "as": "Assamese", "av": "Avaric", "ay": "Aymara", "az": "Azerbaijani",
    "ba": "Bashkir", "be": "Belarusian", "bg": "Bulgarian", "bh": "Bihari", "bi": "Bislama", "bm": "Bambara",
    "bn": "Bengali", "bo": "Tibetan", "br": "Breton", "bs": "Bosnian", "ca": "Catalan", "ce": "Chechen",
    "ch": "Chamorro", "co": "Corsican", "cr": "Cree", "cs": "Czech", "cu": "Church Slavic", "cv": "Chuvash",
    "cy": "Welsh", "da": "Danish", "de": "German", "dv": "Divehi", "dz": "Dzongkha", "ee": "Ewe",
    "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque",
    "fa": "Persian", "ff": "Fulah", "fi": "Finnish", "fj": "Fijian", "fo": "Faroese", "fr": "French",
    "fy": "Western Frisian", "ga": "Irish", "gd": "Scottish Gaelic", "gl": "Galician", "gn": "Guarani",
    "gu": "Gujarati", "gv": "Manx", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "ho": "Hiri Motu",
    "hr": "Croatian", "ht": "Haitian", "hu": "Hungarian", "hy": "Armenian", "hz": "Herero",
    "ia": "Interlingua", "id": "Indonesian", "ie": "Interlingue", "ig": "Igbo", "ii": "Sichuan Yi",
    "ik": "Inupiaq", "io": "Ido", "is": "Icelandic", "it": "Italian", "iu": "Inuktitut", "ja": "Japanese",
    "jv": "Javanese", "ka": "Georgian", "kg": "Kongo", "ki": "Kikuyu", "kj": "Kuanyama", "kk": "Kazakh",
    "kl": "Kalaallisut", "km": "Khmer", "kn": "Kannada", "ko": "Korean", "kr": "Kanuri", "ks": "Kashmiri",
    "ku": "Kurdish", "kv": "Komi", "kw": "Cornish", "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish",
    "lg": "Ganda", "li": "Limburgish", "ln": "Lingala", "lo": "Lao", "lt": "Lithuanian", "lu": "Luba-Katanga",
    "lv": "Latvian", "mg": "Malagasy", "mh": "Marshallese", "mi": "Maori", "mk": "Macedonian",
    "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "my": "Burmese",
    "na": "Nauru", "nb": "Norwegian Bokmål", "nd": "North Ndebele", "ne": "Nepali", "ng": "Ndonga",
    "nl": "Dutch", "nn": "Norwegian Nynorsk", "no": "Norwegian", "nr": "South Ndebele", "nv": "Navajo",
    "ny": "Chichewa", "oc": "Occitan", "oj": "Ojibwa", "om": "Oromo", "or": "Oriya", "os": "Ossetian",
    "pa": "Punjabi", "pi": "Pali", "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "qu": "Quechua",
    "rm": "Romansh", "rn": "Rundi", "ro": "Romanian", "ru": "Russian", "rw": "Kinyarwanda", "sa": "Sanskrit",
    "sc": "Sardinian", "sd": "Sindhi", "se": "Northern Sami", "sg": "Sango", "si": "Sinhala", "sk": "Slovak",
    "sl": "Slovenian", "sm": "Samoan", "sn": "Shona", "so": "Somali", "sq": "Albanian", "sr": "Serbian",
    "ss": "Swati", "st": "Southern Sotho", "su": "Sundanese", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "tg": "Tajik", "th": "Thai", "ti": "Tigrinya", "tk": "Turkmen", "tl": "Tagalog",
    "tn": "Tswana", "to": "Tonga", "tr": "Turkish", "ts": "Tsonga", "tt": "Tatar", "tw": "Twi",
    "ty": "Tahitian", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "ve": "Venda",
    "vi": "Vietnamese", "vo": "Volapük", "wa": "Walloon", "wo": "Wolof", "xh": "Xhosa", "yi": "Yiddish",
    "yo": "Yoruba", "za": "Zhuang", "zh": "Chinese", "zu": "Zulu",
}

# Codes Argos Translate packages use that are not ISO 639-1 (its package index).
ARGOS_EXTRA: dict[str, str] = {
    "zt": "Chinese (Traditional)",
    "pb": "Portuguese (Brazil)",
}

KNOWN: dict[str, str] = {**ISO_639_1, **ARGOS_EXTRA}

_SHAPE = re.compile(r"[a-z]{2,3}")
_TAGGED = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*")  # pt-BR, zh_Hant: the region is dropped


class LanguageCodeError(ValueError):
    """A value that is not a language code the tool knows; the message says what to do."""


def validate_code(value: str, *, allow_region: bool = False) -> str:
    """The normalised (lower-case) code, or LanguageCodeError.

    ``allow_region`` accepts a BCP 47 style tag (``pt-BR``) and returns its
    language part; target codes never allow it, since they name a folder.
    """
    raw = value.strip()
    code = raw.lower()
    if allow_region:
        m = _TAGGED.fullmatch(code)
        code = m.group(1) if m else code
    if not _SHAPE.fullmatch(code):
        raise LanguageCodeError(
            f"{raw!r} is not a language code; use ISO 639-1 codes such as en, es, th"
        )
    if code not in KNOWN:
        raise LanguageCodeError(
            f"{raw!r} is not a known language code; use ISO 639-1 codes such as en, es, th"
        )
    return code


def validate_codes(value: str, *, allow_region: bool = False) -> tuple[str, ...]:
    """A comma-separated list of codes, normalised, duplicates dropped, order kept."""
    out: list[str] = []
    for item in value.split(","):
        if item.strip():
            code = validate_code(item, allow_region=allow_region)
            if code not in out:
                out.append(code)
    return tuple(out)


def validate_pair(value: str) -> tuple[str, str]:
    """``es-en`` (or ``es>en``, ``es_en``) -> ``("es", "en")``."""
    parts = re.split(r"[-_>]", value.strip(), maxsplit=1)
    if len(parts) != 2:
        raise LanguageCodeError(f"{value.strip()!r} is not a language pair; write SOURCE-TARGET, e.g. es-en")
    src, tgt = validate_code(parts[0]), validate_code(parts[1])
    if src == tgt:
        raise LanguageCodeError(f"{value.strip()!r}: source and target are the same language")
    return src, tgt


def language_name(code: str) -> str:
    return KNOWN.get(code, code)
