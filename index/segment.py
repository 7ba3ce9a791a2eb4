"""Word segmentation for BM25: a private jieba tokenizer with the project's dictionary.

The module-level `jieba` global is never used: each `Segmenter` owns its own
`jieba.Tokenizer()` loaded with the user dictionary, so indicator names such
as 地区生产总值 or 社会消费品零售总额 stay whole.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path

from reportqa import lang

# What the BM25 index holds per passage (written to, and checked in, the manifest).
INDEX_TOKENS = "jieba+subwords"

# Generated from the bilingual glossary (qa/glossary.py: write_userdict).
USERDICT = Path(__file__).resolve().parent.parent / "qa" / "data" / "userdict.txt"

Tokenizer = Callable[[str], list[str]]

# Tokens that carry no retrieval signal in this kind of report.
STOPWORDS = frozenset(
    "的 了 和 与 及 等 在 对 为 是 将 把 以 其 并 或 也 而 由 从 向 中 上 下 个 之 于 被 所 "
    "有 多少 什么 哪些 哪个 哪 几 吗 呢 年 是否 怎么 如何 情况 其中 方面 全年 全区".split()
)
_KEEP = re.compile(r"[\w%％.]", re.UNICODE)
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)(?![A-Za-z0-9.])")


def userdict_checksum(path: Path = USERDICT) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


class Segmenter:
    """`Segmenter()(text)` → lower-cased content tokens, numbers kept whole."""

    def __init__(self, userdict: Path | None = USERDICT) -> None:
        import jieba

        # jieba logs its dictionary loading at INFO through its own handler.
        jieba.setLogLevel(logging.WARNING)
        self._tok = jieba.Tokenizer()
        self._tok.initialize()
        if userdict is not None:
            if not userdict.is_file():
                raise FileNotFoundError(f"jieba user dictionary {userdict} is missing")
            self._tok.load_userdict(str(userdict))
        self.userdict = userdict
        self._pos = None  # jieba.posseg over the same tokenizer, made when first needed

    def pos(self, word: str) -> str:
        """jieba's part-of-speech flag for `word` (of its last word when it splits):
        "n…" nouns, "v" verbs, "t" time words, "r" pronouns, "d" adverbs, …"""
        pairs = self._tagger().lcut(word, HMM=False)
        return pairs[-1].flag if pairs else "x"

    def tags(self) -> dict[str, str]:
        """The part-of-speech table `pos` reads (jieba's dictionary and the user
        dictionary's), for `use_tags` in a later process: jieba parses it from its
        dictionary file in ~0.5 s, a saved copy loads in ~0.1 s."""
        tagger = self._tagger()
        tagger.lcut("", HMM=False)  # merges the user dictionary's tags in
        return tagger.word_tag_tab

    def use_tags(self, table: dict[str, str]) -> None:
        """Tag with `table` (from `tags()` of a Segmenter of the same dictionaries)."""
        import jieba.posseg

        tagger = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
        tagger.tokenizer, tagger.word_tag_tab = self._tok, table
        self._pos = tagger

    def _tagger(self):  # noqa: ANN202 - jieba.posseg.POSTokenizer
        if self._pos is None:
            import jieba.posseg

            self._pos = jieba.posseg.POSTokenizer(self._tok)
        return self._pos

    def add_word(self, word: str, freq: int | None = None) -> None:
        self._tok.add_word(word, freq)

    def subwords(self, word: str) -> list[str]:
        """Dictionary words of two or more characters inside `word` (体育赛事 → 体育, 赛事)."""
        return [w for w in self._tok.lcut(word, cut_all=True) if len(w) >= 2 and w != word]

    def for_search(self, text: str) -> list[str]:
        """Tokens for the BM25 index: each token, then the dictionary words inside
        it, as jieba's search mode does ("暂安排" also indexes "安排", "重大项目"
        also "项目"), so a question's plain word finds the report's compound."""
        out = []
        for tok in self(text):
            out.append(tok)
            if len(tok) >= 3 and not _NUMBER.fullmatch(tok):
                out.extend(w for w in self.subwords(tok) if w not in STOPWORDS)
        return out

    def __call__(self, text: str) -> list[str]:
        out = []
        # jieba cuts "5.4" into "5", ".", "4": numbers are kept whole, so that a
        # number in a question matches the same number in a passage exactly.
        # "第一、二、三产业" holds 第二产业 and 第三产业 as words too.
        for i, part in enumerate(_NUMBER.split(_SPACE.sub(" ", lang.expand_ellipsis(text)))):
            if i % 2:
                out.append(part)
                continue
            for tok in self._tok.lcut(part, HMM=False):
                tok = tok.strip().lower()
                if tok and tok not in STOPWORDS and _KEEP.search(tok):
                    out.append(tok)
        return out
