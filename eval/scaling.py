"""How retrieval cost grows with the corpus: BM25 (bm25s), FAISS flat and HNSW.

The report has ~200 passages, so larger corpora are synthetic, and every
result says so:

- vectors: standard normal, 384-d, L2-normalised float32 (`synthetic_vectors`).
  Random vectors are the hard case for HNSW (no cluster structure), so its
  recall@10 against the exact flat search is reported next to its latency.
- passages for BM25: token lists drawn from the real corpus's jieba token
  distribution (`TokenDistribution`). Observed tokens keep their observed
  frequencies; the Good-Turing share of unseen tokens (hapaxes / tokens) goes
  to a Zipf tail of synthetic tokens continuing the fitted rank-frequency
  slope, so the vocabulary keeps growing with the corpus as real text does.
  Passage lengths are drawn from the real passages' lengths.

The stages time what `qa.retrieve` does per question: BM25 scores over every
passage then the top 10 (`bm25`); FAISS exact top 10 (`flat`, and `flat_1t`
on one OpenMP thread); FAISS exact
scores for every passage, as the hybrid fusion asks for them today
(`flat_all`); HNSW top 10 (`hnsw`).
"""

from __future__ import annotations

import gc
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from eval.bench import summarize

DIM = 384
DEFAULT_SIZES = (10_000, 100_000)
FULL_SIZE = 1_000_000
TOP_K = 10
HNSW_M = 32  # as index.store.make_faiss_index builds it
HNSW_EF_SEARCH = 64
HNSW_EF_CONSTRUCTION = 80
# Above this size HNSW is built with a smaller efConstruction so that a 1M
# build on 2 cores stays within minutes; the result records which was used.
HNSW_LARGE = 200_000
HNSW_EF_CONSTRUCTION_LARGE = 40
TAIL_TYPES = 2_000_000  # support of the synthetic Zipf tail
_CHUNK = 65_536  # rows generated at a time (fixed, so a seed gives one answer)

STAGES: dict[str, str] = {
    "bm25": "BM25 (bm25s) scores for all passages + top 10",
    "flat": "FAISS flat (exact) top 10, FAISS's default OpenMP threads",
    "flat_1t": "FAISS flat (exact) top 10, one OpenMP thread",
    "flat_all": "FAISS flat scores for all passages (hybrid fusion input)",
    "hnsw": f"FAISS HNSW (M={HNSW_M}, efSearch={HNSW_EF_SEARCH}) top 10",
}
SYNTHETIC_NOTE = (
    "Synthetic data: vectors are random normal 384-d L2-normalised float32; BM25 passages "
    "are jieba token lists sampled from the real corpus's token distribution (observed "
    "frequencies + a Zipf tail of new tokens), lengths from the real passages. Queries: "
    "random unit vectors, and the jieba tokens of the Chinese gold questions. HNSW recall@10 "
    "is against the exact flat search on random vectors, the worst case for a graph index "
    "(no cluster structure, near-equal distances); real embeddings fare better."
)

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def hnsw_ef_construction(size: int) -> int:
    return HNSW_EF_CONSTRUCTION if size <= HNSW_LARGE else HNSW_EF_CONSTRUCTION_LARGE


# ------------------------------------------------------------------ synthetic data

def synthetic_vectors(n: int, dim: int = DIM, seed: int = 0) -> np.ndarray:
    """(n, dim) float32 rows, standard normal then L2-normalised; fixed by `seed`."""
    if n <= 0 or dim <= 0:
        raise ValueError(f"n and dim must be > 0, got n={n}, dim={dim}")
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, _CHUNK):  # no float64 copy of a 1.5 GB array
        block = out[start:start + _CHUNK]
        block[:] = rng.standard_normal(block.shape, dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
    return out


@dataclass(frozen=True)
class TokenDistribution:
    """Unigram distribution of a real corpus, with a Zipf tail for unseen tokens."""

    tokens: tuple[str, ...]  # observed types, most frequent first
    probs: np.ndarray  # their probabilities; sums to 1 - unseen
    unseen: float  # Good-Turing mass of tokens never seen: hapaxes / tokens
    zipf_s: float  # rank-frequency exponent fitted on the observed types
    lengths: np.ndarray  # observed passage lengths in tokens (all >= 1)

    @classmethod
    def from_token_lists(cls, docs: Sequence[Sequence[str]]) -> TokenDistribution:
        counts = Counter(t for doc in docs for t in doc)
        lengths = np.array([len(d) for d in docs if d], dtype=np.int64)
        if not counts or lengths.size == 0:
            raise ValueError("token lists are empty: need at least one token to sample from")
        ranked = counts.most_common()
        freq = np.array([c for _, c in ranked], dtype=np.float64)
        total = freq.sum()
        hapax = float((freq == 1).sum())
        unseen = hapax / total if hapax < total else 0.5
        return cls(
            tokens=tuple(t for t, _ in ranked),
            probs=freq / total * (1.0 - unseen),
            unseen=unseen,
            zipf_s=fit_zipf_exponent(freq),
            lengths=lengths,
        )


def fit_zipf_exponent(freq_desc: np.ndarray) -> float:
    """Least-squares slope s of log f = c - s log rank (clipped to [0.5, 2])."""
    if len(freq_desc) < 2:
        return 1.0
    ranks = np.log(np.arange(1, len(freq_desc) + 1))
    slope = np.polyfit(ranks, np.log(freq_desc), 1)[0]
    return float(np.clip(-slope, 0.5, 2.0))


@dataclass
class SyntheticPassages:
    """Token-id lists ready for bm25s, with their vocabulary (token -> id)."""

    ids: list[list[int]]
    vocab: dict[str, int]
    tokens: int


def synthetic_passages(dist: TokenDistribution, n: int, seed: int = 0,
                       tail_types: int = TAIL_TYPES) -> SyntheticPassages:
    """`n` passages sampled from `dist`; ids are dense (0..vocab-1) as bm25s needs."""
    if n <= 0:
        raise ValueError(f"n must be > 0, got {n}")
    rng = np.random.default_rng(seed)
    lengths = rng.choice(dist.lengths, size=n)
    flat = _sample_ranks(dist, int(lengths.sum()), rng, tail_types)
    used, dense = np.unique(flat, return_inverse=True)
    n_obs = len(dist.tokens)
    vocab = {(dist.tokens[r] if r < n_obs else f"\u27e8syn{r - n_obs}\u27e9"): i
             for i, r in enumerate(used.tolist())}
    bounds = np.cumsum(lengths)[:-1]
    ids = [part.tolist() for part in np.split(dense.astype(np.int64), bounds)]
    return SyntheticPassages(ids=ids, vocab=vocab, tokens=int(lengths.sum()))


def _sample_ranks(dist: TokenDistribution, k: int, rng: np.random.Generator,
                  tail_types: int) -> np.ndarray:
    """k token ranks: observed ranks by their probability, else a Zipf tail rank."""
    n_obs = len(dist.tokens)
    weights = np.concatenate([dist.probs, _tail_weights(n_obs, dist.zipf_s, tail_types,
                                                        dist.unseen)])
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    out = np.empty(k, dtype=np.int64)
    for start in range(0, k, 1 << 22):
        u = rng.random(min(1 << 22, k - start))
        out[start:start + len(u)] = np.searchsorted(cdf, u, side="right")
    return np.minimum(out, len(cdf) - 1)


def _tail_weights(n_obs: int, s: float, tail_types: int, mass: float) -> np.ndarray:
    """Zipf weights for ranks n_obs+1 .. n_obs+tail_types, scaled to `mass`."""
    if mass <= 0 or tail_types <= 0:
        return np.zeros(0)
    w = np.arange(n_obs + 1, n_obs + tail_types + 1, dtype=np.float64) ** -s
    return w * (mass / w.sum())


# ------------------------------------------------------------------ timing

def time_calls(fn: Callable[[Any], object], inputs: Sequence[Any], budget_s: float = 20.0,
               min_calls: int = 5) -> list[float]:
    """Milliseconds per call of `fn` over `inputs`, stopping once `budget_s` is spent
    (after at least `min_calls`), so a slow stage at 1M stays bounded."""
    out: list[float] = []
    start = time.perf_counter()
    for x in inputs:
        t0 = time.perf_counter()
        fn(x)
        out.append((time.perf_counter() - t0) * 1e3)
        if len(out) >= min_calls and time.perf_counter() - start > budget_s:
            break
    return out


def _row(size: int, stage: str, build_s: float | None, ms: list[float],
         **extra: Any) -> dict[str, Any]:
    return {"size": size, "stage": stage, "build_s": build_s, "query_ms": summarize(ms),
            **extra}


# ------------------------------------------------------------------ the runner

def run_scaling(sizes: Sequence[int], dist: TokenDistribution,
                query_tokens: Sequence[Sequence[str]], n_queries: int = 50, seed: int = 0,
                budget_s: float = 20.0, log: Log = _quiet) -> dict[str, Any]:
    """Build each stage at each size, time `n_queries` searches; rows of results."""
    if not sizes or any(int(n) <= 0 for n in sizes):
        raise ValueError(f"sizes must be positive integers, got {list(sizes)!r}")
    if n_queries <= 0:
        raise ValueError(f"n_queries must be > 0, got {n_queries}")
    rows: list[dict[str, Any]] = []
    corpora: list[dict[str, Any]] = []
    qvecs = synthetic_vectors(n_queries, seed=seed + 1)
    for size in sorted(int(n) for n in sizes):
        log(f"scaling {size:,}: BM25")
        info, bm_rows = _bm25_rows(size, dist, query_tokens, n_queries, seed, budget_s)
        rows += bm_rows
        log(f"scaling {size:,}: FAISS flat and HNSW")
        dense_rows, dense_info = _dense_rows(size, qvecs, seed, budget_s, log)
        rows += dense_rows
        corpora.append({"size": size, **info, **dense_info})
        gc.collect()
    return {
        "note": SYNTHETIC_NOTE,
        "stages": STAGES,
        "sizes": sorted(int(n) for n in sizes),
        "top_k": TOP_K,
        "queries": n_queries,
        "budget_s_per_stage": budget_s,
        "distribution": {"observed_types": len(dist.tokens), "unseen_mass": round(dist.unseen, 4),
                         "zipf_s": round(dist.zipf_s, 3),
                         "mean_len": round(float(dist.lengths.mean()), 1)},
        "corpora": corpora,
        "rows": rows,
    }


def _bm25_rows(size: int, dist: TokenDistribution, query_tokens: Sequence[Sequence[str]],
               n_queries: int, seed: int, budget_s: float
               ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from bm25s.tokenization import Tokenized

    from index.store import import_bm25s

    bm25s = import_bm25s()
    t0 = time.perf_counter()
    corpus = synthetic_passages(dist, size, seed=seed)
    gen_s = time.perf_counter() - t0
    bm25 = bm25s.BM25()
    t0 = time.perf_counter()
    bm25.index(Tokenized(ids=corpus.ids, vocab=corpus.vocab), show_progress=False)
    build_s = time.perf_counter() - t0
    vocab = bm25.vocab_dict
    queries = [[t for t in q if t in vocab] for q in query_tokens]
    queries = [q for q in queries if q][:n_queries] or [[dist.tokens[0]]]

    def search(tokens: list[str]) -> np.ndarray:
        scores = np.asarray(bm25.get_scores(tokens), dtype=np.float32)
        k = min(TOP_K, len(scores))
        return np.argpartition(-scores, k - 1)[:k]

    ms = time_calls(search, _cycle(queries, n_queries), budget_s)
    info = {"tokens": corpus.tokens, "vocab": len(corpus.vocab),
            "bm25_generate_s": round(gen_s, 3),
            "bm25_index_mb": round(sum(bm25.scores[k].nbytes for k in ("data", "indices",
                                                                          "indptr")) / 2**20, 1)}
    return info, [_row(size, "bm25", round(build_s, 4), ms)]


def _dense_rows(size: int, qvecs: np.ndarray, seed: int, budget_s: float,
                log: Log) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    t0 = time.perf_counter()
    vectors = synthetic_vectors(size, qvecs.shape[1], seed=seed)
    gen_s = time.perf_counter() - t0
    rows, truth = _flat_rows(size, vectors, qvecs, budget_s)
    gc.collect()  # the flat index (as large as the vectors) is gone before HNSW is built
    hnsw, hnsw_build, ef_c = _build_hnsw(vectors, log)
    del vectors
    k = min(TOP_K, size)
    ms = time_calls(lambda q: hnsw.search(q[None, :], k), qvecs, budget_s)
    _, found = hnsw.search(qvecs, k)
    recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(truth, found,
                                                                      strict=True)]))
    rows.append(_row(size, "hnsw", round(hnsw_build, 4), ms, recall_at_10=round(recall, 4),
                     ef_construction=ef_c))
    return rows, {"vectors_generate_s": round(gen_s, 3),
                  "vectors_mb": round(size * qvecs.shape[1] * 4 / 2**20, 1)}


def _flat_rows(size: int, vectors: np.ndarray, qvecs: np.ndarray, budget_s: float
               ) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Exact search rows, and the exact top ids that HNSW recall is measured against."""
    import faiss

    t0 = time.perf_counter()
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    build_s = round(time.perf_counter() - t0, 4)
    k = min(TOP_K, size)

    def top(q: np.ndarray) -> object:
        return flat.search(q[None, :], k)

    def every(q: np.ndarray) -> object:
        return flat.search(q[None, :], size)

    rows = [_row(size, "flat", build_s, time_calls(top, qvecs, budget_s)),
            _row(size, "flat_1t", build_s, _one_thread(lambda: time_calls(top, qvecs, budget_s))),
            _row(size, "flat_all", build_s, time_calls(every, qvecs, budget_s))]
    return rows, flat.search(qvecs, k)[1]


def _one_thread(fn: Callable[[], list[float]]) -> list[float]:
    """Run `fn` with FAISS on one OpenMP thread: on a loaded 2-core machine a
    single-query search spends more time in OpenMP hand-offs than in arithmetic."""
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return fn()
    finally:
        faiss.omp_set_num_threads(threads)


def _build_hnsw(vectors: np.ndarray, log: Log) -> tuple[Any, float, int]:
    """HNSW over inner product, added in slices so a long build reports progress."""
    import faiss

    n, dim = vectors.shape
    ef_c = hnsw_ef_construction(n)
    index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_c
    index.hnsw.efSearch = HNSW_EF_SEARCH
    step = max(n // 10, 50_000)
    t0 = time.perf_counter()
    for start in range(0, n, step):
        index.add(vectors[start:start + step])
        if n > step:
            done = min(start + step, n)
            log(f"  HNSW {done:,}/{n:,} added ({time.perf_counter() - t0:.0f}s, "
                f"efConstruction={ef_c})")
    return index, time.perf_counter() - t0, ef_c


def _cycle(items: Sequence[Any], n: int) -> list[Any]:
    """`n` items, repeating `items` in order as needed."""
    return [items[i % len(items)] for i in range(n)]


def projected_embed_seconds(sizes: Sequence[int], passages_per_s: float) -> dict[int, float]:
    """Time to embed each corpus size with the real model at the measured rate."""
    if not passages_per_s or passages_per_s <= 0 or math.isnan(passages_per_s):
        return {}
    return {int(n): round(n / passages_per_s, 1) for n in sizes}
