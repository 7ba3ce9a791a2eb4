"""The embedding model in ONNX Runtime: the same vectors as sentence-transformers at
about half the cost, without importing torch to answer.

`export(folder)` writes `model.onnx` into a sentence-transformers folder (the
transformer, mean pooling and L2 normalisation in one graph, exported by torch from
the folder's own weights: nothing is downloaded), its weights in `model.onnx.data`,
and `model.onnx.json` beside them, which records the SHA-256 of the weights it came
from. The weights are a file of their own so that ONNX Runtime maps them instead of
reading them: a session opens in ~0.2 s instead of ~1.8 s, and of the 384 MB word
embedding table only the rows the questions use become resident (a service's
memory ~400 MB less). `OnnxEncoder` runs it with the
folder's tokenizer (`tokenizer.json`, the same truncation) and prompts. A missing,
stale or unreadable ONNX file is a `ModelError` naming the command that rebuilds it;
there is never a silent fall back to other vectors.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# 2: attention exported as plain operations ("eager"), not torch's fused SDPA, which
# ONNX Runtime runs ~20% faster on passages (9.4 s against 11.8 s for the 327 of the
# library on 2 cores; queries ~3%), vectors at cosine ≥ 0.999999 with version 1's.
EXPORT_VERSION = 2
ONNX_FILE = "model.onnx"
DATA_FILE = "model.onnx.data"
STAMP_FILE = "model.onnx.json"
OPSET = 17
WEIGHTS = "model.safetensors"
REBUILD = "run `reportqa model build --force` (or set REPORTQA_BACKEND=torch)"


class OnnxModelError(RuntimeError):
    """The ONNX model of a folder is missing, stale or unreadable."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(folder: Path) -> Path:
    """Write `folder`/model.onnx from the folder's weights, atomically; returns its path."""
    import warnings

    import onnx
    import torch
    import transformers
    from transformers import AutoModel, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()
    folder = Path(folder)
    tok = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):  # what sentence-transformers does after the transformer
        def __init__(self, m: torch.nn.Module) -> None:
            super().__init__()
            self.m = m

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            h = self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(h.dtype)
            v = (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, p=2, dim=1)

    sample = tok(["query: 地区生产总值", "passage: 增长5.4%"], padding=True, return_tensors="pt")
    with tempfile.TemporaryDirectory(prefix=".onnx.", dir=folder) as tmp:
        single, graph = Path(tmp) / "single.onnx", Path(tmp) / ONNX_FILE
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(model).eval(), (sample["input_ids"], sample["attention_mask"]), single,
                input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                              "attention_mask": {0: "batch", 1: "tokens"},
                              "embedding": {0: "batch"}},
                opset_version=OPSET, dynamo=False)
        onnx.save_model(onnx.load(str(single)), str(graph), save_as_external_data=True,
                        all_tensors_to_one_file=True, location=DATA_FILE, size_threshold=1024)
        for name in (DATA_FILE, ONNX_FILE):  # the weights first: the graph names them
            os.chmod(Path(tmp) / name, 0o644)
            os.replace(Path(tmp) / name, folder / name)
    stamp = {"weights_sha256": _sha256(folder / WEIGHTS), "onnx_sha256": _sha256(folder / ONNX_FILE),
             "onnx_bytes": (folder / ONNX_FILE).stat().st_size,
             "data_sha256": _sha256(folder / DATA_FILE),
             "data_bytes": (folder / DATA_FILE).stat().st_size, "opset": OPSET,
             "export_version": EXPORT_VERSION,
             "torch": torch.__version__}
    (folder / STAMP_FILE).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return folder / ONNX_FILE


def is_exported(folder: Path) -> bool:
    """Whether `folder` holds an export of the size its stamp records (cheap)."""
    folder = Path(folder)
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
        return ((folder / ONNX_FILE).stat().st_size == int(stamp["onnx_bytes"])
                and (folder / DATA_FILE).stat().st_size == int(stamp["data_bytes"]))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def is_current(folder: Path) -> bool:
    """Whether `folder` holds an intact ONNX model exported from its present weights
    by this version of the export."""
    folder = Path(folder)
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
        return (stamp.get("export_version") == EXPORT_VERSION
                and stamp["weights_sha256"] == _sha256(folder / WEIGHTS)
                and stamp["onnx_sha256"] == _sha256(folder / ONNX_FILE)
                and stamp["data_sha256"] == _sha256(folder / DATA_FILE))
    except (OSError, ValueError, KeyError, TypeError):
        return False


class OnnxEncoder:
    """Sentence embeddings of a folder's `model.onnx`, normalised float32."""

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        onnx_path = folder / ONNX_FILE
        if not onnx_path.is_file():
            raise OnnxModelError(f"{onnx_path} is missing: {REBUILD}")
        try:
            stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
            expected = {ONNX_FILE: int(stamp["onnx_bytes"]), DATA_FILE: int(stamp["data_bytes"])}
        except (OSError, ValueError, KeyError, TypeError):
            raise OnnxModelError(f"{folder / STAMP_FILE} is missing, unreadable or from an "
                                 f"older export: {REBUILD}") from None
        # Their sizes on every load (cheap); their hashes where the folder is checked
        # (`is_current`, run by `reportqa setup`).
        for name, size in expected.items():
            got = (folder / name).stat().st_size if (folder / name).is_file() else None
            if got != size:
                state = "missing" if got is None else f"corrupt ({got} bytes, exported {size})"
                raise OnnxModelError(f"{folder / name} is {state}: {REBUILD}")
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        if threads:
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as exc:  # noqa: BLE001 - ONNX Runtime's many load errors, one message
            raise OnnxModelError(f"cannot load {onnx_path} ({type(exc).__name__}): {REBUILD}") from exc
        config = _read_json(folder / "sentence_bert_config.json")
        self.tokenizer.enable_truncation(int(config.get("max_seq_length", 512)))
        special = _read_json(folder / "special_tokens_map.json").get("pad_token", "<pad>")
        pad = special.get("content", "<pad>") if isinstance(special, dict) else str(special)
        pad_id = self.tokenizer.token_to_id(pad)
        self.tokenizer.enable_padding(pad_id=pad_id if pad_id is not None else 0, pad_token=pad)
        self.prompts: dict[str, str] = _read_json(
            folder / "config_sentence_transformers.json").get("prompts") or {}
        self.dim = int(self.encode(["x"])[0].shape[0])

    def encode(self, texts: Sequence[str], batch_size: int = 16,
               progress: bool = False) -> np.ndarray:
        """(n, dim) float32; batches of similar length, so padding costs little.
        `progress`: a bar on a terminal (reportqa.progress)."""
        from reportqa.progress import bar

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[np.ndarray | None] = [None] * len(texts)
        with bar(len(texts), "embedding", "passage", wanted=progress) as shown:
            for s in range(0, len(order), batch_size):
                rows = order[s : s + batch_size]
                enc = self.tokenizer.encode_batch([texts[i] for i in rows])
                ids = np.array([e.ids for e in enc], dtype=np.int64)
                mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
                vecs = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
                for i, v in zip(rows, vecs):
                    out[i] = v
                shown.update(len(rows))
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        return np.ascontiguousarray(np.vstack(out), dtype=np.float32)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
