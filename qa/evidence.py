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
from functools import lru_cache

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
# A compound the sentence says in its own wording (财政总收入 in 全部财政收入, 农村居民 in
# 城乡居民…分别) counts this much: nearly the term, but not the term as written.
SAID_CREDIT = 0.9


def said_in_parts(term: str, parts: Sequence[str], sentence: str) -> bool:
    """Whether a compound term is said in `sentence` with words between: it splits
    into two or more of its dictionary words (`parts`), leaving out at most one
    character, and the sentence says them in that order, close together (城乡居民 in
    城乡常住居民, 财政总收入 in 全部财政收入; not 城镇困难人员 in "城镇新增就业…就业困难
    人员", whose words are clauses apart)."""
    text = sentence.lower()
    found = sorted({w.lower() for w in parts if w != term and len(w) >= 2 and w.lower() in text},
                   key=len, reverse=True)
    t = term.lower()
    pieces, skipped, i = [], 0, 0
    while i < len(t):
        w = next((w for w in found if t.startswith(w, i)), None)
        if w is None:
            skipped, i = skipped + 1, i + 1
        else:
            pieces.append(w)
            i += len(w)
    if skipped > 1 or len(pieces) < 2:
        return False
    return _in_order(pieces, text)


PIECE_GAP = 3  # characters a sentence may put between two words of a term (常住)


def _in_order(pieces: list[str], text: str) -> bool:
    k = text.find(pieces[0])
    while k >= 0:
        end, ok = k + len(pieces[0]), True
        for w in pieces[1:]:
            nxt = text.find(w, end)
            if nxt < 0 or nxt - end > PIECE_GAP:
                ok = False
                break
            end = nxt + len(w)
        if ok:
            return True
        k = text.find(pieces[0], k + 1)
    return False


def mostly_said(term: str, sentence: str, share: float = 0.75, min_len: int = 4) -> bool:
    """Whether a compound of four characters or more is plausibly the sentence's own
    wording of it: most of its characters there, its first two and its last one too
    (财政总收入 ~ 全部财政收入). A modifier in
    front that the sentence lacks (人均地区生产总值 ~ 地区生产总值) makes another measure."""
    chars = set(term)
    if len(term) < min_len or not all("\u4e00" <= c <= "\u9fff" for c in chars):
        return False
    # in one stretch of the sentence, a little longer than the term at most: from its
    # first two characters to its last (就业困难人员 is no wording of 城镇困难人员 when
    # 城镇 is two clauses before it)
    i = sentence.find(term[:2])
    while i >= 0:
        for j in range(i + 2, min(len(sentence), i + len(term) + WORDING_SLACK) + 1):
            if sentence[j - 1] == term[-1] and sum(c in sentence[i:j] for c in chars) >= \
                    share * len(chars):
                return True
        i = sentence.find(term[:2], i + 1)
    return False


WORDING_SLACK = 2  # characters a report's wording of a term may add (财政总收入 ~ 全部财政收入)


def said_by_pair(term: str, sentence: str) -> bool:
    """Whether the sentence names `term` in a word that names two things (农村居民 in
    城乡居民): the pair word, and the rest of the term after it (城镇新增就业 is not
    said by 城乡新型文化空间)."""
    sentence = lang.expand_pairs(sentence)  # "存、贷款余额" says 存贷款余额
    for word, parts in lang.split_words().items():
        k = sentence.find(word)
        if k < 0:
            # …and the pair word of the term said by its two parts (城乡居民 in
            # "城镇和农村常住居民"): both parts, then the rest of the term after them
            at = term.find(word)
            ends = [sentence.find(p) for p in parts] if at >= 0 else [-1]
            if min(ends) >= 0:
                rest = term[at + len(word):]
                last = max(e + len(p) for e, p in zip(ends, parts, strict=True))
                if term[:at] in sentence and (len(rest) < 2 or rest in sentence[last:]):
                    return True
            continue
        for p in parts:
            if term == p:
                return True
            # a short qualifier in front may go unsaid (本外币存款余额 in 金融存贷款余额)
            at = term.find(p)
            front, rest = term[:max(at, 0)], term[at + len(p):]
            if at >= 0 and (at <= PAIR_QUALIFIER or front in sentence) and (
                    len(rest) < 2 or rest in sentence[k + len(word):]):
                return True
    return False


PAIR_QUALIFIER = 3  # characters of a qualifier before a pair's part that may go unsaid


def said_otherwise(term: str, parts: Sequence[str], sentence: str, min_len: int = 4) -> bool:
    """Whether `sentence` says the compound `term` in its own wording (any of the three
    above), though not as written; `min_len`: the shortest term whose characters
    alone may say it (城镇化率 is not in 城镇调查失业率)."""
    return _said_otherwise(term, tuple(parts), sentence, min_len)


@lru_cache(maxsize=1 << 16)  # a question tries each term on the same sentences many times
def _said_otherwise(term: str, parts: tuple[str, ...], sentence: str, min_len: int) -> bool:
    return (said_in_parts(term, parts, sentence) or mostly_said(term, sentence, min_len=min_len)
            or said_by_pair(term, sentence))


def said_of_other_side(term: str, sentence: str, asked: str = "") -> bool:
    """Whether the sentence states the other of a pair in the term's place: 农村居民…
    for 城镇居民…, 贷款余额 for 存款余额 (the pairs of split_words.tsv), and never the
    side asked (城镇和农村居民… says both); unless the question's other terms (`asked`)
    ask for that side too ("城镇居民和农村居民…分别")."""
    return _other_side(term, sentence, asked)


@lru_cache(maxsize=1 << 16)
def _other_side(term: str, sentence: str, asked: str) -> bool:
    for parts in lang.split_words().values():
        for a in parts:
            if a in term and a not in sentence and any(
                    b not in asked and term.replace(a, b, 1) in sentence
                    for b in parts if b != a):
                return True
    return False


# In coverage, where every sentence of every passage is tried, a term of fewer
# characters than this is not said by its characters alone.
COVERAGE_MIN_LEN = 5


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
        if text and said_of_other_side(t, text, "".join(x for x in terms if x != t)):
            missing.append(t)  # 农村居民人均可支配收入 is no part of 城镇居民人均可支配收入
            continue
        sub = parts.get(t, ()) if parts else ()
        if text and said_otherwise(t, sub, text, COVERAGE_MIN_LEN):
            got += w * SAID_CREDIT
            matched.append(t)
            continue
        found = [x for x in sub if x in tokens or (text and x in text)]
        if found:
            # The last part is the head (幼儿学位 is a kind of 学位): it weighs double.
            share = sum(1 + (x == sub[-1]) for x in found) / (len(sub) + 1)
            got += w * PART_CREDIT * share
        missing.append(t)
    return Coverage(got / total if total else 0.0, tuple(matched), tuple(missing))
