"""Reading a question: relative years, the units it asks in, its separate asks."""

from __future__ import annotations

import pytest

from qa.query import Frame, analyse

# The Yongchuan report's years: results of 2022, targets of 2023.
YONGCHUAN = Frame(result=2022, target=2023)


@pytest.mark.parametrize(("question", "years", "period"), [
    ("去年粮食产量是多少？", (2022,), "2022-actual"),
    ("今年GDP增长目标定的多少？", (2023,), "2023-target"),
    ("How much did the economy grow last year?", (2022,), "2022-actual"),
    ("What is this year's target for retail sales?", (2023,), "2023-target"),
    ("2022年进出口总额比上一年增长多少？", (2022,), "2022-actual"),  # 比上一年: a growth rate
])
def test_years_relative_to_the_report(question: str, years: tuple, period: str) -> None:
    q = analyse(question, YONGCHUAN)
    assert q.years == years and q.period == period and q.period_explicit


@pytest.mark.parametrize("question", ["How much did GDP actually grow in 2023?", "2023年GDP实际增长多少？",
                                      "What was Yongchuan's total fixed-asset investment in 2023?"])
def test_a_2023_result_is_a_period_of_its_own(question: str) -> None:
    assert analyse(question, YONGCHUAN).period == "2023-actual"  # the report has none: it abstains


def test_year_before_the_report_is_out_of_scope() -> None:
    assert analyse("前年的粮食产量是多少？", YONGCHUAN).out_of_scope_year == 2021


@pytest.mark.parametrize(("question", "periods"), [
    ("去年固投实际涨了多少，今年目标又是多少", {"2022-actual", "2023-target"}),
    ("How does this year's target for new urban jobs compare with the number created in 2022?",
     {"2022-actual", "2023-target"}),
    ("规上工业增加值，去年定的增长目标和今年定的目标分别是多少？", {"2022-target", "2023-target"}),
    ("2022年地区生产总值的预期目标和实际增速分别是多少？", {"2022-target", "2022-actual"}),
    ("What was the fixed-asset investment growth target for 2022, and what is it for 2023?",
     {"2022-target", "2023-target"}),
    ("2022年计划开展职业技能提升培训多少人，实际完成多少？", {"2022-target", "2022-actual"}),
    ("社零去年实际增速和今年的增长目标各是多少？", {"2022-actual", "2023-target"}),
])
def test_periods_of_a_comparison(question: str, periods: set) -> None:
    q = analyse(question, YONGCHUAN)
    assert q.compare and set(q.periods) == periods


@pytest.mark.parametrize(("question", "counters"), [
    ("永川一共有几所高校？", {"所"}),
    ("去年永川生猪出栏了多少万头？", {"头"}),
    ("2022年流动文化进村服务开展了多少场次？", {"场次"}),
    ("2022年开展技能培训多少人次？", {"人"}),  # 人次 counts people
    ("How many tonnes of tea were produced in 2022?", {"吨"}),
    ("How many electric vehicles were sold in 2022?", {"辆"}),
    ("How many hogs were slaughtered in 2022?", {"头"}),
    ("How many highly skilled workers will be trained in 2023?", {"人"}),  # words between
    ("What is the shale gas output target in cubic metres?", {"立方米"}),
    ("By what percentage did foreign investment grow?", {"%"}),
    ("How much did Yongchuan spend on R&D in yuan?", {"元"}),
    ("By how much did services trade grow in 2022?", {"%"}),
    ("What was the year-on-year growth rate of grain production last year?", {"%"}),
    ("How many billion yuan of fixed-asset investment is targeted for 2023?", {"元"}),
    ("2022年粮食产量是多少？", set()),
])
def test_units_a_question_asks_in(question: str, counters: set) -> None:
    q = analyse(question, YONGCHUAN)
    assert set(q.counters) == counters and set(q.counters) <= set(q.units)


@pytest.mark.parametrize(("question", "asks"), [
    ("永川2022年外贸进出口总额是多少，比上一年涨了多少？",
     ("永川2022年外贸进出口总额是多少", "比上一年涨了多少")),
    ("How many new industrial projects were landed in 2022, and how much investment was signed?",
     ("How many new industrial projects were landed in 2022", "how much investment was signed")),
    ("2022年粮食产量是多少？", ()),
    ("城镇和农村居民人均可支配收入分别增长多少？", ()),  # one ask about two things
])
def test_separate_asks(question: str, asks: tuple) -> None:
    assert analyse(question, YONGCHUAN).asks == asks


@pytest.mark.parametrize(("question", "stock"), [
    ("永川全区现在一共有多少家金融机构？", True),
    ("截至2022年底，永川累计有多少家高新技术企业？", True),
    ("How many hospitals are there in Yongchuan?", True),
    ("2022年新增金融机构多少家？", False),
    ("2022年新增市级以上研发平台多少家？累计达到多少家？", False),  # asks the additions too
    ("How many new enterprises were there in 2022?", False),
])
def test_totals_to_date_against_additions(question: str, stock: bool) -> None:
    assert analyse(question, YONGCHUAN).asks_stock is stock


@pytest.mark.parametrize(("question", "number"), [
    ("What national transport title did Yongchuan receive in 2022?", False),
    ("When did the smart environmental-protection platform go live?", False),
    ("What level of vehicle access-management pilot is Yongchuan applying for?", False),
    ("How many 5G base stations were added in 2022?", True),
])
def test_titles_dates_and_levels_are_not_figures(question: str, number: bool) -> None:
    q = analyse(question, YONGCHUAN)
    assert (q.wants_number or q.may_want_number) is number


def test_whose_is_not_who() -> None:
    q = analyse("Whose disposable income grew faster in 2022, urban or rural residents?", YONGCHUAN)
    assert not q.asks_person and q.compare


def test_growth_of_sales_asks_for_a_rate_not_money() -> None:
    assert "元" not in analyse("How did retail sales growth in 2022 compare with the 2023 target?", YONGCHUAN).units
    assert "元" in analyse("How much did retail sales total in 2022?", YONGCHUAN).units


def test_actually_utilised_names_an_indicator() -> None:
    q = analyse("What is the 2023 target for actually utilized foreign investment?", YONGCHUAN)
    assert not q.compare and q.period == "2023-target"
    assert analyse("Did Yongchuan actually meet its 2022 GDP target?", YONGCHUAN).compare


def test_who_is_eligible_is_not_a_person() -> None:
    assert not analyse("Who is eligible for the HPV vaccine subsidy?", YONGCHUAN).asks_person
    assert analyse("Who is the head of the district?", YONGCHUAN).asks_person


@pytest.mark.parametrize(("frame", "question", "years", "period"), [
    # A 2021 work report (results of 2020, targets of 2021): 去年 is 2020, 今年 2021.
    (Frame(result=2020, target=2021), "去年地区生产总值增长多少？", (2020,), "2020-actual"),
    (Frame(result=2020, target=2021), "今年的增长目标是多少？", (2021,), "2021-target"),
    # A 2022 bulletin (results of 2022, nothing planned): "last year" is 2022.
    (Frame(result=2022, target=2023), "What was GDP growth last year?", (2022,), "2022-actual"),
    (Frame(result=2019, target=2020), "2019年GDP增长多少？", (2019,), "2019-actual"),
])
def test_years_relative_to_any_report(frame: Frame, question: str, years: tuple,
                                      period: str) -> None:
    q = analyse(question, frame)
    assert q.years == years and q.period == period and q.out_of_scope_year is None


def test_a_year_no_frame_covers_is_out_of_scope() -> None:
    assert analyse("2019年GDP增长多少？", Frame(result=2022, target=2023)).out_of_scope_year == 2019
    assert analyse("2019年GDP增长多少？", Frame(result=2019, target=2020)).out_of_scope_year is None


@pytest.mark.parametrize(("asked", "read"), [
    ("2021年遂寧市進出口總額是多少？", "2021年遂宁市进出口总额是多少？"),
    ("延邊州2020年地區生產總值增長多少？", "延边州2020年地区生产总值增长多少？"),
    ("What was GDP in 2022?", "What was GDP in 2022?"),
])
def test_traditional_characters_are_read_as_simplified(asked: str, read: str) -> None:
    assert analyse(asked).text == read


@pytest.mark.parametrize(("asked", "read", "lang"), [
    ("[报告](https://example.com/annual-report) 2022年GDP是多少？", "报告 2022年GDP是多少？", "zh"),
    ("**芜湖市**2022年粮食产量是多少？", "芜湖市 2022年粮食产量是多少？", "zh"),
    ("## 问题\n2023年的目标是什么？", "问题 2023年的目标是什么？", "zh"),
    ("What was **grain output** in <b>2022</b>?", "What was grain output in 2022 ?", "en"),
    ("`***`", "`***`", None),  # nothing but marks: left as it was asked (then refused)
])
def test_markup_is_not_the_askers_words(asked: str, read: str, lang: str | None) -> None:
    from qa.query import without_markup

    assert without_markup(asked) == read
    if lang is None:
        with pytest.raises(ValueError, match="no words"):
            analyse(asked)
    else:
        assert analyse(asked).lang == lang


@pytest.mark.parametrize(("question", "parts"), [
    ("What was Shuangbai County's GDP in 2019 and its growth rate?", 2),
    ("Zuoyun County 2020 grain output and growth", 2),
    ("What was Hefei's general public budget revenue in 2023, and the share of tax in it?", 2),
    ("What was the GDP growth rate of Wuhu in 2022?", 0),
    ("How much did exports and imports grow in Wuhu in 2022?", 0),
])
def test_an_english_question_that_asks_a_level_and_its_growth_asks_two_figures(
        question: str, parts: int) -> None:
    assert len(analyse(question).asks) == parts


def test_a_five_year_plan_period_or_a_plan_report_asks_no_target() -> None:
    frame = Frame.of(2020, 2021)
    for q in ("What was Chengdu's average GDP growth over the 13th Five-Year Plan period?",
              "According to the plan implementation report, how fast did GDP grow in 2020?"):
        assert analyse(q, frame).period == "2020-actual", q
    assert analyse("What is the 2021 plan for GDP growth?", frame).period == "2021-target"


def test_a_change_asked_as_rise_or_fall_wants_a_rate() -> None:
    """"分别增减多少", "升降多少": how much each rose or fell, a growth rate."""
    from qa.query import unit_hints

    assert "%" in unit_hints("第二产业和第三产业增加值分别增减多少?", "zh")
    assert "%" in unit_hints("出口额升降多少?", "zh")


@pytest.mark.parametrize(("question", "target", "wider"), [
    ("规上工业增加值增速距计划目标还差多少个百分点？", True, False),
    ("How many points short of its plan target was the growth of retail sales?", True, False),
    ("东安区2022年固定资产投资增速比全市高多少？", False, True),
    ("By how many points did Hunan's growth beat the national rate?", False, True),
    ("How much faster than the provincial rate did its industry grow?", False, True),
    ("地区生产总值增长多少？", False, False),
])
def test_a_gap_to_a_target_or_to_a_wider_place_is_asked(question: str, target: bool,
                                                        wider: bool) -> None:
    q = analyse(question, Frame.of(2022, 2023))
    assert (q.asks_gap, q.asks_bench) == (target, wider)
    if target or wider:  # a gap the result's year states
        assert q.period == "2022-actual"


@pytest.mark.parametrize(("question", "rank"), [
    ("合肥规上工业增加值增速在万亿城市中排第几？", True),
    ("建始县生产总值总量居全州第几位？", True),
    ("Where did Luzhou's GDP rank in Sichuan in 2020?", True),
    ("城镇居民人均可支配收入是多少？", False),  # 居民 is no 居…第
    ("What was the GDP of the first quarter?", False),
])
def test_a_question_of_rank_asks_for_a_rank(question: str, rank: bool) -> None:
    from qa.query import unit_hints

    assert ("rank" in unit_hints(question, "zh" if question[0] > "~" else "en")) == rank


@pytest.mark.parametrize(("question", "n"), [
    ("家庭农场、农民合作社、龙头企业和产业化联合体各有多少家？", 4),
    ("一、二、三产业增加值各是多少？", 3),  # ordinals that share their head
    ("生活用品和服务、医疗保健、教育文化和娱乐、其他用品和服务价格分别上涨多少？", 4),
    ("城镇和农村居民收入分别是多少？", 1),  # 和 alone is told elsewhere
])
def test_the_subjects_a_question_lists_are_counted(question: str, n: int) -> None:
    from qa.select import listed_subjects

    assert listed_subjects(question) == n


@pytest.mark.parametrize(("question", "lang", "units"), [
    ("人均地区生产总值按平均汇率折合多少美元？", "zh", {"美元"}),
    ("What was its 2021 per capita GDP in US dollars?", "en", {"美元"}),
    ("Per capita GDP in 2019, in yuan and in US dollars", "en", {"元", "美元"}),
    ("人均可支配收入多少元？", "zh", {"元"}),
])
def test_a_question_in_dollars_asks_for_dollars(question: str, lang: str, units: set) -> None:
    from qa.query import unit_hints

    assert units <= unit_hints(question, lang) and ("元" in units) == ("元" in unit_hints(question, lang))


def test_rose_or_fell_and_by_how_much_are_question_words() -> None:
    """"是涨了还是跌了?幅度多大?": the change is asked; 幅度 is no word a report must write."""
    from qa.query import INTENT_TERMS

    q = analyse("镇赉县2022年的地方级财政收入是涨了还是跌了?幅度多大?", Frame.of(2022, 2023))
    assert "%" in q.units
    assert {"幅度", "涨", "跌", "还是", "多大"} <= set(INTENT_TERMS)
