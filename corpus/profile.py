"""A report's profile, read from the document itself at index time.

What a report is about — its place (with its parents, short form and the words
it uses for itself: 全市, 我县), its kind, the year it was written and the years
it covers (last year's results, this year's targets, estimates, a multi-year
review) — is derived here from its title, its opening lines and its headings,
with the genre's words from `reportqa.lang`. Nothing here names one report.

A small JSON file beside a document, ``<name>.profile.json``, corrects what was
derived (see `load_override`): any of ``title``, ``place`` (a name, or an object
with ``name``, ``parents``, ``short``, ``en``), ``kind``, ``written_year``,
``result_year``, ``target_year``, ``issuer``. A document where nothing is found
still indexes; answers then call it "this report".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from reportqa import lang, periods
from reportqa.types import Document, Passage

# The opening of a report: title, date, byline and issuer sit in it.
HEAD_CHARS = 320
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)\s*年(?!\s*\d{1,2}\s*月)")
_DATE = re.compile(r"(?<!\d)(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d{1,2})-(\d{1,2})(?!\d)")
# A report of a late-year session (December) plans for the next year.
LATE_MONTH = 10
_CJK_SPACES = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])")
OVERRIDE_KEYS = frozenset({"title", "place", "kind", "written_year", "result_year", "target_year",
                           "issuer"})


@dataclass(frozen=True)
class Place:
    """A place as reports and people name it."""

    name: str  # 遂宁市
    level: str = ""  # province | city | district | county | prefecture | banner | corps ...
    parents: tuple[str, ...] = ()  # 四川省
    short: str = ""  # 遂宁 (the name without its level word)
    en: str = ""  # Suining City
    adcode: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Chinese forms that name it, longest first."""
        forms = {self.name, self.short} | {p + self.name for p in self.parents}
        return tuple(sorted((f for f in forms if len(f) >= 2), key=len, reverse=True))

    @property
    def en_forms(self) -> tuple[str, ...]:
        """Lower-case Latin forms people type: "suining", "suining city", "suiningshi"."""
        forms = set()
        for zh in {self.short or self.name, self.name}:
            syll = _pinyin(zh)
            forms |= {" ".join(syll), "".join(syll), "-".join(syll)}
        forms.update(lang.english_names().get(self.name, ()))
        forms.update(_autonomous_forms(self.name, self.short))
        if self.en:
            forms.add(self.en.lower())
            lv = lang.level_of(self.name)
            if lv is not None and self.short == _strip(self.name):
                forms.add(f"{self.en.lower().removesuffix(' ' + lv.en.lower())}")
        return tuple(sorted((_ascii(f) for f in forms if f), key=len, reverse=True))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["parents"] = list(self.parents)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Place:
        return cls(name=d["name"], level=d.get("level", ""), parents=tuple(d.get("parents", ())),
                   short=d.get("short", ""), en=d.get("en", ""), adcode=d.get("adcode", ""))


@dataclass(frozen=True)
class Profile:
    doc_id: str
    title: str = ""
    issuer: str = ""
    place: Place | None = None
    self_refs: tuple[str, ...] = ()  # 全市, 我市: how the report names its own place
    kind: str = "other"  # plan | gwr | bulletin | budget | other
    written_year: int | None = None
    result_year: int | None = None  # the year whose results it gives
    target_year: int | None = None  # the year it plans for
    periods: tuple[str, ...] = ()  # period labels it covers (see reportqa.periods)
    derived: dict[str, str] = field(default_factory=dict)  # field -> where it came from
    # Who presents it, as its byline says ("县人民政府县长 唐 雨"): the name, the role,
    # and the byline's (start, end) in the document text.
    presenter: str = ""
    presenter_role: str = ""
    presenter_span: tuple[int, int] | None = None
    # Where and when it was delivered, as its meeting line says ("——2023年1月4日在盘锦市
    # 第九届人民代表大会第二次会议上"): the meeting, the date, the line's (start, end).
    meeting: str = ""
    meeting_date: str = ""
    meeting_span: tuple[int, int] | None = None

    @property
    def years(self) -> frozenset[int]:
        """Every year some period of the report covers."""
        out: set[int] = set()
        for label in self.periods:
            p = periods.parse(label)
            if p is not None:
                out.update(range(p.start, p.end + 1))
        return frozenset(out)

    def place_name(self, lang_: str) -> str:
        if self.place is None:
            return "本报告" if lang_ == "zh" else "this report"
        return self.place.name if lang_ == "zh" else (self.place.en or self.place.name)

    def describe(self, lang_: str) -> str:
        """"《…》" (its title) or "2021年计划执行情况报告", to follow the place's name /
        "Suining City's 2021 plan report". A work report is named by the year it plans
        for (2020年政府工作报告, given early in 2020 or late in 2019), the others by the
        year they report on."""
        zh_kind, en_kind = lang.kind_names(self.kind)
        year = (self.target_year if self.kind == "gwr" else None) or self.result_year \
            or self.written_year
        if lang_ == "zh":
            return f"《{self.title}》" if self.title else f"{f'{year}年' if year else ''}{zh_kind}"
        who = f"{self.place.en or self.place.name}'s " if self.place else "the "
        return f"{who}{year or ''} {en_kind}".replace("  ", " ")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["place"] = self.place.to_dict() if self.place else None
        d["self_refs"] = list(self.self_refs)
        d["periods"] = list(self.periods)
        d["presenter_span"] = list(self.presenter_span) if self.presenter_span else None
        d["meeting_span"] = list(self.meeting_span) if self.meeting_span else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Profile:
        return cls(
            doc_id=d["doc_id"], title=d.get("title", ""), issuer=d.get("issuer", ""),
            place=Place.from_dict(d["place"]) if d.get("place") else None,
            self_refs=tuple(d.get("self_refs", ())), kind=d.get("kind", "other"),
            written_year=d.get("written_year"), result_year=d.get("result_year"),
            target_year=d.get("target_year"), periods=tuple(d.get("periods", ())),
            derived=dict(d.get("derived", {})), presenter=d.get("presenter", ""),
            presenter_role=d.get("presenter_role", ""),
            presenter_span=tuple(d["presenter_span"]) if d.get("presenter_span") else None,
            meeting=d.get("meeting", ""), meeting_date=d.get("meeting_date", ""),
            meeting_span=tuple(d["meeting_span"]) if d.get("meeting_span") else None)


# ------------------------------------------------------------------ places


def _pinyin(zh: str) -> list[str]:
    # Imported when first needed: its phrase table is ~0.2 s of every start, and a
    # start from saved state (qa.warm) needs no pinyin.
    from pypinyin import lazy_pinyin

    return [s for s in lazy_pinyin(zh, v_to_u=True) if s.strip()]


def pinyin_name(name: str) -> str:
    """A person's name in pinyin, surname first: 唐雨 → "Tang Yu"."""
    syll = _pinyin(name)
    if not syll:
        return name
    return " ".join([syll[0].capitalize(), "".join(syll[1:]).capitalize()]).strip()


def _ascii(text: str) -> str:
    return text.replace("ü", "u").replace("ǖ", "u").lower()


def short_form(name: str) -> str:
    """A place's name without its level word (and nationality words): 延边朝鲜族自治州 → 延边.
    One character is no name on its own: 沙县 stays 沙县, 北林区 is 北林 (not 北 + 林区)."""
    lv = lang.level_of(name)
    short = _strip(name)
    if len(short) < 2:
        return name
    # 新疆生产建设兵团 is not 新疆 (新疆维吾尔自治区's short form): a short form that
    # another place owns is no short form; a level word a report says alone (兵团) is.
    # (One of the same level is that place written without its nationality words:
    # 兰坪县 for 兰坪白族普米族自治县.)
    if lv is not None and name not in _gazetteer_names() and short in _gazetteer_shorts() \
            and lv.level not in _gazetteer_short_levels().get(short, ()):
        return next((r for r in lv.self_refs if lv.suffix.endswith(r) and len(r) >= 2), name)
    return short


@cache
def _gazetteer_short_levels() -> dict[str, frozenset[str]]:
    """Each short form of the gazetteer → the levels of the places that own it."""
    out: dict[str, set[str]] = {}
    for g in lang.gazetteer():
        lv = lang.level_of(g.name)
        out.setdefault(_strip(g.name), set()).add(lv.level if lv is not None else "")
    return {k: frozenset(v) for k, v in out.items()}


@cache
def _gazetteer_shorts() -> frozenset[str]:
    return frozenset(_strip(g.name) for g in lang.gazetteer())


@cache
def _gazetteer_names() -> frozenset[str]:
    return frozenset(g.name for g in lang.gazetteer())


def is_place_name(word: str) -> bool:
    """Whether `word` names a place of the gazetteer, in full or short (威远县, 威远)."""
    return word in _gazetteer_names() or word in _gazetteer_shorts()


def _autonomous_forms(name: str, short: str) -> set[str]:
    """English names of an autonomous place with its nationalities: 巍山彝族回族自治县 →
    "weishan yi and hui autonomous county", 延边朝鲜族自治州 → "yanbian korean
    autonomous prefecture"."""
    lv = lang.level_of(name)
    if lv is None or not short or not name.startswith(short):
        return set()
    middle, nats = name[len(short):len(name) - len(lv.suffix)], []
    while middle:
        nat = next((n for n in _nationality_forms() if middle.startswith(n)), None)
        if nat is None:
            return set()
        full = nat + "族" if nat + "族" in lang.nationalities() else nat  # 彝 → 彝族
        nats.append(lang.nationality_en().get(full) or ("".join(_pinyin(full.removesuffix("族"))),))
        middle = middle[len(nat):]
    if not nats:
        return set()
    base, level = "".join(_pinyin(short)), lv.en.lower()
    out = set()
    for words in _each_spelling(nats):
        out.add(f"{base} {' and '.join(words) if len(words) == 2 else ' '.join(words)} {level}")
        out.add(f"{base} {' '.join(words)} {level}")
    return out


def _each_spelling(nats: list[tuple[str, ...]]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for spellings in nats:
        out = [o + [s] for o in out for s in spellings]
    return out


def _strip(name: str) -> str:
    lv = lang.level_of(name)
    return _strip_nationalities(name[: -len(lv.suffix)] if lv else name)


def _strip_nationalities(short: str) -> str:
    """延边朝鲜族 → 延边, 新疆维吾尔 → 新疆, 阿坝藏族羌族 → 阿坝."""
    forms = _nationality_forms()
    changed = True
    while changed:
        changed = False
        for nat in forms:
            if short.endswith(nat) and len(short) >= len(nat) + 2:
                short, changed = short[: -len(nat)], True
                break
    return short


@cache
def _nationality_forms() -> tuple[str, ...]:
    """Nationalities as place names write them (朝鲜族, 维吾尔), longest first."""
    return tuple(sorted({f for nat in lang.nationalities() for f in (nat, nat.removesuffix("族"))
                         if len(f) >= 2}, key=len, reverse=True))


def english_name(name: str) -> str:
    """"Suining City", "Yanbian Autonomous Prefecture", "Lüshunkou District"; where
    CC-CEDICT names the place otherwise than its pinyin, by that name ("Qiqihar City",
    not "Qiqihaer City")."""
    lv = lang.level_of(name)
    base = "".join(_pinyin(_strip(name))).capitalize()
    known = [n for n in lang.cedict_place_names().get(name, ()) if " " not in n]
    if known:
        base = known[0][:1].upper() + known[0][1:]
    return f"{base} {lv.en}" if lv else base


def place_from_gazetteer(g: lang.GazetteerPlace) -> Place:
    parents = tuple(p for p in (g.province, g.prefecture) if p and p != g.name)
    lv = lang.level_of(g.name)
    return Place(name=g.name, level=lv.level if lv else g.level, parents=parents,
                 short=short_form(g.name), en=english_name(g.name), adcode=g.adcode)


_LEVEL_RANK = {"county": 3, "prefecture": 2, "province": 1}


def _mentions(text: str, names: Iterable[str]) -> Counter[str]:
    return Counter({n: text.count(n) for n in names if n in text})


def find_place(text: str, head: str) -> tuple[Place | None, str]:
    """The report's own place and where it was read ("head" or "body").

    The opening names it in full (title, byline "在遂宁市第八届人民代表大会…");
    the most specific gazetteer place named there wins, one whose parent is also
    named first. Without one, the place whose name (or short form, at the level
    of the self-reference the report uses most: 全市 → a city) the body repeats.
    """
    gaz = lang.gazetteer()
    full = _mentions(head, {g.name for g in gaz})
    if full:
        return _most_specific(full, head, text), "head"
    named = _non_gazetteer_place(head)
    if named is not None:
        return named, "head"
    body = _mentions(text, {g.name for g in gaz})
    # Every self-reference the report uses (全市, and 全省 of its province's rankings):
    # a short form at one of their levels that the body repeats names the place.
    refs = {r for r in lang.self_refs() if r in text}
    suffixes = {lv.suffix for lv in lang.levels() if refs & set(lv.self_refs)}
    shorts = {short_form(g.name): g for g in gaz if any(g.name.endswith(s) for s in suffixes)}
    short_hits = _mentions(text, [s for s in shorts if len(s) >= 2])
    for s, n in short_hits.items():
        if s != shorts[s].name:  # a name that is its own short form (范县) is counted once
            body[shorts[s].name] += n
    if not body:
        return None, "none"
    return _most_specific(body, text, text, by_count=True), "body"


def _most_specific(found: Counter[str], head: str, text: str, by_count: bool = False) -> Place:
    gaz = [g for g in lang.gazetteer() if g.name in found]

    def rank(g: lang.GazetteerPlace) -> tuple:
        parent_named = any(p and p in text for p in (g.province, g.prefecture))
        first = head.find(g.name)
        return (found[g.name] if by_count else 0, _LEVEL_RANK.get(g.level, 0), parent_named,
                -first if first >= 0 else -len(head))

    best = max(gaz, key=rank)
    # A prefecture named in full beside the county (合肥市瑶海区): the county's own.
    return place_from_gazetteer(best)


def _non_gazetteer_place(head: str) -> Place | None:
    """A place the gazetteer lacks, named before the year in the title (新疆生产建设兵团)."""
    for line in head.splitlines()[:3]:
        t = line.strip()
        m = lang.pattern("title_place").match(t) or re.fullmatch(r"([\u4e00-\u9fff]{3,14})", t)
        if m and lang.level_of(m.group(1)):
            name = m.group(1)
            lv = lang.level_of(name)
            return Place(name=name, level=lv.level if lv else "", short=short_form(name),
                         en=english_name(name))
    return None


# ------------------------------------------------------------------- years


def _kind(head: str) -> str:
    # A title set with spaces between its characters ("政 府 工 作 报 告") reads as one.
    head = _CJK_SPACES.sub("", head)
    for kind, pattern, _, _ in lang.report_kinds():
        if pattern.search(head):
            return kind
    return "other"


def _title_years(title: str) -> dict[str, int]:
    """Years the title ties to results or targets: "2021年…执行情况及2022年计划草案";
    a work report's year ("2024年政府工作报告") is the year it plans for."""
    words = lang.period_words()
    out: dict[str, int] = {}
    matches = list(_YEAR.finditer(title))
    for i, m in enumerate(matches):
        after = title[m.end(): matches[i + 1].start() if i + 1 < len(matches) else len(title)]
        year = int(m.group(1))
        if lang.pattern("work_report").search(after):
            out.setdefault("report", year)
        elif words["result"].search(after):
            out.setdefault("result", year)
        elif words["target"].search(after):
            out.setdefault("target", year)
    return out


def _heading_years(passages: list[Passage]) -> dict[str, Counter[int]]:
    found: dict[str, Counter[int]] = {"result": Counter(), "target": Counter()}
    for p in passages:
        per = periods.parse(p.period)
        if per is not None and per.start == per.end and per.kind in found:
            found[per.kind][per.start] += 1
    return found


def _written(head: str) -> tuple[int, int] | None:
    m = _DATE.search(head) or _ISO_DATE.search(head)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _years(kind: str, title: str, head: str, text: str,
           passages: list[Passage]) -> tuple[int | None, int | None, int | None, str]:
    """(written, result, target) years and where they came from."""
    t = _title_years(title)
    heads = _heading_years(passages)
    written = _written(head)
    result = t.get("result") or (heads["result"].most_common(1)[0][0] if heads["result"] else None)
    target = t.get("target") or t.get("report")
    if target is None and heads["target"]:
        target = heads["target"].most_common(1)[0][0]
    source = "title" if t else ("headings" if result or target else "")
    if kind == "gwr" and target is None and written is not None:
        target = written[0] + (written[1] >= LATE_MONTH)
        source = source or "date"
    if kind in ("plan", "gwr") and result is None and target is not None:
        result = target - 1
    if result is None:
        years = Counter(int(m.group(1)) for m in _YEAR.finditer(text[:2000]))
        if years:
            result, source = years.most_common(1)[0][0], source or "text"
    if kind in ("plan", "gwr") and target is None and result is not None:
        target = result + 1  # a plan or work report plans for the year after its results
    if kind == "bulletin":
        target = None
    written_year = written[0] if written else (target if target else (result + 1 if result else None))
    return written_year, result, target, source or "none"


# ------------------------------------------------------------------ profile


def _head(doc: Document) -> str:
    return "\n".join(ln.strip() for ln in doc.text[:HEAD_CHARS * 2].splitlines() if ln.strip())[
        :HEAD_CHARS]


def _issuer(head: str) -> str:
    for line in head.splitlines()[:8]:
        t = re.sub(r"\s+", "", line)
        if lang.pattern("issuer").match(t):
            return t
    return ""


PRESENTER_LINES = 12  # the byline is among a report's first lines


def _presenter(text: str) -> tuple[str, str, tuple[int, int] | None]:
    """(name, role, span of the byline) from a report's first lines: "县人民政府县长 唐 雨"
    → ("唐雨", "县人民政府县长"); a name follows a space or a title (patterns.tsv byline)."""
    pat, meeting = lang.pattern("byline"), lang.pattern("meeting_line")
    pos, seen = 0, 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            seen += 1
            # The byline may end the meeting line ("——2022年6月28日在新密市第六届人民代表
            # 大会第一次会议上 新密市发展和改革委员会主任 张艳艳").
            after = meeting.search(line)
            parts = [stripped] + ([line[after.end():].strip()] if after else [])
            for part in (x for x in parts if x):
                # "区 长 庄 红": a title set with spaces reads as one ("区长庄红").
                m = next((m for m in (pat.match(part), pat.match(_CJK_SPACES.sub("", part)))
                          if m and m.group("role") and (m.group("gap") or m.group("title"))),
                         None)
                if m:
                    start = pos + line.index(part)
                    return (re.sub(r"\s+", "", m.group("name")), m.group("role"),
                            (start, start + len(part)))
            if seen >= PRESENTER_LINES:
                break
        pos += len(line)
    return "", "", None


MEETING_CHARS = 600  # the meeting line is in a report's opening


def _meeting(text: str) -> tuple[str, str, tuple[int, int] | None]:
    """(meeting, date, span of the line) from a report's opening: "——2023年1月4日在盘锦市
    第九届人民代表大会第二次会议上" → ("盘锦市第九届人民代表大会第二次会议", "2023年1月4日");
    the line may be broken (patterns.tsv meeting_line)."""
    m = lang.pattern("meeting_line").search(text[:MEETING_CHARS])
    if m is None:
        return "", "", None
    return (re.sub(r"\s+", "", m.group("meeting")), re.sub(r"\s+", "", m.group("date")),
            (m.start("date"), m.end()))


def derive_profile(doc: Document, passages: list[Passage], title: str) -> Profile:
    head = _head(doc)
    kind = _kind(head)
    place, place_src = find_place(doc.text, head)
    title = _full_title(title, head)
    written, result, target, years_src = _years(kind, title, head, doc.text, passages)
    refs = Counter({r: doc.text.count(r) for r in lang.self_refs() if r in doc.text})
    own = ()
    if place is not None:
        lv = lang.level_of(place.name)
        own = tuple(r for r in (lv.self_refs if lv else ()) if r in refs) or (
            lv.self_refs[:1] if lv else ())
    if not _looks_like_title(title):
        title = ""
    derived = {"place": place_src, "years": years_src, "title": "title" if title else "none",
               "kind": "head"}
    name, role, span = _presenter(doc.text)
    meeting, date, meeting_span = _meeting(doc.text)
    return Profile(doc_id=doc.id, title=title, issuer=_issuer(head), place=place,
                   self_refs=own, kind=kind, written_year=written, result_year=result,
                   target_year=target, derived=derived, presenter=name,
                   presenter_role=role, presenter_span=span, meeting=meeting,
                   meeting_date=date, meeting_span=meeting_span)


def _full_title(title: str, head: str) -> str:
    """A title wrapped over lines ("关于…计划" / "执行情况及…的报告"): joined up to the
    line that ends like a report's title."""
    lines = [ln.strip() for ln in head.splitlines()[:3]]
    end = lang.pattern("title_end").pattern
    if not title or re.search(end + r"(?:\.\w+)?$", title):
        return re.sub(r"\.(?:docx?|pdf|txt)$", "", title)
    for k in range(2, len(lines) + 1):
        joined = "".join(lines[:k])
        if joined.startswith(title) and re.search(end + "$", joined) and len(joined) <= 90:
            return joined
    return title


def _looks_like_title(title: str) -> bool:
    return bool(lang.pattern("title_words").search(title))


def with_periods(profile: Profile, passages: list[Passage]) -> Profile:
    labels = {p.period for p in passages if p.period}
    if profile.result_year:
        labels.add(periods.label(profile.result_year, "result"))
    if profile.target_year:
        labels.add(periods.label(profile.target_year, "target"))
    return replace(profile, periods=tuple(sorted(labels)))


def assign_periods(passages: list[Passage], profile: Profile) -> list[Passage]:
    """Passages the headings tied to no year get the report's own: a target section
    without a year (主要预期目标) is the target year's, and a report whose headings
    name no period at all speaks of its result year throughout."""
    words = lang.period_words()
    any_heading = any(p.period for p in passages)
    out = []
    for p in passages:
        period = p.period
        if not period and p.section:
            if profile.target_year and words["target"].search(p.section) and not words[
                    "result"].search(p.section):
                period = periods.label(profile.target_year, "target")
            elif profile.result_year and words["result"].search(p.section):
                period = periods.label(profile.result_year, "result")
        if not period and not any_heading and profile.result_year and p.kind != "heading":
            period = periods.label(profile.result_year, "result")
        out.append(p if period == p.period else replace(p, period=period))
    return out


# ----------------------------------------------------------------- override


def override_path(source: Path) -> Path:
    return source.with_name(source.stem + ".profile.json")


def load_override(source: Path) -> dict[str, Any] | None:
    """The corrections in ``<name>.profile.json`` beside `source`, checked; None if none."""
    path = override_path(source)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path}: unreadable profile override ({exc}); fix or delete it") from exc
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: a profile override must be a JSON object; fix or delete it")
    unknown = sorted(set(data) - OVERRIDE_KEYS)
    if unknown:
        raise CorpusError(f"{path}: unknown key(s) {', '.join(unknown)}; "
                          f"allowed: {', '.join(sorted(OVERRIDE_KEYS))}")
    for key in ("written_year", "result_year", "target_year"):
        v = data.get(key)
        if v is not None and not (isinstance(v, int) and not isinstance(v, bool) and 1949 <= v <= 2100):
            raise CorpusError(f"{path}: {key} must be a year such as 2023, got {v!r}")
    for key in ("title", "kind", "issuer"):
        if key in data and not isinstance(data[key], str):
            raise CorpusError(f"{path}: {key} must be a string, got {data[key]!r}")
    if "kind" in data and data["kind"] not in {k for k, *_ in lang.report_kinds()}:
        raise CorpusError(f"{path}: kind must be one of "
                          f"{', '.join(k for k, *_ in lang.report_kinds())}, got {data['kind']!r}")
    place = data.get("place")
    if place is not None and not (isinstance(place, str) and place.strip()) and not (
            isinstance(place, dict) and isinstance(place.get("name"), str) and place["name"].strip()):
        raise CorpusError(f"{path}: place must be a name or an object with a name, got {place!r}")
    return data


def apply_override(profile: Profile, data: dict[str, Any]) -> Profile:
    changes: dict[str, Any] = {}
    for key in ("title", "kind", "issuer", "written_year", "result_year", "target_year"):
        if key in data:
            changes[key] = data[key]
    if "place" in data:
        p = data["place"]
        name = p if isinstance(p, str) else p["name"]
        known = next((g for g in lang.gazetteer() if g.name == name), None)
        base = place_from_gazetteer(known) if known else Place(
            name=name, short=short_form(name), en=english_name(name))
        if isinstance(p, dict):
            base = replace(base, parents=tuple(p.get("parents", base.parents)),
                           short=p.get("short", base.short), en=p.get("en", base.en))
        changes["place"] = base
        lv = lang.level_of(name)
        changes["self_refs"] = lv.self_refs if lv else ()
    derived = dict(profile.derived)
    derived.update({k: "override" for k in data})
    return replace(profile, **changes, derived=derived)


def profile_document(doc: Document, passages: list[Passage], title: str,
                     source: Path | None = None) -> tuple[Profile, list[Passage]]:
    """The profile of `doc` (derived, then corrected by its override file) and its
    passages with the periods the profile gives them."""
    profile = derive_profile(doc, passages, title)
    data = load_override(source) if source is not None else None
    if data:
        profile = apply_override(profile, data)
    passages = assign_periods(passages, profile)
    return with_periods(profile, passages), passages
