"""The accepted language codes: ISO 639-1 plus Argos's extra codes, never a path."""

from __future__ import annotations

import pytest

from pipeline.languages import ISO_639_1, KNOWN, LanguageCodeError, validate_code, validate_codes, validate_pair


def test_the_table_is_iso_639_1_plus_argos_codes() -> None:
    assert len(ISO_639_1) == 184  # every two-letter code of the standard
    assert all(len(c) == 2 and c.isascii() and c.islower() for c in KNOWN)
    for code in ("es", "en", "th", "pt", "zh", "nb", "zt", "pb"):  # what Argos packages use
        assert code in KNOWN


@pytest.mark.parametrize("bad", ["../x", "/abs/path", ".pipeline", "source", "xx", "", " ", "e n", "en/..", "EN-us",
                                 "..", ".", "en\x00", "ｅｎ"])
def test_paths_reserved_names_and_unknown_codes_are_refused(bad: str) -> None:
    with pytest.raises(LanguageCodeError):
        validate_code(bad)


def test_codes_are_normalised() -> None:
    assert validate_code(" EN ") == validate_code("en\n") == "en"  # surrounding space is not part of a code
    assert validate_codes("en, ES,en,,th") == ("en", "es", "th")
    assert validate_code("pt-BR", allow_region=True) == "pt"
    assert validate_codes("es,zh_Hant", allow_region=True) == ("es", "zh")
    with pytest.raises(LanguageCodeError):
        validate_code("pt-BR")  # a target names a folder: no region tags
    with pytest.raises(LanguageCodeError):
        validate_code("../en", allow_region=True)


def test_pairs() -> None:
    assert validate_pair("es-en") == ("es", "en")
    assert validate_pair("ES_th") == ("es", "th")
    for bad in ("es", "es-es", "es-xx", "es-en-th", "../x-en"):
        with pytest.raises(LanguageCodeError):
            validate_pair(bad)
