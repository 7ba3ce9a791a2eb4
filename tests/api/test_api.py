"""The API over the real index and model: answers, offsets, search, documents, health,
API keys, CORS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ALLOWED_ORIGIN, EN_QUESTION, ZH_QUESTION

pytestmark = pytest.mark.model

ANSWER_KEYS = {"question", "lang", "answer", "abstained", "figures", "citations", "timing_ms",
               "reports", "assumed", "understood"}
FIGURE_KEYS = {"text", "value", "unit", "label", "label_en", "period", "period_info", "kind",
               "start", "end", "citation", "qualifier", "text_en"}
CITATION_KEYS = {"doc_id", "section", "text", "start", "end", "quote_start", "quote_end", "score",
                 "passage_id", "period", "period_info", "doc_title", "supports", "cells", "table"}


def ask(client: TestClient, question: str, **extra: Any) -> dict[str, Any]:
    r = client.post("/api/ask", json={"question": question, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def check_offsets(answer: dict[str, Any], texts: dict[str, str]) -> None:
    """Every citation and figure is found in the document at its offsets."""
    for c in answer["citations"]:
        doc = texts[c["doc_id"]]
        assert doc[c["start"]:c["end"]] == c["text"]
        assert 0 <= c["quote_start"] < c["quote_end"] <= len(c["text"])
    for f in answer["figures"]:
        c = answer["citations"][f["citation"]]
        doc = texts[c["doc_id"]]
        assert doc[f["start"]:f["end"]] == f["text"]
        # The figure sits inside the quoted sentence of the citation it points at.
        assert c["start"] + c["quote_start"] <= f["start"] < f["end"] <= c["start"] + c["quote_end"]


# --------------------------------------------------------------------- /api/ask

def test_zh_question_states_the_grain_output_with_its_source(
        client: TestClient, document_texts: dict[str, str]) -> None:
    a = ask(client, ZH_QUESTION)
    assert set(a) == ANSWER_KEYS  # no "id": none was sent
    assert a["lang"] == "zh" and a["abstained"] is False
    assert "47.6万吨" in a["answer"]
    fig = a["figures"][0]
    assert set(fig) == FIGURE_KEYS
    # 47.6万吨 = 47.6 × 10,000 t
    assert (fig["text"], fig["value"], fig["unit"], fig["period"]) == (
        "47.6万吨", 476000.0, "吨", "2022-actual")
    assert len(a["citations"]) == 5 and set(a["citations"][0]) == CITATION_KEYS
    first = a["citations"][0]
    assert "全年粮食产量达到47.6万吨" in first["text"][first["quote_start"]:first["quote_end"]]
    check_offsets(a, document_texts)


def test_en_question_answers_in_english_with_the_5g_count(
        client: TestClient, document_texts: dict[str, str]) -> None:
    a = ask(client, EN_QUESTION, top_k=3, id="q-5g")
    assert a["id"] == "q-5g" and a["lang"] == "en" and not a["abstained"]
    assert "1,196" in a["answer"]
    assert [(f["text"], f["value"]) for f in a["figures"]][:1] == [("1196个", 1196.0)]
    assert len(a["citations"]) == 3
    check_offsets(a, document_texts)


@pytest.mark.parametrize("question", [
    "What GDP growth target had been set for 2022?",
    "2023年地区生产总值的增长目标是多少？",
])
def test_target_questions_have_verifiable_figures(
        client: TestClient, document_texts: dict[str, str], question: str) -> None:
    a = ask(client, question)
    assert not a["abstained"] and a["figures"]
    check_offsets(a, document_texts)


def test_an_abstention_still_cites(
        client: TestClient, document_texts: dict[str, str]) -> None:
    a = ask(client, "What was Yongchuan's per-capita GDP in 2022?")
    assert a["abstained"] is True and a["figures"] == []
    assert a["answer"].startswith("The report does not state")
    check_offsets(a, document_texts)


def test_api_answer_is_the_assistants_answer(client: TestClient, assistant) -> None:  # noqa: ANN001
    direct = assistant.ask(ZH_QUESTION).to_dict()
    served = ask(client, ZH_QUESTION)
    for d in (direct, served):
        d.pop("timing_ms")
    assert served == direct


def test_timing_is_reported_in_milliseconds(client: TestClient) -> None:
    t = ask(client, EN_QUESTION)["timing_ms"]
    assert set(t) == {"total", "embed", "retrieve", "answer"}
    assert t["total"] >= t["embed"] >= 0


# ------------------------------------------------------------------ /api/search

def test_search_ranks_the_grain_passage_first(client: TestClient,
                                              document_texts: dict[str, str]) -> None:
    r = client.get("/api/search", params={"q": "永川粮食产量", "top_k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == "永川粮食产量" and body["top_k"] == 3
    hits = body["hits"]
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert "47.6万吨" in hits[0]["text"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    for h in hits:
        assert document_texts[h["doc_id"]][h["start"]:h["end"]] == h["text"]
    assert "answer" not in body


def test_search_in_english_finds_5g(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "5G base stations"}).json()["hits"]
    assert len(hits) == 5
    assert any("5G基站" in h["text"] for h in hits[:2])


# ------------------------------------------------------------------ /api/documents

def test_documents_list_and_text(client: TestClient) -> None:
    docs = client.get("/api/documents").json()["documents"]
    ids = [d["id"] for d in docs]  # the library: the Yongchuan report and 25 others
    assert "yongchuan-2022-2023" in ids and "suining-2021-plan" in ids and len(ids) == 26
    d = client.get("/api/documents/yongchuan-2022-2023").json()
    assert set(d) == {"id", "title", "text", "profile"}
    assert d["profile"]["place"]["name"] == "永川区" and d["profile"]["kind"] == "plan"
    listed = next(x for x in docs if x["id"] == "yongchuan-2022-2023")
    assert d["title"] == listed["title"] and len(d["text"]) == listed["chars"]
    assert "永川" in d["title"]


def test_unknown_document_is_404_naming_the_known_ones(client: TestClient) -> None:
    r = client.get("/api/documents/no-such-doc")
    assert r.status_code == 404
    assert r.json()["detail"].startswith("no document 'no-such-doc'; known: beilin-2025-gwr, ")


# ------------------------------------------------------------------ health, ready, docs

def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    ready = client.get("/api/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] is True and body["passages"] > 100 and body["documents"] == 26


def test_ready_is_503_and_ask_waits_while_the_model_loads(assistant) -> None:  # noqa: ANN001
    import threading

    from api.app import create_app
    from tests.api.conftest import settings

    release = threading.Event()

    def slow_loader():  # noqa: ANN202
        release.wait(10)
        return assistant

    app = create_app(settings(background_load=True), loader=slow_loader)
    with TestClient(app) as c:
        assert c.get("/api/health").status_code == 200
        r = c.get("/api/ready")
        assert r.status_code == 503 and r.json()["ready"] is False
        r = c.post("/api/ask", json={"question": ZH_QUESTION})
        assert r.status_code == 503 and "loading" in r.json()["detail"]
        assert r.headers["retry-after"] == "5"
        release.set()
        assert app.state.model.wait(10)
        assert c.get("/api/ready").status_code == 200


def test_openapi_describes_the_answer_and_stream(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert set(schemas["FigureOut"]["properties"]) == FIGURE_KEYS
    assert set(schemas["CitationOut"]["properties"]) == CITATION_KEYS
    assert set(schemas["AnswerOut"]["properties"]) == ANSWER_KEYS | {"id"}
    stream = spec["paths"]["/api/ask/stream"]["post"]["responses"]["200"]["content"]
    events = [i["properties"]["event"]["const"]
              for i in stream["text/event-stream"]["itemSchema"]["oneOf"]]
    assert events == ["question", "answer", "citation", "figure", "done", "error"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    # Served from the swagger-ui-bundle package: the docs work offline.
    assert "/docs-static/swagger-ui-bundle.js" in docs.text
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200


def test_chat_page_and_its_assets(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/app.js", "/static/app.css"):
        assert client.get(asset).status_code == 200
    assert "://" not in page.text  # nothing from a CDN


# ------------------------------------------------------------------ API key

def test_api_key_guards_every_api_route_but_health(make_client) -> None:  # noqa: ANN001
    with make_client(api_key="s3cret") as c:
        assert c.get("/api/health").status_code == 200
        guarded = [("GET", "/api/ready", None), ("GET", "/api/documents", None),
                   ("GET", "/api/documents/yongchuan-2022-2023", None),
                   ("GET", "/api/search?q=GDP", None),
                   ("POST", "/api/ask", {"question": ZH_QUESTION}),
                   ("POST", "/api/ask/stream", {"question": ZH_QUESTION})]
        for method, url, body in guarded:
            r = c.request(method, url, json=body)
            assert r.status_code == 401, (url, r.text)
            assert "X-API-Key" in r.json()["detail"]
            wrong = c.request(method, url, json=body, headers={"X-API-Key": "nope"})
            assert wrong.status_code == 401 and wrong.json()["detail"].startswith("wrong")
            ok = c.request(method, url, json=body, headers={"X-API-Key": "s3cret"})
            assert ok.status_code == 200, (url, ok.text)
        assert c.get("/").status_code == 200  # the page itself is public; its API calls are not


def test_without_a_key_configured_no_header_is_needed(client: TestClient) -> None:
    assert client.get("/api/documents").status_code == 200


# ------------------------------------------------------------------ CORS

def test_cors_allows_the_configured_origin_only(client: TestClient) -> None:
    pre = client.options("/api/ask", headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key"})
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-api-key" in pre.headers["access-control-allow-headers"].lower()
    r = client.get("/api/documents", headers={"Origin": ALLOWED_ORIGIN})
    assert r.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    other = client.get("/api/documents", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    # Errors too, so a page on the allowed origin can show their message.
    big = client.post("/api/ask", content=b"x" * 20000,
                      headers={"Origin": ALLOWED_ORIGIN, "Content-Type": "application/json"})
    assert big.status_code == 413
    assert big.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


def test_no_cors_headers_when_no_origin_is_configured(make_client) -> None:  # noqa: ANN001
    with make_client(cors_origins=[]) as c:
        r = c.get("/api/documents", headers={"Origin": ALLOWED_ORIGIN})
        assert "access-control-allow-origin" not in r.headers


# ------------------------------------------------------------------ the library

@pytest.mark.parametrize(("question", "doc", "figure"), [
    ("遂宁去年的进出口总额是多少？", "suining-2021-plan", "49.4亿元"),  # 去年 of a 2022 report
    ("How much grain did Wuhu harvest in 2022?", "wuhu-2022-bulletin", None),
    ("延边州2020年地区生产总值增长多少？", "yanbian-2021-gwr", "0.5%"),  # 预计: an estimate
])
def test_a_named_place_is_answered_from_its_own_report(
        client: TestClient, document_texts: dict[str, str], question: str, doc: str,
        figure: str | None) -> None:
    a = ask(client, question)
    assert a["reports"][0]["doc_id"] == doc and a["citations"][0]["doc_id"] == doc
    assert a["citations"][0]["doc_title"]
    if figure is not None:
        assert a["abstained"] is False and a["figures"][0]["text"] == figure
        assert a["figures"][0]["period_info"]["start"] in (2020, 2021)
    check_offsets(a, document_texts)


@pytest.mark.parametrize("question", [
    "2022年永川區地區生產總值是多少？",
    "遂寧去年的進出口總額是多少？",
    "延邊州2020年地區生產總值增長多少？",
])
def test_traditional_characters_are_answered_as_the_simplified_form(
        client: TestClient, question: str) -> None:
    import opencc

    trad, simp = ask(client, question), ask(client, opencc.OpenCC("t2s").convert(question))
    assert trad["lang"] == "zh" and trad["abstained"] is False
    assert trad["question"] == question and trad["understood"] == simp["question"]
    assert [f["text"] for f in trad["figures"]] == [f["text"] for f in simp["figures"]]
    assert [c["passage_id"] for c in trad["citations"]] == [c["passage_id"] for c in simp["citations"]]


@pytest.mark.parametrize("question", [
    "[报告](https://example.com/reports/suining-annual-report) 遂宁去年的进出口总额是多少？",
    "```text\n延边州2020年地区生产总值增长多少？\n```",
    "<p>2022年永川区地区生产总值是多少？</p>",
])
def test_markup_around_a_chinese_question_is_answered_in_chinese(client: TestClient,
                                                                 question: str) -> None:
    a = ask(client, question)
    assert a["lang"] == "zh" and a["abstained"] is False


def test_a_place_or_year_the_library_lacks_abstains_saying_so(client: TestClient) -> None:
    a = ask(client, "绵阳市2023年GDP是多少？")
    assert a["abstained"] and a["answer"] == "资料库中没有绵阳市的报告。"
    b = ask(client, "What was Qingdao's GDP growth target for 2023?")
    assert b["abstained"] and b["answer"].startswith("The library has no report on Qingdao")
    c = ask(client, "2031年地区生产总值的目标是多少？")
    assert c["abstained"] and "2031" in c["answer"]


def test_what_was_assumed_is_said(client: TestClient) -> None:
    a = ask(client, "遂宁市和绵阳市的GDP增速分别是多少？")
    assert a["reports"][0]["doc_id"] == "suining-2021-plan" and "绵阳市" in a["assumed"]
    b = ask(client, "What was the GDP growth in 2019?")
    assert b["assumed"].startswith("no place named: answered from")


def test_the_document_filter_limits_the_library(client: TestClient) -> None:
    a = ask(client, "地区生产总值增长多少？", docs=["wuhu-2022-bulletin"])
    assert {c["doc_id"] for c in a["citations"]} == {"wuhu-2022-bulletin"}
    r = client.post("/api/ask", json={"question": "GDP?", "docs": ["no-such"]})
    assert r.status_code == 422 and "no-such" in r.json()["detail"]
    r = client.post("/api/ask", json={"question": "GDP?", "docs": []})
    assert r.status_code == 422


def test_a_follow_up_with_its_history_is_answered_as_the_whole_question(
        client: TestClient) -> None:
    first = ask(client, "中江县2023年粮食产量是多少？")
    a = ask(client, "稻谷呢？", history=[{"question": first["question"],
                                         "understood": first["understood"]}])
    assert a["question"] == "稻谷呢？" and "稻谷" in a["understood"] and "中江" in a["understood"]
    assert "22.5万吨" in [f["text"] for f in a["figures"]]
    for bad in ("not a list", [{"understood": "x"}], [""], ["q"] * 0 + [3]):
        r = client.post("/api/ask", json={"question": "那2023年呢？", "history": bad})
        assert r.status_code == 422, bad


@pytest.mark.parametrize("question", ["2022年进出口贸易额有多少，比上年增长了多少？",
                                      "How large was foreign trade in 2022 and how fast did it grow?",
                                      "去年社会消费品零售总额和增速分别是多少？"])
def test_one_answer_never_joins_two_reports_figures(client: TestClient, question: str) -> None:
    a = ask(client, question)  # no place named: one report answers, all of it
    cited = {a["citations"][f["citation"]]["doc_id"] for f in a["figures"]}
    assert len(cited) <= 1
    if a["figures"]:
        assert cited == {a["reports"][0]["doc_id"]}


# ------------------------------------------------------------------ hardening

@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/"), ("GET", "/api/health"), ("GET", "/api/documents"), ("GET", "/static/app.js"),
    ("GET", "/api/search?q=GDP"), ("POST", "/api/ask"), ("GET", "/no/such/route"),
    ("GET", "/docs"), ("GET", "/openapi.json"),
])
def test_every_response_carries_the_security_headers(client: TestClient, method: str,
                                                     path: str) -> None:
    r = client.request(method, path, json={"question": ZH_QUESTION} if method == "POST" else None)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_only_the_allowed_hosts_are_served(make_client) -> None:  # noqa: ANN001
    from api.settings import ServeSettings

    # Bound to loopback, by default only loopback names: a rebound name gets 400.
    assert ServeSettings(host="127.0.0.1").hosts == ["127.0.0.1", "[::1]", "localhost"]
    assert ServeSettings(host="0.0.0.0").hosts == ["*"]
    with make_client(allowed_hosts=["127.0.0.1", "localhost", "[::1]"]) as c:
        for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
            assert c.get("/api/health", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""):
            r = c.get("/api/documents", headers={"Host": host})
            assert r.status_code == 400 and "REPORTQA_ALLOWED_HOSTS" in r.json()["detail"], host
            assert r.headers["x-content-type-options"] == "nosniff"
    with make_client(allowed_hosts=["*"]) as c:
        assert c.get("/api/health", headers={"Host": "any.example"}).status_code == 200


def test_head_of_the_page_and_only_page_files_under_static(client: TestClient) -> None:
    head = client.head("/")
    assert head.status_code == 200 and head.content == b""
    for path in ("/static/__init__.py", "/static/../app.py", "/static/__pycache__/x.pyc"):
        assert client.get(path).status_code == 404, path


def test_load_failures_do_not_show_the_servers_folders(tmp_path: Path) -> None:
    from api.app import create_app
    from api.deps import without_paths
    from index.store import IndexStoreError
    from tests.api.conftest import settings

    def failing_loader():  # noqa: ANN202
        raise IndexStoreError(f"no index at {tmp_path}/data/index: run `reportqa index`")

    app = create_app(settings(background_load=True), loader=failing_loader)
    with TestClient(app) as c:
        app.state.model.wait(10)
        for r in (c.get("/api/ready"), c.post("/api/ask", json={"question": ZH_QUESTION})):
            assert r.status_code == 503 and str(tmp_path) not in r.text
            assert "…/index: run `reportqa index`" in r.json()["detail"]
    assert without_paths(f"no index at {tmp_path}/data/index: run `reportqa index`") == \
        "no index at …/index: run `reportqa index`"
    assert without_paths("GDP 2022/2023 at http://example.com/a") == \
        "GDP 2022/2023 at http://example.com/a"


def test_search_errors_match_the_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    declared = spec["paths"]["/api/search"]["get"]["responses"]["422"]
    assert declared["content"]["application/json"]["schema"]["$ref"].endswith("UnprocessableOut")
    for query in ("q=", "q=%20%3F%3F", "top_k=0&q=GDP"):
        r = client.get(f"/api/search?{query}")
        assert r.status_code == 422
        detail = r.json()["detail"]
        assert isinstance(detail, str) or all("msg" in item for item in detail)


def test_a_chinese_question_hears_what_is_wrong_in_chinese(client: TestClient) -> None:
    long = client.post("/api/ask", json={"question": "粮食" * 300})
    assert long.status_code == 422 and "上限" in str(long.json()["detail"])
    assert "Value error" not in str(long.json()["detail"])
    docs = client.post("/api/ask", json={"question": "粮食产量是多少？", "docs": ["no-such"]})
    assert docs.status_code == 422 and docs.json()["detail"].startswith("库中没有这些报告：no-such")
    history = client.post("/api/ask", json={"question": "那2023年呢？", "history": [{"x": 1}]})
    assert history.status_code == 422 and "缺少这一项" in str(history.json()["detail"])
    # English questions keep English; a browser that asks for Chinese gets Chinese.
    en = client.post("/api/ask", json={"question": "GDP?", "docs": ["no-such"]})
    assert en.json()["detail"].startswith("unknown document id(s) no-such")
    missing = client.get("/api/documents/no-such", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert missing.status_code == 404 and missing.json()["detail"].startswith("库中没有文档")
