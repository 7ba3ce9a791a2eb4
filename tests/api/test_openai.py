"""/v1/chat/completions and /v1/models, called by the unmodified `openai` client
library against a real server: answers with inline citations whose quotes hold the
figures, the same answer streamed, the full answer JSON beside the text, the API key
as a Bearer token, and OpenAI-shaped errors."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import openai
import pytest

from api.app import create_app
from tests.api.conftest import running, settings

KEY = "s3cret-for-tests"


@pytest.fixture(scope="module")
def url(assistant) -> Iterator[str]:  # noqa: ANN001
    with running(create_app(settings(api_key=KEY), loader=lambda: assistant)) as base:
        yield base


@pytest.fixture(scope="module")
def client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key=KEY, max_retries=0, timeout=30)


def _ask(client: openai.OpenAI, question: str, **kw):  # noqa: ANN003, ANN202
    return client.chat.completions.create(
        model="reportqa", messages=[{"role": "user", "content": question}], **kw)


def test_the_model_is_listed(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["reportqa"]
    assert client.models.retrieve("reportqa").owned_by == "reportqa"


@pytest.mark.parametrize(("question", "figure", "doc"), [
    ("芜湖市2022年末常住人口城镇化率有多高？", "73.55%", "wuhu-2022-bulletin"),
    ("How much grain did Yongchuan produce in 2022?", "47.6", "yongchuan-2022-2023"),
    ("延边州2020年地区生产总值增长了多少？", "0.5%", "yanbian-2021-gwr"),
])
def test_an_answer_cites_its_sources_inline_and_carries_the_answer_json(
        client: openai.OpenAI, question: str, figure: str, doc: str) -> None:
    reply = _ask(client, question)
    text = reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "stop" and reply.object == "chat.completion"
    assert figure in text and re.search(r"\[\d+\]", text)
    full = reply.model_extra["reportqa"]
    assert not full["abstained"] and full["figures"] and full["question"] == question
    for f in full["figures"]:
        cited = full["citations"][f["citation"]]
        assert f["text"] in cited["text"] and cited["doc_id"] == doc
        # The inline mark's source line quotes the sentence that holds the figure.
        line = next(ln for ln in text.splitlines() if ln.startswith(f"[{f['citation'] + 1}]"))
        quote = cited["text"][cited["quote_start"]:cited["quote_end"]].strip()
        assert quote in line and f["text"] in quote


def test_a_stream_streams_the_same_answer_and_ends_with_its_json(client: openai.OpenAI) -> None:
    question = "What was Wuhu's urbanization rate at the end of 2022?"
    whole = _ask(client, question).choices[0].message.content
    chunks = list(_ask(client, question, stream=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole
    assert chunks[-1].choices[0].finish_reason == "stop"
    full = chunks[-1].model_extra["reportqa"]
    assert full["citations"] and any("73.55%" in f["text"] for f in full["figures"])


def test_the_last_user_message_is_the_question(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(model="reportqa", temperature=0.2, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "2022年芜湖市的生产总值是多少？"},
        {"role": "assistant", "content": "……"},
        {"role": "user", "content": [{"type": "text", "text": "2022年芜湖居民消费价格涨了多少？"}]},
    ])
    assert "2.4%" in reply.choices[0].message.content


def test_a_follow_up_leans_on_the_earlier_user_messages(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(model="reportqa", messages=[
        {"role": "user", "content": "What was Wuhu's GDP in 2022?"},
        {"role": "assistant", "content": "4502.13 billion… [1]"},
        {"role": "user", "content": "And Wangjiang County?"},
    ])
    full = reply.model_extra["reportqa"]
    assert "Wangjiang" in full["understood"] and "202.5" in reply.choices[0].message.content
    assert full["question"] == "And Wangjiang County?"


def test_no_report_is_no_citation(client: openai.OpenAI) -> None:
    reply = _ask(client, "2022年绵阳市地区生产总值是多少？")
    full = reply.model_extra["reportqa"]
    assert full["abstained"] and not re.search(r"\[\d+\]", reply.choices[0].message.content)


def test_the_key_is_a_bearer_token_or_the_header(url: str) -> None:
    wrong = openai.OpenAI(base_url=f"{url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError, match="wrong API key"):
        wrong.models.list()
    r = httpx.get(f"{url}/v1/models", headers={"X-API-Key": KEY})
    assert r.status_code == 200
    r = httpx.get(f"{url}/v1/models")
    assert r.status_code == 401 and r.json()["error"]["type"] == "authentication_error"


@pytest.mark.parametrize(("body", "error", "message"), [
    ({"model": "reportqa", "messages": []}, openai.BadRequestError, "messages"),
    ({"model": "reportqa", "messages": [{"role": "user", "content": "   "}]},
     openai.BadRequestError, "no question"),
    ({"model": "reportqa", "messages": [{"role": "system", "content": "hi"}]},
     openai.BadRequestError, "no question"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "GDP?"}]},
     openai.NotFoundError, "no model 'gpt-4o'"),
    ({"model": "reportqa", "messages": [{"role": "wizard", "content": "GDP?"}]},
     openai.BadRequestError, "role"),
])
def test_bad_requests_get_openai_shaped_errors(client: openai.OpenAI, body: dict,
                                               error: type, message: str) -> None:
    with pytest.raises(error, match=message) as info:
        client.chat.completions.create(**body)
    payload = info.value.response.json()
    assert set(payload["error"]) >= {"message", "type", "code"}
    assert "Traceback" not in payload["error"]["message"]
