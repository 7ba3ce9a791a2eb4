"""What a question asks: its language, the period it is about, its key terms.

Validation happens here, where user text enters: a bad question is a
`ValueError` whose message says what was wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reportqa import lang as lang_data
from reportqa import periods as period_labels

MAX_QUESTION_CHARS = 500
MAX_TOP_K = 50  # citations an answer may carry


@dataclass(frozen=True)
class Frame:
    """The years of the report a question is read against: `result` is the year
    whose results it gives, `target` the year it plans for (the year after its
    results when it plans nothing). 去年 and "this year" resolve against them."""

    result: int
    target: int
    # The year it was written in, when that is one of its own years (a plan report
    # given in December speaks of "this year"'s results); else its plan year.
    written: int = 0

    @property
    def years(self) -> tuple[int, int]:
        return (self.result, self.target)

    @property
    def now(self) -> int:
        """The year 今年 / "this year" means: the year the report was written in."""
        return self.written or self.target

    def label(self, year: int, kind: str) -> str:
        return period_labels.label(year, kind)

    @classmethod
    def of(cls, result_year: int | None, target_year: int | None,
           fallback: int | None = None, written_year: int | None = None) -> Frame:
        result = result_year or (target_year - 1 if target_year else fallback or 2000)
        target = target_year or result + 1
        # A written year outside the report's own years is a page's date, not the report's.
        return cls(result, target, written_year if written_year in (result, target) else target)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.A-Za-z])")
_TARGET_ZH = re.compile(r"目标|预期|计划|力争|预计|拟|安排|打算|要求")
# "the 13th Five-Year Plan period", "plan implementation report": names of a period
# or a report, not a target asked.
_TARGET_EN = re.compile(
    r"\b(target|targets|targeted|goal|goals|(?<!five-year )(?<!five year )plan(?! period"
    r"| implementation)|plans|planned|planning|expected|expect|aim|aims|"
    r"aimed|projected|objective|objectives|will|intend|intends|to be|set (?:for|as|at))\b", re.I)
_NEXT_YEAR_ZH = re.compile(r"今年|明年|下一年|新的一年")


def is_number(token: str) -> bool:
    """A token that is a number ("5.4", "2022"), not a word."""
    return token.replace(".", "", 1).isdigit()


def relative_years(q: str, frame: Frame) -> set[int]:
    """The years a question names relative to the report (`reportqa/lang/relative_years.tsv`):
    去年 is its result year, 今年 the year it plans for; "比去年增长" is a growth rate."""
    base = {"result": frame.result, "target": frame.target, "written": frame.now}
    return {base[r.base] + r.offset for r in lang_data.relative_years() if r.pattern.search(q)}


def _names_plan_year(q: str, frame: Frame) -> bool:
    """明年, 新的一年 — or 今年 in a report written in the year it plans for."""
    m = _NEXT_YEAR_ZH.search(q)
    return m is not None and (m.group(0) != "今年" or frame.now == frame.target)


_ENTITY_ZH = re.compile(r"哪|什么|谁|何处|名称|怎样|如何|怎么|是否|啥")
_ENTITY_EN = re.compile(r"\b(which|who|whom|where|when|name|names|what kind|what type|what does|"
                        r"what do|in what way|called|named|title|status|honou?r|recognition|award|"
                        r"what level|what date|first|rank|ranks|ranking|ranked|what pilot)\b", re.I)
_NUMBER_ZH = re.compile(r"多少|几[个家项所条座次年亿万千百十]?|多大|多高|多长|多远|百分之|比重|占比|"
                        r"增速|增幅|增长率|幅度|比例|分别")
_RATE_HOW_ZH = re.compile(r"(?:增速|增幅|增长率|幅度|比重|占比)(?:如何|怎样|怎么样)")
_NUMBER_EN = re.compile(r"\b(how many|how much|how large|how big|how high|how long|how fast|how quickly|what percentage|"
                        r"by how much|what share|what proportion|rate|growth|target|figure|number|"
                        r"amount|total|value|output|size|scale|change|changed|intensity)\b", re.I)
_COMPARE_ZH = re.compile(r"分别|相比|对比|比较|哪个更|谁更|哪一个更|[和与、].{1,20}?哪(?:个|一个|项)|之差|差距|"
                         r"哪(?:个|一个|项)(?:的)?(?:增长|增速|增幅|涨幅|涨|增)得?更?[快慢高低大小]|"
                         r"各(?:是|为|自|有|涨|增|达|多少)")
_COMPARE_EN = re.compile(r"\b(compare|compared|comparison|versus|vs\.?|both|respectively|"
                         r"difference|faster|slower|higher|lower|more than|less than|against|"
                         r"meet|met|achieve|achieved|actual(?! use)|actually(?! (?:utili[sz]ed|used|put|paid))|"
                         r"bigger|smaller|larger|greater|"
                         r"exceed|exceeded|beat|stack up|outpace|outpaced)\b|"
                         r"\b(which|who)\b.*\b(more|less|fewer|most|least)\b|\bbetween\b.+\band\b",
                         re.I)

# English words that carry no subject (question words, auxiliaries, what kind of
# figure is wanted): reportqa/lang/en_stopwords.txt.
EN_STOPWORDS = lang_data.word_list("en_stopwords.txt")

# Words that say what kind of answer is wanted (a target, a result, a growth
# rate), not what it is about: reportqa/lang/intent_terms_zh.txt. They steer
# retrieval and periods, but a passage is not required to contain them.
INTENT_TERMS = lang_data.word_list("intent_terms_zh.txt")


@dataclass(frozen=True)
class Query:
    text: str
    lang: str  # "zh" | "en"
    years: tuple[int, ...]
    period: str  # the period label it is about: "2022-actual", "2023-target" (see Frame)
    periods: frozenset[str]  # all periods it names (a comparison can name two)
    out_of_scope_year: int | None  # a year the report does not cover, asked about
    numbers: tuple[str, ...]  # numbers in the question other than years
    wants_number: bool  # a figure answers it (not a name, a place, a way)
    may_want_number: bool  # "What was the X in 2022?": a figure if there is one
    compare: bool  # asks for two or more figures side by side
    period_explicit: bool  # names a year or a target: a figure of another period is wrong
    units: frozenset[str]  # units the question asks in ("%" for rates, "元" for money, ...)
    asks_share: bool = False  # "what share of GDP": only a share or proportion answers it
    asks_person: bool = False  # "who is the mayor": only a named person answers it
    counters: frozenset[str] = frozenset()  # 几所 → {"所"}: only such a figure answers it
    asks: tuple[str, ...] = ()  # its separate questions, when it asks two or more
    asks_stock: bool = False  # "累计有多少家": a total to date, not the year's additions
    places: tuple[str, ...] = ()  # kept for callers; places are read by qa.route
    frame: Frame | None = None  # the years it was read against
    report_years: tuple[int, ...] = ()  # years of the report it names ("2023年政府工作报告")
    asks_gap: bool = False  # how far a result was from its target (比计划目标高多少)
    negated: tuple[str, ...] = ()  # what it says it does not want (不是存栏, "not deposits")
    asks_bench: bool = False  # how far it was from a wider place's (比全州高多少)
    asks_growth: bool = False  # a rate of growth ("哪个增长快", "which grew faster"), not a share


def validate_question(question: object) -> str:
    """The question, stripped; `ValueError` saying what is wrong otherwise."""
    if not isinstance(question, str):
        raise ValueError(f"question must be a string, got {type(question).__name__}")
    q = question.strip()
    if not q:
        raise ValueError("question is empty: ask about the report, e.g. 2022年粮食产量是多少？")
    if len(q) > MAX_QUESTION_CHARS:
        raise ValueError(f"question is {len(q)} characters; the limit is {MAX_QUESTION_CHARS}")
    bad = [c for c in q if unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in "\t\n\r"]
    if bad:
        raise ValueError(f"question contains control or invalid characters (e.g. {bad[0]!r})")
    if not re.search(r"[^\W\d_]", q):
        raise ValueError(f"question has no words, only numbers or punctuation: {q!r}")
    return q


@lru_cache(maxsize=1)
def _to_simplified():  # noqa: ANN202 - an opencc converter
    import opencc

    return opencc.OpenCC("t2s")


def simplified(q: str) -> str:
    """The question in simplified characters (OpenCC): 永川區地區生產總值 → 永川区地区生产总值.

    The reports of the genre are written in simplified characters; English and
    simplified text pass unchanged."""
    return _to_simplified().convert(q) if _CJK.search(q) else q


# Markup that is not the asker's own words: URLs, link targets, HTML tags, a code
# fence and its language ("```text"), emphasis and heading marks.
_MARKUP = re.compile(r"https?://\S+|www\.\S+|\]\([^)]*\)|</?[a-zA-Z][^>]*>|```[a-z]*|"
                     r"(?m:^\s{0,3}#{1,6}\s)|\*\*|__|`")


def without_markup(q: str) -> str:
    """The question's own words: a question pasted from a page or a chat keeps its
    text, not its links and marks ("[报告](https://…) 2022年GDP是多少" → "报告 2022年GDP是多少")."""
    text = re.sub(r"\s+", " ", _MARKUP.sub(" ", q.replace("[", " "))).strip()
    return text if re.search(r"[^\W\d_]", text) else q


def detect_lang(q: str) -> str:
    """English when the question's own words are English, Chinese otherwise.

    "What is 地区生产总值 in 2022?" is asked in English; "2022年GDP是多少" in
    Chinese: acronyms do not make a question English. `analyse` takes markup off
    first (`without_markup`), so a link's words do not count either.
    """
    words = _LOWER_WORD.findall(q)
    if len(words) >= 2:
        return "en"
    if _CJK.search(q):
        return "zh"
    return "en"


_UNIT_HINTS_ZH = (("%", r"增速|增长|增幅|下降|增减|升降|率|%|％|百分|强度|比重|占比|变化|变动|涨|增产"),
                  ("元", r"(?<!美)元|资金|金额|投资额|多少钱"), ("美元", r"美元"),
                  ("吨", r"吨"), ("人", r"多少人|人数|\d+人"), ("亩", r"亩"), ("公里", r"公里|千米"),
                  ("count", r"多少个|几个|个数|多少家|几家|多少项|几项|多少所|几所|多少座|几座"))
# "多少万头", "几所": the counter a Chinese question asks in. A figure in another
# kind of unit cannot answer it (几所高校 is not answered by 2.8万人).
_COUNTERS = ("人次", "场次", "头", "辆", "所", "家", "户", "座", "条", "名", "人", "项", "件", "台", "张",
             "套", "只", "口", "场", "批", "处", "间", "笔", "席", "组", "吨", "亩", "公里", "元")
_ASKED_COUNTER = re.compile(
    r"(?:多少|几)(?:万亿|亿|万|千|百)?(" + "|".join(sorted(_COUNTERS, key=len, reverse=True)) + ")")
# Counters that name the same kind of thing.
COUNTER_KINDS = {"人次": "人", "名": "人", "位": "人", "方": "立方米"}
_UNIT_HINTS_EN = (("%", r"\b(growth|grow|grew|increase|increased|rise|rate|percent|percentage|change|changed|"
                        r"intensity|share|proportion|decline|declined|fell|fall|faster|slower|"
                        r"expand|expanded|expansion)\b|%"),
                  ("元", r"\b(yuan|rmb|revenue|amount|value(?! added)|money|funds|funding|sales|income|"
                        r"investment|invested|how much)\b"),
                  ("美元", r"\b(?:us |u\.s\. )?dollars?\b|\busd\b|us\$"),
                  ("吨", r"\b(tonnes|tons|tonne|ton)\b"), ("人", r"\b(people|persons|jobs)\b"),
                  ("亩", r"\bmu\b"), ("公里", r"\b(kilometres|kilometers|km)\b"),
                  ("count", r"\bhow many\b"))


_MONEY_ASKED_EN = re.compile(r"\b(how much|yuan|rmb|money|amount|value|worth|total|level)\b", re.I)


def unit_hints(q: str, lang: str) -> frozenset[str]:
    hints = _UNIT_HINTS_ZH if lang == "zh" else _UNIT_HINTS_EN
    units = {u for u, pat in hints if re.search(pat, q, re.I)}
    if lang_data.pattern("rank_question").search(q):  # "居全省第几位", "where did it rank"
        units.add("rank")
    # "retail sales growth": sales name the subject, growth the measure asked for.
    if lang == "en" and "%" in units and not _MONEY_ASKED_EN.search(q):
        units.discard("元")
    if lang == "en" and "美元" in units and not re.search(r"\b(yuan|rmb)\b", q, re.I):
        units.discard("元")  # "in US dollars": not the yuan figure beside it
    return frozenset(units)


_ASKED_COUNTER_EN = (
    ("吨", r"\bhow many (?:\w+ ){0,3}(?:tonnes|tons)\b"), ("亩", r"\bhow many (?:\w+ ){0,3}mu\b"),
    ("公里", r"\bhow many (?:\w+ ){0,3}(?:kilometres|kilometers|km)\b"),
    ("户", r"\bhow many (?:\w+ ){0,3}households\b"),
    ("辆", r"\bhow many (?:\w+ ){0,3}(?:vehicles|cars|buses|trucks)\b"),
    ("头", r"\bhow many (?:\w+ ){0,3}(?:hogs|pigs|cattle|head)\b"),
    ("立方米", r"\b(?:how many|in) (?:\w+ )?cubic met(?:re|er)s\b"),
    ("人", r"\bhow many (?:\w+ ){0,3}(?:people|persons|residents|workers|passengers|visitors|tourists|visits|"
          r"employees|patients|students|graduates|pupils)\b"),
    ("%", r"\b(?:by )?what percentage\b|\bhow many per ?cent\b|\bwhat (?:growth )?rate\b|"
          r"\bby how much\b.*\b(?:grow|grew|rise|rose|increase|increased|expand|expanded)\b|"
          r"\bhow fast\b|\bgrowth rate\b|\byear[- ]on[- ]year\b"),
    ("元", r"\bhow much money\b|\bin yuan\b|\(yuan\)|\bin absolute terms\b|"
           r"\bhow many (?:\w+ ){0,3}(?:billion |million |hundred million |ten thousand )?yuan\b"),
)


def asked_counters(q: str, lang: str) -> frozenset[str]:
    """Units a question explicitly asks in (几所 → 所, 多少万头 → 头, "how many
    tonnes" → 吨, "by what percentage" → %): a figure in another unit cannot answer it."""
    if lang == "zh":
        return frozenset(COUNTER_KINDS.get(c, c) for c in _ASKED_COUNTER.findall(q))
    return frozenset(u for u, pat in _ASKED_COUNTER_EN if re.search(pat, q, re.I))


_ASK_SPLIT_ZH = re.compile(r"[，,？?；;。！!]|并且|以及|同时")
_ASK_SPLIT_EN = re.compile(r"[,;?]|\band\b(?=\s+(?:how|what|which|by how|its|their|"
                           r"(?:the\s+)?(?:growth|increase|rise|change|share)\b))", re.I)
# A part of an English question that names a measure of the subject ("… and its growth
# rate", "grain output and growth"): one more figure to state.
_MEASURE_EN = re.compile(r"\b(growth|increase|rise|change|share|rate)\b", re.I)
_ASK_ZH = re.compile(r"多少|几|哪|什么|怎样|如何|多大|多高|多快")
_ASK_EN = re.compile(r"\b(how|what|which)\b", re.I)


def sub_asks(q: str, lang: str) -> tuple[str, ...]:
    """The separate questions in one ("总额是多少，比上年涨了多少"), when there are two
    or more; each is one figure to state."""
    split, ask = (_ASK_SPLIT_ZH, _ASK_ZH) if lang == "zh" else (_ASK_SPLIT_EN, _ASK_EN)
    parts = [p.strip() for p in split.split(q) if p and p.strip()]
    if lang == "en" and len(parts) >= 2 and any(_MEASURE_EN.search(p) and not ask.search(p)
                                                 for p in parts[1:]):
        # "Zuoyun County 2020 grain output and growth": the subject's level, and its growth.
        return tuple(parts)
    asks = [p for p in parts if ask.search(p)]
    return tuple(asks) if len(asks) >= 2 else ()


# Words that ask for what actually happened. The report was written early in 2023:
# a 2023 result is a period it cannot have.
_ACTUAL = re.compile(r"实际(?!利用|使用)|\b(actual(?! use)|actually(?! (?:utili[sz]ed|used|put|paid))|"
                     r"really|achieved|turned out)\b", re.I)


_PAST_EN = re.compile(r"\b(was|were|did)\b", re.I)


# "比预期目标高多少", "beat its plan target": the result measured against a target.
_VS_TARGET_EN = re.compile(r"\b(?:beat|beats|above|exceed(?:ed|s)?|below|over|surpass(?:ed)?|"
                           r"outperform(?:ed)?)\s+(?:its|the)?\s*(?:plan(?:ned)?|expected)?\s*"
                           r"(?:target|goal)", re.I)


def question_period(q: str, lang: str, years: tuple[int, ...], frame: Frame) -> str:
    bare = (lang_data.pattern("vs_target").sub("", q) if lang == "zh"
            else _VS_TARGET_EN.sub("", q))
    said = (_TARGET_ZH if lang == "zh" else _TARGET_EN).findall(bare)
    target = bool(said)
    res, tgt = frame.result, frame.target
    if lang == "zh" and said and set(said) == {"预计"} and tgt not in years:
        return frame.label(res, "estimate")  # "2023年预计GDP是多少": the year's estimate
    if lang == "en" and said and {w.lower() for w in said} <= {"expected", "expect"} \
            and res in years and tgt not in years:
        return frame.label(res, "estimate")  # "expected to complete in 2021": 预计完成
    if tgt in years or (lang == "zh" and _names_plan_year(q, frame)):
        # "What was the investment in 2023?" asks for a result, like 2023年实际….
        asks_result = _ACTUAL.search(q) or (lang == "en" and _PAST_EN.search(q))
        if asks_result and not target and res not in years:
            return frame.label(tgt, "result")
        return frame.label(tgt, "target")
    if target:
        # A target with no year: the report's targets are its plan year's, unless
        # its result year is named.
        return frame.label(res, "target") if res in years else frame.label(tgt, "target")
    return frame.label(res, "result")


_STOCK = re.compile(r"累计|一共有|总共有|共有|现有|现在有|目前有|总数|拥有|\b(in total|altogether|so far|"
                    r"to date|cumulative|cumulatively|how many .+ (are|were) there)\b", re.I)
_FLOW = re.compile(r"新增|新建|新引进|新认定|新开|新培育|新创建|\b(new|newly|added|add)\b", re.I)


# A target named in a comparison ("去年定的目标", "the 2023 goal"); counted, it says
# how many targets are compared.
_COMPARED_TARGET = re.compile(r"目标|预期|计划|target|goal|plan", re.I)


def _target_of_result_year(q: str, frame: Frame) -> bool:
    """Whether the clause that names the result year asks for its target, and names
    no plan year too ("What was the growth target for 2022, and what is it for 2023?")."""
    for clause in re.split(r"[,，;；?？]", q):
        if re.search(rf"{frame.result}|去年|last year", clause, re.I) and not re.search(
                rf"{frame.target}|今年|this year", clause, re.I):
            return bool(_COMPARED_TARGET.search(clause))
    return False


def asks_gap(q: str, lang: str) -> bool:
    """Whether a question asks how far a result was from its target."""
    return _asks_how_far(q, lang, "asks_vs_target")


def _asks_how_far(q: str, lang: str, name: str) -> bool:
    """Whether a question says pattern `name` (its `_en` twin in English, with a question
    of how far: "by how many points…")."""
    if lang == "zh":
        return bool(lang_data.pattern(name).search(q))
    return bool(lang_data.pattern(f"{name}_en").search(q)) and bool(_HOW_FAR_EN.search(q))


_HOW_FAR_EN = re.compile(r"\b(how (?:many|much|far)|by how|what (?:margin|gap))\b", re.I)


def asks_benchmark(q: str, lang: str) -> bool:
    """Whether a question asks how far a result was from a wider place's (比全省高多少)."""
    return _asks_how_far(q, lang, "asks_vs_benchmark")


def asks_growth(q: str, lang: str) -> bool:
    """Whether a question asks how fast something grew (patterns.tsv asks_growth)."""
    return bool(lang_data.pattern("asks_growth" if lang == "zh" else "asks_growth_en").search(q))


def asks_stock(q: str) -> bool:
    """Whether a question asks how many there are in all, not how many were added."""
    return bool(_STOCK.search(q)) and not _FLOW.search(q)


def explicit_years(q: str) -> tuple[int, ...]:
    """The years a question writes out ("2022", "2022年")."""
    return tuple(sorted({int(y) for y in _YEAR.findall(q)}))


def without_report_name(q: str, lang: str) -> tuple[str, tuple[int, ...]]:
    """`q` without the words that name the report it asks about ("河南省2023年政府工作报告
    中，…", "the 2023 work report says …"), and the years those words give the report."""
    pat = lang_data.pattern("document_ref" if lang == "zh" else "document_ref_en")
    found = [m for m in pat.finditer(q) if m.group(0).strip()]
    if not found:
        return q, ()
    years = tuple(sorted({int(y) for m in found for y in _YEAR.findall(m.group(0))}))
    rest = re.sub(r"[(（]\s*[)）]", "", pat.sub(" " if lang == "en" else "", q))
    rest = re.sub(r"\s+([,，])", r"\1", re.sub(r"\s{2,}", " ", rest))
    rest = re.sub(r"^[\s,，:：]+", "", rest).strip()
    if _asks_nothing(rest):  # keep the words
        return q, ()
    return rest, years


def _asks_nothing(rest: str) -> bool:
    """Whether a question with some words taken out has nothing left to ask."""
    return len(re.sub(r"[\W\d_]", "", rest)) < 2


def without_negated(q: str, lang: str) -> tuple[str, tuple[str, ...]]:
    """`q` without what it says it does not want ("注意不是存栏", "(loans, not
    deposits)"), and those words."""
    pat = lang_data.pattern("negated" if lang == "zh" else "negated_en")
    found = [m.group("neg").strip() for m in pat.finditer(q)]
    if not found:
        return q, ()
    rest = re.sub(r"[(（]\s*[,，]?\s*[)）]", "", pat.sub("", q))
    rest = re.sub(r"[,，]\s*(?=[)）?？]|$)", "", rest).strip()
    if _asks_nothing(rest):
        return q, ()
    return rest, tuple(f for f in found if f)


def analyse(question: str, frame: Frame | None = None) -> Query:
    """What `question` asks, read against the years of `frame` (a report's; without
    one, the question's own latest year is taken for the result year)."""
    q = simplified(without_markup(validate_question(question)))
    lang = detect_lang(q)
    q, named_report = without_report_name(q, lang)
    q, negated = without_negated(q, lang)
    if frame is None:
        named = explicit_years(q)
        frame = Frame.of(max(named) if named else None, None, fallback=2000)
    report_years = frame.years
    years = tuple(sorted(set(explicit_years(q)) | relative_years(q, frame)))
    # "GDP in 2019" is outside the report; "growth in 2022 over 2021" is not.
    in_scope = any(y in report_years for y in years)
    out = None if in_scope else next((y for y in years if y not in report_years), None)
    numbers = tuple(n for n in _NUMBER.findall(q) if not (len(n) == 4 and int(float(n)) in years))
    if lang == "zh":
        # Each clause asks on its own: "完成多少，增速如何" wants two figures, though
        # 如何 alone asks for a way; a rate asked "how" (增速如何) is a figure.
        numeric = [bool(_NUMBER_ZH.search(c)) and (not _ENTITY_ZH.search(c)
                                                   or bool(_RATE_HOW_ZH.search(c)))
                   for c in re.split(r"[，,；;]", q) if c.strip()]
        wants_number = any(numeric)
        # Two questions in one ("是多少，增长了多少") want both figures, like a comparison.
        compare = (bool(_COMPARE_ZH.search(q)) or len(re.findall(r"多少|几", q)) >= 2
                   or sum(numeric) >= 2)
    else:
        wants_number = bool(_NUMBER_EN.search(q)) and not _ENTITY_EN.search(q)
        asks = re.findall(r"\b(how many|how much|what|how fast|how quickly)\b", q, re.I)
        compare = bool(_COMPARE_EN.search(q)) or len(asks) >= 2
    # "去年实际…今年目标": a question that names both of the report's years compares them.
    compare = compare or all(y in years for y in report_years)
    maybe = not _ENTITY_EN.search(q) if lang == "en" else not _ENTITY_ZH.search(q)
    explicit = bool(years) or bool((_TARGET_ZH if lang == "zh" else _TARGET_EN).search(q))
    gap, bench = asks_gap(q, lang), asks_benchmark(q, lang)
    period = question_period(q, lang, years, frame)
    if gap or bench:  # the gap the report states of a result: "高于计划目标0.7个百分点"
        period, compare = frame.label(frame.result if frame.result in years or not years
                                      else max(years), "result"), False
    periods = {period}
    res, tgt = frame.result, frame.target
    if compare and not (gap or bench):  # "2022 result against the 2023 target": both years' passages
        target = _COMPARED_TARGET.search(q) or "力争" in q
        actual = re.search(r"实际|完成|actual|achieved|result", q, re.I)
        if res in years and tgt in years:
            # "去年实际…今年目标" is the result year's result; only a question that names
            # a target twice ("去年定的目标和今年的目标") compares the result year's target.
            targets = len(_COMPARED_TARGET.findall(q))
            periods |= {frame.label(tgt, "target"),
                        frame.label(res, "target")
                        if (targets >= 2 or _target_of_result_year(q, frame)) and not actual
                        else frame.label(res, "result")}
        elif target and res in years:
            periods |= {frame.label(res, "result"), frame.label(res, "target")}
        else:
            periods |= {question_period(q, lang, (y,), frame) for y in years if y in report_years}
    share = bool(re.search(r"占比|比重|所占|份额|\b(share|proportion|percentage of|per cent of)\b",
                           q, re.I))
    person = bool(re.search(r"^\W*(who|whom)\b(?!.*\b(eligible|entitled|qualif\w*|benefit\w*|covered)\b)|"
                            r"\bname of the (person|official|head)\b|"
                            r"是谁|谁是|姓名|名字", q, re.I))
    counters = asked_counters(q, lang)
    units = unit_hints(q, lang) | counters
    # "Where did it rank": a rank is a figure (第6位), whatever the question word
    wants_number = wants_number or "rank" in units
    return Query(q, lang, years, period, frozenset(periods), out, numbers,
                 wants_number or compare, maybe, compare, explicit,
                 units, share, person, counters, sub_asks(q, lang),
                 asks_stock(q), (), frame, named_report, gap, negated, bench,
                 asks_growth(q, lang) and not share)
