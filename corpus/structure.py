"""How a line of a report is recognised: headings, boxes, tables, title.

Chinese government reports number their headings ``一、`` > ``（一）`` > ``1.``
> ``（1）``; boxed lists start with ``专栏N：`` and tables with ``表N：``.
Markdown ``#`` headings are accepted too. A numbered line only counts as a
heading when it is short and does not end like a sentence, so that an
enumerated paragraph ("1.加强……；") stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest line still taken for a heading or a title line (the report's
# longest heading is 37 characters).
MAX_HEADING_CHARS = 60
SENTENCE_END = "。！？；.!?;"

_CN_NUM = "一二三四五六七八九十百"
_HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^[{_CN_NUM}]+、\S")),
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)]\S")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)\S")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]\S")),
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(\S.*)$")
BOX_RE = re.compile(r"^专栏\s*\d+\s*[：:]")
TABLE_TITLE_RE = re.compile(r"^表\s*(?:\d+|[一二三四五六七八九十]{1,3})\s*[：:]")

# A document title ends with the kind of document it is.
_DOC_KIND_SUFFIX = re.compile(
    r"(报告|通知|意见|决定|方案|规划|纲要|公报|说明|办法|计划|草案|讲话|总结|Report|Plan)$"
)

_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_ACTUAL_WORDS = ("执行情况", "完成情况", "回顾", "成效", "results", "performance", "review")
_TARGET_WORDS = (
    "计划",
    "目标",
    "预期",
    "安排",
    "考虑",
    "重点",
    "草案",
    "任务",
    "plan",
    "target",
    "goal",
)


@dataclass(frozen=True)
class Line:
    """One line of the document, without its newline: ``text == doc[start:end]``."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()

    @property
    def is_indented_cell(self) -> bool:
        """Tables are laid out one cell per line, each line starting with a tab."""
        return self.text.startswith("\t")


@dataclass(frozen=True)
class Title:
    """The document's title and the lines it was read from (maybe none)."""

    text: str
    line_indexes: tuple[int, ...]


def split_lines(text: str) -> list[Line]:
    """Every line of `text` with its offsets; newlines are already ``\\n``."""
    lines: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def ends_like_sentence(text: str) -> bool:
    t = text.rstrip().rstrip("”’\"')）")
    return bool(t) and t[-1] in SENTENCE_END


def heading_level(text: str) -> int | None:
    """The outline level of a heading line (1 = ``一、``), or None for text."""
    t = text.strip()
    if not t or len(t) > MAX_HEADING_CHARS or ends_like_sentence(t):
        return None
    md = _MD_HEADING.match(t)
    if md:
        return len(md.group(1))
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(t):
            return level
    return None


def heading_text(text: str) -> str:
    """A heading as it goes into a section path (markdown ``#`` removed)."""
    t = text.strip()
    md = _MD_HEADING.match(t)
    return md.group(2).strip() if md else t


def is_box_title(text: str) -> bool:
    t = text.strip()
    return bool(BOX_RE.match(t)) and len(t) <= MAX_HEADING_CHARS


def is_table_title(text: str) -> bool:
    t = text.strip()
    return bool(TABLE_TITLE_RE.match(t)) and len(t) <= MAX_HEADING_CHARS


def is_structural(text: str) -> bool:
    """Does this line open a new part (so that a table or box ends before it)?"""
    return heading_level(text) is not None or is_box_title(text) or is_table_title(text)


def join_wrapped(parts: list[str]) -> str:
    """Join pieces of one wrapped phrase: no space between CJK, one between words."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if (
            out
            and out[-1].isascii()
            and out[-1].isalnum()
            and part[0].isascii()
            and part[0].isalnum()
        ):
            out += " "
        out += part
    return out


def find_title(lines: list[Line]) -> Title:
    """The title: the first non-empty line, joined with the next one or two
    when the first does not yet end with a document kind ("……的报告")."""
    candidates: list[int] = []
    for i, line in enumerate(lines):
        if line.is_blank:
            continue
        if len(candidates) == 3 or line.is_indented_cell:
            break
        candidates.append(i)
    if not candidates:
        return Title("", ())
    first = lines[candidates[0]].stripped
    if not _looks_like_title_line(first):
        return Title(first[:MAX_HEADING_CHARS], ())
    picked = [candidates[0]]
    if not _DOC_KIND_SUFFIX.search(heading_text(first)):
        for k in range(1, len(candidates)):
            text = lines[candidates[k]].stripped
            if not _looks_like_title_line(text) or heading_level(text) is not None:
                break
            if _DOC_KIND_SUFFIX.search(text):
                picked = candidates[: k + 1]
                break
    title = join_wrapped([heading_text(lines[i].text) for i in picked])
    return Title(title, tuple(picked))


def _looks_like_title_line(text: str) -> bool:
    level = heading_level(text)
    if level is not None:
        # "# Title" is a title; "一、……" is the first part, not a title.
        return bool(_MD_HEADING.match(text.strip()))
    return (
        len(text) <= MAX_HEADING_CHARS
        and not ends_like_sentence(text)
        and not text.endswith(("：", ":"))
    )


def period_of_heading(text: str) -> str | None:
    """The period a heading announces, e.g. "2022年……执行情况" -> "2022-actual".

    None when the heading names no year or says nothing of results or targets.
    """
    year = _YEAR_RE.search(text)
    if not year:
        return None
    lowered = text.lower()
    if any(w in lowered for w in _ACTUAL_WORDS):
        period = f"{year.group(1)}-actual"
    elif any(w in lowered for w in _TARGET_WORDS):
        period = f"{year.group(1)}-target"
    else:
        return None
    return period
