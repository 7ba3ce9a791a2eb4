"""Scoring: pure functions from (gold item, answer JSON, latency) to numbers.

`score_item` judges one answer; `aggregate` turns the per-item results into
the metrics dict that is written to ``metrics.json``. Matching is
whitespace-insensitive: all whitespace is removed on both sides before ``in``,
because the report's text may break a line inside a sentence.

A metric whose denominator is empty (e.g. abstention recall with no
unanswerable item) is ``None`` rather than 0 or 1, so that it cannot pass or
fail a threshold by accident.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eval.gold import KINDS, LANGS, GoldItem

DocumentText = Callable[[str], str | None]  # doc_id -> text, None when unknown

HIT_KS: tuple[int, ...] = (1, 3, 5)
FIGURES_FOR_ANSWER = 3  # answer strings may be found in the first 3 figures' text

# The keys of every group's metrics (the ones a threshold may name).
METRIC_KEYS: tuple[str, ...] = (
    *(f"hit@{k}" for k in HIT_KS),
    "mrr",
    "answer_acc",
    "strict_acc",
    "wrong_report",
    "abst_recall",
    "abst_precision",
    "false_abst",
    "faithful",
    "citation_valid",
    "latency_p50_ms",
    "latency_p95_ms",
)
# For these, smaller is better: a threshold on them is a ceiling.
LOWER_IS_BETTER: frozenset[str] = frozenset({"false_abst", "wrong_report", "latency_p50_ms",
                                            "latency_p95_ms"})


def squash(text: str) -> str:
    """`text` without any whitespace (the form that matching compares)."""
    return "".join(text.split())


_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
# How a gold answer may write a change's direction before its figure ("下降7.3%").
FALL_WORDS = ("下降", "减少", "回落", "降低", "下滑", "下跌")
RISE_WORDS = ("增长", "增加", "提高", "上升", "上涨")


def contains_all(needles: Iterable[str], haystacks: Iterable[str]) -> bool:
    """Whether every needle lies inside one of the haystacks, whitespace ignored.

    Each needle must sit inside a single haystack: a match that straddles two
    citations or a figure and the answer text is not evidence of anything.
    """
    hay = [squash(h) for h in haystacks]
    return all(any(squash(n) in h for h in hay) for n in needles)


@dataclass(frozen=True)
class ItemResult:
    """How one answer scored against its gold item."""

    item: GoldItem
    answer: dict[str, Any]
    latency_ms: float
    evidence_rank: int | None  # smallest k whose citations hold all evidence
    answer_found: bool  # every answer string in the answer text or first figures
    abstained: bool
    figures: int
    figures_faithful: int
    citations: int
    citations_valid: int
    answer_stated: bool = False  # every number answer is one of the answer's figures
    wrong_report: bool = False  # answered only from reports that do not hold the answer

    @property
    def accurate(self) -> bool:
        if not self.item.answerable:
            return self.abstained
        return self.answer_found and not self.abstained

    @property
    def strict(self) -> bool:
        """Accurate, and a number it should give is a stated figure, not merely
        inside a quoted sentence; never from another report than the answer's."""
        if not self.item.answerable:
            return self.abstained
        return self.accurate and self.answer_stated and not self.wrong_report

    @property
    def retrieval_miss(self) -> bool:
        return bool(self.item.evidence) and self.evidence_rank is None

    def hit(self, k: int) -> bool:
        return self.evidence_rank is not None and self.evidence_rank <= k

    def failures(self) -> list[str]:
        """Why this item counts as a failure; empty when it does not."""
        reasons = []
        if self.retrieval_miss:
            reasons.append("retrieval miss")
        if self.wrong_report:
            reasons.append("wrong report")
        if self.item.answerable and self.abstained:
            reasons.append("false abstention")
        elif self.item.answerable and not self.answer_found:
            reasons.append("wrong answer")
        elif not self.item.answerable and not self.abstained:
            reasons.append("missed abstention")
        return reasons

    def scores(self) -> dict[str, Any]:
        """The per-item numbers, as written next to each answer."""
        return {
            "evidence_rank": self.evidence_rank,
            "answer_found": self.answer_found,
            "abstained": self.abstained,
            "accurate": self.accurate,
            "strict": self.strict,
            "wrong_report": self.wrong_report,
            "figures": self.figures,
            "figures_faithful": self.figures_faithful,
            "citations": self.citations,
            "citations_valid": self.citations_valid,
            "latency_ms": self.latency_ms,
            "failures": self.failures(),
        }


def evidence_rank(evidence: Sequence[str], citations: Sequence[dict[str, Any]]) -> int | None:
    """The smallest k such that the first k citations hold every evidence string."""
    if not evidence:
        return None
    for k in range(1, len(citations) + 1):
        if contains_all(evidence, (c.get("text", "") for c in citations[:k])):
            return k
    return None


def answer_found(expected: Sequence[str], answer: dict[str, Any]) -> bool:
    """Whether every expected string is in the answer text or the first figures."""
    figures = answer.get("figures") or []
    places = [answer.get("answer") or ""]
    places += [f.get("text", "") for f in figures[:FIGURES_FOR_ANSWER]]
    return contains_all(expected, places)


def answer_stated(expected: Sequence[str], answer: dict[str, Any]) -> bool:
    """Whether every expected string with a digit in it is (inside) one of the answer's
    figures, and every other one is in the answer text or its figures."""
    figures = []
    for f in answer.get("figures") or []:
        # A qualifier the report writes beside the figure (突破200亿元, 8%左右) is stated too.
        text, qual = f.get("text", ""), (f.get("qualifier") or "").split("/")[0]
        value = f.get("value")
        # A table cell states its column's unit (增速(%) → 5.7 is 5.7%; 总量(亿元) → 1202.8亿元).
        text = _with_unit(text, f.get("unit") or "", value)
        figures += [text, qual + text, text + qual] if qual else [text]
        # …and the direction its value has: a fall of 7.3% (value -7.3) states "下降7.3%".
        if isinstance(value, (int, float)) and value != 0 and not text.startswith(("-", "−")):
            figures += [w + text for w in (FALL_WORDS if value < 0 else RISE_WORDS)]
    for needle in expected:
        # A date ("2023年1月4日": when a report was delivered) is no number answer.
        number = any(ch.isdigit() for ch in needle) and not _DATE.fullmatch(squash(needle))
        places = figures if number else [answer.get("answer") or "", *figures]
        if not contains_all([needle], places):
            return False
    return True


def _with_unit(text: str, unit: str, value: object) -> str:
    """A bare number with the unit (and magnitude) its figure carries: "5.7" of unit % is
    "5.7%", "1202.8" of value 1.2028e11 yuan is "1202.8亿元"; any other text as it is."""
    if not unit or not re.fullmatch(r"-?\d+(?:\.\d+)?", text) or not isinstance(value, (int, float)):
        return text
    try:
        ratio = abs(value / float(text)) if float(text) else 1.0
    except (ValueError, ZeroDivisionError):
        return text
    magnitude = next((word for power, word in _MAGNITUDES if math.isclose(ratio, power)), None)
    if magnitude is None:
        return text
    return text + magnitude + unit


_MAGNITUDES = ((1.0, ""), (1e4, "万"), (1e8, "亿"), (1e12, "万亿"))


def answer_docs(item: GoldItem, document_text: DocumentText) -> tuple[str, ...]:
    """The documents that hold the answer: the item's `docs`, or the document whose
    id begins the item's id (``suining-2021-plan-03``)."""
    if item.docs:
        return item.docs
    parts = item.id.split("-")
    for n in range(len(parts) - 1, 0, -1):
        prefix = "-".join(parts[:n])
        if document_text(prefix) is not None:
            return (prefix,)
    return ()


def is_wrong_report(item: GoldItem, answer: dict[str, Any], document_text: DocumentText) -> bool:
    """An answer (not an abstention) whose figures, or first citation when it states
    none, come only from reports other than those holding the answer — or any
    answer at all to a question about a report the library lacks."""
    if answer.get("abstained"):
        return False
    docs = set(answer_docs(item, document_text))
    if not docs:
        return False
    citations = answer.get("citations") or []
    used = {citations[f["citation"]].get("doc_id") for f in answer.get("figures") or []
            if isinstance(f.get("citation"), int) and 0 <= f["citation"] < len(citations)}
    if not used and citations:
        used = {citations[0].get("doc_id")}
    return bool(used) and not (used & docs)


def span_matches(doc_text: str | None, text: str, start: Any, end: Any) -> bool:
    """Whether ``doc_text[start:end] == text`` with sane integer offsets."""
    if doc_text is None or not isinstance(start, int) or not isinstance(end, int):
        return False
    return 0 <= start <= end <= len(doc_text) and doc_text[start:end] == text


def citation_valid(citation: dict[str, Any], document_text: DocumentText) -> bool:
    """The citation's text is in its document at its offsets, and its quote lies inside it."""
    text = citation.get("text", "")
    doc = document_text(citation.get("doc_id", ""))
    if not span_matches(doc, text, citation.get("start"), citation.get("end")):
        return False
    qs, qe = citation.get("quote_start"), citation.get("quote_end")
    return isinstance(qs, int) and isinstance(qe, int) and 0 <= qs < qe <= len(text)


def figure_faithful(
    figure: dict[str, Any], citations: Sequence[dict[str, Any]], document_text: DocumentText
) -> bool:
    """The figure's text is in the source at its offsets.

    A figure names its document through `citation` (an index into the
    answer's citations). When that index is missing or out of range, the
    figure may still be faithful to any of the documents the answer cites.
    """
    idx = figure.get("citation", -1)
    if isinstance(idx, int) and 0 <= idx < len(citations):
        doc_ids = [citations[idx].get("doc_id", "")]
    else:
        doc_ids = list(dict.fromkeys(c.get("doc_id", "") for c in citations))
    text, start, end = figure.get("text", ""), figure.get("start"), figure.get("end")
    return any(span_matches(document_text(d), text, start, end) for d in doc_ids)


def score_item(
    item: GoldItem, answer: dict[str, Any], latency_ms: float, document_text: DocumentText
) -> ItemResult:
    """Judge one answer (``Answer.to_dict()`` form) against its gold item."""
    citations = answer.get("citations") or []
    figures = answer.get("figures") or []
    return ItemResult(
        item=item,
        answer=answer,
        latency_ms=latency_ms,
        evidence_rank=evidence_rank(item.evidence, citations),
        answer_found=answer_found(item.answer, answer),
        abstained=bool(answer.get("abstained", False)),
        figures=len(figures),
        figures_faithful=sum(figure_faithful(f, citations, document_text) for f in figures),
        citations=len(citations),
        citations_valid=sum(citation_valid(c, document_text) for c in citations),
        answer_stated=answer_stated(item.answer, answer),
        wrong_report=is_wrong_report(item, answer, document_text),
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th quantile (0..1) with linear interpolation between ranks."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _share(num: int | float, den: int) -> float | None:
    return num / den if den else None


def group_metrics(results: Sequence[ItemResult]) -> dict[str, Any]:
    """The metrics of one group of items (a language, a kind, or all)."""
    retrieval = [r for r in results if r.item.evidence]
    unanswerable = [r for r in results if not r.item.answerable]
    answerable = [r for r in results if r.item.answerable]
    abstained = [r for r in results if r.abstained]
    latencies = [r.latency_ms for r in results]
    figures = sum(r.figures for r in results)
    citations = sum(r.citations for r in results)
    m: dict[str, Any] = {
        "n": len(results),
        "n_retrieval": len(retrieval),
        "n_unanswerable": len(unanswerable),
        "n_abstained": len(abstained),
        "n_figures": figures,
        "n_citations": citations,
    }
    for k in HIT_KS:
        m[f"hit@{k}"] = _share(sum(r.hit(k) for r in retrieval), len(retrieval))
    rr = sum(1 / r.evidence_rank for r in retrieval if r.evidence_rank)
    m["mrr"] = _share(rr, len(retrieval))
    m["answer_acc"] = _share(sum(r.accurate for r in results), len(results))
    m["strict_acc"] = _share(sum(r.strict for r in results), len(results))
    answered = [r for r in results if not r.abstained]
    m["wrong_report"] = _share(sum(r.wrong_report for r in answered), len(answered))
    m["abst_recall"] = _share(sum(r.abstained for r in unanswerable), len(unanswerable))
    m["abst_precision"] = _share(sum(not r.item.answerable for r in abstained), len(abstained))
    m["false_abst"] = _share(sum(r.abstained for r in answerable), len(answerable))
    m["faithful"] = _share(sum(r.figures_faithful for r in results), figures)
    m["citation_valid"] = _share(sum(r.citations_valid for r in results), citations)
    m["latency_p50_ms"] = percentile(latencies, 0.50)
    m["latency_p95_ms"] = percentile(latencies, 0.95)
    return m


def aggregate(results: Sequence[ItemResult], top_k: int | None = None) -> dict[str, Any]:
    """All the metrics: per language, overall, per kind and per language and kind."""
    present_kinds = [k for k in KINDS if any(r.item.kind == k for r in results)]
    metrics: dict[str, Any] = {"n": len(results)}
    if top_k is not None:
        metrics["top_k"] = top_k
    for lang in LANGS:
        metrics[lang] = group_metrics([r for r in results if r.item.lang == lang])
    metrics["all"] = group_metrics(results)
    metrics["by_kind"] = {
        kind: group_metrics([r for r in results if r.item.kind == kind]) for kind in present_kinds
    }
    by_lang_kind: dict[str, dict[str, Any]] = {}
    for lang in LANGS:
        for kind in present_kinds:
            group = [r for r in results if r.item.lang == lang and r.item.kind == kind]
            if group:
                by_lang_kind.setdefault(lang, {})[kind] = group_metrics(group)
    metrics["by_lang_kind"] = by_lang_kind
    # Every gold file on its own, so that one corpus cannot hide another's drop.
    by_file: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(gold_file(r.item) for r in results):
        group = [r for r in results if gold_file(r.item) == name]
        by_file[name] = {lang: group_metrics([r for r in group if r.item.lang == lang])
                         for lang in LANGS if any(r.item.lang == lang for r in group)}
        by_file[name]["all"] = group_metrics(group)
    metrics["by_file"] = by_file
    conversations = conversation_metrics(by_file)
    if conversations:
        metrics["conversations"] = conversations
    return metrics


def conversation_metrics(by_file: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per conversation file and language: the follow-ups' strict accuracy asked
    after their earlier turns, asked whole, and the first against the second."""
    out: dict[str, Any] = {}
    for name, groups in by_file.items():
        stem, _, part = name.partition("#")
        if part != "followup" or f"{stem}#whole" not in by_file:
            continue
        whole = by_file[f"{stem}#whole"]
        out[stem] = {}
        for lang in (*LANGS, "all"):
            if lang not in groups or lang not in whole:
                continue
            f, w = groups[lang]["strict_acc"], whole[lang]["strict_acc"]
            out[stem][lang] = {"n": groups[lang]["n"], "followup_strict": f, "whole_strict": w,
                               "ratio": (f / w) if f is not None and w else None}
    return out


def gold_file(item: GoldItem) -> str:
    """The stem of the gold file an item came from ("reports-dev")."""
    path = item.source.rpartition(":")[0] or item.source
    name = path.replace("\\", "/").rpartition("/")[2]
    stem, part, turn = name.partition("#")  # a conversation file's part: "#followup"
    return (stem.removesuffix(".jsonl") + part + turn) or "gold"
