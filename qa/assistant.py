"""The assistant: retrieve, pick the answering sentence, state its figures, or abstain.

    from qa import Assistant
    a = Assistant.load()            # model and index load once, here
    a.ask("2022年粮食产量是多少？").to_dict()
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import re
import time
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from corpus.profile import is_place_name
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
from qa.colloquial import QuestionWords, shares_characters
from qa.compose import (
    MAX_QUOTE,
    abstention,
    clause,
    compose,
    row_label,
    table_title,
)
from qa.evidence import TermWeights, coverage, said_otherwise, sentence_spans
from qa.figures import VS_TARGET, extract_figures, table_row_figures
from qa import conversation
from qa import warm as warm_state
from qa.units import COUNT_UNITS
from qa.glossary import (
    GENERIC_HEADS,
    Glossary,
    indicator_forms,
    indicator_spellings,
    library_glossary,
    narrower_forms,
    override_path,
)
from qa.query import (
    COUNTER_KINDS,
    EN_STOPWORDS,
    INTENT_TERMS,
    MAX_TOP_K,
    Frame,
    Query,
    analyse,
    explicit_years,
    is_number,
    validate_question,
)
from qa.reports import Reports
from qa.route import Mention, Route, Router
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
from reportqa.types import Answer, Citation, Figure, Hit, Passage, TableCell

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """Retrieval and answering knobs, chosen on eval/gold/tune.jsonl (see README)."""

    # Hybrid score = bm25 * w_bm25 + dense * w_dense (both normalised to [0, 1]).
    w_bm25: dict[str, float] = field(default_factory=lambda: {"zh": 0.7, "en": 0.5})
    w_dense: dict[str, float] = field(default_factory=lambda: {"zh": 0.3, "en": 0.5})
    period_bonus: float = 0.15  # passage (or a table cell) of the period asked about
    number_bonus: float = 0.2  # a number in the question appears in the passage
    candidates: int = 16  # passages whose sentences compete for the answer
    rows_per_table: int = 6  # of one table among the candidates, at most (4 to 8 measured alike)
    # Weighted share of the question's terms the answering sentence must hold.
    # Swept on tune, tune2, tune3, tune4, holdout3 (after its one blind run) and dev,
    # 694 questions (accuracy / abstention recall / false abstention):
    #   zh 0.40: 0.934 / 0.864 / 1.3%   zh 0.45: 0.937 / 0.909 / 2.4%   zh 0.50: 0.934 / 0.909 / 2.7%
    #   en 0.40: 0.883 / 0.923 / 3.2%   en 0.45: 0.874 / 0.938 / 5.3%   en 0.50: 0.857 / 0.938 / 8.1%
    min_coverage: dict[str, float] = field(default_factory=lambda: {"zh": 0.45, "en": 0.4})
    # Below this coverage, every indicator the question names must be in the passage.
    anchor_coverage: float = 0.6
    # How much a term-base guess for one English word weighs in coverage (a phrase's
    # words weigh 1): a noun's, and a verb's ("launched" → 启动, 开展), which says how
    # a thing was done more than what it is.
    termbase_word: float = 0.5
    termbase_verb: float = 0.25
    # Share of a figure's Chinese label the term base's words must cover for an
    # English label made of them (else the answer shows the Chinese label).
    label_cover: float = 0.75
    min_figure_relevance: float = 0.3  # share of them around the figure stated
    # ... in the figure's own clause and those before it (0.1 and 0.2 measured alike)
    min_clause_relevance: float = 0.1
    max_figures: int = 3
    # A figure whose clause says what the question does not want (存栏 after "注意不是
    # 存栏", 城镇 after "不要城镇的"): 0.2 and 0.4 measured alike on the gold sets.
    negated_penalty: float = 0.3
    # A sentence without figures shorter than this (a label, a table title, a byline)
    # answers a "what was" question only when nothing that states a figure does.
    min_statement_chars: int = 14
    fragment_penalty: float = 0.3


@dataclass(frozen=True)
class Evidence:
    """What a question needs a passage to contain."""

    content: list[str]  # subject terms (not intent words such as 目标, 多少)
    parts: dict[str, list[str]]  # each term's dictionary words, for partial credit
    scale: dict[str, float]  # how sure we are the question means each term
    alts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other words for a term
    asked: frozenset[str] = frozenset()  # its intent words (计划, 目标): a table column's
    # Per subject term, the genre's other indicators that hold it (人均地区生产总值
    # for 生产总值), less those the question names too.
    narrower: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negated: tuple[str, ...] = ()  # the words of what the question does not want

    def forms(self, term: str) -> tuple[str, ...]:
        """A term and the other words the question's phrase may mean by it."""
        return (term, *self.alts.get(term, ()))

    def written_in(self, term: str, text: str) -> bool:
        return any(f in text for f in self.forms(term))


@dataclass(frozen=True)
class ScoredFigure:
    figure: Figure
    score: float
    relevance: float  # share of the question's terms in the figure's label and clause
    period_ok: bool
    unit_ok: bool
    own: float = 0.0  # the same in its label and clause alone, not the rest of its sentence
    narrow: bool = False  # its clause names a narrower indicator than the one asked
    # it speaks of its sentence's subject, not its clause's words: a stated gap to the
    # target (高于计划目标0.7个百分点), a target a result is measured against
    of_sentence: bool = False


@dataclass
class Candidate:
    """One sentence of one retrieved passage, scored as the answer."""

    hit: Hit
    span: tuple[int, int]  # relative to the passage text
    score: float
    coverage: float
    scored: list[ScoredFigure]  # its figures, best first (numeric questions only)


class Assistant:
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
             settings: Settings | None = None, threads: int | None = 1,
             overrides: bool | None = None, bundle: IndexBundle | None = None) -> Assistant:
        """Load the index (or take `bundle`, that index already loaded) and its model
        once; `model` defaults to the index's own.

        `threads`: torch threads for query embedding. One query of ~20 tokens gains
        little from a second core and loses much when the cores are busy (measured
        on 2 cores: ask p95 137 ms with 2 threads, 52 ms with 1); None keeps torch's.
        """
        path = Path(index_dir) if index_dir is not None else default_index_dir()
        if bundle is None:
            recover(path)  # a build killed between its renames: its index put back first
        manifest = bundle.manifest if bundle is not None else read_manifest(path)
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
                overrides: bool | None, settings: Settings | None) -> tuple[Assistant, bool]:
        """An assistant over `bundle`, from the state a previous start saved beside the
        index when it still holds (same index, code, glossaries, settings); else
        computed, and saved for the next start (then True)."""
        if overrides is None:
            overrides = os.environ.get("REPORTQA_OVERRIDES", "1").lower() not in ("0", "no", "off")
        found = overrides_of(bundle) if overrides else ()
        want = warm_state.key(bundle.manifest, found, settings or Settings())
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

    def _unknown_places(self, text: str) -> tuple[Mention, ...]:
        """Capitalised words an English question writes where it names a place
        ("Zorbliton's", "in Zorbliton?", "Zorbliton County") that neither the
        gazetteer nor the term base knows."""
        out = []
        for m in lang_data.pattern("unplaced_name_en").finditer(text):
            name = next(g for g in m.groups() if g)
            start = m.start(next(k for k, v in m.groupdict().items() if v))
            if not any(self._known_word(w) for w in re.split(r"[-\s]", name)):
                out.append(Mention(name, start, start + len(name), name, name, ()))
        return tuple(out)

    def _known_word(self, word: str) -> bool:
        low = word.lower()
        return (low in EN_STOPWORDS or bool(self.termbase.lookup(tb.en_key(word)))
                or bool(self.glossary.match_spans(word)[0]))

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
            answers = [self._ask_group(q0.text, route, ds, qvec, top_k, q0.negated)
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
        for s, e in sorted(spans, reverse=True):
            text = text[:s] + " " + text[e:]
        return text

    def _ask_group(self, text: str, route: Route, docs: tuple[str, ...], qvec: np.ndarray,
                   top_k: int, negated: tuple[str, ...] = ()) -> Answer:
        """The best answer from `docs`: each set of reports with the same years is read
        against those years; the best-scoring answer wins, abstentions last."""
        by_frame: dict[Frame, list[str]] = {}
        # The year a report was written in matters only to 今年 / "last year": without
        # one, reports of the same years are read (and ranked) together.
        relative = any(r.pattern.search(text) for r in lang_data.relative_years())
        for d in docs:
            frame = self._frame(d)
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
        terms, scale, alts, guessed = self._query_terms(q, self._unplaced(q.text, route, q.lang),
                                                        scope)
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

    def _negated_terms(self, q: Query, ev: Evidence, scope: tuple[str, ...]) -> tuple[str, ...]:
        """The report's words for what the question does not want (存栏; "deposits" →
        存款), less any the question asks for too."""
        text = " ".join(q.negated)
        terms = subject_terms(self._query_terms(replace(q, text=text), text, scope)[0])
        asked = "".join(ev.forms(t)[0] + "".join(ev.forms(t)[1:]) for t in ev.content)
        return tuple(t for t in terms if len(t) >= 2 and t not in asked)

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

    def _query_terms(self, q: Query, text: str | None = None, scope: tuple[str, ...] = ()
                     ) -> tuple[list[str], dict[str, float], dict[str, tuple[str, ...]],
                                dict[str, float]]:
        """Chinese retrieval tokens (the question's own, or its glossary terms), how
        sure we are an English question means each one, the other words one English
        phrase may mean by a term, and the BM25 weights of the term base's guesses.

        A Chinese term that one English word stood for is a guess ("go up" → 占比,
        "land" → 土地) unless it names an indicator, place or organisation: such
        guesses weigh half and never prove absence. Phrases and names weigh fully.
        Terms of one phrase with one head (合同引资, 协议引资 for "contracted
        investment") are one subject said two ways: either one covers it.
        """
        scale: dict[str, float] = {}
        alts: dict[str, tuple[str, ...]] = {}
        guessed: dict[str, float] = {}  # the term base's words: their BM25 weight is how sure
        text = q.text if text is None else text
        corpus = self._corpus_of(scope) if scope else self._corpus_text
        if q.lang == "zh":
            toks = self.words.terms(text, corpus)
            # A genre indicator the reports asked about never write as the question
            # does is covered by the genre's spellings they use (地区生产总值 → 生产总值):
            # looked for, and counted, in those.
            for tok, others in self._indicator_spellings(toks, corpus).items():
                alts[tok] = others
                toks += list(others)
        else:
            groups = self._english_groups(text, corpus, scope)
            toks = []
            for zhs, n_words, sure_tb in groups:
                if sure_tb:
                    # A place is named by the question's own words (the router reads
                    # them), never guessed from an English word ("far" → 远 → 威远).
                    zhs = [z for z in zhs if not (is_place_name(z) or z in self._place_words
                                                  or self.glossary.kind_of(z) == "place")]
                    if not zhs:
                        continue
                if sure_tb:  # the term base's words for one phrase: any one covers it
                    first = zhs[0]
                    guessed.update({z: max(guessed.get(z, 0.0), sure_tb) for z in zhs})
                    alts[first] = tuple(dict.fromkeys(alts.get(first, ()) + tuple(zhs[1:])))
                    toks.append(first)
                    scale[first] = max(scale.get(first, 0.0), sure_tb)
                    continue
                for zh in zhs:
                    first = next((r for r in alts if r in zhs and self._same(r, zh)), None)
                    if first is not None:
                        if zh != first and zh not in alts[first]:
                            alts[first] += (zh,)
                        continue
                    same = [o for o in zhs if o != zh and self._same(o, zh)]
                    sure = n_words >= 2 or self.glossary.kind_of(zh) in ("indicator", "place", "org")
                    # A term the report lacks, whose words it never says together
                    # (人均地区生产总值), stays whole: cut into words the report has (人均,
                    # 地区生产总值), its absence would be lost. 茶叶产量 is cut: the report
                    # says "茶叶、花椒产量" in one sentence. A term said two ways stays whole.
                    # (The genre's other spellings of a term are alternatives for
                    # retrieval and absence; they do not keep it whole.)
                    parts = self.segment(zh)
                    two_ways = any(_same_head(o, zh) and not self.glossary.same_term(o, zh)
                                   for o in same)
                    # One the report does not write, but whose other spelling it does
                    # (规模以上工业增加值 / 规上工业增加值), stays whole with that spelling.
                    whole = two_ways or (zh.lower() not in corpus and (
                        bool(same) or not self._said_together(parts, scope)))
                    if same:
                        alts[zh] = ()
                    for tok in ([zh] if whole else parts):
                        toks.append(tok)
                        scale[tok] = max(scale.get(tok, 0.0), 1.0 if sure else 0.5)
            toks += [a for forms in alts.values() for a in forms]  # retrieval looks for all
            toks += list(q.numbers)
        years = {str(y) for y in q.years}
        toks = [t for t in dict.fromkeys(toks) if t not in years and t not in self._place_words]
        if not subject_terms(toks, q.units) and "%" in q.units:
            # "Which grew faster, Wuhu or Suining?": the economy, the genre's default subject.
            default = lang_data.default_subjects().get("growth")
            if default:
                toks.append(default)
                scale[default] = 1.0
        return toks, scale, alts, guessed

    @staticmethod
    def _indicator_spellings(toks: list[str], corpus: str) -> dict[str, tuple[str, ...]]:
        spellings = indicator_spellings()
        out: dict[str, tuple[str, ...]] = {}
        for tok in toks:
            # The reports write it so (a report that says both 重大项目 and 重点项目 means
            # two things), or it is another spelling of a term before it. A Latin
            # abbreviation (GDP) is always its Chinese forms too.
            if (tok.lower() in corpus and not tok.isascii()) or any(tok in v for v in out.values()):
                continue
            others = tuple(f for f in spellings.get(tok.lower(), ())
                           if f.lower() != tok.lower() and f.lower() in corpus)
            if others:
                out[tok] = others
        return out

    def _english_groups(self, text: str, corpus: str, scope: tuple[str, ...] = ()
                        ) -> list[tuple[list[str], int, float]]:
        """An English question's phrases as Chinese terms, with how many words each
        stood for and, for the term base's, how sure it is (0: the glossary's).

        The glossary's come first (a report's override, the genre's terms); the words
        it does not know get the term base's words for them. A genre term the reports
        asked about never write (粮食产量 where they write 粮食总产量) gives way to the
        term base's words for the same English, when those cover all of it and one
        sentence of those reports says them together; else it stays, and its absence
        is the answer ("resident population": 居民 and 人口 said apart are not it)."""
        out: list[tuple[list[str], int, float]] = []
        run: list[str] = []
        glossed = bool(scope) and set(scope) <= self._glossed
        for seg in self.glossary.segments(text) + [None]:
            if seg is not None and not seg.zh:
                run.append(seg.words[0])
                continue
            if run and not glossed:
                out += self._termbase_groups(run, corpus)[0]
            run = []
            if seg is None:
                break
            if not any(z.lower() in corpus for z in seg.zh) and not glossed:
                found, missed = self._termbase_groups(list(seg.words), corpus)
                if found and not missed and self._said_together_any([z for z, _, _ in found], scope):
                    out += found
                    continue
            out.append((list(seg.zh), len(seg.words), 0.0))
        return self._in_context(out)

    def _in_context(self, groups: list[tuple[list[str], int, float]]
                    ) -> list[tuple[list[str], int, float]]:
        """A guessed word's senses, narrowed to those some sentence of the library says
        beside a word of another of the question's phrases ("care" beside 老年人 is
        养老, not 救治); a guess that meets none keeps all its senses."""
        if len(groups) < 2:
            return groups
        out = []
        for i, (zhs, n, sure) in enumerate(groups):
            if not sure or len(zhs) < 2:
                out.append((zhs, n, sure))
                continue
            others = set().union(*(self._sentences_with(z) for j, (o, _, _) in enumerate(groups)
                                   if j != i for z in o))
            kept = [z for z in zhs if self._sentences_with(z) & others]
            out.append((kept or zhs, n, sure))
        return out

    def _sentences_with(self, word: str) -> frozenset[int]:
        """The numbers of the library's sentences that write `word` (cached)."""
        found = self._sentence_cache.get(word)
        if found is None:
            found = frozenset(i for i, text in enumerate(self._sentence_texts) if word in text)
            self._sentence_cache[word] = found
        return found

    def _termbase_groups(self, words: list[str], corpus: str
                         ) -> tuple[list[tuple[list[str], int, float]], list[str]]:
        """The term base's Chinese words for a run of English words (the ones the
        reports in `corpus` write, where any of them does), how sure each is, and
        the content words it has nothing for. A phrase is sure; one word is a guess,
        and a verb's guess ("launched" → 启动) says how more than what: it weighs less."""
        s = self.settings
        stems = [tb.stem(w) for w in words]
        found, unmatched = self.termbase.match(stems, skip=self._en_skip)
        out = []
        for terms, _, n in found:
            zhs = [t.zh for t in terms]
            here = [z for z in zhs if z in corpus] or zhs
            verb = all(t.verbal for t in terms)
            sure = 1.0 if n >= 2 else s.termbase_verb if verb else s.termbase_word
            out.append((here, n, sure))
        return out, [words[i] for i in unmatched if not words[i].isdigit()]

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

    def _same(self, a: str, b: str) -> bool:
        """One subject said two ways: one head (合同引资, 协议引资) or one genre term."""
        return _same_head(a, b) or self.glossary.same_term(a, b)

    def _said_together_any(self, groups: list[list[str]], scope: tuple[str, ...] = ()) -> bool:
        """Whether one sentence of the reports in `scope` (default: all) writes one word
        of each group."""
        common = None
        for zhs in groups:
            these = frozenset().union(*(self._sentences_with(z) for z in zhs))
            common = these if common is None else common & these
        if not common:
            return False
        return not scope or any(self._sentence_doc[i] in scope for i in common)

    def _said_together(self, words: list[str], scope: tuple[str, ...] = ()) -> bool:
        """Whether one sentence of the reports in `scope` (default: all) holds all of `words`."""
        need = set(words)
        ids = ([self.bundle.passages[i].id for d in scope for i in self._doc_rows[d]] if scope
               else self._sentences)
        return any(need <= tokens for pid in ids for _, _, tokens in self._sentences[pid])

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
        reason = self._abstain_reason(q, ev, best, self._corpus_of(scope) if scope else None)
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

    def _focus(self, ev: Evidence, p: Passage, span: tuple[int, int]) -> tuple[int, int]:
        """The clauses of a long sentence around the one that covers the question best,
        as many as a quote holds (offsets relative to the passage)."""
        s, e = span
        if e - s <= MAX_QUOTE:
            return span
        cuts = [s] + [m.end() for m in _CLAUSE_END.finditer(p.text, s, e)] + [e]
        clauses = [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
        covers = [self._cover(ev, frozenset(self.segment(p.text[a:b])), p.text[a:b]) for a, b in clauses]
        i = j = max(range(len(clauses)), key=lambda k: (covers[k], -k))
        while True:  # grow towards the better-covered neighbour while the quote fits
            options = [k for k in (i - 1, j + 1) if 0 <= k < len(clauses)
                       and clauses[max(j, k)][1] - clauses[min(i, k)][0] <= MAX_QUOTE]
            if not options:
                break
            k = max(options, key=lambda k: covers[k])
            i, j = min(i, k), max(j, k)
        return clauses[i][0], clauses[j][1]

    def _evidence(self, terms: list[str], units: AbstractSet[str], scale: dict[str, float],
                  alts: dict[str, tuple[str, ...]] | None = None, text: str = "") -> Evidence:
        """What a (part of a) question needs a passage to contain: its subject terms,
        each with its dictionary words for partial credit.

        Only what the question is about counts; a question that names nothing but a
        year and "how many" has no subject the report could cover. Numbers steer
        retrieval (number_bonus) but are not what a question is about.
        """
        alts = alts or {}
        other = {a for forms in alts.values() for a in forms}
        content = subject_terms([t for t in terms if t not in other], units)
        asked = frozenset(t for t in terms if t in INTENT_TERMS and len(t) >= 2)
        # The indicators the question names: as terms, or written out (人均GDP segments
        # as 人均 + GDP).
        forms = indicator_forms()
        said = text + "".join(terms)
        named = {forms.get(t, t) for t in terms} | {c for f, c in forms.items() if f in said}
        # …and one whose modifier the question asks for ("rural" + "disposable income"
        # names 农村居民人均可支配收入) is not narrower than what it asks.
        def modifier_asked(t: str, f: str) -> bool:
            spellings = (t, *alts.get(t, ()))
            for o in spellings:
                f = f.replace(o, "|")
            return any(len(o) >= 2 and o not in spellings and o in f for o in terms)

        narrower = {t: n for t in content
                    if (n := tuple(f for f in dict.fromkeys(
                        x for o in (t, *alts.get(t, ())) for x in narrower_forms(o))
                        if forms[f] not in named and not modifier_asked(t, f)))}
        return Evidence(content, {t: self.segment.subwords(t) for t in content}, scale, alts, asked,
                        narrower)

    def _cover(self, ev: Evidence, tokens: AbstractSet[str], text: str = "") -> float:
        return coverage(ev.content, tokens, self.weights, text, ev.parts, ev.scale, ev.alts).score

    def _candidates(self, q: Query, ev: Evidence, hit: Hit) -> list[Candidate]:
        p = hit.passage
        row = self._row[p.id]
        # A term the passage writes out in one sentence earns no partial credit in
        # another: "重点项目" is not half of "重大项目" when both are in the passage.
        if any(t in p.text for t in ev.parts):
            ev = replace(ev, parts={t: v for t, v in ev.parts.items() if t not in p.text})
        cov_ctx = self._cover(ev, self._tokens[row], p.context)
        numeric = q.wants_number or q.may_want_number
        figs_all = self._figures[p.id] if numeric else []
        out = []
        prev_tokens: frozenset[str] = frozenset()
        for s, e, sent_tokens in self._sentences[p.id]:
            sent = p.text[s:e]
            if p.kind == "table_row":  # a row says what it is with its table's title
                sent, sent_tokens = self._titled[p.id]
            cov_sent = self._cover(ev, sent_tokens, sent)
            # A report names its subject in one sentence and gives the figure in the
            # next ("…页岩气…。全年产气5.4亿立方米"): the previous sentence counts too.
            cov_win = self._cover(ev, sent_tokens | prev_tokens)
            prev_tokens = sent_tokens
            cov = max(cov_sent, 0.8 * cov_win, 0.6 * cov_sent + 0.4 * cov_ctx)
            # "那134个重点项目": the sentence with the question's own number is meant.
            named = 0.1 * any(n in sent for n in q.numbers)
            if not numeric:
                score = 0.7 * cov + 0.3 * hit.score + 0.1 * (q.period in self._periods[row])
                out.append(Candidate(hit, (s, e), score, cov, []))
                continue
            figs = [f for f in figs_all if p.start + s <= f.start and f.end <= p.start + e]
            scored = sorted((self._score_figure(q, ev, p, f, cov) for f in figs),
                            key=lambda sf: (-sf.score, -sf.own, sf.figure.start))
            if q.counters and scored:
                # "What growth rate is shown for X": X's figure in the unit asked comes
                # first, if it is about X as much as the best one (not another subject's).
                match = next((sf for sf in scored if self._unit_matches(sf.figure, q.counters)
                              and sf.relevance >= scored[0].relevance - 0.05), None)
                if match is not None and match is not scored[0]:
                    scored = [match] + [sf for sf in scored if sf is not match]
            if scored:
                top = scored[0]
                score = (0.4 * cov + 0.4 * top.relevance + 0.2 * hit.score
                         + 0.15 * top.period_ok + 0.1 * top.unit_ok + named - 0.15 * top.narrow)
                if q.period_explicit and not q.compare and not top.period_ok:
                    score -= 0.5  # a figure of another year is the worst answer
                if q.counters and not q.asks and not self._unit_matches(top.figure, q.counters):
                    score -= 0.1  # "how many workers" is not answered by 5个 platforms
            elif q.wants_number:  # a sentence without figures cannot answer "how many"
                score = 0.4 * cov + 0.2 * hit.score - 0.3
            else:
                # "What is the 2023 goal for rural 5G?" may be answered by words
                # (全覆盖): the sentence itself is the answer, as relevant as it covers.
                score = (0.4 * cov + 0.4 * cov_sent + 0.2 * hit.score
                         + 0.15 * (q.period in self._periods[row]) + named)
                # A label, a title or a byline ("地区生产总值 |", "表一:2022年全县生产总值",
                # "某县统计局") names the subject but states nothing about it.
                if len(_STATEMENT_NOISE.sub("", sent)) < self.settings.min_statement_chars:
                    score -= self.settings.fragment_penalty
            out.append(Candidate(hit, (s, e), score, cov, scored))
        return out

    def _score_figure(self, q: Query, ev: Evidence, p: Passage, f: Figure,
                      sentence_cov: float) -> ScoredFigure:
        """How well a figure answers: its label and clause against the question
        (the clause counts most; the rest of its sentence can name the subject)."""
        around, tokens = self._around[(p.id, f.start)]
        own = rel = self._cover(ev, tokens, around)
        rel = max(rel, 0.5 * rel + 0.5 * sentence_cov)
        period_ok = period_labels.answers(f.period, q.period)
        unit_ok = self._unit_matches(f, q.units)
        unit_bad = bool(q.units) and not unit_ok
        share = q.asks_share and self._is_share(p, f)  # "占比多少": a share answers it
        # "How much did the 127 newly started projects complete": the figure whose
        # clause holds the question's own number, not that number itself.
        named = any(n in around and n not in f.text for n in q.numbers)
        # What a figure counts is its label's head (11个老旧小区改造工程 counts 工程,
        # 改造老旧小区132个 counts 小区): a subject asked about that heads the label.
        head = any(f.label.endswith(t[-2:]) for t in ev.content if len(t) >= 3)
        # "How many are there in total": 累计达到114家, not 新增12家 beside it.
        added = q.asks_stock and bool(ADDED.search(around))
        # "How much is planned for 2023": the 年度计划投资 column, not 总投资 beside it.
        cell = _cell_of(p, f)
        column = cell is not None and any(t in cell.header for t in ev.asked)
        # "生产总值是多少": 全年实现生产总值4502.13亿元, not 人均地区生产总值121630元
        # (折合18083美元) beside it, whose clause names a narrower indicator that holds
        # the term asked.
        narrow = any(n in around for ns in ev.narrower.values() for n in ns)
        # "GDP增长了多少": not 工业增加值占GDP比重37.3%, a share *of* the subject asked.
        # It measures a part of the subject, like a narrower indicator.
        narrow = narrow or (not q.asks_share and self._share_of_asked(around, ev))
        # "比计划目标高多少": the gap the report states after 高于计划目标, not the result;
        # it speaks of its sentence's subject.
        gap = q.asks_gap and bool(VS_TARGET.search(f.label))
        # "注意不是存栏": a figure whose clause says what the question does not want.
        unwanted = any(t in around or t in f.label for t in ev.negated)
        # "符合3%左右的预期目标" asked as a target: the target a result is measured
        # against is the sentence subject's, like a stated gap.
        own_period = period_labels.parse(f.period)
        measured_against = (period_ok and own_period is not None and own_period.kind == "target"
                            and bool(VS_TARGET.search(around)))
        if gap or measured_against:
            rel = max(rel, sentence_cov)
        score = (rel + 0.3 * period_ok + 0.2 * unit_ok - 0.1 * unit_bad + 0.2 * share
                 + 0.2 * named + 0.1 * head - 0.2 * added + 0.1 * column - 0.15 * narrow
                 + (0.6 if gap else -0.6 if q.asks_gap else 0.0)
                 - self.settings.negated_penalty * unwanted)
        return ScoredFigure(f, score, rel, period_ok, unit_ok, own, narrow,
                            gap or measured_against)

    def _titled_row(self, p: Passage) -> tuple[str, frozenset[str]]:
        """A table row with its table's title (表3：2023年区级重点项目暂定安排)."""
        text = f"{table_title(p)} {p.text}"
        return text, frozenset(self.segment(text))

    def _around_text(self, p: Passage, f: Figure) -> tuple[str, frozenset[str]]:
        around = f"{f.label} {self._clause_of(p, f)}"
        return around, frozenset(self.segment(around))

    def _lead_cover(self, ev: Evidence, p: Passage, f: Figure) -> float:
        """How well a figure's clause, with the clauses before it back to the previous
        figure, covers the question ("…页岩气增产扩能，全年产气5.4亿立方米")."""
        lo, _ = clause(p.text, 0, len(p.text), [f], p.start)
        prev = [g for g in self._figures[p.id] if g.end - p.start <= lo]
        if prev and len(p.text[lo:f.start - p.start]) <= 3:  # "…5.4亿立方米，增长56.2%"
            lo, _ = clause(p.text, 0, len(p.text), [prev[-1]], p.start)
        before = [g.end - p.start for g in self._figures[p.id] if g.end - p.start <= lo]
        start = max(before, default=0)
        stop = max((s for s, _, _ in self._sentences[p.id] if s <= lo), default=0)
        around, _ = self._around[(p.id, f.start)]
        text = p.text[max(start, stop):lo] + " " + around
        return self._cover(ev, frozenset(self.segment(text)), text)

    @staticmethod
    def _share_of_asked(around: str, ev: Evidence) -> bool:
        """Whether a figure's clause is a share whose whole is a subject asked (占GDP比重)."""
        m = lang_data.pattern("share_of").search(around)
        if m is None:
            return False
        whole = m.group(1).lower()
        return any(t.lower() in whole for t in ev.content) or any(
            a.lower() in whole for forms in ev.alts.values() for a in forms)

    def _is_share(self, p: Passage, f: Figure) -> bool:
        """A share or proportion: its kind says so, or its clause does (占比, 比重)."""
        around, _ = self._around[(p.id, f.start)]
        return f.kind in ("share", "ratio") or any(w in around for w in ("占比", "比重", "占", "强度"))

    @staticmethod
    def _unit_matches(f: Figure, units: AbstractSet[str]) -> bool:
        return (f.unit in units or COUNTER_KINDS.get(f.unit) in units
                or ("count" in units and f.unit in COUNT_UNITS))

    @staticmethod
    def _clause_of(p: Passage, f: Figure) -> str:
        """The clause a figure sits in; for a table cell, its column header."""
        lo, hi = clause(p.text, 0, len(p.text), [f], p.start)
        if p.kind == "table_row" and p.cells:
            cell = _cell_of(p, f)
            label = row_label(p)
            return f"{label} {cell.header} {p.text[lo:hi]}" if cell else label
        return p.text[lo:hi]

    def _ask_evidence(self, q: Query, scope: tuple[str, ...] = ()
                      ) -> list[tuple[Evidence, frozenset[str], str | None]]:
        """Each separate question's terms, units, and the period it names, if it names
        one of its own ("去年…多少，今年…多少")."""
        out = []
        for text in q.asks:
            try:
                sub = analyse(text, q.frame)
            except ValueError:  # a fragment with no words of its own
                continue
            terms, scale, alts, _ = self._query_terms(replace(sub, lang=q.lang), scope=scope)
            ev = self._evidence(terms, sub.units, scale, alts, sub.text)
            out.append((ev, sub.units, sub.period if sub.period_explicit else None))
        return out

    def _chosen(self, q: Query, c: Candidate,
                asks: list[tuple[Evidence, frozenset[str], str | None]] = ()) -> list[ScoredFigure]:
        """The best figure, the best one for each separate question asked, and those
        nearly as good (both halves of a comparison)."""
        if not c.scored:
            return []
        top = c.scored[0]
        keep = [top]
        p = c.hit.passage
        # Each separate question gets its own figure; those that name a unit choose first.
        taken: list[ScoredFigure] = []
        for ev, units, period in sorted(asks, key=lambda a: not a[1]):
            def fit(sf: ScoredFigure, ev: Evidence = ev, units: frozenset[str] = units) -> float:
                around, tokens = self._around[(p.id, sf.figure.start)]
                return ((self._cover(ev, tokens, around) if ev.content else 0.0)
                        + 0.3 * self._unit_matches(sf.figure, units) + 0.2 * sf.period_ok)
            # An ask that names its own period takes only a figure of that period.
            free = [sf for sf in c.scored if sf not in taken
                    and (period is None or period_labels.answers(sf.figure.period, period))]
            pick = max(free, key=fit, default=None)
            if pick is not None and fit(pick) >= 0.3:
                taken.append(pick)
        keep += [sf for sf in taken if sf not in keep]
        if q.compare and len(q.units) >= 2:
            # "有多少个，总投资多少": the best figure for each kind of number asked.
            for unit in sorted(q.units):
                match = next((sf for sf in c.scored if self._unit_matches(sf.figure, {unit})
                              and sf.relevance >= self.settings.min_figure_relevance), None)
                if match is not None and match not in keep:
                    keep.append(match)
        for sf in c.scored[1:]:
            close = sf.score >= top.score - (0.35 if q.compare else 0.12)
            if close and sf.relevance >= 0.5 and sf not in keep:
                keep.append(sf)
        return keep[: self.settings.max_figures]

    def _each_period(self, q: Query, c: Candidate, chosen: list[ScoredFigure]) -> list[ScoredFigure]:
        """A comparison of periods answered by one sentence or row (计划任务 and 完成情况
        cells): the best relevant figure of each period it names, the best first."""
        have = {sf.figure.period for sf in chosen}
        extra = []
        for period in sorted(q.periods - have):
            sf = next((x for x in c.scored if period_labels.answers(x.figure.period, period)
                       and x.relevance >= self.settings.min_figure_relevance), None)
            if sf is not None:
                extra.append(sf)
        if not extra:
            return chosen
        return (chosen[:1] + extra + chosen[1:])[: max(self.settings.max_figures, 1 + len(extra))]

    def _second(self, q: Query, best: Candidate, cands: list[Candidate],
                need: tuple[str, ...] = ()) -> Candidate | None:
        """For a comparison: the best sentence elsewhere with a figure of another period
        the question names (a 2022 question never borrows a 2023 target), that figure first."""
        if not best.scored:
            return None
        first = best.scored[0].figure
        frame = q.frame or Frame.of(None, None)
        known = {period_labels.label(frame.result, "result"), period_labels.label(frame.result, "target"),
                 period_labels.label(frame.target, "target")}
        allowed = {p for p in known if not q.years or period_labels.year_of(p) in q.years}
        wanted = (q.periods if len(q.periods) >= 2 else allowed) - {first.period}

        def fits(sf: ScoredFigure) -> bool:
            if sf.figure.period in wanted:
                return sf.relevance >= self.settings.min_figure_relevance
            # One period, two subjects ("工业 or the economy as a whole: which grew
            # faster"): the same kind of figure about something else.
            # Each side holds about half the question's words: the usual floor applies.
            return (len(q.periods) < 2 and sf.figure.period == first.period
                    and sf.figure.unit == first.unit and sf.figure.label != first.label
                    and sf.relevance >= self.settings.min_figure_relevance)

        def names_needed(c: Candidate) -> bool:
            return not need or any(t in c.hit.passage.text[c.span[0]:c.span[1]] for t in need)

        options = [
            (c, sf) for c in cands
            if (c.hit.passage.id, c.span) != (best.hit.passage.id, best.span) and names_needed(c)
            for sf in c.scored[:3] if fits(sf)
        ]
        if not options:
            return None
        # The two sides of a comparison are measured alike (1530个 against 1770个,
        # not against 新增公办幼儿园6所 in the same sentence).
        c, sf = max(options, key=lambda o: o[0].score + o[1].score
                    + 0.2 * (o[1].figure.unit == first.unit))
        return replace(c, scored=[sf] + [x for x in c.scored if x is not sf])

    def _extract(self, p: Passage) -> list[Figure]:
        if p.kind == "table_row" and p.cells:
            figures = table_row_figures(p, self.glossary)
        else:
            figures = extract_figures(p.text, p.start, p.period, glossary=self.glossary)
        return [f if f.label_en or not f.label else replace(f, label_en=self._label_en(f.label))
                for f in figures]

    def _label_en(self, label: str) -> str:
        """English for a label the glossary cannot name, word by word from the term
        base (全民疫苗接种 → "entire population vaccine vaccinate"); "" unless its
        words cover most of the label: a half-English label reads worse than Chinese."""
        parts = [x for x in label.split("·") if x]
        out = []
        for part in parts:
            words, covered = [], 0
            for w in self.segment(part):
                en = self.glossary.label_en(w) or self.termbase.en_of(w)
                if en:
                    words.append(en)
                    covered += len(w)
            if not words or covered < self.settings.label_cover * len(part):
                return ""
            out.append(" ".join(dict.fromkeys(words)))
        return ", ".join(out)

    def absent_terms(self, content: list[str], whole: bool = False,
                     corpus: str | None = None) -> list[str]:
        """Question terms the report never uses, not even as their parts
        (房价, 常住人口, 区长): the question is about something it does not cover.
        `whole`: parts do not count. An English question's terms come from the
        glossary, whose terms are all in the report except those listed as absent
        (人均地区生产总值 for "per-capita GDP"): such a term is absent as a whole."""
        text = self._corpus_text if corpus is None else corpus

        def absent(t: str) -> bool:
            if len(t) < 2 or t.lower() in text or t.isdigit():
                return False
            if whole:
                return True
            # Its parts are ordinary words (城镇, 居民): any report of the library may
            # say them, so they are looked for in all of it; the term itself in the
            # reports asked about.
            parts = self.segment.subwords(t)
            return not parts or not all(w in self._corpus_text for w in parts)
        return [t for t in content if absent(t)]

    def _partly_said(self, term: str, sentence: str) -> bool:
        """Whether the answering sentence says the first word of a term an English
        question was carried to (金融 of 金融机构, 存贷款 of 存贷款规模): the term base's
        Chinese for an English phrase is one way to say it, not the report's, and its
        head is what reports word differently. The first word is what tells the term
        from a broader one (人均 of 人均地区生产总值): without it, it is not said."""
        parts = [w for w in self.segment.subwords(term) if w != term]
        first = parts[0] if parts else ""
        return (len(first) >= 2 and term.startswith(first) and first not in GENERIC_HEADS
                and first in sentence)

    def _names(self, q: Query, terms: list[str]) -> str:
        """Terms as the asker reads them: Chinese, or English where the glossary knows."""
        if q.lang == "zh":
            return "、".join(terms)
        return ", ".join(f"{self.glossary.label_en(t)} ({t})" if self.glossary.label_en(t) else t
                         for t in terms)

    def _abstain_reason(self, q: Query, ev: Evidence, best: Candidate | None,
                        corpus: str | None = None) -> str | None:
        content = ev.content
        if q.out_of_scope_year is not None:
            return f"year {q.out_of_scope_year}"
        frame = q.frame
        if frame is not None and frame.target > frame.result and \
                q.period == period_labels.label(frame.target, "result"):
            return f"plan {frame.target}"  # written for its plan year: targets only
        # "Qijiang District": a place the glossary does not know is not one the report
        # covers (known places, such as Luzhou, are checked against the answer below).
        unknown = [name for name in q.places if not self.glossary.match_spans(name)[0]]
        if unknown:
            return "place " + ", ".join(unknown)
        named = {name: [zh for zh, _ in self.glossary.match_spans(name)[0]] for name in q.places}
        if not content:
            return "no terms"
        # An English word's one-word guess (ageing → 老龄化) is no proof of absence;
        # only terms the question surely means (phrases, names, indicators) are.
        missing = [t for t in self.absent_terms(content, whole=q.lang == "en", corpus=corpus)
                   if ev.scale.get(t, 1.0) >= 1.0
                   and all(self.absent_terms([f], whole=True, corpus=corpus) for f in ev.forms(t))]
        if missing and best is not None:  # unless said in other words
            s, e = best.span
            sentence = best.hit.passage.text[s:e]
            tokens = next(t for a, b, t in self._sentences[best.hit.passage.id] if (a, b) == best.span)
            # 粮食产量 in 粮食总产量, 城乡居民 in 城乡常住居民: every word of the term in
            # the sentence that answers; a short word's characters (成交额 ~ 交易金额).
            missing = [t for t in missing
                       if not said_otherwise(t, self.segment.subwords(t), sentence)
                       and not (q.lang == "zh" and shares_characters(t, sentence, tokens))
                       and not (q.lang == "en" and self._partly_said(t, sentence))]
        if missing:
            return "absent " + self._names(q, missing)
        if best is None or best.coverage < self.settings.min_coverage[q.lang]:
            return "low coverage"
        # Half the words is not enough when an indicator the question names (GDP in
        # "services' share of GDP") is nowhere in the passage or its heading.
        if best.coverage < self.settings.anchor_coverage:
            text = best.hit.passage.indexed_text().lower()
            if any(self.glossary.kind_of(t) == "indicator" and not ev.written_in(t, text)
                   for t in content):
                return "low coverage"
        if q.asks_person and not PERSON_MARKERS.search(best.hit.passage.text[slice(*best.span)]):
            return "no person"  # plans name tasks and units, rarely people
        # "Luzhou's foreign trade": a place the question is about must be in the
        # passage that answers it, or the figure is some other place's.
        places = [t for t in content if self.glossary.kind_of(t) == "place"]
        p = best.hit.passage
        # For a figure, the place must be in its own sentence, not elsewhere in the passage.
        where = p.text[best.span[0]:best.span[1]] if q.wants_number else p.text
        elsewhere = [t for t in places if not _written_in(t, where)]
        elsewhere += [zh[0] for zh in named.values() if not any(_written_in(z, where) for z in zh)]
        if elsewhere:
            return "place " + self._names(q, elsewhere)
        if q.wants_number:
            if not best.scored:
                return "no figure"
            top = best.scored[0]
            if top.relevance < self.settings.min_figure_relevance:
                return "no figure"
            floor = self.settings.min_clause_relevance
            # A stated gap to the target ("、高于计划目标0.7个百分点") speaks of its sentence's
            # subject, not of its own clause's words.
            if top.own < floor and self._lead_cover(ev, p, top.figure) < floor \
                    and not top.of_sentence:
                return "no figure"  # the sentence is on topic, the figure's clause is not
            if q.period_explicit and not q.compare and not top.period_ok:
                return f"period {q.period}"
            if q.asks_share and not self._is_share(best.hit.passage, top.figure):
                return "no figure"
            if (q.counters and not q.asks and top.figure.unit
                    and not self._unit_matches(top.figure, q.counters)):
                return "no figure"  # 几所高校 is not answered by 2.8万人
            if (HOW_MANY_EN.search(q.text) and not q.asks and not q.compare
                    and top.figure.unit == "%" and "%" not in q.units):
                return "no figure"  # "How many hogs" is not answered by 增长4%
            if q.asks_stock and ADDED.search(self._around[(p.id, top.figure.start)][0]):
                return "no figure"  # "一共有多少家金融机构" is not "新增金融机构3家"
        return None

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


# Where a sentence's clauses end.
_CLAUSE_END = re.compile(r"[，,；;：:]")

# "How many <things>": a count, never a percentage.
HOW_MANY_EN = re.compile(r"\bhow many\b(?! per ?cent| percentage)", re.I)

# Words that ask for a target: no help in finding a result.
TARGET_WORDS = frozenset({"目标", "预期", "预期目标", "力争"})

# Words that mark a figure as the year's additions rather than a total.
ADDED = re.compile(r"新增|新建|新引进|新认定|新开|新培育|新创建")

# Words that come with a person's name in Chinese official texts: titles, and the
# head of each level of place (区长, 县长, 州长 … from reportqa/lang/place_levels.tsv).
PERSON_MARKERS = re.compile("|".join(
    [lang_data.pattern("person_titles").pattern]
    + sorted({lv.suffix[-1] + "长" for lv in lang_data.levels()})))


def _cell_of(p: Passage, f: Figure) -> TableCell | None:
    """The table cell a figure sits in, if any."""
    return next((c for c in p.cells if c.start <= f.start < c.end), None)


def _same_head(a: str, b: str) -> bool:
    """Two terms of one kind: 合同引资 and 协议引资, 华贸中心 and 华茂中心."""
    return a != b and min(len(a), len(b)) >= 3 and a[-2:] == b[-2:]


def _written_in(name: str, text: str) -> bool:
    """`name` is in `text`, whole or spelled out (海峡两岸合作区 in 海峡两岸产业合作区)."""
    if name in text:
        return True
    it = iter(text)
    return len(name) >= 4 and all(ch in it for ch in name)


def subject_terms(terms: list[str], units: AbstractSet[str] = frozenset()) -> list[str]:
    """What a question is about: not its intent words (目标, 多少), numbers, or the
    units it asks in (多少吨, "how many tonnes": how the answer is measured)."""
    return [t for t in terms if t not in INTENT_TERMS and t not in units and not is_number(t)]


_STATEMENT_NOISE = re.compile(r"[\s|｜:：，,。.；;、]")


def _route_years(q: Query) -> tuple[int, ...]:
    """The years that choose the reports: the question's, and those of a report it
    names ("2023年政府工作报告")."""
    return tuple(sorted(set(explicit_years(q.text)) | set(q.report_years)))
