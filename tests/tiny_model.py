"""A tiny *real* Argos Translate package for tests and benchmarks: a SentencePiece model trained on
TICO-19 text (Persian and English, one shared vocabulary) and a random-weight CTranslate2
Transformer built from ``TransformerSpec.from_config`` and numpy arrays, packed as an
``.argosmodel`` zip and installable with argostranslate's own ``install_from_path``.

Its drafts are noise, but they go through the real loading, tokenizing, decoding and storing path
at a realistic cost. Nothing outside tests and ``bench/`` may install or use it: the package name
and metadata say it is a random test model (``"test_only": true``), so it is never mistaken for a
translation model: the demo does not draft with it, and it drafts only when named (``--model``,
``$WORKBENCH_MODEL``, ``load_engine(model=...)``). ``stand_in`` dresses it as a real model for
tests of the download path that must end in drafts.

    python -m tests.tiny_model OUT_DIR   # writes OUT_DIR/tiny-random-test-fa_en.argosmodel
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TICO_GZ = Path(__file__).resolve().parent / "data" / "tico19" / "all.en-fa.tmx.gz"
PACKAGE_NAME = "tiny-random-test-fa_en"
PACKAGE_VERSION = "0.0.1"


@dataclass(frozen=True)
class TinyConfig:
    """The model's size. The defaults decode TICO-19 at speeds of the same order as a real
    small Argos model on a 2-core machine (see bench/draft.py)."""

    layers: int = 2
    d_model: int = 64
    heads: int = 4
    ffn: int = 256
    vocab: int = 4000
    draft_tokens: int = 32  # drafts end around this many tokens
    logit_scale: float = 8.0
    clock_rate: float = 0.05
    eos_weight: float = 15.0
    eos_bias: float = 28.0
    training_sentences: int = 4000  # per language, for SentencePiece
    seed: int = 1234


def tico_sentences(limit: int | None = None) -> tuple[list[str], list[str]]:
    """Persian and English sides of TICO-19 (the first ``limit`` units)."""
    from workbench.formats import read_tmx

    fa, en = [], []
    for unit in read_tmx(TICO_GZ):
        if limit is not None and len(fa) >= limit:
            break
        fa.append(unit.fa)
        en.append(unit.en)
    return fa, en


def train_sentencepiece(sentences: list[str], vocab: int, seed: int) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, vocab_size=vocab, model_type="unigram",
        character_coverage=1.0, num_threads=2, minloglevel=2,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
    )
    return model.getvalue()


def build_spec(vocabulary: list[str], config: TinyConfig):  # -> ctranslate2.specs.TransformerSpec
    """A Transformer with every weight drawn at random (layer norms at identity)."""
    import numpy as np
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(config.seed)
    d, ff, v = config.d_model, config.ffn, len(vocabulary)

    def weights(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)

    def linear(spec, rows: int, cols: int) -> None:
        spec.weight = weights(rows, cols)
        spec.bias = np.zeros(rows, np.float32)

    def norm(spec) -> None:
        spec.gamma = np.ones(d, np.float32)
        spec.beta = np.zeros(d, np.float32)

    def attention(spec, fused: list[int]) -> None:
        norm(spec.layer_norm)
        for layer, rows in zip(spec.linear, fused):
            linear(layer, rows, d)

    def ffn(spec) -> None:
        norm(spec.layer_norm)
        linear(spec.linear_0, ff, d)
        linear(spec.linear_1, d, ff)

    spec = transformer_spec.TransformerSpec.from_config(config.layers, config.heads)
    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = weights(v, d)
    norm(encoder.layer_norm)
    for layer in encoder.layer:
        attention(layer.self_attention, [3 * d, d])  # fused QKV, output
        ffn(layer.ffn)
    decoder.embeddings.weight = weights(v, d)
    norm(decoder.layer_norm)
    linear(decoder.projection, v, d)
    for layer in decoder.layer:
        attention(layer.self_attention, [3 * d, d])
        attention(layer.attention, [d, 2 * d, d])  # query, fused KV, output
        ffn(layer.ffn)
    _add_length_clock(decoder, vocabulary.index("</s>"), config)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def _add_length_clock(decoder, eos: int, config: TinyConfig) -> None:
    """Make drafts end near ``config.draft_tokens`` tokens, as a trained model's would.

    Random logits would never pick </s> (every draft runs to the length limit) or, with a plain
    bias on </s>, pick it at once. Instead dimension 0 of the decoder's residual stream becomes
    a clock: the position encoding writes the step number there, nothing else writes to it, and
    only the </s> row of the output projection reads it. Sharp logits (``logit_scale``) make
    every other step confident, as in a trained model.
    """
    import numpy as np

    positions, d = 1024, config.d_model
    decoder.embeddings.weight[:, 0] = 0.0
    for layer in decoder.layer:
        for output in (layer.self_attention.linear[-1], layer.attention.linear[-1], layer.ffn.linear_1):
            output.weight[0, :] = 0.0
            output.bias[0] = 0.0
    decoder.position_encodings.encodings = _sinusoids(positions, d)
    decoder.position_encodings.encodings[:, 0] = (np.arange(positions) - config.draft_tokens) * config.clock_rate
    projection = decoder.projection
    projection.weight *= config.logit_scale
    projection.weight[:, 0] = 0.0
    projection.weight[eos, :] = 0.0
    projection.weight[eos, 0] = config.eos_weight
    projection.bias[eos] = config.eos_bias


def _sinusoids(positions: int, d: int):
    import numpy as np

    rates = 1.0 / np.power(10000.0, np.arange(0, d, 2) / d)
    angles = np.arange(positions)[:, None] * rates[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


def build_package_dir(root: Path, config: TinyConfig = TinyConfig()) -> Path:
    """Write the package directory ``root/PACKAGE_NAME`` and return it."""
    import sentencepiece as spm

    fa, en = tico_sentences(config.training_sentences)
    sp_bytes = train_sentencepiece(fa + en, config.vocab, config.seed)
    processor = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]

    package = root / PACKAGE_NAME
    package.mkdir(parents=True, exist_ok=True)
    (package / "sentencepiece.model").write_bytes(sp_bytes)
    spec = build_spec(vocabulary, config)
    spec.validate()
    spec.optimize(quantization="int8")  # as Argos packages ship (converted with --quantization int8)
    (package / "model").mkdir()
    spec.save(str(package / "model"))
    metadata = {
        "package_version": PACKAGE_VERSION,
        "argos_version": "1.9",
        "code": PACKAGE_NAME,
        "from_code": "fa",
        "from_name": "Persian",
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
        "links": [],
        "description": "TINY RANDOM TEST MODEL: random weights, output is noise. For tests only.",
        "test_only": True,  # the workbench never picks it by default nor drafts the demo with it
        "tiny_config": config.__dict__,
    }
    (package / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (package / "README.md").write_text(metadata["description"] + "\n", encoding="utf-8")
    return package


def build_argosmodel(out_dir: Path, config: TinyConfig = TinyConfig()) -> Path:
    """Build the package and zip it as ``out_dir/PACKAGE_NAME.argosmodel`` (a zip of the
    package directory, as Argos distributes them)."""
    out_dir = Path(out_dir)
    package = build_package_dir(out_dir / "build", config)
    archive = out_dir / f"{PACKAGE_NAME}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(package.parent))
    return archive


def rewrite_archive(archive: Path, out: Path, *, metadata: dict | None = None,
                    replace: dict[str, bytes] | None = None) -> Path:
    """A copy of the package ``archive`` at ``out`` with metadata.json updated by ``metadata``
    (a new ``code`` also renames the package folder) and files replaced by ``replace``
    (paths inside the package folder, e.g. ``{"model/model.bin": b"garbage"}``)."""
    metadata, replace = metadata or {}, replace or {}
    with zipfile.ZipFile(archive) as source:
        top = source.namelist()[0].split("/", 1)[0]
        new_top = metadata.get("code", top)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                inside = info.filename.split("/", 1)[1]
                data = source.read(info)
                if inside == "metadata.json":
                    data = json.dumps({**json.loads(data), **metadata}, indent=2).encode()
                data = replace.get(inside, data)
                target.writestr(f"{new_top}/{inside}", data)
    return out


def stand_in(archive: Path, out: Path, code: str = "tiny-stand-in-fa_en") -> Path:
    """The tiny package dressed as a real fa→en model (not marked test-only): what the Argos
    index would offer, for tests of the download path that must end in drafts."""
    return rewrite_archive(archive, out, metadata={
        "code": code, "test_only": False, "package_version": "1.0",
        "description": "Stand-in for a real fa→en model in tests (random weights).",
    })


def install(archive: Path, packages_dir: Path) -> Path:
    """Install ``archive`` into ``packages_dir`` with argostranslate's own installer, in a
    subprocess: argostranslate reads ARGOS_PACKAGES_DIR once, when it is first imported."""
    import os
    import subprocess

    packages_dir.mkdir(parents=True, exist_ok=True)
    code = "import sys; from argostranslate import package; package.install_from_path(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, str(archive)], check=True,
                   env={**os.environ, "ARGOS_PACKAGES_DIR": str(packages_dir)})
    return packages_dir / PACKAGE_NAME


@dataclass(frozen=True)
class TinyArgos:
    archive: Path  # the .argosmodel file
    packages: Path  # an ARGOS_PACKAGES_DIR with the package installed

    @property
    def env(self) -> dict[str, str]:
        """The package installed and chosen by name (a test model drafts only when named)."""
        return {**self.installed_env, "WORKBENCH_MODEL": PACKAGE_NAME}

    @property
    def installed_env(self) -> dict[str, str]:
        """The package installed, not chosen: as a user who installed nothing else would be."""
        return {"ARGOS_PACKAGES_DIR": str(self.packages)}


@pytest.fixture(scope="session")
def tiny_argos(tmp_path_factory: pytest.TempPathFactory) -> TinyArgos:
    """The tiny package, built and installed once per test process (modules that import this
    fixture share the files: the second one finds them in place)."""
    root = tmp_path_factory.getbasetemp() / "tiny-argos"
    archive, packages = root / f"{PACKAGE_NAME}.argosmodel", root / "packages"
    if not (packages / PACKAGE_NAME / "metadata.json").exists():
        build_argosmodel(root)
        install(archive, packages)
    return TinyArgos(archive=archive, packages=packages)


if __name__ == "__main__":
    print(build_argosmodel(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
