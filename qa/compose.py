"""Answer text: Chinese answers quote the report; English answers are composed
from the glossary and the figures. Numbers come only from `Figure`s, which the
assistant has checked verbatim at their offsets; nothing here invents one.
"""

from __future__ import annotations

import re

from corpus.profile import Profile, pinyin_name
from qa.figures import ASIDE, VS_BENCHMARK, VS_TARGET, ordinal_en
from qa.query import Query
from reportqa import lang, periods
from reportqa.types import Answer, Citation, Figure, Passage


def period_zh(label: str) -> str:
    return periods.describe(label, "zh")


def period_en(label: str) -> str:
    return periods.describe(label, "en") if label else ""
_CLAUSE_DELIMS = "，,；;：:。！？\n\t"
MAX_QUOTE = 160

ABSTAIN_ZH = "报告中没有找到这个问题的答案"
ABSTAIN_EN = "The report does not state this"
_REASONS_EN = {
    "low coverage": "no passage of the report covers what the question asks",
    "no terms": "the question names nothing the report covers",
    "no figure": "the passages on this topic give no figure for it",
    "no passage": "nothing relevant was found",
    "no person": "it names no person for this",
}
_REASONS_ZH = {
    "low coverage": "报告中没有涉及该问题所问内容的段落",
    "no terms": "问题中没有报告涉及的内容",
    "no figure": "相关段落没有给出这一数字",
    "no passage": "没有找到相关内容",
    "no person": "报告没有提到相关人员的姓名",
}


# Reasons that carry what they are about after a prefix ("absent 房价", "year 2019").
# {x} is what the reason is about; {covers} what the report covers (its periods).
_REASONS_WITH = (
    ("absent ", "报告中没有提到“{x}”", "it never mentions {x}"),
    ("place ", "报告没有给出{x}的这一数据", "it gives no such figure for {x}"),
    ("year ", "报告只涉及{covers}，没有{x}年的数据", "it covers {covers}, not {x}"),
    ("period ", "报告没有给出这一项的{x}数据", "it gives no {x} for this"),
    ("plan ", "报告写于{x}年，只有{x}年的目标，没有{x}年的实际完成数据",
     "it was written in {x} and gives {x} targets, not results"),
)
LIBRARY_ABSTAIN_ZH = "资料库中没有{x}的报告"
LIBRARY_ABSTAIN_EN = "The library has no report on {x}"


def reason_text(reason: str, lang: str, covers: tuple[str, ...] = ()) -> str:
    """Why the report does not say, in the asker's language."""
    fixed = (_REASONS_ZH if lang == "zh" else _REASONS_EN).get(reason)
    if fixed is not None:
        return fixed
    for prefix, zh, en in _REASONS_WITH:
        if reason.startswith(prefix):
            x = reason[len(prefix):]
            if prefix == "period ":
                x = period_zh(x) if lang == "zh" else period_en(x)
            said = [period_zh(c) if lang == "zh" else period_en(c) for c in covers]
            joined = ("、".join(said) if lang == "zh" else " and ".join(said)) or (
                "其他年份" if lang == "zh" else "other years")
            return (zh if lang == "zh" else en).format(x=x, covers=joined)
    return reason


def abstention(q: Query, reason: str, citations: list[Citation],
               covers: tuple[str, ...] = ()) -> Answer:
    """"The report does not say" is an answer: say why, keep what was looked at."""
    text = (f"{ABSTAIN_ZH}：{reason_text(reason, 'zh', covers)}。" if q.lang == "zh" else
            f"{ABSTAIN_EN}: {reason_text(reason, 'en', covers)}.")
    return Answer(question=q.text, lang=q.lang, answer=text, abstained=True, figures=[],
                  citations=citations)


def library_abstention(question: str, lang: str, what_zh: str, what_en: str) -> Answer:
    """The library has no report on a place or a year the question names."""
    text = (LIBRARY_ABSTAIN_ZH.format(x=what_zh) + "。" if lang == "zh"
            else LIBRARY_ABSTAIN_EN.format(x=what_en) + ".")
    return Answer(question=question, lang=lang, answer=text, abstained=True)


def delivery_text(prof: Profile, lang: str, who: bool, when: bool) -> str:
    """Who presented a report and when and where, as its profile read them from its
    byline and meeting line: "报告由县人民政府县长唐雨于2023年1月4日在…会议上作。" /
    "The report was presented by 唐雨 (Tang Yu), …, on 4 January 2023 at …"."""
    by = who and bool(prof.presenter)
    at = when and bool(prof.meeting)
    if lang == "zh":
        return ("报告" + (f"由{prof.presenter_role}{prof.presenter}" if by else "")
                + (f"于{prof.meeting_date}在{prof.meeting}上" if at else "") + "作。")
    out = "The report was presented"
    if by:
        out += f" by {prof.presenter} ({pinyin_name(prof.presenter)}), {prof.presenter_role},"
    if at:
        place = prof.place.en if prof.place and prof.place.en else ""
        out += f" on {date_en(prof.meeting_date)} ({prof.meeting_date}) at {prof.meeting}"
        session = session_en(prof.meeting, place)
        out += f" ({session})" if session else ""
    return out.rstrip(",") + ". "


def date_en(date_zh: str) -> str:
    """"2023年1月4日" → "4 January 2023" (as written when it is not a date)."""
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", date_zh)
    if m is None or not 1 <= int(m.group(2)) <= 12:
        return date_zh
    return f"{int(m.group(3))} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def session_en(meeting: str, place_en: str = "") -> str:
    """"盘锦市第九届人民代表大会第二次会议" → "the 2nd session of the 9th Panjin City People's
    Congress"; "" for a meeting of another form."""
    m = re.search(r"第?([一二三四五六七八九十]+)届人民代表大会(?:常务委员会)?第?([一二三四五六七八九十]+)次会议$",
                  meeting)
    if m is None:
        return ""
    body = "People's Congress" + (" Standing Committee" if "常务委员会" in meeting else "")
    where = f"{place_en} " if place_en else ""
    return (f"the {ordinal_en(lang.cn_int(m.group(2)))} session of the "
            f"{ordinal_en(lang.cn_int(m.group(1)))} {where}{body}")


def clause(text: str, start: int, end: int, figures: list[Figure], base: int) -> tuple[int, int]:
    """The clause(s) of text[start:end] around the figures (offsets relative to text)."""
    if not figures:
        return start, min(end, start + MAX_QUOTE)
    lo = min(f.start for f in figures) - base
    hi = max(f.end for f in figures) - base
    # A chart title written into the text ends a clause as a comma does.
    captions = lang.caption_spans(text)
    start = max([start] + [b for _, b in captions if b <= lo])
    end = min([end] + [a for a, _ in captions if a >= hi])
    while lo > start and text[lo - 1] not in _CLAUSE_DELIMS:
        lo -= 1
    while hi < end and text[hi] not in _CLAUSE_DELIMS:
        hi += 1
    return lo, hi


_PAREN = re.compile(r"（([^（）]*)）")
_LABEL_HEADERS = ("主要指标", "项目名称", "类别", "指标")


def row_label(p: Passage) -> str:
    cell = next((c for c in p.cells if any(h in c.header for h in _LABEL_HEADERS)), None)
    return _flat(cell.text) if cell else ""


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cell_phrase(header: str, text: str, label: str) -> str:
    """"完成情况·增速（%）" + "3.5" → "增速3.5%"; the unit comes from the header or label."""
    base = _PAREN.sub("", header).split("·")[-1]
    unit = (_PAREN.search(header) or _PAREN.search(label) if base != "预期目标" else None)
    unit_text = unit.group(1) if unit and re.fullmatch(r"-?\d+(\.\d+)?", _flat(text)) else ""
    return f"{base}{_flat(text)}{unit_text}"


def _row_summary(p: Passage, figures: list[Figure]) -> str:
    """A table row as a sentence, limited to the cells holding `figures` if any."""
    label = row_label(p)
    cells = [c for c in p.cells
             if c.header != "序号" and not any(h in c.header for h in _LABEL_HEADERS)]
    if figures:
        cells = [c for c in cells if any(c.start <= f.start < c.end for f in figures)] or cells
    phrases = "，".join(_cell_phrase(c.header, c.text, label) for c in cells)
    return f"{label}：{phrases}" if label else phrases


Source = tuple[Passage, tuple[int, int], list[Figure]]


def compose(q: Query, sources: list[Source], citations: list[Citation]) -> Answer:
    """The answer: each answering sentence (or row) with its figures, best first;
    a comparison whose sides are in two sentences has two sources."""
    sources = [s for i, s in enumerate(sources) if i == 0 or s[2]]
    figures = [f for _, _, figs in sources for f in figs]
    text = _zh(q, sources, figures) if q.lang == "zh" else _en(q, sources, figures)
    return Answer(question=q.text, lang=q.lang, answer=text, abstained=False,
                  figures=figures, citations=citations)


def _quote(passage: Passage, span: tuple[int, int], figures: list[Figure]) -> str:
    if passage.kind == "table_row" and passage.cells:
        return _row_summary(passage, figures)
    inside = [f for f in figures if passage.start <= f.start and f.end <= passage.end]
    lo, hi = clause(passage.text, span[0], span[1], inside, passage.start)
    return passage.text[lo:hi].strip()


def _zh(q: Query, sources: list[Source], figures: list[Figure]) -> str:
    labels = list(dict.fromkeys(f.period for f in figures)) or [sources[0][0].period]
    when = "、".join(dict.fromkeys(period_zh(x) for x in labels if x))
    bodies = []
    for passage, span, figs in sources:
        if passage.kind == "table_row" and passage.cells:
            table = table_title(passage)
            row = _row_summary(passage, figs)
            bodies.append(f"{table}中，{row}" if table else row)
        else:
            bodies.append(f"“{_quote(passage, span, figs).rstrip('。；;')}”")
    lead = f"根据报告（{when}）" if when else "报告写道"  # a line of no period
    return f"{lead}，{'；'.join(bodies)}。{_which_zh(q, figures)}"


def _larger(q: Query, figures: list[Figure]) -> tuple[Figure, Figure] | None:
    """For "which grew faster": the largest and smallest of comparable figures."""
    if not q.compare or len(figures) < 2:
        return None
    same = [f for f in figures if f.unit == figures[0].unit and f.period == figures[0].period]
    if len(same) < 2 or len({f.value for f in same}) < 2:
        return None
    return max(same, key=lambda f: f.value), min(same, key=lambda f: f.value)


def _which_zh(q: Query, figures: list[Figure]) -> str:
    pair = _larger(q, figures) if re.search(r"哪|谁", q.text) else None
    if pair is None:
        return ""
    hi, lo = pair
    return f"其中{hi.label}（{hi.text}）高于{lo.label}（{lo.text}）。"


def table_title(p: Passage) -> str:
    return next((part.strip() for part in p.section.split(" / ") if part.strip().startswith("表")), "")


def _gap_label(f: Figure) -> str:
    """"Above its target" for 高于计划目标0.7个百分点 (a gap to the target the report states);
    "Above the prefecture's by" for 增速比全州高0.2个百分点 (a gap to a wider place's)."""
    bench = VS_BENCHMARK.search(f.label)
    if bench and not VS_TARGET.search(f.label):
        level = next((lv.en.split()[-1].lower() for lv in lang.levels()
                      if f"全{lv.suffix}" in bench.group(0)), "")
        wider = f"the {level}'s" if level and level != "national" else "the wider area's"
        if lang.pattern("national_ref").search(bench.group(0)):
            wider = "the national"
        after = ASIDE.sub("", f.label[bench.end():])[:2]  # "比全国(8.1%)低": 低
        if lang.pattern("below_benchmark").search(bench.group(0) + after):
            return f"Below {wider} rate by"
        if lang.pattern("above_benchmark").search(bench.group(0) + after):
            return f"Above {wider} rate by"
        return ""
    if not VS_TARGET.search(f.label):
        return ""
    if lang.pattern("above_target").search(f.label):
        return "Above its target by"
    if lang.pattern("below_target").search(f.label):
        return "Below its target by"
    return ""


def _en(q: Query, sources: list[Source], figures: list[Figure]) -> str:
    parts = []
    for f in figures:
        label = _gap_label(f) or _cap(f.label_en or f.label)
        rendered = f.text_en or f.text
        if f.kind == "growth" and f.unit == "%":
            verb = "fell by" if f.value < 0 else "grew by"
            rendered = rendered.replace("-", "", 1) if f.value < 0 else rendered
            parts.append(f"{label} {verb} {rendered} ({f.text}) — {period_en(f.period)}.")
        elif f.kind == "rank":  # "Rank (trillion city): 3rd (第3位)"
            within = f" ({label})" if label else ""
            parts.append(f"Rank{within}: {rendered} ({f.text}) — {period_en(f.period)}.")
        elif label.endswith(" by"):
            parts.append(f"{label} {rendered} ({f.text}) — {period_en(f.period)}.")
        else:
            parts.append(f"{label}: {rendered} ({f.text}) — {period_en(f.period)}.")
    quotes = []
    for passage, span, figs in sources:
        quote = _quote(passage, span, figs)
        if passage.kind == "table_row" and passage.cells:
            table = table_title(passage)
            quote = f"{table}: {quote}" if table else quote
        if quote:
            quotes.append(f"“{quote}”")
    source = f"The report says: {' and '.join(quotes)}" if quotes else ""
    pair = _larger(q, figures) if re.search(r"\b(which|who)\b", q.text, re.I) else None
    if pair is not None:
        hi, lo = pair
        parts.append(f"{_cap(hi.label_en or hi.label)} ({hi.text}) is higher than "
                     f"{lo.label_en or lo.label} ({lo.text}).")
    return " ".join([*parts, source]).strip()


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]
