"""The load benchmark's pieces: loopback only, percentiles, a short run, a real `reportqa serve`."""

from __future__ import annotations

import pytest

from api.loadtest import _percentile, run_http_bench, serve_subprocess


@pytest.mark.parametrize("url", ["http://10.0.0.1:8000", "http://192.168.1.5",
                                 "http://example.com", "http://0.0.0.0:8000"])
def test_only_loopback_is_a_target(url: str) -> None:
    with pytest.raises(ValueError, match="only targets loopback"):
        run_http_bench(url, clients=1, seconds=1)


def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError, match="clients must be from 1 to 256, got 0"):
        run_http_bench("http://127.0.0.1:1", clients=0, seconds=1)
    with pytest.raises(ValueError, match="seconds must be in"):
        run_http_bench("http://127.0.0.1:1", clients=1, seconds=3600)


def test_percentiles_are_nearest_rank() -> None:
    ms = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    # p50: rank ceil(0.5·10) = 5 → 50; p95: rank ceil(9.5) = 10 → 100.
    assert [_percentile(ms, p) for p in (50, 95, 99)] == [50.0, 100.0, 100.0]
    assert _percentile([], 50) == 0.0


def test_a_refused_connection_counts_as_an_error() -> None:
    from tests.api.conftest import free_port

    r = run_http_bench(f"http://127.0.0.1:{free_port()}", clients=1, seconds=0.3)
    assert r["requests"] == 0 and r["errors"] > 0 and "ConnectError" in r["error_kinds"]


@pytest.mark.model
def test_a_short_run_against_the_live_server(live_server: str) -> None:
    r = run_http_bench(live_server, clients=2, seconds=1.5)
    assert r["errors"] == 0 and r["requests"] > 0
    lat = r["latency_ms"]
    assert 0 < lat["p50"] <= lat["p95"] <= lat["p99"] <= lat["max"]
    # rps is requests over the unrounded elapsed time (rounded to 0.1); "seconds" is
    # rounded to 0.01, which alone moves requests/seconds by up to rps·0.005/seconds.
    slack = 0.05 + r["rps"] * 0.005 / r["seconds"] + 1e-9
    assert r["rps"] == pytest.approx(r["requests"] / r["seconds"], abs=slack)


@pytest.mark.model
@pytest.mark.slow
def test_reportqa_serve_starts_answers_and_stops() -> None:
    import httpx

    with serve_subprocess() as server:
        r = httpx.post(f"{server.base_url}/api/ask", json={"question": "2022年永川区粮食产量是多少？"},
                       timeout=30)
        assert r.status_code == 200 and "47.6万吨" in r.json()["answer"]
        assert httpx.get(server.base_url + "/", timeout=5).status_code == 200
        mem = server.memory_kb()
        assert mem["VmHWM"] >= mem["VmRSS"] > 100_000  # a loaded model: > 100 MB
        proc = server.process
    assert proc.returncode is not None  # stopped when the block ended
    log = server.log.read_text()
    assert "serving http://127.0.0.1:" in log and "ready" in log
