"""Routing a question to the library's reports by the place and year it names.

The library is the project's own corpus: the Yongchuan report and 25 openings of
other places' reports. The questions below are new wording, not gold questions.
"""

from __future__ import annotations

import pytest

from corpus import load_corpus
from qa.route import Router
from reportqa.paths import CORPUS_DIR


@pytest.fixture(scope="module")
def router() -> Router:
    return Router({d.id: d.profile for d, _ in load_corpus([CORPUS_DIR])})


def _docs(router: Router, question: str, years: tuple[int, ...] = ()) -> list[tuple[str, ...]]:
    return [ds for _, ds in router.route(question, years).groups]


@pytest.mark.parametrize(("question", "doc"), [
    ("遂宁去年的社零是多少？", "suining-2021-plan"),
    ("Suining's exports in 2021?", "suining-2021-plan"),
    ("延边州的旅游收入", "yanbian-2021-gwr"),
    ("How did Yanbian's tourism do?", "yanbian-2021-gwr"),
    ("合肥市瑶海区的税收", "yaohai-2021-plan"),  # the city qualifies its district
    ("Yaohai District of Hefei: fiscal revenue", "yaohai-2021-plan"),
    ("兵团的棉花产量", "bingtuan-2019-bulletin"),
    ("XPCC cotton output", "bingtuan-2019-bulletin"),
    ("lushunkou fishery output", "lushunkou-2023-gwr"),  # the library's own place in any case
    ("重庆市永川区的茶叶产量", "yongchuan-2022-2023"),
    ("长沙县的工业投资", "changshaxian-2023-gwr"),  # not 长沙市
])
def test_a_named_place_routes_to_its_own_report(router: Router, question: str, doc: str) -> None:
    assert _docs(router, question) == [(doc,)]


@pytest.mark.parametrize(("question", "missing"), [
    ("绵阳市去年的GDP是多少？", "绵阳市"),
    ("What was Qingdao's retail sales growth?", "青岛市"),
    ("How fast did Urumqi grow?", "乌鲁木齐市"),  # an English name that is not pinyin
    ("重庆市2022年GDP是多少？", "重庆市"),  # Yongchuan's parent is not Yongchuan
    ("What was Sichuan's tea output?", None),  # a province with a report of its own
])
def test_a_place_without_a_report_is_missing(router: Router, question: str,
                                              missing: str | None) -> None:
    route = router.route(question)
    if missing is None:
        assert route.groups and not route.missing
    else:
        assert not route.groups and [m.name for m in route.missing] == [missing]


def test_two_places_with_reports_are_a_comparison_across_places(router: Router) -> None:
    assert _docs(router, "芜湖市和遂宁市哪个GDP增速高？") == [("wuhu-2022-bulletin",),
                                                               ("suining-2021-plan",)]
    assert _docs(router, "Wuhu versus Tongcheng: who grew faster?") == [
        ("wuhu-2022-bulletin",), ("tongcheng-2023-plan",)]


def test_a_year_routes_to_the_reports_that_cover_it(router: Router) -> None:
    docs = _docs(router, "2019年的经济增速是多少？", (2019,))[0]
    assert set(docs) == {"sichuan-2019-plan", "bingtuan-2019-bulletin"}
    route = router.route("2031年的GDP目标", (2031,))
    assert not route.groups and route.missing_year == 2031


def test_words_that_are_no_place_stay_unrouted(router: Router) -> None:
    # 城区 is a county's name elsewhere; 重庆文理学院 is a college.
    for q in ("城区道路整治了多少公里？", "重庆文理学院新增了几个硕士点？"):
        route = router.route(q)
        assert not route.missing and len(route.docs) == 26


# ---------------------------------------------------------------- the report named

@pytest.mark.parametrize(("question", "figure"), [
    # The year names the report, not the period: last year's result is asked.
    ("邢台市2024年政府工作报告说去年规上工业增加值增长多少？", "3.4%"),
    ("遂宁市2021年计划报告提到的社会消费品零售总额是多少?", "548.7亿元"),
    ("According to Xingtai's 2024 government work report, how fast did fixed-asset investment grow?",
     "3.0%"),
])
def test_a_question_that_names_its_report_by_year_is_answered_from_it(
        bare_library, question: str, figure: str) -> None:  # noqa: ANN001
    a = bare_library.ask(question)
    assert not a.abstained, a.answer
    assert figure in [f.text for f in a.figures]


def test_this_year_is_the_year_a_report_was_written_in(bare_library) -> None:  # noqa: ANN001
    """Lüshunkou's report was given in December 2022: its 今年 is 2022, whose results it
    gives; Hefei's in January 2024: its 今年 is the year it plans for."""
    a = bare_library.ask("旅顺口区今年固定资产投资是多少？")
    assert [f.text for f in a.figures][:1] == ["51.7亿元"] and a.figures[0].period == "2022-actual"
    a = bare_library.ask("合肥市去年规上工业增加值增长多少？")
    assert a.figures and a.figures[0].period == "2023-actual"


def test_a_report_named_by_the_year_it_plans_for_counts_last_year_from_it(bare_library) -> None:  # noqa: ANN001
    """沙河口区's 2022 report was given on 2021-12-20: its own 去年 is 2020, but "2022年政府
    工作报告说，去年…" counts from the year the question names it by, and so does a 去年
    the report's own year would put outside it."""
    a = bare_library.ask("沙河口区2022年政府工作报告说，去年地区生产总值增长多少？")
    assert [f.text for f in a.figures][:1] == ["6.1%"] and a.figures[0].period == "2021-actual"
    a = bare_library.ask("According to Shahekou's 2022 government work report, how fast did GDP grow last year?")
    assert [f.text for f in a.figures][:1] == ["6.1%"], a.answer
    # Its own 去年 (2020) it does not cover: its readers' (2021) it does.
    a = bare_library.ask("沙河口区去年地区生产总值增长多少？")
    assert [f.text for f in a.figures][:1] == ["6.1%"] and a.figures[0].period == "2021-actual"


def test_a_report_named_by_its_issuer_and_date_is_the_report(bare_library) -> None:  # noqa: ANN001
    a = bare_library.ask("遂宁市发改委2022年4月作的计划报告里，去年全市地区生产总值是多少？")
    assert [f.text for f in a.figures][:1] == ["1519.9亿元"]


def test_expected_to_complete_in_the_year_reviewed_is_the_estimate(bare_library) -> None:  # noqa: ANN001
    a = bare_library.ask("How much fixed-asset investment was Beilin District expected to "
                         "complete in 2024?")
    assert [f.text for f in a.figures][:1] == ["38.7亿元"] and a.figures[0].period == "2024-estimate"


@pytest.mark.parametrize(("question", "gap"), [
    ("遂宁市2021年地区生产总值增速比计划目标高多少？", "0.7个百分点"),
    ("四川2019年全社会固定资产投资增速比预期目标高出多少？", "0.2个百分点"),
    ("By how many points did Suining's 2021 retail sales growth beat the plan target?", "7.4个百分点"),
])
def test_the_gap_to_a_target_is_the_gap_the_report_states(bare_library, question: str,  # noqa: ANN001
                                                          gap: str) -> None:
    a = bare_library.ask(question)
    assert [f.text for f in a.figures][:1] == [gap], a.answer
    assert a.figures[0].period.endswith("-actual")


@pytest.mark.parametrize(("question", "missing"), [
    ("What was Qiqihar's GDP growth in 2021?", "齐齐哈尔市"),  # CC-CEDICT's name, not qiqihaer
    ("How did Hotan's retail sales do?", "和田地区"),
])
def test_english_names_from_the_dictionary_route_like_pinyin(router: Router, question: str,
                                                             missing: str) -> None:
    route = router.route(question)
    assert not route.groups and [m.name for m in route.missing] == [missing]


def test_an_autonomous_place_is_named_with_its_nationalities(router: Router) -> None:
    assert _docs(router, "Yanbian Korean Autonomous Prefecture: tourism revenue?") == [
        ("yanbian-2021-gwr",)]
    route = router.route("Tourism revenue of Yanbian Korean Autonomous Prefecture in 2020?")
    assert [m.text for m in route.mentions] == ["Yanbian Korean Autonomous Prefecture"]


def test_a_name_two_places_share_means_the_library_s_own_when_its_level_fits() -> None:
    """"Weishan County" is 微山县 (Shandong) in the gazetteer and also the library's
    巍山彝族回族自治县 (Yunnan); "Weishan City" fits neither of the library's places."""
    from reportqa.paths import ROOT

    router = Router({d.id: d.profile for d, _ in load_corpus([ROOT / "eval/heldout/reports2"])})
    assert _docs(router, "What was Weishan County's GDP in 2021?") == [("weishan-2021-bulletin",)]
    assert [m.name for m in router.route("What was GDP in Weishan County in 2021?").mentions] == [
        "巍山彝族回族自治县"]


def test_an_english_report_named_by_when_it_was_delivered_is_the_report(bare_library) -> None:  # noqa: ANN001
    """The words that name the report ("delivered in April 2022") are not what is asked:
    its last year is 2021."""
    a = bare_library.ask("According to Suining's plan report delivered in April 2022, how much "
                         "did GDP grow last year?")
    growth = [f for f in a.figures if f.text == "8.2%"]
    assert growth and growth[0].period == "2021-actual", a.answer


def test_a_place_in_brackets_after_another_says_where_it_is(router: Router) -> None:
    """"Suining (near Chengdu)": one place asked about, not a comparison with Chengdu,
    and not a place the library lacks."""
    route = router.route("What was GDP growth of Suining (near Chengdu) in 2021?")
    assert [ds for _, ds in route.groups] == [("suining-2021-plan",)] and not route.missing
    q = "What was GDP growth of Suining (near Chengdu) in 2021?"
    assert [q[s:e] for s, e in route.asides] == ["(near Chengdu)"]
