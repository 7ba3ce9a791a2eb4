"""Figures: the numbers a passage states, what they measure, and for which year.

What is a figure
    A number with its unit as written: "3.5%", "47.6万吨", "1300余人",
    "2.4万人以上", "-4.9%左右", a bare table value "1202.8", a range "3-5个".
    `text` is verbatim, ``doc[start:end] == text``; trailing qualifiers that
    sit inside the figure (余/多/以上/左右/以内) are part of it, leading ones
    (突破/超/超过/近/约/不少于 ...) are not, and go to `qualifier` only.
    Counts with a classifier are figures too: "18件38项" is two figures.

What is not
    Years, dates and ordinals ("2022年", "1月", "第1名", "28号"), any number
    touching a Latin letter or "+" ("5G", "500kV", "4A级", "G246", "1+10"),
    numbers inside “…” or 《…》 ("“2235”", "“66项任务”"), list and section
    numbers ("1.加强", "表1", "专栏3"), and any unit-less number followed by
    a Chinese character (specs and names: "500千伏", "1号楼").

Labels
    The indicator is read from the words before the figure in its clause
    (after 、，；： or the previous figure), minus fillers in front (全年, 其中,
    力争 …) and verbs behind (增长, 达到 …): "全年地区生产总值增长3.5%" ->
    地区生产总值; 新增 is kept ("新增5G基站"). A count followed by a noun
    ("199个重点项目") takes that noun. A clause that names nothing borrows:
    from an adjacent figure ("40笔1.74亿元"), from the figure in the clause
    before ("实现1569.3亿元，增长4.8%"), or per "分别" from the items or the
    figures listed before it. Labels are capped at `MAX_LABEL` characters.

Value, unit, kind, period: see `extract_figures`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from corpus.tables import cell_period
from qa.glossary import Glossary, default_glossary
from qa.units import (
    COUNT_UNITS,
    LEADING_QUALIFIERS,
    MAGNITUDE_RE,
    QUALIFIER_EN,
    TRAILING_QUALIFIERS,
    UNIT_RE,
    decimal_of,
    format_decimal,
    is_percent,
    parse_number,
    quantity_en,
    scaled,
    strip_label_unit,
    unit_from_label,
)
from reportqa import lang, periods
from reportqa.types import Figure, Passage

_TRAIL = "|".join(TRAILING_QUALIFIERS)
# A number, an optional range end, then % or (余/多) magnitude (余/多) unit, an
# optional bracket before a trailing qualifier ("6人（团队）以上"), the qualifier.
FIGURE_RE = re.compile(
    rf"""(?<![\d.])
    (?P<num>[-－−]?\d+(?:\.\d+)?)
    (?:(?P<sep>[-－~～至])(?P<num2>\d+(?:\.\d+)?))?
    (?:[ \u3000](?=[%％余多]|(?:{MAGNITUDE_RE})|(?:{UNIT_RE})))?
    (?:(?P<pct>[%％])
      |(?P<pre>[余多])?(?P<mag>{MAGNITUDE_RE})?(?P<post>[余多])?(?P<unit>{UNIT_RE})?)
    (?:（[^（）\n]{{1,6}}）(?={_TRAIL}))?
    (?P<trail>{_TRAIL})?""",
    re.X,
)
_SPANS_RE = re.compile(r"“[^“”]*”|《[^《》]*》")
# How a figure was computed, not what it measures: such a clause names no subject.
_NOTE_LABEL = lang.pattern("computation_note")
_YEAR_WORD = re.compile(r"[ \u3000]*年")
_BEFORE_BLOCKERS = ("第", "表", "专栏", "图", "附件", "+", "＋")
# A rank ("居全省第6位", "位列百强县第9位"): 第, a number, a counter of places.
_RANK_UNIT = lang.pattern("rank_units")
_LATIN = re.compile(r"[A-Za-z+＋]")
_CJK = re.compile(r"[\u4e00-\u9fff“《]")

SENTENCE_DELIMS = "。；;！？!?\n"
CLAUSE_DELIMS = SENTENCE_DELIMS + "，,：:\t"
LIST_DELIMS = CLAUSE_DELIMS + "、"

_LEAD_FILLER = re.compile(
    r"^(?:全年|全区|全市|其中|此外|同时|另外|共计|共|并|均|还|已经|已|力争|确保|努力|预计|"
    r"实现|完成|成功|兑现|依托|对|和|及|与|加快推进|加快|推进|积极|大力|持续|深入|着力|全面|"
    r"\d{4}年度?|年内)+"
)
_TRAIL_VERB = re.compile(
    r"(?:增长|下降|提高至|提高到|提高|提升至|提升|降低|减少|增加|增至|达到了|达到|达|实现|完成|"
    r"为|至|到|巩固在|保持在|控制在|稳定在|累计|共计|合计|共|分别|同比|比上年|"
    r"了|再提升|再|仅|(?<!平)均|惠及)+$"
)
_AFTER_STOP = re.compile(
    r"累计|完成|建成|实现|入选|获|均|和|与|及|为|已|正在|平均|实施|签约|通过|达到|达|成为|"
    r"以|分三批|全部|水质|优化|的|增长|下降|提升|提高|投用|[，,；;。！？!?\n\t：:、（(]|\d"
)
VERB_PREFIX = re.compile(
    r"新增|新建|新建成|新组建|新改建|新认定|建成|建设|创建|改造|维修改造|改建|完工|实施|设置|"
    r"设立|引进|开展|做好|启动"
)
_GROWTH_VERB = re.compile(r"(增长|提高|提升|增加|上升|下降|减少|降低|下滑|回落)了?$")
_DOWN_VERBS = ("下降", "减少", "降低", "下滑", "回落")
# 预期 after 改善/稳定/市场/社会 is people's expectations (改善预期的实事), not a target.
_TARGET_WORDS = re.compile(r"力争|目标|(?<!超)(?<!改善)(?<!稳定)(?<!市场)(?<!社会)(?<!稳)预期(?!转弱)|"
                           r"(?<!行动)计划(?!执行|草案)|预计|确保")
_SHARE_WORDS = ("占比", "比重", "比例")
_RATIO_WORDS = ("率", "度")  # 优良率, 研发投入强度, 满意度
_HEADS = ("种植面积", "产量", "产值", "收入", "增加值", "投资", "面积", "规模", "总额", "价格", "人数")
MAX_LABEL = 20
_JOINERS = "的和及与、"  # where a long label may be cut
# Labels that name a measure of something said just before ("登记技术合同50项，
# 金额达到5659万元"): they borrow the counted thing from the sentence.
_GENERIC = ("金额", "总投资", "年度计划投资", "榜单金额")
MAX_AFTER = 20


@dataclass
class _Found:
    """A match being turned into a Figure (local offsets into the text)."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    qualifier: str
    lead: str  # a leading qualifier (突破, 超 …): just before `start`, not in `text`
    label: str = ""
    label_from_text: bool = False
    ratio: bool = False  # "12.5:28.4:59.1": one figure, the parts of a whole
    rank: bool = False  # "第6位": a place in a ranking, not a count


def extract_figures(
    text: str,
    offset: int,
    period: str,
    context_label: str = "",
    glossary: Glossary | None = None,
) -> list[Figure]:
    """Every figure in `text`, a slice of a document that starts at `offset`.

    `period` is the passage's; a sentence that says 力争/目标/预期/计划/预计/确保
    turns "2022-actual" (or "") into a target period ("2023-target" if the
    sentence names 2023年, else "2022-target"). `kind` is "target" for any
    figure of a target period, else growth (% after 增长/下降/提高…), share
    (占比/比重), ratio (…率/强度), count (classifier units), total (money and
    measures), other. Falls are negative: "下降4%" -> value -4.0.
    `context_label` (a table row's indicator) labels figures whose text names none.
    """
    if period and periods.parse(period) is None:
        raise ValueError(f"period must be a period label such as 2022-actual or '', got {period!r}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    found = _find(text)
    _label_all(text, found, context_label)
    gloss = glossary if glossary is not None else default_glossary()
    figures = []
    for f in found:
        fig_period = _period_for(text, f, period)
        kind, value = _kind_and_sign(text, f, found, fig_period)
        if f.ratio:
            kind, value = "ratio", f.value
        elif f.rank:
            kind, value = "rank", f.value
        fig = Figure(
            text=f.text, value=float(value), unit=f.unit, label=f.label,
            label_en=_label_en(gloss, f.label), period=fig_period, kind=kind,
            start=offset + f.start, end=offset + f.end, qualifier=f.qualifier,
        )  # fmt: skip
        figures.append(replace(fig, text_en=f.text if f.ratio else render_en(fig)))
    return figures


# A ratio of parts ("三次产业结构比为22.0:37.8:40.2", "调整为26: 32.5: 41.5"): three or more
# numbers joined by colons, or two after a word of ratio (比) — not a time of day (10:23).
_RATIO = re.compile(r"(?<![\d.:：∶])\d+(?:\.\d+)?(?:\s?[:：∶]\s?\d+(?:\.\d+)?){1,3}(?![\d.:：∶])")
_RATIO_WORD = lang.pattern("ratio_word")


def _ratios(text: str, blocked: list[tuple[int, int]]) -> list[_Found]:
    out = []
    for m in _RATIO.finditer(text):
        parts = re.split(r"\s?[:：∶]\s?", m.group(0))
        if any(a < m.start() < b for a, b in blocked):
            continue
        if len(parts) < 3 and not _RATIO_WORD.search(text, max(0, m.start() - 10), m.start()):
            continue
        out.append(_Found(start=m.start(), end=m.end(), text=m.group(0),
                          value=parse_number(parts[0]), unit="", qualifier="", lead="",
                          ratio=True))
    return out


_RANK_WORD = lang.pattern("rank_word")


def _word_ranks(text: str, blocked: list[tuple[int, int]]) -> list[_Found]:
    """Ranks written in words: 全省第三, 居全市第一, 城市首位 (the first is 1)."""
    out = []
    for m in _RANK_WORD.finditer(text):
        s, e = m.span("rank")
        if any(a < s < b for a, b in blocked):
            continue
        word = m["rank"]
        out.append(_Found(start=s, end=e, text=word, value=Decimal(lang.cn_int(word[1:]) or 1)
                          if word.startswith("第") else Decimal(1),
                          unit="", qualifier="第", lead="", rank=True))
    return out


def _find(text: str) -> list[_Found]:
    blocked = [m.span() for m in _SPANS_RE.finditer(text)]
    found = _ratios(text, blocked) + _word_ranks(text, blocked)
    taken = [(f.start, f.end) for f in found]
    for m in FIGURE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue  # a part of a ratio is not a figure of its own
        f = _from_match(text, m, blocked)
        if f is not None:
            found.append(f)
    return sorted(found, key=lambda f: f.start)


def _from_match(text: str, m: re.Match[str], blocked: list[tuple[int, int]]) -> _Found | None:
    s, e = m.span()
    if any(a < s < b for a, b in blocked):
        return None
    before, after = text[max(0, s - 2) : s], text[e : e + 1]
    unit, mag = m["unit"] or "", m["mag"] or ""
    if before.endswith("第") and _RANK_UNIT.fullmatch(unit) and not (mag or m["num2"] or m["pct"]) \
            and not _LATIN.match(after):
        return _Found(start=s - 1, end=e, text=text[s - 1:e], value=parse_number(m["num"]),
                      unit=unit, qualifier="第", lead="", rank=True)
    if _LATIN.search(before[-1:]) or _LATIN.match(after) or before.endswith(_BEFORE_BLOCKERS):
        return None
    if unit == "方" and not mag:  # 方 is cubic metres only after 万/亿 ("300万方")
        return None
    if m["pct"]:
        unit = "%"
    has_unit = bool(unit or mag or m["pre"] or m["post"] or m["trail"])
    if not has_unit and _YEAR_WORD.match(text, e):
        return None  # "2022 年" is a year, not a count
    if not has_unit and (_CJK.match(after) or _is_list_number(text, s, after)):
        return None
    qualifiers = [q for q in (m["pre"], m["post"], m["trail"]) if q]
    if m["num2"]:
        qualifiers.insert(0, "至")
    lead = next((q for q in LEADING_QUALIFIERS if text.endswith(q, 0, s)), "")
    return _Found(
        start=s, end=e, text=m[0], value=scaled(parse_number(m["num"]), mag), unit=unit,
        qualifier="/".join(([lead] if lead else []) + qualifiers), lead=lead,
    )  # fmt: skip


def _is_list_number(text: str, s: int, after: str) -> bool:
    """"1.加强…" at the start of a line is an item number, not a figure."""
    line_start = text.rfind("\n", 0, s) + 1
    return after in (".", "．", "、") and not text[line_start:s].strip()


# --- labels -----------------------------------------------------------------


def _label_all(text: str, found: list[_Found], context_label: str) -> None:
    masked = _mask(text)
    captions = lang.caption_spans(text)
    for i, f in enumerate(found):
        prev_end = found[i - 1].end if i else 0
        f.label = _local_label(text, masked, f, prev_end, captions)
        f.label_from_text = bool(f.label)
    _apply_respectively(text, masked, found)
    for i, f in enumerate(found):
        if _NOTE_LABEL.fullmatch(f.label):  # "…466.14亿元,按可比价格计算,增长6.1%": GDP's growth
            f.label = ""
        if f.label in _GENERIC:
            f.label = _counted_before(masked, found, i) + f.label
        elif not f.label or VERB_PREFIX.fullmatch(f.label):
            f.label = _borrowed_label(text, masked, found, i) or f.label or context_label
        before = [g for g in found[:i] if not g.rank]  # a rank names its ranking only
        if _NOTE_LABEL.fullmatch(f.label) and before and before[-1].label:
            f.label = before[-1].label  # the subject of the figure before the note
        elif f.label in _HEADS:
            # "粮食种植面积45.43万亩,…,产量达到17.2万吨": the 产量 of the sentence's subject
            lo = _last_delim(masked, f.start, SENTENCE_DELIMS)
            for g in reversed([g for g in before if g.start >= lo]):
                head = next((h for h in _HEADS if g.label.endswith(h)), "")
                if head and len(g.label) > len(head):
                    f.label = g.label[:-len(head)] + f.label
                    break
    _label_target_asides(text, found)


def _label_target_asides(text: str, found: list[_Found]) -> None:
    """"社会消费品零售总额增长2.7%,…(预期目标为10.5%以上)": a target in brackets that
    names nothing but the target is the target of its sentence's subject."""
    asides = list(ASIDE.finditer(text))
    for f in found:
        aside = next((m for m in asides if m.start() < f.start < m.end()), None)
        if aside is None:
            continue
        lead = text[aside.start():f.start]
        if not _TARGET_WORDS.search(lead) or lang.pattern("aside_filler").sub(
                "", _TARGET_WORDS.sub("", lead)):
            continue
        lo = _last_delim(text, aside.start(), SENTENCE_DELIMS)
        head = next((g for g in found if lo <= g.start < aside.start() and g.label), None)
        if head is not None:
            f.label = head.label


def _mask(text: str) -> str:
    """`text` with the delimiters inside “…” and 《…》 hidden, so that
    "依托“一门受理、协同办理”体系" stays one clause."""
    chars = list(text)
    for m in _SPANS_RE.finditer(text):
        for k in range(m.start() + 1, m.end() - 1):
            if chars[k] in LIST_DELIMS:
                chars[k] = "_"
    return "".join(chars)


def _local_label(text: str, masked: str, f: _Found, prev_end: int,
                 captions: Sequence[tuple[int, int]] = ()) -> str:
    """From the words before the figure in its clause, or the noun after a count."""
    # Nor back across a chart title written into the text (…占全市生产总值比重 年末…).
    lo = max(_last_delim(masked, f.start, LIST_DELIMS), prev_end,
             max((b for _, b in captions if b <= f.start), default=0))
    before = clean_label(text[lo : f.start - len(f.lead)])
    after = _noun_after(text, f.end)
    if after and (f.unit in COUNT_UNITS or not before or before[-1] in "等及和或"):
        return (before if VERB_PREFIX.fullmatch(before) else "") + after
    return before


def clean_label(raw: str, limit: int | None = None) -> str:
    """Drop fillers in front (全年, 其中, 力争 …) and verbs behind (增长, 达到 …); keep at
    most `limit` characters (MAX_LABEL)."""
    s = raw.strip(" \t\n，,、—－-")  # a list's dashes (——PM2.5平均浓度) are no part of it
    for _ in range(3):
        s = _TRAIL_VERB.sub("", _LEAD_FILLER.sub("", s)).strip(" ，,、—－-")
    s = s.replace("实现", "")
    limit = MAX_LABEL if limit is None else limit
    if len(s) > limit:
        # Keep the most words that fit, cutting after a joining word if possible.
        cuts = [k + 1 for k, ch in enumerate(s) if ch in _JOINERS and len(s) - k - 1 <= limit]
        s = s[cuts[0] :] if cuts and len(s) - cuts[0] >= 4 else s[-limit:]
    return _balance(s)


def _balance(s: str) -> str:
    """Trim a quote or bracket left open at either end by the clause cut."""
    for left, right in (("“", "”"), ("（", "）"), ("(", ")")):
        if s.count(left) < s.count(right):
            s = s[s.index(right) + 1 :] if s.index(right) < len(s) // 2 else s
        if s.count(left) > s.count(right) and s.rfind(left) >= len(s) - 2:
            s = s[: s.rfind(left)]
    return s.strip()


def _noun_after(text: str, end: int) -> str:
    rest = text[end : end + MAX_AFTER + 4]
    if not rest or not _CJK.match(rest):
        return ""
    m = _AFTER_STOP.search(rest)
    noun = _balance(rest[: m.start()] if m else rest[:MAX_AFTER])
    return noun if len(noun) >= 2 else ""


def _borrowed_label(text: str, masked: str, found: list[_Found], i: int) -> str:
    """A label for a figure whose own clause names nothing ("增长4.8%", "38项")."""
    f = found[i]
    nxt = found[i + 1] if i + 1 < len(found) else None
    prv = found[i - 1] if i else None
    if nxt and nxt.start == f.end and nxt.label_from_text:
        return nxt.label
    if prv and prv.end == f.start and prv.label:
        return prv.label
    clause_lo = _last_delim(masked, f.start, CLAUSE_DELIMS)
    if clause_lo == 0 or masked[clause_lo - 1] in SENTENCE_DELIMS:
        return ""
    prev_lo = _last_delim(masked, clause_lo - 1, CLAUSE_DELIMS)
    # a rank there ("总量居全省第6位") names its ranking, not the subject
    inside = [g for g in found if prev_lo <= g.start < clause_lo and not g.rank]
    if not inside:
        return clean_label(text[prev_lo : clause_lo - 1])
    label = inside[-1].label
    if "累计" in text[clause_lo : f.start]:  # "新增…12家，累计达到114家"
        return "累计" + re.sub(r"^新增", "", label)
    return label


def _counted_before(masked: str, found: list[_Found], i: int) -> str:
    """The thing counted earlier in the sentence: "重大项目" for "重大项目16个，总投资…"."""
    lo = _last_delim(masked, found[i].start, SENTENCE_DELIMS)
    counts = [g for g in found[:i] if g.start >= lo and g.unit in COUNT_UNITS and g.label]
    return counts[-1].label if counts else ""


def _apply_respectively(text: str, masked: str, found: list[_Found]) -> None:
    """"茶叶、花椒产量分别增长2.4%、20%" and "…4%，…6.3%，扣除…后分别增长1.2%和0.7%"."""
    done: set[int] = set()
    for i, f in enumerate(found):
        lo = _last_delim(masked, f.start, CLAUSE_DELIMS)
        p = text.find("分别", lo, f.start)
        if lo in done:
            continue
        if p < 0:
            # "城镇和农村常住居民人均可支配收入增长2%和6%": values joined as the subjects are
            group = _joined_values(text, found, i)
            if not group:
                continue
            p = f.start - len(f.lead)
            done.add(lo)
            labels = _respective_labels(text, masked, found, lo, p, len(group), verbs=True)
            for g, label in zip(group, labels, strict=False):
                g.label, g.label_from_text = label, True
            continue
        done.add(lo)
        # every figure after 分别 in the same clause is one of the respective values
        group = [
            g for g in found if p < g.start and _last_delim(masked, g.start, CLAUSE_DELIMS) == lo
        ]
        labels = _respective_labels(text, masked, found, lo, p, len(group))
        for g, label in zip(group, labels, strict=False):
            g.label, g.label_from_text = label, True


def _split_word(subject: str, n: int) -> list[str]:
    """A subject that starts with a word naming two things, as those two's subjects."""
    for word, parts in lang.split_words().items():
        at = subject.find(word)
        if at >= 0 and len(parts) == n:
            return [subject[:at] + p + subject[at + len(word):] for p in parts]
    return []


def _joined_values(text: str, found: list[_Found], i: int) -> list[_Found]:
    """The figures from `found[i]` on written as one list ("2%和6%", "3、5、8个"), or []."""
    group = [found[i]]
    for g in found[i + 1:]:
        if not lang.pattern("value_joiner").match(text[group[-1].end:g.start].strip()):
            break
        group.append(g)
    return group if len(group) > 1 else []


def _respective_labels(
    text: str, masked: str, found: list[_Found], lo: int, p: int, n: int, verbs: bool = False
) -> list[str]:
    # the whole list of subjects, however long ("家庭农场、农民合作社、…和…联合体分别达到…")
    subject = clean_label(text[lo:p], limit=n * MAX_LABEL)
    if verbs:  # the subject before a verb of growth ("…收入增长2%和6%")
        subject = lang.pattern("subject_verb_tail").sub("", subject)
    # "第一、二、三产业增加值分别为…": 第一产业…, 第二产业…, 第三产业…
    items = [x for x in re.split(r"[、和及与]", lang.expand_ellipsis(subject)) if x]
    if len(items) == 1 and n > 1:  # 城乡常住居民…分别达47197元、16135元: 城镇…, 农村…
        items = _split_word(items[0], n) or items
    elif 1 < len(items) < n:  # "工业用电量和金融机构存、贷款余额分别增长…": 存款…, 贷款…
        items = [y for x in items for y in (_split_word(x, 2) or [x])]
    if len(items) == n > 1:
        head = next((h for h in _HEADS if items[-1].endswith(h)), "")
        last = items[-1]
        out = []
        for x in items:
            if x == last or (head and x.endswith(head)):
                out.append(x)
            elif len(x) <= 3 and len(last) > len(x) + 1:
                out.append(x + last[len(x):])  # 城镇 + (农村)常住居民人均可支配收入
            else:
                out.append(x + head if head else x)
        return out
    if verbs and subject:
        return []  # a subject of its own that does not split: the figures keep theirs
    # "城乡居民人均可支配收入36430元、15393元,同比增长6.2%、8.4%": no subject here, the
    # respective ones before it in the sentence.
    sentence_lo = _last_delim(masked, lo, SENTENCE_DELIMS)
    earlier = [g for g in found if sentence_lo <= g.start < lo and g.label]
    return [g.label for g in earlier[-n:]] if len(earlier) >= n else []


def _last_delim(text: str, pos: int, delims: str) -> int:
    """Index just after the last delimiter before `pos` (0 if none)."""
    return max(text.rfind(d, 0, pos) for d in delims) + 1


def _label_en(gloss: Glossary, label: str) -> str:
    """English label; a table label "工业·总投资" is translated part by part."""
    if "·" in label:
        parts = [gloss.label_en(p) for p in label.split("·")]
        if all(parts):
            return ", ".join(parts)
    return gloss.label_en(label)


# --- period and kind ----------------------------------------------------------


# A result measured against its target ("增长8.2%、高于计划目标0.7个百分点", "符合3%左右的
# 预期目标", "与预期目标持平") is a result: the target word there names no target period.
VS_TARGET = lang.pattern("vs_target")
# A result measured against a wider place's ("增速比全州高0.2个百分点").
VS_BENCHMARK = lang.pattern("vs_benchmark")
_YEAR_IN = re.compile(r"(?<!\d)(20\d\d)年")
_LEAD_END = lang.pattern("target_lead_end")
ASIDE = re.compile(r"[(（][^()（）]{1,60}[)）]")  # an aside in brackets


def _period_for(text: str, f: _Found, period: str) -> str:
    """A result passage's sentence that says 力争/目标… speaks of a target: next
    year's when it names the year after, else its own year's; a sentence of no
    period speaks of the latest year it names."""
    own = periods.parse(period)
    if period and (own is None or own.kind != "result" or own.start != own.end):
        return period
    lo = _last_delim(text, f.start, SENTENCE_DELIMS)
    ends = (text.find(d, f.end) for d in SENTENCE_DELIMS)
    hi = min((i for i in ends if i >= 0), default=len(text))
    vs = [m.span() for m in VS_TARGET.finditer(text, lo, hi)]
    if own is not None and any(a <= f.start < b for a, b in vs):
        return periods.label(own.start, "target")  # "符合3%左右的预期目标": the target itself
    # "增长14.2%…(预期目标为10%以上)": an aside in brackets speaks of its own figures.
    asides = [m.span() for m in ASIDE.finditer(text, lo, hi)]
    inside = next(((a, b) for a, b in asides if a <= f.start < b), None)
    if inside is not None:
        lo, hi = inside
    if inside is not None:
        sentence = text[lo:hi]
    else:
        # A target word speaks of its own clause, or, in the sentence's first clause,
        # of the list it leads ("主要预期目标是：…"): one in another clause of a list
        # ("…粮食产量3582万吨…,城镇调查失业率控制在预期目标内") says nothing of this figure.
        own_lo = _last_delim(text, f.start, CLAUSE_DELIMS)
        ends = [i for i in (text.find(d, f.end, hi) for d in CLAUSE_DELIMS) if i >= 0]
        own_hi = min(ends, default=hi)
        firsts = [i for i in (text.find(d, lo, hi) for d in CLAUSE_DELIMS) if i >= 0]
        first_hi = min(firsts, default=hi)
        # …a clause that leads a list: it ends in a colon, 是/为, or the target word itself
        # ("15项…主要指标目标中,12项指标完成目标,…其中:…增长7.7%" leads none)
        leads = first_hi < len(text) and (text[first_hi] in "：:" or bool(
            _LEAD_END.search(text, lo, first_hi)))
        sentence = text[own_lo:own_hi] if own_lo <= first_hi or not leads else \
            text[lo:first_hi] + "，" + text[own_lo:own_hi]
        sentence = ASIDE.sub("", sentence)
    sentence = VS_TARGET.sub("", _SPANS_RE.sub("", sentence))
    words = {m.group(0) for m in _TARGET_WORDS.finditer(sentence)}
    if not words:
        return period
    if own is not None:
        if f"{own.start + 1}年" in sentence:
            return periods.label(own.start + 1, "target")
        if words == {"预计"}:
            return periods.label(own.start, "estimate")  # 预计全年…: the year's result, estimated
        return periods.label(own.start, "target")
    named = [int(y) for y in _YEAR_IN.findall(sentence)]
    return periods.label(max(named), "target") if named else period


def _kind_and_sign(text: str, f: _Found, found: list[_Found], period: str) -> tuple[str, Decimal]:
    verb = _growth_verb(text, f, found)
    value = -f.value if verb in _DOWN_VERBS and f.value > 0 else f.value
    if period.endswith("-target"):
        return "target", value
    if verb:
        return "growth", value
    if is_percent(f.unit):
        if any(w in f.label for w in _SHARE_WORDS):
            return "share", value
        return ("ratio" if f.label.endswith(_RATIO_WORDS) else "other"), value
    if f.unit in COUNT_UNITS:
        return "count", value
    return ("total" if f.unit else "other"), value


def _growth_verb(text: str, f: _Found, found: list[_Found]) -> str:
    """The 增长/下降… that governs the figure, looking past figures listed before it."""
    lo = _last_delim(text, f.start, CLAUSE_DELIMS)
    head = text[lo : f.start - len(f.lead)]
    for g in found:
        if lo <= g.start < f.start:
            head = head.replace(g.text, "")
    m = _GROWTH_VERB.search(head.rstrip("、和及与 "))
    return m.group(1) if m else ""


# --- tables -------------------------------------------------------------------

_TABLE1_WORDS = ("预期", "目标", "总量", "增速", "增长", "完成")


def table_row_figures(passage: Passage, glossary: Glossary | None = None) -> list[Figure]:
    """Figures of a table row: each value cell, labelled by the row's indicator cell.

    A bare value takes its unit from its column header ("增速（%）",
    "总投资（亿元）"), else from the indicator ("地区生产总值（亿元）"); 个数
    columns count 个. Cells under 序号 are skipped; cells with prose (表2) go
    through `extract_figures` with the row's name as context label.
    """
    cells = [c for c in passage.cells if "序号" not in c.header]
    label_cell = next((c for c in cells if not _is_value_cell(c.text)), None)
    raw_label = label_cell.text.strip() if label_cell else ""
    row_label = strip_label_unit(raw_label)
    gloss = glossary if glossary is not None else default_glossary()
    figures: list[Figure] = []
    for cell in cells:
        if cell is label_cell:
            continue
        period = cell_period(cell.header, passage.period)
        if not _is_value_cell(cell.text):
            figures += extract_figures(cell.text, cell.start, period, row_label, gloss)
            continue
        figures.append(
            _value_cell_figure(cell.text, cell.start, cell.header, raw_label, period, gloss)
        )
    return figures


def _is_value_cell(text: str) -> bool:
    return bool(text.strip()) and FIGURE_RE.fullmatch(text.strip()) is not None


def _value_cell_figure(
    text: str, start: int, header: str, raw_label: str, period: str, gloss: Glossary
) -> Figure:
    stripped = text.strip()
    lo = start + text.index(stripped)
    m = FIGURE_RE.fullmatch(stripped)
    if m is None:  # checked by the caller
        raise ValueError(f"not a value cell: {text!r}")
    mag, unit = m["mag"] or "", "%" if m["pct"] else (m["unit"] or "")
    if not (mag or unit):
        mag, unit = _cell_unit(header, raw_label)
    row_label = strip_label_unit(raw_label)
    table1 = any(w in header for w in _TABLE1_WORDS) and "计划投资" not in header
    label = row_label if table1 or not header else f"{row_label}·{strip_label_unit(header)}"
    qualifiers = [q for q in (m["pre"], m["post"], m["trail"]) if q]
    value = scaled(parse_number(m["num"]), mag)
    if period.endswith("-target"):
        kind = "target"
    elif is_percent(unit):
        kind = "growth" if ("增速" in header or "增长" in header) else "ratio"
    else:
        kind = "count" if unit in COUNT_UNITS else "total"
    fig = Figure(
        text=stripped, value=float(value), unit=unit, label=label,
        label_en=_label_en(gloss, label), period=period, kind=kind,
        start=lo, end=lo + len(stripped), qualifier="/".join(qualifiers),
    )  # fmt: skip
    return replace(fig, text_en=render_en(fig))


def _cell_unit(header: str, raw_label: str) -> tuple[str, str]:
    """(magnitude, unit) of a bare cell: its column's, else its row's, else none."""
    if found := unit_from_label(header):
        return found
    if "个数" in header:
        return "", "个"
    return unit_from_label(raw_label) or ("", "")


# --- English ------------------------------------------------------------------


def render_en(fig: Figure) -> str:
    """The figure for English readers: "120.28 billion yuan", "more than 1,300 people",
    "at least 7%", "about -4.9%", "476,000 tonnes", "35 enterprises", "3-5"."""
    d = decimal_of(fig.value)
    if fig.kind == "rank":
        return ordinal_en(int(d))
    quals = fig.qualifier.split("/") if fig.qualifier else []
    if "至" in quals:
        m = FIGURE_RE.search(fig.text)
        hi = scaled(parse_number(m["num2"]), m["mag"] or "") if m and m["num2"] else d
        body = f"{format_decimal(d)}-{quantity_en(hi, fig.unit, _noun(fig))}"
    elif fig.unit == "%":
        body = f"{format_decimal(d)}%"
    else:
        body = quantity_en(d, fig.unit, _noun(fig))
    word = next((QUALIFIER_EN[q] for q in quals if q in QUALIFIER_EN), "")
    return f"{word} {body}" if word else body


def ordinal_en(n: int) -> str:
    """6 -> "6th", 1 -> "1st", 12 -> "12th", 22 -> "22nd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _noun(fig: Figure) -> tuple[str, str] | None:
    """Nouns for classifiers whose meaning depends on what is counted."""
    if fig.unit == "家":
        if fig.label.endswith("企业"):
            return ("enterprise", "enterprises")
        if fig.label.endswith("公司"):
            return ("company", "companies")
        if fig.label.endswith("机构"):
            return ("institution", "institutions")
    if fig.unit == "户" and any(w in fig.label for w in ("市场主体", "企业", "商户")):
        return ("", "")
    return None
