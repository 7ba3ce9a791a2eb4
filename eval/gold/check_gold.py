#!/usr/bin/env python3
"""Validate gold-set JSONL files against the report corpus.

Standalone (no project imports). The corpus is read from ../../corpus/*.txt
relative to this file.

Checks, per line:
  * valid JSON object with keys id, lang, kind, question, evidence, answer
    (str, str, str, str, list[str], list[str]);
  * lang in {zh, en}; kind in {figure, target, table, compare, list, fact,
    unanswerable}; ids unique within the file; question non-empty;
  * every evidence string is non-empty, a substring of the corpus text and
    contains no newline or tab (it must lie within one line / table cell);
  * every answer string is non-empty and a substring of some evidence string;
  * kind == unanswerable  <=>  evidence and answer are both empty.

Usage: check_gold.py [--strict] FILE.jsonl [FILE.jsonl ...]
       (with no files: tune.jsonl and holdout.jsonl beside this script)

One relaxation, reported as a WARNING: an answer that is not inside any
evidence string but is a cell of the same table row as an evidence cell
(e.g. the project count next to the total-investment cell) is accepted.
With --strict such warnings count as failures.

Prints counts per lang x kind; exits 1 at the first failing line
(printing file:line and the reason).
"""
from __future__ import annotations

import glob
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = {"zh", "en"}
KINDS = ["figure", "target", "table", "compare", "list", "fact", "unanswerable"]
KEYS = {"id": str, "lang": str, "kind": str, "question": str, "evidence": list, "answer": list}


def load_corpus() -> str:
    paths = sorted(glob.glob(os.path.join(HERE, "..", "..", "corpus", "**", "*.txt"),
                          recursive=True))
    if not paths:
        sys.exit("check_gold: no corpus *.txt found under ../../corpus/")
    return "\n".join(open(p, encoding="utf-8").read() for p in paths)


def table_rows(text: str) -> list[list[str]]:
    """Group tab-indented table-cell lines into rows (blank line = row break)."""
    rows, cur = [], []
    for line in text.split("\n"):
        if line.startswith("\t"):
            cur.append(line.strip())
        elif line.strip() == "":
            if cur:
                rows.append(cur)
                cur = []
        else:
            # a non-cell line inside a multi-line cell continues the row
            if cur:
                cur.append(line.strip())
    if cur:
        rows.append(cur)
    return rows


class Fail(Exception):
    pass


def check_line(obj, text: str, rows: list[list[str]], seen: set[str]) -> list[str]:
    warnings: list[str] = []
    if not isinstance(obj, dict):
        raise Fail("line is not a JSON object")
    missing = set(KEYS) - set(obj)
    if missing:
        raise Fail(f"missing keys: {sorted(missing)}")
    extra = set(obj) - set(KEYS) - {"docs"}  # docs: the documents holding the answer
    if extra:
        raise Fail(f"unexpected keys: {sorted(extra)}")
    for k, typ in KEYS.items():
        if not isinstance(obj[k], typ):
            raise Fail(f"key {k!r} must be {typ.__name__}")
    for k in ("evidence", "answer"):
        for s in obj[k]:
            if not isinstance(s, str) or not s:
                raise Fail(f"{k} items must be non-empty strings: {s!r}")
    if not obj["id"]:
        raise Fail("empty id")
    if obj["id"] in seen:
        raise Fail(f"duplicate id {obj['id']!r}")
    seen.add(obj["id"])
    if obj["lang"] not in LANGS:
        raise Fail(f"bad lang {obj['lang']!r}")
    if obj["kind"] not in KINDS:
        raise Fail(f"bad kind {obj['kind']!r}")
    if not obj["question"].strip():
        raise Fail("empty question")
    ev, ans = obj["evidence"], obj["answer"]
    if obj["kind"] == "unanswerable":
        if ev or ans:
            raise Fail("unanswerable item must have empty evidence and answer")
        return warnings
    if not ev or not ans:
        raise Fail("answerable item must have non-empty evidence and answer")
    for s in ev:
        if "\n" in s or "\r" in s or "\t" in s:
            raise Fail(f"evidence contains newline/tab: {s!r}")
        if s not in text:
            raise Fail(f"evidence not in corpus: {s!r}")
    for a in ans:
        if any(a in s for s in ev):
            continue
        # relaxation: another cell of the same table row as an evidence cell
        if any(a in row and any(s in row for s in ev) for row in rows):
            warnings.append(f"answer {a!r} is not in any evidence string, only in the same table row")
            continue
        raise Fail(f"answer not a substring of any evidence string: {a!r}")
    return warnings


def check_file(path: str, text: str, rows, strict: bool) -> bool:
    seen: set[str] = set()
    counts: Counter = Counter()
    n = 0
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                print(f"{path}:{lineno}: FAIL: blank line")
                return False
            try:
                obj = json.loads(line)
                warns = check_line(obj, text, rows, seen)
            except json.JSONDecodeError as e:
                print(f"{path}:{lineno}: FAIL: invalid JSON: {e}")
                return False
            except Fail as e:
                print(f"{path}:{lineno}: FAIL: {e}")
                return False
            for w in warns:
                print(f"{path}:{lineno}: {'FAIL' if strict else 'WARNING'}: {w}")
                if strict:
                    return False
            counts[(obj["lang"], obj["kind"])] += 1
            n += 1
    print(f"{path}: OK, {n} items")
    header = f"  {'kind':<13}" + "".join(f"{lang:>6}" for lang in ("zh", "en")) + f"{'total':>7}"
    print(header)
    for kind in KINDS:
        zh, en = counts[("zh", kind)], counts[("en", kind)]
        print(f"  {kind:<13}{zh:>6}{en:>6}{zh + en:>7}")
    zh = sum(v for (lang, _), v in counts.items() if lang == "zh")
    en = sum(v for (lang, _), v in counts.items() if lang == "en")
    print(f"  {'total':<13}{zh:>6}{en:>6}{n:>7}")
    return True


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    files = [a for a in argv if a != "--strict"]
    if not files:
        files = [os.path.join(HERE, "tune.jsonl"), os.path.join(HERE, "holdout.jsonl")]
    text = load_corpus()
    rows = table_rows(text)
    ok = True
    for path in files:
        if not check_file(path, text, rows, strict):
            ok = False
            break
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
