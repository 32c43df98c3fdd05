"""Coverage-guided fuzzing (atheris/libFuzzer) of decode + repair + structure.

Each input is one file's raw bytes, as `pipeline run` would read it. Properties:
decode either returns text or raises InputError (never anything else); repair
never raises, keeps edit offsets inside the text and is idempotent; the
structure stage never raises on the repaired text.

Run (see README.md in this folder):

    .venv/bin/python tests/fuzz/fuzz_decode_repair.py -max_total_time=60 [CORPUS_DIR ...]
"""

from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports(include=["pipeline"]):
    from pipeline.decode import decode_bytes
    from pipeline.errors import InputError
    from pipeline.repair import repair
    from pipeline.structure import parse_blocks


def test_one_input(data: bytes) -> None:
    try:
        decoded = decode_bytes(data, "fuzz.txt")
    except InputError as exc:
        assert exc.path == "fuzz.txt" and exc.problem and exc.hint, exc
        return
    text = decoded.text
    assert "\r" not in text, "line ends are normalised"
    result = repair(text)
    for e in [*result.edits, *result.flagged]:
        assert 0 <= e.start <= e.end <= len(text), (e, len(text))
    parse_blocks(result.text)
    if os.environ.get("PIPELINE_FUZZ_IDEMPOTENCE", "1") == "0":
        return  # hunting exceptions only, past a known idempotence failure
    again = repair(result.text).text
    if again != result.text:
        raise AssertionError(f"repair is not idempotent: {result.text!r} -> {again!r}")


def main(argv: list[str]) -> None:
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
