"""ServeSettings: one class, REPORTQA_* environment, flags override."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import ServeSettings

ENV = ("HOST", "PORT", "INDEX", "MODEL", "CORS_ORIGINS", "API_KEY", "MAX_BODY_BYTES",
       "BATCH_EMBED", "TORCH_THREADS", "BACKGROUND_LOAD")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(f"REPORTQA_{name}", raising=False)


def test_defaults() -> None:
    s = ServeSettings()
    assert (s.host, s.port, s.url) == ("127.0.0.1", 8000, "http://127.0.0.1:8000/")
    assert s.api_key is None and s.cors_origins == [] and s.max_body_bytes == 16384
    assert s.model is None and s.index.endswith("data/index")
    assert s.torch_threads == 1 and s.batch_embed and s.background_load


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_HOST", "::1")
    monkeypatch.setenv("REPORTQA_PORT", "9000")
    monkeypatch.setenv("REPORTQA_INDEX", "/tmp/idx")
    monkeypatch.setenv("REPORTQA_API_KEY", "s3cret")
    monkeypatch.setenv("REPORTQA_MAX_BODY_BYTES", "4096")
    s = ServeSettings()
    assert (s.port, s.index, s.max_body_bytes) == (9000, "/tmp/idx", 4096)
    assert s.api_key is not None and s.api_key.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(s)  # a secret stays out of logs
    assert s.url == "http://[::1]:9000/"


@pytest.mark.parametrize(("value", "origins"), [
    ("http://a.example, http://b.example", ["http://a.example", "http://b.example"]),
    ('["http://a.example"]', ["http://a.example"]),
    ("", []),
])
def test_cors_origins_as_commas_or_json(monkeypatch: pytest.MonkeyPatch, value: str,
                                        origins: list[str]) -> None:
    monkeypatch.setenv("REPORTQA_CORS_ORIGINS", value)
    assert ServeSettings().cors_origins == origins


def test_an_empty_api_key_means_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_API_KEY", "  ")
    assert ServeSettings().api_key is None


def test_flags_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_PORT", "9000")
    assert ServeSettings(port=8123).port == 8123


@pytest.mark.parametrize(("name", "value"), [("PORT", "70000"), ("PORT", "http"),
                                             ("MAX_BODY_BYTES", "10"), ("TORCH_THREADS", "0")])
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(f"REPORTQA_{name}", value)
    with pytest.raises(ValidationError, match=name.lower()):
        ServeSettings()
