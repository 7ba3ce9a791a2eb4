"""Running a gold set against an answer source, in-process or over HTTP.

Both sources return the public answer JSON (``Answer.to_dict()``) and a
document's text by id, so the scoring cannot tell them apart: the numbers are
the same either way, only the latency includes the network for `HttpSource`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from eval.gold import GoldItem
from eval.metrics import ItemResult, aggregate, score_item
from reportqa.progress import each

logger = logging.getLogger(__name__)

_ANSWER_KEYS = ("answer", "abstained", "figures", "citations")


class SourceError(RuntimeError):
    """An answer source that cannot be used (server down, bad response)."""


class AnswerSource(Protocol):
    def ask(self, question: str, top_k: int) -> dict[str, Any]:
        """The answer to `question` in ``Answer.to_dict()`` form. A conversation's
        follow-up is asked with ``history=[earlier questions]`` as well."""
        ...

    def document_text(self, doc_id: str) -> str | None:
        """The full text of a document, or None when there is no such document."""
        ...


class InProcess:
    """Answers from an assistant object in this process (``qa.Assistant``)."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant

    def ask(self, question: str, top_k: int,
            history: list[str] | None = None) -> dict[str, Any]:
        if history:
            return self.assistant.ask(question, top_k=top_k, history=history).to_dict()
        return self.assistant.ask(question, top_k=top_k).to_dict()

    def document_text(self, doc_id: str) -> str | None:
        try:
            return self.assistant.document_text(doc_id)
        except KeyError:
            return None


class HttpSource:
    """Answers from a running ``reportqa serve`` at `base_url`.

    `client` lets a caller supply its own ``httpx.Client`` (e.g. one wired to
    an ASGI app in tests); otherwise one is made with `timeout` seconds.
    """

    def __init__(
        self, base_url: str, timeout: float = 60.0, client: httpx.Client | None = None
    ) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0, got {timeout}")
        self.base_url = base_url.rstrip("/")
        self._owns_client = client is None
        self._client = client if client is not None else httpx.Client(timeout=timeout)
        self._documents: dict[str, str | None] = {}

    def ask(self, question: str, top_k: int,
            history: list[str] | None = None) -> dict[str, Any]:
        url = f"{self.base_url}/api/ask"
        body = {"question": question, "top_k": top_k, **({"history": history} if history else {})}
        resp = self._request("POST", url, json=body)
        if resp.status_code != 200:
            raise SourceError(f"POST {url} returned {resp.status_code}: {resp.text[:200]}")
        body = _json(resp, url)
        missing = [k for k in _ANSWER_KEYS if not isinstance(body, dict) or k not in body]
        if missing:
            raise SourceError(f"POST {url} returned an answer without {', '.join(missing)}")
        return body

    def document_text(self, doc_id: str) -> str | None:
        if doc_id not in self._documents:
            self._documents[doc_id] = self._fetch_document(doc_id)
        return self._documents[doc_id]

    def _fetch_document(self, doc_id: str) -> str | None:
        url = f"{self.base_url}/api/documents/{quote(doc_id, safe='')}"
        resp = self._request("GET", url)
        if resp.status_code == 404:
            return None  # a citation to a document that does not exist: scored invalid
        if resp.status_code != 200:
            raise SourceError(f"GET {url} returned {resp.status_code}: {resp.text[:200]}")
        body = _json(resp, url)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            raise SourceError(f"GET {url} returned a document without a text")
        return body["text"]

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise SourceError(
                f"cannot reach the reportqa server at {self.base_url} ({method} {url}): "
                f"{exc.__class__.__name__}: {exc}. Is `reportqa serve` running?"
            ) from exc

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> HttpSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _json(resp: httpx.Response, url: str) -> Any:
    try:
        return resp.json()
    except ValueError as exc:
        raise SourceError(f"{url} did not return JSON: {resp.text[:200]!r}") from exc


def run_eval(
    items: Sequence[GoldItem],
    source: AnswerSource,
    top_k: int = 5,
    clock: Callable[[], float] = time.perf_counter,
    progress: bool = False,
) -> tuple[list[ItemResult], dict[str, Any]]:
    """Ask every gold question, score the answers, and aggregate the metrics.

    Latency is the client's wall clock around each ``ask`` (`clock` in
    seconds; tests inject a fake one).
    """
    if top_k <= 0:
        raise ValueError(f"top_k must be > 0, got {top_k}")
    if not items:
        raise ValueError("no gold items to evaluate")
    results = []
    for item in each(items, len(items), "evaluating", "question", wanted=progress):
        t0 = clock()
        if item.history:  # a conversation's follow-up, asked after its earlier turns
            answer = source.ask(item.question, top_k, history=list(item.history))
        else:
            answer = source.ask(item.question, top_k)
        latency_ms = round((clock() - t0) * 1000.0, 3)  # µs resolution is plenty
        result = score_item(item, answer, latency_ms, source.document_text)
        logger.debug("%s rank=%s accurate=%s", item.id, result.evidence_rank, result.accurate)
        results.append(result)
    return results, aggregate(results, top_k=top_k)
