"""`reportqa ask`: one question, or one JSON object per line with the model loaded once."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from qa.query import MAX_TOP_K
from reportqa.paths import default_index_dir

EXIT_USAGE = 2


def add_ask_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="answer a question (Chinese or English)")
    p.add_argument("question", nargs="?", help="the question")
    p.add_argument("--jsonl", metavar="FILE",
                   help='answer {"id"?, "question", "docs"?, "history"?} per line from FILE (- = stdin)')
    p.add_argument("--json", action="store_true", help="print the answer JSON")
    p.add_argument("--top-k", type=int, default=5, help="citations to return (1-50)")
    p.add_argument("--index", default=str(default_index_dir()), help="index folder")
    p.add_argument("--doc", action="append", default=None, metavar="ID",
                   help="answer only from this document (repeatable; see `reportqa info`)")
    p.add_argument("--history", action="append", default=None, metavar="QUESTION",
                   help="an earlier question of the conversation (repeatable, oldest first): "
                        "the question is read as its follow-up (\"那2023年呢？\")")
    p.add_argument("--model", default=None, help="embedding model (default: the index's)")
    p.add_argument("--settings", metavar="FILE", default=None,
                   help="answering settings file (TOML or JSON; env REPORTQA_SETTINGS; default: the index's own)")
    p.set_defaults(func=run_ask)


def _lines(path: str) -> Iterator[tuple[int, str]]:
    stream: IO[str] = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for n, line in enumerate(stream, 1):
            if line.strip():
                yield n, line
    finally:
        if stream is not sys.stdin:
            stream.close()


def _parse_line(n: int, line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {n}: not JSON ({exc.msg})") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
        raise ValueError(f'line {n}: expected {{"id"?, "question": "..."}}')
    return obj


def run_ask(args: argparse.Namespace) -> int:
    if (args.question is None) == (args.jsonl is None):
        print("reportqa: error: give a question or --jsonl FILE (not both)", file=sys.stderr)
        return EXIT_USAGE
    if args.question is not None:
        from qa.query import validate_question

        try:  # reject bad input before loading the model
            validate_question(args.question)
            for earlier in args.history or ():
                validate_question(earlier)
            _top_k(args.top_k)
        except ValueError as exc:
            print(f"reportqa: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.jsonl not in (None, "-"):
        import os

        if not os.path.isfile(args.jsonl):
            print(f"reportqa: error: {args.jsonl}: no such file", file=sys.stderr)
            return EXIT_USAGE
    from qa import Assistant

    assistant = Assistant.load(index_dir=args.index, model=args.model, settings=args.settings)
    if args.question is not None:
        try:
            answer = assistant.ask(args.question, top_k=args.top_k, docs=args.doc,
                                   history=args.history)
        except ValueError as exc:
            print(f"reportqa: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            _print_human(answer.to_dict())
        return 0
    status = 0
    for n, line in _lines(args.jsonl):
        obj: dict[str, Any] = {}
        try:
            obj = _parse_line(n, line)
            ans = assistant.ask(obj["question"], top_k=args.top_k,
                                id=None if obj.get("id") is None else str(obj["id"]),
                                docs=obj.get("docs", args.doc),
                                history=obj.get("history", args.history))
            print(json.dumps(ans.to_dict(), ensure_ascii=False), flush=True)
        except ValueError as exc:
            # One bad line must not lose the others: report it and go on.
            out = {"id": obj.get("id"), "error": str(exc), "line": n}
            print(json.dumps(out, ensure_ascii=False), flush=True)
            print(f"reportqa: error: line {n}: {exc}", file=sys.stderr)
            status = EXIT_USAGE
    return status


def _top_k(k: int) -> None:
    if not 1 <= k <= MAX_TOP_K:
        raise ValueError(f"--top-k must be from 1 to {MAX_TOP_K}, got {k}")


def _print_human(d: dict[str, Any]) -> None:
    if d.get("understood") and d["understood"] != d["question"]:
        print(f"({d['understood']})")
    print(d["answer"])
    for f in d["figures"]:
        print(f"  • {f['text']}  [{f['label']}, {f['period']}, {f['kind']}]")
    for i, c in enumerate(d["citations"], 1):
        quote = c["text"][c["quote_start"]:c["quote_end"]].replace("\n", " ")
        print(f"  [{i}] {c['section'] or '(front matter)'}  {c['start']}-{c['end']}: {quote[:90]}")
