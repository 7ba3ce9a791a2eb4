"""Sections, periods, kinds and contexts of passages of the real report."""

from __future__ import annotations

from reportqa.types import Document, Passage
from tests.corpus.helpers import PART1, PART2, PART3, TITLE, only

P1_SEC2 = f"{PART1} / （二）锚定主业抓增量、扩存量、促转型，产业能级稳步提升"
P3_SEC1 = f"{PART3} / （一）深入推动产业能级提升，在构建现代化产业体系上实现新突破"
P3_SEC4 = f"{PART3} / （四）深入推动城市更新提升，在主城新区大城建设上实现新作为"


def test_document_identity(report_doc: Document) -> None:
    assert report_doc.id == "yongchuan-2022-2023"
    # The title is wrapped over two lines in the file; joined without a space.
    assert report_doc.title == TITLE
    assert report_doc.path == "corpus/yongchuan-2022-2023.txt"
    assert report_doc.encoding == "utf-8"


def test_part_one_paragraph_section_and_period(report_passages: list[Passage]) -> None:
    grain = only(report_passages, "全年粮食产量达到47.6万吨")
    assert grain.section == P1_SEC2
    assert grain.period == "2022-actual"
    assert grain.kind == "paragraph"
    assert grain.context == P1_SEC2


def test_part_one_intro_under_part_heading(report_passages: list[Passage]) -> None:
    gdp = only(report_passages, "全年地区生产总值增长3.5%")
    assert gdp.section == PART1
    assert gdp.period == "2022-actual"


def test_problems_paragraph_is_still_2022(report_passages: list[Passage]) -> None:
    # It looks back on 2022 ("2022年部分经济指标没有达到预期"), though it
    # closes part 一 and mentions no plan.
    problems = only(report_passages, "看似寻常最奇崛")
    assert problems.period == "2022-actual"
    assert problems.section.startswith(PART1)


def test_part_two_is_2023_target(report_passages: list[Passage]) -> None:
    goals = only(report_passages, "地区生产总值增长7%以上")
    assert goals.section == f"{PART2} / （三）主要发展目标"
    assert goals.period == "2023-target"
    outlook = only(report_passages, "从国际形势看")
    assert outlook.section == f"{PART2} / （一）宏观形势判断"
    assert outlook.period == "2023-target"


def test_box_items_are_list_items_under_the_box(report_passages: list[Passage]) -> None:
    base_stations = only(report_passages, "新建5G网络基站500个")
    assert base_stations.kind == "list_item"
    assert base_stations.section == f"{P3_SEC4} / 专栏5：2023年基础设施建设重点事项"
    assert base_stations.period == "2023-target"
    assert base_stations.text.startswith("新型基础设施：")


def test_short_box_lines_are_their_own_passages(report_passages: list[Passage]) -> None:
    road = only(report_passages, "“四好农村路”建设：建设“四好农村路”200公里。")
    assert road.text == "“四好农村路”建设：建设“四好农村路”200公里。"
    assert road.kind == "list_item"
    assert road.section.endswith("专栏11：2023年重点民生实事")


def test_box_ends_at_double_blank_line(report_passages: list[Passage]) -> None:
    # Follows 专栏1 after two blank lines: back in （一）, not in the box.
    after = only(report_passages, "构建优质高效的服务业新体系")
    assert after.section == P3_SEC1
    assert after.kind == "paragraph"


def test_labelled_paragraphs_outside_boxes(report_passages: list[Passage]) -> None:
    # "公共安全：" under （九） has a label but is not in a box; the file
    # indents it with a space, which is trimmed by the offsets.
    safety = only(report_passages, "公共安全：统筹传统领域")
    assert safety.kind == "paragraph"
    assert safety.text.startswith("公共安全：")
    assert safety.section.endswith(
        "（九）深入推动社会治理现代化，在建设更高水平的平安永川上彰显新担当"
    )


def test_front_matter_joins_author_and_salutation(report_passages: list[Passage]) -> None:
    first = report_passages[0]
    assert first.text.startswith("重庆市永川区发展和改革委员会\n\n各位代表：\n受区人民政府委托")
    assert first.section == ""
    assert first.period == ""
    assert first.context == TITLE


def test_closing_address_has_no_period(report_passages: list[Passage]) -> None:
    closing = report_passages[-1]
    assert closing.text.startswith("各位代表！新征程有新使命")
    assert (closing.section, closing.period, closing.context) == ("", "", TITLE)


def test_lead_sentence_is_context_of_later_chunks(report_passages: list[Passage]) -> None:
    head = only(report_passages, "服务业总体承压回稳。")
    tail = only(report_passages, "文旅产业最大程度降低疫情不利影响")
    assert head.end <= tail.start
    assert head.context == P1_SEC2
    assert tail.context == f"{P1_SEC2} | 服务业总体承压回稳"
    assert tail.indexed_text() == f"{P1_SEC2} | 服务业总体承压回稳\n{tail.text}"


def test_box_label_is_context_of_later_chunks(report_passages: list[Passage]) -> None:
    tail = only(report_passages, "完善汽车零部件供应链体系")
    assert tail.kind == "list_item"
    assert tail.context.endswith("专栏1：2023年现代制造业发展重点事项 | 汽车摩托车")


def test_note_after_table_belongs_to_table(report_passages: list[Passage]) -> None:
    note = only(report_passages, "备注：")
    assert note.kind == "paragraph"
    assert note.section == f"{PART1} / 表1：2022年主要指标完成情况表"
    assert note.period == "2022-actual"


def test_counts_by_kind_and_period(report_passages: list[Passage]) -> None:
    kinds = {
        k: sum(p.kind == k for p in report_passages)
        for k in ("paragraph", "list_item", "table_row")
    }
    # Tables: 表1 9 rows, 表2 18, 表3 17 (合计 + 2 + 14) = 44 rows.
    assert kinds["table_row"] == 44
    assert kinds["paragraph"] + kinds["list_item"] + kinds["table_row"] == len(report_passages)
    assert {p.period for p in report_passages} == {"2022-actual", "2023-target", ""}
    # Only the front matter and the closing address are untied to a year.
    assert sum(p.period == "" for p in report_passages) == 2
