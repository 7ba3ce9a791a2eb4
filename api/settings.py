"""The service's settings: one class, read from `REPORTQA_*` environment variables.

    REPORTQA_HOST=0.0.0.0 REPORTQA_PORT=8080 REPORTQA_API_KEY=s3cret reportqa serve

`REPORTQA_INDEX` and `REPORTQA_MODEL` are the same variables the rest of the
CLI reads (see `reportqa.paths`). Lists (`REPORTQA_CORS_ORIGINS`) take either
JSON (`["http://a", "http://b"]`) or a comma-separated string.
"""

from __future__ import annotations

import os
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from reportqa.paths import default_index_dir


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ServeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTQA_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    index: str = Field(default_factory=lambda: str(default_index_dir()),
                       description="index folder")
    model: str | None = Field(
        default=None, description="embedding model; default: the one the index was built with")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed to call the API from a browser")
    api_key: SecretStr | None = Field(
        default=None, description="when set, every /api/ route but health needs X-API-Key")
    max_body_bytes: int = Field(default=16 * 1024, ge=256,
                                description="request bodies above this get 413")
    max_upload_bytes: int = Field(default=32 * 1024 * 1024, ge=1024,
                                  description="a document uploaded to POST /api/documents "
                                              "above this gets 413")
    library: str | None = Field(default=None, description="folder of uploaded documents; "
                                "default: 'library' beside the index folder")
    settings: str | None = Field(
        default=None, description="answering settings file (TOML or JSON, see qa.settings); "
                                  "default: the index's own")
    batch_embed: bool = Field(
        default=True, description="coalesce concurrent query embeddings into one model call")
    # One torch thread: the model runs on one worker thread (see api.batching) and the
    # request threads need the other core. Measured on 2 cores under load: a query
    # embedding took ~30 ms with 1 thread, ~350 ms with 2 (the threads spin-wait).
    torch_threads: int | None = Field(
        default=1, ge=1, description="torch intra-op threads; unset/None: torch's own choice")
    # One model thread per core: each call runs on one core, so the model uses every
    # core while requests queue (one worker kept it on one: see api.batching).
    embed_workers: int = Field(
        default_factory=lambda: min(64, max(1, len(os.sched_getaffinity(0)))), ge=1, le=64,
        description="threads embedding queries at once (each batching what waits); default: "
                    "the cores this process may run on, at most 64")
    allowed_hosts: Annotated[list[str], NoDecode] | None = Field(
        default=None,
        description="Host header values served (others get 400; '*' any); default: the "
                    "loopback names when bound to loopback (no DNS rebinding), else any")
    max_inflight: int = Field(
        default=32, ge=1,
        description="answering requests (ask, search) at once; more get 503 with Retry-After")
    request_timeout: float = Field(
        default=15.0, gt=0,
        description="seconds a client has to send a request's headers and body (else 408)")
    background_load: bool = Field(
        default=True, description="answer /api/health while the model loads (ready says 503)")

    @field_validator("cors_origins", "allowed_hosts", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [o.strip() for o in text.split(",") if o.strip()]
        return value

    @field_validator("api_key", mode="before")
    @classmethod
    def _empty_key_is_none(cls, value: object) -> object:
        # REPORTQA_API_KEY= (set but empty) means "no key", not "the empty key".
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def hosts(self) -> list[str]:
        """The Host header values the service answers."""
        if self.allowed_hosts is not None:
            return self.allowed_hosts
        if self.host in LOOPBACK:
            return sorted(LOOPBACK - {"::1"} | {"[::1]"})
        return ["*"]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"
