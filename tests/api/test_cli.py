"""`reportqa serve`: registered in the main CLI; loads the index (never builds it), then
runs uvicorn."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from reportqa.cli import build_parser, main


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "API_KEY", "CORS_ORIGINS", "MODEL", "SETTINGS"):
        monkeypatch.delenv(f"REPORTQA_{name}", raising=False)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Record the index check and uvicorn.run instead of loading anything or serving."""
    import uvicorn

    import index.store

    seen: dict[str, Any] = {}

    def load_index(path: Any, **_: Any) -> None:
        seen["load"] = str(path)
        if seen.get("load_error"):
            raise index.store.IndexStoreError(seen["load_error"])

    def run(app: Any, **kw: Any) -> None:
        seen["app"], seen["run"] = app, kw

    monkeypatch.setattr(index.store, "load_index", load_index)
    monkeypatch.setattr(uvicorn, "run", run)
    return seen


def test_serve_is_a_subcommand_with_its_flags() -> None:
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "8080",
                                      "--index", "/tmp/idx", "--model", "m"])
    assert (args.host, args.port, args.index, args.model) == ("0.0.0.0", 8080, "/tmp/idx", "m")
    assert args.func.__name__ == "cmd_serve"


def test_serve_checks_the_index_then_runs_one_uvicorn_process(calls: dict[str, Any]) -> None:
    assert main(["serve", "--host", "127.0.0.2", "--port", "8123", "--index", "/tmp/idx"]) == 0
    assert calls["load"] == "/tmp/idx"
    assert calls["run"]["host"] == "127.0.0.2" and calls["run"]["port"] == 8123
    assert calls["run"]["workers"] == 1
    assert calls["run"]["http"].request_timeout == 15.0  # stalled clients are timed out
    settings = calls["app"].state.settings
    assert (settings.index, settings.url) == ("/tmp/idx", "http://127.0.0.2:8123/")


def test_serve_takes_settings_from_the_environment(calls: dict[str, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_PORT", "9001")
    monkeypatch.setenv("REPORTQA_API_KEY", "k")
    assert main(["serve"]) == 0
    assert calls["run"]["port"] == 9001
    assert calls["app"].state.settings.api_key.get_secret_value() == "k"


def test_a_bad_setting_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REPORTQA_PORT", "99999")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reportqa: error: bad setting port: Input should be less than or equal")


def test_an_index_that_does_not_load_stops_before_serving(
        calls: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    calls["load_error"] = "no index at /x: run `reportqa index`"
    assert main(["serve"]) == 2
    assert "run" not in calls
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "reportqa index" in err[0] and "reportqa setup" in err[0]


def test_a_bad_settings_file_stops_before_serving(
        calls: dict[str, Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "weights.toml"
    bad.write_text("[figure]\nperiod = \"high\"\n", encoding="utf-8")
    for argv, env in ((["serve", "--settings", str(bad)], None), (["serve"], str(bad))):
        if env:
            monkeypatch.setenv("REPORTQA_SETTINGS", env)
        assert main(argv) == 2
        assert "run" not in calls
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "figure.period must be a number" in err[0]
