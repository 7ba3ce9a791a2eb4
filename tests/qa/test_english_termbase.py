"""English questions over reports nobody translated: the library with no report's
own glossary, only the genre's terms and the index's term base (CC-CEDICT senses of
the corpus's words). Each question is worded afresh and the reports differ."""

from __future__ import annotations

import pytest

from qa.assistant import Assistant


@pytest.fixture(scope="module")
def bare(bare_library: Assistant) -> Assistant:
    return bare_library


@pytest.mark.parametrize(("question", "figure", "doc"), [
    # Words the genre's 200 terms lack, in four reports of three kinds.
    ("How much tobacco leaf did Mouding produce in 2023?", "603万公斤", "mouding-2024-gwr"),
    ("Zuoyun milk output in 2020?", "3033吨", "zuoyun-2020-bulletin"),
    ("How many vaccinations were given to Shahekou residents?", "55.79万人", "shahekou-2022-gwr"),
    ("By how much did Yongchuan's tea output grow in 2022?", "2.4%", "yongchuan-2022-2023"),
])
def test_english_words_no_glossary_has_reach_the_figure(bare: Assistant, question: str,
                                                        figure: str, doc: str) -> None:
    a = bare.ask(question)
    assert not a.abstained, a.answer
    assert figure in [f.text for f in a.figures]
    assert a.citations[0].doc_id == doc


def test_a_figures_label_is_english_from_the_term_base(bare: Assistant) -> None:
    a = bare.ask("How many hogs were sold by farms in Ningyuan County in 2023?")
    top = a.figures[0]
    assert top.text == "94.28万头" and top.text_en.endswith("head")
    assert top.label_en and top.label_en.isascii()  # not "生猪出栏"
    assert top.label_en.lower() in a.answer.lower()


@pytest.mark.parametrize("question", [
    "Yongchuanqu tea output growth 2022",  # pinyin run together, no tones
    "how much tobaco leaf did Mouding produce in 2023",  # a typo the term base cannot read
    "永川区 tea output 2022 增长多少?",  # mixed Chinese and English
])
def test_awkward_english_still_gets_an_answer(bare: Assistant, question: str) -> None:
    a = bare.ask(question)
    assert not a.abstained and a.figures, a.answer


@pytest.mark.parametrize("question", [
    "What is the zorblax index of Suining in 2021?",  # a word no dictionary has
    "How many star-rated hotels does Wuhu have?",
])
def test_what_no_report_speaks_of_is_declined(bare: Assistant, question: str) -> None:
    a = bare.ask(question)
    assert a.abstained and not a.figures


def test_a_place_the_library_lacks_is_named(bare: Assistant) -> None:
    a = bare.ask("What was Mianyang's tea output in 2022?")
    assert a.abstained and "Mianyang" in a.answer


def test_a_guess_keeps_the_senses_said_beside_the_questions_other_words(bare: Assistant) -> None:
    """'routes' may be 路径, 路线 or 线路; beside 旅游 the library writes 路线 (乡村旅游精品路线),
    so that one stays; a guess no sentence meets keeps all its senses."""
    groups = bare._in_context([(["路径", "路线", "线路"], 1, 0.5), (["旅游"], 1, 0.5)])
    assert "路线" in groups[0][0] and len(groups[0][0]) < 3
    beside = bare._sentences_with("旅游")
    assert all(bare._sentences_with(z) & beside for z in groups[0][0])
    assert bare._in_context([(["精细", "救治"], 1, 0.5), (["∅"], 1, 0.0)])[0][0] == ["精细", "救治"]


@pytest.mark.parametrize("question", [
    "How far above its plan target was Suining's retail sales growth in 2021?",
    "How far did Wuhu's GDP grow in 2022?",
])
def test_an_english_word_is_never_guessed_to_be_a_place(bare_library, question: str) -> None:  # noqa: ANN001
    """"far" is 远 to the dictionary, and 威远 and 宁远 are counties: a place comes from
    the question's own place names, never from a common word's guess."""
    a = bare_library.ask(question)
    assert not a.abstained, a.answer
    assert "Weiyuan" not in a.answer and "Ningyuan" not in a.answer


@pytest.mark.parametrize(("question", "figure", "doc"), [
    ("How many PPP projects did Yongchuan carry out in 2022?", "2个", "yongchuan-2022-2023"),
    ("How many new 5G base stations did Yongchuan build in 2022?", "1196个", "yongchuan-2022-2023"),
])
def test_an_abbreviation_the_report_writes_is_its_own_term(bare: Assistant, question: str,
                                                           figure: str, doc: str) -> None:
    """PPP, 5G: no dictionary has them, the report writes them as the question does."""
    a = bare.ask(question)
    assert figure in [f.text for f in a.figures], a.answer
    assert a.citations[0].doc_id == doc


def test_a_genre_phrase_in_another_word_order_is_the_same_term() -> None:
    """The genre's terms in any order of their words; never one side of a coordination."""
    from qa.glossary import library_glossary

    g = library_glossary(())

    def zh(q: str) -> list[str]:
        return [s.zh[0] for s in g.segments(q) if s.zh]

    assert zh("Rural residents' per capita disposable income in 2022?") == ["农村居民人均可支配收入"]
    assert zh("Urban residents' per capita disposable income?") == ["城镇居民人均可支配收入"]
    assert "规模以上工业增加值" in zh("How fast did industrial value added above designated size grow?")
    # "…income of urban and rural residents": both sides, not "urban … income" and "rural"
    assert "城镇居民人均可支配收入" not in zh(
        "Per capita disposable income of urban and rural residents, 2023")
    # "the urban and the rural …": each side with its own term
    assert zh("What were the urban and the rural per capita disposable incomes in 2023?") == [
        "城镇居民人均可支配收入", "农村居民人均可支配收入"]
    # a two-word phrase reordered is often another thing: "investment for industrial projects"
    assert "工业投资" not in zh("What is the planned investment for industrial projects?")


def test_a_question_that_begins_with_what_it_does_not_want(bare: Assistant) -> None:
    a = bare.ask("Not deposits: what was Fang County's loan balance at the end of 2023?")
    assert [f.text for f in a.figures][:1] == ["219.06亿元"], a.answer


@pytest.mark.parametrize(("question", "cue"), [
    ("Which had the higher GDP growth in 2023: Suiyang District or Yizhang County?", "higher"),
    ("Which county had the lowest unemployment rate?", "lowest"),
    ("Which of the two saw the higher growth in higher education enrolment?", "higher"),
    ("Where is the higher education city being built?", None),  # a name, not a comparison
    ("What was the higher of the two targets?", None),  # no "which": the higher one is asked
])
def test_the_comparative_of_a_which_question_is_no_term(question: str, cue: str | None) -> None:
    """"the higher" in "Which had the higher GDP growth: A or B?" asks which one; it is
    left out of the terms, "higher education" is not."""
    from qa.terms import COMPARATIVE_CUE

    m = COMPARATIVE_CUE.search(question)
    assert (m.group("cue") if m else None) == cue
    if m:
        rest = question[:m.start("cue")] + question[m.end("cue"):]
        assert "education" not in question or "higher education" in rest
