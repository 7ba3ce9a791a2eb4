"""What a question asks: its language, the period it is about, its key terms.

Validation happens here, where user text enters: a bad question is a
`ValueError` whose message says what was wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUESTION_CHARS = 500
REPORT_YEARS = (2022, 2023)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.A-Za-z])")
_TARGET_ZH = re.compile(r"目标|预期|计划|力争|预计|拟|安排|打算|要求")
_TARGET_EN = re.compile(
    r"\b(target|targets|targeted|goal|goals|plan|plans|planned|planning|expected|expect|aim|aims|"
    r"aimed|projected|objective|objectives|will|intend|intends|set)\b", re.I)
_NEXT_YEAR_ZH = re.compile(r"今年|明年|下一年|新的一年")


@dataclass(frozen=True)
class Query:
    text: str
    lang: str  # "zh" | "en"
    years: tuple[int, ...]
    period: str  # the period the question is about: 2022-actual | 2022-target | 2023-target
    out_of_scope_year: int | None  # a year the report does not cover, asked about
    numbers: tuple[str, ...]  # numbers in the question other than years


def validate_question(question: object) -> str:
    """The question, stripped; `ValueError` saying what is wrong otherwise."""
    if not isinstance(question, str):
        raise ValueError(f"question must be a string, got {type(question).__name__}")
    q = question.strip()
    if not q:
        raise ValueError("question is empty: ask about the report, e.g. 2022年粮食产量是多少？")
    if len(q) > MAX_QUESTION_CHARS:
        raise ValueError(f"question is {len(q)} characters; the limit is {MAX_QUESTION_CHARS}")
    bad = [c for c in q if unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in "\t\n\r"]
    if bad:
        raise ValueError(f"question contains control or invalid characters (e.g. {bad[0]!r})")
    if not re.search(r"[^\W\d_]", q):
        raise ValueError(f"question has no words, only numbers or punctuation: {q!r}")
    return q


def detect_lang(q: str) -> str:
    """English when the question's own words are English, Chinese otherwise.

    "What is 地区生产总值 in 2022?" is asked in English; "2022年GDP是多少" in
    Chinese: acronyms do not make a question English.
    """
    words = _LOWER_WORD.findall(q)
    if len(words) >= 2:
        return "en"
    if _CJK.search(q):
        return "zh"
    return "en"


def question_period(q: str, lang: str, years: tuple[int, ...]) -> str:
    target = bool((_TARGET_ZH if lang == "zh" else _TARGET_EN).search(q))
    if 2023 in years or (lang == "zh" and _NEXT_YEAR_ZH.search(q)):
        return "2023-target"
    if target:
        # A target with no year: the report's targets are for 2023, unless 2022 is named.
        return "2022-target" if 2022 in years else "2023-target"
    return "2022-actual"


def analyse(question: str) -> Query:
    q = validate_question(question)
    lang = detect_lang(q)
    years = tuple(sorted({int(y) for y in _YEAR.findall(q)}))
    # "GDP in 2019" is outside the report; "growth in 2022 over 2021" is not.
    in_scope = any(y in REPORT_YEARS for y in years)
    out = None if in_scope else next((y for y in years if y not in REPORT_YEARS), None)
    numbers = tuple(n for n in _NUMBER.findall(q) if not (len(n) == 4 and int(float(n)) in years))
    return Query(q, lang, years, question_period(q, lang, years), out, numbers)
