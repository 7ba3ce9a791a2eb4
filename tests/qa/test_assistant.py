"""The assistant on the real report: figures, periods, citations, abstention."""

from __future__ import annotations

import pytest

from qa.assistant import Assistant
from reportqa.paths import CORPUS_DIR, ROOT

pytestmark = pytest.mark.model

DOC = (CORPUS_DIR / "yongchuan-2022-2023.txt").read_text(encoding="utf-8")


def _check_offsets(d: dict) -> None:
    """Every citation is an exact slice and every figure sits verbatim in its citation."""
    for c in d["citations"]:
        assert DOC[c["start"]:c["end"]] == c["text"]
        assert 0 <= c["quote_start"] < c["quote_end"] <= len(c["text"])
    for f in d["figures"]:
        assert DOC[f["start"]:f["end"]] == f["text"]
        c = d["citations"][f["citation"]]
        assert c["start"] <= f["start"] and f["end"] <= c["end"]


# (question, verbatim figure expected first, its period). Chinese and English side by side.
CASES = [
    ("2022年粮食产量是多少？", "47.6万吨", "2022-actual"),
    ("How much grain did Yongchuan produce in 2022?", "47.6万吨", "2022-actual"),
    ("2022年新增5G基站多少个？", "1196个", "2022-actual"),
    ("How many 5G base stations were added in 2022?", "1196个", "2022-actual"),
    ("2023年地区生产总值增长目标是多少？", "7%以上", "2023-target"),
    ("What is the 2023 GDP growth target?", "7%以上", "2023-target"),
    ("2022年固定资产投资的预期目标是多少？", "8%左右", "2022-target"),
    ("What GDP growth target had been set for 2022?", "7.5%以上", "2022-target"),
]


@pytest.mark.parametrize(("question", "figure", "period"), CASES)
def test_figure_and_period(assistant, question: str, figure: str, period: str) -> None:  # noqa: ANN001
    d = assistant.ask(question).to_dict()
    assert not d["abstained"], d["answer"]
    assert d["figures"][0]["text"] == figure
    assert d["figures"][0]["period"] == period
    _check_offsets(d)


def test_chinese_answer_quotes_the_report(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("2022年粮食产量是多少？").to_dict()
    assert d["lang"] == "zh" and "粮食产量达到47.6万吨" in d["answer"]
    c = d["citations"][0]
    assert "47.6万吨" in c["text"][c["quote_start"]:c["quote_end"]]


def test_english_answer_renders_units(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("How much grain did Yongchuan produce in 2022?").to_dict()
    assert d["lang"] == "en"
    assert "476,000 tonnes" in d["answer"] and "47.6万吨" in d["answer"]
    assert d["figures"][0]["value"] == 476000.0 and d["figures"][0]["unit"] == "吨"


def test_table_row_answer_keeps_column_meaning(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("2022年社会消费品零售总额完成多少亿元？").to_dict()
    assert d["figures"][0]["text"] == "509" and d["figures"][0]["value"] == 5.09e10
    assert "509亿元" in d["answer"]


@pytest.mark.parametrize("question", [
    "What was Yongchuan's GDP in 2019?",
    "2019年永川区地区生产总值是多少？",
    "永川区的房价平均每平方米多少钱？",
    "What is the mayor of Yongchuan's name?",
    "2023年永川区粮食产量的目标是多少万吨？",  # only the 2022 result is stated
    "泸州2022年进出口总额是多少？",  # the report's figure is Yongchuan's, not Luzhou's
    "What was Luzhou's total foreign trade in 2022?",
    "What share of Yongchuan's GDP does the services sector account for?",  # no share given
    "2022年服务业增加值占地区生产总值的比重是多少？",
    "Who won the Yongchuan International Women's Football Tournament?",  # names no one
    "永川一共有几所高校？",  # 高校 appears, but only as 高校毕业生 counted in 人
    "去年永川生猪出栏了多少万头？",  # only the growth rate is given
    "2022年永川区人均地区生产总值是多少元？",  # GDP per head is never stated
    "去年永川CPI涨了多少？",
    "永川全区现在一共有多少家金融机构？",  # only the year's additions are given (新增3家)
    "So how much did Yongchuan's GDP actually grow in 2023?",  # written early in 2023
    "2023年永川地区生产总值实际增长了多少？",
    "What was Yongchuan's per-capita GDP in 2022?",  # a glossary term listed as absent
])
def test_abstains_when_the_report_does_not_say(assistant, question: str) -> None:  # noqa: ANN001
    d = assistant.ask(question).to_dict()
    assert d["abstained"] is True and d["figures"] == []
    # A year or a place no report of the library covers is the library's answer.
    assert d["answer"].startswith(("报告中没有找到", "The report does not state", "资料库中没有",
                                   "The library has no report"))


def test_answer_json_contract(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("2022年城镇新增就业多少人？", top_k=3, id="q1").to_dict()
    assert list(d) == ["id", "question", "lang", "answer", "abstained", "figures",
                       "citations", "timing_ms", "reports", "assumed", "understood"]
    assert d["reports"][0]["doc_id"] == "yongchuan-2022-2023"
    assert d["reports"][0]["place"] == "永川区" and d["reports"][0]["year"] == 2022
    assert d["id"] == "q1" and len(d["citations"]) == 3
    assert {"text", "value", "unit", "label", "label_en", "period", "kind", "citation",
            "start", "end"} <= set(d["figures"][0])
    assert {"doc_id", "section", "text", "start", "end", "quote_start", "quote_end",
            "score"} <= set(d["citations"][0])
    assert d["timing_ms"]["total"] >= d["timing_ms"]["embed"] > 0


def test_encode_query_is_the_model_call(assistant) -> None:  # noqa: ANN001
    import numpy as np

    v = assistant.encode_query("粮食产量")
    w = assistant.embedder.encode_query(["粮食产量"])[0]
    assert v.shape == (384,) and np.allclose(v, w)


@pytest.mark.parametrize(("question", "message"), [
    ("", "empty"), ("   \n ", "empty"), ("x" * 501, "limit is 500"),
    ("粮食\x00产量", "control"), ("2022", "only numbers or punctuation"), ("？？！", "only numbers"),
])
def test_bad_questions_are_value_errors(assistant, question: str, message: str) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match=message):
        assistant.ask(question)


@pytest.mark.parametrize("top_k", [0, -1, 51, 2.5, True])
def test_bad_top_k(assistant, top_k) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="top_k"):
        assistant.ask("粮食产量", top_k=top_k)


def test_mixed_language_question_is_answered_in_english(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("What was the 粮食产量 in 2022?").to_dict()
    assert d["lang"] == "en" and d["figures"][0]["text"] == "47.6万吨"


# How people type: abbreviations, 去年/今年, filler words. Every figure must be found.
@pytest.mark.parametrize(("question", "figures"), [
    ("去年永川GDP涨了多少？", {"3.5"}),
    ("社零去年总额多少亿元？", {"509"}),
    ("今年5G基站打算新建多少个", {"500个"}),
    ("粮食去年一共收了多少吨", {"47.6万吨"}),
    ("今年城镇新增就业打算达到多少人？", {"2.4万人以上"}),
    # two asks in one question: one figure each, from the same sentence
    ("永川2022年外贸进出口总额是多少，比上一年涨了多少？", {"83.9亿元", "45.5%"}),
    ("2023年安排的重大项目有多少个，总投资多少？", {"16个", "590.2亿元"}),
    # last year's result against this year's target: one figure from each period
    ("去年固投实际涨了多少，今年目标又是多少", {"10%以上"}),  # and 10.4(%) from text or 表1
    ("How does this year's target for new urban jobs compare with the number created in 2022?",
     {"2.8万人", "2.4万人以上"}),
    ("社零去年实际增速和今年的增长目标各是多少？", {"7%以上", "0.7"}),
    # both sides in the same unit: 1770个 places, not the 6所 kindergartens beside them
    ("New kindergarten places: how many were added in 2022 and how many are planned for 2023?",
     {"1530个", "1770个"}),
    # two subjects with one head, in two sentences: each side where its subject is
    ("今年的重大项目和重点项目，哪类总投资更大？分别多少？", {"590.2亿元", "506.6亿元"}),
    # the plan and the result are two cells of one 表2 row
    ("2022年就业创业帮扶计划开展职业技能提升培训多少人，实际完成多少？", {"8000人", "8353人次"}),
])
def test_everyday_phrasing(assistant, question: str, figures: set) -> None:  # noqa: ANN001
    d = assistant.ask(question).to_dict()
    _check_offsets(d)
    assert not d["abstained"] and figures <= {f["text"] for f in d["figures"]}, d["answer"]


def test_comparison_across_periods_quotes_both_passages(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("去年固投实际涨了多少，今年目标又是多少").to_dict()
    _check_offsets(d)
    periods = {f["period"] for f in d["figures"]}
    assert periods == {"2022-actual", "2023-target"}
    assert "10%以上" in d["answer"] and "10.4" in d["answer"]
    assert {f["citation"] for f in d["figures"]} == {0, 1}


@pytest.mark.parametrize("question", [
    "Which expanded faster in 2022 — industrial value added or the economy as a whole?",
    "2022年规上工业增加值和地区生产总值哪个增长更快？",
])
def test_two_subjects_in_one_period(assistant, question: str) -> None:  # noqa: ANN001
    # Both figures sit in two sentences of one passage: one citation quotes both.
    d = assistant.ask(question).to_dict()
    _check_offsets(d)
    assert [f["text"] for f in d["figures"]] == ["5.5%", "3.5%"]
    c = d["citations"][0]
    quote = c["text"][c["quote_start"]:c["quote_end"]]
    assert "5.5%" in quote and "3.5%" in quote
    assert ("5.5%" in d["answer"].split("高于")[0]) if d["lang"] == "zh" else "higher than" in d["answer"]


def test_words_answer_a_question_that_asks_for_no_number(assistant) -> None:  # noqa: ANN001
    # The 2023 goal for rural 5G is 全覆盖, not a figure from a nearby sentence.
    d = assistant.ask("What does the 2023 plan say about 5G in rural areas?").to_dict()
    _check_offsets(d)
    assert not d["abstained"] and d["figures"] == []
    c = d["citations"][0]
    assert "5G网络全覆盖" in c["text"][c["quote_start"]:c["quote_end"]]


@pytest.mark.parametrize("question", [
    "How much investment did the 72 continuing projects complete in 2022?",
    "2022年72个续建项目完成投资多少？",
])
def test_the_questions_own_number_names_the_figure(assistant, question: str) -> None:  # noqa: ANN001
    # One sentence holds 229.5亿元 (199 projects), 128.9亿元 (127) and 100.6亿元 (72).
    d = assistant.ask(question).to_dict()
    _check_offsets(d)
    assert d["figures"][0]["text"] == "100.6亿元"


@pytest.mark.parametrize("question", [
    "Compare R&D intensity in 2022 with the goal for 2023.",
    "研发投入强度去年达到多少，今年目标是多少？",
])
def test_a_result_is_found_without_the_targets_words(assistant, question: str) -> None:  # noqa: ANN001
    # 目标/力争 pull 2023 passages; the 2022 side is searched without them.
    d = assistant.ask(question).to_dict()
    _check_offsets(d)
    got = {(f["text"], f["period"]) for f in d["figures"]}
    assert {("2.4%", "2022-actual"), ("2.5%", "2023-target")} <= got


def test_how_many_vehicles_is_not_answered_by_another_count(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("How many vehicles were produced in Yongchuan in 2022?").to_dict()
    assert d["abstained"], d["answer"]


@pytest.mark.parametrize(("question", "figure"), [
    # one English phrase, two Chinese words (合同引资 / 协议引资): either one covers it
    ("What contracted investment target has Yongchuan set for 2023?", "1000亿元以上"),
    # "in total": 累计达到114家, not 新增12家 beside it
    ("How many municipal-or-higher R&D platforms does Yongchuan have altogether?", "114家"),
    # a table row says what it is with its table's title (表3：…区级重点项目…)
    ("What annual investment is planned for the tourism category in Table 3?", "2.2"),
    ("How much tax payment did companies defer in 2022?", "5.5亿元"),
    # the 年度计划投资 column, not 总投资 beside it
    ("What is the 2023 planned annual outlay for the tourism projects in Table 3?", "2.2"),
    # "actually utilised" names the indicator (实际利用外资); it compares nothing
    ("How much foreign investment was actually utilised in 2022?", "484万美元"),
    # R&D intensity is a share of GDP
    ("What R&D spending as a share of GDP is targeted for 2023?", "2.5%"),
    # the subject is in the clause before the figure: "…页岩气增产扩能，全年产气5.4亿立方米"
    ("How much shale gas was produced in 2022?", "5.4亿立方米"),
    ("What daily shale gas production capacity is planned for 2023?", "300万方以上"),
])
def test_english_wording(assistant, question: str, figure: str) -> None:  # noqa: ANN001
    d = assistant.ask(question).to_dict()
    _check_offsets(d)
    assert not d["abstained"] and d["figures"][0]["text"] == figure, d["answer"]


def test_urban_and_rural_are_two_subjects(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("Compare urban and rural per capita disposable income growth in 2022.").to_dict()
    _check_offsets(d)
    assert {"4.3%", "5.7%"} <= {f["text"] for f in d["figures"]}


@pytest.mark.parametrize("question", [
    "What is Chongqing's GDP growth target for 2023?",  # the municipality, not Yongchuan
    "How many pigs did Yongchuan sell for slaughter in 2022?",  # only 增长4% is given
])
def test_abstains_on_near_misses(assistant, question: str) -> None:  # noqa: ANN001
    d = assistant.ask(question).to_dict()
    assert d["abstained"], d["answer"]


def test_a_tables_rows_do_not_crowd_out_the_total(assistant) -> None:  # noqa: ANN001
    # Every row of 表3 matches "区级重点项目" through its title; the total is in the text.
    d = assistant.ask("How many district-level key projects are planned for 2023?").to_dict()
    _check_offsets(d)
    assert d["figures"][0]["text"] == "150个"


def test_a_figure_beside_the_answer_is_not_the_answer(assistant) -> None:  # noqa: ANN001
    # "建设3-5个乡情陈列馆…，积极创建国家一级图书馆": 3-5个 is about something else.
    d = assistant.ask("What national library status does Yongchuan want in 2023?").to_dict()
    _check_offsets(d)
    assert not d["abstained"] and d["figures"] == [] and "国家一级图书馆" in d["answer"]


def test_a_long_sentence_is_quoted_where_it_answers(assistant) -> None:  # noqa: ANN001
    # The sentence runs to 200+ characters; the items asked for are at its end.
    d = assistant.ask("2023年要建成投用哪些能源项目？").to_dict()
    _check_offsets(d)
    quote = d["answer"].split("“")[1].split("”")[0]
    assert "永川燃机热电联产" in quote and len(quote) <= 160


def test_the_unit_asked_for_chooses_the_sentence(assistant) -> None:  # noqa: ANN001
    # "人才培养平台5个以上" covers the words as well; "how many workers" asks for 人.
    d = assistant.ask("How many highly skilled workers is Yongchuan aiming to attract or train this year?").to_dict()
    _check_offsets(d)
    assert "500人" in {f["text"] for f in d["figures"]}, d["answer"]



def test_a_figure_whose_clause_is_about_something_else_is_no_answer(assistant) -> None:  # noqa: ANN001
    # "…全区接待游客人次与上年基本持平" has no number; 乡村旅游精品路线6条 is in the same sentence.
    d = assistant.ask("How many tourists visited Yongchuan last year?").to_dict()
    assert d["abstained"], d["answer"]


def test_who_is_eligible_asks_for_a_group_not_a_name(assistant) -> None:  # noqa: ANN001
    d = assistant.ask("Who qualifies for the HPV vaccine subsidy in 2023?").to_dict()
    _check_offsets(d)
    assert not d["abstained"] and "初中二年级在校女学生" in d["answer"]


@pytest.mark.parametrize("question", [
    "What was Zorbliton's GDP growth in 2022?",
    "How much grain did Farnwick County produce in 2023?",
    "What was retail sales growth in Quillmoor in 2021?",
])
def test_a_place_no_one_knows_is_one_the_library_lacks_not_a_word_to_skip(
        bare_library, question: str) -> None:  # noqa: ANN001
    a = bare_library.ask(question)
    assert a.abstained and "no report on" in a.answer and not a.figures, a.answer


def test_capitalised_words_that_are_no_place_do_not_abstain(bare_library) -> None:  # noqa: ANN001
    a = bare_library.ask("How fast did GDP grow in 2021 according to Xinhua?")
    assert "no report on" not in a.answer


@pytest.mark.parametrize(("question", "figure"), [
    ("宁远县2023年生猪存栏多少万头？注意不是出栏", "58.97万头"),
    ("宁远县2023年生猪出栏多少？不是存栏", "94.28万头"),
    ("What was Fang County's loan balance at the end of 2023? (loans, not deposits)", "219.06亿元"),
])
def test_what_a_question_says_it_does_not_want_is_not_the_answer(bare_library, question: str,  # noqa: ANN001
                                                                 figure: str) -> None:
    a = bare_library.ask(question)
    assert [f.text for f in a.figures][:1] == [figure], a.answer


@pytest.mark.parametrize(("question", "name"), [
    ("Who presented Fang County's 2023 plan report?", "刘明德"),
    ("旅顺口区2023年政府工作报告是谁作的？", "李井山"),
    ("延边州的政府工作报告由谁作的？", "金寿浩"),
])
def test_who_presented_a_report_is_answered_from_its_byline(bare_library, question: str,  # noqa: ANN001
                                                            name: str) -> None:
    a = bare_library.ask(question)
    assert not a.abstained and name in a.answer, a.answer
    quoted = a.citations[0]
    assert name[0] in quoted.text and bare_library.document_text(quoted.doc_id)[
        quoted.start:quoted.end] == quoted.text


@pytest.mark.parametrize(("question", "said"), [
    ("牟定县2024年的政府工作报告是在哪次会议上作的？", ["牟定县第十八届人民代表大会第三次会议"]),
    ("When was Sichuan's report on the 2019 plan delivered, and at what session?",
     ["2020年5月9日", "四川省第十三届人民代表大会第三次会议", "the 3rd session of the 13th"]),
    ("泉山区政府工作报告由哪位区长在哪一天作的？", ["2024年1月10日", "徐州市泉山区"]),
])
def test_where_and_when_a_report_was_delivered_is_answered_from_its_meeting_line(
        bare_library, question: str, said: list[str]) -> None:  # noqa: ANN001
    a = bare_library.ask(question)
    assert not a.abstained and all(x in a.answer for x in said), a.answer
    text = bare_library.document_text(a.citations[0].doc_id)
    assert all(text[c.start:c.end] == c.text for c in a.citations)
    assert any(said[0][:4] in "".join(c.text.split()) for c in a.citations)


@pytest.mark.parametrize("question", [
    "预期目标是经过哪次会议调整的？",  # another meeting than the one it was delivered at
    "At which session was the report delivered?",  # no report named: which one?
])
def test_a_meeting_question_about_no_one_report_is_not_answered_by_a_meeting_line(
        bare_library, question: str) -> None:  # noqa: ANN001
    a = bare_library.ask(question)
    assert "报告于" not in a.answer and "was presented" not in a.answer, a.answer


def test_a_report_without_a_byline_names_no_presenter(bare_library) -> None:  # noqa: ANN001
    a = bare_library.ask("Who presented Wuhu's 2022 statistical bulletin?")
    assert "presented by" not in a.answer


@pytest.mark.parametrize(("question", "figures"), [
    ("房县2023年地区生产总值是多少，增速如何？", {"184.1亿元", "8.4%"}),
    ("芜湖市2022年全市生产总值实现多少，增速怎样？", {"4502.13亿元", "4.1%"}),
])
def test_a_question_in_two_clauses_wants_both_figures(bare_library, question: str,  # noqa: ANN001
                                                      figures: set[str]) -> None:
    """"…是多少，增速如何": 如何 alone asks for a way, a rate asked how is a figure."""
    a = bare_library.ask(question)
    assert figures <= {f.text for f in a.figures}, a.answer


def _library(embedder, out, paths: list) -> Assistant:  # noqa: ANN001
    """An assistant over an index of `paths` (without any report's override), built in `out`."""
    from corpus import load_corpus
    from index.segment import Segmenter
    from index.store import build_index, load_index
    from qa.glossary import library_glossary

    build_index(load_corpus([ROOT / p for p in paths]), embedder, out)
    return Assistant(load_index(out), embedder, Segmenter(), library_glossary(()))


def test_a_list_of_subjects_gets_a_figure_each(embedder, tmp_path) -> None:  # noqa: ANN001
    """Four subjects asked 分别: four figures, past the usual three."""
    a = _library(embedder, tmp_path / "index", ["eval/heldout/reports3/songyuan-2024-bulletin.txt",
                                                "corpus/reports/wuhu-2022-bulletin.txt"])
    answer = a.ask("松原市2024年生活用品和服务、医疗保健、教育文化和娱乐、其他用品和服务价格分别上涨多少？")
    assert {"0.9%", "1.0%", "0.6%", "4.6%"} <= {f.text for f in answer.figures}, answer.answer


@pytest.mark.parametrize(("question", "rank"), [
    ("合肥2023年规上工业增加值在万亿城市中居第几位？", "第3位"),
    ("In 2023, where did Hefei's industrial value added rank among trillion-yuan cities?", "第3位"),
    ("永川区工业技改投资总量在主城都市区排名第几？", "第1名"),
])
def test_a_question_of_rank_is_answered_by_the_rank(bare_library, question: str,  # noqa: ANN001
                                                    rank: str) -> None:
    a = bare_library.ask(question)
    assert [f.text for f in a.figures][:1] == [rank], a.answer
    assert a.figures[0].kind == "rank"


@pytest.mark.parametrize(("question", "gap", "said"), [
    ("湖南省两年平均增速比全国高多少？", "0.3个百分点", "高于全国"),
    ("By how many points did Hunan's two-year average growth beat the national rate?", "0.3个百分点",
     "Above the national rate by"),
    ("大连普惠型小微贷款利率比全国平均水平低多少？", "0.39个百分点", "低于全国"),
])
def test_a_gap_to_a_wider_place_is_answered_by_the_gap_the_report_states(
        bare_library, question: str, gap: str, said: str) -> None:  # noqa: ANN001
    a = bare_library.ask(question)
    assert [f.text for f in a.figures][:1] == [gap] and said in a.answer, a.answer


@pytest.mark.parametrize(("question", "figures"), [
    # growth asked: the rates, not the shares of GDP (比重23.7%) beside them
    ("松原市2024年第二、三产业哪个增长快？", {"0.5%", "4.9%"}),
    ("In Songyuan in 2024, did the secondary or the tertiary industry grow faster?", {"0.5%", "4.9%"}),
    ("中江县2023年第二产业和第三产业哪个增速更高？", {"5.8%", "7.6%"}),
])
def test_a_question_of_growth_is_not_answered_by_shares(embedder, tmp_path, question: str,  # noqa: ANN001
                                                        figures: set[str]) -> None:
    a = _library(embedder, tmp_path / "index", ["eval/heldout/reports3/songyuan-2024-bulletin.txt",
                                                "corpus/reports/zhongjiang-2023-bulletin.txt"])
    answer = a.ask(question)
    assert figures <= {f.text for f in answer.figures}, answer.answer
    assert all(f.kind != "share" for f in answer.figures), answer.answer


@pytest.mark.parametrize(("question", "figures"), [
    # the Yongchuan override says "faster than" is 快于, a word Fang County's report
    # does not write: for its place the words are read as any others
    ("Did Fang County's GDP grow faster than its fixed-asset investment in 2023?", {"13.7%"}),
    # …and for the report it was written for, it still says what it says
    ("What was Yongchuan's balance of deposits and loans at the end of 2022?", {"1800亿元"}),
])
def test_a_reports_own_phrase_is_no_proof_of_absence_in_another_place(
        index_dir, embedder, question: str, figures: set[str]) -> None:  # noqa: ANN001
    from index.segment import Segmenter
    from index.store import load_index
    from qa.assistant import overrides_of
    from qa.glossary import library_glossary

    bundle = load_index(index_dir)
    assert overrides_of(bundle), "the library reads the Yongchuan override"
    a = Assistant(bundle, embedder, Segmenter(), library_glossary(overrides_of(bundle)))
    answer = a.ask(question)
    assert figures <= {f.text for f in answer.figures}, answer.answer


@pytest.fixture(scope="module")
def delivered(embedder, tmp_path_factory):  # noqa: ANN001, ANN201 - qa.Assistant
    """Four reports whose meeting line sits above their first passage, or carries the
    byline at its end."""
    return _library(embedder, tmp_path_factory.mktemp("delivered") / "index", [
        f"eval/heldout/reports6/{d}.txt" for d in (
            "guangan-2023-plan", "changzhi-2022-gwr", "xinmi-2021-plan", "yiyanghn-2021-gwr")])


@pytest.mark.parametrize(("question", "said"), [
    ("广安市这份计划报告是哪一天在哪次会议上提交的？", ["2024年1月31日", "广安市第六届人民代表大会第三次会议"]),
    ("At which session of the congress was Changzhi's work report for 2022 given?",
     ["2022年2月20日", "the 1st session of the 15th"]),
    ("新密市的计划报告是谁作的，哪一天？", ["张艳艳", "2022年6月28日"]),  # a byline ending the meeting line
    ("益阳市政府工作报告是谁、在什么时候作的？", ["张值恒", "2021年1月12日"]),
])
def test_a_meeting_line_above_the_passages_is_quoted_from_the_document(
        delivered, question: str, said: list[str]) -> None:  # noqa: ANN001
    a = delivered.ask(question)
    assert not a.abstained and all(x in a.answer for x in said), a.answer
    for c in a.citations:
        assert delivered.document_text(c.doc_id)[c.start:c.end] == c.text


def test_a_rank_before_a_figure_ends_no_subject_and_a_conversion_answers_only_in_its_unit(
        embedder, tmp_path) -> None:  # noqa: ANN001
    """"…居全省第1、长三角第2位,全年预计达1100亿元": the 1100亿元 is still 地区生产总值's
    (chizhou-2023-gwr); the dollars a per-capita GDP is converted to answer a question in
    dollars, not one in yuan (nantongtongzhou-2019-bulletin)."""
    a = _library(embedder, tmp_path / "index", ["eval/heldout/reports7/chizhou-2023-gwr.txt",
                                                "eval/heldout/reports7/nantongtongzhou-2019-bulletin.txt"])
    assert "1100亿元" in {f.text for f in a.ask("池州市2022年全年地区生产总值预计是多少？").figures}
    yuan = {f.text for f in a.ask("通州区2019年按常住人口和户籍人口算的人均GDP各是多少元？").figures}
    assert {"12.14万元", "11.04万元"} <= yuan and not any("美元" in t for t in yuan), yuan
    dollars = {f.text for f in a.ask("通州区2019年人均地区生产总值折合多少美元？").figures}
    assert "1.76万美元" in dollars, dollars
