"""Abstention: why an answer would be wrong, one function per reason.

A question is answered only when the best sentence found can answer it. Each
reason below looks at the question (`Query`), what it needs a passage to hold
(`Evidence`) and the best candidate sentence (`Candidate`) and returns the
reason's code, or None; `Abstaining.abstain_reason` tries them in order, the
first that holds wins, and `qa.compose` says it in the asker's language
("year 2019" → "it covers 2022 and 2023, not 2019"). The settings they read are
`Settings.min_coverage`, `anchor_coverage`, `min_figure_relevance` and
`min_clause_relevance`. Nothing here names a report.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index import termbase as tb
from qa.colloquial import shares_characters
from qa.evidence import said_otherwise
from qa.glossary import GENERIC_HEADS
from qa.query import EN_STOPWORDS, Query
from qa.route import Mention
from qa.select import ADDED
from reportqa import lang as lang_data
from reportqa import periods as period_labels

if TYPE_CHECKING:
    from qa.assistant import Candidate, Evidence

# "How many <things>": a count, never a percentage.
HOW_MANY_EN = re.compile(r"\bhow many\b(?! per ?cent| percentage)", re.I)

# Words that come with a person's name in Chinese official texts: titles, and the
# head of each level of place (区长, 县长, 州长 … from reportqa/lang/place_levels.tsv).
PERSON_MARKERS = re.compile("|".join(
    [lang_data.pattern("person_titles").pattern]
    + sorted({lv.suffix[-1] + "长" for lv in lang_data.levels()})))


class Abstaining:
    """The abstention stage of `qa.assistant.Assistant` (a mixin: it reads the
    assistant's index, glossary, segmenter, term base and settings)."""

    def abstain_reason(self, q: Query, ev: Evidence, best: Candidate | None,
                       corpus: str | None = None) -> str | None:
        """The first reason the best candidate cannot answer `q`, or None.
        `corpus`: the text of the reports asked about (what "absent" means)."""
        reasons = (
            lambda: _outside_years(q),
            lambda: None if ev.content else "no terms",
            lambda: self._absent(q, ev, best, corpus),
            lambda: self._low_coverage(q, ev, best),
            lambda: _no_person(q, best),
            lambda: self._other_place(q, ev, best),
            lambda: self._no_figure(q, ev, best),
        )
        for reason in reasons:
            found = reason()
            if found is not None:
                return found
        return None

    # -- one function per reason ------------------------------------------------

    def _absent(self, q: Query, ev: Evidence, best: Candidate | None,
                corpus: str | None) -> str | None:
        """"absent 房价": a term the question surely means (a phrase, a name, an
        indicator: an English word's one-word guess, ageing → 老龄化, is no proof) that
        the reports asked about never use, not even in other words in the answering
        sentence (粮食产量 in 粮食总产量, 城乡居民 in 城乡常住居民, 成交额 ~ 交易金额)."""
        missing = [t for t in self.absent_terms(ev.content, whole=q.lang == "en", corpus=corpus)
                   if ev.scale.get(t, 1.0) >= 1.0
                   # "output" is 产量 or 产值 or 总产: an English word for a generic head
                   # says what kind of measure, not what the report lacks
                   and not (q.lang == "en" and t in GENERIC_HEADS)
                   and all(self.absent_terms([f], whole=True, corpus=corpus) for f in ev.forms(t))]
        if missing and best is not None:
            s, e = best.span
            sentence = best.hit.passage.text[s:e]
            tokens = next(t for a, b, t in self._sentences[best.hit.passage.id] if (a, b) == best.span)
            missing = [t for t in missing
                       if not said_otherwise(t, self.segment.subwords(t), sentence)
                       and not (q.lang == "zh" and shares_characters(t, sentence, tokens))
                       and not (q.lang == "en" and self._partly_said(t, sentence))]
        return "absent " + self._names(q, missing) if missing else None

    def _low_coverage(self, q: Query, ev: Evidence, best: Candidate | None) -> str | None:
        """The best sentence holds too little of what the question asks; half the
        words is not enough when an indicator the question names (GDP in "services'
        share of GDP") is nowhere in the passage or its heading."""
        if best is None or best.coverage < self.settings.min_coverage[q.lang]:
            return "low coverage"
        if best.coverage < self.settings.anchor_coverage:
            text = best.hit.passage.indexed_text().lower()
            # (a term base's guess for one English word, "volume" → 贸易额, anchors nothing)
            if any(self.glossary.kind_of(t) == "indicator" and ev.scale.get(t, 1.0) >= 1.0
                   and not ev.written_in(t, text) for t in ev.content):
                return "low coverage"
        return None

    def _other_place(self, q: Query, ev: Evidence, best: Candidate) -> str | None:
        """"Luzhou's foreign trade": a place the question is about must be in the
        passage that answers it (for a figure, in its own sentence), or the figure is
        some other place's."""
        places = [t for t in ev.content if self.glossary.kind_of(t) == "place"]
        p = best.hit.passage
        where = p.text[best.span[0]:best.span[1]] if q.wants_number else p.text
        elsewhere = [t for t in places if not _written_in(t, where)]
        return "place " + self._names(q, elsewhere) if elsewhere else None

    def _no_figure(self, q: Query, ev: Evidence, best: Candidate) -> str | None:
        """A question a figure answers, and no figure of the sentence answers it:
        none at all, none about what is asked (in its own clause, or the sentence's
        subject for a stated gap), none of the period asked, no share for "what
        share", no count for "how many" (几所高校 is not answered by 2.8万人, "how
        many hogs" not by 增长4%), no total for "how many in all" (not 新增3家)."""
        if not q.wants_number:
            return None
        if not best.scored:
            return "no figure"
        top = best.scored[0]
        p = best.hit.passage
        if top.relevance < self.settings.min_figure_relevance:
            return "no figure"
        floor = self.settings.min_clause_relevance
        if top.own < floor and self._lead_cover(ev, p, top.figure) < floor \
                and not top.of_sentence:
            return "no figure"  # the sentence is on topic, the figure's clause is not
        if q.period_explicit and not q.compare and not top.period_ok:
            return f"period {q.period}"
        if q.asks_share and not self._is_share(p, top.figure):
            return "no figure"
        if (q.counters and not q.asks and top.figure.unit
                and not self._unit_matches(top.figure, q.counters)):
            return "no figure"
        if (HOW_MANY_EN.search(q.text) and not q.asks and not q.compare
                and top.figure.unit == "%" and "%" not in q.units):
            return "no figure"
        if q.asks_stock and ADDED.search(self._around[(p.id, top.figure.start)][0]):
            return "no figure"
        return None

    # -- what the reasons share ------------------------------------------------

    def absent_terms(self, content: list[str], whole: bool = False,
                     corpus: str | None = None) -> list[str]:
        """Question terms the report never uses, not even as their parts
        (房价, 常住人口, 区长): the question is about something it does not cover.
        `whole`: parts do not count. An English question's terms come from the
        glossary, whose terms are all in the report except those listed as absent
        (人均地区生产总值 for "per-capita GDP"): such a term is absent as a whole."""
        text = self._corpus_text if corpus is None else corpus

        def absent(t: str) -> bool:
            if len(t) < 2 or t.lower() in text or t.isdigit():
                return False
            if whole:
                return True
            # Its parts are ordinary words (城镇, 居民): any report of the library may
            # say them, so they are looked for in all of it; the term itself in the
            # reports asked about.
            parts = self.segment.subwords(t)
            return not parts or not all(w in self._corpus_text for w in parts)
        return [t for t in content if absent(t)]

    def _partly_said(self, term: str, sentence: str) -> bool:
        """Whether the answering sentence says the first word of a term an English
        question was carried to (金融 of 金融机构, 存贷款 of 存贷款规模): the term base's
        Chinese for an English phrase is one way to say it, not the report's, and its
        head is what reports word differently. The first word is what tells the term
        from a broader one (人均 of 人均地区生产总值): without it, it is not said."""
        parts = [w for w in self.segment.subwords(term) if w != term]
        first = parts[0] if parts else ""
        return (len(first) >= 2 and term.startswith(first) and first not in GENERIC_HEADS
                and first in sentence)

    def _names(self, q: Query, terms: list[str]) -> str:
        """Terms as the asker reads them: Chinese, or English where the glossary knows."""
        if q.lang == "zh":
            return "、".join(terms)
        return ", ".join(f"{self.glossary.label_en(t)} ({t})" if self.glossary.label_en(t) else t
                         for t in terms)

    def _unknown_places(self, text: str) -> tuple[Mention, ...]:
        """Capitalised words an English question writes where it names a place
        ("Zorbliton's", "in Zorbliton?", "Zorbliton County") that neither the
        gazetteer nor the term base knows."""
        out = []
        for m in lang_data.pattern("unplaced_name_en").finditer(text):
            name = next(g for g in m.groups() if g)
            start = m.start(next(k for k, v in m.groupdict().items() if v))
            if not any(self._known_word(w) for w in re.split(r"[-\s]", name)):
                out.append(Mention(name, start, start + len(name), name, name, ()))
        return tuple(out)

    def _known_word(self, word: str) -> bool:
        low = word.lower()
        return (low in EN_STOPWORDS or bool(self.termbase.lookup(tb.en_key(word)))
                or bool(self.glossary.match_spans(word)[0]))



def _outside_years(q: Query) -> str | None:
    """A year no report asked about covers ("year 2019"), or a result asked of a
    report written for its plan year, which gives targets only ("plan 2023")."""
    if q.out_of_scope_year is not None:
        return f"year {q.out_of_scope_year}"
    frame = q.frame
    if frame is not None and frame.target > frame.result and \
            q.period == period_labels.label(frame.target, "result"):
        return f"plan {frame.target}"
    return None


def _no_person(q: Query, best: Candidate) -> str | None:
    """"Who is the mayor": plans name tasks and units, rarely people; only a
    sentence with a person's title answers."""
    if q.asks_person and not PERSON_MARKERS.search(best.hit.passage.text[slice(*best.span)]):
        return "no person"
    return None


def _written_in(name: str, text: str) -> bool:
    """`name` is in `text`, whole or spelled out (海峡两岸合作区 in 海峡两岸产业合作区)."""
    if name in text:
        return True
    it = iter(text)
    return len(name) >= 4 and all(ch in it for ch in name)
