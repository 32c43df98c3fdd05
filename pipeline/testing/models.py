"""Build real, small Argos Translate packages for tests and benches.

Real Argos models cannot be downloaded here, and faking CTranslate2 would test
nothing. So we *construct* Transformer weights with numpy and
``ctranslate2.specs`` (no torch, no training) whose behaviour is known:

* ``kind="echo"``: the output is the input, token for token. The decoder at
  step ``t`` attends to source position ``t`` only (a position code in the
  residual stream makes query ``t`` match key ``t`` by a wide margin), the
  attention carries that source token's code into the decoder, and the output
  projection maps each code back to its own token.
* ``kind="swap"``: the same, but the output projection maps chosen source
  tokens to other tokens (``{"hola": "hello"}`` swaps both ways), so a test
  can see that a translation happened.
* hostile models (:func:`build_hostile_package`): the echo construction with
  vocabulary-level rewrites (a piece comes out as other pieces, or as nothing)
  and a decoder position order (reorder, repeat, loop), so a test gets a model
  that inflects, drops, half-translates, moves, duplicates or deletes a
  protected term, changes a placeholder, behaves like a weak NMT, loops on a
  repetition or runs to the maximum length: see the "hostile models" section.

How the residual stream of width ``d_model`` is laid out::

    [ token code (Dt dims) | position code (2K dims: cos, sin) | anchor (1 dim) ]

Token codes are random, zero-mean unit-ish vectors, so LayerNorm's mean
subtraction does not disturb them. Position codes are sinusoids with periods
2, 4, ..., 2**K: their dot product is K at equal positions and at most K - 2
elsewhere (for distances < 2**K), so a large query scale makes attention
one-hot. Queries and keys read ``position - anchor`` (the anchor always holds
0), which cancels LayerNorm's mean shift. Every other weight is small
deterministic noise: realistic compute and compression ratio, no effect on the
argmax. The position table has 2**K rows, which bounds the sentence length in
tokens (512 for the small model, 1024 for the bench model).

A SentencePiece model (byte fallback, identity normalisation) is trained on a
small deterministic Spanish/English corpus from ``wordfreq``; Thai is not in
the corpus, so Thai text goes through byte fallback. When the requested
vocabulary is bigger than what the corpus yields (the 32k bench model), the
CTranslate2 vocabulary is padded with ``<extra_N>`` tokens: same compute as a
32k model, the tokenizer just never produces them.

Builds are deterministic (seeded) and cached in a folder keyed by parameters.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import random
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

BUILDER_VERSION = "4"
LANGUAGE_NAMES = {"es": "Spanish", "en": "English", "th": "Thai", "fr": "French", "de": "German"}
SPECIALS = ["<unk>", "<s>", "</s>", "<blank>"]
NOISE = 1e-3  # std of the "don't care" weights
ATTENTION_GAP = 30.0  # score margin of the right source position over any other
LOGIT_SELF = 60.0  # logit of the echoed token; others are at most ~60% of it
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# Small, realistic sizes used by tests and the bench.
SMALL = {"layers": 2, "d_model": 64, "vocab_size": 1000, "int8": False}
REALISTIC = {"layers": 6, "d_model": 512, "vocab_size": 32000, "int8": True}


@dataclass(frozen=True)
class BuildParams:
    """Everything that changes the bytes of a built package (the cache key)."""

    from_code: str
    to_code: str
    kind: str = "echo"
    swaps: tuple[tuple[str, str], ...] = ()
    layers: int = 2
    d_model: int = 64
    vocab_size: int = 1000
    int8: bool = False
    target_prefix: str = ""
    package_version: str = "1.0"
    seed: int = 1234
    # Hostile models (see build_hostile_package): source piece -> output pieces, and
    # which source position each decoder step reads.
    rewrites: tuple[tuple[str, str], ...] = ()
    steps: str = ""

    def model_key(self) -> str:
        """Key of the model folder: the language pair does not change the weights."""
        d = asdict(self)
        d.pop("from_code"), d.pop("to_code"), d.pop("package_version")
        return _digest(d)

    def package_key(self) -> str:
        return _digest(asdict(self))

    @property
    def package_dir_name(self) -> str:
        """Argos's own naming: ``translate-es_en-1_0``."""
        version = self.package_version.replace(".", "_")
        return f"translate-{self.from_code}_{self.to_code}-{version}"


def _digest(obj: object) -> str:
    blob = json.dumps([BUILDER_VERSION, obj], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def default_cache_dir() -> Path:
    """Where built packages are kept between calls (``PIPELINE_TEST_MODELS_CACHE`` overrides)."""
    env = os.environ.get("PIPELINE_TEST_MODELS_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / "pipeline-test-models"


def build_package(
    dest_dir: str | os.PathLike[str],
    from_code: str,
    to_code: str,
    *,
    kind: str = "echo",
    swaps: Mapping[str, str] | None = None,
    layers: int = 2,
    d_model: int = 64,
    vocab_size: int = 1000,
    int8: bool = False,
    target_prefix: str = "",
    package_version: str = "1.0",
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Build (or take from the cache) a ``.argosmodel`` file and copy it into ``dest_dir``.

    Returns the path of the copy, named ``translate-<from>_<to>-<version>.argosmodel``.
    ``swaps`` is only used with ``kind="swap"``; each word must be a single
    word without spaces (it becomes one SentencePiece piece).
    """
    if kind not in ("echo", "swap"):
        raise ValueError(f"kind must be 'echo' or 'swap', not {kind!r}")
    pairs = tuple(sorted((swaps or {}).items())) if kind == "swap" else ()
    for a, b in pairs:
        if not a or not b or any(ch.isspace() for ch in a + b):
            raise ValueError(f"swap words must be single words without spaces: {a!r} -> {b!r}")
    params = BuildParams(
        from_code, to_code, kind, pairs, layers, d_model, vocab_size, int8,
        target_prefix, package_version,
    )
    return _copy_package(params, dest_dir, cache_dir)


def build_realistic_package(dest_dir: str | os.PathLike[str], from_code: str, to_code: str,
                            **kwargs: object) -> Path:
    """An Argos-sized echo package (6+6 layers, d512, 32k vocabulary, int8), for the bench."""
    return build_package(dest_dir, from_code, to_code, **{**REALISTIC, **kwargs})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- cache


def _copy_package(params: BuildParams, dest_dir: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None) -> Path:
    """The package for ``params`` (built once into the cache) copied into ``dest_dir``."""
    cached = _cached_package(params, Path(cache_dir) if cache_dir else default_cache_dir())
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / f"{params.package_dir_name}.argosmodel"
    shutil.copyfile(cached, out)
    return out


def _cached_package(params: BuildParams, cache: Path) -> Path:
    target = cache / "packages" / params.package_key() / f"{params.package_dir_name}.argosmodel"
    if target.exists():
        return target
    model_dir = _cached_model_dir(params, cache)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        _zip_package(Path(tmp), model_dir, params)
        os.replace(tmp, target)  # atomic: a concurrent builder wins or loses whole
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _cached_model_dir(params: BuildParams, cache: Path) -> Path:
    """The ``model/`` folder and ``sentencepiece.model``, shared by all pairs of one kind."""
    final = cache / "models" / params.model_key()
    if (final / "model" / "model.bin").exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=final.parent, prefix=".build-"))
    try:
        sp_bytes = train_sentencepiece(params)
        (work / "sentencepiece.model").write_bytes(sp_bytes)
        _build_ctranslate2_model(params, sp_bytes, work / "model")
        try:
            os.replace(work, final)
        except OSError:  # another process finished first: keep theirs
            pass
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return final


def _zip_package(path: Path, model_dir: Path, params: BuildParams) -> None:
    top = params.package_dir_name
    metadata = {
        "package_version": params.package_version,
        "argos_version": "1.0",
        "from_code": params.from_code,
        "from_name": LANGUAGE_NAMES.get(params.from_code, params.from_code),
        "to_code": params.to_code,
        "to_name": LANGUAGE_NAMES.get(params.to_code, params.to_code),
        "type": "translate",
    }
    if params.target_prefix:
        metadata["target_prefix"] = params.target_prefix
    readme = f"Test package built by pipeline.testing.models ({params.kind}).\n"
    files: list[tuple[str, bytes]] = [
        (f"{top}/metadata.json", json.dumps(metadata, indent=2, sort_keys=True).encode()),
        (f"{top}/README.md", readme.encode()),
        (f"{top}/sentencepiece.model", (model_dir / "sentencepiece.model").read_bytes()),
    ]
    for f in sorted((model_dir / "model").iterdir()):
        files.append((f"{top}/model/{f.name}", f.read_bytes()))
    with zipfile.ZipFile(path, "w") as zf:
        for name in (f"{top}/", f"{top}/model/"):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = (0o40755 << 16) | 0x10  # a folder, for unix and MS-DOS
            zf.writestr(info, b"")
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=1)


# --------------------------------------------------------------------------- tokenizer


def corpus(seed: int, n_sentences: int = 6000) -> list[str]:
    """A deterministic Spanish/English corpus: frequent words in random order, with punctuation."""
    import wordfreq

    rng = random.Random(seed)
    words = wordfreq.top_n_list("es", 2500) + wordfreq.top_n_list("en", 2500)
    words = sorted(set(words))
    out = []
    for _ in range(n_sentences):
        n = rng.randint(4, 14)
        ws = [rng.choice(words) for _ in range(n)]
        if rng.random() < 0.5:
            ws[0] = ws[0].capitalize()
        if rng.random() < 0.3:
            ws[rng.randrange(n)] += ","
        opener, closer = rng.choice([("", "."), ("", "."), ("¿", "?"), ("¡", "!"), ("", ":"), ("(", ")")])
        s = opener + " ".join(ws) + closer
        if rng.random() < 0.1:
            s += f" {rng.randint(0, 2030)}"
        out.append(s)
    return out


def train_sentencepiece(params: BuildParams) -> bytes:
    """Train the package's SentencePiece model (bytes of ``sentencepiece.model``)."""
    import sentencepiece as spm

    user_symbols = sorted({w for pair in params.swaps for w in pair} | {a for a, _ in params.rewrites if a != "</s>"})
    sp_vocab = min(params.vocab_size - len(SPECIALS) - 1, 2000)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus(params.seed)),
        model_writer=buf,
        vocab_size=sp_vocab,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        user_defined_symbols=user_symbols,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=3,
    )
    return buf.getvalue()


def ctranslate2_vocabulary(params: BuildParams, sp_bytes: bytes) -> list[str]:
    """Specials, the optional target prefix, every SentencePiece piece, then padding."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    pieces = [
        sp.id_to_piece(i) for i in range(sp.get_piece_size())
        if not (sp.is_control(i) or sp.is_unknown(i))
    ]
    vocab = list(SPECIALS) + ([params.target_prefix] if params.target_prefix else []) + pieces
    if len(vocab) > params.vocab_size:
        raise ValueError(f"vocab_size {params.vocab_size} is below the {len(vocab)} tokens needed")
    vocab += [f"<extra_{i}>" for i in range(params.vocab_size - len(vocab))]
    return vocab


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True)
class _Layout:
    d: int
    k: int  # number of position frequencies
    heads: int

    @property
    def dt(self) -> int:  # token code width
        return self.d - 2 * self.k - 1

    @property
    def anchor(self) -> int:
        return self.d - 1

    @property
    def positions(self) -> int:
        return 2**self.k

    @property
    def head_dim(self) -> int:
        return self.d // self.heads


def _layout(d_model: int) -> _Layout:
    heads = max(1, d_model // 64)
    k = 9 if d_model < 256 else 10
    lay = _Layout(d_model, k, heads)
    if lay.dt < 16 or 2 * k > lay.head_dim:
        raise ValueError(f"d_model={d_model} is too small for an echo model (use >= 64)")
    return lay


def _position_codes(lay: _Layout) -> np.ndarray:
    t = np.arange(lay.positions, dtype=np.float64)[:, None]
    omega = 2 * np.pi / (2.0 ** np.arange(1, lay.k + 1))[None, :]
    return np.concatenate([np.cos(omega * t), np.sin(omega * t)], axis=1)  # [T, 2K]


def _token_codes(rng: np.random.Generator, n: int, dt: int) -> np.ndarray:
    e = rng.standard_normal((n, dt))
    e -= e.mean(axis=1, keepdims=True)  # zero-mean: LayerNorm's mean shift cannot move them
    e *= math.sqrt(dt) / np.linalg.norm(e, axis=1, keepdims=True)
    return e


def _ln_scale(vectors: np.ndarray) -> float:
    """Typical 1/std LayerNorm applies to these residual vectors."""
    return float(np.mean(1.0 / vectors.std(axis=1)))


def _build_ctranslate2_model(params: BuildParams, sp_bytes: bytes, out_dir: Path) -> None:
    from ctranslate2.specs import transformer_spec

    vocab = ctranslate2_vocabulary(params, sp_bytes)
    v = len(vocab)
    lay = _layout(params.d_model)
    d, dt, hd = lay.d, lay.dt, lay.head_dim
    ffn = 4 * d
    rng = np.random.default_rng(params.seed)

    def noise(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * NOISE).astype(np.float32)

    codes = _token_codes(rng, v, dt)
    pos = _position_codes(lay)
    pos_slice = slice(dt, dt + 2 * lay.k)

    # Residual vectors as the model will see them, to size the scales.
    enc_in = np.zeros((lay.positions, d))
    enc_in[:, :dt] = codes[rng.integers(0, v, lay.positions)]
    enc_in[:, pos_slice] = pos
    dec_in = np.zeros((lay.positions, d))
    dec_in[:, pos_slice] = pos
    s_mem, s_dec = _ln_scale(enc_in), _ln_scale(dec_in)
    # query scale so that the right position wins by ATTENTION_GAP (gap of dot products is 2)
    alpha = ATTENTION_GAP * math.sqrt(hd) / (2 * s_mem * s_dec)
    final_in = dec_in.copy()
    final_in[:, :dt] = enc_in[:, :dt] * s_mem
    s_fin = _ln_scale(final_in)
    beta = LOGIT_SELF / (dt * s_mem * s_fin)

    perm = list(range(v))
    index = {tok: i for i, tok in enumerate(vocab)}
    for a, b in params.swaps:
        for w in (a, b):
            if w not in index:
                raise ValueError(f"swap word {w!r} is not one token of the vocabulary")
        perm[index[a]], perm[index[b]] = index[b], index[a]

    spec = transformer_spec.TransformerSpec.from_config((params.layers, params.layers), lay.heads)
    spec.config.add_source_eos = True  # the echoed </s> ends decoding
    enc, dec = spec.encoder, spec.decoder
    enc.scale_embeddings = False
    dec.scale_embeddings = False

    emb = noise(v, d)
    emb[:, :dt] += codes
    enc.embeddings[0].weight = emb
    enc_pos = np.zeros((lay.positions, d), dtype=np.float32)
    enc_pos[:, pos_slice] = pos
    enc.position_encodings.encodings = enc_pos

    target_vocab, rows = _output_rows(params, vocab, perm)
    dec.embeddings.weight = noise(len(target_vocab), d)
    shift = 1 if params.target_prefix else 0  # step 0 emits the forced prefix
    dec_pos = np.zeros((lay.positions, d), dtype=np.float32)
    dec_pos[:, pos_slice] = pos[read_order(params.steps, lay.positions)[np.clip(np.arange(lay.positions) - shift, 0, None)]]
    dec.position_encodings.encodings = dec_pos

    def norm(ln: object) -> None:
        ln.gamma = np.ones(d, dtype=np.float32)  # type: ignore[attr-defined]
        ln.beta = np.zeros(d, dtype=np.float32)  # type: ignore[attr-defined]

    def linear(lin: object, weight: np.ndarray) -> None:
        lin.weight = weight.astype(np.float32)  # type: ignore[attr-defined]
        lin.bias = np.zeros(weight.shape[0], dtype=np.float32)  # type: ignore[attr-defined]

    def ffn_noise(f: object) -> None:
        norm(f.layer_norm)  # type: ignore[attr-defined]
        linear(f.linear_0, noise(ffn, d))  # type: ignore[attr-defined]
        linear(f.linear_1, noise(d, ffn))  # type: ignore[attr-defined]

    for layer in enc.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], noise(3 * d, d))
        linear(layer.self_attention.linear[1], noise(d, d))
        ffn_noise(layer.ffn)
    norm(enc.layer_norm)

    wq, wk = np.zeros((d, d)), np.zeros((d, d))
    for h in range(lay.heads):
        for i in range(2 * lay.k):
            wq[h * hd + i, dt + i], wq[h * hd + i, lay.anchor] = alpha, -alpha
            wk[h * hd + i, dt + i], wk[h * hd + i, lay.anchor] = 1.0, -1.0
    wv = np.zeros((d, d))
    wv[np.arange(dt), np.arange(dt)] = 1.0
    wo = np.eye(d)
    for i, layer in enumerate(dec.layer):
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], noise(3 * d, d))
        linear(layer.self_attention.linear[1], noise(d, d))
        norm(layer.attention.layer_norm)
        if i == 0:
            linear(layer.attention.linear[0], wq + noise(d, d))
            linear(layer.attention.linear[1], np.concatenate([wk, wv]) + noise(2 * d, d))
            linear(layer.attention.linear[2], wo + noise(d, d))
        else:
            linear(layer.attention.linear[0], noise(d, d))
            linear(layer.attention.linear[1], noise(2 * d, d))
            linear(layer.attention.linear[2], noise(d, d))
        ffn_noise(layer.ffn)
    norm(dec.layer_norm)
    proj = np.zeros((len(target_vocab), d))
    for j, sources in enumerate(rows):
        if sources:
            proj[j, :dt] = beta * codes[sources].sum(axis=0)
    linear(dec.projection, proj + noise(len(target_vocab), d))

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(target_vocab)
    spec.validate()
    spec.optimize(quantization="int8" if params.int8 else "float32")
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))


# --------------------------------------------------------------------------- hostile models
#
# Models that misbehave like real NMT, deterministically, built on the echo
# construction above with two extra knobs:
#
# * ``rewrites`` (vocabulary level): a source piece is emitted as other output
#   pieces. The output projection row that carries the source token's code is
#   moved to a target-only token, so the target vocabulary may hold tokens the
#   tokenizer never produces: ``"▁customers"`` (inflect), ``"▁customer▁customer"``
#   (duplicate), ``"<s>"`` (which SentencePiece decodes to nothing: delete).
#   Each rewritten source piece is a SentencePiece user symbol, so it is one
#   token in any input (``"▁customer"`` matches " customer" at a word start).
# * ``steps`` (position level): the decoder position table says which source
#   position step ``t`` attends to, so a permutation of positions reorders,
#   repeats or loops the output; see :func:`read_order`.

HOSTILE_STEPS = ("", "weak", "loop")
HOSTILE_VERSION = 2  # bump when the hostile construction changes (part of the cache key)


def read_order(steps: str, n: int) -> np.ndarray:
    """Which source position each of ``n`` decoder steps reads.

    ``""``: step t reads t (echo). ``"weak"``: in every block of 6 source
    positions, 1 and 2 come out swapped and 3 twice (a weak NMT's reordering
    and repetition; nothing is skipped, so the source's end-of-sentence is
    always reached). ``"loop"``: positions 0-3, then 2, 3, 2, 3, ... forever:
    the repetition loop Argos models fall into, cut only by the engine's
    ``max_decoding_length``.
    """
    if steps == "":
        return np.arange(n)
    if steps == "weak":
        block = [0, 2, 1, 3, 3, 4, 5]
        order = [6 * (t // len(block)) + block[t % len(block)] for t in range(n)]
        return np.clip(np.array(order), 0, n - 1)
    if steps == "loop":
        return np.array([t if t < 4 else 2 + (t % 2) for t in range(n)])
    raise ValueError(f"steps must be one of {HOSTILE_STEPS}, not {steps!r}")


def _output_rows(params: BuildParams, vocab: list[str], perm: list[int]) -> tuple[list[str], list[list[int]]]:
    """The target vocabulary and, per target token, the source tokens that emit it."""
    target = list(vocab)
    rows: list[list[int]] = [[perm[j]] for j in range(len(vocab))]
    index = {tok: i for i, tok in enumerate(vocab)}
    for piece, output in params.rewrites:
        if piece not in index:
            raise ValueError(f"rewritten piece {piece!r} is not one token of the vocabulary")
        s = index[piece]
        for r in rows:
            if s in r:
                r.remove(s)
        # One target row per rewritten piece, even when two write the same text: a row
        # summing many token codes would also outscore the echo for unrelated tokens.
        # (Duplicate tokens in the target vocabulary are fine: only ids are decoded.)
        target.append(output or "<s>")  # SentencePiece decodes <s> to nothing
        rows.append([s])
    return target, rows


def word_rewrites(words: Mapping[str, str]) -> dict[str, str]:
    """Word-level rewrites as pieces: ``{"customer": "customers"}`` -> ``{"▁customer": "▁customers"}``;
    an empty output deletes the word (and the space before it)."""
    def piece(text: str) -> str:
        return "".join("\u2581" + w for w in text.split())

    return {piece(a): piece(b) for a, b in words.items()}


# The term-mangling behaviours, each a function of the target term (words
# separated by spaces) -> word rewrites. "partial" needs a translation of the
# term's first word (``partial=``); "placeholder" also mangles attempt-1 nonces.
MANGLERS = ("inflect", "drop_word", "partial", "move", "duplicate", "delete", "placeholder")


def mangling_rewrites(behaviour: str, term: str, *, partial: str = "cliente") -> dict[str, str]:
    """Piece rewrites that make a model mangle ``term`` (what the glossary put in the source).

    inflect: the first word takes a plural "s" ("customers relationship", a form
    the glossary does not accept); drop_word: the first word is dropped;
    partial: the first word comes out as ``partial`` (half translated back);
    move: the term is dropped where it stands and written before the final
    period; duplicate: the term comes out twice; delete: it vanishes;
    placeholder: the term comes out twice and every attempt-1 nonce loses its
    last letter (so the retry meets a changed placeholder).
    """
    words = term.split()
    first, last = words[0], words[-1]

    def rules(r: Mapping[str, str]) -> dict[str, str]:
        # Also the capitalised word (the term opening a sentence), capitalised the same way.
        caps = {a[:1].upper() + a[1:]: b[:1].upper() + b[1:] for a, b in r.items()}
        return word_rewrites({**caps, **r})

    if behaviour == "inflect":
        return rules({first: first + "s"})
    if behaviour == "drop_word":
        return rules({first: ""})
    if behaviour == "partial":
        return rules({first: partial})
    if behaviour == "move":
        out = rules({w: "" for w in words})
        out["."] = "".join("\u2581" + w for w in words) + "."
        return out
    if behaviour == "duplicate":
        return rules({last: f"{last} {term}"})
    if behaviour == "delete":
        return rules({w: "" for w in words})
    if behaviour == "placeholder":
        from pipeline.glossary.core import NONCES

        out = rules({last: f"{last} {term}"})
        out.update(word_rewrites({n: n[:-1] for n in NONCES}))
        return out
    raise ValueError(f"behaviour must be one of {MANGLERS}, not {behaviour!r}")


def build_hostile_package(
    dest_dir: str | os.PathLike[str],
    from_code: str,
    to_code: str,
    *,
    rewrites: Mapping[str, str] | None = None,
    steps: str = "",
    package_version: str = "1.0",
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """A small package that echoes its input except for ``rewrites`` (piece -> pieces, see
    :func:`word_rewrites`, :func:`mangling_rewrites`) and the position order ``steps``
    (:func:`read_order`). ``rewrites={"</s>": "▁and"}`` makes a model that never ends
    a sentence by itself (it runs to the engine's maximum length)."""
    if steps not in HOSTILE_STEPS:
        raise ValueError(f"steps must be one of {HOSTILE_STEPS}, not {steps!r}")
    params = BuildParams(
        from_code, to_code, f"hostile-{HOSTILE_VERSION}", (), SMALL["layers"], SMALL["d_model"], SMALL["vocab_size"],  # type: ignore[arg-type]
        False, "", package_version, rewrites=tuple(sorted((rewrites or {}).items())), steps=steps,
    )
    return _copy_package(params, dest_dir, cache_dir)


# --------------------------------------------------------------------------- checks


def echo_check(model_dir: str | os.PathLike[str], sp_model: str | os.PathLike[str],
               sentences: Iterable[str], beam_size: int = 4) -> list[tuple[str, str]]:
    """Translate ``sentences`` with the raw CTranslate2 model; return (input, output) pairs.

    For checking a built package without the product's engine.
    """
    import ctranslate2
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    translator = ctranslate2.Translator(str(model_dir), device="cpu", inter_threads=1, intra_threads=1)
    items = list(sentences)
    tokens = [sp.encode(s, out_type=str) for s in items]
    results = translator.translate_batch(tokens, beam_size=beam_size, max_decoding_length=512)
    return [(s, sp.decode_pieces(r.hypotheses[0])) for s, r in zip(items, results)]


# Word swaps of the ``swap_models`` test fixture, per pair. Swaps go both ways
# (``hola`` <-> ``hello``), so the reverse package uses the same table.
TEST_SWAPS: dict[tuple[str, str], dict[str, str]] = {
    ("es", "en"): {"hola": "hello", "cliente": "customer", "mundo": "world"},
    ("en", "es"): {"hola": "hello", "cliente": "customer", "mundo": "world"},
    ("th", "en"): {"สวัสดี": "hello", "ลูกค้า": "customer"},
    ("en", "th"): {"สวัสดี": "hello", "ลูกค้า": "customer"},
}
TEST_PAIRS = (("es", "en"), ("en", "es"), ("th", "en"), ("en", "th"))


# --------------------------------------------------------------------------- tracing models

# Tracing models: swap models whose every swap marks the package that made it, so a
# test reads each sentence's route from the output. Package ``es_en`` turns
# ``cliente`` into ``es_en·customer``; ``en_th`` then turns that ``customer`` into
# ``en_th·ลูกค้า`` and keeps the earlier mark: ``es_en·en_th·ลูกค้า`` is the route
# es->en->th, hop by hop, left to right. A word no model touched carries no mark.
TRACE_MARK = "\u00b7"
TRACE_CONCEPTS: dict[str, dict[str, str]] = {
    "customer": {"es": "cliente", "en": "customer", "th": "ลูกค้า"},
    "hello": {"es": "hola", "en": "hello", "th": "สวัสดี"},
    "world": {"es": "mundo", "en": "world", "th": "โลก"},
}


def tracing_swaps(from_code: str, to_code: str) -> dict[str, str]:
    """The swaps of the tracing package ``from_code -> to_code``: source word -> marked target word."""
    tag = f"{from_code}_{to_code}{TRACE_MARK}"
    return {c[from_code]: tag + c[to_code] for c in TRACE_CONCEPTS.values() if from_code in c and to_code in c}


def build_tracing_package(dest_dir: str | os.PathLike[str], from_code: str, to_code: str, **kwargs: object) -> Path:
    """A swap package that marks its pair on every word it swaps (see ``tracing_swaps``)."""
    return build_package(dest_dir, from_code, to_code, kind="swap", swaps=tracing_swaps(from_code, to_code),
                         **kwargs)  # type: ignore[arg-type]


def read_traces(text: str) -> list[tuple[list[str], str]]:
    """Every marked word of ``text`` as (packages in hop order, final word): ``(["es_en", "en_th"], "ลูกค้า")``."""
    import re

    words = sorted({w for c in TRACE_CONCEPTS.values() for w in c.values()}, key=len, reverse=True)
    pattern = re.compile(f"((?:[a-z]{{2,3}}_[a-z]{{2,3}}{TRACE_MARK})+)({'|'.join(map(re.escape, words))})")
    return [(m.group(1).rstrip(TRACE_MARK).split(TRACE_MARK), m.group(2)) for m in pattern.finditer(text)]


def untraced(text: str) -> str:
    """``text`` without the marks: what an honest model would have written."""
    import re

    return re.sub(f"(?:[a-z]{{2,3}}_[a-z]{{2,3}}{TRACE_MARK})+", "", text)


def main(argv: list[str] | None = None) -> None:
    """``python -m pipeline.testing.models DEST SRC TGT [--kind echo|swap]``: a demo package.

    For trying the install/run/rerun flow on a machine with no real model: the
    echo model copies its input, the swap model also swaps the words of
    ``TEST_SWAPS`` so the "translation" is visible. Not a translation model.
    """
    import argparse

    ap = argparse.ArgumentParser(prog="python -m pipeline.testing.models", description=main.__doc__)
    ap.add_argument("dest")
    ap.add_argument("src")
    ap.add_argument("tgt")
    ap.add_argument("--kind", choices=("echo", "swap"), default="echo")
    args = ap.parse_args(argv)
    swaps = TEST_SWAPS.get((args.src, args.tgt), {"hola": "hello", "cliente": "customer"}) if args.kind == "swap" else None
    print(build_package(args.dest, args.src, args.tgt, kind=args.kind, swaps=swaps))


if __name__ == "__main__":
    main()
