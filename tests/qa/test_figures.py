"""Figure extraction over real sentences of the report, Chinese and English side by side.

Every sentence below is copied from corpus/yongchuan-2022-2023.txt unless its
comment says "synthetic"; `located()` finds it in the report so that offsets
are checked against the real document, not just the snippet.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pytest

from qa.figures import extract_figures, render_en, table_row_figures
from reportqa.paths import CORPUS_DIR
from reportqa.types import Figure, Passage, TableCell

ROOT = CORPUS_DIR.parent

REPORT = CORPUS_DIR / "yongchuan-2022-2023.txt"
A22, T22, T23 = "2022-actual", "2022-target", "2023-target"


@pytest.fixture(scope="module")
def doc() -> str:
    return REPORT.read_text(encoding="utf-8")


def located(doc: str, sentence: str, period: str) -> list[Figure]:
    """Figures of a report sentence, extracted at its real offset."""
    offset = doc.find(sentence)
    assert offset >= 0, f"not in the report: {sentence!r}"
    figures = extract_figures(sentence, offset, period)
    for f in figures:
        assert doc[f.start : f.end] == f.text
    return figures


class Want(NamedTuple):
    text: str
    value: float
    unit: str
    label: str
    kind: str
    text_en: str
    period: str = A22
    qualifier: str = ""


def as_want(f: Figure) -> Want:
    return Want(f.text, f.value, f.unit, f.label, f.kind, f.text_en, f.period, f.qualifier)


SENTENCES: list[tuple[str, str, list[Want]]] = [
    # The opening summary: growth rates; 下降 makes the value negative; "分别增长
    # 1.2%和0.7%" refers back to the two revenues named before it.
    (
        "全年地区生产总值增长3.5%；规上工业增加值增长5.5%；固定资产投资增长10.4%；"
        "社会消费品零售总额增长0.7%；一般公共预算收入下降4%，税收收入下降6.3%，"
        "扣除留抵退税因素后分别增长1.2%和0.7%；",
        A22,
        [
            Want("3.5%", 3.5, "%", "地区生产总值", "growth", "3.5%"),
            Want("5.5%", 5.5, "%", "规上工业增加值", "growth", "5.5%"),
            Want("10.4%", 10.4, "%", "固定资产投资", "growth", "10.4%"),
            Want("0.7%", 0.7, "%", "社会消费品零售总额", "growth", "0.7%"),
            Want("4%", -4.0, "%", "一般公共预算收入", "growth", "-4%"),
            Want("6.3%", -6.3, "%", "税收收入", "growth", "-6.3%"),
            Want("1.2%", 1.2, "%", "一般公共预算收入", "growth", "1.2%"),
            Want("0.7%", 0.7, "%", "税收收入", "growth", "0.7%"),
        ],
    ),
    (
        "全年粮食产量达到47.6万吨，基本保持稳定；生猪出栏量增长4%。",
        A22,
        [
            Want("47.6万吨", 476000.0, "吨", "粮食产量", "total", "476,000 tonnes"),
            Want("4%", 4.0, "%", "生猪出栏量", "growth", "4%"),
        ],
    ),
    # "5G" is not a figure; 新增 stays in the label because it is the indicator.
    (
        "新型基础设施建设积极推进，新增5G基站1196个。",
        A22,
        [Want("1196个", 1196.0, "个", "新增5G基站", "count", "1,196")],
    ),
    # A leading 突破 is the qualifier, not part of the text; "增长15.5%" borrows
    # the label of the figure in the clause before it.
    (
        "全区存贷款规模突破1800亿元，增长15.5%。",
        A22,
        [
            Want("1800亿元", 1.8e11, "元", "存贷款规模", "total", "over 180 billion yuan",
                 qualifier="突破"),  # fmt: skip
            Want("15.5%", 15.5, "%", "存贷款规模", "growth", "15.5%"),
        ],
    ),
    # A trailing 余 sits inside the figure; "16名…人才" counts the noun after it.
    (
        "引进青年人才1300余人，16名高层次人才（团队）入选“重庆英才”。",
        A22,
        [
            Want("1300余人", 1300.0, "人", "引进青年人才", "count", "more than 1,300 people",
                 qualifier="余"),  # fmt: skip
            Want("16名", 16.0, "名", "高层次人才", "count", "16 people"),
        ],
    ),
    # "A、B产量分别增长x、y": each item gets the shared head 产量.
    (
        "茶叶、花椒产量分别增长2.4%、20%",
        A22,
        [
            Want("2.4%", 2.4, "%", "茶叶产量", "growth", "2.4%"),
            Want("20%", 20.0, "%", "花椒产量", "growth", "20%"),
        ],
    ),
    (
        "全年实现进出口总额83.9亿元，增长45.5%，实际利用外资484万美元，服务贸易额2.2亿美元。",
        A22,
        [
            Want("83.9亿元", 8.39e9, "元", "进出口总额", "total", "8.39 billion yuan"),
            Want("45.5%", 45.5, "%", "进出口总额", "growth", "45.5%"),
            Want("484万美元", 4.84e6, "美元", "实际利用外资", "total", "4.84 million US dollars"),
            Want("2.2亿美元", 2.2e8, "美元", "服务贸易额", "total", "220 million US dollars"),
        ],
    ),
    # "18件38项" is two counts (18 items made of 38 sub-items) of the noun after them.
    (
        "投入资金11.8亿元做好18件38项区级重点民生实事",
        A22,
        [
            Want("11.8亿元", 1.18e9, "元", "投入资金", "total", "1.18 billion yuan"),
            Want("18件", 18.0, "件", "区级重点民生实事", "count", "18"),
            Want("38项", 38.0, "项", "区级重点民生实事", "count", "38"),
        ],
    ),
    # 累计 in a clause that names nothing: the cumulative total of the same thing.
    (
        "新增市级以上研发平台12家，累计达到114家。",
        A22,
        [
            Want("12家", 12.0, "家", "新增市级以上研发平台", "count", "12"),
            Want("114家", 114.0, "家", "累计市级以上研发平台", "count", "114"),
        ],
    ),
    (
        "新增科技型企业205家、高新技术企业35家",
        A22,
        [
            Want("205家", 205.0, "家", "新增科技型企业", "count", "205 enterprises"),
            Want("35家", 35.0, "家", "高新技术企业", "count", "35 enterprises"),
        ],
    ),
    (
        "其中，127个新开工项目累计完成投资128.9亿元",
        A22,
        [
            Want("127个", 127.0, "个", "新开工项目", "count", "127"),
            Want("128.9亿元", 1.289e10, "元", "新开工项目累计完成投资", "total",
                 "12.89 billion yuan"),  # fmt: skip
        ],
    ),
    (
        "中心城区拓展面积3.9平方公里，达到86.7平方公里。",
        A22,
        [
            Want("3.9平方公里", 3.9, "平方公里", "中心城区拓展面积", "total", "3.9 km²"),
            Want("86.7平方公里", 86.7, "平方公里", "中心城区拓展面积", "total", "86.7 km²"),
        ],
    ),
    (
        "复耕撂荒地4401亩，新建成高标准农田11万亩，实施农田宜机化改造4.5万亩。",
        A22,
        [
            Want("4401亩", 4401.0, "亩", "复耕撂荒地", "total", "4,401 mu"),
            Want("11万亩", 110000.0, "亩", "新建成高标准农田", "total", "110,000 mu"),
            Want("4.5万亩", 45000.0, "亩", "实施农田宜机化改造", "total", "45,000 mu"),
        ],
    ),
    (
        "全年产气5.4亿立方米，增长56.2%",
        A22,
        [
            Want("5.4亿立方米", 5.4e8, "立方米", "产气", "total", "540 million cubic metres"),
            Want("56.2%", 56.2, "%", "产气", "growth", "56.2%"),
        ],
    ),
    # 约 leads, so it is the qualifier and not in the text.
    (
        "约5.6万人直接受惠",
        A22,
        [Want("5.6万人", 56000.0, "人", "直接受惠", "count", "about 56,000 people",
              qualifier="约")],  # fmt: skip
    ),
    (
        "全年空气质量优良率88.2%",
        A22,
        [Want("88.2%", 88.2, "%", "空气质量优良率", "ratio", "88.2%")],
    ),
    (
        "即办事项占比达到62.2%",
        A22,
        [Want("62.2%", 62.2, "%", "即办事项占比", "share", "62.2%")],
    ),
    # 2023 targets: every figure of a target period is of kind "target".
    (
        "2023年全区经济社会发展的主要目标是：地区生产总值增长7%以上，规上工业增加值增长9%以上，",
        T23,
        [
            Want("7%以上", 7.0, "%", "地区生产总值", "target", "at least 7%", T23, "以上"),
            Want("9%以上", 9.0, "%", "规上工业增加值", "target", "at least 9%", T23, "以上"),
        ],
    ),
    (
        "全年城镇新增就业2.4万人以上，城镇调查失业率控制在5.5%以内。",
        T23,
        [
            Want("2.4万人以上", 24000.0, "人", "城镇新增就业", "target", "at least 24,000 people",
                 T23, "以上"),  # fmt: skip
            Want("5.5%以内", 5.5, "%", "城镇调查失业率", "target", "no more than 5.5%", T23,
                 "以内"),  # fmt: skip
        ],
    ),
    (
        "力争全年空气质量优良天数达到324天以上",
        T23,
        [Want("324天以上", 324.0, "天", "空气质量优良天数", "target", "at least 324 days", T23,
              "以上")],  # fmt: skip
    ),
    (
        "全区清洁能源年发电量达到10亿千瓦时",
        T23,
        [Want("10亿千瓦时", 1e9, "千瓦时", "清洁能源年发电量", "target", "1 billion kWh", T23)],
    ),
    # "其中，重大项目16个，总投资…": a bare 总投资 borrows the thing counted before it.
    (
        "其中，重大项目16个，总投资590.2亿元，年度计划投资130亿元；",
        T23,
        [
            Want("16个", 16.0, "个", "重大项目", "target", "16", T23),
            Want("590.2亿元", 5.902e10, "元", "重大项目总投资", "target", "59.02 billion yuan",
                 T23),  # fmt: skip
            Want("130亿元", 1.3e10, "元", "重大项目年度计划投资", "target", "13 billion yuan", T23),
        ],
    ),
    # A range is one figure: value = lower bound, qualifier 至.
    (
        "建设3-5个乡情陈列馆",
        T23,
        [Want("3-5个", 3.0, "个", "建设乡情陈列馆", "target", "3-5", T23, "至")],
    ),
    (
        "区级培训中小学心理健康教育专兼职指导教师不少于50名",
        T23,
        [Want("50名", 50.0, "名", "区级培训中小学心理健康教育专兼职指导教师", "target",
              "at least 50 people", T23, "不少于")],  # fmt: skip
    ),
    # A parenthesis between the unit and 以上 stays inside the figure.
    (
        "入选“重庆英才”6人（团队）以上",
        T23,
        [Want("6人（团队）以上", 6.0, "人", "入选“重庆英才”", "target", "at least 6 people", T23,
              "以上")],  # fmt: skip
    ),
]


@pytest.mark.parametrize(
    ("sentence", "period", "want"), SENTENCES, ids=[s[:12] for s, _, _ in SENTENCES]
)
def test_sentences(doc: str, sentence: str, period: str, want: list[Want]) -> None:
    assert [as_want(f) for f in located(doc, sentence, period)] == want


def test_label_en_comes_from_the_glossary(doc: str) -> None:
    figs = located(doc, "全年粮食产量达到47.6万吨", A22)
    assert [(f.label, f.label_en) for f in figs] == [("粮食产量", "grain output")]
    figs = located(doc, "新增5G基站1196个", A22)
    assert [f.label_en for f in figs] == ["new 5G base stations"]


# --- what is not a figure -------------------------------------------------------

NOT_FIGURES = [
    "全面实施永川“2235”总体发展思路",  # a slogan in quotes
    "深入学习党的二十大精神",  # Chinese ordinal
    "制定迎峰度夏电力保供“1+10”专项工作方案",  # "1+10" and quoted
    "2022年，面对疫情、高温等超预期因素的冲击",  # a year
    "启动松溉古镇国家4A级旅游景区创建工作",  # grade
    "永川500kV输变电工程",  # a spec touching Latin letters
    "重庆铜梁1000千伏特高压变电站500千伏送出工程",  # voltage classes
    "1号楼已完成地上二层施工，2号楼完成地上三层施工。",  # building numbers
    "于4月27日上线试运行",  # a date
    "《永川区2022－2025年绿色金融支持碳达峰专项行动计划》",  # a title, a year range
    "国道G246毛家坡至泸州界改建",  # a road number
    "表1：2022年主要指标完成情况表",
    "专栏3：2023年教育科技人才发展重点事项",
    "落实国务院安委会“十五条硬措施”、市安委会“66项任务”和区安委会“67项任务”",  # names
    "精准帮扶“4050”人员",
    "积极创建国家L3级智能网联汽车准入管理试点",
    "成为川渝黔三地唯一的国家IPv6技术创新和融合应用综合试点城市",
    "围绕“5+3”产业体系",
]


@pytest.mark.parametrize("sentence", NOT_FIGURES)
def test_not_figures(doc: str, sentence: str) -> None:
    assert located(doc, sentence, A22) == []


def test_list_number_at_line_start_is_not_a_figure(doc: str) -> None:
    line = (
        "2.启动课后服务“百名博士进校园”行动。"
        "下达村小全年课后服务费共计179.5万元，保障村小学生1187人。"
    )
    assert [f.text for f in located(doc, line, A22)] == ["179.5万元", "1187人"]


def test_5g_alone_is_not_a_figure() -> None:
    assert extract_figures("加快5G网络规模化部署应用", 0, T23) == []


# --- periods ----------------------------------------------------------------------


def test_target_word_in_a_2022_paragraph_makes_a_2022_target(doc: str) -> None:
    # The 2023 sentence passed as if it sat in a 2022 paragraph: 力争 marks a target.
    figs = located(doc, "力争全年新增产气井40口以上", A22)
    assert [(f.text, f.period, f.kind) for f in figs] == [("40口以上", T22, "target")]


def test_target_word_naming_2023_makes_a_2023_target() -> None:
    # synthetic: a forecast inside a 2022 paragraph
    figs = extract_figures("预计2023年新增就业2万人", 100, A22)
    # 预计 2023 年 新增就业 = 2 + 4 + 1 + 4 characters before the figure
    assert [(f.text, f.start, f.period, f.kind) for f in figs] == [("2万人", 111, T23, "target")]


def test_unexpected_shock_is_not_a_target() -> None:
    # synthetic: 超预期 ("beyond expectations") is not a plan word
    figs = extract_figures("面对超预期因素冲击，全年地区生产总值增长3.5%", 0, A22)
    assert [(f.period, f.kind) for f in figs] == [(A22, "growth")]


def test_results_stay_actual(doc: str) -> None:
    figs = located(doc, "全区学前三年毛入园率达到98.5%，普惠性幼儿园覆盖率达90%", A22)
    got = [(f.text, f.period, f.kind) for f in figs]
    assert got == [("98.5%", A22, "ratio"), ("90%", A22, "ratio")]


def test_no_period_with_2022_goal() -> None:
    # synthetic: a sentence outside any dated section that names its year and goal
    figs = extract_figures("2022年的目标是增长7.5%以上", 0, "")
    assert [(f.period, f.kind) for f in figs] == [(T22, "target")]


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="period must be a period label"):
        extract_figures("增长3.5%", 0, "2024-result")
    with pytest.raises(ValueError, match="offset must be >= 0, got -1"):
        extract_figures("增长3.5%", -1, A22)


# --- tables ---------------------------------------------------------------------

TABLE1_HEADERS = ("序号", "主要指标", "预期目标", "完成情况·总量", "完成情况·增速（%）")


def table_row(doc: str, cells: tuple[str, ...], headers: tuple[str, ...], period: str) -> Passage:
    """A 表 row as corpus/ lays it out (one cell a tab-indented line), at its real offsets;
    the first cell (or the first two) pin the row, the others are the next lines matching."""
    anchor = f"\t{cells[0]}\n"
    if doc.count(anchor) != 1:
        anchor += f"\t{cells[1]}\n"
    assert doc.count(anchor) == 1, anchor
    pos = doc.index(anchor)
    out = []
    for header, text in zip(headers, cells, strict=True):
        start = doc.index(text, pos)
        out.append(TableCell(header, text, start, start + len(text)))
        pos = start + len(text)
    start, end = out[0].start, out[-1].end
    return Passage("t", "d", "表", period, start, end, doc[start:end], "table_row", "", tuple(out))


def test_table1_row(doc: str) -> None:
    cells = ("1", "地区生产总值（亿元）", "7.5%以上", "1202.8", "3.5")
    row = table_row(doc, cells, TABLE1_HEADERS, A22)
    figs = table_row_figures(row)
    assert [(f.text, f.value, f.unit, f.label, f.label_en, f.period, f.kind, f.qualifier, f.text_en)
            for f in figs] == [  # fmt: skip
        ("7.5%以上", 7.5, "%", "地区生产总值", "GDP", T22, "target", "以上", "at least 7.5%"),
        ("1202.8", 1.2028e11, "元", "地区生产总值", "GDP", A22, "total", "", "120.28 billion yuan"),
        ("3.5", 3.5, "%", "地区生产总值", "GDP", A22, "growth", "", "3.5%"),
    ]
    assert all(doc[f.start : f.end] == f.text for f in figs)


def test_table1_sub_row_with_negative_values(doc: str) -> None:
    # "其中：" and the unit in brackets are not part of the label.
    cells = ("其中：税收收入（亿元）", "-6.3%左右", "31.1", "-6.3")
    figs = table_row_figures(table_row(doc, cells, TABLE1_HEADERS[1:], A22))
    assert [(f.text, f.value, f.unit, f.label, f.kind, f.text_en) for f in figs] == [
        ("-6.3%左右", -6.3, "%", "税收收入", "target", "about -6.3%"),
        ("31.1", 3.11e9, "元", "税收收入", "total", "3.11 billion yuan"),
        ("-6.3", -6.3, "%", "税收收入", "growth", "-6.3%"),
    ]


def test_table1_income_row_in_yuan(doc: str) -> None:
    # The empty 预期目标 cell is left out of the row, as corpus/ does.
    headers = ("主要指标", "完成情况·总量", "完成情况·增速（%）")
    row = table_row(doc, ("农村居民人均可支配收入（元）", "25315", "5.7"), headers, A22)
    assert [(f.value, f.unit, f.label_en, f.text_en) for f in table_row_figures(row)] == [
        (25315.0, "元", "rural per capita disposable income", "25,315 yuan"),
        (5.7, "%", "rural per capita disposable income", "5.7%"),
    ]


def test_table3_row_labels_say_the_column(doc: str) -> None:
    headers = ("序号", "类别", "个数", "总投资（亿元）", "年度计划投资（亿元）")
    row = table_row(doc, ("10", "工业", "80", "377.5", "161.9"), headers, T23)
    figs = table_row_figures(row)
    assert [(f.text, f.value, f.unit, f.label, f.label_en, f.text_en) for f in figs] == [
        ("80", 80.0, "个", "工业·个数", "industry, number", "80"),
        ("377.5", 3.775e10, "元", "工业·总投资", "industry, total investment",
         "37.75 billion yuan"),
        ("161.9", 1.619e10, "元", "工业·年度计划投资", "industry, planned annual investment",
         "16.19 billion yuan"),
    ]  # fmt: skip


def test_table2_prose_cells_keep_their_own_labels(doc: str) -> None:
    headers = ("序号", "项目名称", "计划任务", "完成情况")
    row = table_row(doc, ("18", "残疾人家庭无障碍改造", "对344户困难重度残疾人家庭实施无障碍改造。",
                          "完成无障碍改造344户。"), headers, A22)  # fmt: skip
    assert [(f.text, f.label, f.period, f.kind) for f in table_row_figures(row)] == [
        ("344户", "困难重度残疾人家庭", T22, "target"),  # 计划任务 is the plan
        ("344户", "无障碍改造", A22, "count"),
    ]


def test_context_label_names_a_bare_cell() -> None:
    figs = extract_figures("1202.8", 40, A22, context_label="地区生产总值")
    assert [(f.text, f.start, f.end, f.label, f.label_en) for f in figs] == [
        ("1202.8", 40, 46, "地区生产总值", "GDP")
    ]


# --- English ----------------------------------------------------------------------


def fig(text: str, value: float, unit: str, qualifier: str = "", label: str = "") -> Figure:
    return Figure(text, value, unit, label, "", A22, "total", 0, len(text), qualifier=qualifier)


@pytest.mark.parametrize(
    ("figure", "english"),
    [
        (fig("1202.8", 1.2028e11, "元"), "120.28 billion yuan"),  # 1202.8亿元
        (fig("47.6万吨", 476000.0, "吨"), "476,000 tonnes"),
        (fig("11万亩", 110000.0, "亩"), "110,000 mu"),
        (fig("2.8万人", 28000.0, "人"), "28,000 people"),
        (fig("1人", 1.0, "人"), "1 person"),
        (fig("1300余人", 1300.0, "人", "余"), "more than 1,300 people"),
        (fig("7%以上", 7.0, "%", "以上"), "at least 7%"),
        (fig("8%左右", 8.0, "%", "左右"), "about 8%"),
        (fig("1800亿元", 1.8e11, "元", "突破"), "over 180 billion yuan"),
        (fig("5.4亿立方米", 5.4e8, "立方米"), "540 million cubic metres"),
        (fig("35家", 35.0, "家", label="高新技术企业"), "35 enterprises"),
        (fig("12家", 12.0, "家", label="市级以上研发平台"), "12"),
        (fig("132个", 132.0, "个"), "132"),
        (fig("86.7平方公里", 86.7, "平方公里"), "86.7 km²"),
        (fig("260公里", 260.0, "公里"), "260 km"),
        (fig("15640.4万元", 156404000.0, "元"), "156.404 million yuan"),
        (fig("1798.7万元", 17987000.0, "元"), "17.987 million yuan"),
        (fig("0.2万亩", 2000.0, "亩"), "2,000 mu"),
        (fig("-4.9%左右", -4.9, "%", "左右"), "about -4.9%"),
        (fig("5.5%以内", 5.5, "%", "以内"), "no more than 5.5%"),
        (fig("10亿千瓦时", 1e9, "千瓦时"), "1 billion kWh"),
        (fig("1096.8", 1.0968e11, "元"), "109.68 billion yuan"),
    ],
    ids=lambda x: x.text if isinstance(x, Figure) else x,
)
def test_render_en(figure: Figure, english: str) -> None:
    assert render_en(figure) == english


# --- the whole report -------------------------------------------------------------


def all_figures(doc: str) -> list[Figure]:
    """Every figure, line by line; the period switches at part 二 (2023)."""
    figures, pos, period = [], 0, A22
    for line in doc.split("\n"):
        if line.startswith("二、2023年"):
            period = T23
        figures += extract_figures(line, pos, period)
        pos += len(line) + 1
    return figures


@pytest.fixture(scope="module")
def report_figures(doc: str) -> list[Figure]:
    return all_figures(doc)


def test_every_figure_is_a_verbatim_slice(doc: str, report_figures: list[Figure]) -> None:
    bad = [f for f in report_figures if doc[f.start : f.end] != f.text]
    assert bad == []
    assert len(report_figures) == 450  # 448 and two ranks (主城都市区第1名, 位居全市第一)


def test_bare_numbers_are_exactly_the_table_cells(doc: str, report_figures: list[Figure]) -> None:
    # Read line by line, a number without a unit is a figure only as a whole
    # table cell (表1 values and 序号, 表2 序号, 表3): one per such line.
    cells = [ln for ln in doc.split("\n") if re.fullmatch(r"\t-?\d+(\.\d+)?", ln)]
    bare = [f for f in report_figures if not f.unit and f.kind != "rank"]  # 全市第一 is a rank
    assert len(bare) == len(cells) == 109


def test_no_figure_is_a_year_date_or_code(doc: str, report_figures: list[Figure]) -> None:
    for f in report_figures:
        # "85项年度重点工作任务" is fine: 年度 ("annual") starts the next word
        assert not re.match(r"年(?!度)|[月日号A-Za-z级]", doc[f.end : f.end + 2]), f
        assert not re.match(r"[A-Za-z+第]", doc[f.start - 1 : f.start]), f


def test_english_has_no_float_noise(report_figures: list[Figure]) -> None:
    noisy = [f.text_en for f in report_figures if re.search(r"0000\d|9999", f.text_en)]
    assert noisy == []


# (snippet that pins the place, figure text, value, unit, label) — 36 figures.
KNOWN = [
    ("全年地区生产总值增长3.5%", "3.5%", 3.5, "%", "地区生产总值"),
    ("规上工业增加值增长5.5%", "5.5%", 5.5, "%", "规上工业增加值"),
    ("固定资产投资增长10.4%", "10.4%", 10.4, "%", "固定资产投资"),
    ("全体居民人均可支配收入增长4.5%", "4.5%", 4.5, "%", "全体居民人均可支配收入"),
    ("农村居民人均可支配收入增长5.7%", "5.7%", 5.7, "%", "农村居民人均可支配收入"),
    ("全年减轻企业税费负担超20亿元", "20亿元", 2e9, "元", "减轻企业税费负担"),
    ("缓缴城市建设配套费6235万元", "6235万元", 6.235e7, "元", "缓缴城市建设配套费"),
    ("全年199个重点项目", "199个", 199.0, "个", "重点项目"),
    ("累计完成投资229.5亿元", "229.5亿元", 2.295e10, "元", "重点项目累计完成投资"),
    ("带动工业投资增长8.1%", "8.1%", 8.1, "%", "带动工业投资"),
    ("支柱产业集群产值实现1569.3亿元", "1569.3亿元", 1.5693e11, "元", "支柱产业集群产值"),
    ("汽摩产业实现产值565.5亿元", "565.5亿元", 5.655e10, "元", "汽摩产业产值"),
    ("工业技改投资完成169.3亿元", "169.3亿元", 1.693e10, "元", "工业技改投资"),
    ("合同引资844亿元", "844亿元", 8.44e10, "元", "合同引资"),
    ("全年新增坐席5000席", "5000席", 5000.0, "席", "新增坐席"),
    ("达到28.8亿元", "28.8亿元", 2.88e9, "元", "“永川秀芽”品牌价值"),
    ("共改造老旧小区132个", "132个", 132.0, "个", "改造老旧小区"),
    ("完工“四好农村路”260公里", "260公里", 260.0, "公里", "完工“四好农村路”"),
    ("完成“厕所革命”改造3117户", "3117户", 3117.0, "户", "“厕所革命”改造"),
    ("平均达到19.8万元", "19.8万元", 198000.0, "元", "村集体经营性收入平均"),
    ("全年研发投入强度达到2.4%", "2.4%", 2.4, "%", "研发投入强度"),
    ("金额达到5659万元", "5659万元", 5.659e7, "元", "登记技术合同金额"),
    ("城镇新增就业2.8万人", "2.8万人", 28000.0, "人", "城镇新增就业"),
    ("开展职业培训8353人次", "8353人次", 8353.0, "人次", "开展职业培训"),
    ("提高至84元", "84元", 84.0, "元", "人均基本公共卫生服务补助标准"),
    ("惠及群众40余万人次", "40余万人次", 400000.0, "人次", "惠及群众"),
    ("保障标准提升12.8%", "12.8%", 12.8, "%", "救助政策保障标准"),
    ("暂安排实施150个区级重点项目", "150个", 150.0, "个", "区级重点项目"),
    ("项目总投资1096.8亿元", "1096.8亿元", 1.0968e11, "元", "项目总投资"),
    ("确保制造业投资增长12%以上", "12%以上", 12.0, "%", "制造业投资"),
    ("力争协议引资1000亿元以上", "1000亿元以上", 1e11, "元", "协议引资"),
    ("力争席位总量突破2万席", "2万席", 20000.0, "席", "席位总量"),
    ("全社会研发投入强度达到2.5%", "2.5%", 2.5, "%", "全社会研发投入强度"),
    ("全区日产能达300万方以上", "300万方以上", 3e6, "方", "日产能"),
    ("新建5G网络基站500个", "500个", 500.0, "个", "新建5G网络基站"),
    ("进出口贸易额突破100亿元", "100亿元", 1e10, "元", "进出口贸易额"),
]


def test_known_figures_are_found(doc: str, report_figures: list[Figure]) -> None:
    by_start = {f.start: f for f in report_figures}
    for snippet, text, value, unit, label in KNOWN:
        assert doc.count(snippet) == 1, snippet
        start = doc.index(snippet) + snippet.index(text)
        found = by_start.get(start)
        assert found is not None, f"no figure at {snippet!r}"
        assert (found.text, found.value, found.unit, found.label) == (text, value, unit, label)


def test_a_target_in_brackets_is_the_target_of_its_sentences_subject() -> None:
    """东安县's plan report: "…增长14.2%,…(预期目标为10%以上);" — the result is a result,
    the bracket holds its target."""
    text = (ROOT / "eval/heldout/reports2/dongan-2022-plan.txt").read_text(encoding="utf-8")
    start = text.index("固定资产投资增长14.2%")
    figs = {f.text: f for f in extract_figures(text[start:start + 120], start, "2022-actual")}
    assert figs["14.2%"].period == "2022-actual" and figs["14.2%"].label == "固定资产投资"
    assert figs["10%以上"].period == "2022-target" and figs["10%以上"].label == "固定资产投资"


def test_values_joined_as_their_subjects_are_each_ones() -> None:
    """延边州: "城镇和农村常住居民人均可支配收入增长2%和6%" without 分别."""
    text = (ROOT / "corpus/reports/yanbian-2021-gwr.txt").read_text(encoding="utf-8")
    start = text.index("城镇和农村常住居民人均可支配收入增长2%和6%")
    figs = extract_figures(text[start:start + 30], start, "2020-actual")
    assert [(f.text, f.label) for f in figs] == [("2%", "城镇常住居民人均可支配收入"),
                                                 ("6%", "农村常住居民人均可支配收入")]


@pytest.mark.parametrize(("doc", "sentence", "expected"), [
    # 城乡 names two things: its figures are 城镇's, then 农村's (split_words.tsv).
    ("mouding-2024-gwr", "城乡常住居民人均可支配收入分别达47197元、16135元",
     [("47197元", "城镇常住居民人均可支配收入"), ("16135元", "农村常住居民人均可支配收入")]),
    ("fangxian-2023-plan", "城乡居民人均可支配收入36430元、15393元",
     [("36430元", "城镇居民人均可支配收入"), ("15393元", "农村居民人均可支配收入")]),
    # …and the growth rates after them, with no subject of their own, are theirs too.
    ("fangxian-2023-plan", "城乡居民人均可支配收入36430元、15393元,同比增长6.2%、8.4%",
     [("36430元", "城镇居民人均可支配收入"), ("15393元", "农村居民人均可支配收入"),
      ("6.2%", "城镇居民人均可支配收入"), ("8.4%", "农村居民人均可支配收入")]),
])
def test_a_word_that_names_two_things_gives_each_its_figure(doc: str, sentence: str,
                                                            expected: list) -> None:
    text = (ROOT / "corpus/reports" / f"{doc}.txt").read_text(encoding="utf-8")
    start = text.index(sentence)
    figs = extract_figures(text[start:start + len(sentence)], start, "2023-actual")
    assert [(f.text, f.label) for f in figs] == expected


@pytest.mark.parametrize(("doc", "sentence", "result", "target"), [
    # A result measured against its target is a result; the target named is the target.
    ("yaohai-2021-plan", "城镇登记失业率 2.7%,完成区人代会批准的控制在 3.2%以内目标", "2.7%", "3.2%以内"),
    ("tongcheng-2023-plan", "全年粮食种植面积45.43万亩,超计划0.65万亩,产量达到17.2万吨", "17.2万吨", None),
])
def test_a_result_against_its_target_stays_a_result(doc: str, sentence: str, result: str,
                                                    target: str | None) -> None:
    text = (ROOT / "corpus/reports" / f"{doc}.txt").read_text(encoding="utf-8")
    start = text.index(sentence)
    figs = {f.text: f for f in extract_figures(text[start:start + len(sentence)], start,
                                                 "2021-actual")}
    assert figs[result].period == "2021-actual"
    assert target is None or figs[target].period == "2021-target"


@pytest.mark.parametrize(("doc", "sentence", "ratios"), [
    ("zhongjiang-2023-bulletin", "三次产业结构比为22.0:37.8:40.2", ["22.0:37.8:40.2"]),
    ("wangjiang-2022-bulletin", "三次产业结构由上年的17.3:41.2:41.5调整为17.8:39.3:42.9",
     ["17.3:41.2:41.5", "17.8:39.3:42.9"]),
    ("henan-2021-bulletin", "三次产业结构为9.5∶41.3∶49.1", ["9.5∶41.3∶49.1"]),  # U+2236 RATIO
])
def test_a_ratio_of_parts_is_one_figure(doc: str, sentence: str, ratios: list[str]) -> None:
    text = (ROOT / "corpus/reports" / f"{doc}.txt").read_text(encoding="utf-8")
    start = text.index(sentence)
    figs = extract_figures(text[start:start + len(sentence)], start, "2022-actual")
    assert [f.text for f in figs] == ratios and all(f.kind == "ratio" for f in figs)
    assert all(text[f.start:f.end] == f.text for f in figs)
    # A time of day is no ratio.
    assert [f.kind for f in extract_figures("发布时间 10:23", 0, "")] != ["ratio"]


def test_a_target_word_in_a_later_clause_of_a_list_says_nothing_of_the_figures_before() -> None:
    # "…控制在预期目标内" speaks of its own clause: the results listed before it are results.
    sentence = "全年地区生产总值增长6.1%,社会消费品零售总额增长9.8%,城镇登记失业率控制在预期目标以内,粮食产量52.4万吨。"
    periods = {f.text: f.period for f in extract_figures(sentence, 0, "2021-actual")}
    assert periods["6.1%"] == periods["9.8%"] == periods["52.4万吨"] == "2021-actual"
    # …while one before the figures governs them all
    lead = "今年主要预期目标是：地区生产总值增长6.5%,社会消费品零售总额增长8%。"
    assert {f.period for f in extract_figures(lead, 0, "2021-actual")} == {"2021-target"}


@pytest.mark.parametrize(("text", "figure", "unit", "label"), [
    ("——PM2.5平均浓度32μg/m3,下降5.9%", "32μg/m3", "μg/m3", "PM2.5平均浓度"),
    ("细颗粒物(PM2.5)年均浓度为35微克/立方米", "35微克/立方米", "微克/立方米", "细颗粒物(PM2.5)年均浓度"),
])
def test_a_concentration_keeps_its_unit_and_a_list_dash_is_no_label(
        text: str, figure: str, unit: str, label: str) -> None:
    f = extract_figures(text, 0, "2023-actual")[0]
    assert (f.text, f.unit, f.label) == (figure, unit, label)
    assert "μg/m³" in f.text_en


@pytest.mark.parametrize(("path", "sentence", "rank", "english"), [
    ("corpus/reports/hefei-2023-plan.txt", "居万亿城市第3位", "第3位", "3rd"),
    ("eval/heldout/reports2/jianshi-2021-bulletin.txt", "总量居全州第4位", "第4位", "4th"),
    ("eval/heldout/reports2/dongan-2022-plan.txt", "排名全市第1位", "第1位", "1st"),
    ("eval/heldout/reports2/chengdu-2021-gwr.txt", "在全国城市排名上升2位至第7位", "第7位", "7th"),
    ("corpus/yongchuan-2022-2023.txt", "总量位居主城都市区第1名", "第1名", "1st"),
    # in words, after what ranks it
    ("eval/heldout/reports5/cangzhou-2022-gwr.txt", "达到4163亿元、全省第三", "第三", "3rd"),
    ("corpus/yongchuan-2022-2023.txt", "农机化综合水平位居全市第一", "第一", "1st"),
    ("corpus/reports/changshaxian-2023-gwr.txt", "荣登全国发展潜力百强县榜首", "榜首", "1st"),
])
def test_a_rank_is_a_figure_of_its_own_kind(path: str, sentence: str, rank: str,
                                            english: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(sentence)
    figs = extract_figures(text[start:start + len(sentence)], start, "2021-actual")
    ranks = [f for f in figs if f.kind == "rank"]
    assert [(f.text, f.text_en) for f in ranks] == [(rank, english)]
    assert text[ranks[0].start:ranks[0].end] == rank
    # "上升2位" is a move of two places, not a rank
    assert all(f.kind != "rank" for f in figs if f not in ranks)


@pytest.mark.parametrize(("path", "sentence", "level", "growth"), [
    ("eval/heldout/reports4/luzhou-2021-gwr.txt", "全市实现地区生产总值2157.2亿元、总量居全省第6位,增长4.2%",
     "2157.2亿元", "4.2%"),
    ("eval/heldout/reports2/jianshi-2021-bulletin.txt",
     "全县实现生产总值135.44亿元,总量居全州第4位,按可比价计算,同比增长12.2%", "135.44亿元", "12.2%"),
])
def test_a_rank_lends_no_label_to_the_figures_after_it(path: str, sentence: str, level: str,
                                                       growth: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(sentence)
    figs = {f.text: f for f in extract_figures(sentence, start, "2020-actual")}
    assert figs[growth].label == figs[level].label and "生产总值" in figs[level].label


@pytest.mark.parametrize(("path", "sentence", "expected"), [
    # ordinals that share one head: each is its own industry
    ("eval/heldout/reports4/dingxi-2022-bulletin.txt", "第一、二、三产业增加值分别为112.46、96.6、348.87亿元",
     [("112.46", "第一产业增加值"), ("96.6", "第二产业增加值"), ("348.87亿元", "第三产业增加值")]),
    # a pair's parts written with their shared end once: 存款…, 贷款…
    ("corpus/reports/xingtai-2024-gwr.txt", "工业用电量和金融机构存、贷款余额分别增长12.8%、13.4%、14.9%",
     [("12.8%", "工业用电量"), ("13.4%", "金融机构存款余额"), ("14.9%", "金融机构贷款余额")]),
    # a list of four, however long, is four subjects
    ("eval/heldout/reports4/xinle-2021-plan.txt",
     "家庭农场、农民合作社、农业产业化龙头企业和农业产业化联合体分别达到48家、31家、27家、12家",
     [("48家", "家庭农场"), ("31家", "农民合作社"), ("27家", "农业产业化龙头企业"),
      ("12家", "农业产业化联合体")]),
])
def test_respective_subjects_written_short_or_long_get_their_own_figures(
        path: str, sentence: str, expected: list) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(sentence)
    figs = extract_figures(sentence, start, "2022-actual")
    assert [(f.text, f.label) for f in figs] == expected


@pytest.mark.parametrize(("path", "sentence", "gap", "english"), [
    ("eval/heldout/reports4/yuanmou-2022-plan.txt", "差计划目标3.1个百分点", "3.1个百分点", "Below its target by"),
    ("eval/heldout/reports4/yuanmou-2022-plan.txt", "增速比全州高0.2个百分点", "0.2个百分点",
     "Above the prefecture's rate by"),
    ("corpus/reports/hunan-2023-plan.txt", "两年平均增速高于全国0.3个百分点", "0.3个百分点",
     "Above the national rate by"),
])
def test_a_gap_to_the_target_or_to_a_wider_place_is_a_result_that_says_so(
        path: str, sentence: str, gap: str, english: str) -> None:
    from qa.compose import _gap_label

    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(sentence)
    f = next(f for f in extract_figures(sentence, start, "2022-actual") if f.text == gap)
    assert f.period == "2022-actual" and _gap_label(f) == english


@pytest.mark.parametrize(("path", "words"), [
    ("eval/heldout/reports2/xiangtan-2021-plan.txt", "全市第三产业增加值增速"),  # an industry
    ("eval/heldout/reports4/xinle-2021-plan.txt", "全国第六批率先基本实现"),  # a batch
])
def test_an_ordinal_that_names_a_thing_is_no_rank(path: str, words: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(words)
    assert [f for f in extract_figures(words, start, "2021-actual") if f.kind == "rank"] == []


@pytest.mark.parametrize(("path", "sentence", "figure", "label"), [
    # how a figure was computed names nothing: it is the subject's before it
    ("eval/heldout/reports2/hongdong-2019-bulletin.txt", "人均地区生产总值19763元,按2018年平均汇率计算为2865美元",
     "2865美元", "人均地区生产总值"),
    ("eval/heldout/reports2/weishan-2021-bulletin.txt",
     "全县地区生产总值(GDP)完成1017805万元,按2020年不变价格计算比上年(以下简称同比)增长9.4%",
     "9.4%", "全县地区生产总值(GDP)"),
    # a bare measure (产量) is that of the sentence's subject
    ("corpus/reports/tongcheng-2023-plan.txt", "全年粮食种植面积45.43万亩,超计划0.65万亩,产量达到17.2万吨",
     "17.2万吨", "粮食产量"),
])
def test_a_label_that_names_no_subject_takes_the_sentences(path: str, sentence: str, figure: str,
                                                           label: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(sentence)
    figs = {f.text: f for f in extract_figures(sentence, start, "2021-actual")}
    assert figs[figure].label == label


def test_a_first_clause_that_leads_no_list_makes_no_targets() -> None:
    """"15项…主要指标目标中,12项指标完成目标,…其中:…增长7.7%": the results measured
    against the targets are results (guangan-2023-plan); "主要目标是：…" still leads."""
    text = (ROOT / "eval/heldout/reports6/guangan-2023-plan.txt").read_text(encoding="utf-8")
    i = text.index("15项经济社会发展主要指标目标中")
    j = text.index("。", i) + 1
    figs = {f.text: f for f in extract_figures(text[i:j], i, "2023-actual")}
    assert figs["7.7%"].period == figs["0.8个百分点"].period == "2023-actual"
    assert figs["0.8个百分点"].label == "低于预期目标"
    lead = "2023年的主要目标,地区生产总值增长6%左右,固定资产投资增长8%。"
    assert {f.period for f in extract_figures(lead, 0, "2022-actual")} == {"2023-target"}
