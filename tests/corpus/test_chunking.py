"""Sentence cutting and chunk packing on small Chinese and English strings."""

from __future__ import annotations

from corpus.chunking import MAX_CHARS, chunk_spans, lead_of, sentence_spans, trim


def pieces(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_sentences_cut_after_chinese_ends() -> None:
    text = "全年地区生产总值增长3.5%；规上工业增加值增长5.5%。粮食稳定！"
    assert pieces(text, sentence_spans(text, 0, len(text))) == [
        "全年地区生产总值增长3.5%；",
        "规上工业增加值增长5.5%。",
        "粮食稳定！",
    ]


def test_english_sentences_keep_decimals_whole() -> None:
    text = "GDP grew 3.5% in 2022. Investment rose 10.4%! Why? Jobs."
    assert pieces(text, sentence_spans(text, 0, len(text))) == [
        "GDP grew 3.5% in 2022.",
        " Investment rose 10.4%!",
        " Why?",
        " Jobs.",
    ]


def test_no_cut_inside_quotes_or_brackets() -> None:
    text = "他说：“今年要稳住。明年要更好。”会议（第一次。第二次）结束。"
    # The quote's own sentence end counts once the quote closes.
    assert pieces(text, sentence_spans(text, 0, len(text))) == [
        "他说：“今年要稳住。明年要更好。”",
        "会议（第一次。第二次）结束。",
    ]


def test_unclosed_quote_does_not_swallow_the_rest() -> None:
    text = "“" + "很长的引文，" * 40 + "。第二句。"
    spans = sentence_spans(text, 0, len(text))
    assert pieces(text, spans)[-1] == "第二句。"


def test_line_ends_are_cuts() -> None:
    text = "第一行没有句号\n第二行。"
    assert pieces(text, sentence_spans(text, 0, len(text))) == ["第一行没有句号\n", "第二行。"]


def test_short_paragraph_is_one_chunk_trimmed() -> None:
    text = "  短段落。只有两句。 \n"
    assert pieces(text, chunk_spans(text, 0, len(text))) == ["短段落。只有两句。"]


def test_long_paragraph_chunks_are_balanced() -> None:
    sentence = "全区新增市级以上研发平台12家，累计达到114家。"  # 25 characters
    text = sentence * 12  # 300 characters: too long for one chunk
    chunks = pieces(text, chunk_spans(text, 0, len(text)))
    # Two chunks of six sentences (150 each), not 250 + 50.
    assert chunks == [sentence * 6, sentence * 6]


def test_overlong_sentence_falls_back_to_commas() -> None:
    clause = "坚持稳中求进工作总基调，"  # 12 characters
    text = clause * 30 + "书写新篇章。"  # one 366-character sentence
    chunks = pieces(text, chunk_spans(text, 0, len(text)))
    assert "".join(chunks) == text
    assert len(chunks) >= 2
    assert all(len(c) <= MAX_CHARS for c in chunks)
    assert all(c.endswith(("，", "。")) for c in chunks)


def test_sentence_without_any_cut_point_stays_whole() -> None:
    text = "数" * 400
    assert chunk_spans(text, 0, len(text)) == [(0, 400)]


def test_lead_sentence_and_label() -> None:
    assert lead_of("服务业总体承压回稳。商贸消费有序恢复。") == "服务业总体承压回稳"
    assert lead_of("汽车摩托车：依托长城汽车、雅迪电动车等龙头企业。") == "汽车摩托车"
    assert lead_of("“四好农村路”建设：建设“四好农村路”200公里。") == "“四好农村路”建设"
    # A first sentence with a comma is not a bold-style lead.
    assert lead_of("2022年，面对疫情。全区上下。") == ""
    # Nothing after it: no lead.
    assert lead_of("服务业总体承压回稳。") == ""


def test_trim_moves_offsets_only() -> None:
    text = " \t abc \n"
    s, e = trim(text, 0, len(text))
    assert (s, e, text[s:e]) == (3, 6, "abc")
    assert trim("   ", 0, 3) == (3, 3)


def test_half_width_marks_end_chinese_sentences() -> None:
    """A page that wrote Chinese with half-width marks (东安县's plan report): ";" ends a
    sentence, and a passage never starts inside one ("排名全市第1位(预期目标…)")."""
    from reportqa.paths import CORPUS_DIR

    path = CORPUS_DIR.parent / "eval/heldout/reports2/dongan-2022-plan.txt"
    text = path.read_text(encoding="utf-8")
    at = text.index("固定资产投资增长14.2%")
    spans = sentence_spans(text, 0, len(text))
    assert any(s == at for s, _ in spans)
    assert not any(text[s:e].lstrip().startswith("排名") for s, e in chunk_spans(text, 0, len(text)))
    # …but a decimal point and "2.全社会" keep their sentence whole.
    short = "增长3.5%;投资2.全社会"
    assert pieces(short, sentence_spans(short, 0, len(short))) == ["增长3.5%;", "投资2.全社会"]
