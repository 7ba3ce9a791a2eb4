"""The bilingual glossary and the jieba user dictionary made from it."""

from __future__ import annotations

import re
from pathlib import Path

import jieba
import pytest

from qa.glossary import (
    GLOSSARY_PATH,
    KINDS,
    USERDICT_PATH,
    Entry,
    Glossary,
    default_glossary,
    jieba_tokenizer,
    normalise_en,
    singular,
)
from qa.query import EN_STOPWORDS
from reportqa.paths import CORPUS_DIR

REPORT = (CORPUS_DIR / "yongchuan-2022-2023.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def gloss() -> Glossary:
    return Glossary.load()


@pytest.fixture(scope="module")
def tok() -> jieba.Tokenizer:
    return jieba_tokenizer()


def test_file_is_well_formed(gloss: Glossary) -> None:
    assert len(gloss.entries) >= 1000  # rows, counting every English variant
    assert len(gloss.terms_zh()) >= 500  # distinct Chinese terms
    assert {e.kind for e in gloss.entries} == set(KINDS)
    rows = [(e.en.lower(), e.zh) for e in gloss.entries]
    assert len(rows) == len(set(rows)), "a row is repeated"


def test_default_glossary_is_read_once() -> None:
    assert default_glossary() is default_glossary()


# --- English question -> Chinese keywords ------------------------------------------

QUESTIONS = [
    (
        "What was Yongchuan's GDP growth rate in 2022?",
        ["永川", "地区生产总值", "增速", "增长", "2022年"],
    ),
    ("How many 5G base stations were added in 2022?", ["5G基站", "新增", "2022年"]),
    (
        "What was the 2022 target for growth of fixed-asset investment?",
        ["2022年", "目标", "预期", "力争", "增长", "固定资产投资"],
    ),
    # "Fixed asset investments": no hyphen, plural, capitals — the same key.
    ("Fixed asset investments in 2023", ["固定资产投资", "2023年"]),
    (
        "How many district-level key projects are planned for 2023?",
        ["区级重点项目", "计划", "2023年"],
    ),
    ("How many old residential compounds were renovated in 2022?", ["老旧小区", "改造", "2022年"]),
    ("How many old neighborhoods were renovated?", ["老旧小区", "改造"]),  # American spelling
    ("How much shale gas was produced in 2022?", ["页岩气", "产量", "2022年"]),
    (
        "What is the 2023 target for newly added urban jobs?",
        ["2023年", "目标", "预期", "力争", "城镇新增就业"],
    ),
    ("What was the air quality good-day rate in 2022?", ["空气质量优良率", "2022年"]),
    ("How many youth talents were brought in during 2022?", ["青年人才", "引进", "2022年"]),
    (
        "What is the 2023 target for the number of days with good air quality?",
        ["2023年", "目标", "预期", "力争", "空气质量优良天数"],
    ),
    (
        "How many kilometres of rural roads were completed in 2022?",
        ["公里", "四好农村路", "农村公路", "完成", "2022年"],
    ),
    ("How many kilometers of rural roads?", ["公里", "四好农村路", "农村公路"]),
    ("How much did total deposits and loans reach in 2022?", ["存贷款规模", "2022年"]),
    ("How did retail sales of consumer goods grow?", ["社会消费品零售总额", "增长"]),
    ("What were the R&D intensity and the number of high-tech enterprises?",
     ["研发投入强度", "个数", "高新技术企业"]),  # fmt: skip
    ("Output value of the automobile and motorcycle industry", ["汽摩产业产值"]),
    ("How much did imports and exports grow?", ["进出口总额", "进出口", "增长"]),
    ("How much did the economy grow in 2022?", ["地区生产总值", "2022年"]),
    ("Rural residents' per-capita disposable income", ["农村居民人均可支配收入"]),
    (  # Chinese inside an English question is passed through
        "What is the growth target for 规上工业增加值?",
        ["增长", "目标", "预期", "力争", "规上工业增加值"],
    ),
    ("What is the mayor of Yongchuan's name?", ["区长", "永川"]),
    # The report has football pitches and a women's football tournament, and
    # 获评 ("won" a title): a question about a match still finds its words.
    ("Who won the football match?", ["获评", "足球", "赛事"]),
    # Out of the report: the glossary maps it to Chinese the report never uses.
    ("What's the weather forecast for this weekend?", ["天气预报", "周末"]),
    ("What was Yongchuan's GDP per capita?", ["永川", "人均地区生产总值"]),
    ("Which cancer hospital opened in 2022?", ["肿瘤医院", "开业", "2022年"]),
    (
        "How many medical institutions offer direct settlement of medical bills in other places?",
        ["医疗机构", "异地就医直接结算"],
    ),
]


@pytest.mark.parametrize(("question", "terms"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_to_zh_terms(gloss: Glossary, question: str, terms: list[str]) -> None:
    assert gloss.to_zh_terms(question) == terms


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Fixed-asset investments", ["fixed", "asset", "investment"]),
        ("Yongchuan's companies", ["yongchuan", "company"]),
        ("R&D base-stations", ["r&d", "base", "station"]),
        ("gas glasses branches", ["gas", "glass", "branch"]),
        ("this analysis", ["this", "analysis"]),
        ("What does it cost?", ["what", "does", "it", "cost"]),
        ("news about buses and gases", ["news", "about", "bus", "and", "gas"]),
    ],
)
def test_normalise_en(text: str, words: list[str]) -> None:
    assert normalise_en(text) == words


@pytest.mark.parametrize(
    ("word", "one"),
    [
        ("stations", "station"), ("companies", "company"), ("lorries", "lorry"),
        ("classes", "class"), ("businesses", "business"), ("processes", "process"),
        ("branches", "branch"), ("taxes", "tax"), ("areas", "area"), ("ideas", "idea"),
        ("courses", "course"), ("enterprises", "enterprise"), ("premises", "premise"),
        ("bases", "base"), ("sizes", "size"), ("houses", "house"), ("children", "child"),
        ("women", "woman"), ("buses", "bus"), ("gases", "gas"), ("statuses", "status"),
        ("analyses", "analysis"), ("movies", "movie"), ("goes", "go"),
        # not plurals: they stay
        ("does", "does"), ("process", "process"), ("gas", "gas"), ("bus", "bus"),
        ("status", "status"), ("series", "series"), ("news", "news"), ("species", "species"),
        ("analysis", "analysis"), ("goods", "goods"), ("overseas", "overseas"), ("this", "this"),
        ("its", "its"), ("pm2.5", "pm2.5"),
    ],
)  # fmt: skip
def test_singular(word: str, one: str) -> None:
    assert singular(word) == one
    assert singular(one) == one  # singularising twice changes nothing


def test_match_returns_the_words_no_entry_covers(gloss: Glossary) -> None:
    zh, unmatched = gloss.match("What is the mayor's favourite colour?")
    assert zh == ["区长"]
    assert [w for w in unmatched if w not in EN_STOPWORDS] == ["favourite", "colour"]


# English a journalist uses for what the report does contain: every word is covered
# (or carries no subject), and every Chinese term is in the report.
IN_REPORT = [
    "How many medical institutions were connected for direct settlement of medical bills?",
    "Which research institutes and bases were completed and put into use?",
    "Was the shale gas pipeline built?",
    "How did the village collective economy do in rural areas?",
    "What is the forest carbon sink pilot at the state-owned forest farm?",
    "How much clean energy will be generated?",
    "What is the brand value of the tea brand?",
    "How many model clean courtyards are to be built?",
    "Which ancient town will apply to become a 4A-level scenic area?",
    "Which venue was named a national night-time cultural and tourism consumption cluster?",
    "What was the utilisation rate of guarantee letters in public resource trading?",
    "What is the insurance enrolment rate for basic pension and basic medical insurance?",
    "How many boutique rural tourism routes were launched?",
    "Which cancer hospital opened?",
    "How many government-procured performances were staged?",
    "How many zhuanjingtexin SMEs were added?",
    "What was the surveyed urban unemployment rate?",
    "How many registered unemployed people found new jobs?",
    "How many urban public toilets were rebuilt?",
    "How many school buildings were repaired and renovated?",
    "How much in rewards and subsidies was paid to monitored households?",
    "How many people were trained and how many start-up loans were issued?",
    "How many projects signed agreements to settle in the bonded zone?",
    "How many elevators were installed in old residential buildings?",
    "Which expressways are being built along with the high-speed railway?",
    "What was the gross enrolment rate of preschool education?",
    "How many deposits and loans did banks have?",
    "What share of government services can be handled fully online?",
]


@pytest.mark.parametrize("question", IN_REPORT)
def test_report_vocabulary_is_covered(gloss: Glossary, question: str) -> None:
    zh, unmatched = gloss.match(question)
    assert [w for w in unmatched if w not in EN_STOPWORDS] == []
    assert [z for z in zh if z not in REPORT] == []


# English for what the report does not contain maps to Chinese it never uses,
# so that the absence shows.
NOT_IN_REPORT = [
    ("the mayor", "区长"), ("CPI", "居民消费价格指数"), ("the weather forecast", "天气预报"),
    ("the average wage", "平均工资"), ("tertiary sector value added", "第三产业"),
    ("the population", "常住人口"), ("house prices", "房价"), ("PM2.5", "PM2.5浓度"),
    ("GDP per capita", "人均地区生产总值"),
    ("energy consumption per unit of GDP", "单位地区生产总值能耗"),
    ("the urbanisation rate", "城镇化率"), ("deposits alone", "存款"),
    ("students enrolled", "在校生"), ("foreign tourists", "入境游客"), ("patents", "专利"),
    ("Rongchang", "荣昌"), ("first-half growth", "上半年"),
]  # fmt: skip


@pytest.mark.parametrize(("phrase", "zh"), NOT_IN_REPORT, ids=[p for p, _ in NOT_IN_REPORT])
def test_out_of_report_words_map_to_absent_terms(gloss: Glossary, phrase: str, zh: str) -> None:
    assert zh in gloss.to_zh_terms(phrase)
    assert zh not in REPORT


# Chinese terms that are not a verbatim slice of the report although the report has
# the thing: figure labels put together from a sentence (汽摩产业…产值, 茶叶、花椒产量).
COMPOSED_LABELS = {"汽摩产业产值", "茶叶产量"}
ABSENT_SECTIONS = (
    "# --- not in the report",
    "# --- terms that questions use but the report may not",
)


def test_terms_are_in_the_report_unless_listed_as_absent() -> None:
    """A term meant for the report must occur in it (or a question about the thing
    would look unanswerable); one meant to show absence must not."""
    section, wrong = "", []
    for line in GLOSSARY_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("# --- "):
            section = line
        if line.startswith("#") or not line.strip() or line == "en\tzh\tkind":
            continue
        en, zh, kind = line.split("\t")
        if kind == "unit" or zh in COMPOSED_LABELS:
            continue
        if (zh in REPORT) == section.startswith(ABSENT_SECTIONS):
            wrong.append((section, en, zh))
    assert wrong == []


# --- Chinese label -> English ---------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "english"),
    [
        ("地区生产总值", "GDP"),
        ("规上工业增加值", "industrial value added above designated size"),
        ("粮食产量", "grain output"),
        ("农村居民人均可支配收入", "rural per capita disposable income"),  # longest match
        ("全体居民人均可支配收入", "per capita disposable income of all residents"),
        ("新增5G基站", "new 5G base stations"),  # 新增 outside the match -> "new"
        ("新建5G网络基站", "newly built 5G network base stations"),
        ("存贷款规模", "total deposits and loans"),
        ("城镇新增就业", "new urban jobs"),
        ("引进青年人才", "youth talents recruited"),
        ("改造老旧小区", "old residential compounds"),
        ("研发投入强度", "R&D intensity"),
        ("高新技术企业", "high-tech enterprises"),
        ("进出口总额", "total import and export"),
        ("完工“四好农村路”", "Four Good Rural Roads"),
        ("空气质量优良天数", "days with good air quality"),
        ("没有这个词", ""),
    ],
)
def test_label_en(gloss: Glossary, label: str, english: str) -> None:
    assert gloss.label_en(label) == english


def test_terms_zh_by_kind(gloss: Glossary) -> None:
    places = gloss.terms_zh(["place"])
    assert places[:3] == ["泸永江", "永川", "永川区"]  # file order
    assert "地区生产总值" in gloss.terms_zh(["indicator"])
    assert "地区生产总值" not in places
    with pytest.raises(ValueError, match=r"unknown kinds \['city'\]"):
        gloss.terms_zh(["city"])


def test_bad_files_are_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "g.tsv"
    bad.write_text("en\tzh\tkind\nGDP\t地区生产总值\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g.tsv:2: expected 'en<TAB>zh<TAB>kind'"):
        Glossary.load(bad)
    bad.write_text("GDP\t地区生产总值\tmetric\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g.tsv:1: kind must be one of"):
        Glossary.load(bad)
    with pytest.raises(FileNotFoundError):
        Glossary.load(tmp_path / "missing.tsv")
    with pytest.raises(ValueError, match="at least one entry"):
        Glossary([])


def test_a_small_glossary() -> None:
    g = Glossary([Entry("grain output", "粮食产量", "indicator"), Entry("tonnes", "吨", "unit")])
    assert g.to_zh_terms("Grain outputs in tonnes") == ["粮食产量", "吨"]
    assert g.label_en("吨") == ""  # units never label an indicator
    assert g.userdict_lines() == ["粮食产量 20000 n"]


def test_coordinated_terms_share_their_words() -> None:
    entries = [Entry("urban per capita income", "城镇居民人均可支配收入", "indicator"),
               Entry("rural per capita income", "农村居民人均可支配收入", "indicator")]
    groups, _ = Glossary(entries).match_groups("Urban and rural per-capita income in 2022")
    assert groups[:2] == [(["城镇居民人均可支配收入"], 4), (["农村居民人均可支配收入"], 4)]
    # One entry that says it all is kept whole.
    whole = Glossary([*entries, Entry("urban and rural per capita income", "城乡居民收入", "indicator")])
    assert whole.to_zh_terms("urban and rural per capita income") == ["城乡居民收入"]


def test_one_phrase_may_stand_for_two_terms(gloss: Glossary) -> None:
    groups, _ = gloss.match_groups("contracted investment")
    assert groups == [(["合同引资", "协议引资"], 2)]


# --- the jieba user dictionary -----------------------------------------------------------


def test_userdict_file_matches_the_glossary(gloss: Glossary) -> None:
    # qa/data/userdict.txt is generated: `write_userdict(Glossary.load())`.
    assert USERDICT_PATH.read_text(encoding="utf-8").splitlines() == gloss.userdict_lines()


def test_userdict_rules(gloss: Glossary) -> None:
    words = {line.split()[0] for line in gloss.userdict_lines()}
    assert {"地区生产总值", "规上工业增加值", "社会消费品零售总额", "专精特新",
            "四好农村路", "固定资产投资", "人均可支配收入", "研发投入强度",
            "永川", "重庆文理学院"} <= words  # fmt: skip
    # left out: Latin letters (jieba cuts "5G"), and compounds of two terms
    assert not {"5G基站", "城镇居民人均可支配收入", "老旧小区改造", "存贷款规模"} & words


SEGMENTED = [
    ("全年地区生产总值增长3.5%", ["全年", "地区生产总值", "增长"]),
    ("规上工业增加值增长5.5%", ["规上工业增加值", "增长"]),
    ("社会消费品零售总额增长0.7%", ["社会消费品零售总额", "增长"]),
    ("固定资产投资增长10.4%", ["固定资产投资", "增长"]),
    ("农村居民人均可支配收入增长5.7%", ["农村居民", "人均可支配收入", "增长"]),
    ("全年研发投入强度达到2.4%", ["全年", "研发投入强度", "达到"]),
    ("全社会研发投入强度达到2.5%", ["全社会", "研发投入强度", "达到"]),
    ("完工“四好农村路”260公里", ["完工", "“", "四好农村路", "”"]),
    ("大力支持中小企业“专精特新”发展", ["大力支持", "中小企业", "“", "专精特新", "”", "发展"]),
    ("新增5G基站1196个", ["新增", "5G", "基站"]),
    ("新建5G网络基站500个", ["新建", "5G", "网络", "基站"]),
    ("共改造老旧小区132个", ["共", "改造", "老旧小区"]),
    ("全年城镇新增就业2.8万人", ["全年", "城镇新增就业"]),
    ("全区存贷款规模突破1800亿元", ["全区", "存贷款", "规模", "突破"]),
]


@pytest.mark.parametrize(("sentence", "words"), SEGMENTED, ids=[s for s, _ in SEGMENTED])
def test_jieba_keeps_terms_whole(tok: jieba.Tokenizer, sentence: str, words: list[str]) -> None:
    # the figure's own tokens ("3", ".", "5", "%", "万人") are not what is tested here
    cut = [w for w in tok.lcut(sentence) if not re.fullmatch(r"[\d.%]+|[个人亿元万公里]+", w)]
    assert cut == words


def test_every_userdict_word_stays_whole(tok: jieba.Tokenizer, gloss: Glossary) -> None:
    split = [w for w in (ln.split()[0] for ln in gloss.userdict_lines()) if tok.lcut(w) != [w]]
    assert split == []


def test_the_global_jieba_is_untouched(tok: jieba.Tokenizer) -> None:
    assert tok is not jieba.dt
    assert tok.FREQ.get("规上工业增加值") == 20000
    assert "规上工业增加值" not in jieba.dt.FREQ  # loaded into our tokenizer only
