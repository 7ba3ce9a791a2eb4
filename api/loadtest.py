"""HTTP load benchmark: N clients asking questions for T seconds, on loopback only.

    from api.loadtest import bench_http
    bench_http(clients=8, seconds=30)   # starts `reportqa serve`, measures, stops it

`run_http_bench` drives an already running server; `bench_http` starts one in a
subprocess on a free loopback port, waits for /api/ready, warms it up, runs the
bench, reads the server's peak RSS (VmHWM) and stops it. Both are bounded in
time and in request count, and refuse any host that is not loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

QUESTIONS: tuple[str, ...] = (
    "2022年粮食产量是多少？",
    "How many 5G base stations were added in 2022?",
    "What GDP growth target had been set for 2022?",
    "2023年地区生产总值的增长目标是多少？",
    "What was Yongchuan's GDP in 2019?",
    "2022年全区地区生产总值是多少？",
    "What is the 2023 target for fixed-asset investment growth?",
    "2022年社会消费品零售总额增长多少？",
    "How much did rural residents' per capita disposable income grow in 2022?",
    "2023年规上工业增加值增长目标是多少？",
)
MAX_REQUESTS_PER_CLIENT_SECOND = 500  # a hard cap, far above what the server can do


def _require_loopback(base_url: str) -> None:
    host = urlparse(base_url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"the load test only targets loopback addresses, got {base_url!r}")


def _percentile(sorted_ms: Sequence[float], p: float) -> float:
    """Nearest-rank percentile; 0 for no samples."""
    if not sorted_ms:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_ms)))
    return round(sorted_ms[rank - 1], 1)


@dataclass
class _Tally:
    latencies_ms: list[float]
    errors: Counter[str]


async def _client(http: httpx.AsyncClient, path: str, questions: Iterator[str], deadline: float,
                  budget: int, tally: _Tally) -> None:
    for _ in range(budget):
        if time.perf_counter() >= deadline:
            return
        t0 = time.perf_counter()
        try:
            r = await http.post(path, json={"question": next(questions)})
            if r.status_code == 200:
                tally.latencies_ms.append((time.perf_counter() - t0) * 1e3)
            else:
                tally.errors[f"HTTP {r.status_code}"] += 1
        except httpx.HTTPError as exc:
            tally.errors[type(exc).__name__] += 1


async def _bench(base_url: str, clients: int, seconds: float, questions: Sequence[str],
                 path: str, timeout: float, headers: dict[str, str]) -> tuple[_Tally, float]:
    tally = _Tally([], Counter())
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits,
                                 headers=headers) as http:
        start = time.perf_counter()
        deadline = start + seconds
        budget = max(1, int(seconds * MAX_REQUESTS_PER_CLIENT_SECOND))
        # Each client walks the questions from its own offset, so they do not ask in lockstep.
        tasks = [_client(http, path, itertools.islice(itertools.cycle(questions), i, None),
                         deadline, budget, tally) for i in range(clients)]
        await asyncio.gather(*tasks)
        return tally, time.perf_counter() - start


def run_http_bench(base_url: str, clients: int = 8, seconds: float = 30,
                   questions: Sequence[str] = QUESTIONS, path: str = "/api/ask",
                   timeout: float = 30.0, api_key: str | None = None) -> dict[str, Any]:
    """Closed-loop load: `clients` concurrent clients, each asking in turn for `seconds`.

    Returns requests/s (successful answers per second), latency percentiles of
    the successful requests in ms, and the errors by kind.
    """
    _require_loopback(base_url)
    if not 1 <= clients <= 256:
        raise ValueError(f"clients must be from 1 to 256, got {clients}")
    if not 0 < seconds <= 600:
        raise ValueError(f"seconds must be in (0, 600], got {seconds}")
    if not questions:
        raise ValueError("questions is empty")
    headers = {"X-API-Key": api_key} if api_key else {}
    tally, elapsed = asyncio.run(_bench(base_url.rstrip("/"), clients, seconds, list(questions),
                                        path, timeout, headers))
    lat = sorted(tally.latencies_ms)
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(lat),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "rps": round(len(lat) / elapsed, 1) if elapsed > 0 else 0.0,
        "latency_ms": {"p50": _percentile(lat, 50), "p95": _percentile(lat, 95),
                       "p99": _percentile(lat, 99),
                       "mean": round(sum(lat) / len(lat), 1) if lat else 0.0,
                       "max": round(lat[-1], 1) if lat else 0.0},
    }


# ------------------------------------------------------------------ a real server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path
    startup_seconds: float  # launch to /api/ready
    first_answer_seconds: float  # launch to the first answer of /api/ask

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far (/proc/<pid>/stat)."""
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # After the ")" closing the command name: utime and stime are fields 12 and 13.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_kb(self) -> dict[str, int]:
        """VmHWM (peak resident set) and VmRSS of the server, in kB, from /proc."""
        out = {}
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(value.split()[0])
        return out


@contextmanager
def serve_subprocess(index: str | Path | None = None, ready_timeout: float = 180,
                     env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    """`reportqa serve` on a free loopback port until the block ends; waits for /api/ready."""
    port = free_port()
    cmd = [sys.executable, "-m", "reportqa.cli", "serve", "--host", "127.0.0.1",
           "--port", str(port)]
    if index is not None:
        cmd += ["--index", str(index)]
    child_env = {k: v for k, v in os.environ.items() if k != "REPORTQA_API_KEY"}
    child_env.update(env or {})
    log = Path(tempfile.mkstemp(prefix="reportqa-serve-", suffix=".log")[1])
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=child_env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, base, log, ready_timeout)
        ready = time.perf_counter() - t0
        r = httpx.post(f"{base}/api/ask", json={"question": QUESTIONS[0]}, timeout=30,
                       headers={"X-API-Key": child_env["REPORTQA_API_KEY"]}
                       if child_env.get("REPORTQA_API_KEY") else {})
        if r.status_code != 200:
            raise RuntimeError(f"the server's first answer was HTTP {r.status_code}: {r.text[:200]}")
        yield ServerProcess(proc, base, log, round(ready, 2), round(time.perf_counter() - t0, 2))
    finally:
        _stop(proc)


def _wait_ready(proc: subprocess.Popen[bytes], base: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the server exited with code {proc.returncode}:\n{tail}")
        try:
            if httpx.get(f"{base}/api/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass  # not listening yet
        time.sleep(0.05)  # the start is measured: poll finely
    raise RuntimeError(f"the server was not ready after {timeout:.0f}s (log: {log})")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def bench_http(clients: int = 8, seconds: float = 30, index: str | Path | None = None,
               questions: Sequence[str] = QUESTIONS) -> dict[str, Any]:
    """Start a server, warm it up, run `run_http_bench`, report with its peak memory."""
    load_before = os.getloadavg()
    with serve_subprocess(index) as server:
        # One pass over the questions first: first-call costs are not steady state.
        run_http_bench(server.base_url, clients=1, seconds=5, questions=questions)
        cpu0, own0 = server.cpu_seconds(), time.process_time()
        result = run_http_bench(server.base_url, clients=clients, seconds=seconds,
                                questions=questions)
        cpu, own = server.cpu_seconds() - cpu0, time.process_time() - own0
        mem = server.memory_kb()
    result.update(
        rss_peak_mb=round(mem.get("VmHWM", 0) / 1024, 1),
        rss_mb=round(mem.get("VmRSS", 0) / 1024, 1),
        startup_seconds=server.startup_seconds,
        first_answer_seconds=server.first_answer_seconds,
        # CPU per answer is what other load on the machine changes least.
        server_cpu_ms_per_request=round(cpu * 1e3 / max(1, result["requests"]), 1),
        server_cpu_cores_used=round(cpu / max(result["seconds"], 1e-9), 2),
        cpus=os.cpu_count(),
        # The clients run on the same machine: the cores they leave the server.
        client_cpu_cores_used=round(own / max(result["seconds"], 1e-9), 2),
        # What those cores could serve at this CPU per answer, and the share reached.
        ceiling_rps=round(_free_cores(own, result["seconds"]) * result["requests"]
                          / max(cpu, 1e-9), 1),
        share_of_ceiling=round(cpu / max(result["seconds"], 1e-9)
                               / _free_cores(own, result["seconds"]), 2),
        # Other work on the machine skews the numbers: say how busy it was.
        load_average_before=[round(x, 2) for x in load_before],
    )
    return result


def _free_cores(client_cpu_s: float, seconds: float) -> float:
    """The machine's cores less what the load's clients used of them."""
    return max((os.cpu_count() or 1) - client_cpu_s / max(seconds, 1e-9), 0.1)


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description="HTTP load benchmark of `reportqa serve`")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--index", default=None)
    args = parser.parse_args()
    print(json.dumps(bench_http(args.clients, args.seconds, args.index), indent=2))
