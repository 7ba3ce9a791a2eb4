"""jieba with the project's dictionary: indicator names and numbers stay whole."""

from __future__ import annotations

import pytest

from index.segment import Segmenter


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter()


@pytest.mark.parametrize(("text", "expected"), [
    ("全年地区生产总值增长3.5%", ["地区生产总值", "增长", "3.5", "%"]),
    ("社会消费品零售总额增长0.7%", ["社会消费品零售总额", "增长", "0.7", "%"]),
    ("全年产气5.4亿立方米", ["产气", "5.4", "亿立方米"]),
    ("新增5G基站1196个", ["新增", "5g", "基站", "1196"]),
])
def test_terms_and_numbers_stay_whole(seg: Segmenter, text: str, expected: list[str]) -> None:
    assert seg(text) == expected


def test_private_tokenizer_leaves_jieba_global_alone(seg: Segmenter) -> None:
    import jieba

    seg.add_word("永川测试词")
    assert "永川测试词" in seg("永川测试词")
    assert jieba.dt.FREQ.get("永川测试词") is None


def test_subwords(seg: Segmenter) -> None:
    assert set(seg.subwords("体育赛事")) >= {"体育", "赛事"}


def test_search_tokens_add_the_words_inside_compounds(seg: Segmenter) -> None:
    # "暂安排" is one jieba word; a question's "安排" must still find it in BM25.
    toks = seg.for_search("2023年暂安排实施150个区级重点项目")
    assert "暂安排" in toks and "安排" in toks
    assert "150" in toks and "15" not in toks  # numbers are never split
    assert seg.for_search("地区生产总值")[0] == "地区生产总值"


def test_part_of_speech(seg: Segmenter) -> None:
    assert seg.pos("去年") == "t" and seg.pos("打算") == "v"
    assert seg.pos("常住人口").startswith("n")


def test_a_saved_tag_table_tags_as_jiebas_own(seg: Segmenter) -> None:
    """`use_tags` (a start from the saved table) gives every word the flag jieba's
    parsed dictionary gives it, the user dictionary's words included."""
    import pickle

    from corpus import load_corpus
    from reportqa.paths import CORPUS_DIR

    reports = ["reports/wuhu-2022-bulletin.txt", "reports/yanbian-2021-gwr.txt"]
    words = sorted({w for _, ps in load_corpus([CORPUS_DIR / r for r in reports])
                    for p in ps for w in seg(p.text)})[:3000]
    fresh = Segmenter()
    fresh.use_tags(pickle.loads(pickle.dumps(seg.tags())))
    assert fresh._pos is not None and len(words) > 300
    assert [fresh.pos(w) for w in words] == [seg.pos(w) for w in words]
    assert seg.pos("地区生产总值") == fresh.pos("地区生产总值") != "x"  # a user-dictionary word


@pytest.mark.parametrize(("text", "words"), [
    ("第一、二、三产业增加值分别为112.46、96.6、348.87亿元", {"第一产业", "第二产业", "第三产业"}),
    ("二、三产业比重提高", {"第二产业", "第三产业"}),
    ("一二三产业融合发展", {"第一产业", "第二产业", "第三产业"}),
    ("金融机构存、贷款余额分别增长13.4%、14.9%", {"存贷款"}),  # a pair's shared end said once
])
def test_ordinals_that_share_a_head_are_each_a_word(seg: Segmenter, text: str,
                                                     words: set[str]) -> None:
    assert words <= set(seg.for_search(text))


def test_an_ordinal_inside_a_word_is_left_alone(seg: Segmenter) -> None:
    assert "第三产业" not in seg.for_search("统一三产业")  # 统一 is a word, 三产业 no list

