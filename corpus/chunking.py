"""Cutting a block of text into retrieval-sized chunks at sentence ends.

Every function works on offsets into one string, so that a chunk is always
``text[start:end]`` of the document and never a rewritten copy.

Sizes: dense retrieval works best on a few sentences (one claim or two), and
the embedding model reads at most 512 tokens (about as many CJK characters)
including the section context. Chunks aim at `TARGET_CHARS`, stay within
`MAX_CHARS` whenever a sentence end allows it, and a paragraph shorter than
`MAX_CHARS` is never cut.
"""

from __future__ import annotations

import re

TARGET_CHARS = 160
MIN_CHARS = 80
MAX_CHARS = 250

Span = tuple[int, int]

_OPENERS = "“‘「『《（(【["
_CLOSERS = "”’」』》）)】]"
_CJK_ENDS = "。！？；"
_LATIN_ENDS = ".!?;"
_CLAUSE_ENDS = "，,："
_CJK = re.compile(r"[\u3400-\u9fff]")
# A bracket or quote left open this long is a typo, not a quotation.
_MAX_QUOTE_CHARS = 200

_LEAD_SENTENCE = re.compile(r"[^，。；：！？,;:\s]{2,20}。")
_LABEL = re.compile(r"[^，。；：！？,;:\s]{2,16}[：:]")


def trim(text: str, start: int, end: int) -> Span:
    """Move `start`/`end` inwards past whitespace (the text is never altered)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str, start: int, end: int, *, clauses: bool = False) -> list[Span]:
    """Consecutive spans covering ``text[start:end]``, cut after each sentence end.

    A sentence ends at ``。！？；`` (with any closing quote after it), at a Latin
    ``.!?;`` followed by a space (so "3.5%" is never cut), at a half-width ``;!?``
    in Chinese text and a ``.`` between two Chinese characters, and at a line end.
    Nothing inside quotes or brackets is cut. With `clauses`, commas and
    colons count as ends too (the fallback for an over-long sentence).
    """
    ends = _CJK_ENDS + (_CLAUSE_ENDS if clauses else "")
    cuts: list[int] = []
    depth, opened_at = 0, start
    for i in range(start, end):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < end else " "
        if depth and i - opened_at > _MAX_QUOTE_CHARS:
            depth = 0
        if ch in _OPENERS:
            depth, opened_at = depth + 1, (i if depth == 0 else opened_at)
        elif ch in _CLOSERS and depth:
            depth -= 1
            # "……。”" ends a sentence once the quote closes.
            if depth == 0 and i > start and text[i - 1] in _CJK_ENDS and nxt not in _CLOSERS:
                cuts.append(i + 1)
        elif ch == "\n":
            depth = 0
            cuts.append(i + 1)
        elif depth == 0 and _ends_here(ch, nxt, ends, text[i - 1] if i > start else ""):
            cuts.append(i + 1)
    bounds = [start, *(c for c in cuts if start < c < end), end]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip()]


def _ends_here(ch: str, nxt: str, ends: str, prev: str = "") -> bool:
    if ch in ends:
        return nxt not in _CLOSERS  # "。”" ends after the quote instead
    if ch not in _LATIN_ENDS:
        return False
    if nxt.isspace():
        return True
    # Chinese written with half-width marks ("…高于全市0.8个百分点;规模工业增加值…"):
    # ; ! ? end a sentence anywhere, a full stop between two Chinese characters.
    if ch in ";!?":
        return nxt not in _CLOSERS
    return bool(_CJK.match(prev)) and bool(_CJK.match(nxt))


def _units(text: str, start: int, end: int) -> list[Span]:
    """Sentences, with any sentence longer than MAX_CHARS cut at its commas."""
    units: list[Span] = []
    for s, e in sentence_spans(text, start, end):
        if e - s > MAX_CHARS:
            units.extend(sentence_spans(text, s, e, clauses=True))
        else:
            units.append((s, e))
    return units


def _cost(length: int, n_units: int) -> float:
    over = max(0, length - MAX_CHARS)
    # A chunk may exceed MAX_CHARS only when it is one unit that cannot be cut.
    penalty = 1e9 + over if over and n_units > 1 else 0.0
    return (length - TARGET_CHARS) ** 2 + penalty


def chunk_spans(text: str, start: int, end: int) -> list[Span]:
    """Cut ``text[start:end]`` into chunks of whole sentences, trimmed.

    Chunks are balanced rather than filled greedily (no 20-character tail):
    dynamic programming over the sentence ends minimises the squared distance
    of every chunk's length from TARGET_CHARS.
    """
    start, end = trim(text, start, end)
    if end - start <= MAX_CHARS:
        return [(start, end)] if end > start else []
    units = _units(text, start, end)
    n = len(units)
    best: list[float] = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            length = units[j - 1][1] - units[i][0]
            if length > 4 * MAX_CHARS and j - i > 1:
                break
            cost = best[i] + _cost(length, j - i)
            if cost < best[j]:
                best[j], back[j] = cost, i
    spans: list[Span] = []
    j = n
    while j > 0:
        i = back[j]
        spans.append(trim(text, units[i][0], units[j - 1][1]))
        j = i
    return spans[::-1]


def lead_of(text: str) -> str:
    """A paragraph's lead: a short bold-style first sentence ("服务业总体承压回稳。")
    or a label before a colon ("汽车摩托车："), without its punctuation.

    "" when the paragraph has none, or is nothing but the lead.
    """
    t = text.lstrip()
    for pattern in (_LEAD_SENTENCE, _LABEL):
        m = pattern.match(t)
        if m and t[m.end() :].strip():
            return m.group(0)[:-1]
    return ""
