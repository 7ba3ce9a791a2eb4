"""Everyday Chinese read into the report's words: aliases, filler words, near-synonyms."""

from __future__ import annotations

import pytest

from index.segment import Segmenter
from qa.colloquial import QuestionWords, load_aliases, shares_characters
from qa.glossary import default_glossary
from reportqa.paths import CORPUS_DIR

DOC = (CORPUS_DIR / "yongchuan-2022-2023.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def words() -> QuestionWords:
    return QuestionWords(Segmenter(), default_glossary(), DOC)


def test_every_alias_names_a_term_the_report_uses() -> None:
    for alias, term in load_aliases().items():
        assert term in DOC, f"{alias} → {term}: the report never says {term}"


@pytest.mark.parametrize(("question", "present", "absent"), [
    ("去年永川GDP涨了多少？", {"地区生产总值"}, {"去年", "gdp"}),
    ("社零去年总额多少亿元？", {"社会消费品零售总额"}, {"社零", "去年"}),
    ("去年固投实际涨了多少", {"固定资产投资"}, {"固投"}),
    ("今年5G基站打算新建多少个", {"5g", "基站"}, {"今年", "打算"}),
    ("永川去年R&D投入强度是多少", {"研发投入强度"}, {"去年", "r&d"}),
    ("老城有机更新这块，今年要改造多少处燃气设施？", {"燃气设施"}, {"这块", "今年"}),
    ("去年生物医药产业建成投运了哪些项目？", {"项目"}, {"哪些项目"}),
])
def test_question_terms(words: QuestionWords, question: str, present: set, absent: set) -> None:
    terms = set(words.terms(question))
    assert present <= terms and not (absent & terms)


@pytest.mark.parametrize("question", ["永川区常住人口有多少万人？", "永川的房价是多少", "去年永川CPI涨了多少？"])
def test_nouns_the_report_never_uses_are_kept(words: QuestionWords, question: str) -> None:
    # They are what the question is about; their absence is how it abstains.
    assert any(not words.in_report(t) for t in words.terms(question))


def test_an_alias_the_report_uses_is_left_alone() -> None:
    w = QuestionWords(Segmenter(), default_glossary(), "社零是本报告的用词", {"社零": "社会消费品零售总额"})
    assert w.normalise("社零增长多少") == "社零增长多少"


@pytest.mark.parametrize(("word", "text", "expected"), [
    ("成交额", "技术合同交易金额达到1亿元以上", True),
    ("个体户", "落实中小微企业、个体工商户水气费补贴164万元", True),
    ("比赛", "全国职业院校技能大赛中职组手工制茶大赛成功举办", True),
    ("常住人口", "全年城镇新增就业2.8万人", False),  # long compounds are specific
    ("房价", "“永川秀芽”品牌价值再提升", False),
])
def test_near_synonyms(word: str, text: str, expected: bool) -> None:
    seg = Segmenter()
    assert shares_characters(word, text, seg(text)) is expected
