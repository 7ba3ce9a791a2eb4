"""Reading figures and choosing the answer: which sentence of the retrieved
passages answers, and which of its figures.

Each sentence of each candidate passage is scored by how much of the question's
`Evidence` it holds (qa.evidence.coverage) and, for a question a figure answers,
by its best figure: how much of the question its label and clause hold, its
period and unit, and what marks it as another measure (a narrower indicator, a
share of the subject, the year's additions, what the question said it did not
want). `Selecting` is the stage of `qa.assistant.Assistant` that does it (a
mixin over the assistant's index, glossary, segmenter and settings); its weights
are in `qa.settings.Settings` (`sentence`, `figure`, `choice`), with how they were
chosen.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from qa.compose import MAX_QUOTE, clause, row_label, table_title
from qa.evidence import coverage
from qa.figures import VS_BENCHMARK, VS_TARGET, extract_figures, table_row_figures
from qa.glossary import indicator_forms, narrower_forms
from qa.query import COUNTER_KINDS, INTENT_TERMS, Frame, Query, analyse, is_number
from qa.units import COUNT_UNITS
from reportqa import lang as lang_data
from reportqa import periods as period_labels
from reportqa.types import Figure, Hit, Passage, TableCell

# Where a sentence's clauses end.
_CLAUSE_END = re.compile(r"[，,；;：:]")

# Words that mark a figure as the year's additions rather than a total (patterns.tsv).
ADDED = lang_data.pattern("added")

# What a figure-less sentence that states nothing is made of besides its words.
_STATEMENT_NOISE = re.compile(r"[\s|｜:：，,。.；;、]")


_CONVERTED = lang_data.pattern("conversion")


def listed_subjects(question: str) -> int:
    """How many subjects a question lists: "A、B、C和D各有多少" lists four (a list of
    、 ends with 和/及/与), "A和B" alone is one subject or two, told elsewhere."""
    segments = re.split(r"[，,？?。；;]", lang_data.expand_ellipsis(question))
    listing = max(segments, key=lambda s: s.count("、"))
    items = listing.split("、")
    # the last item joins one more ("…龙头企业和…联合体"), unless the items say 和 inside
    # themselves ("生活用品和服务、医疗保健、…、其他用品和服务")
    joined = len(items) > 1 and _JOINER.search(items[-1]) and not any(
        _JOINER.search(x) for x in items[:-1])
    return len(items) + bool(joined)


_JOINER = re.compile(r"和|及|与")


@dataclass(frozen=True)
class Evidence:
    """What a question needs a passage to contain."""

    content: list[str]  # subject terms (not intent words such as 目标, 多少)
    parts: dict[str, list[str]]  # each term's dictionary words, for partial credit
    scale: dict[str, float]  # how sure we are the question means each term
    alts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other words for a term
    asked: frozenset[str] = frozenset()  # its intent words (计划, 目标): a table column's
    # Per subject term, the genre's other indicators that hold it (人均地区生产总值
    # for 生产总值), less those the question names too.
    narrower: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negated: tuple[str, ...] = ()  # the words of what the question does not want

    def forms(self, term: str) -> tuple[str, ...]:
        """A term and the other words the question's phrase may mean by it."""
        return (term, *self.alts.get(term, ()))

    def written_in(self, term: str, text: str) -> bool:
        return any(f in text for f in self.forms(term))


@dataclass(frozen=True)
class ScoredFigure:
    figure: Figure
    score: float
    relevance: float  # share of the question's terms in the figure's label and clause
    period_ok: bool
    unit_ok: bool
    own: float = 0.0  # the same in its label and clause alone, not the rest of its sentence
    narrow: bool = False  # its clause names a narrower indicator than the one asked
    # it speaks of its sentence's subject, not its clause's words: a stated gap to the
    # target (高于计划目标0.7个百分点), a target a result is measured against
    of_sentence: bool = False


@dataclass
class Candidate:
    """One sentence of one retrieved passage, scored as the answer."""

    hit: Hit
    span: tuple[int, int]  # relative to the passage text
    score: float
    coverage: float
    scored: list[ScoredFigure]  # its figures, best first (numeric questions only)



class Selecting:
    """The figure-reading and choosing stage of `qa.assistant.Assistant`."""

    def _focus(self, ev: Evidence, p: Passage, span: tuple[int, int]) -> tuple[int, int]:
        """The clauses of a long sentence around the one that covers the question best,
        as many as a quote holds (offsets relative to the passage)."""
        s, e = span
        if e - s <= MAX_QUOTE:
            return span
        cuts = [s] + [m.end() for m in _CLAUSE_END.finditer(p.text, s, e)] + [e]
        clauses = [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
        covers = [self._cover(ev, frozenset(self.segment(p.text[a:b])), p.text[a:b]) for a, b in clauses]
        i = j = max(range(len(clauses)), key=lambda k: (covers[k], -k))
        while True:  # grow towards the better-covered neighbour while the quote fits
            options = [k for k in (i - 1, j + 1) if 0 <= k < len(clauses)
                       and clauses[max(j, k)][1] - clauses[min(i, k)][0] <= MAX_QUOTE]
            if not options:
                break
            k = max(options, key=lambda k: covers[k])
            i, j = min(i, k), max(j, k)
        return clauses[i][0], clauses[j][1]

    def _evidence(self, terms: list[str], units: AbstractSet[str], scale: dict[str, float],
                  alts: dict[str, tuple[str, ...]] | None = None, text: str = "") -> Evidence:
        """What a (part of a) question needs a passage to contain: its subject terms,
        each with its dictionary words for partial credit.

        Only what the question is about counts; a question that names nothing but a
        year and "how many" has no subject the report could cover. Numbers steer
        retrieval (number_bonus) but are not what a question is about.
        """
        alts = alts or {}
        # Another spelling of a term asked is that term, not a second subject; the
        # spellings of a term asked only through its parts (老旧小区改造 as 老旧小区, 改造)
        # take nothing out.
        asked_terms = set(terms)
        other = {a for k, forms in alts.items() for a in forms
                 if k in asked_terms or a not in k}
        content = subject_terms([t for t in terms if t not in other], units)
        asked = frozenset(t for t in terms if t in INTENT_TERMS and len(t) >= 2)
        # The indicators the question names: as terms, or written out (人均GDP segments
        # as 人均 + GDP).
        forms = indicator_forms()
        said = text + "".join(terms)
        named = {forms.get(t, t) for t in terms} | {c for f, c in forms.items() if f in said}
        # …and one whose modifier the question asks for ("rural" + "disposable income"
        # names 农村居民人均可支配收入) is not narrower than what it asks.
        def modifier_asked(t: str, f: str) -> bool:
            spellings = (t, *alts.get(t, ()))
            for o in spellings:
                f = f.replace(o, "|")
            return any(len(o) >= 2 and o not in spellings and o in f for o in terms)

        narrower = {t: n for t in content
                    if (n := tuple(f for f in dict.fromkeys(
                        x for o in (t, *alts.get(t, ())) for x in narrower_forms(o))
                        if forms[f] not in named and not modifier_asked(t, f)))}
        return Evidence(content, {t: self.segment.subwords(t) for t in content}, scale, alts, asked,
                        narrower)

    def _cover(self, ev: Evidence, tokens: AbstractSet[str], text: str = "") -> float:
        return coverage(ev.content, tokens, self.weights, text, ev.parts, ev.scale, ev.alts).score

    def _candidates(self, q: Query, ev: Evidence, hit: Hit) -> list[Candidate]:
        p = hit.passage
        row = self._row[p.id]
        # A term the passage writes out in one sentence earns no partial credit in
        # another: "重点项目" is not half of "重大项目" when both are in the passage.
        if any(t in p.text for t in ev.parts):
            ev = replace(ev, parts={t: v for t, v in ev.parts.items() if t not in p.text})
        cov_ctx = self._cover(ev, self._tokens[row], p.context)
        numeric = q.wants_number or q.may_want_number
        w = self.settings.sentence
        figs_all = self._figures[p.id] if numeric else []
        out = []
        prev_tokens: frozenset[str] = frozenset()
        for s, e, sent_tokens in self._sentences[p.id]:
            sent = p.text[s:e]
            if p.kind == "table_row":  # a row says what it is with its table's title
                sent, sent_tokens = self._titled[p.id]
            cov_sent = self._cover(ev, sent_tokens, sent)
            # A report names its subject in one sentence and gives the figure in the
            # next ("…页岩气…。全年产气5.4亿立方米"): the previous sentence counts too.
            cov_win = self._cover(ev, sent_tokens | prev_tokens)
            prev_tokens = sent_tokens
            cov = max(cov_sent, w.window * cov_win, w.own_in_context * cov_sent + w.context * cov_ctx)
            # "那134个重点项目": the sentence with the question's own number is meant.
            named = w.named_number * any(n in sent for n in q.numbers)
            if not numeric:
                score = (w.text_coverage * cov + w.text_hit * hit.score
                         + w.text_period * (q.period in self._periods[row]))
                out.append(Candidate(hit, (s, e), score, cov, []))
                continue
            # a rank (第1名) answers a question of rank only
            figs = [f for f in figs_all if p.start + s <= f.start and f.end <= p.start + e
                    and (f.kind != "rank" or "rank" in q.units)]
            scored = sorted((self._score_figure(q, ev, p, f, cov) for f in figs),
                            key=lambda sf: (-sf.score, -sf.own, sf.figure.start))
            if q.counters and scored:
                # "What growth rate is shown for X": X's figure in the unit asked comes
                # first, if it is about X as much as the best one (not another subject's).
                match = next((sf for sf in scored if self._unit_matches(sf.figure, q.counters)
                              and sf.relevance >= scored[0].relevance - w.counter_slack), None)
                if match is not None and match is not scored[0]:
                    scored = [match] + [sf for sf in scored if sf is not match]
            if scored:
                top = scored[0]
                score = (w.coverage * cov + w.figure * top.relevance + w.hit * hit.score
                         + w.period * top.period_ok + w.unit * top.unit_ok + named
                         - w.narrow * top.narrow)
                if q.period_explicit and not q.compare and not top.period_ok:
                    score -= w.other_year  # a figure of another year is the worst answer
                if q.counters and not q.asks and not self._unit_matches(top.figure, q.counters):
                    score -= w.other_counter  # "how many workers" is not answered by 5个 platforms
                if q.asks_growth and top.figure.kind == "share":
                    score -= w.no_figure  # "哪个增长快": a sentence of shares has no rate to give
            elif q.wants_number:  # a sentence without figures cannot answer "how many"
                score = w.coverage * cov + w.hit * hit.score - w.no_figure
            else:
                # "What is the 2023 goal for rural 5G?" may be answered by words
                # (全覆盖): the sentence itself is the answer, as relevant as it covers.
                score = (w.coverage * cov + w.figure * cov_sent + w.hit * hit.score
                         + w.period * (q.period in self._periods[row]) + named)
                # A label, a title or a byline ("地区生产总值 |", "表一:2022年全县生产总值",
                # "某县统计局") names the subject but states nothing about it.
                if len(_STATEMENT_NOISE.sub("", sent)) < self.settings.min_statement_chars:
                    score -= self.settings.fragment_penalty
            out.append(Candidate(hit, (s, e), score, cov, scored))
        return out

    def _score_figure(self, q: Query, ev: Evidence, p: Passage, f: Figure,
                      sentence_cov: float) -> ScoredFigure:
        """How well a figure answers: its label and clause against the question
        (the clause counts most; the rest of its sentence can name the subject)."""
        around, tokens = self._around[(p.id, f.start)]
        own = rel = self._cover(ev, tokens, around)
        w = self.settings.figure
        rel = max(rel, (1 - w.sentence) * rel + w.sentence * sentence_cov)
        period_ok = period_labels.answers(f.period, q.period)
        # "哪个增长快": a share of GDP (比重23.7%) is a percentage of another kind
        unit_ok = self._unit_matches(f, q.units) and not (q.asks_growth and f.kind == "share")
        unit_bad = bool(q.units) and not unit_ok
        # "按汇率折算分别是1.76万美元和1.60万美元": a conversion answers only a question in it
        unit_bad = unit_bad or (f.unit not in q.units and bool(_CONVERTED.search(around)))
        share = q.asks_share and self._is_share(p, f)  # "占比多少": a share answers it
        # "How much did the 127 newly started projects complete": the figure whose
        # clause holds the question's own number, not that number itself.
        named = any(n in around and n not in f.text for n in q.numbers)
        # What a figure counts is its label's head (11个老旧小区改造工程 counts 工程,
        # 改造老旧小区132个 counts 小区): a subject asked about that heads the label.
        head = any(f.label.endswith(t[-2:]) for t in ev.content if len(t) >= 3)
        # "How many are there in total": 累计达到114家, not 新增12家 beside it.
        added = q.asks_stock and bool(ADDED.search(around))
        # "How much is planned for 2023": the 年度计划投资 column, not 总投资 beside it.
        cell = _cell_of(p, f)
        column = cell is not None and any(t in cell.header for t in ev.asked)
        # "生产总值是多少": 全年实现生产总值4502.13亿元, not 人均地区生产总值121630元
        # (折合18083美元) beside it, whose clause names a narrower indicator that holds
        # the term asked.
        narrow = any(n in around for ns in ev.narrower.values() for n in ns)
        # "GDP增长了多少": not 工业增加值占GDP比重37.3%, a share *of* the subject asked.
        # It measures a part of the subject, like a narrower indicator.
        narrow = narrow or (not q.asks_share and self._share_of_asked(around, ev))
        # "比计划目标高多少": the gap the report states after 高于计划目标, not the result;
        # it speaks of its sentence's subject.
        gap = ((q.asks_gap and bool(VS_TARGET.search(f.label)))
               or (q.asks_bench and bool(VS_BENCHMARK.search(f.label))))
        # "注意不是存栏": a figure whose clause says what the question does not want.
        unwanted = any(t in around or t in f.label for t in ev.negated)
        # "符合3%左右的预期目标" asked as a target: the target a result is measured
        # against is the sentence subject's, like a stated gap.
        own_period = period_labels.parse(f.period)
        measured_against = (period_ok and own_period is not None and own_period.kind == "target"
                            and bool(VS_TARGET.search(around)))
        if gap or measured_against:
            rel = max(rel, sentence_cov)
        score = (rel + w.period * period_ok + w.unit * unit_ok - w.other_unit * unit_bad
                 + w.share * share + w.named * named + w.head * head - w.added * added
                 + w.column * column - w.narrow * narrow
                 + (w.gap if gap else -w.gap if q.asks_gap or q.asks_bench else 0.0)
                 - self.settings.negated_penalty * unwanted)
        return ScoredFigure(f, score, rel, period_ok, unit_ok, own, narrow,
                            gap or measured_against)

    def _titled_row(self, p: Passage) -> tuple[str, frozenset[str]]:
        """A table row with its table's title (表3：2023年区级重点项目暂定安排)."""
        text = f"{table_title(p)} {p.text}"
        return text, frozenset(self.segment(text))

    def _around_text(self, p: Passage, f: Figure) -> tuple[str, frozenset[str]]:
        around = f"{f.label} {self._clause_of(p, f)}"
        return around, frozenset(self.segment(around))

    def _lead_cover(self, ev: Evidence, p: Passage, f: Figure) -> float:
        """How well a figure's clause, with the clauses before it back to the previous
        figure, covers the question ("…页岩气增产扩能，全年产气5.4亿立方米")."""
        lo, _ = clause(p.text, 0, len(p.text), [f], p.start)
        # a rank before it ("…居全省第1、长三角第2位,全年预计达1100亿元") ends no subject
        figures = [g for g in self._figures[p.id] if g.kind != "rank"]
        prev = [g for g in figures if g.end - p.start <= lo]
        if prev and len(p.text[lo:f.start - p.start]) <= 3:  # "…5.4亿立方米，增长56.2%"
            lo, _ = clause(p.text, 0, len(p.text), [prev[-1]], p.start)
        before = [g.end - p.start for g in figures if g.end - p.start <= lo]
        start = max(before, default=0)
        stop = max((s for s, _, _ in self._sentences[p.id] if s <= lo), default=0)
        around, _ = self._around[(p.id, f.start)]
        text = p.text[max(start, stop):lo] + " " + around
        return self._cover(ev, frozenset(self.segment(text)), text)

    @staticmethod
    def _share_of_asked(around: str, ev: Evidence) -> bool:
        """Whether a figure's clause is a share whose whole is a subject asked (占GDP比重)."""
        m = lang_data.pattern("share_of").search(around)
        if m is None:
            return False
        whole = m.group(1).lower()
        return any(t.lower() in whole for t in ev.content) or any(
            a.lower() in whole for forms in ev.alts.values() for a in forms)

    def _is_share(self, p: Passage, f: Figure) -> bool:
        """A share or proportion: its kind says so, or its clause does (占比, 比重)."""
        around, _ = self._around[(p.id, f.start)]
        return f.kind in ("share", "ratio") or any(w in around for w in ("占比", "比重", "占", "强度"))

    @staticmethod
    def _unit_matches(f: Figure, units: AbstractSet[str]) -> bool:
        if f.kind == "rank":  # a place in a ranking answers only a question of rank
            return "rank" in units
        return (f.unit in units or COUNTER_KINDS.get(f.unit) in units
                or ("count" in units and f.unit in COUNT_UNITS))

    @staticmethod
    def _clause_of(p: Passage, f: Figure) -> str:
        """The clause a figure sits in; for a table cell, its column header."""
        lo, hi = clause(p.text, 0, len(p.text), [f], p.start)
        if p.kind == "table_row" and p.cells:
            cell = _cell_of(p, f)
            label = row_label(p)
            return f"{label} {cell.header} {p.text[lo:hi]}" if cell else label
        return p.text[lo:hi]

    def _ask_evidence(self, q: Query, scope: tuple[str, ...] = ()
                      ) -> list[tuple[Evidence, frozenset[str], str | None]]:
        """Each separate question's terms, units, and the period it names, if it names
        one of its own ("去年…多少，今年…多少")."""
        out = []
        for text in q.asks:
            try:
                sub = analyse(text, q.frame)
            except ValueError:  # a fragment with no words of its own
                continue
            terms, scale, alts, _ = self._query_terms(replace(sub, lang=q.lang), scope=scope)
            ev = self._evidence(terms, sub.units, scale, alts, sub.text)
            out.append((ev, sub.units, sub.period if sub.period_explicit else None))
        return out

    def _chosen(self, q: Query, c: Candidate,
                asks: list[tuple[Evidence, frozenset[str], str | None]] = ()) -> list[ScoredFigure]:
        """The best figure, the best one for each separate question asked, and those
        nearly as good (both halves of a comparison)."""
        if not c.scored:
            return []
        top = c.scored[0]
        keep = [top]
        p = c.hit.passage
        w = self.settings.choice
        # Each separate question gets its own figure; those that name a unit choose first.
        taken: list[ScoredFigure] = []
        for ev, units, period in sorted(asks, key=lambda a: not a[1]):
            def fit(sf: ScoredFigure, ev: Evidence = ev, units: frozenset[str] = units) -> float:
                around, tokens = self._around[(p.id, sf.figure.start)]
                return ((self._cover(ev, tokens, around) if ev.content else 0.0)
                        + w.ask_unit * self._unit_matches(sf.figure, units)
                        + w.ask_period * sf.period_ok)
            # An ask that names its own period takes only a figure of that period.
            free = [sf for sf in c.scored if sf not in taken
                    and (period is None or period_labels.answers(sf.figure.period, period))]
            pick = max(free, key=fit, default=None)
            if pick is not None and fit(pick) >= w.ask_fit:
                taken.append(pick)
        keep += [sf for sf in taken if sf not in keep]
        if q.compare and len(q.units) >= 2:
            # "有多少个，总投资多少": the best figure for each kind of number asked.
            for unit in sorted(q.units):
                match = next((sf for sf in c.scored if self._unit_matches(sf.figure, {unit})
                              and sf.relevance >= self.settings.min_figure_relevance), None)
                if match is not None and match not in keep:
                    keep.append(match)
        for sf in c.scored[1:]:
            close = sf.score >= top.score - (w.close_compare if q.compare else w.close)
            if close and sf.relevance >= w.close_relevance and sf not in keep:
                keep.append(sf)
        # "地区生产总值、固定资产投资、规上工业增加值、限上社零额分别增长多少": one figure for each
        # subject the question lists.
        listed = listed_subjects(q.text) if q.compare else 1
        return keep[: max(self.settings.max_figures, listed)]

    def _each_period(self, q: Query, c: Candidate, chosen: list[ScoredFigure]) -> list[ScoredFigure]:
        """A comparison of periods answered by one sentence or row (计划任务 and 完成情况
        cells): the best relevant figure of each period it names, the best first."""
        have = {sf.figure.period for sf in chosen}
        extra = []
        for period in sorted(q.periods - have):
            sf = next((x for x in c.scored if period_labels.answers(x.figure.period, period)
                       and x.relevance >= self.settings.min_figure_relevance), None)
            if sf is not None:
                extra.append(sf)
        if not extra:
            return chosen
        return (chosen[:1] + extra + chosen[1:])[: max(self.settings.max_figures, 1 + len(extra))]

    def _second(self, q: Query, best: Candidate, cands: list[Candidate],
                need: tuple[str, ...] = ()) -> Candidate | None:
        """For a comparison: the best sentence elsewhere with a figure of another period
        the question names (a 2022 question never borrows a 2023 target), that figure first."""
        if not best.scored:
            return None
        first = best.scored[0].figure
        frame = q.frame or Frame.of(None, None)
        known = {period_labels.label(frame.result, "result"), period_labels.label(frame.result, "target"),
                 period_labels.label(frame.target, "target")}
        allowed = {p for p in known if not q.years or period_labels.year_of(p) in q.years}
        wanted = (q.periods if len(q.periods) >= 2 else allowed) - {first.period}

        def fits(sf: ScoredFigure) -> bool:
            if sf.figure.period in wanted:
                return sf.relevance >= self.settings.min_figure_relevance
            # One period, two subjects ("工业 or the economy as a whole: which grew
            # faster"): the same kind of figure about something else.
            # Each side holds about half the question's words: the usual floor applies.
            return (len(q.periods) < 2 and sf.figure.period == first.period
                    and sf.figure.unit == first.unit and sf.figure.label != first.label
                    and sf.relevance >= self.settings.min_figure_relevance)

        def names_needed(c: Candidate) -> bool:
            return not need or any(t in c.hit.passage.text[c.span[0]:c.span[1]] for t in need)

        options = [
            (c, sf) for c in cands
            if (c.hit.passage.id, c.span) != (best.hit.passage.id, best.span) and names_needed(c)
            for sf in c.scored[:3] if fits(sf)
        ]
        if not options:
            return None
        # The two sides of a comparison are measured alike (1530个 against 1770个,
        # not against 新增公办幼儿园6所 in the same sentence).
        c, sf = max(options, key=lambda o: o[0].score + o[1].score
                    + self.settings.choice.same_unit * (o[1].figure.unit == first.unit))
        return replace(c, scored=[sf] + [x for x in c.scored if x is not sf])

    def _extract(self, p: Passage) -> list[Figure]:
        if p.kind == "table_row" and p.cells:
            figures = table_row_figures(p, self.glossary)
        else:
            figures = extract_figures(p.text, p.start, p.period, glossary=self.glossary)
        return [f if f.label_en or not f.label else replace(f, label_en=self._label_en(f.label))
                for f in figures]

    def _label_en(self, label: str) -> str:
        """English for a label the glossary cannot name, word by word from the term
        base (全民疫苗接种 → "entire population vaccine vaccinate"); "" unless its
        words cover most of the label: a half-English label reads worse than Chinese."""
        parts = [x for x in label.split("·") if x]
        out = []
        for part in parts:
            words, covered = [], 0
            for w in self.segment(part):
                en = self.glossary.label_en(w) or self.termbase.en_of(w)
                if en:
                    words.append(en)
                    covered += len(w)
            if not words or covered < self.settings.label_cover * len(part):
                return ""
            out.append(" ".join(dict.fromkeys(words)))
        return ", ".join(out)


def _cell_of(p: Passage, f: Figure) -> TableCell | None:
    """The table cell a figure sits in, if any."""
    return next((c for c in p.cells if c.start <= f.start < c.end), None)


def subject_terms(terms: list[str], units: AbstractSet[str] = frozenset()) -> list[str]:
    """What a question is about: not its intent words (目标, 多少), numbers, or the
    units it asks in (多少吨, "how many tonnes": how the answer is measured)."""
    return [t for t in terms if t not in INTENT_TERMS and t not in units and not is_number(t)]
