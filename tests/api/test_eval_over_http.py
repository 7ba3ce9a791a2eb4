"""`reportqa eval --api URL` gives the same numbers as in-process, on the real system."""

from __future__ import annotations

import pytest

from eval.gold import load_gold
from eval.runner import HttpSource, InProcess, run_eval
from reportqa.paths import ROOT

pytestmark = pytest.mark.model


def _without_latency(metrics: dict) -> dict:
    if isinstance(metrics, dict):
        return {k: _without_latency(v) for k, v in metrics.items() if "latency" not in k}
    return metrics


def test_same_metrics_in_process_and_over_http(assistant, live_server: str) -> None:  # noqa: ANN001
    items = load_gold([ROOT / "eval" / "dev.jsonl"])
    _, local = run_eval(items, InProcess(assistant))
    with HttpSource(live_server) as http:
        _, remote = run_eval(items, http)
    assert _without_latency(remote) == _without_latency(local)
    assert local["all"]["n"] == 34 and local["all"]["citation_valid"] == 1.0
