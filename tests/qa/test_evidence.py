"""How well a sentence covers a question's terms."""

from __future__ import annotations

from qa.evidence import PART_CREDIT, TermWeights, coverage


def test_a_compound_found_through_its_head_counts_more_than_through_a_modifier() -> None:
    # 幼儿学位 is a kind of 学位: "新增学位1770个" covers it better than "新增公办幼儿园6所".
    weights = TermWeights([["新增", "学位"], ["新增", "公办", "幼儿园"], ["其他"]])
    parts = {"幼儿学位": ["幼儿", "学位"]}
    head = coverage(["幼儿学位"], {"新增", "学位"}, weights, "新增学位1770个", parts)
    modifier = coverage(["幼儿学位"], {"新增", "公办", "幼儿园"}, weights, "新增公办幼儿园6所", parts)
    assert head.score > modifier.score > 0
    assert head.score <= PART_CREDIT and head.missing == ("幼儿学位",)


def test_a_whole_term_counts_fully() -> None:
    weights = TermWeights([["粮食产量"], ["其他"]])
    assert coverage(["粮食产量"], {"粮食产量"}, weights).score == 1.0
