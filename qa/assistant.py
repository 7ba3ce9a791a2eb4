"""The assistant: retrieve, pick the answering sentence, state its figures, or abstain.

    from qa import Assistant
    a = Assistant.load()            # model and index load once, here
    a.ask("2022年粮食产量是多少？").to_dict()

A question travels through these stages, one module each:

- analyse (`qa.query`, `qa.conversation` for a follow-up): its language, years,
  period kind, units, what it does not want;
- route (`qa.route`, `qa.reports`): the reports of the place and year it names;
- terms (`qa.terms`): its words in the reports' words (the term base for English);
- retrieve and fuse (here, over `qa.retrieve`'s BM25 and dense retrievers);
- read figures and select (`qa.figures`, `qa.select`): the answering sentence and
  its figures;
- abstain (`qa.abstain`): one function per reason it cannot answer;
- compose (`qa.compose`): the answer in the asker's language, with citations.

`Assistant` holds the index and models and ties the stages together; the weights
are in `qa.settings.Settings`.
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import time
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from corpus.tables import cell_period
from index.embed import Embedder, default_backend
from index.segment import Segmenter
from index.store import (
    IndexBundle,
    check_backend,
    check_model,
    load_index,
    read_manifest,
    recover,
)
from index import termbase as tb
from qa.abstain import Abstaining
from qa.select import Candidate, Evidence, Selecting
from qa.settings import Settings
from qa.terms import QuestionTerms
from qa.colloquial import QuestionWords
from qa.compose import abstention, compose, delivery_text, table_title
from qa.evidence import TermWeights, sentence_spans
from qa import conversation
from qa import warm as warm_state
from qa.glossary import (
    GENERIC_HEADS,
    Glossary,
    library_glossary,
    override_path,
)
from qa.query import (
    EN_STOPWORDS,
    MAX_TOP_K,
    Frame,
    Query,
    analyse,
    explicit_years,
    validate_question,
)
from qa.reports import Reports
from qa.route import Route, Router
from qa.retrieve import (
    BM25Retriever,
    DenseRetriever,
    check_top_k,
    dense_normalise,
    normalise,
    top_hits,
)
from reportqa import lang as lang_data
from reportqa import periods as period_labels
from reportqa.paths import ROOT, default_index_dir, default_model
from reportqa.types import Answer, Citation, Figure, Hit, Passage

log = logging.getLogger(__name__)

# "Who presented the report?", "At which session, on what date?" (patterns.tsv):
# answered by the report's byline and its meeting line.
PRESENTER_QUESTION = lang_data.pattern("presenter_question")
MEETING_QUESTION = lang_data.pattern("meeting_question")


class Assistant(QuestionTerms, Selecting, Abstaining):
    # What __init__ computes from the index that costs seconds; `Assistant.load` keeps
    # it beside the index (qa.warm) and hands it back in as `warm`.
    WARM = ("_tokens", "_periods", "_sentences", "_figures", "_titled", "_around", "router")

    def __init__(self, bundle: IndexBundle, embedder: Embedder, segmenter: Segmenter,
                 glossary: Glossary, settings: Settings | None = None,
                 termbase: tb.TermBase | None = None,
                 warm: dict[str, Any] | None = None) -> None:
        self.bundle = bundle
        self.embedder = embedder
        self.segment = segmenter
        self.glossary = glossary
        # English for the index's own words (CC-CEDICT senses ranked by the corpus):
        # what an English question says that the glossary does not know.
        self.termbase = termbase if termbase is not None else tb.of_index(bundle, segmenter)
        # Reports whose own glossary is in use: it is their English vocabulary, written
        # from their sentences; words it leaves out are not guessed from the term base.
        self._glossed = frozenset(d for d, f in _override_files(bundle).items()
                                  if str(Path(f).resolve()) in glossary.sources)
        self._en_skip = frozenset(tb.stem(w) for w in EN_STOPWORDS)
        self.settings = settings or Settings()
        self.bm25 = BM25Retriever(bundle, segmenter)
        self.dense = DenseRetriever(bundle, embedder)
        # Everything per passage is computed once here, so that `ask` only scores.
        warm = warm or {}
        self._tokens = warm.get("_tokens") or [set(segmenter(p.indexed_text()))
                                               for p in bundle.passages]
        self.weights = TermWeights(self._tokens, generic=GENERIC_HEADS)
        self._periods = warm.get("_periods") or [self._passage_periods(p) for p in bundle.passages]
        by_period: dict[str, list[int]] = {}
        for i, ps in enumerate(self._periods):
            for label in ps:
                by_period.setdefault(label, []).append(i)
        self._period_rows = {k: np.array(v) for k, v in by_period.items()}
        self._row = {p.id: i for i, p in enumerate(bundle.passages)}
        self._sentences = warm.get("_sentences") or {
            p.id: [(s, e, frozenset(segmenter(p.text[s:e]))) for s, e in sentence_spans(p)]
            for p in bundle.passages
        }
        # Every sentence of the library, numbered, and the report it is in.
        self._sentence_texts = [p.text[a:b] for p in bundle.passages
                                for a, b, _ in self._sentences[p.id]]
        self._sentence_doc = [p.doc_id for p in bundle.passages for _ in self._sentences[p.id]]
        self._sentence_cache: dict[str, frozenset[int]] = {}
        self._figures = warm.get("_figures") or {p.id: self._extract(p) for p in bundle.passages}
        self._titled = warm.get("_titled") or {p.id: self._titled_row(p) for p in bundle.passages
                                               if p.kind == "table_row"}
        # Lower-cased, without whitespace: a PDF writes 固定资产 投资 for 固定资产投资.
        self._doc_lower = {d.id: "".join(d.text.lower().split()) for d in bundle.documents.values()}
        self._corpus_cache: dict[tuple[str, ...], str] = {}
        rows_of: dict[str, list[int]] = {d: [] for d in bundle.documents}
        for i, p in enumerate(bundle.passages):
            rows_of[p.doc_id].append(i)
        self._doc_rows = {d: np.array(rows, dtype=int) for d, rows in rows_of.items()}
        self._corpus_text = "\n".join(self._doc_lower.values())
        self.words = QuestionWords(segmenter, glossary, self._corpus_text)
        self._around = warm.get("_around") or {
            (p.id, f.start): self._around_text(p, f)
            for p in bundle.passages for f in self._figures[p.id]
        }
        self.profiles = {d.id: d.profile for d in bundle.documents.values() if d.profile}
        self.router = warm.get("router") or Router(self.profiles)
        self.reports = Reports(self.profiles, bundle.documents)
        self._frames = {d: self._frame_of(d) for d in bundle.documents}  # years to read questions by
        # Place names and a report's words for itself (全区, 遂宁市) route a question;
        # they are not what it asks about, and a passage need not repeat them.
        # Relative year words (去年) say when, which the frame reads; not what.
        self._place_words = (frozenset(self.router.zh) | lang_data.self_refs()
                             | {lv.suffix for lv in lang_data.levels()}
                             | lang_data.relative_year_words())

    @classmethod
    def load(cls, index_dir: str | Path | None = None, model: str | None = None,
             settings: Settings | str | Path | None = None, threads: int | None = 1,
             overrides: bool | None = None, bundle: IndexBundle | None = None) -> Assistant:
        """Load the index (or take `bundle`, that index already loaded) and its model
        once; `model` defaults to the index's own.

        `settings`: an object or a settings file; else REPORTQA_SETTINGS's file, else
        the index's own (its manifest), else the defaults (`Settings.resolve`).

        `threads`: torch threads for query embedding. One query of ~20 tokens gains
        little from a second core and loses much when the cores are busy (measured
        on 2 cores: ask p95 137 ms with 2 threads, 52 ms with 1); None keeps torch's.
        """
        path = Path(index_dir) if index_dir is not None else default_index_dir()
        if bundle is None:
            recover(path)  # a build killed between its renames: its index put back first
        manifest = bundle.manifest if bundle is not None else read_manifest(path)
        settings = Settings.resolve(settings, manifest)  # a bad file fails before the model loads
        if bundle is not None and model is not None:
            check_model(path, manifest, model)  # load_index checks it otherwise
        # Queries are embedded by the backend the index's passages were (a setting
        # that names another is a one-line error, never other vectors).
        if os.environ.get("REPORTQA_BACKEND", "").strip():
            check_backend(path, manifest, default_backend())
        embedder = Embedder(model or manifest.get("model") or default_model(), threads=threads,
                            backend=manifest.get("backend", "torch"))
        # The model loads beside the work on the index (ONNX Runtime opens its session
        # without holding the interpreter); an error of either is raised here, before
        # anything is answered.
        with ThreadPoolExecutor(max_workers=1) as pool, _collector_paused():
            warm = pool.submit(embedder.warm_up)
            if bundle is None:
                bundle = load_index(path, model=model)
            assistant, _ = cls._warmed(path, bundle, embedder, overrides, settings)
            warm.result()
        if embedder.dim != bundle.manifest["dim"]:
            load_index(path, dim=embedder.dim)  # raises the one-line mismatch error
        return assistant

    @classmethod
    def prepare(cls, index_dir: str | Path | None = None, overrides: bool | None = None,
                bundle: IndexBundle | None = None) -> bool:
        """Compute and save what a start of the index would (qa.warm), without loading
        its model (or the index again, when `bundle` is it loaded); False when it was
        saved already."""
        path = Path(index_dir) if index_dir is not None else default_index_dir()
        bundle = bundle if bundle is not None else load_index(path)
        embedder = Embedder(bundle.model or default_model(),
                            backend=bundle.manifest.get("backend", "torch"))  # never loaded
        return cls._warmed(path, bundle, embedder, overrides, None)[1]

    @classmethod
    def _warmed(cls, path: Path, bundle: IndexBundle, embedder: Embedder,
                overrides: bool | None, settings: Settings | str | Path | None
                ) -> tuple[Assistant, bool]:
        """An assistant over `bundle`, from the state a previous start saved beside the
        index when it still holds (same index, code, glossaries, settings); else
        computed, and saved for the next start (then True)."""
        if overrides is None:
            overrides = os.environ.get("REPORTQA_OVERRIDES", "1").lower() not in ("0", "no", "off")
        found = overrides_of(bundle) if overrides else ()
        settings = Settings.resolve(settings, bundle.manifest)
        want = warm_state.key(bundle.manifest, found, settings)
        saved = warm_state.read(path, want)
        glossary = saved["glossary"] if saved else library_glossary(found)
        segmenter = Segmenter()
        if saved:
            segmenter.use_tags(saved["pos_tags"])  # parsing them is ~0.5 s of a first question
        assistant = cls(bundle, embedder, segmenter, glossary, settings, warm=saved)
        if saved is None:
            state = {k: getattr(assistant, k) for k in cls.WARM}
            warm_state.write(path, want, {**state, "glossary": glossary,
                                          "pos_tags": segmenter.tags()})
        return assistant, saved is None

    @classmethod
    def over(cls, index_dir: str | Path, embedder: Embedder, overrides: bool | None = None,
             settings: Settings | None = None) -> Assistant:
        """An assistant over the index at `index_dir` whose queries `embedder` — loaded
        already, the service's — encodes: a rebuilt library without a second model."""
        path = Path(index_dir)
        return cls._warmed(path, load_index(path), embedder, overrides, settings)[0]

    def with_embedder(self, embedder: Embedder) -> Assistant:
        """The same assistant (index, precomputed passages, glossary, term base) whose
        queries another embedder encodes (the service's batching one): nothing is
        computed again."""
        other = copy.copy(self)
        other.embedder = embedder
        other.dense = DenseRetriever(self.bundle, embedder)
        return other

    # ----------------------------------------------------------------- public

    @property
    def documents(self) -> dict:
        return self.bundle.documents

    def document_text(self, doc_id: str) -> str | None:
        doc = self.bundle.documents.get(doc_id)
        return doc.text if doc else None

    def encode_query(self, text: str) -> np.ndarray:
        """The query embedding, through the same model call `ask` uses."""
        return self.embedder.encode_query([text])[0]

    def check_docs(self, docs: list[str] | None) -> list[str] | None:
        """A document filter: known ids, or `ValueError` naming the unknown ones."""
        if docs is None:
            return None
        if not isinstance(docs, list | tuple) or not all(isinstance(d, str) for d in docs):
            raise ValueError(f"docs must be a list of document ids, got {docs!r}")
        if not docs:
            raise ValueError("docs is empty: name at least one document, or leave it out")
        unknown = [d for d in docs if d not in self.bundle.documents]
        if unknown:
            raise ValueError(f"unknown document id(s) {', '.join(unknown)}; known: "
                             f"{', '.join(sorted(self.bundle.documents))}")
        return list(docs)

    def search(self, query: str, top_k: int = 5, docs: list[str] | None = None) -> list[Hit]:
        """Ranked passages (hybrid score), no answer; routed like `ask`."""
        q = analyse(query)
        check_top_k(top_k, MAX_TOP_K)
        route = self.router.route(q.text, _route_years(q), self.check_docs(docs))
        allowed = list(route.docs) or (docs or list(self.bundle.documents))
        q = self._framed(q.text, allowed)
        mask = self._mask(allowed)
        terms, _, _, guessed = self._query_terms(q, self._unplaced(q.text, route, q.lang))
        scores = self._scores(q, self.encode_query(q.text), terms, mask, guessed)
        return [h for h in top_hits(self.bundle, scores, top_k, "hybrid") if h.score > -np.inf]

    def understand(self, question: str, history: object = None) -> str:
        """The whole question `question` asks after the conversation's earlier turns
        (`history`: questions, oldest first, or ``{"question", "understood"}``)."""
        return conversation.understood(validate_question(question).strip(),
                                       conversation.turns(history), self._place_spans)

    def _place_spans(self, text: str) -> list[tuple[int, int]]:
        route = self.router.route(text, explicit_years(text), None)
        return [(m.start, m.end) for m in (*route.mentions, *route.missing)]

    def ask(self, question: str, top_k: int = 5, id: str | None = None,
            docs: list[str] | None = None, history: object = None) -> Answer:
        """Answer from the reports the question is about (its place and year; `docs`
        limits the library), naming the report the answer comes from. With `history`
        (the conversation's earlier questions) a follow-up ("那2023年呢？") is
        answered as the whole question it stands for, shown in `understood`."""
        t0 = time.perf_counter()
        check_top_k(top_k, MAX_TOP_K)
        q0 = analyse(self.understand(question, history) if history else question)
        route = self.router.route(q0.text, _route_years(q0), self.check_docs(docs))
        if q0.lang == "en" and not route.mentions:
            unknown = self._unknown_places(q0.text)
            if unknown:  # "Zorbliton's GDP": a place the library lacks, not a word to skip
                route = Route((), (), unknown)
        t_embed = time.perf_counter()
        if not route.groups:
            answer, t_retrieve = self.reports.library_abstention(q0, route), t_embed
        else:
            qvec = self.encode_query(q0.text)
            t_retrieve = time.perf_counter()
            answers = [self._ask_group(q0.text, route, ds, qvec, top_k, q0.negated,
                                       q0.report_years)
                       for _, ds in route.groups]
            answer = answers[0] if len(answers) == 1 else self.reports.across_places(q0, route, answers)
            answer.assumed = self.reports.assumed(q0, route, answer)
        answer.id = id
        asked = question.strip()
        if answer.question != asked:
            answer.understood, answer.question = answer.question, asked
        t1 = time.perf_counter()
        answer.timing_ms = {
            "total": (t1 - t0) * 1e3, "embed": (t_retrieve - t_embed) * 1e3,
            "retrieve": 0.0, "answer": (t1 - t_retrieve) * 1e3,
        }
        return answer

    # ---------------------------------------------------------------- library

    def _frame(self, doc_id: str) -> Frame:
        return self._frames[doc_id]

    def _frame_of(self, doc_id: str) -> Frame:
        prof = self.profiles.get(doc_id)
        if prof is None:
            return Frame.of(None, None, fallback=2000)
        return Frame.of(prof.result_year, prof.target_year, fallback=prof.written_year,
                        written_year=prof.written_year)

    def _framed(self, text: str, docs: list[str]) -> Query:
        return analyse(text, self._frame(docs[0]) if docs else None)

    def _mask(self, docs: list[str] | tuple[str, ...]) -> np.ndarray | None:
        if len(docs) >= len(self.bundle.documents):
            return None
        mask = np.zeros(len(self.bundle.passages), dtype=bool)
        for d in docs:
            mask[self._doc_rows[d]] = True
        return mask

    def _unplaced(self, text: str, route: Route, lang: str = "zh") -> str:
        """The question without the places it names (they route it; a passage need not
        repeat them: 全市 speaks of the city). In English a name the glossary maps to a
        place stays: a glossary phrase may hold it ("the Luzhou–Yongchuan–Jiangjin
        belt"), and the place words it maps to are dropped from the terms anyway."""
        spans = route.spans()
        if lang != "zh":
            # Only a name the glossary would read as something else ("Sichuan" → 川渝,
            # "…Production and Construction Corps" → 产量) is taken out.
            spans = [(s, e) for s, e in spans
                     if any(z not in self._place_words for z in self.glossary.match(text[s:e])[0])]
        # "(2nd Division of the XPCC)" after a place says where it is, not what is asked.
        for s, e in sorted([*spans, *route.asides], reverse=True):
            text = text[:s] + " " + text[e:]
        return text

    def _ask_group(self, text: str, route: Route, docs: tuple[str, ...], qvec: np.ndarray,
                   top_k: int, negated: tuple[str, ...] = (),
                   named: tuple[int, ...] = ()) -> Answer:
        """The best answer from `docs`: each set of reports with the same years is read
        against those years; the best-scoring answer wins, abstentions last."""
        by_frame: dict[Frame, list[str]] = {}
        # The year a report was written in matters only to 今年 / "last year": without
        # one, reports of the same years are read (and ranked) together.
        relative = any(r.pattern.search(text) for r in lang_data.relative_years())
        for d in docs:
            frame = self._frame(d)
            if relative and frame.target and frame.written != frame.target:
                # A report delivered in the year it reviews speaks of it as 今年, its
                # readers as 去年 (铁西区's 2025 report of 2024-12-18): counted from the year
                # it plans for when the question names it so ("2024年政府工作报告显示,去年…")
                # or when its delivery year gives a year the report does not cover.
                planned = replace(frame, written=frame.target)
                if frame.target in named or (analyse(text, frame).out_of_scope_year is not None
                                             and analyse(text, planned).out_of_scope_year is None):
                    frame = planned
            if not relative:
                frame = replace(frame, written=frame.target)
            by_frame.setdefault(frame, []).append(d)
        best: tuple[float, Answer] | None = None
        for frame, ds in by_frame.items():
            q = analyse(text, frame)
            if negated:  # what the question as asked did not want (taken out of `text`)
                q = replace(q, negated=negated)
            answer, score = self._ask_docs(q, route, ds, qvec, top_k)
            rank = score - (10.0 if answer.abstained else 0.0)
            if best is None or rank > best[0]:
                best = (rank, answer)
        assert best is not None  # docs is never empty
        return best[1]

    def _ask_docs(self, q: Query, route: Route, docs: list[str], qvec: np.ndarray,
                  top_k: int) -> tuple[Answer, float]:
        scope = tuple(docs)
        who, when = bool(PRESENTER_QUESTION.search(q.text)), bool(MEETING_QUESTION.search(q.text))
        if who or when:
            # …of the one report the question is routed to, whatever its years
            group = next((ds for _, ds in route.groups if docs[0] in ds), tuple(docs))
            presented = self._delivery_answer(q, group, top_k, who, when)
            if presented is not None:
                self.reports.name(presented, presented.citations[0].doc_id, q.lang,
                                  several=len(self.profiles) > 1)
                return presented, 1.0
        terms, scale, alts, guessed = self._query_terms(q, self._unplaced(q.text, route, q.lang),
                                                        scope, placed=bool(route.mentions))
        mask = self._mask(docs)
        hits = self._hits(q, qvec, terms, max(top_k, self.settings.candidates), mask,
                          guessed)
        ev = self._evidence(terms, q.units, scale, alts, q.text)
        if q.negated:
            ev = replace(ev, negated=self._negated_terms(q, ev, scope))
        answer, score = self._answer(q, ev, hits, top_k, scope)
        report = self.reports.report_of(answer, docs)
        if report is not None:
            self.reports.name(answer, report, q.lang, several=len(self.profiles) > 1)
        return answer, score

    def _delivery_answer(self, q: Query, docs: tuple[str, ...], top_k: int, who: bool,
                         when: bool) -> Answer | None:
        """"Who presented the report?", "At which session and on what date?": the
        byline ("县人民政府县长 唐 雨") and the meeting line ("——2023年1月4日在盘锦市第九届
        人民代表大会第二次会议上") its profile found, quoted from the passages that hold
        them; None when it has neither that is asked, or when several reports asked
        about have it (a question that names no report is no question about one)."""
        having = [d for d in docs if (p := self.profiles.get(d)) is not None
                  and ((who and p.presenter) or (when and p.meeting))]
        for d in having[:1] if len(having) == 1 else ():
            prof = self.profiles[d]
            spans = ([prof.presenter_span] if who and prof.presenter else []) + (
                [prof.meeting_span] if when and prof.meeting else [])
            # A line the parser split (the date in one passage, the meeting in the
            # next) is quoted from each passage it is in.
            found = [(p, (max(s, p.start) - p.start, min(e, p.end) - p.start))
                     for s, e in spans if s is not None
                     for p in (self.bundle.passages[i] for i in self._doc_rows[d])
                     if p.start < e and s < p.end]
            text = self.document_text(d)
            # A line above the first passage (a dateline the parser kept out of the
            # answer passages) is quoted from the document itself.
            covered = {(s, e) for s, e in spans if s is not None and any(
                p.start < e and s < p.end for p, _ in found)}
            period = next((self.bundle.passages[i].period for i in self._doc_rows[d]), "")
            found += [(Passage(id=f"{d}#line{s}", doc_id=d, section="", period=period, start=s,
                               end=e, text=text[s:e], kind="heading"), (0, e - s))
                      for s, e in spans if s is not None and (s, e) not in covered
                      and text is not None and e <= len(text)]
            if not found:
                continue
            hits = [Hit(p, 1.0, "byline") for p, _ in found]
            cands = [Candidate(h, span, 1.0, 1.0, []) for h, (_, span) in zip(hits, found)]
            answer = compose(q, [(p, span, []) for p, span in found],
                             self._citations(hits, top_k, cands, cands))
            answer.answer = delivery_text(prof, q.lang, who, when) + answer.answer
            return answer
        return None

    def _corpus_of(self, docs: tuple[str, ...]) -> str:
        """The lower-cased text of `docs`: a term is absent from the reports asked about
        even when another report of the library has it."""
        if len(docs) == len(self.bundle.documents):
            return self._corpus_text
        text = self._corpus_cache.get(docs)
        if text is None:  # a cache of joined texts, one per set of reports routed to
            text = self._corpus_cache[docs] = "\n".join(self._doc_lower[d] for d in docs)
        return text

    # -------------------------------------------------------------- retrieval

    def _hits(self, q: Query, qvec: np.ndarray, terms: list[str], n: int,
              mask: np.ndarray | None = None, weights: dict[str, float] | None = None
              ) -> list[Hit]:
        """The top `n` passages (of the reports in `mask`); a comparison of two periods
        ("去年实际…今年目标") gets the top `n` of each, so one period's passages cannot
        crowd out the other's."""
        rows = self.settings.rows_per_table
        if not (q.compare and len(q.periods) >= 2):
            hits = top_hits(self.bundle, self._scores(q, qvec, terms, mask, weights), n, "hybrid",
                            rows)
            return [h for h in hits if h.score > -np.inf]
        best: dict[str, Hit] = {}
        for period in sorted(q.periods):
            # The result's side does not look for the target's words (目标, 力争).
            words = terms if period.endswith("target") else [t for t in terms if t not in TARGET_WORDS]
            scores = self._scores(replace(q, periods=frozenset({period})), qvec, words, mask,
                                  weights)
            for h in top_hits(self.bundle, scores, n, "hybrid", rows):
                if h.score == -np.inf:
                    continue
                if h.passage.id not in best or h.score > best[h.passage.id].score:
                    best[h.passage.id] = h
        return sorted(best.values(), key=lambda h: -h.score)

    def _scores(self, q: Query, qvec: np.ndarray, terms: list[str],
                mask: np.ndarray | None = None, weights: dict[str, float] | None = None
                ) -> np.ndarray:
        """Fused scores; passages outside `mask` get -inf, and both signals are
        normalised over the passages inside it (the reports routed to). `weights`:
        BM25 weights of some terms (the term base's guesses), others weigh 1."""
        s = self.settings
        bm_raw = self.bm25.scores_for_tokens(terms, weights)
        dense_raw = self.dense.scores_for_vector(qvec) if mask is None else \
            self.dense.scores_for_rows(qvec, mask)
        if mask is None:
            bm, dense = normalise(bm_raw), dense_normalise(dense_raw)
        else:
            bm = np.zeros_like(bm_raw)
            dense = np.zeros_like(dense_raw)
            bm[mask] = normalise(bm_raw[mask])
            dense[mask] = dense_normalise(dense_raw[mask])
        scores = s.w_bm25[q.lang] * bm + s.w_dense[q.lang] * dense
        scores += s.period_bonus * self._of_periods(q.periods)
        if q.numbers:
            rows = range(len(self.bundle.passages)) if mask is None else np.flatnonzero(mask)
            has = np.zeros(len(self.bundle.passages), dtype=bool)
            for i in rows:
                has[i] = any(n in self.bundle.passages[i].text for n in q.numbers)
            scores += s.number_bonus * has
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        return scores

    def _of_periods(self, labels: AbstractSet[str]) -> np.ndarray:
        """Which passages (or a cell of them) speak of any of the periods `labels`."""
        out = np.zeros(len(self.bundle.passages), dtype=bool)
        for label in labels:
            rows = self._period_rows.get(label)
            if rows is not None:
                out[rows] = True
        return out

    @staticmethod
    def _passage_periods(p: Passage) -> set[str]:
        periods = {p.period}
        periods.update(cell_period(c.header, p.period) for c in p.cells)
        return periods

    # -------------------------------------------------------------- answering

    def _answer(self, q: Query, ev: Evidence, hits: list[Hit], top_k: int,
                scope: tuple[str, ...] = ()) -> tuple[Answer, float]:
        """The answer and the score of its best sentence (how well it answers);
        `scope` is the reports answered from (what "absent" means; default: all)."""
        cands = [c for h in hits for c in self._candidates(q, ev, h)]
        best = max(cands, key=lambda c: c.score, default=None)
        reason = self.abstain_reason(q, ev, best, self._corpus_of(scope) if scope else None)
        if reason is not None or best is None:
            covers = self._covers(hits)
            return (abstention(q, reason or "no passage",
                               self._citations(hits, top_k, [best], cands), covers),
                    best.score if best else -1.0)
        chosen = self._chosen(q, best, self._ask_evidence(q, scope))
        if not q.wants_number:  # a figure only if it is about what was asked, in its own clause
            chosen = [sf for sf in chosen if sf.own >= self.settings.min_figure_relevance]
        if q.compare and len(q.periods) >= 2:
            chosen = self._each_period(q, best, chosen)
        # The other side of a comparison comes from the same report: one answer never
        # joins two places' figures (a comparison across places is routed per place).
        own = [c for c in cands if c.hit.passage.doc_id == best.hit.passage.doc_id]
        # A comparison whose sides are not both in the answering sentence or row takes
        # the other side from the best other sentence: one figure from each.
        both_here = len({sf.figure.period for sf in chosen}) > 1 or (
            len(chosen) > 1 and len(q.periods) < 2)
        second = None
        if q.compare and not both_here:
            second = self._second(q, best, own)
        elif q.compare and len(q.periods) < 2:
            # Two figures here, but one of two subjects the question compares is not in
            # this sentence (重大项目 here, 重点项目 not: same head, two subjects): the
            # other side is where that subject is.
            here = best.hit.passage.text[best.span[0]:best.span[1]]
            present = [t for t in ev.content if ev.written_in(t, here)]
            missing = tuple(t for t in ev.content if len(t) > 2 and not ev.written_in(t, here)
                            and any(o[-2:] == t[-2:] for o in present))
            second = self._second(q, best, own, need=missing) if missing else None
        if second is not None:
            chosen = chosen[:1]
        answering = [best] if second is None else [best, second]
        cited = self._citations(hits, top_k, answering, cands)
        index = {c.passage_id: i for i, c in enumerate(cited)}
        sources = []
        for c, scored in ((best, chosen), (second, second.scored[:1] if second else [])):
            if c is not None:
                n = index[c.hit.passage.id]
                sources.append((c.hit.passage, c.span, [replace(sf.figure, citation=n) for sf in scored]))
        sources = [(p, span, [f for f in figs if self._faithful(f, cited[f.citation])])
                   for p, span, figs in sources]
        if not sources[0][2]:  # words answer: quote the part of a long sentence that does
            p, span, _ = sources[0]
            sources[0] = (p, self._focus(ev, p, span), [])
        return compose(q, sources, cited), best.score

    def _covers(self, hits: list[Hit]) -> tuple[str, ...]:
        """The periods of the report the hits come from (for "it covers … not 2019")."""
        doc = hits[0].passage.doc_id if hits else None
        prof = self.profiles.get(doc) if doc else None
        if prof is None:
            return ()
        return tuple(x for x in (period_labels.label(prof.result_year, "result") if prof.result_year
                                 else "",
                                 period_labels.label(prof.target_year, "target") if prof.target_year
                                 else "") if x)

    def _citations(self, hits: list[Hit], top_k: int, answering: list[Candidate | None],
                   cands: list[Candidate]) -> list[Citation]:
        """`top_k` passages: the answering ones first (quote: their sentence, or the
        stretch from the first answering sentence to the last when two are in one
        passage), then the others by how well their best sentence answers."""
        quote: dict[str, tuple[int, int]] = {}
        lead: list[Hit] = []
        for c in answering:
            if c is None:
                continue
            pid = c.hit.passage.id
            if pid in quote:
                s, e = quote[pid]
                quote[pid] = (min(s, c.span[0]), max(e, c.span[1]))
            else:
                quote[pid] = c.span
                lead.append(c.hit)
        best_span: dict[str, tuple[float, tuple[int, int]]] = {}
        for c in cands:
            cur = best_span.get(c.hit.passage.id)
            if cur is None or c.score > cur[0]:
                best_span[c.hit.passage.id] = (c.score, c.span)
        rest = sorted((h for h in hits if h.passage.id not in quote),
                      key=lambda h: -best_span.get(h.passage.id, (-1e9,))[0])
        order = (lead + rest)[: max(top_k, len(lead))]
        out = []
        for h in order:
            p = h.passage
            if self.bundle.documents[p.doc_id].text[p.start:p.end] != p.text:
                # Checked on load too; a citation is never returned that its document lacks.
                log.error("passage %s differs from its document slice: not cited", p.id)
                continue
            span = quote.get(p.id) or best_span.get(p.id, (0.0, (0, len(p.text))))[1]
            cells = [{"header": c.header, "text": c.text, "start": c.start, "end": c.end}
                     for c in (p.cells or ())] if p.kind == "table_row" else []
            out.append(Citation(
                doc_id=p.doc_id, section=p.section, text=p.text, start=p.start, end=p.end,
                quote_start=span[0], quote_end=span[1], score=round(h.score, 4), passage_id=p.id,
                period=p.period, supports=p.id in quote, cells=cells,
                table=table_title(p) if cells else "",
            ))
        return out

    def _faithful(self, f: Figure, c: Citation) -> bool:
        """A figure is stated only if it sits verbatim inside its citation."""
        doc = self.bundle.documents[c.doc_id].text
        return c.start <= f.start < f.end <= c.end and doc[f.start:f.end] == f.text


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while an index loads: it allocates ~10^6 objects
    that are all kept, and the collector's passes over them were ~0.2 s of a start."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def overrides_of(bundle: IndexBundle) -> tuple[str, ...]:
    """The glossary override files beside the index's documents (`<name>.glossary.tsv`)."""
    return tuple(sorted(set(_override_files(bundle).values())))


def _override_files(bundle: IndexBundle) -> dict[str, str]:
    """Document id → its override file, for the documents that have one."""
    found = {}
    for d in bundle.documents.values():
        src = Path(d.path) if os.path.isabs(d.path) else ROOT / d.path
        gloss = override_path(src)
        if gloss.is_file():
            found[d.id] = str(gloss)
    return found


# Words that ask for a target: no help in finding a result.
TARGET_WORDS = frozenset({"目标", "预期", "预期目标", "力争"})

def _route_years(q: Query) -> tuple[int, ...]:
    """The years that choose the reports: the question's, and those of a report it
    names ("2023年政府工作报告")."""
    return tuple(sorted(set(explicit_years(q.text)) | set(q.report_years)))
