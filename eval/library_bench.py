"""`reportqa bench library`: ask latency over a library of reports.

Two libraries: the project's own (the index as built, 26 reports) and a
synthetic one of N reports (default 1,000) made by replicating the real report
openings under made-up place names (甲1县, 甲2市 … with the original's level
word). The synthetic copies reuse their originals' passage vectors — their text
differs only in the place name — so that building it costs seconds, not the
hours of embedding; this is said in the output. Latency is `ask` against the
bare `encode_query` of the same question, timed back to back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from eval.bench import summarize

Log = Callable[[str], None]
DEFAULT_REPORTS = 1000


def _made_up(i: int, level_word: str) -> str:
    """A place name no gazetteer has: 甲17县, 乙3市 (a level word keeps its kind)."""
    stems = "甲乙丙丁戊己庚辛壬癸"
    return f"{stems[i % len(stems)]}{i // len(stems) + 1}{level_word}"


def synthetic_bundle(bundle: Any, n_reports: int) -> Any:
    """An in-memory index of `n_reports` copies of the bundle's placed reports."""
    import faiss

    from index.segment import Segmenter
    from index.store import IndexBundle, import_bm25s
    from reportqa import lang
    from reportqa.types import Document, Passage

    placed = [d for d in bundle.documents.values() if d.profile and d.profile.place]
    if not placed:
        raise ValueError("the index has no report with a place to replicate")
    rows_of = {d.id: [i for i, p in enumerate(bundle.passages) if p.doc_id == d.id] for d in placed}
    vectors = bundle.faiss.reconstruct_n(0, bundle.faiss.ntotal)
    docs: dict[str, Document] = {}
    passages: list[Passage] = []
    vecs: list[np.ndarray] = []
    for i in range(n_reports):
        orig = placed[i % len(placed)]
        place = orig.profile.place
        lv = lang.level_of(place.name)
        name = _made_up(i, lv.suffix if lv else "县")
        text = orig.text.replace(place.name, name)
        if len(place.short) >= 2 and place.short != place.name:
            text = text.replace(place.short, name)
        doc_id = f"syn{i:04d}-{orig.id}"
        # The same length only if the names are: offsets are recomputed by re-parsing.
        new_place = replace(place, name=name, short=name, en=f"Synthetic {i}", adcode="",
                            parents=())
        doc = Document(id=doc_id, title=orig.title.replace(place.name, name), path="", text=text,
                       profile=replace(orig.profile, doc_id=doc_id, place=new_place))
        docs[doc_id] = doc
        from corpus.parse import parse_document
        from corpus.profile import assign_periods

        parsed = assign_periods(parse_document(doc), doc.profile)
        orig_rows = rows_of[orig.id]
        for k, p in enumerate(parsed):
            passages.append(p)
            vecs.append(vectors[orig_rows[min(k, len(orig_rows) - 1)]])
    matrix = np.vstack(vecs).astype(np.float32)
    index = faiss.IndexFlatIP(matrix.shape[1])
    index.add(matrix)
    seg = Segmenter()
    bm25 = import_bm25s().BM25()
    bm25.index([seg.for_search(p.indexed_text()) or ["\u2205"] for p in passages],
               show_progress=False)
    manifest = {**bundle.manifest, "passages": len(passages), "synthetic": True}
    return IndexBundle(bundle.path, manifest, passages, docs, index, bm25)


def _questions(bundle: Any, n: int) -> list[tuple[str, str]]:
    """Questions naming a place of the library (both languages) and naming none."""
    placed = [d for d in bundle.documents.values() if d.profile and d.profile.place]
    out: list[tuple[str, str]] = []
    for d in placed[:n]:
        p = d.profile
        out.append(("zh", f"{p.place.name}{p.result_year}年地区生产总值增长多少？"))
        out.append(("en", f"What was {p.place.en}'s GDP growth in {p.result_year}?"))
    out += [("zh", "去年粮食产量是多少？"), ("en", "How fast did retail sales grow last year?")]
    return out


def time_library(assistant: Any, questions: list[tuple[str, str]], log: Log) -> dict[str, Any]:
    for _, q in questions:  # warm-up
        assistant.ask(q)
    ask_ms, enc_ms = [], []
    for _, q in questions:
        t0 = time.perf_counter()
        assistant.encode_query(q)
        enc_ms.append((time.perf_counter() - t0) * 1e3)
        t0 = time.perf_counter()
        assistant.ask(q)
        ask_ms.append((time.perf_counter() - t0) * 1e3)
    ask, enc = summarize(ask_ms), summarize(enc_ms)
    ratio = ask["p50"] / enc["p50"] if enc.get("p50") else None
    log(f"library: {len(assistant.bundle.documents)} reports, ask p50 {ask['p50']:.1f} ms, "
        f"encode p50 {enc['p50']:.1f} ms, ratio {ratio:.2f}")
    return {"reports": len(assistant.bundle.documents), "passages": len(assistant.bundle.passages),
            "questions": len(questions), "ask_ms": ask, "encode_query_ms": enc,
            "ratio_p50": round(ratio, 3) if ratio else None}


def run_library(index: str | None, n_reports: int = DEFAULT_REPORTS,
                log: Log = lambda _: None) -> dict[str, Any]:
    from qa import Assistant

    real = Assistant.load(index_dir=index)
    out: dict[str, Any] = {"real": time_library(real, _questions(real.bundle, 10), log)}
    t0 = time.perf_counter()
    bundle = synthetic_bundle(real.bundle, n_reports)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    synthetic = Assistant(bundle, real.embedder, real.segment, real.glossary, real.settings)
    load_s = time.perf_counter() - t0
    out["synthetic"] = time_library(synthetic, _questions(bundle, 10), log)
    out["synthetic"].update(build_s=round(build_s, 1), assistant_init_s=round(load_s, 1),
                            note="copies of the real openings under made-up place names; "
                                 "passage vectors reused from the originals")
    return out
