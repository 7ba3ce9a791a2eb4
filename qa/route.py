"""Routing: which reports of the library a question is about.

A question that names a place (Chinese, or English/pinyin: "Suining", "Wuhu",
"Yanbian") is answered from that place's reports; a place the library has no
report on is said to be missing (the gazetteer in `reportqa/lang/places.tsv`
knows China's places, so "绵阳市" or "Jinan" is a place even with no report). A
place named beside its own child (四川省遂宁市) only qualifies it. Two or more
places with reports make a comparison across places: one group each. A year no
routed report covers is said to be missing too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.profile import Place, Profile, _strip, place_from_gazetteer
from reportqa import lang

# An alias shorter than this is not matched (one character names no place).
MIN_ALIAS = 2
_WORD = re.compile(r"[A-Za-zÀ-ÿü'’-]+")
_EN_LEVELS = ("city", "county", "district", "province", "prefecture", "banner", "league",
              "autonomous prefecture", "autonomous county", "autonomous region")


@dataclass(frozen=True)
class Mention:
    """A place as a question writes it."""

    text: str
    start: int
    end: int
    name: str  # the place's Chinese name (遂宁市)
    en: str  # its English name (Suining City)
    docs: tuple[str, ...]  # the library's reports whose own place it is


@dataclass(frozen=True)
class Route:
    groups: tuple[tuple[Mention | None, tuple[str, ...]], ...]  # (place, its reports)
    mentions: tuple[Mention, ...]
    missing: tuple[Mention, ...] = ()  # places named with no report in the library
    missing_year: int | None = None  # a year none of the routed reports covers
    asides: tuple[tuple[int, int], ...] = ()  # brackets that say where a place is

    @property
    def docs(self) -> tuple[str, ...]:
        return tuple(d for _, ds in self.groups for d in ds)

    def spans(self) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.mentions]


def _norm_en(text: str) -> str:
    return text.lower().replace("ü", "u").replace("’", "").replace("'", "")


class Router:
    """Place aliases of the library's reports and of the gazetteer, matched longest first."""

    def __init__(self, profiles: dict[str, Profile]) -> None:
        self.profiles = profiles
        self._years = {d: p.years for d, p in profiles.items()}  # what each report covers
        self.zh: dict[str, tuple[Place, tuple[str, ...]]] = {}
        self.en: dict[str, tuple[Place, tuple[str, ...]]] = {}
        by_place: dict[str, list[str]] = defaultdict(list)
        places: dict[str, Place] = {}
        for doc_id, prof in profiles.items():
            if prof.place is not None:
                by_place[prof.place.name].append(doc_id)
                places[prof.place.name] = prof.place
        # The gazetteer first, so that the library's own places win any shared alias.
        for g in lang.gazetteer():
            if len(_strip(g.name)) < MIN_ALIAS:
                continue  # 城区, 郊区, 矿区: words before they are places
            place = place_from_gazetteer(g)
            forms = [place.name] + ([place.short] if g.level != "county" else [])
            for form in forms:
                if len(form) >= MIN_ALIAS:
                    self.zh.setdefault(form, (place, ()))
            for form in _gazetteer_en(place, g.level):
                self.en.setdefault(form, (place, ()))
        # A name the gazetteer gives several places ("Weishan County": 微山县, and the
        # library's 巍山彝族回族自治县) means the library's when the level fits.
        self._library_bases: dict[str, tuple[Place, tuple[str, ...]]] = {}
        for name, docs in by_place.items():
            place = places[name]
            for form in place.names:
                self.zh[form] = (place, tuple(docs))
            for form in place.en_forms:
                self.en[_norm_en(form)] = (place, tuple(docs))
                if " " not in form and len(form) >= 4:
                    self._library_bases.setdefault(form, (place, tuple(docs)))
        self._max_zh = max((len(k) for k in self.zh), default=0)
        self._max_en = max((k.count(" ") + 1 for k in self.en), default=0)

    # -------------------------------------------------------------- mentions

    def mentions(self, question: str) -> list[Mention]:
        found = self._zh_mentions(question) + self._en_mentions(question)
        return sorted(found, key=lambda m: m.start)

    def _zh_mentions(self, q: str) -> list[Mention]:
        out, i = [], 0
        quoted = _quoted_spans(q)
        while i < len(q):
            if any(a <= i < b for a, b in quoted):  # “重庆英才” is a name, not Chongqing
                i += 1
                continue
            for n in range(min(self._max_zh, len(q) - i), MIN_ALIAS - 1, -1):
                hit = self.zh.get(q[i:i + n])
                if hit is not None and _names_an_institution(q, i + n):
                    hit = None  # 重庆文理学院 names a college, not Chongqing
                if hit is not None:
                    place, docs = hit
                    out.append(Mention(q[i:i + n], i, i + n, place.name, place.en, docs))
                    i += n
                    break
            else:
                i += 1
        return out

    def _en_mentions(self, q: str) -> list[Mention]:
        words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(q)]
        out, i = [], 0
        while i < len(words):
            for n in range(min(self._max_en, len(words) - i), 0, -1):
                text = " ".join(_norm_en(w) for w, _, _ in words[i:i + n])
                hit = self.en.get(text)
                if hit is None and text.endswith("s"):  # "Suining's" -> "suinings"
                    text = text[:-1]
                    hit = self.en.get(text)
                if hit is None:
                    continue
                if not hit[1]:
                    hit = self._in_library(text) or hit
                place, docs = hit
                first = words[i][0]
                nxt = words[i + n][0].lower() if i + n < len(words) else ""
                if nxt in lang.entity_suffixes():  # "Sichuan pepper", "Chongqing University"
                    continue
                # A gazetteer place must be written as a name (capitalised); the
                # library's own places are taken in any case ("yongchuanqu").
                if not docs and not first[:1].isupper():
                    continue
                start, end = words[i][1], words[i + n - 1][2]
                out.append(Mention(q[start:end], start, end, place.name, place.en, docs))
                i += n
                break
            else:
                i += 1
        return out

    def _in_library(self, text: str) -> tuple[Place, tuple[str, ...]] | None:
        """The library's place a gazetteer name ("weishan county") also fits: the same
        name before a level word its own level ends with (Autonomous County)."""
        base, _, level = text.rpartition(" ")
        hit = self._library_bases.get(base.replace(" ", "")) if level in _EN_LEVELS else None
        if hit is None or not hit[0].en.lower().endswith(level):
            return None
        return hit

    # ----------------------------------------------------------------- route

    def route(self, question: str, years: Iterable[int] = (),
              docs: Iterable[str] | None = None) -> Route:
        """The reports to answer `question` from. `docs` limits the library."""
        allowed = set(self.profiles) if docs is None else set(docs) & set(self.profiles)
        mentions, asides = _without_asides(question, self.mentions(question))
        with_docs = [m for m in mentions if any(d in allowed for d in m.docs)]
        # A place named beside its child (四川省遂宁市, "Yongchuan District, Chongqing")
        # qualifies it; only a place whose own report is named counts on its own.
        parents = {p for m in with_docs for d in m.docs for p in self._parents(d)}
        with_docs = [m for m in with_docs if m.name not in parents]
        children = {m.name for m in with_docs}
        missing = [m for m in mentions if m.name not in children and m.name not in parents]
        groups: list[tuple[Mention | None, tuple[str, ...]]] = []
        seen: set[str] = set()
        for m in with_docs:
            if m.name in seen:
                continue
            seen.add(m.name)
            groups.append((m, tuple(d for d in m.docs if d in allowed)))
        if not groups:
            if missing:
                return Route((), tuple(mentions), tuple(missing))
            groups = [(None, tuple(sorted(allowed)))]
        years = tuple(years)
        if years:
            kept = []
            for m, ds in groups:
                covering = tuple(d for d in ds if any(y in self._years[d] for y in years))
                kept.append((m, covering))
            if all(not ds for _, ds in kept):
                return Route((), tuple(mentions), tuple(missing), missing_year=min(years))
            # A place with no report on the year still answers (its report says so).
            groups = [(m, ds or orig) for (m, ds), (_, orig) in zip(kept, groups, strict=True)]
        return Route(tuple(groups), tuple(mentions), tuple(missing), asides=asides)

    def _parents(self, doc_id: str) -> tuple[str, ...]:
        prof = self.profiles[doc_id]
        return prof.place.parents if prof.place else ()


def _without_asides(q: str, mentions: list[Mention]
                    ) -> tuple[list[Mention], tuple[tuple[int, int], ...]]:
    """Mentions less those in brackets right after another place ("Tiemenguan City
    (2nd Division of the XPCC)", "和政县（临夏州）"): an aside that says where the
    place is, not a second place asked about; and the spans of those asides."""
    out: list[Mention] = []
    asides: list[tuple[int, int]] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None:
            between = q[prev.end:m.start]
            opened = re.match(r"\s*[(（]", between)
            if opened and not re.search(r"[)）]", between):
                close = re.search(r"[)）]", q[m.end:])
                asides.append((prev.end + opened.end() - 1,
                               m.end + close.end() if close else len(q)))
                continue
        out.append(m)
    return out, tuple(asides)


_QUOTES = re.compile(r"“[^”]*”|「[^」]*」|《[^》]*》|\"[^\"]*\"")


def _quoted_spans(q: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTES.finditer(q)]


# An institution's name puts at most this many characters between the place and
# its kind word (重庆|文理|学院).
ENTITY_GAP = 4


def _names_an_institution(q: str, end: int) -> bool:
    window = q[end:end + ENTITY_GAP + 4]
    for suffix in lang.entity_suffixes():
        k = window.find(suffix)
        if 0 <= k <= ENTITY_GAP and re.fullmatch(r"[\u4e00-\u9fff]*", window[:k]):
            return True
    return False


def _gazetteer_en(place: Place, level: str) -> list[str]:
    """English forms of a gazetteer place: its pinyin alone for a province or a
    prefecture ("mianyang"), with its level word for a county ("shanting district")."""
    forms = [f for f in place.en_forms]
    if level == "county":
        forms = [f for f in forms if any(f.endswith(" " + lv) for lv in _EN_LEVELS)]
    return [_norm_en(f) for f in forms if len(f.replace(" ", "")) >= 4]
