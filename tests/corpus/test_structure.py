"""Headings, titles and periods recognised line by line."""

from __future__ import annotations

import pytest

from corpus.structure import find_title, heading_level, period_of_heading, split_lines


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、2022年国民经济和社会发展计划执行情况", 1),
        ("（三）主要发展目标", 2),
        ("(三)主要发展目标", 2),
        ("1.加快工业发展", 3),
        ("（2）推进改革", 4),
        ("## Targets for 2023", 2),
        # Numbered, but a sentence: an enumerated paragraph, not a heading.
        ("1.加强中小学课后服务课程实施管理，做好课程计划与课后服务课程统筹实施；", None),
        ("一、全年地区生产总值增长3.5%。", None),
        # A decimal is not a "1." heading.
        ("3.5%的增长", None),
        ("服务业总体承压回稳。", None),
        ("", None),
    ],
)
def test_heading_level(line: str, level: int | None) -> None:
    assert heading_level(line) == level


def test_title_joins_wrapped_lines_until_document_kind() -> None:
    text = (
        "\n关于重庆市永川区2022年国民经济和社会\n\n"
        "发展计划执行情况及2023年计划草案的报告\n重庆市永川区发展和改革委员会\n"
    )
    title = find_title(split_lines(text))
    assert (
        title.text == "关于重庆市永川区2022年国民经济和社会发展计划执行情况及2023年计划草案的报告"
    )
    assert title.line_indexes == (1, 3)


def test_title_single_line_and_markdown() -> None:
    assert find_title(split_lines("政府工作报告\n正文第一段。")).text == "政府工作报告"
    md = find_title(split_lines("# Yongchuan Annual Report\n\nBody text.\n"))
    assert (md.text, md.line_indexes) == ("Yongchuan Annual Report", (0,))


def test_title_of_a_document_starting_with_a_sentence() -> None:
    # No title line to skip: the first line is content, and names the document.
    title = find_title(split_lines("2022年全区经济平稳运行。\n第二段。"))
    assert title.text == "2022年全区经济平稳运行。"
    assert title.line_indexes == ()


@pytest.mark.parametrize(
    ("heading", "period"),
    [
        ("一、2022年国民经济和社会发展计划执行情况", "2022-actual"),
        ("表2：2022年民生实事完成情况表", "2022-actual"),
        ("二、2023年国民经济和社会发展计划总体考虑", "2023-target"),
        ("专栏11：2023年重点民生实事", "2023-target"),
        ("（三）主要发展目标", None),  # no year: the enclosing heading decides
        ("2019年执行情况", "2019-actual"),  # any year: periods are data, not an enum
        ("三、2024年工作安排", "2024-target"),
        ("一、回顾2023，推动高质量发展迈出新步伐", "2023-actual"),
        ("2022 results", "2022-actual"),
        ("Plan for 2023", "2023-target"),
    ],
)
def test_period_of_heading(heading: str, period: str | None) -> None:
    assert period_of_heading(heading) == period
