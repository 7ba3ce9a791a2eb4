"""Sentences inside passages, and how well one answers a question.

A passage is a retrieval unit; the answer comes from one sentence (or one
table row) inside it. Sentences are found by offsets, never by rewriting
text, so a quote is always ``passage.text[quote_start:quote_end]``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from reportqa import lang
from reportqa.types import Passage

_SENTENCE_END = re.compile(r"[。；;！？!?]+|\n+")


def sentence_spans(passage: Passage) -> list[tuple[int, int]]:
    """(start, end) of each sentence, relative to `passage.text`; a table row is one."""
    text = passage.text
    if passage.kind == "table_row":
        return [(0, len(text))]
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group().strip() else m.start()
        if text[start:end].strip():
            spans.append(_strip(text, start, end))
        start = m.end()
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    captions = lang.caption_spans(text)
    if captions:
        spans = [piece for span in spans for piece in _without(text, span, captions)]
    return spans or [(0, len(text))]


def _without(text: str, span: tuple[int, int],
             holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pieces of `span` outside the `holes` (chart titles), each stripped."""
    out, s = [], span[0]
    for a, b in holes:
        if b <= s or a >= span[1]:
            continue
        if text[s:a].strip():
            out.append(_strip(text, s, a))
        s = max(s, b)
    if text[s:span[1]].strip():
        out.append(_strip(text, s, span[1]))
    return out


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


class TermWeights:
    """Inverse document frequency of the retrieval tokens over the passages.

    `generic` terms are heads that name a kind of measure (产量, 产值, 投资):
    in "页岩气产量" the modifier says what is asked, and the report often words
    the head differently ("全年产气"), so they weigh half.
    """

    def __init__(self, token_lists: Sequence[Iterable[str]],
                 generic: frozenset[str] = frozenset()) -> None:
        self.generic = generic
        df: Counter[str] = Counter()
        for toks in token_lists:
            df.update(set(toks))
        self.n = max(1, len(token_lists))
        self.df = df

    def idf(self, token: str) -> float:
        return math.log(1 + (self.n - self.df.get(token, 0) + 0.5) / (self.df.get(token, 0) + 0.5))

    def weight(self, token: str) -> float:
        return self.idf(token) * (0.5 if token in self.generic else 1.0)

    def known(self, token: str) -> bool:
        return token in self.df


@dataclass(frozen=True)
class Coverage:
    """How much of a question's weighted terms a piece of text contains."""

    score: float  # weighted share in [0, 1]
    matched: tuple[str, ...]
    missing: tuple[str, ...]


PART_CREDIT = 0.6  # a term found only through its parts (进出口总额 → 进出口) counts this much


def coverage(terms: Sequence[str], tokens: Set[str], weights: TermWeights,
             text: str = "", parts: Mapping[str, Sequence[str]] | None = None,
             scale: Mapping[str, float] | None = None,
             alts: Mapping[str, Sequence[str]] | None = None) -> Coverage:
    """Share of the terms' weight found among `tokens` (or as substrings of `text`).

    A term absent as a whole earns partial credit for its `parts` that are present.
    `scale` multiplies a term's weight (how sure we are the question means it).
    `alts`: other words for a term (协议引资 for 合同引资); any one of them covers it.
    """
    if not terms:
        return Coverage(0.0, (), ())
    total, got = 0.0, 0.0
    matched, missing = [], []
    for t in dict.fromkeys(terms):
        w = weights.weight(t) * (scale.get(t, 1.0) if scale else 1.0)
        total += w
        forms = (t, *alts.get(t, ())) if alts else (t,)
        if any(f in tokens or (text and f in text) for f in forms):
            got += w
            matched.append(t)
            continue
        sub = parts.get(t, ()) if parts else ()
        found = [x for x in sub if x in tokens or (text and x in text)]
        if found:
            # The last part is the head (幼儿学位 is a kind of 学位): it weighs double.
            share = sum(1 + (x == sub[-1]) for x in found) / (len(sub) + 1)
            got += w * PART_CREDIT * share
        missing.append(t)
    return Coverage(got / total if total else 0.0, tuple(matched), tuple(missing))
