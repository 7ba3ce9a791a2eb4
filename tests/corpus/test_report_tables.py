"""The report's three tables: rows, cells, headers and what the cells mean."""

from __future__ import annotations

from corpus import cell_period, is_target_header
from reportqa.types import Passage
from tests.corpus.helpers import PART1, PART2, cells_of, only

T1 = f"{PART1} / 表1：2022年主要指标完成情况表"
T1_HEADERS = "序号 | 主要指标 | 预期目标 | 完成情况·总量 | 完成情况·增速（%）"
P1_SEC5 = "（五）兜牢底线护生态、稳民生、防风险，创造高品质生活迈出坚实步伐"
T2 = f"{PART1} / {P1_SEC5} / 表2：2022年民生实事完成情况表"
T3 = f"{PART2} / （四）重大项目安排 / 表3：2023年区级重点项目暂定安排"
T3_HEADERS = "序号 | 类别 | 个数 | 总投资（亿元） | 年度计划投资（亿元）"


def rows_in(passages: list[Passage], table_section: str) -> list[Passage]:
    return [p for p in passages if p.kind == "table_row" and p.section.startswith(table_section)]


def test_table1_gdp_row(report_passages: list[Passage]) -> None:
    gdp = only(report_passages, "地区生产总值（亿元）")
    assert gdp.kind == "table_row"
    assert gdp.section == T1
    assert gdp.period == "2022-actual"
    assert gdp.context == f"{T1} | {T1_HEADERS}"
    assert cells_of(gdp) == {
        "序号": "1",
        "主要指标": "地区生产总值（亿元）",
        "预期目标": "7.5%以上",
        "完成情况·总量": "1202.8",
        "完成情况·增速（%）": "3.5",
    }
    # The row's text runs from its first cell to its last, tabs included.
    assert gdp.text == "1\n\t地区生产总值（亿元）\n\t7.5%以上\n\t1202.8\n\t3.5"


def test_table1_subrow_with_blank_number(report_passages: list[Passage]) -> None:
    # Its 序号 cell is a lone tab: omitted, and the row starts at 主要指标.
    tax = only(report_passages, "其中：税收收入（亿元）")
    assert [(c.header, c.text) for c in tax.cells] == [
        ("主要指标", "其中：税收收入（亿元）"),
        ("预期目标", "-6.3%左右"),
        ("完成情况·总量", "31.1"),
        ("完成情况·增速（%）", "-6.3"),
    ]
    assert tax.text.startswith("其中：税收收入")


def test_table1_wrapped_target_cell(report_passages: list[Passage]) -> None:
    income = only(report_passages, "全体常住居民人均可支配收入（元）")
    # The cell wraps over a blank line in the file; its text is the exact slice.
    assert cells_of(income)["预期目标"] == "与经济增长\n\n基本同步"
    assert cells_of(income)["完成情况·总量"] == "41262"
    assert cells_of(income)["完成情况·增速（%）"] == "4.5"


def test_table1_last_rows_have_no_target(report_passages: list[Passage]) -> None:
    rows = rows_in(report_passages, T1)
    assert len(rows) == 9
    assert [cells_of(r)["主要指标"] for r in rows[-3:]] == [
        "全体常住居民人均可支配收入（元）",
        "其中：城镇居民人均可支配收入（元）",
        "农村居民人均可支配收入（元）",
    ]
    assert cells_of(rows[-1]) == {
        "主要指标": "农村居民人均可支配收入（元）",
        "完成情况·总量": "25315",
        "完成情况·增速（%）": "5.7",
    }


def test_table1_target_cells_are_2022_targets(report_passages: list[Passage]) -> None:
    investment = only(report_passages, "固定资产投资（亿元）")
    periods = {c.header: cell_period(c.header, investment.period) for c in investment.cells}
    assert periods["预期目标"] == "2022-target"
    assert periods["完成情况·总量"] == "2022-actual"
    assert periods["完成情况·增速（%）"] == "2022-actual"
    assert cells_of(investment)["预期目标"] == "8%左右"


def test_table2_first_row_multiline_completion(report_passages: list[Passage]) -> None:
    rows = rows_in(report_passages, T2)
    assert len(rows) == 18
    first = rows[0]
    assert first.section == T2
    assert first.context == f"{T2} | 序号 | 项目名称 | 计划任务 | 完成情况"
    cells = cells_of(first)
    assert cells["序号"] == "1"
    assert cells["项目名称"] == "老旧小区有机更新"
    assert cells["计划任务"].startswith("实施北山片区等老旧小区改造项目")
    assert cells["完成情况"] == (
        "北山片区等老旧小区改造项目：完成昌州小区28号、骑龙街隧道、昌州社区等11个老旧小区改造工程。\n\n"
        "老旧小区供水设施改造：完成15个小区供水管道改造，8套二次加压设备改造，5000只超期水表更换。\n\n"
        "老旧住宅增设电梯：完成96件增设电梯部门会审及工程规划许可证核发。"
    )


def test_table2_rows_and_last_row(report_passages: list[Passage]) -> None:
    rows = rows_in(report_passages, T2)
    assert [cells_of(r)["序号"] for r in rows] == [str(n) for n in range(1, 19)]
    assert cells_of(rows[3]) == {
        "序号": "4",
        "项目名称": "发展普惠性学前教育",
        "计划任务": "全区学前三年毛入园率达到98.5%，普惠性幼儿园覆盖率达85%以上，"
        "公办在园幼儿数占比达52%以上。",
        "完成情况": "全区学前三年毛入园率达到98.5%，普惠性幼儿园覆盖率达90%，"
        "公办在园幼儿数占比达54.42%以上。",
    }
    assert cells_of(rows[-1]) == {
        "序号": "18",
        "项目名称": "残疾人家庭无障碍改造",
        "计划任务": "对344户困难重度残疾人家庭实施无障碍改造。",
        "完成情况": "完成无障碍改造344户。",
    }
    # 计划任务 in a table of 2022 results holds the 2022 plan.
    assert cell_period("计划任务", rows[-1].period) == "2022-target"


def test_table2_numbered_lines_inside_a_cell(report_passages: list[Passage]) -> None:
    # "1.加强……；" inside 表2 row 5 is cell text, not a heading.
    row5 = only(report_passages, "开展中小学课后服务")
    assert row5.kind == "table_row"
    assert cells_of(row5)["完成情况"].startswith("1.加强中小学课后服务课程实施管理")
    assert cells_of(row5)["完成情况"].endswith(
        "并作为重庆市唯一区县代表在全国校外培训监管行政执法培训班作经验交流。"
    )


def test_table3_total_row_spans_number_and_category(report_passages: list[Passage]) -> None:
    rows = rows_in(report_passages, T3)
    assert len(rows) == 17
    total = rows[0]
    assert total.section == T3
    assert total.period == "2023-target"
    assert total.context == f"{T3} | {T3_HEADERS}"
    assert [(c.header, c.text) for c in total.cells] == [
        ("类别", "合计"),
        ("个数", "150"),
        ("总投资（亿元）", "1096.8"),
        ("年度计划投资（亿元）", "311.5"),
    ]


def test_table3_group_labels_go_into_the_section(report_passages: list[Passage]) -> None:
    rows = rows_in(report_passages, T3)
    government = rows[1]
    assert government.section == f"{T3} / 按投资来源分类"
    assert cells_of(government) == {
        "序号": "1",
        "类别": "政府主导类",
        "个数": "34",
        "总投资（亿元）": "348.2",
        "年度计划投资（亿元）": "82.8",
    }
    industry = only(report_passages, "工业\n")
    assert industry.section == f"{T3} / 按投资用途分类"
    assert cells_of(industry) == {
        "序号": "10",
        "类别": "工业",
        "个数": "80",
        "总投资（亿元）": "377.5",
        "年度计划投资（亿元）": "161.9",
    }
    last = rows[-1]
    assert cells_of(last) == {
        "序号": "14",
        "类别": "软件与信息",
        "个数": "6",
        "总投资（亿元）": "5.6",
        "年度计划投资（亿元）": "1.4",
    }
    # The group label rows are not rows of their own.
    assert not any(p.text.strip() in {"按投资来源分类", "按投资用途分类"} for p in report_passages)


def test_target_headers() -> None:
    assert is_target_header("预期目标")
    assert is_target_header("计划任务")
    assert is_target_header("年度计划投资（亿元）")
    assert not is_target_header("完成情况·总量")
    assert not is_target_header("主要指标")
    # A target column in a 2023 plan stays a 2023 target.
    assert cell_period("年度计划投资（亿元）", "2023-target") == "2023-target"


# --- tables a web page wrote one cell per line, without tabs -------------------


def _parsed(text: str, doc_id: str = "t") -> list[Passage]:
    from corpus.parse import parse_document
    from reportqa.types import Document

    return parse_document(Document(doc_id, doc_id, f"{doc_id}.txt", text))


def test_a_table_of_one_cell_per_line_is_read_into_rows_on_a_real_bulletin() -> None:
    from corpus.loaders import load_document
    from reportqa.paths import ROOT

    doc = load_document(ROOT / "eval/heldout/reports2/wuhe-2022-bulletin.txt")
    rows = [p for p in _parsed(doc.text, doc.id) if p.kind == "table_row"]
    assert len(rows) >= 10
    build = next(p for p in rows if cells_of(p).get("指标名称") == "建筑业")
    # the table's unit line goes to the value columns, a trailing % into brackets
    assert cells_of(build) == {"指标名称": "建筑业", "按现行价格计算（万元）": "180156.55",
                               "按2020年不变价格计算（万元）": "187595.48", "比上年（%）": "8.1"}
    assert doc.text[build.start:build.end] == build.text  # a verbatim slice
    for c in build.cells:
        assert doc.text[c.start:c.end] == c.text


def test_a_column_table_in_other_words_and_where_it_ends() -> None:
    text = ("某县2023年统计公报\n\n表2：主要农产品产量\n\n单位：吨\n\n品种\n\n产量\n\n增长%\n\n"
            "粮食\n\n123456\n\n2.5\n\n油料\n\n7890\n\n-1.2\n\n"
            "全年粮食播种面积稳定，农业生产形势总体良好，农民收入持续增长。\n")
    rows = [p for p in _parsed(text) if p.kind == "table_row"]
    assert [cells_of(p) for p in rows] == [
        {"品种": "粮食", "产量（吨）": "123456", "增长（%）": "2.5"},
        {"品种": "油料", "产量（吨）": "7890", "增长（%）": "-1.2"}]
    prose = [p for p in _parsed(text) if "播种面积" in p.text]
    assert prose and prose[0].kind == "paragraph"  # the sentence after it is no row


def test_short_lines_after_a_table_title_without_values_are_not_a_table() -> None:
    text = "表3：重点项目名单\n\n项目名称\n\n建设单位\n\n城区道路改造\n\n县交通局\n\n说明：以上项目按计划推进。\n"
    assert not [p for p in _parsed(text) if p.kind == "table_row"]
