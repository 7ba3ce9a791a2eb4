"""How well a sentence covers a question's terms."""

from __future__ import annotations

from qa.evidence import PART_CREDIT, TermWeights, coverage


def test_a_compound_found_through_its_head_counts_more_than_through_a_modifier() -> None:
    # 幼儿学位 is a kind of 学位: "新增学位1770个" covers it better than "新增公办幼儿园6所".
    weights = TermWeights([["新增", "学位"], ["新增", "公办", "幼儿园"], ["其他"]])
    parts = {"幼儿学位": ["幼儿", "学位"]}
    head = coverage(["幼儿学位"], {"新增", "学位"}, weights, "新增学位1770个", parts)
    modifier = coverage(["幼儿学位"], {"新增", "公办", "幼儿园"}, weights, "新增公办幼儿园6所", parts)
    assert head.score > modifier.score > 0
    assert head.score <= PART_CREDIT and head.missing == ("幼儿学位",)


def test_a_whole_term_counts_fully() -> None:
    weights = TermWeights([["粮食产量"], ["其他"]])
    assert coverage(["粮食产量"], {"粮食产量"}, weights).score == 1.0


def test_a_term_said_in_the_sentence_s_own_wording_counts_nearly_fully() -> None:
    from qa.evidence import SAID_CREDIT

    weights = TermWeights([["全部", "财政", "收入"], ["城乡", "居民"], ["其他"]])
    # 财政总收入 said as 全部财政收入; 农村居民人均可支配收入 said by 城乡…分别
    fiscal = coverage(["财政总收入"], {"全部", "财政", "收入"}, weights, "全部财政收入增长9.2%",
                      {"财政总收入": ["财政", "总", "收入"]})
    rural = coverage(["农村居民人均可支配收入"], {"城乡", "居民"}, weights,
                     "城乡居民人均可支配收入分别为41236元、17325元",
                     {"农村居民人均可支配收入": ["农村", "居民", "人均", "可支配收入"]})
    assert fiscal.score == rural.score == SAID_CREDIT


def test_words_of_a_term_clauses_apart_are_not_its_wording() -> None:
    from qa.evidence import mostly_said, said_by_pair, said_in_parts

    sentence = "城镇新增就业人员3.2万人,城镇失业人员再就业1.1万人,就业困难人员就业0.4万人"
    assert not said_in_parts("城镇困难人员", ["城镇", "困难", "人员"], sentence)
    assert not mostly_said("城镇困难人员", sentence)
    assert said_in_parts("城乡居民", ["城乡", "居民"], "城乡常住居民收入稳步增长")
    # a pair word names the term only with the rest of it after it
    assert said_by_pair("农村居民收入", "城乡居民收入分别增长5%、7%")
    assert not said_by_pair("城镇新增就业", "建设城乡新型文化空间3个")


def test_the_other_side_of_a_pair_said_in_a_term_s_place_is_not_the_term() -> None:
    """农村居民… where 城镇居民… is asked, 贷款余额 for 存款余额: nothing of it counts; a
    sentence that says both sides (城镇和农村居民…) still covers it."""
    from qa.evidence import said_of_other_side

    weights = TermWeights([["农村", "居民", "人均", "可支配收入"], ["贷款", "余额"], ["其他"]])
    parts = {"城镇居民人均可支配收入": ["城镇", "居民", "人均", "可支配收入"]}
    rural = "农村居民人均可支配收入实现24068元,同比增长3.5%"
    assert said_of_other_side("城镇居民人均可支配收入", rural)
    assert coverage(["城镇居民人均可支配收入"], {"农村", "居民", "人均", "可支配收入"}, weights,
                    rural, parts).score == 0.0
    both = "城镇和农村居民人均可支配收入分别达到36583元和17736元"
    assert not said_of_other_side("城镇居民人均可支配收入", both)
    assert said_of_other_side("存款余额", "金融机构贷款余额219.06亿元")
    assert not said_of_other_side("出口总额", "进出口总额下降25%")  # 进出口 says 出口
    # "城镇居民和农村居民…分别": the question asks both sides, each row answers one
    assert not said_of_other_side("城镇居民人均可支配收入", rural, asked="农村居民")


def test_a_pair_word_is_said_by_its_two_parts() -> None:
    """城乡居民 asked, "城镇和农村常住居民…分别" written (yuanmou-2022-plan; 城镇居民和农村居民
    as plan reports write them); not when the rest of the term is missing after them."""
    from qa.evidence import said_by_pair

    assert said_by_pair("城乡居民", "城镇和农村常住居民人均可支配收入预计分别达45578元、17679元")
    assert said_by_pair("城乡居民人均可支配收入", "城镇居民和农村居民人均可支配收入分别增长5.1%、6.3%")
    assert not said_by_pair("城乡居民", "城镇新增就业1.2万人,农村公路建设")
    # a pair word says each of its parts, a short qualifier in front unsaid (fangxian-2023-plan)
    assert said_by_pair("本外币存款余额", "金融存贷款余额288.42亿元、219.06亿元,同比增长10.5%、14.8%")
    assert said_by_pair("存款余额", "金融机构存、贷款余额分别增长12.8%、13.4%、14.9%")  # its end said once
