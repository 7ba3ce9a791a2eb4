"""The question's terms in the reports' words: what retrieval looks for and what
an answering passage must hold.

A Chinese question's terms are its own words (jieba with the index's lexicon),
plus the genre's other spellings of an indicator it names that the reports
asked about write instead (地区生产总值 → 生产总值). An English question is carried
into Chinese by the genre's indicator terms, the Yongchuan override where the
index has it, and the index's term base (index.termbase: CC-CEDICT glosses of
the corpus's own words): a phrase's Chinese weighs fully, a one-word guess half
("land" → 土地), and a place is never guessed from a common word. `QuestionTerms`
is that stage of `qa.assistant.Assistant` (a mixin over its glossary, term base,
segmenter and index).
"""

from __future__ import annotations

import re
from dataclasses import replace

from corpus.profile import is_place_name
from index import termbase as tb
from qa.glossary import indicator_spellings
from qa.query import Query
from qa.select import Evidence, subject_terms
from reportqa import lang as lang_data


COMPARATIVE_CUE = lang_data.pattern("comparative_cue_en")


class QuestionTerms:
    """The term stage of `qa.assistant.Assistant`."""

    def _negated_terms(self, q: Query, ev: Evidence, scope: tuple[str, ...]) -> tuple[str, ...]:
        """The report's words for what the question does not want (存栏; "deposits" →
        存款), less any the question asks for too."""
        text = " ".join(q.negated)
        terms = subject_terms(self._query_terms(replace(q, text=text), text, scope)[0])
        asked = "".join(ev.forms(t)[0] + "".join(ev.forms(t)[1:]) for t in ev.content)
        return tuple(t for t in terms if len(t) >= 2 and t not in asked)

    def _query_terms(self, q: Query, text: str | None = None, scope: tuple[str, ...] = (),
                     placed: bool = False
                     ) -> tuple[list[str], dict[str, float], dict[str, tuple[str, ...]],
                                dict[str, float]]:
        """Chinese retrieval tokens (the question's own, or its glossary terms), how
        sure we are an English question means each one, the other words one English
        phrase may mean by a term, and the BM25 weights of the term base's guesses.

        A Chinese term that one English word stood for is a guess ("go up" → 占比,
        "land" → 土地) unless it names an indicator, place or organisation: such
        guesses weigh half and never prove absence. Phrases and names weigh fully.
        Terms of one phrase with one head (合同引资, 协议引资 for "contracted
        investment") are one subject said two ways: either one covers it. `placed`:
        the question names the place of the reports in `scope`.
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
            cue = COMPARATIVE_CUE.search(text)
            if cue:  # "which had the higher …": which one, not what
                text = text[:cue.start("cue")] + text[cue.end("cue"):]
            groups = self._english_groups(text, corpus, scope, placed)
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
            # The genre's other spellings of an indicator the English was carried to
            # (地区生产总值 → 生产总值, GDP), as for a Chinese question.
            for tok, others in self._indicator_spellings(toks, corpus).items():
                alts[tok] = tuple(dict.fromkeys(alts.get(tok, ()) + others))
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
            if any(tok in v for v in out.values()):
                continue
            written = tok.lower() in corpus and not tok.isascii()
            # …and a term the reports write is its Latin abbreviation too, where they
            # write that (民营经济占GDP的比重 in a report that says 地区生产总值).
            others = tuple(f for f in spellings.get(tok.lower(), ())
                           if f.lower() != tok.lower() and f.lower() in corpus
                           and (not written or f.isascii()))
            if others:
                out[tok] = others
        return out

    def _english_groups(self, text: str, corpus: str, scope: tuple[str, ...] = (),
                        placed: bool = False) -> list[tuple[list[str], int, float]]:
        """An English question's phrases as Chinese terms, with how many words each
        stood for and, for the term base's, how sure it is (0: the glossary's).

        The glossary's come first (a report's override, the genre's terms); the words
        it does not know get the term base's words for them. A genre term the reports
        asked about never write (粮食产量 where they write 粮食总产量) gives way to the
        term base's words for the same English, when those cover all of it and one
        sentence of those reports says them together; else it stays, and its absence
        is the answer ("resident population": 居民 and 人口 said apart are not it).
        A report's own phrase (an override's) whose Chinese the reports of a place
        asked about (`placed`) do not write is read word by word instead."""
        out: list[tuple[list[str], int, float]] = []
        run: list[str] = []
        glossed = bool(scope) and set(scope) <= self._glossed
        latin = _abbreviations(text, corpus)
        for seg in self._segments(text, corpus) + [None]:
            if seg is not None and not seg.zh:
                run.append(seg.words[0])
                continue
            if run and not glossed:
                out += self._termbase_groups(run, corpus, latin)[0]
            run = []
            if seg is None:
                break
            if not any(z.lower() in corpus for z in seg.zh) and not glossed:
                found, missed = self._termbase_groups(list(seg.words), corpus)
                if found and not missed and self._said_together_any([z for z, _, _ in found], scope):
                    out += found
                    continue
                if placed and self.glossary.is_own(seg):
                    # Another report's own phrase ("faster than" → 快于 of the Yongchuan
                    # override) is no proof that the reports of the place asked about lack
                    # what is asked: its words are read like any others, the genre's
                    # phrases among them first ("balance of deposits and loans": 存款余额,
                    # 贷款余额). (A question that names no place keeps it: it tells that
                    # report from the others.)
                    for sub in self.glossary.segments(" ".join(seg.words), reorder=False,
                                                      genre_only=True):
                        if not sub.zh:
                            run.append(sub.words[0])
                            continue
                        if run:
                            out += self._termbase_groups(run, corpus, latin)[0]
                            run = []
                        out.append((list(sub.zh), len(sub.words), 0.0))
                    continue
            out.append((list(seg.zh), len(seg.words), 0.0))
        return self._in_context(out)

    def _segments(self, text: str, corpus: str) -> list:
        """The glossary's segments of an English question; a phrase found in another
        order of its words counts only where the reports write it: else its words are
        read in their own order ("the share of tax" after "budget revenue and" is no
        税收占一般公共预算收入比重 a report lacks, to be absent)."""
        out = []
        for seg in self.glossary.segments(text):
            if seg.reordered and not any(z.lower() in corpus for z in seg.zh):
                out += self.glossary.segments(" ".join(seg.words), reorder=False)
            else:
                out.append(seg)
        return out

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

    def _termbase_groups(self, words: list[str], corpus: str,
                         latin: frozenset[str] = frozenset()
                         ) -> tuple[list[tuple[list[str], int, float]], list[str]]:
        """The term base's Chinese words for a run of English words (the ones the
        reports in `corpus` write, where any of them does), how sure each is, and
        the content words it has nothing for. A phrase is sure; one word is a guess,
        and a verb's guess ("launched" → 启动) says how more than what: it weighs less.
        An abbreviation the reports write as the question does (`latin`: PPP, 5G) is
        itself the term, surely."""
        s = self.settings
        stems = [tb.stem(w) for w in words]
        found, unmatched = self.termbase.match(stems, skip=self._en_skip)
        out = [([words[i]], 1, 1.0) for i in unmatched if words[i] in latin]
        unmatched = [i for i in unmatched if words[i] not in latin]
        for terms, _, n in found:
            zhs = [t.zh for t in terms]
            here = [z for z in zhs if z in corpus] or zhs
            verb = all(t.verbal for t in terms)
            sure = 1.0 if n >= 2 else s.termbase_verb if verb else s.termbase_word
            out.append((here, n, sure))
        return out, [words[i] for i in unmatched if not words[i].isdigit()]

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


def _abbreviations(text: str, corpus: str) -> frozenset[str]:
    """The question's abbreviations (PPP, 5G, CPI: capitals, or a digit with letters)
    that the reports write (`corpus`, lower case) as a word of their own, lower-cased
    as the index's tokens are."""
    out = set()
    for w in _ABBREVIATION.findall(text):
        low = w.lower()
        if re.search(rf"(?<![a-z0-9]){re.escape(low)}(?![a-z0-9])", corpus):
            out.add(low)
    return frozenset(out)


_ABBREVIATION = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{2,}|\d+[A-Za-z]+|[A-Za-z]+\d+)(?![A-Za-z0-9])")


def _same_head(a: str, b: str) -> bool:
    """Two terms of one kind: 合同引资 and 协议引资, 华贸中心 and 华茂中心."""
    return a != b and min(len(a), len(b)) >= 3 and a[-2:] == b[-2:]
