"""Error messages in the language of the request: a Chinese question (or an
`Accept-Language: zh…` header) gets the service's messages in Chinese, from
`reportqa/lang/messages_zh.tsv`; anything not listed there stays as it is."""

from __future__ import annotations

import re
from functools import cache

from reportqa import lang

_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _table() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(r["pattern"]), r["zh"]) for r in lang.rows("messages_zh.tsv"))


def request_lang(question: object = None, accept_language: str | None = None) -> str:
    """zh for a Chinese question, else for a reader whose browser asks for Chinese."""
    if isinstance(question, str) and question.strip():
        return "zh" if _CJK.search(question) else "en"
    first = (accept_language or "").split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def localise(message: str, language: str) -> str:
    """`message` in `language` (only zh differs), when the table knows it."""
    if language != "zh":
        return message
    text = message.removeprefix("Value error, ")
    for pattern, zh in _table():
        m = pattern.search(text)
        if m:
            return re.sub(r"\{(\d+)\}", lambda g: m.group(int(g.group(1))) or "", zh)
    return message
