"""POST /api/ask/stream: the question as read at once, then the answer, every citation,
every figure, done — nothing lost."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_assistant
from tests.api.conftest import EN_QUESTION, ZH_QUESTION, parse_sse, settings

pytestmark = pytest.mark.model


def stream(client: TestClient, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    with client.stream("POST", "/api/ask/stream", json=body) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        return parse_sse(r.read().decode("utf-8"))


@pytest.mark.parametrize("question", [ZH_QUESTION, EN_QUESTION,
                                      "What GDP growth target had been set for 2022?",
                                      "What was Yongchuan's GDP in 2019?"])
def test_stream_carries_the_same_answer_as_ask(client: TestClient, question: str) -> None:
    plain = client.post("/api/ask", json={"question": question, "top_k": 4}).json()
    events = stream(client, {"question": question, "top_k": 4})
    names = [e for e, _ in events]
    n_c, n_f = len(plain["citations"]), len(plain["figures"])
    # Order: the question as read, answer, citations…, figures…, done.
    assert names == ["question", "answer"] + ["citation"] * n_c + ["figure"] * n_f + ["done"]
    assert events[0][1] == {"question": question, "understood": question}
    head = events[1][1]
    assert (head["citations"], head["figures"]) == (n_c, n_f)
    for key in ("question", "lang", "answer", "abstained"):
        assert head[key] == plain[key]
    cits = [d for e, d in events if e == "citation"]
    figs = [d for e, d in events if e == "figure"]
    assert [c["index"] for c in cits] == list(range(n_c))
    assert [c["citation"] for c in cits] == plain["citations"]
    assert [f["figure"] for f in figs] == plain["figures"]
    assert events[-1][1] == {"citations": n_c, "figures": n_f}


def test_stream_echoes_the_id(client: TestClient) -> None:
    events = stream(client, {"question": ZH_QUESTION, "id": "abc"})
    assert events[1][1]["id"] == "abc"
    assert "id" not in stream(client, {"question": ZH_QUESTION})[1][1]


def test_a_follow_up_is_read_before_it_is_answered(client: TestClient) -> None:
    events = stream(client, {"question": "城镇的呢？",
                             "history": ["2022年永川区农村居民人均可支配收入是多少？"]})
    assert events[0][0] == "question"
    assert events[0][1]["understood"] == "2022年永川区城镇居民人均可支配收入是多少？"
    assert "47732" in [d["figure"]["text"] for e, d in events if e == "figure"]


def test_stream_figures_point_at_citations_already_sent(client: TestClient) -> None:
    events = stream(client, {"question": ZH_QUESTION})
    sent: set[int] = set()
    for name, data in events:
        if name == "citation":
            sent.add(data["index"])
        elif name == "figure":
            assert data["figure"]["citation"] in sent


def test_a_refusal_inside_the_stream_is_an_error_event(assistant) -> None:  # noqa: ANN001
    class Refuses:
        def understand(self, question: str, history: object = None) -> str:
            return question

        def ask(self, question: str, top_k: int = 5, id: str | None = None,
                docs: list[str] | None = None, history: object = None) -> None:
            raise ValueError(f"cannot answer {question!r}")

    app = create_app(settings(), loader=lambda: assistant)
    app.dependency_overrides[get_assistant] = lambda: Refuses()
    with TestClient(app) as c:
        events = stream(c, {"question": "GDP 2022"})
        assert events == [("question", {"question": "GDP 2022", "understood": "GDP 2022"}),
                          ("error", {"detail": "cannot answer 'GDP 2022'"})]
        plain = c.post("/api/ask", json={"question": "GDP 2022"})
        assert plain.status_code == 422 and plain.json()["detail"] == "cannot answer 'GDP 2022'"
