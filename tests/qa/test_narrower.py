"""A figure of a narrower indicator (人均地区生产总值 beside 地区生产总值) does not
answer the broader one, and a chart title written into a bulletin's text (2018-2022年
全市生产总值) is neither a sentence nor part of the next figure's label. Over the
library's reports, in wordings of their own."""

from __future__ import annotations

import pytest

from qa.assistant import Assistant
from qa.evidence import sentence_spans
from qa.figures import extract_figures
from qa.glossary import narrower_forms
from reportqa import lang
from reportqa.paths import CORPUS_DIR
from reportqa.types import Passage

ROOT = CORPUS_DIR.parent


@pytest.mark.parametrize(("question", "total", "per_capita"), [
    ("芜湖市2022年的生产总值有多少？", "4502.13", "121630"),
    ("How big was Wuhu's GDP in 2022?", "4502.13", "121630"),
    ("2021年河南全省生产总值多少亿元？", "58887.41", "59410"),
    ("What was Henan's gross domestic product in 2021?", "58887.41", "59410"),
    ("和政县2022年地区生产总值是多少？", "341881", "16612"),
    ("兵团2019年生产总值是多少？", "2747.07", "86467"),
])
def test_the_total_answers_the_total_and_the_per_capita_figure_its_own(
        bare_library: Assistant, question: str, total: str, per_capita: str) -> None:
    got = [f.text for f in bare_library.ask(question).figures]
    assert got and got[0].startswith(total) and not any(g.startswith(per_capita) for g in got)
    asked = question.replace("生产总值", "人均生产总值").replace("GDP", "per capita GDP")
    asked = asked.replace("gross domestic product", "per capita GDP")
    assert bare_library.ask(asked).figures[0].text.startswith(per_capita)


@pytest.mark.parametrize("question", [
    "What was the per capita disposable income of rural residents in Yongchuan in 2022?",
    "永川区2022年农村居民人均可支配收入是多少？",
])
def test_a_qualifier_the_question_asks_for_is_not_narrower(bare_library: Assistant,
                                                           question: str) -> None:
    rural = bare_library.ask(question)
    assert rural.figures and rural.figures[0].text.startswith("25315")


def test_narrower_forms_are_the_term_with_a_qualifier_in_front() -> None:
    assert "人均地区生产总值" in narrower_forms("地区生产总值")
    assert "规模以上工业增加值" in narrower_forms("工业增加值")
    assert "农村居民人均可支配收入" in narrower_forms("人均可支配收入")
    assert "地区生产总值" not in narrower_forms("生产总值")  # the same indicator's name
    assert not any(f.startswith("生猪") for f in narrower_forms("生猪"))  # 出栏 is its own head


@pytest.mark.parametrize(("path", "captions"), [
    ("corpus/reports/wuhu-2022-bulletin.txt",
     ["2018-2022年全市生产总值", "2018-2022年三次产业增加值占全市生产总值比重",
      "2018-2022年末全市常住人口数"]),
    ("eval/heldout/reports2/hongdong-2019-bulletin.txt",
     ["图1 2015-2019年全县生产总值及其增长速度", "图2 2015-2019年全县生产总值三次产业构成",
      "图3 2015-2019年居民消费价格比上年涨跌幅度(%)"]),
])
def test_chart_titles_are_found_and_are_no_sentence(path: str, captions: list[str]) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert [text[a:b] for a, b in lang.caption_spans(text)] == captions
    p = Passage(id="x", doc_id="x", text=text, start=0, end=len(text), section="", period="")
    sentences = [text[s:e] for s, e in sentence_spans(p)]
    assert not any(c in s for c in captions for s in sentences)
    labels = {f.label for f in extract_figures(text, 0, "")}
    assert not any(any(c in lab for c in captions) for lab in labels)


def test_a_span_of_years_in_a_sentence_is_no_chart_title() -> None:
    for text in ["2018-2022年全市生产总值年均增长6.1%。", "过去五年，2018-2022年累计完成投资1200亿元",
                 "2019—2023年，全县地区生产总值由120亿元增加到160亿元"]:
        assert lang.caption_spans(text) == []


@pytest.mark.parametrize(("question", "figure"), [
    # The question's 地区生产总值 or GDP, the report's 生产总值: the genre's spellings.
    ("邢台市2023年地区生产总值增长多少？", "4.1%"),
    ("2019年兵团的GDP是多少？", "2747.07亿元"),
    # A share *of* GDP (工业增加值占GDP比重37.3%) and GDP per head answer neither.
    ("芜湖市2022年GDP增长了多少？", "4.1%"),
    ("芜湖市2022年GDP是多少？", "4502.13亿元"),
])
def test_an_indicator_is_found_in_the_spelling_the_report_uses(
        bare_library: Assistant, question: str, figure: str) -> None:
    a = bare_library.ask(question)
    assert not a.abstained, a.answer
    assert [f.text for f in a.figures][:1] == [figure]
