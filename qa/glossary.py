"""The bilingual glossary: English terms <-> the report's Chinese terms.

It (a) turns English questions into Chinese keywords for BM25 over the
Chinese report, (b) gives each figure an English label, (c) supplies words
for English answers. The data is `qa/data/glossary.tsv`: ``en<TAB>zh<TAB>kind``
with kind one of indicator | term | place | org | unit. One English variant a
row (synonyms, plurals, British/American spellings); the *first* row of a
Chinese term holds its preferred English. Lines starting with "#" and blank
lines are ignored.

English is matched on normalised words: lower case, hyphens and slashes as
spaces, possessive 's dropped, each word singularised ("stations" ->
"station", "companies" -> "company"), so "fixed-asset investments" and
"Fixed asset investment" are the same key.

The jieba user dictionary (`qa/data/userdict.txt`) is generated from the
glossary by `userdict_lines()`; see there for which terms go in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from reportqa import lang as lang_data

if TYPE_CHECKING:
    import jieba

DATA_DIR = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
# The hand-written glossary of the first report is that report's override, beside
# it: `<document>.glossary.tsv`. Every report gets the genre's term base.
GLOSSARY_PATH = ROOT / "corpus" / "yongchuan-2022-2023.glossary.tsv"
GENRE_TERMS_PATH = ROOT / "reportqa" / "lang" / "indicators.tsv"
OVERRIDE_SUFFIX = ".glossary.tsv"
USERDICT_PATH = DATA_DIR / "userdict.txt"
KINDS = ("indicator", "term", "place", "org", "unit")
# jieba part-of-speech tags written to the user dictionary, and frequencies:
# high enough that a term beats the split into its parts, low enough that it
# does not swallow a neighbouring character.
USERDICT_TAGS = {"indicator": "n", "term": "nz", "place": "ns", "org": "nt"}
USERDICT_FREQ = 20000
# A term is left out of the user dictionary when it is two glossary terms
# joined and one of them is at least this long ("城镇居民"+"人均可支配收入",
# "老旧小区"+"改造"): cut in two, each half still matches a question about it.
MIN_SPLIT_PART = 4
# ...or when the second term is a generic head ("汽摩"+"产业", "存贷款"+"规模"),
# so that a question naming just the thing ("汽摩", "存贷款") still matches.
GENERIC_HEADS = frozenset({"产业", "规模", "产值", "产量", "投资", "收入", "改造", "建设"})

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ALL_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+(?:[&.][a-z0-9]+)*|[\u4e00-\u9fff]+")
_HYPHENS = re.compile(r"[-‐‑‒–—/_]")


@dataclass(frozen=True)
class Entry:
    en: str
    zh: str
    kind: str
    canon: str = ""  # the genre term an alias writes another way (生产总值 → 地区生产总值)


@dataclass(frozen=True)
class Segment:
    """A stretch of an English question: its normalised words, and the Chinese terms
    the glossary has for them (none: a word it does not know)."""

    words: tuple[str, ...]
    zh: tuple[str, ...] = ()
    reordered: bool = False  # the words of a phrase in another order (`Glossary._reordered`)


# Words the suffix rules of `singular` get wrong: words in -s that are not
# plurals ("does", "news", "series"), and plurals the rules would mangle
# ("buses" -> "buse", "analyses" -> "analyse", "movies" -> "movy").
_SINGULAR_EXCEPTIONS = {
    **{w: w for w in (
        "does", "news", "series", "species", "means", "goods", "always", "perhaps", "whereas",
        "overseas", "bias", "alias", "atlas", "canvas", "pancreas", "christmas", "texas",
        "kansas", "arkansas", "vegas", "thomas", "douglas", "nicholas", "lucas",
    )},
    "goes": "go", "buses": "bus", "minibuses": "minibus", "gases": "gas", "biases": "bias",
    "statuses": "status", "bonuses": "bonus", "campuses": "campus", "viruses": "virus",
    "censuses": "census", "surpluses": "surplus", "focuses": "focus", "syllabuses": "syllabus",
    "analyses": "analysis", "crises": "crisis", "theses": "thesis", "diagnoses": "diagnosis",
    "hypotheses": "hypothesis", "syntheses": "synthesis", "emphases": "emphasis",
    "movies": "movie", "cookies": "cookie", "calories": "calorie", "zombies": "zombie",
    "rookies": "rookie", "selfies": "selfie", "smoothies": "smoothie", "brownies": "brownie",
    "heroes": "hero", "potatoes": "potato", "tomatoes": "tomato", "echoes": "echo",
    "volcanoes": "volcano", "quizzes": "quiz", "headaches": "headache", "caches": "cache",
    "niches": "niche", "avalanches": "avalanche", "indices": "index", "matrices": "matrix",
    "appendices": "appendix", "lives": "life", "wives": "wife", "knives": "knife",
    "halves": "half", "shelves": "shelf", "leaves": "leaf", "wolves": "wolf",
    "thieves": "thief", "selves": "self", "children": "child", "women": "woman",
    "men": "man", "teeth": "tooth", "feet": "foot", "mice": "mouse", "geese": "goose",
}


def singular(word: str) -> str:
    """A light English singulariser, applied to questions and glossary alike.

    "stations" -> "station", "companies" -> "company", "classes" -> "class",
    "areas" -> "area"; words that only look plural stay ("does", "news",
    "status", "analysis", "gas"). It needs to be consistent more than right:
    a question and a glossary entry meet on the same form.
    """
    if word in _SINGULAR_EXCEPTIONS:
        return _SINGULAR_EXCEPTIONS[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# A phrase said in another order is matched from this many words on: two-word
# phrases reordered are often two things ("investment in industry" is not the
# "investment for industrial projects"). Set by reading the English questions of the
# gold sets: 77 of 1,560 say a phrase reordered, 23 of them a two-word one, most of
# those another thing ("projects on the key project list" is no 重点项目 figure).
REORDERED_MIN_WORDS = 3


_COORDINATING = ("and", "or", "versus", "vs")


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return lang_data.word_list("en_function_words.txt")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    from index.termbase import stem

    return stem(word)


def normalise_en(text: str) -> list[str]:
    """English text as matching words: "Fixed-asset investments" -> fixed, asset, investment."""
    s = text.lower().replace("’", "'")
    s = re.sub(r"'s\b", "", s)
    s = _HYPHENS.sub(" ", s)
    return [singular(w) for w in _WORD.findall(s)]


class Glossary:
    """Look-ups both ways over a list of entries."""

    def __init__(self, entries: Sequence[Entry], sources: Iterable[str] = (),
                 reorderable: Iterable[tuple[str, ...]] | None = None) -> None:
        """`reorderable`: the phrases a question may say in another order of their
        words (default: every phrase; a library's: the genre's, not a report's own)."""
        if not entries:
            raise ValueError("a glossary needs at least one entry, got none")
        self.entries: tuple[Entry, ...] = tuple(entries)
        # The override files (resolved paths) it was read from.
        self.sources = frozenset(str(Path(s).resolve()) for s in sources)
        self._by_key: dict[tuple[str, ...], list[str]] = {}
        self._en_of: dict[str, str] = {}
        self._kind_of: dict[str, str] = {}
        for e in self.entries:
            key = tuple(normalise_en(e.en))
            if key:
                zh = self._by_key.setdefault(key, [])
                if e.zh not in zh:
                    zh.append(e.zh)
            if e.kind != "unit":
                self._en_of.setdefault(e.zh, e.en)
            self._kind_of.setdefault(e.zh, e.kind)
        self._canon: dict[str, str] = {e.zh: e.canon for e in self.entries if e.canon}
        self._max_words = max((len(k) for k in self._by_key), default=1)
        # Longest first, so that label_en finds 城镇居民人均可支配收入 before 人均可支配收入.
        self._zh_longest = sorted(self._en_of, key=len, reverse=True)
        # Each phrase of three words or more as its set of word stems, by each stem:
        # a question may say it in another order (see `_reordered`).
        self._bags: dict[str, list[tuple[frozenset[str], tuple[str, ...]]]] = {}
        allowed = set(reorderable) if reorderable is not None else None
        self._genre_keys = allowed
        for key in self._by_key:
            if allowed is not None and key not in allowed:
                continue
            bag = frozenset(_stem(w) for w in key if w not in _function_words())
            if len(bag) >= REORDERED_MIN_WORDS:
                for st in bag:
                    self._bags.setdefault(st, []).append((bag, key))

    def is_own(self, seg: Segment) -> bool:
        """Whether a segment's phrase is a report's own (its override's), not the genre's."""
        return self._genre_keys is not None and bool(seg.zh) and not seg.reordered \
            and tuple(seg.words) not in self._genre_keys

    @classmethod
    def load(cls, path: Path | str | None = None) -> Glossary:
        """Read a glossary TSV (default: the project's `qa/data/glossary.tsv`)."""
        p = Path(path) if path is not None else GLOSSARY_PATH
        if not p.is_file():
            raise FileNotFoundError(f"glossary file not found: {p}")
        return cls(list(_read_tsv(p.read_text(encoding="utf-8").splitlines(), str(p))))

    def to_zh_terms(self, question_en: str) -> list[str]:
        """Chinese terms for an English question, in question order, no duplicates.

        Longest match over normalised words; Chinese already in the question
        is passed through.
        """
        return self.match(question_en)[0]

    def match(self, question_en: str) -> tuple[list[str], list[str]]:
        """(Chinese terms, English words no glossary entry covers), in question order.

        The unmatched words tell what of an English question the report's
        vocabulary cannot express ("mayor", "weather"): a sign it is not there.
        """
        found, unmatched = self.match_spans(question_en)
        return list(dict.fromkeys(zh for zh, _ in found)), unmatched

    def match_spans(self, question_en: str) -> tuple[list[tuple[str, int]], list[str]]:
        """Like `match`, with how many English words each Chinese term stood for."""
        groups, unmatched = self.match_groups(question_en)
        return [(z, n) for zh, n in groups for z in zh], unmatched

    def match_groups(self, question_en: str) -> tuple[list[tuple[list[str], int]], list[str]]:
        """Like `match_spans`, one entry per English phrase: the Chinese terms it
        stands for ("contracted investment" → 合同引资, 协议引资) and its length."""
        out: list[tuple[list[str], int]] = []
        unmatched: list[str] = []
        for seg in self.segments(question_en):
            if seg.zh:
                out.append((list(seg.zh), len(seg.words)))
            else:
                unmatched += seg.words
        return out, unmatched

    def segments(self, question_en: str, reorder: bool = True,
                 genre_only: bool = False) -> list[Segment]:
        """The question's words in order, as phrases the glossary knows (with their
        Chinese terms) and single words it does not (with none); `reorder`: a phrase
        also in another order of its words; `genre_only`: the genre's phrases alone,
        not a report's own."""
        known = self._by_key if not (genre_only and self._genre_keys is not None) else {
            k: v for k, v in self._by_key.items() if k in self._genre_keys}
        words = normalise_en(question_en)
        # "the urban and the rural …": the second article says nothing the first does not
        words = [w for k, w in enumerate(words)
                 if not (w == "the" and k and words[k - 1] in _COORDINATING)]
        out: list[Segment] = []
        i = 0
        while i < len(words):
            shared = self._coordinated(words, i, known)
            n = next((n for n in range(min(self._max_words, len(words) - i), 0, -1)
                      if tuple(words[i : i + n]) in known), 0)
            if shared and n < 2 + shared[0][1]:  # unless one entry says it all
                # "urban and rural … income": each side stands for its own words.
                m = shared[0][1]
                tail = tuple(words[i + 3 : i + 3 + m - 1])
                out += [Segment((words[i], *tail), tuple(shared[0][0])),
                        Segment((words[i + 2], *tail), tuple(shared[1][0]))]
                i += 2 + m
            elif reorder and (found := self._reordered(words, i)) and found[0] > n:
                m, key = found
                out.append(Segment(tuple(words[i : i + m]), tuple(self._by_key[key]), True))
                i += m
            elif n:
                out.append(Segment(tuple(words[i : i + n]), tuple(known[tuple(words[i : i + n])])))
                i += n
            elif _CJK.match(words[i]):  # Chinese in an English question passes through
                out.append(Segment((words[i],), (words[i],)))
                i += 1
            else:
                out.append(Segment((words[i],), ()))
                i += 1
        return out

    def _reordered(self, words: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
        """The longest phrase of three words or more whose words the question says from
        `i` on in another order ("rural residents' per capita disposable income" for
        "per capita disposable income of rural residents"): its stems, and only they,
        with joining words ("of", "the") between; (words taken, the phrase's key)."""
        first = _stem(words[i])
        best: tuple[int, tuple[str, ...]] | None = None
        joining = _function_words()
        for bag, key in self._bags.get(first, ()):
            need = set(bag)
            j = i
            while j < len(words) and need:
                st = _stem(words[j])
                if st in need:
                    need.discard(st)
                elif words[j] not in joining:
                    break
                j += 1
            # A phrase never takes one side of a coordination ("…income of urban and
            # rural residents": "urban" is both sides' word, see `_coordinated`).
            if j < len(words) and words[j] in _COORDINATING:
                continue
            if not need and (best is None or j - i > best[0]):
                best = (j - i, key)
        return best

    def _coordinated(self, words: list[str], i: int,
                     known: dict[tuple[str, ...], list[str]] | None = None
                     ) -> list[tuple[list[str], int]]:
        """"urban and rural per capita disposable income": two terms that share their
        words after the second ("urban … income", "rural … income"), longest first."""
        if i + 3 >= len(words) or words[i + 1] not in _COORDINATING:
            return []
        a, b = words[i], words[i + 2]
        for n in range(min(self._max_words - 1, len(words) - i - 3), 0, -1):
            tail = tuple(words[i + 3 : i + 3 + n])
            by_key = self._by_key if known is None else known
            za, zb = by_key.get((a, *tail)), by_key.get((b, *tail))
            if za and zb and za != zb:
                return [(list(za), n + 1), (list(zb), n + 1)]
        return []

    def label_en(self, label_zh: str) -> str:
        """The English for the longest glossary term inside a Chinese label, "" if none.

        A leading 新增/新建 the match leaves out becomes "new"/"newly built".
        """
        for zh in self._zh_longest:
            pos = label_zh.find(zh)
            if pos < 0:
                continue
            en = self._en_of[zh]
            prefix = label_zh[:pos]
            if prefix.startswith("新增") and not en.lower().startswith("new"):
                return f"new {en}"
            if prefix.startswith("新建") and not en.lower().startswith("new"):
                return f"newly built {en}"
            return en
        return ""

    def terms_zh(self, kinds: Iterable[str] | None = None) -> list[str]:
        """The distinct Chinese terms, in file order (optionally of some kinds only)."""
        wanted = set(kinds) if kinds is not None else set(KINDS)
        unknown = wanted - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; expected some of {KINDS}")
        return [zh for zh, kind in self._kind_of.items() if kind in wanted]

    def same_term(self, a: str, b: str) -> bool:
        """Two ways of writing one of the genre's terms (地区生产总值, 生产总值)."""
        ca = self._canon.get(a)
        return ca is not None and ca == self._canon.get(b)

    def kind_of(self, zh: str) -> str:
        return self._kind_of.get(zh, "")

    def userdict_lines(self) -> list[str]:
        """jieba user-dictionary lines ("word freq tag") for the report's domain terms.

        All indicator/term/place/org terms of two or more Chinese characters,
        except (1) terms with Latin letters or digits ("5G基站"): jieba then
        cuts "5G" + "基站" in "5G基站" and "5G网络基站" alike, so one query
        finds both; (2) compounds of two glossary terms with a long part (see
        `MIN_SPLIT_PART`, `GENERIC_HEADS`), kept apart so each half stays searchable.
        """
        terms = self.terms_zh(USERDICT_TAGS)
        known = set(self._kind_of)
        lines = []
        for zh in terms:
            if len(zh) < 2 or not _ALL_CJK.fullmatch(zh) or _is_split_compound(zh, known):
                continue
            lines.append(f"{zh} {USERDICT_FREQ} {USERDICT_TAGS[self._kind_of[zh]]}")
        return lines


def _is_split_compound(zh: str, known: set[str]) -> bool:
    for cut in range(2, len(zh) - 1):
        head, tail = zh[:cut], zh[cut:]
        if head in known and tail in known and (
            max(len(head), len(tail)) >= MIN_SPLIT_PART or tail in GENERIC_HEADS
        ):
            return True
    return False


def _read_tsv(lines: list[str], source: str) -> Iterable[Entry]:
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#") or line == "en\tzh\tkind":
            continue
        cols = line.split("\t")
        if len(cols) != 3 or not all(c.strip() for c in cols):
            raise ValueError(f"{source}:{n}: expected 'en<TAB>zh<TAB>kind', got {line!r}")
        en, zh, kind = (c.strip() for c in cols)
        if kind not in KINDS:
            raise ValueError(f"{source}:{n}: kind must be one of {KINDS}, got {kind!r}")
        yield Entry(en, zh, kind)


def _indicator_rows(path: Path) -> list[tuple[str, str, list[str], list[str]]]:
    """indicators.tsv as (zh, en, Chinese aliases, English aliases) rows."""
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines[1:], 2):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 4 or not cols[0].strip() or not cols[1].strip():
            raise ValueError(f"{path}:{n}: expected 'zh<TAB>en<TAB>aliases_zh<TAB>aliases_en'")
        zh, en, aliases_zh, aliases_en = (c.strip() for c in cols)
        rows.append((zh, en, [a for a in aliases_zh.split("|") if a],
                     [a for a in aliases_en.split("|") if a]))
    return rows


def genre_entries(path: Path = GENRE_TERMS_PATH) -> list[Entry]:
    """The genre's indicator terms (`reportqa/lang/indicators.tsv`: zh, en and their
    aliases) as glossary entries: every English form names the term and its aliases."""
    out: list[Entry] = []
    for zh, en, aliases_zh, aliases_en in _indicator_rows(path):
        english = [en, *aliases_en]
        for e in english:
            out.append(Entry(e, zh, "indicator", zh))
        for alias in (a for a in aliases_zh if not a.isascii()):
            out += [Entry(e, alias, "indicator", zh) for e in english]
    return out


@lru_cache(maxsize=1)
def indicator_forms() -> dict[str, str]:
    """Every Chinese form of the genre's indicators (names and aliases) → its name."""
    return {e.zh: e.canon for e in genre_entries() if e.canon}


@lru_cache(maxsize=1)
def indicator_spellings() -> dict[str, tuple[str, ...]]:
    """Every way the genre writes an indicator in Chinese text (its name and Chinese
    aliases, GDP included), lower-cased → all of them."""
    out: dict[str, tuple[str, ...]] = {}
    for zh, _, aliases_zh, _ in _indicator_rows(GENRE_TERMS_PATH):
        forms = tuple(dict.fromkeys([zh, *aliases_zh]))
        for f in forms:
            out.setdefault(f.lower(), forms)
    return out


@lru_cache(maxsize=4096)
def narrower_forms(term: str) -> tuple[str, ...]:
    """The genre's forms of *other* indicators that are `term` with a qualifier in
    front: 人均地区生产总值 and 人均GDP for 生产总值 or GDP, 规模以上工业增加值 for 工业
    增加值, 农村居民人均可支配收入 for 人均可支配收入. A figure whose clause names one
    measures something narrower than the term asked. (生猪出栏 is not one for 生猪:
    its head is another measure, which the question may well mean.)"""
    forms = indicator_forms()
    own = forms.get(term, term)
    return tuple(f for f, canon in forms.items() if f.endswith(term) and f != term and canon != own)


def layered(*layers: Sequence[Entry], sources: Iterable[str] = ()) -> Glossary:
    """One glossary from several: an English phrase an earlier layer (a report's own
    override) knows keeps its meaning there; later layers (the genre's terms) add only
    phrases it lacks."""
    canon = {e.zh: e.canon for layer in layers for e in layer if e.canon}
    spellings: dict[str, list[str]] = {}  # genre term -> every way it is written
    for zh, c in canon.items():
        spellings.setdefault(c, []).append(zh)
    seen: dict[tuple[str, ...], set[str]] = {}  # phrase -> the genre terms it means so far
    entries: list[Entry] = []
    for layer in layers:
        mine: dict[tuple[str, ...], set[str]] = {}
        # A report's own phrase for one of the genre's terms means its other spellings
        # too ("industrial value added above designated size": 规上工业增加值, and
        # 规模以上工业增加值 where another report writes it so).
        layer = [x for e in layer for x in
                 [e] + [Entry(e.en, z, e.kind, canon[e.zh]) for z in spellings.get(
                     canon.get(e.zh, ""), ()) if z != e.zh and not e.canon]]
        for e in layer:
            key = tuple(normalise_en(e.en))
            # A later layer may add another way of writing the same term (居民消费价格 for
            # "CPI" beside a report's 居民消费价格指数): an alternative, not a new meaning.
            if key in seen and (not e.canon or e.canon not in seen[key]):
                continue
            entries.append(e)
            mine.setdefault(key, set()).add(canon.get(e.zh, e.zh))
        for key, terms in mine.items():
            seen.setdefault(key, set()).update(terms)
    # The genre's phrases (the last layer) are matched in any order of their words; a
    # report's own are as it wrote them.
    genre = {tuple(normalise_en(e.en)) for e in layers[-1]} if layers else set()
    return Glossary(entries, sources, reorderable=genre)


def override_path(source: Path) -> Path:
    return source.with_name(source.stem + OVERRIDE_SUFFIX)


@lru_cache(maxsize=8)
def library_glossary(overrides: tuple[str, ...] = ()) -> Glossary:
    """The genre's terms under the given reports' own glossaries (their override files)."""
    layers = [list(_read_tsv(Path(p).read_text(encoding="utf-8").splitlines(), p))
              for p in overrides]
    return layered(*layers, genre_entries(), sources=overrides)


def default_glossary() -> Glossary:
    """The first report's glossary over the genre's terms, read once (never at import)."""
    return library_glossary((str(GLOSSARY_PATH),))


def write_userdict(glossary: Glossary, path: Path | str = USERDICT_PATH) -> int:
    """Write the jieba user dictionary for `glossary`; returns the number of words."""
    lines = glossary.userdict_lines()
    Path(path).write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    return len(lines)


def jieba_tokenizer(userdict: Path | str = USERDICT_PATH) -> jieba.Tokenizer:
    """A private jieba tokenizer (not the module-level global) with the user dictionary."""
    import jieba

    tok = jieba.Tokenizer()
    tok.load_userdict(str(userdict))
    return tok
