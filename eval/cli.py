"""The ``reportqa eval`` subcommand: registered by the main CLI, run here.

Exit codes: 0 all thresholds met, 1 a threshold missed, 2 a usage error, a
malformed gold file, or an answer source that cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from eval.gold import KINDS
from eval.metrics import LOWER_IS_BETTER, METRIC_KEYS
from eval.thresholds import Threshold, parse_threshold

DEFAULT_OUT = "out/eval"

_MIN_HELP = (
    "quality gates KEY=VALUE, e.g. zh.answer_acc=0.9 en.hit@5=0.85 kind:table.answer_acc=0.8; "
    f"KEY is <group>.<metric> with group zh|en|all|kind:<{'|'.join(KINDS)}> and metric one of "
    f"{', '.join(METRIC_KEYS)}. For {', '.join(sorted(LOWER_IS_BETTER))} the value is a "
    "ceiling. Exit code 1 when any gate is missed."
)


def _threshold_arg(spec: str) -> Threshold:
    try:
        return parse_threshold(spec)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive(kind: type) -> Any:
    """An argparse type: a number of `kind` (int or float) that must be > 0."""

    def parse(raw: str) -> Any:
        try:
            value = kind(raw)
        except ValueError:
            word = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"must be {word}, got {raw!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
        return value

    return parse


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``eval`` on the main CLI's subparsers and return its parser."""
    p = subparsers.add_parser(
        "eval",
        help="score the assistant on gold questions",
        description="Answer every gold question (in-process, or through a running server with "
        "--api), score retrieval, answers, abstention, faithfulness and latency per language "
        "and kind, and write metrics.json, answers.jsonl, report.md and accuracy.png to --out.",
    )
    p.add_argument("--gold", nargs="+", required=True, metavar="FILE", help="gold JSONL file(s)")
    p.add_argument(
        "--api",
        metavar="URL",
        default=None,
        help="ask a running server (e.g. http://127.0.0.1:8000) instead of answering in-process",
    )
    p.add_argument(
        "--index", default=None, help="index folder for the in-process assistant (default: its own)"
    )
    p.add_argument(
        "--settings", metavar="FILE", default=None,
        help="answering settings file (TOML or JSON; env REPORTQA_SETTINGS; default: the index's own); kept in metrics.json")
    p.add_argument(
        "--no-overrides", action="store_true",
        help="answer without the reports' own override files (<name>.glossary.tsv)")
    p.add_argument(
        "--out", default=DEFAULT_OUT, metavar="DIR", help=f"output folder (default: {DEFAULT_OUT})"
    )
    p.add_argument(
        "--top-k", type=positive(int), default=5, help="passages per question (default 5)"
    )
    p.add_argument(
        "--timeout",
        type=positive(float),
        default=60.0,
        help="seconds per HTTP request with --api (default 60)",
    )
    p.add_argument(
        "--min",
        nargs="+",
        action="extend",
        type=_threshold_arg,
        default=[],
        metavar="KEY=VALUE",
        help=_MIN_HELP,
    )
    p.set_defaults(func=run_eval_command)
    return p


def _error(message: str) -> int:
    print(f"reportqa eval: error: {message}", file=sys.stderr)
    return 2


def run_eval_command(args: argparse.Namespace) -> int:
    """Run the evaluation that `args` describe; returns the exit code."""
    from eval.gold import GoldError, load_gold
    from eval.report import write_reports
    from eval.runner import SourceError, run_eval
    from qa.settings import SettingsError

    thresholds: list[Threshold] = []
    for t in getattr(args, "min", None) or []:
        try:
            thresholds.append(t if isinstance(t, Threshold) else parse_threshold(t))
        except ValueError as exc:
            return _error(f"--min: {exc}")
    try:
        items = load_gold(args.gold)
    except GoldError as exc:
        return _error(str(exc))
    try:
        source = _make_source(args)
    except (SourceError, ImportError, OSError, SettingsError) as exc:
        # OSError: the in-process assistant could not find or read its index.
        return _error(str(exc))
    try:
        results, metrics = run_eval(items, source, top_k=args.top_k, progress=True)
    except SourceError as exc:
        return _error(str(exc))
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
    # The weights the answers were made with (None: a server's, not known here).
    used = getattr(getattr(source, "assistant", None), "settings", None)
    metrics["settings"] = used.to_dict() if used is not None else None
    paths = write_reports(args.out, results, metrics)
    return _print_outcome(metrics, paths, thresholds)


def _make_source(args: argparse.Namespace) -> Any:
    from eval.runner import HttpSource, InProcess

    if args.api:
        return HttpSource(args.api, timeout=getattr(args, "timeout", 60.0))
    try:
        from qa import Assistant  # type: ignore[attr-defined]  # qa is built alongside
    except ImportError as exc:
        raise ImportError(
            f"the in-process assistant (qa.Assistant) is not available: {exc}; "
            "use --api URL to evaluate a running server"
        ) from exc
    options: dict[str, Any] = {"overrides": False} if getattr(args, "no_overrides", False) else {}
    if getattr(args, "settings", None):
        options["settings"] = args.settings
    return InProcess(Assistant.load(index_dir=getattr(args, "index", None), **options))


def _print_outcome(
    metrics: dict[str, Any], paths: dict[str, Any], thresholds: list[Threshold]
) -> int:
    from eval.report import render_table
    from eval.thresholds import check_thresholds

    print(render_table(metrics))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    missed = check_thresholds(metrics, thresholds)
    for line in missed:
        print(line, file=sys.stderr)
    return 1 if missed else 0
