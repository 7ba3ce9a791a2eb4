"""Exact metrics on the hand-made answer set in `fakes`, derived in comments."""

from __future__ import annotations

import pytest

from eval.gold import parse_item
from eval.metrics import (
    aggregate,
    answer_found,
    answer_stated,
    citation_valid,
    contains_all,
    evidence_rank,
    percentile,
    score_item,
)
from eval.runner import InProcess, run_eval
from reportqa.types import Answer

from .fakes import DOC, DOC_ID, GOLD, SENT_5G, SENT_GDP, SENT_GRAIN, FakeAssistant, cite, figure


@pytest.fixture()
def metrics() -> dict:
    assistant = FakeAssistant()
    items = [parse_item(g) for g in GOLD]
    _, m = run_eval(items, InProcess(assistant), top_k=5, clock=assistant.clock)
    return m


def doc_text(doc_id: str) -> str | None:
    return DOC if doc_id == DOC_ID else None


def test_retrieval_overall(metrics: dict) -> None:
    a = metrics["all"]
    # Three items carry evidence: z1 at rank 1, e1 at rank 2, z2 not returned.
    # The two unanswerable items are left out of retrieval.
    assert a["n"] == 5 and a["n_retrieval"] == 3
    assert a["hit@1"] == pytest.approx(1 / 3)
    assert a["hit@3"] == pytest.approx(2 / 3)
    assert a["hit@5"] == pytest.approx(2 / 3)
    # MRR = (1 + 1/2 + 0) / 3 = 0.5
    assert a["mrr"] == pytest.approx(0.5)


def test_answers_and_abstention_overall(metrics: dict) -> None:
    a = metrics["all"]
    # Accurate: z1 (whitespace ignored), e1 (via its figure), z3 (abstained on an
    # unanswerable); not: z2 (wrong number), e2 (answered an unanswerable) -> 3/5.
    assert a["answer_acc"] == pytest.approx(3 / 5)
    # Unanswerable z3 abstained, e2 did not -> recall 1/2. The one abstention
    # was on an unanswerable item -> precision 1. No answerable item abstained.
    assert a["abst_recall"] == pytest.approx(0.5)
    assert a["abst_precision"] == pytest.approx(1.0)
    assert a["false_abst"] == 0.0
    # Two figures: e1's is at its offsets, z2's is one character off -> 1/2.
    assert a["n_figures"] == 2 and a["faithful"] == pytest.approx(0.5)
    # z1 2 + e1 2 + z2 1 + e2 1 citations, all at their offsets -> 6/6.
    assert a["n_citations"] == 6 and a["citation_valid"] == 1.0


def test_latency(metrics: dict) -> None:
    # 10, 20, 30, 40, 50 ms: p50 = 30; p95 lies at rank 0.95 * 4 = 3.8,
    # i.e. 40 + 0.8 * (50 - 40) = 48.
    assert metrics["all"]["latency_p50_ms"] == pytest.approx(30.0)
    assert metrics["all"]["latency_p95_ms"] == pytest.approx(48.0)
    # zh: z1, z2, z3 -> 10, 30, 40; en: e1, e2 -> 20, 50 (p50 halfway, 35).
    assert metrics["zh"]["latency_p50_ms"] == pytest.approx(30.0)
    assert metrics["en"]["latency_p50_ms"] == pytest.approx(35.0)


def test_per_language(metrics: dict) -> None:
    zh, en = metrics["zh"], metrics["en"]
    # zh: z1 right, z2 wrong, z3 abstained -> 2/3; retrieval z1 @1, z2 miss.
    assert (zh["n"], zh["answer_acc"]) == (3, pytest.approx(2 / 3))
    assert (zh["hit@1"], zh["hit@5"], zh["mrr"]) == (0.5, 0.5, 0.5)
    assert (zh["abst_recall"], zh["abst_precision"], zh["false_abst"]) == (1.0, 1.0, 0.0)
    assert zh["faithful"] == 0.0  # only z2's (unfaithful) figure
    # en: e1 right (retrieved @2), e2 should have abstained -> 1/2.
    assert (en["n"], en["answer_acc"]) == (2, 0.5)
    assert (en["hit@1"], en["hit@3"], en["mrr"]) == (0.0, 1.0, 0.5)
    assert en["abst_recall"] == 0.0
    assert en["abst_precision"] is None  # no abstention at all: undefined, not 0
    assert en["faithful"] == 1.0


def test_per_kind(metrics: dict) -> None:
    by_kind = metrics["by_kind"]
    assert list(by_kind) == ["figure", "target", "unanswerable"]
    # figure: z1 @1, e1 @2 -> MRR (1 + 1/2) / 2 = 0.75, both right.
    assert by_kind["figure"]["mrr"] == pytest.approx(0.75)
    assert by_kind["figure"]["answer_acc"] == 1.0
    assert (by_kind["target"]["hit@5"], by_kind["target"]["answer_acc"]) == (0.0, 0.0)
    assert by_kind["unanswerable"]["hit@5"] is None
    assert by_kind["unanswerable"]["answer_acc"] == 0.5
    blk = metrics["by_lang_kind"]
    assert {lang: list(kinds) for lang, kinds in blk.items()} == {
        "zh": ["figure", "target", "unanswerable"],
        "en": ["figure", "unanswerable"],
    }
    assert blk["zh"]["unanswerable"]["answer_acc"] == 1.0
    assert blk["en"]["unanswerable"]["answer_acc"] == 0.0
    assert metrics["n"] == 5 and metrics["top_k"] == 5


def test_false_abstention_and_precision() -> None:
    # Two answerable items, one abstained although its evidence was retrieved;
    # one unanswerable item, also abstained. Precision = 1 of 2 abstentions.
    items = [parse_item(g) for g in GOLD[:2]] + [parse_item(GOLD[3])]
    answers = [
        Answer(items[0].question, "zh", "", abstained=True, citations=[cite(SENT_GDP)]),
        Answer(items[1].question, "en", "1196个", abstained=False, citations=[cite(SENT_5G)]),
        Answer(items[2].question, "zh", "", abstained=True),
    ]
    results = [
        score_item(i, a.to_dict(), 1.0, doc_text) for i, a in zip(items, answers, strict=True)
    ]
    a = aggregate(results)["all"]
    assert a["false_abst"] == 0.5
    assert a["abst_precision"] == 0.5
    assert a["abst_recall"] == 1.0
    # An abstained answer is never accurate for an answerable item, even when
    # retrieval found the evidence: 2 accurate (e1, z3) of 3.
    assert a["hit@1"] == 1.0 and a["answer_acc"] == pytest.approx(2 / 3)
    assert results[0].failures() == ["false abstention"]


def test_evidence_rank_each_string_within_one_citation() -> None:
    citations = [{"text": "地区生产总值\n达到1202.8亿元"}, {"text": "增长3.5%"}]
    # Whitespace is ignored inside a citation...
    assert evidence_rank(["生产总值达到1202.8"], citations) == 1
    # ...all strings must be covered by the first k, each inside one citation...
    assert evidence_rank(["1202.8亿元", "3.5%"], citations) == 2
    # ...and a match straddling two citations does not count.
    assert evidence_rank(["亿元增长"], citations) is None
    assert evidence_rank([], citations) is None


def test_answer_found_uses_text_and_first_three_figures() -> None:
    figs = [{"text": t} for t in ("1", "2", "3", "47.6万吨")]
    assert answer_found(["47.6 万吨"], {"answer": "粮食产量达到47.6万\n吨", "figures": []})
    assert answer_found(["3"], {"answer": "", "figures": figs})
    assert not answer_found(["47.6万吨"], {"answer": "", "figures": figs})  # 4th figure
    assert contains_all(["a b"], ["xa\tby"]) and not contains_all(["ab"], [])


def test_a_direction_in_the_gold_answer_is_the_sign_of_the_figure() -> None:
    """"下降7.3%" is stated by a figure 7.3% whose value is a fall, not by a rise."""
    fall = {"answer": "Industrial investment fell by 7.3%.",
            "figures": [{"text": "7.3%", "value": -7.3}]}
    rise = {"answer": "", "figures": [{"text": "7.3%", "value": 7.3}]}
    assert answer_stated(["下降7.3%"], fall) and answer_stated(["减少7.3%"], fall)
    assert not answer_stated(["下降7.3%"], rise) and answer_stated(["增长7.3%"], rise)
    assert not answer_stated(["增长7.3%"], fall)
    assert answer_stated(["7.3%"], fall)  # the figure alone, as before


def test_a_table_cell_states_the_unit_of_its_column() -> None:
    """A cell "5.7" under 增速(%) is 5.7%; "1202.8" under 总量(亿元) is 1202.8亿元."""
    cells = {"answer": "", "figures": [{"text": "5.7", "unit": "%", "value": 5.7},
                                       {"text": "1202.8", "unit": "元", "value": 120280000000.0}]}
    assert answer_stated(["5.7%", "1202.8亿元"], cells)
    assert not answer_stated(["1202.8万元"], cells)
    assert answer_stated(["3.5%"], {"answer": "", "figures": [{"text": "3.5%", "unit": "%",
                                                               "value": 3.5}]})


def test_a_date_is_stated_by_the_answer_text() -> None:
    """When a report was delivered is no number answer: the text states it."""
    said = {"answer": "报告于2023年1月4日在盘锦市第九届人民代表大会第二次会议上作。", "figures": []}
    assert answer_stated(["2023年1月4日", "盘锦市第九届人民代表大会第二次会议"], said)
    assert not answer_stated(["2023年1月5日"], said)
    assert not answer_stated(["1.8万人"], {"answer": "1.8万人", "figures": []})  # a number is not


def test_citation_validity() -> None:
    good = cite(SENT_GRAIN).to_dict()
    cases = [
        good,
        {**good, "start": good["start"] + 1, "end": good["end"] + 1},  # offsets off
        {**good, "doc_id": "nope"},  # unknown document
        {**good, "quote_start": 3, "quote_end": 3},  # empty quote
        {**good, "quote_end": len(SENT_GRAIN) + 1},  # quote past the text
    ]
    assert [citation_valid(c, doc_text) for c in cases] == [True, False, False, False, False]


def test_figure_without_citation_index_checked_against_cited_documents() -> None:
    item = parse_item(GOLD[1])
    ans = Answer(
        item.question,
        "en",
        "x",
        abstained=False,
        citations=[cite(SENT_5G)],
        figures=[figure("1196个", citation=-1), figure("1196个", citation=7, shift=2)],
    )
    r = score_item(item, ans.to_dict(), 1.0, doc_text)
    assert (r.figures, r.figures_faithful) == (2, 1)


def test_percentile() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([40.0, 10.0, 30.0, 20.0], 0.5) == 25.0


def test_follow_ups_are_measured_against_the_same_questions_asked_whole() -> None:
    from eval.metrics import conversation_metrics

    by_file = {"conv#first": {"zh": {"n": 2, "strict_acc": 1.0}},
               "conv#followup": {"zh": {"n": 4, "strict_acc": 0.5}, "all": {"n": 4, "strict_acc": 0.5}},
               "conv#whole": {"zh": {"n": 4, "strict_acc": 0.8}, "all": {"n": 4, "strict_acc": 0.8}},
               "other": {"zh": {"n": 1, "strict_acc": 0.0}}}
    out = conversation_metrics(by_file)
    assert list(out) == ["conv"]
    assert out["conv"]["zh"]["ratio"] == pytest.approx(0.625)
    assert out["conv"]["zh"]["followup_strict"] == 0.5 and out["conv"]["zh"]["whole_strict"] == 0.8
