"""parse_document on small hand-written documents, Chinese and English."""

from __future__ import annotations

from corpus import parse_document
from corpus.structure import split_lines
from corpus.tables import build_table, read_table
from reportqa.types import Document, Passage

CN_DOC = """关于某区2022年工作情况的报告
某区发展和改革委员会

一、2022年计划执行情况
全年地区生产总值增长3.5%。

表1：主要指标
\t指标
\t目标
\t完成情况

\t
\t
\t总量
\t增速

\t地区生产总值
\t7%
\t100.5
\t3.5


二、2023年计划
（一）重点任务
\t专栏1：2023年重点事项

交通：建设道路10公里。
水利：新建水厂1座。


回到正文的一段话。
"""

EN_DOC = """# Annual Report

## 2022 results

GDP grew 3.5% in 2022. Investment rose by 10.4% over the year, driven by
industrial projects. Retail sales were flat.

## Plan for 2023

The district plans 150 key projects.
"""


def doc(text: str, doc_id: str = "t") -> Document:
    return Document(id=doc_id, title="", path="t.txt", text=text)


def by_text(passages: list[Passage], start: str) -> Passage:
    return next(p for p in passages if p.text.startswith(start))


def test_chinese_structure() -> None:
    d = doc(CN_DOC)
    passages = parse_document(d)
    assert [p.kind for p in passages] == [
        "paragraph",
        "paragraph",
        "table_row",
        "list_item",
        "list_item",
        "paragraph",
    ]
    author = passages[0]
    # The author line is too short to stand alone: it joins the next paragraph
    # only if no heading comes between, so here it stands alone.
    assert author.text == "某区发展和改革委员会"
    assert author.section == "" and author.period == ""
    gdp = by_text(passages, "全年地区生产总值")
    assert (gdp.section, gdp.period) == ("一、2022年计划执行情况", "2022-actual")
    row = passages[2]
    assert row.section == "一、2022年计划执行情况 / 表1：主要指标"
    assert [(c.header, c.text) for c in row.cells] == [
        ("指标", "地区生产总值"),
        ("目标", "7%"),
        ("完成情况·总量", "100.5"),
        ("完成情况·增速", "3.5"),
    ]
    road = by_text(passages, "交通：")
    assert road.section == "二、2023年计划 / （一）重点任务 / 专栏1：2023年重点事项"
    assert road.period == "2023-target"
    back = by_text(passages, "回到正文")
    assert (back.section, back.kind) == ("二、2023年计划 / （一）重点任务", "paragraph")
    for p in passages:
        assert d.text[p.start : p.end] == p.text


def test_english_markdown_paragraph_wraps_and_splits() -> None:
    d = doc(EN_DOC)
    passages = parse_document(d)
    first = passages[0]
    # The hard-wrapped lines are one paragraph (under 250 characters: one chunk).
    assert first.text == (
        "GDP grew 3.5% in 2022. Investment rose by 10.4% over the year, driven by\n"
        "industrial projects. Retail sales were flat."
    )
    assert (first.section, first.period) == ("2022 results", "2022-actual")
    plan = passages[1]
    assert (plan.section, plan.period) == ("Plan for 2023", "2023-target")
    assert plan.indexed_text() == "Plan for 2023\nThe district plans 150 key projects."


def test_untitled_tab_table_needs_header_like_first_row() -> None:
    table = "正文。\n\n\tName\n\tValue\n\n\tGDP\n\t3.5%\n\n\n"
    passages = parse_document(doc(table))
    assert [p.kind for p in passages] == ["paragraph", "table_row"]
    assert [(c.header, c.text) for c in passages[1].cells] == [("Name", "GDP"), ("Value", "3.5%")]
    # Tab-indented paragraphs are not a table.
    indented = "\t这是一个用制表符缩进的很长的段落，它不是表格的一部分，而只是普通正文的一段话。\n"
    passages = parse_document(doc(indented))
    assert [p.kind for p in passages] == ["paragraph"]
    assert passages[0].text.startswith("这是")


def test_short_lines_join_the_next_paragraph() -> None:
    text = "某区工作报告\n某委员会\n\n各位代表：\n现将报告提请审议。\n"
    passages = parse_document(doc(text))
    # The first line is the title (never a passage); the rest is one passage.
    assert [p.text for p in passages] == ["某委员会\n\n各位代表：\n现将报告提请审议。"]


def test_read_table_wrapped_cells_and_merged_total() -> None:
    text = (
        "\t序号\n\t类别\n\t总投资\n\n（亿元）\n\n"  # header, one cell wrapped
        "\t合计\n\t10.5\n\n"  # spans 序号 and 类别
        "\t分组\n\n"  # a group label
        "\t1\n\t交通\n\t8\n\n\n后文"
    )
    lines = split_lines(text)
    raw, after = read_table(text, lines, 0)
    assert lines[after].text == ""  # stops at the first of the two blank lines
    table = build_table(text, raw)
    assert table.headers == ("序号", "类别", "总投资（亿元）")
    total, first = table.rows
    assert [(c.header, c.text) for c in total.cells] == [
        ("类别", "合计"),
        ("总投资（亿元）", "10.5"),
    ]
    assert first.group == "分组"
    assert [(c.header, c.text) for c in first.cells] == [
        ("序号", "1"),
        ("类别", "交通"),
        ("总投资（亿元）", "8"),
    ]


def test_same_text_same_ids_other_doc_other_ids() -> None:
    a = parse_document(doc(CN_DOC, "a"))
    b = parse_document(doc(CN_DOC, "a"))
    c = parse_document(doc(CN_DOC, "b"))
    assert [p.id for p in a] == [p.id for p in b]
    assert not {p.id for p in a} & {p.id for p in c}
