"""Profiles derived from the reports themselves: place, kind and years.

Each row is one real report of the corpus; nothing in the code names them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import CorpusError, load_corpus
from reportqa.paths import CORPUS_DIR


@pytest.fixture(scope="module")
def profiles() -> dict:
    return {d.id: d.profile for d, _ in load_corpus([CORPUS_DIR])}


def test_a_title_set_with_spaces_is_read_as_one() -> None:
    from corpus.profile import _kind

    assert _kind("政 府 工 作 报 告\n——2024年1月6日在某县第十八届人民代表大会第三次会议上") == "gwr"
    assert _kind("统 计 公 报") == "bulletin"


@pytest.mark.parametrize(("doc", "place", "parent", "kind", "result", "target"), [
    ("yongchuan-2022-2023", "永川区", "重庆市", "plan", 2022, 2023),
    ("suining-2021-plan", "遂宁市", "四川省", "plan", 2021, 2022),  # title wraps over two lines
    ("yaohai-2021-plan", "瑶海区", "合肥市", "plan", 2021, 2022),  # city and district in the title
    ("shahekou-2022-gwr", "沙河口区", "大连市", "gwr", 2021, 2022),  # delivered in December
    ("quanshan-2024-gwr", "泉山区", "徐州市", "gwr", 2023, 2024),
    ("yanbian-2021-gwr", "延边朝鲜族自治州", "吉林省", "gwr", 2020, 2021),
    ("lushunkou-2023-gwr", "旅顺口区", "大连市", "gwr", 2022, 2023),  # no title: the byline
    ("dalian-2023-gwr", "大连市", "辽宁省", "gwr", 2022, 2023),  # no title, no byline: the body
    ("wuhu-2022-bulletin", "芜湖市", "安徽省", "bulletin", 2022, None),
    ("ningyuan-2023-bulletin", "宁远县", "湖南省", "bulletin", 2023, None),  # no title
    ("bingtuan-2019-bulletin", "新疆生产建设兵团", None, "bulletin", 2019, None),
])
def test_profile_is_read_from_the_report(profiles: dict, doc: str, place: str, parent: str | None,
                                         kind: str, result: int, target: int | None) -> None:
    p = profiles[doc]
    assert p.place is not None and p.place.name == place
    assert parent is None or parent in p.place.parents
    assert (p.kind, p.result_year, p.target_year) == (kind, result, target)


def test_short_forms_and_english_names(profiles: dict) -> None:
    assert profiles["yanbian-2021-gwr"].place.short == "延边"
    assert profiles["beilin-2025-gwr"].place.short == "北林"  # not 北 + 林区
    assert profiles["bingtuan-2019-bulletin"].place.short == "兵团"  # not 新疆
    assert "suining" in profiles["suining-2021-plan"].place.en_forms
    assert "lushunkou" in profiles["lushunkou-2023-gwr"].place.en_forms


def test_sections_get_the_reports_periods(profiles: dict) -> None:
    assert set(profiles["suining-2021-plan"].periods) >= {"2021-actual", "2022-target"}
    assert profiles["wuhu-2022-bulletin"].periods == ("2022-actual",)


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_override_file_corrects_the_profile(tmp_path: Path) -> None:
    _write(tmp_path, "r.txt", "工作报告\n一年来，全县经济稳中向好，地区生产总值增长5%。\n")
    _write(tmp_path, "r.profile.json", json.dumps(
        {"place": "牟定县", "result_year": 2023, "target_year": 2024, "kind": "gwr"},
        ensure_ascii=False))
    (doc, passages), = load_corpus([tmp_path])
    p = doc.profile
    assert p.place.name == "牟定县" and "楚雄彝族自治州" in p.place.parents
    assert (p.result_year, p.target_year, p.kind) == (2023, 2024, "gwr")
    assert p.derived["place"] == "override"


def test_a_document_without_place_or_year_still_indexes(tmp_path: Path) -> None:
    _write(tmp_path, "notes.txt", "各位代表：\n经济运行总体平稳，就业形势稳定。\n")
    (doc, passages), = load_corpus([tmp_path])
    assert doc.profile.place is None and passages
    assert doc.profile.place_name("en") == "this report"


@pytest.mark.parametrize("content", ["{not json", "[]", '{"year": 2022}', '{"result_year": "x"}',
                                     '{"place": ""}', '{"kind": "novel"}'])
def test_a_broken_override_is_one_clear_error(tmp_path: Path, content: str) -> None:
    _write(tmp_path, "r.txt", "关于某县2022年计划执行情况的报告\n全县经济增长5%。\n")
    _write(tmp_path, "r.profile.json", content)
    with pytest.raises(CorpusError, match=r"r\.profile\.json"):
        load_corpus([tmp_path])


def test_a_work_report_known_only_by_its_years_plans_for_the_next(tmp_path: Path) -> None:
    # No title, date or dated heading: the years come from the text, and a work
    # report reviews one year and plans for the next.
    _write(tmp_path, "w.txt", "各位代表:\n现在,我代表市人民政府向大会报告工作,请予审议。\n"
                              "2024年,全市地区生产总值增长5.1%。2024年,城镇新增就业3万人。\n")
    (doc, _), = load_corpus([tmp_path])
    assert (doc.profile.kind, doc.profile.result_year, doc.profile.target_year) == ("gwr", 2024,
                                                                                    2025)


@pytest.mark.parametrize(("path", "place"), [
    # Named only in its body's short forms (邯郸数字经济产业园), beside 全省 rankings.
    ("eval/heldout/reports2/handan-2025-gwr.txt", "邯郸市"),
    # 桦川 in the body; 示范县 holds the name of another county (范县): counted once.
    ("eval/heldout/reports3/huachuan-2023-gwr.txt", "桦川县"),
])
def test_a_place_named_only_in_the_body_is_found(path: str, place: str) -> None:
    (doc, _), = load_corpus([CORPUS_DIR.parent / path])
    assert doc.profile.place is not None and doc.profile.place.name == place


def test_the_presenter_is_read_from_the_byline(profiles: dict) -> None:
    """"县长 陈永高", "房县发展和改革局 刘明德", "…人民政府区长张铁峰": the name after a space
    or a title; a bulletin without a byline has none."""
    assert (profiles["changshaxian-2023-gwr"].presenter,
            profiles["changshaxian-2023-gwr"].presenter_role) == ("陈永高", "县长")
    assert profiles["fangxian-2023-plan"].presenter == "刘明德"
    assert profiles["beilin-2025-gwr"].presenter_role == "绥化市北林区人民政府区长"
    assert profiles["wuhu-2022-bulletin"].presenter == ""
    assert profiles["yongchuan-2022-2023"].presenter == ""  # its byline is the body only


@pytest.mark.parametrize(("doc", "date", "meeting"), [
    ("beilin-2025-gwr", "2025年1月14日", "绥化市北林区第六届人民代表大会第五次会议"),
    ("mouding-2024-gwr", "2024年1月18日", "牟定县第十八届人民代表大会第三次会议"),  # broken line
    ("quanshan-2024-gwr", "2024年1月10日", "徐州市泉山区第十届人民代表大会第三次会议"),  # and a blank one
    ("yaohai-2021-plan", "2021年12月28日", "合肥市瑶海区第五届人民代表大会第一次会议"),  # "2021 年 12 月"
    ("sichuan-2019-plan", "2020年5月9日", "四川省第十三届人民代表大会第三次会议"),
])
def test_where_and_when_a_report_was_delivered_is_read_from_its_meeting_line(
        profiles: dict, doc: str, date: str, meeting: str) -> None:
    p = profiles[doc]
    assert (p.meeting_date, p.meeting) == (date, meeting)
    text = next(d.text for d, _ in load_corpus([CORPUS_DIR / "reports" / f"{doc}.txt"]))
    s, e = p.meeting_span
    assert "".join(text[s:e].split()).startswith(date + "在") or text[s:e].startswith(date)
    assert profiles["wuhu-2022-bulletin"].meeting == ""  # a bulletin is delivered at none


def test_a_county_written_without_its_nationalities_keeps_its_short_form() -> None:
    """兰坪县 is 兰坪白族普米族自治县 written short: 兰坪 is its own short form, not another
    place's (it was the report's, and "Lanping" found no report); 新疆生产建设兵团 is
    still no 新疆."""
    from corpus.profile import short_form

    assert short_form("兰坪县") == "兰坪"
    assert short_form("新疆生产建设兵团") == "兵团"


def test_a_byline_may_end_the_meeting_line() -> None:
    from corpus.profile import _meeting, _presenter

    root = CORPUS_DIR.parent / "eval/heldout/reports6"
    text = (root / "xinmi-2021-plan.txt").read_text(encoding="utf-8")
    name, role, span = _presenter(text)
    assert (name, role) == ("张艳艳", "新密市发展和改革委员会主任")
    assert text[span[0]:span[1]] == "新密市发展和改革委员会主任 张艳艳"
    assert _meeting(text)[1] == "2022年6月28日"
