"""Retrievers: anything with ``search(query, top_k) -> list[Hit]``.

BM25 over jieba tokens is strong on Chinese questions; dense multilingual-e5
carries English questions across languages; the hybrid fuses the two with
weights chosen per language on the tuning gold set (`qa.settings.Settings`
`w_bm25`, `w_dense`).
Fusion is on normalised scores, not blind reciprocal ranks: equal-weight RRF
made both languages worse on this report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from index.embed import Embedder
from index.segment import Segmenter
from index.store import IndexBundle, all_vectors
from reportqa.types import Hit


class Retriever(Protocol):
    def search(self, query: str, top_k: int) -> list[Hit]: ...


def check_top_k(top_k: object, limit: int | None = None) -> None:
    """`top_k` must be a positive integer (and at most `limit`, when given)."""
    ok = isinstance(top_k, int) and not isinstance(top_k, bool) and top_k > 0
    if limit is None:
        if not ok:
            raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
    elif not ok or top_k > limit:  # type: ignore[operator]
        raise ValueError(f"top_k must be an integer from 1 to {limit}, got {top_k!r}")


class BM25Retriever:
    """bm25s over the jieba tokens of each passage's indexed text."""

    def __init__(self, bundle: IndexBundle, segmenter: Segmenter) -> None:
        self.bundle = bundle
        self.segment = segmenter
        self._vocab = bundle.bm25.vocab_dict

    def scores_for_tokens(self, tokens: Sequence[str],
                          weights: Mapping[str, float] | None = None) -> np.ndarray:
        """BM25 of the tokens; a token in `weights` counts that much (others 1)."""
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return np.zeros(len(self.bundle.passages), dtype=np.float32)
        weights = {t: w for t, w in (weights or {}).items() if t in known}
        plain = [t for t in known if t not in weights]
        out = (np.asarray(self.bundle.bm25.get_scores(plain), dtype=np.float32) if plain
               else np.zeros(len(self.bundle.passages), dtype=np.float32))
        for t, w in weights.items():
            out += w * np.asarray(self.bundle.bm25.get_scores([t]), dtype=np.float32)
        return out

    def scores(self, query: str) -> np.ndarray:
        return self.scores_for_tokens(self.segment(query))

    def search(self, query: str, top_k: int) -> list[Hit]:
        check_top_k(top_k)
        return top_hits(self.bundle, self.scores(query), top_k, "bm25")


class DenseRetriever:
    """FAISS inner product over normalised e5 vectors."""

    def __init__(self, bundle: IndexBundle, embedder: Embedder) -> None:
        self.bundle = bundle
        self.embedder = embedder
        self._all: np.ndarray | None = None  # every vector, read from FAISS when first needed

    def scores_for_vector(self, qvec: np.ndarray, k: int = 200) -> np.ndarray:
        """Cosine of the query to its `k` nearest passages; every other passage gets
        the k-th cosine (a bound), so fusion costs O(k), not O(corpus)."""
        n = len(self.bundle.passages)
        k = min(k, n)
        sims, ids = self.bundle.faiss.search(qvec.reshape(1, -1).astype(np.float32), k)
        valid = ids[0] >= 0  # FAISS pads with -1 when it returns fewer than k
        floor = float(sims[0][valid].min()) if valid.any() else 0.0
        out = np.full(n, floor if k < n else 0.0, dtype=np.float32)
        out[ids[0][valid]] = sims[0][valid]
        return out

    def scores_for_rows(self, qvec: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Exact cosines for the passages in `mask` (a routed report's), the rest 0:
        a small report's passages need not be among the library's nearest."""
        out = np.zeros(len(self.bundle.passages), dtype=np.float32)
        rows = np.flatnonzero(mask)
        if rows.size:
            out[rows] = self._vectors(rows) @ qvec.astype(np.float32)
        return out

    def _vectors(self, rows: np.ndarray) -> np.ndarray:
        index = self.bundle.faiss
        if self._all is None:
            self._all = all_vectors(index)
        return self._all[rows]

    def search(self, query: str, top_k: int) -> list[Hit]:
        check_top_k(top_k)
        qvec = self.embedder.encode_query([query])[0]
        sims, ids = self.bundle.faiss.search(qvec.reshape(1, -1), top_k)
        return [
            Hit(self.bundle.passages[int(i)], float(s), "dense")
            for s, i in zip(sims[0], ids[0], strict=True) if i >= 0
        ]


def normalise(scores: np.ndarray) -> np.ndarray:
    """Scale to [0, 1] by the maximum (0 stays 0: no evidence is no evidence)."""
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def dense_normalise(sims: np.ndarray) -> np.ndarray:
    """e5 cosines sit in a narrow band (~0.7–0.9): min-max over the corpus."""
    lo, hi = float(sims.min()), float(sims.max())
    return (sims - lo) / (hi - lo) if hi > lo else np.zeros_like(sims)


def top_hits(bundle: IndexBundle, scores: np.ndarray, top_k: int, source: str,
             rows_per_table: int | None = None) -> list[Hit]:
    """The `top_k` passages by score, ties in index order.

    `rows_per_table`: at most this many rows of one table. A question about a
    table's subject ("区级重点项目") matches its title in every row; seventeen rows
    must not crowd out the sentence that gives the total.
    """
    order = np.argsort(-scores, kind="stable")
    if rows_per_table is None:
        return [Hit(bundle.passages[int(i)], float(scores[i]), source) for i in order[:top_k]]
    out: list[Hit] = []
    per_table: dict[str, int] = {}
    for i in order:
        p = bundle.passages[int(i)]
        if p.kind == "table_row":
            per_table[p.section] = per_table.get(p.section, 0) + 1
            if per_table[p.section] > rows_per_table:
                continue
        out.append(Hit(p, float(scores[i]), source))
        if len(out) == top_k:
            break
    return out
