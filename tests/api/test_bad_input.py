"""Bad input is a 4xx that says what was wrong, never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.model

JSON = {"Content-Type": "application/json"}


def detail_text(r: Any) -> str:
    """The error message(s) of a response, flattened: FastAPI's list or our string."""
    detail = r.json()["detail"]
    if isinstance(detail, str):
        return detail
    return " | ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']} {d.get('ctx', '')}"
                      for d in detail)


@pytest.mark.parametrize(("body", "says"), [
    ({"question": ""}, "question is empty"),
    ({"question": "   \n\t "}, "question is empty"),
    ({"question": "多" * 501}, "问题有 501 个字，超过了 500 个字的上限"),  # asked in Chinese
    ({"question": "a" * 501}, "question is 501 characters; the limit is 500"),
    ({"question": "x" * 600}, "the limit is 500"),
    ({"question": 42}, "body.question: Input should be a valid string"),
    ({"question": None}, "body.question: Input should be a valid string"),
    ({"question": ["2022年粮食产量是多少？"]}, "body.question: Input should be a valid string"),
    ({"question": "？？！！ 123"}, "only numbers or punctuation"),
    ({"question": "GDP\x00?"}, "control or invalid characters"),
    ({}, "body.question: Field required"),
    ({"question": "粮食产量", "verbose": True}, "body.verbose: 不认识这一项"),  # asked in Chinese
    ({"question": "GDP", "verbose": True}, "body.verbose: Extra inputs are not permitted"),
    ({"question": "GDP", "top_k": 0}, "body.top_k: Input should be greater than or equal to 1"),
    ({"question": "GDP", "top_k": -1}, "body.top_k: Input should be greater than or equal to 1"),
    ({"question": "粮食产量", "top_k": 51}, "body.top_k: 应不大于 50"),
    ({"question": "GDP", "top_k": 51}, "body.top_k: Input should be less than or equal to 50"),
    ({"question": "粮食产量", "top_k": "5"}, "body.top_k: 应是整数"),
    ({"question": "GDP", "top_k": "5"}, "body.top_k: Input should be a valid integer"),
    ({"question": "粮食产量", "top_k": 2.5}, "body.top_k: 应是整数"),
    ({"question": "粮食产量", "top_k": True}, "body.top_k: 应是整数"),
    ({"question": "粮食产量", "top_k": None}, "body.top_k: 应是整数"),
    ({"question": "粮食产量", "id": 7}, "body.id: 应是文字"),
    ({"question": "GDP", "id": 7}, "body.id: Input should be a valid string"),
])
@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_invalid_body_is_422_saying_why(client: TestClient, path: str, body: dict[str, Any],
                                        says: str) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    assert says in detail_text(r)


@pytest.mark.parametrize(("raw", "says"), [
    (b'{"question": ', "body.13: JSON decode error {'error': 'Expecting value'}"),
    (b"not json at all", "JSON decode error"),
    (b'{"question": "\xff\xfe GDP"}',
     "request body is not valid UTF-8 (invalid start byte at byte 14)"),
    (b'\xef\xbb\xbf{"question": "GDP"}', "JSON decode error"),  # a UTF-8 BOM is not JSON
    ('["2022年粮食产量是多少？"]'.encode(), "body: Input should be a valid dictionary"),
    ('"2022年粮食产量是多少？"'.encode(), "body: Input should be a valid dictionary"),
    (b"null", "body: Input should be a valid dictionary"),
    # Python's json reads these as floats; echoing them in the 422 would not encode (a 500).
    (b'{"question": "GDP", "top_k": NaN}', "NaN is not valid JSON"),
    (b'{"question": "GDP", "top_k": -Infinity}', "-Infinity is not valid JSON"),
    (b'{"question": "GDP", "top_k": 1e400}', "number 1e400 is out of range"),
])
def test_malformed_json_is_422(client: TestClient, raw: bytes, says: str) -> None:
    r = client.post("/api/ask", content=raw, headers=JSON)
    assert r.status_code == 422, r.text
    assert says in detail_text(r)


def test_wrong_content_type_is_a_4xx(client: TestClient) -> None:
    r = client.post("/api/ask", content=b'{"question": "GDP"}',
                    headers={"Content-Type": "text/plain"})
    assert r.status_code == 422
    r = client.post("/api/ask", data={"question": "GDP"})  # a form post
    assert r.status_code == 422


def test_oversized_body_is_413_naming_the_limit(client: TestClient) -> None:
    body = b'{"question": "' + b"a" * 20000 + b'"}'
    r = client.post("/api/ask", content=body, headers=JSON)
    assert r.status_code == 413
    assert r.json()["detail"] == (
        f"request body too large: {len(body)} bytes; the limit is 16384 bytes")


def test_oversized_chunked_body_is_413(client: TestClient) -> None:
    def chunks():  # no Content-Length: the limit is applied while reading
        yield b'{"question": "'
        for _ in range(40):
            yield b"a" * 1000
        yield b'"}'

    r = client.post("/api/ask", content=chunks(), headers=JSON)
    assert r.status_code == 413
    assert "the limit is 16384 bytes" in r.json()["detail"]


def test_body_just_under_the_limit_reaches_validation(client: TestClient) -> None:
    body = b'{"question": "' + b"a" * 16000 + b'"}'
    r = client.post("/api/ask", content=body, headers=JSON)
    assert r.status_code == 422  # big but allowed through; the question itself is too long
    assert "the limit is 500" in detail_text(r)


@pytest.mark.parametrize(("params", "says"), [
    ({}, "query.q: Field required"),
    ({"q": ""}, "question is empty"),
    ({"q": "   "}, "question is empty"),
    ({"q": "..."}, "only numbers or punctuation"),
    ({"q": "x" * 501}, "the limit is 500"),
    ({"q": "GDP", "top_k": 0}, "query.top_k: Input should be greater than or equal to 1"),
    ({"q": "GDP", "top_k": 51}, "query.top_k: Input should be less than or equal to 50"),
    ({"q": "GDP", "top_k": "2.5"}, "query.top_k: Input should be a valid integer"),
    ({"q": "GDP", "top_k": "many"}, "query.top_k: Input should be a valid integer"),
])
def test_bad_search_is_422(client: TestClient, params: dict[str, Any], says: str) -> None:
    r = client.get("/api/search", params=params)
    assert r.status_code == 422, r.text
    assert says in detail_text(r)


@pytest.mark.parametrize("question", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)> GDP?",
    "'; DROP TABLE passages; --",
    "\u202egdp\u202c 2022",
    "🌾 粮食产量 2022 🌾",
    "a" * 500,
    "What was GDP in 1999 and 2099?",
])
def test_odd_but_valid_questions_are_answered_as_text(client: TestClient, question: str) -> None:
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 200, r.text
    assert r.json()["question"] == question.strip()


def test_wrong_method_and_unknown_path_are_4xx(client: TestClient) -> None:
    assert client.get("/api/ask").status_code == 405
    assert client.post("/api/search").status_code == 405
    assert client.get("/api/nothing-here").status_code == 404


@pytest.mark.parametrize("body", [
    '{"question": "\\ud800 GDP"}',  # a lone high surrogate in the question
    '{"question": "GDP", "id": "\\udc00"}',  # a lone low surrogate in the id
    '{"question": "GDP", "extra\\ud800": 1}',  # in an unknown field's name
])
@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_unpaired_surrogates_are_a_422_not_a_500(client: TestClient, body: str,
                                                 path: str) -> None:
    r = client.post(path, content=body.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "unpaired surrogate" in r.text


def test_a_paired_surrogate_is_ordinary_text(client: TestClient) -> None:
    r = client.post("/api/ask", content='{"question": "永川GDP \\ud83d\\ude00"}'.encode(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 200 and r.json()["question"].endswith("\U0001f600")
