"""Language and genre knowledge, read from the data files in this folder.

What every Chinese official report shares (place levels, report kinds, period
words, relative years, page chrome, the gazetteer of places) is data here; what
one report is about is derived from it at index time (`corpus.profile`). Each
loader reads its file once per process and returns immutable values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


def rows(name: str) -> list[dict[str, str]]:
    """The rows of a TSV file here: `#` lines are comments, the first row names the columns."""
    lines = [ln for ln in (HERE / name).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    out = []
    for ln in lines[1:]:
        cells = ln.split("\t")
        out.append({k: (cells[i] if i < len(cells) else "") for i, k in enumerate(header)})
    return out


@dataclass(frozen=True)
class Level:
    suffix: str  # 自治州
    level: str  # prefecture
    en: str  # Autonomous Prefecture
    self_refs: tuple[str, ...]  # 全州, 我州


@dataclass(frozen=True)
class GazetteerPlace:
    adcode: str
    name: str  # 遂宁市
    level: str  # province | prefecture | county
    province: str
    prefecture: str
    pinyin: str  # "sui ning shi"


@cache
def levels() -> tuple[Level, ...]:
    """Place level words, longest suffix first (自治州 before 州)."""
    out = [Level(r["suffix"], r["level"], r["en"], tuple(x for x in r["self_refs"].split("|") if x))
           for r in rows("place_levels.tsv")]
    return tuple(sorted(out, key=lambda lv: -len(lv.suffix)))


def level_of(name: str) -> Level | None:
    """The level word a place name ends with (遂宁市 → 市), if any: the longest one
    that leaves a name of two characters (北林区 is 北林 + 区, not 北 + 林区)."""
    ends = [lv for lv in levels() if name.endswith(lv.suffix) and len(name) > len(lv.suffix)]
    return next((lv for lv in ends if len(name) - len(lv.suffix) >= 2), ends[0] if ends else None)


@cache
def self_refs() -> frozenset[str]:
    """Every word a report uses for its own place (全市, 我县, 本区)."""
    return frozenset(r for lv in levels() for r in lv.self_refs)


@cache
def nationalities() -> tuple[str, ...]:
    """The 56 nationalities' names, longest first (autonomous places carry them)."""
    names = [ln.strip() for ln in (HERE / "nationalities.txt").read_text(encoding="utf-8").splitlines()
             if ln.strip()]
    return tuple(sorted(names, key=len, reverse=True))


@cache
def gazetteer() -> tuple[GazetteerPlace, ...]:
    return tuple(GazetteerPlace(r["adcode"], r["name"], r["level"], r["province"], r["prefecture"],
                                r["pinyin"]) for r in rows("places.tsv"))


@cache
def english_names() -> dict[str, tuple[str, ...]]:
    """Place name → English names that are not its pinyin (乌鲁木齐市 → urumqi)."""
    return {r["name"]: tuple(x for x in r["en"].split("|") if x) for r in rows("place_names_en.tsv")}


@cache
def report_kinds() -> tuple[tuple[str, re.Pattern[str], str, str], ...]:
    """(kind, pattern, Chinese name, English name), in the order they are tried."""
    return tuple((r["kind"], re.compile(r["pattern"]), r["zh"], r["en"])
                 for r in rows("report_kinds.tsv"))


def kind_names(kind: str) -> tuple[str, str]:
    """A report kind's Chinese and English names."""
    for k, _, zh, en in report_kinds():
        if k == kind:
            return zh, en
    return "报告", "report"


@cache
def period_words() -> dict[str, re.Pattern[str]]:
    """kind (result | target | estimate | review) → a pattern of its words."""
    return {r["kind"]: re.compile(r["words"], re.I) for r in rows("periods.tsv")}


@dataclass(frozen=True)
class RelativeYear:
    pattern: re.Pattern[str]
    base: str  # written | result | target
    offset: int


@cache
def relative_years() -> tuple[RelativeYear, ...]:
    out = []
    for r in rows("relative_years.tsv"):
        guard = f"(?<![{re.escape(r['not_after'])}])" if r["not_after"] else ""
        words = "|".join(rf"\b{w}\b" if w.isascii() else w for w in r["pattern"].split("|"))
        out.append(RelativeYear(re.compile(f"{guard}(?:{words})", re.I), r["base"], int(r["offset"])))
    return tuple(out)


@cache
def default_subjects() -> dict[str, str]:
    """What a question that names no subject is about, by what it asks (growth → GDP)."""
    return {r["asks"]: r["term"] for r in rows("default_subjects.tsv")}


@cache
def relative_year_words() -> frozenset[str]:
    """The words of relative_years.tsv (去年, 今年, last year …): when, not what."""
    return frozenset(w for r in rows("relative_years.tsv") for w in r["pattern"].split("|"))


@cache
def entity_suffixes() -> tuple[str, ...]:
    """Words that make a place name part of an institution's name (学院, 银行 …)."""
    lines = (HERE / "entity_suffixes.txt").read_text(encoding="utf-8").splitlines()
    return tuple(sorted((ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")),
                        key=len, reverse=True))


@cache
def split_words() -> dict[str, tuple[str, ...]]:
    """Words that name two things at once (城乡 → 城镇, 农村), from split_words.tsv."""
    return {r["word"]: tuple(r["parts"].split("|")) for r in rows("split_words.tsv")}


@cache
def word_list(name: str) -> frozenset[str]:
    """The words of a word-list file here (separated by spaces; `#` lines are comments)."""
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w for ln in lines if not ln.lstrip().startswith("#") for w in ln.split())


@cache
def pattern(name: str) -> re.Pattern[str]:
    """One of the named patterns of patterns.tsv (KeyError for an unknown name)."""
    found = {r["name"]: r["pattern"] for r in rows("patterns.tsv")}
    return re.compile(found[name])


def caption_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the chart titles written into `text` (patterns.tsv's
    chart_caption): what a figure's label and a sentence must not run across."""
    return [m.span() for m in pattern("chart_caption").finditer(text)]


@cache
def metadata_lines() -> tuple[re.Pattern[str], ...]:
    """Whole-line patterns of page chrome, dates and bylines (not passages)."""
    return tuple(re.compile(r["pattern"]) for r in rows("metadata_lines.tsv"))


def is_metadata_line(text: str) -> bool:
    t = text.strip()
    return bool(t) and any(p.match(t) for p in metadata_lines())


@cache
def en_spellings() -> tuple[tuple[str, str, int], ...]:
    """British word endings → American ones (centre → center), longest ending first."""
    out = [(r["british"], r["american"], int(r["min_length"])) for r in rows("en_spellings.tsv")]
    return tuple(sorted(out, key=lambda x: -len(x[0])))


def american(word: str) -> str:
    """A lower-case English word in American spelling ("programme" → "program")."""
    for brit, amer, least in en_spellings():
        if len(word) >= least and word.endswith(brit):
            return word[: len(word) - len(brit)] + amer
    return word
