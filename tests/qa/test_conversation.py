"""Conversations: a follow-up is answered as the whole question it stands for.

Over the 26-report library, in both languages and several reports: the answer to
a follow-up asked after its history must be the answer to the whole question
(same figures, same report), and `understood` must say how it was read.
"""

from __future__ import annotations

import pytest

# (earlier questions, follow-up, the whole question it stands for)
SAME_AS_WHOLE = [
    (["邢台市2023年规上工业增加值增长了多少？"], "固定资产投资呢？",
     "邢台市2023年固定资产投资增长了多少？"),
    (["中江县2023年第一产业增加值是多少？"], "第三产业的呢？",
     "中江县2023年第三产业增加值是多少？"),
    (["望江县2022年地区生产总值是多少？"], "增长了多少？", "望江县2022年地区生产总值增长了多少？"),
    (["What was Wuhu's GDP in 2022?"], "And Wangjiang County?",
     "What was Wangjiang County's GDP in 2022?"),
    (["How much grain did Zhongjiang County produce in 2023?", "What about its GDP?"],
     "And in Wuhu in 2022?", "What was Wuhu's GDP in 2022?"),
    (["What was the GDP of Suining in 2021?"], "How fast did it grow?",
     "How fast did the GDP of Suining grow in 2021?"),
]


def _figures(answer) -> list[str]:  # noqa: ANN001 - reportqa.types.Answer
    return [f.text for f in answer.figures]


@pytest.mark.parametrize(("history", "follow_up", "whole"), SAME_AS_WHOLE)
def test_follow_up_answers_as_the_whole_question(bare_library, history, follow_up, whole):  # noqa: ANN001
    asked = bare_library.ask(follow_up, history=history)
    alone = bare_library.ask(whole)
    assert not alone.abstained, whole  # the pair is meaningful only if the whole is answered
    assert not asked.abstained, (follow_up, asked.understood)
    assert _figures(asked)[:1] == _figures(alone)[:1]
    assert {c.doc_id for c in asked.citations[:1]} == {c.doc_id for c in alone.citations[:1]}
    assert asked.question == follow_up  # the question as asked stays; how it was read beside it
    assert asked.understood


def test_a_relative_year_counts_from_the_year_asked_before(bare_library):  # noqa: ANN001
    read = bare_library.understand("去年呢？", ["合肥市2023年地区生产总值增长了多少？"])
    assert "2022" in read and "合肥" in read and "地区生产总值" in read
    read = bare_library.understand("And the year before?", ["What was Suining's GDP in 2021?"])
    assert "2020" in read and "Suining" in read


def test_a_new_question_stated_in_full_is_not_dragged_back(bare_library):  # noqa: ANN001
    new = "遂宁市2021年地区生产总值是多少？"
    assert bare_library.understand(new, ["2022年永川区粮食产量是多少？"]) == new
    answer = bare_library.ask(new, history=["2022年永川区粮食产量是多少？"])
    assert answer.understood in ("", new) or answer.understood == answer.question


def test_earlier_turns_are_read_in_order(bare_library):  # noqa: ANN001
    """Each turn leans on the one before it as understood, not on the first."""
    history = ["What was the GDP of Suining in 2021?", "How fast did it grow?"]
    read = bare_library.understand("And in Hefei?", history)
    assert "Hefei" in read and "grow" in read and "2021" in read
    # The client may send how an earlier turn was understood; that reading is used.
    turns = [{"question": "那它呢", "understood": "芜湖市2022年粮食产量是多少？"}]
    assert "芜湖" in bare_library.understand("2021年呢？", turns)


@pytest.mark.parametrize("history", ["not a list", [3], [{"understood": "x"}],
                                     [{"question": "   "}], [{"question": "q", "understood": 2}]])
def test_bad_history_is_a_clear_error(bare_library, history):  # noqa: ANN001
    with pytest.raises(ValueError, match="history|question"):
        bare_library.ask("那2023年呢？", history=history)


def test_without_history_a_follow_up_is_a_question_of_its_own(bare_library):  # noqa: ANN001
    assert bare_library.understand("那2023年呢？", []) == "那2023年呢？"
    assert bare_library.understand("那2023年呢？", None) == "那2023年呢？"


def test_how_a_rewrite_is_written_out_is_read_from_the_data_file() -> None:
    from qa import conversation

    en = conversation.forms("en")
    assert en.fill("context", subject="GDP", place="Wuhu", year="in 2022") == "GDP of Wuhu in 2022"
    assert en.fill("context", subject="GDP", place="", year="") == "GDP"  # no dangling "of"
    zh = conversation.forms("zh")
    assert zh.fill("year", year="2021") == "2021年"
    # the clean-up rows apply in order and the mark is the language's
    assert conversation._tidy("芜湖市 2022年  GDP的的增速呢", "zh") == "芜湖市2022年GDP的增速？"
    assert conversation._tidy("What was  the the GDP ?", "en") == "What was the GDP?"
    for language in ("zh", "en"):
        for name in ("year", "place", "context", "ask", "mark"):
            assert conversation.forms(language).get(name), (language, name)
