"""What an evaluation leaves behind: metrics.json, answers.jsonl, report.md, accuracy.png.

Nothing here prints; `render_table` returns the compact table for the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.gold import KINDS, LANGS
from eval.metrics import ItemResult

METRICS_FILE = "metrics.json"
ANSWERS_FILE = "answers.jsonl"
REPORT_FILE = "report.md"
CHART_FILE = "accuracy.png"

# (column title, metrics key, format) of the compact table.
_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("n", "n", "{:d}"),
    ("hit@1", "hit@1", "{:.3f}"),
    ("hit@5", "hit@5", "{:.3f}"),
    ("MRR", "mrr", "{:.3f}"),
    ("acc", "answer_acc", "{:.3f}"),
    ("strict", "strict_acc", "{:.3f}"),
    ("wrong_rep", "wrong_report", "{:.3f}"),
    ("abst_recall", "abst_recall", "{:.3f}"),
    ("false_abst", "false_abst", "{:.3f}"),
    ("faithful", "faithful", "{:.3f}"),
    ("p50 ms", "latency_p50_ms", "{:.0f}"),
)
_QUOTE_CHARS = 300  # how much of a citation the report shows


def write_reports(
    out_dir: str | Path, results: Sequence[ItemResult], metrics: dict[str, Any]
) -> dict[str, Path]:
    """Write all four files into `out_dir` (created if needed); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "metrics": write_metrics(out / METRICS_FILE, metrics),
        "answers": write_answers(out / ANSWERS_FILE, results),
        "report": write_markdown(out / REPORT_FILE, results, metrics),
        "chart": write_chart(out / CHART_FILE, metrics),
    }
    return paths


def write_metrics(path: Path, metrics: dict[str, Any]) -> Path:
    path.write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_answers(path: Path, results: Sequence[ItemResult]) -> Path:
    """One line per question: the gold item, the returned answer and its scores."""
    with path.open("w", encoding="utf-8") as f:
        for r in results:
            row = {"gold": r.item.to_dict(), "answer": r.answer, "scores": r.scores()}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def _cell(value: Any, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def table_rows(metrics: dict[str, Any]) -> list[list[str]]:
    """Header and one row per zh, en, all: the cells of the compact table."""
    rows = [["", *(title for title, _, _ in _COLUMNS)]]
    for group in (*LANGS, "all"):
        m = metrics[group]
        rows.append([group, *(_cell(m.get(key), fmt) for _, key, fmt in _COLUMNS)])
    by_file = metrics.get("by_file", {})
    if len(by_file) > 1:  # each gold file on its own, per language
        for name, groups in by_file.items():
            for lang in (*LANGS, "all"):
                if lang in groups:
                    rows.append([f"{name}/{lang}",
                                 *(_cell(groups[lang].get(key), fmt) for _, key, fmt in _COLUMNS)])
    return rows


def render_table(metrics: dict[str, Any]) -> str:
    """The compact, aligned text table the CLI prints."""
    rows = table_rows(metrics)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True))
        lines.append("  ".join([first, *rest]))
    return "\n".join(lines + conversation_lines(metrics))


def conversation_lines(metrics: dict[str, Any]) -> list[str]:
    """One line per conversation file and language: follow-ups against the same
    questions asked whole."""
    out = []
    for name, by_lang in metrics.get("conversations", {}).items():
        for lang, m in by_lang.items():
            ratio = "n/a" if m["ratio"] is None else f"{m['ratio']:.2f}"
            out.append(f"{name} {lang}: follow-ups strict {_fmt(m['followup_strict'])} "
                       f"(n={m['n']}), asked whole {_fmt(m['whole_strict'])}, ratio {ratio}")
    return out


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _markdown_table(metrics: dict[str, Any]) -> list[str]:
    rows = table_rows(metrics)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return lines


def write_markdown(path: Path, results: Sequence[ItemResult], metrics: dict[str, Any]) -> Path:
    """Summary table, then every failure with what was expected and what came back."""
    failures = [r for r in results if r.failures()]
    lines = ["# Evaluation report", "", *_markdown_table(metrics), ""]
    if metrics.get("conversations"):
        lines += [f"- {line}" for line in conversation_lines(metrics)] + [""]
    lines += [f"## Failures ({len(failures)} of {len(results)})", ""]
    if not failures:
        lines += ["None.", ""]
    for r in failures:
        lines += _failure_section(r)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _failure_section(r: ItemResult) -> list[str]:
    item, answer = r.item, r.answer
    lines = [
        f"### {item.id} ({item.lang}, {item.kind}): {', '.join(r.failures())}",
        "",
        f"- question: {item.question}",
        f"- gold: {item.source}",
        f"- expected evidence: {_list(item.evidence)}",
        f"- expected answer: {_list(item.answer)}",
        f"- evidence rank: {_rank(r)}",
        f"- abstained: {'yes' if r.abstained else 'no'}",
        f"- returned answer: {_one_line(answer.get('answer') or '')}",
    ]
    figures = (answer.get("figures") or [])[:3]
    if figures:
        lines.append(f"- figures: {_list([f.get('text', '') for f in figures])}")
    citations = answer.get("citations") or []
    if citations:
        c = citations[0]
        text = _one_line(c.get("text", ""))
        if len(text) > _QUOTE_CHARS:
            text = text[:_QUOTE_CHARS] + "…"
        lines.append(
            f"- first citation: {c.get('doc_id', '')} [{c.get('start')}:{c.get('end')}] "
            f"{c.get('section', '')}"
        )
        lines.append(f"  > {text}")
    else:
        lines.append("- first citation: none")
    return [*lines, ""]


def _rank(r: ItemResult) -> str:
    if not r.item.evidence:
        return "- (no evidence expected)"
    return "not found" if r.evidence_rank is None else str(r.evidence_rank)


def _list(values: Sequence[str]) -> str:
    return ", ".join(f"`{v}`" for v in values) if values else "(none)"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_chart(path: Path, metrics: dict[str, Any]) -> Path:
    """Grouped bars: answer accuracy per kind, one bar per language."""
    # The object API with the Agg canvas: no pyplot, no global backend switch.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    by_lang_kind = metrics.get("by_lang_kind", {})
    kinds = [k for k in KINDS if k in metrics.get("by_kind", {})]
    langs = [lang for lang in LANGS if lang in by_lang_kind]
    fig = MplFigure(figsize=(max(6.0, 1.2 * len(kinds) + 2), 4.0))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(langs))
    for i, lang in enumerate(langs):
        xs = [j + (i - (len(langs) - 1) / 2) * width for j in range(len(kinds))]
        accs = [(by_lang_kind[lang].get(k) or {}).get("answer_acc") for k in kinds]
        ns = [(by_lang_kind[lang].get(k) or {}).get("n", 0) for k in kinds]
        bars = ax.bar(xs, [a or 0.0 for a in accs], width, label=lang)
        labels = [f"{a:.2f}\nn={n}" if a is not None else "" for a, n in zip(accs, ns, strict=True)]
        ax.bar_label(bars, labels=labels, fontsize=7, padding=2)
    ax.set_xticks(range(len(kinds)), kinds)
    ax.set_ylim(0, 1.25)  # room above full bars for their labels
    ax.set_yticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel("answer accuracy")
    ax.set_title(f"Answer accuracy per kind (all: {_cell(metrics['all']['answer_acc'], '{:.2f}')})")
    if langs:
        ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    return path
