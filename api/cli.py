"""`reportqa serve`: load the index that is there, then run the app under uvicorn (1 process).

Flags override the `REPORTQA_*` environment (see `api.settings.ServeSettings`);
imports happen inside the command so `reportqa --help` stays instant.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_serve_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="serve the chat page and the HTTP API",
        description="Serve the chat page at /, the API under /api/ and its docs at /docs. "
                    "Other settings come from the environment: REPORTQA_API_KEY, "
                    "REPORTQA_CORS_ORIGINS, REPORTQA_MAX_BODY_BYTES, REPORTQA_TORCH_THREADS.")
    p.add_argument("--host", help="address to listen on (env REPORTQA_HOST; default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (env REPORTQA_PORT; default 8000)")
    p.add_argument("--index", help="index folder (env REPORTQA_INDEX; default data/index)")
    p.add_argument("--model", help="embedding model (env REPORTQA_MODEL; default: the index's)")
    p.add_argument("--settings", metavar="FILE",
                   help="answering settings file (TOML or JSON; env REPORTQA_SETTINGS; default: the index's own)")
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.set_defaults(func=cmd_serve)


def serve_settings(args: argparse.Namespace):  # noqa: ANN201 - ServeSettings, imported lazily
    from pydantic import ValidationError

    from api.settings import ServeSettings
    from reportqa.cli import UserError

    overrides = {k: getattr(args, k) for k in ("host", "port", "index", "model", "settings")
                 if getattr(args, k, None) is not None}
    try:
        return ServeSettings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"bad setting {where}: {first['msg']}") from exc


def cmd_serve(args: argparse.Namespace) -> int:
    from index.store import IndexStoreError

    import logging

    import uvicorn

    from api.app import create_app
    from api.server import timed_protocol
    from index.store import load_index
    from reportqa.cli import UserError

    settings = serve_settings(args)
    # Serving never writes the index: it loads what is there or says what to run
    # (`make serve` runs `reportqa setup` first).
    try:
        bundle = load_index(Path(settings.index))
    except IndexStoreError as exc:
        raise UserError(f"{exc} (or `reportqa setup` for the default library)") from exc
    from qa.settings import Settings

    # A bad settings file is one line, before serving (not a model that never loads).
    Settings.resolve(settings.settings, getattr(bundle, "manifest", None))
    logging.getLogger("api").setLevel(logging.INFO)
    app = create_app(settings, bundle=bundle)
    uvicorn.run(app, host=settings.host, port=settings.port, workers=1,
                http=timed_protocol(settings.request_timeout), access_log=args.access_log,
                log_level="info", timeout_graceful_shutdown=5)
    return 0
