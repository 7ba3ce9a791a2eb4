"""Naming the report an answer comes from, and answers across reports.

Every answer carries the report(s) it comes from (`Answer.reports`), its
citations their report's title, and, when the library holds several reports, its
text names its source. A question the library has no report for is answered so;
a comparison across places joins each place's answer from its own report.
"""

from __future__ import annotations

from dataclasses import replace

from corpus.profile import Profile
from qa.compose import library_abstention
from qa.query import Query
from qa.route import Route
from reportqa.types import Answer, Document


class Reports:
    """The library's profiles, as answers name them."""

    def __init__(self, profiles: dict[str, Profile], documents: dict[str, Document]) -> None:
        self.profiles = profiles
        self.documents = documents

    def library_abstention(self, q: Query, route: Route) -> Answer:
        """The library has no report on the place (or year) the question names."""
        if route.missing:
            return library_abstention(q.text, q.lang, *_missing(route))
        year = route.missing_year
        return library_abstention(q.text, q.lang, f"{year}年", str(year))

    def assumed(self, q: Query, route: Route, answer: Answer) -> str:
        """What the answer took for granted: the report chosen when the question named
        no place, and places named that the library has no report on."""
        said = []
        if route.missing:
            zh, en = _missing(route)
            said.append(f"资料库中没有{zh}的报告" if q.lang == "zh" else f"the library has no report on {en}")
        if (len(self.profiles) > 1 and route.groups and route.groups[0][0] is None
                and answer.reports and not answer.abstained):
            prof = self.profiles.get(answer.reports[0]["doc_id"])
            if prof is not None:
                said.append(f"问题未指明地区，按{prof.place_name('zh')}{prof.describe('zh')}回答"
                            if q.lang == "zh" else
                            f"no place named: answered from {prof.describe('en')}")
        return "；".join(said) if q.lang == "zh" else "; ".join(said)

    def report_of(self, answer: Answer, docs: list[str]) -> str | None:
        if answer.citations:
            return answer.citations[0].doc_id
        return docs[0] if len(docs) == 1 else None

    def name(self, answer: Answer, doc_id: str, lang: str, several: bool) -> None:
        """Every answer names its report: in the JSON, and in words when the library
        holds several."""
        prof = self.profiles.get(doc_id)
        doc = self.documents[doc_id]
        if prof is None:
            answer.reports = [{"doc_id": doc_id, "title": doc.title}]
            return
        answer.reports = [{
            "doc_id": doc_id, "title": prof.title or doc.title,
            "place": prof.place.name if prof.place else "",
            "place_en": prof.place.en if prof.place else "",
            "year": prof.result_year, "target_year": prof.target_year, "kind": prof.kind,
        }]
        answer.citations = [replace(c, doc_title=self.doc_title(c.doc_id)) for c in answer.citations]
        if several and not answer.abstained:
            answer.answer += (f"（来源：{prof.place_name('zh')}{prof.describe('zh')}）" if lang == "zh"
                              else f" (Source: {prof.describe('en')}.)")
        elif several and answer.abstained:
            answer.answer += (f"（所查报告：{prof.place_name('zh')}{prof.describe('zh')}）"
                              if lang == "zh" else f" (Report searched: {prof.describe('en')}.)")

    def doc_title(self, doc_id: str) -> str:
        prof = self.profiles.get(doc_id)
        if prof is not None and prof.title:
            return prof.title
        if prof is not None:
            return (prof.place.name if prof.place else "") + prof.describe("zh")
        return self.documents[doc_id].title

    def across_places(self, q: Query, route: Route, answers: list[Answer]) -> Answer:
        """A comparison across places: each place's answer from its own report."""
        sep = "；" if q.lang == "zh" else " "
        texts, figures, citations, reports = [], [], [], []
        for (m, _), a in zip(route.groups, answers, strict=True):
            name = (m.name if q.lang == "zh" else m.en) if m else ""
            texts.append(f"{name}：{a.answer}" if q.lang == "zh" else f"{name}: {a.answer}")
            offset = len(citations)
            figures += [replace(f, citation=f.citation + offset) for f in a.figures]
            citations += a.citations
            reports += a.reports
        abstained = all(a.abstained for a in answers)
        return Answer(question=q.text, lang=q.lang, answer=sep.join(texts), abstained=abstained,
                      figures=figures, citations=citations, reports=reports)


def _missing(route: Route) -> tuple[str, str]:
    """The places a question names that the library has no report on (zh, en)."""
    zh = "、".join(dict.fromkeys(m.name for m in route.missing))
    en = ", ".join(dict.fromkeys(m.en or m.text for m in route.missing))
    return zh, en
