"""How people really ask, read into the report's own words.

Analysts type 社零 and GDP, 去年 and 打算; the report writes 社会消费品零售总额,
地区生产总值, 2022年, 计划. Before a Chinese question's words are looked up:

* an abbreviation or everyday word the report never uses is replaced by the
  report's term (``qa/data/aliases_zh.tsv``; Latin abbreviations from the
  glossary: GDP → 地区生产总值);
* a word the report never uses is kept as a subject only if it is a noun-like
  word (jieba's part of speech): 房价 or 常住人口 is something the report may
  not cover, but 去年, 打算, 那些 or 大概 says nothing about the subject and
  must neither lower coverage nor prove absence;
* an interrogative glued to a noun (哪些项目) keeps only the noun.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from index.segment import Segmenter
from qa.glossary import Glossary, indicator_spellings
from qa.query import is_number

ALIASES_PATH = Path(__file__).resolve().parent / "data" / "aliases_zh.tsv"

_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&.+\-]*[A-Za-z0-9]|[A-Za-z]")
_INTERROGATIVE = re.compile(r"^(哪些|哪个|哪几个|哪家|哪项|哪|什么|多少|多长|多大|多高|多远|多久|几)")
# Part-of-speech flags of words that can name what a question is about.
_SUBJECT_FLAGS = ("n", "vn", "eng", "j")


def load_aliases(path: Path = ALIASES_PATH) -> dict[str, str]:
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise ValueError(f"{path}:{n}: expected 'alias<TAB>term', got {line!r}")
        out[parts[0].strip()] = parts[1].strip()
    return out


class QuestionWords:
    """The subject words of a Chinese question, in the report's vocabulary."""

    def __init__(self, segmenter: Segmenter, glossary: Glossary, corpus_text: str,
                 aliases: dict[str, str] | None = None) -> None:
        self.segment = segmenter
        self.glossary = glossary
        self.corpus = corpus_text.lower()
        aliases = load_aliases() if aliases is None else aliases
        # Longest first, so that 规模以上工业 wins over 规模以上.
        self.aliases = sorted(aliases.items(), key=lambda at: -len(at[0]))

    def in_report(self, word: str, corpus: str | None = None) -> bool:
        return word.lower() in (self.corpus if corpus is None else corpus)

    def normalise(self, text: str, corpus: str | None = None) -> str:
        """`text` with aliases and Latin abbreviations the report (`corpus`: the reports
        asked about; default all) never uses replaced."""
        for alias, term in self.aliases:
            if alias in text and not self.in_report(alias, corpus):
                text = text.replace(alias, term)
        return _LATIN.sub(lambda m: self._latin(m, corpus), text)

    def _latin(self, m: re.Match[str], corpus: str | None = None) -> str:
        word = m.group()
        if self.in_report(word, corpus):
            return word
        genre = indicator_spellings().get(word.lower())
        if genre:  # GDP: the genre's indicator (its other spellings count as it too)
            return genre[0]
        found, _ = self.glossary.match_spans(word)
        return " ".join(zh for zh, _ in found) or word

    def terms(self, text: str, corpus: str | None = None) -> list[str]:
        """Retrieval and evidence tokens of a Chinese question, in the vocabulary of
        `corpus` (the reports asked about; default: all)."""
        out = []
        for tok in self.segment(self.normalise(text, corpus)):
            if is_number(tok) or (self.in_report(tok, corpus)
                                  and (len(tok) > 1 or self.is_noun(tok))):
                out.append(tok)  # a lone character only as a noun (水, 茶), not 比 or 涨
                continue
            if len(tok) == 1:
                continue
            rest = _INTERROGATIVE.sub("", tok)
            if rest != tok:  # 哪些项目 → 项目; 多少钱, 几个 → nothing
                if len(rest) >= 2 and self.in_report(rest, corpus):
                    out.append(rest)
                continue
            if self.is_subject(tok):
                out.append(tok)
        return out

    def is_noun(self, word: str) -> bool:
        return self.segment.pos(word).startswith("n")

    def is_subject(self, word: str) -> bool:
        return self.segment.pos(word).startswith(_SUBJECT_FLAGS)


def shares_characters(word: str, text: str, tokens: Iterable[str]) -> bool:
    """Whether a short word the report never uses is plausibly said differently in
    `text`: most of its characters are there (成交额 ~ 交易金额, 个体户 ~ 个体工商户),
    or, for a two-character word, a word of `text` ends in the same head (比赛 ~ 大赛).
    Longer words are specific compounds (单位地区生产总值能耗): never."""
    if len(word) > 3:
        return False
    if len(word) == 3:
        shared = sum(ch in text for ch in set(word))
        return shared >= 2 and shared * 2 >= len(set(word))
    return len(word) == 2 and any(len(t) >= 2 and t != word and t[-1] == word[-1] for t in tokens)

