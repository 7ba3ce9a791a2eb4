"""The assistant: retrieve, pick the answering sentence, state its figures, or abstain.

    from qa import Assistant
    a = Assistant.load()            # model and index load once, here
    a.ask("2022年粮食产量是多少？").to_dict()
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.tables import cell_period
from index.embed import Embedder
from index.segment import Segmenter
from index.store import IndexBundle, load_index
from qa.compose import abstention, compose
from qa.evidence import TermWeights, coverage, sentence_spans
from qa.figures import extract_figures, table_row_figures
from qa.glossary import Glossary, default_glossary
from qa.query import Query, analyse
from qa.retrieve import BM25Retriever, DenseRetriever, dense_normalise, normalise
from reportqa.paths import default_index_dir, default_model
from reportqa.types import Answer, Citation, Figure, Hit, Passage


@dataclass(frozen=True)
class Settings:
    """Retrieval and answering knobs, chosen on eval/gold/tune.jsonl (see README)."""

    # Hybrid score = bm25 * w_bm25 + dense * w_dense (both normalised to [0, 1]).
    w_bm25: dict[str, float] = field(default_factory=lambda: {"zh": 0.7, "en": 0.5})
    w_dense: dict[str, float] = field(default_factory=lambda: {"zh": 0.3, "en": 0.5})
    period_bonus: float = 0.15  # passage (or a table cell) of the period asked about
    number_bonus: float = 0.2  # a number in the question appears in the passage
    candidates: int = 8  # passages whose sentences compete for the answer
    min_coverage: float = 0.5  # weighted share of question terms the answer must hold
    max_figures: int = 3


@dataclass
class Candidate:
    """One sentence of one retrieved passage, scored as the answer."""

    hit: Hit
    rank: int
    span: tuple[int, int]  # relative to the passage text
    score: float
    coverage: float
    figures: list[Figure]


class Assistant:
    def __init__(self, bundle: IndexBundle, embedder: Embedder, segmenter: Segmenter,
                 glossary: Glossary, settings: Settings | None = None) -> None:
        self.bundle = bundle
        self.embedder = embedder
        self.segment = segmenter
        self.glossary = glossary
        self.settings = settings or Settings()
        self.bm25 = BM25Retriever(bundle, segmenter)
        self.dense = DenseRetriever(bundle, embedder)
        self._tokens = [set(segmenter(p.indexed_text())) for p in bundle.passages]
        self._text_tokens = [set(segmenter(p.text)) for p in bundle.passages]
        self.weights = TermWeights(self._tokens)
        self._periods = [self._passage_periods(p) for p in bundle.passages]
        self._row = {p.id: i for i, p in enumerate(bundle.passages)}

    @classmethod
    def load(cls, index_dir: str | Path | None = None, model: str | None = None,
             settings: Settings | None = None) -> Assistant:
        """Load the index and its model once; `model` defaults to the index's own."""
        path = Path(index_dir) if index_dir is not None else default_index_dir()
        bundle = load_index(path, model=model)
        embedder = Embedder(model or bundle.model or default_model()).warm_up()
        if embedder.dim != bundle.manifest["dim"]:
            load_index(path, dim=embedder.dim)  # raises the one-line mismatch error
        return cls(bundle, embedder, Segmenter(), default_glossary(), settings)

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

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        """Ranked passages (hybrid score), no answer."""
        q = analyse(query)
        _check_top_k(top_k)
        scores = self._scores(q, self.encode_query(q.text), self._query_terms(q))
        order = np.argsort(-scores, kind="stable")[:top_k]
        return [Hit(self.bundle.passages[int(i)], float(scores[i]), "hybrid") for i in order]

    def ask(self, question: str, top_k: int = 5, id: str | None = None) -> Answer:
        t0 = time.perf_counter()
        _check_top_k(top_k)
        q = analyse(question)
        t_embed = time.perf_counter()
        qvec = self.encode_query(q.text)
        t_retrieve = time.perf_counter()
        terms = self._query_terms(q)
        scores = self._scores(q, qvec, terms)
        n_cand = max(top_k, self.settings.candidates)
        order = np.argsort(-scores, kind="stable")[:n_cand]
        hits = [Hit(self.bundle.passages[int(i)], float(scores[i]), "hybrid") for i in order]
        t_answer = time.perf_counter()
        answer = self._answer(q, terms, hits, top_k)
        answer.id = id
        t1 = time.perf_counter()
        answer.timing_ms = {
            "total": (t1 - t0) * 1e3, "embed": (t_retrieve - t_embed) * 1e3,
            "retrieve": (t_answer - t_retrieve) * 1e3, "answer": (t1 - t_answer) * 1e3,
        }
        return answer

    # -------------------------------------------------------------- retrieval

    def _query_terms(self, q: Query) -> list[str]:
        """Chinese retrieval tokens: the question's own, or its glossary terms."""
        if q.lang == "zh":
            toks = self.segment(q.text)
        else:
            toks = [t for term in self.glossary.to_zh_terms(q.text) for t in self.segment(term)]
            toks += [n for n in q.numbers]
        years = {str(y) for y in q.years}
        return [t for t in dict.fromkeys(toks) if t not in years]

    def _scores(self, q: Query, qvec: np.ndarray, terms: list[str]) -> np.ndarray:
        s = self.settings
        bm = normalise(self.bm25.scores_for_tokens(terms))
        dense = dense_normalise(self.dense.scores_for_vector(qvec))
        scores = s.w_bm25[q.lang] * bm + s.w_dense[q.lang] * dense
        scores += s.period_bonus * np.array([q.period in ps for ps in self._periods])
        if q.numbers:
            has = np.array([any(n in p.text for n in q.numbers) for p in self.bundle.passages])
            scores += s.number_bonus * has
        return scores

    @staticmethod
    def _passage_periods(p: Passage) -> set[str]:
        periods = {p.period}
        periods.update(cell_period(c.header, p.period) for c in p.cells)
        return periods

    # -------------------------------------------------------------- answering

    def _answer(self, q: Query, terms: list[str], hits: list[Hit], top_k: int) -> Answer:
        cands = [c for rank, h in enumerate(hits) for c in self._candidates(q, terms, h, rank)]
        best = max(cands, key=lambda c: c.score, default=None)
        cited = self._citations(hits[:top_k], best, cands)
        reason = self._abstain_reason(q, terms, best)
        if reason is not None or best is None:
            return abstention(q, reason or "no passage", cited)
        figures = [
            Figure(**{**f.to_dict(), "citation": 0}) for f in best.figures[: self.settings.max_figures]
        ]
        figures = [f for f in figures if self._faithful(f, cited[0])]
        return compose(q, best.hit.passage, best.span, figures, cited)

    def _candidates(self, q: Query, terms: list[str], hit: Hit, rank: int) -> list[Candidate]:
        p = hit.passage
        row = self._row[p.id]
        context_tokens = self._tokens[row]
        figs_all = self._figures(p)
        out = []
        for s, e in sentence_spans(p):
            sent = p.text[s:e]
            toks = set(self.segment(sent))
            cov_sent = coverage(terms, toks, self.weights, sent).score
            cov_ctx = coverage(terms, context_tokens, self.weights).score
            cov = max(cov_sent, 0.5 * cov_sent + 0.5 * cov_ctx)
            figs = [f for f in figs_all if p.start + s <= f.start and f.end <= p.start + e]
            figs = self._rank_figures(q, terms, figs)
            period_ok = any(f.period == q.period for f in figs) or q.period in self._periods[row]
            score = cov + 0.5 * hit.score + 0.2 * period_ok + (0.1 if figs else 0.0)
            out.append(Candidate(hit, rank, (s, e), score, cov, figs))
        return out

    def _figures(self, p: Passage) -> list[Figure]:
        if p.kind == "table_row" and p.cells:
            return table_row_figures(p, self.glossary)
        return extract_figures(p.text, p.start, p.period, glossary=self.glossary)

    def _rank_figures(self, q: Query, terms: list[str], figs: list[Figure]) -> list[Figure]:
        """Figures whose label matches the question first, then of its period."""
        def key(f: Figure) -> tuple[float, int]:
            label_tokens = set(self.segment(f.label))
            cov = coverage(terms, label_tokens, self.weights, f.label).score
            return (-(cov + 0.5 * (f.period == q.period)), f.start)
        return sorted(figs, key=key)

    def _abstain_reason(self, q: Query, terms: list[str], best: Candidate | None) -> str | None:
        if q.out_of_scope_year is not None:
            return f"year {q.out_of_scope_year}"
        if not terms:
            return "no terms"
        if best is None or best.coverage < self.settings.min_coverage:
            return "low coverage"
        return None

    def _citations(self, hits: list[Hit], best: Candidate | None,
                   cands: list[Candidate]) -> list[Citation]:
        """The answering passage first (quote: its sentence), then the others."""
        order = list(hits)
        if best is not None:
            order = [best.hit] + [h for h in hits if h.passage.id != best.hit.passage.id]
            order = order[: len(hits)]
        by_passage: dict[str, Candidate] = {}
        for c in cands:
            cur = by_passage.get(c.hit.passage.id)
            if cur is None or c.score > cur.score:
                by_passage[c.hit.passage.id] = c
        if best is not None:
            by_passage[best.hit.passage.id] = best
        out = []
        for h in order:
            p = h.passage
            c = by_passage.get(p.id)
            qs, qe = c.span if c else (0, len(p.text))
            out.append(Citation(
                doc_id=p.doc_id, section=p.section, text=p.text, start=p.start, end=p.end,
                quote_start=qs, quote_end=qe, score=round(h.score, 4), passage_id=p.id,
                period=p.period,
            ))
        return out

    def _faithful(self, f: Figure, c: Citation) -> bool:
        """A figure is stated only if it sits verbatim inside its citation."""
        doc = self.bundle.documents[c.doc_id].text
        return c.start <= f.start < f.end <= c.end and doc[f.start:f.end] == f.text


def _check_top_k(top_k: object) -> None:
    if not isinstance(top_k, int) or isinstance(top_k, bool) or not 1 <= top_k <= 50:
        raise ValueError(f"top_k must be an integer from 1 to 50, got {top_k!r}")
