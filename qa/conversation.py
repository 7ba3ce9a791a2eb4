"""Conversations: a follow-up read as the whole question it stands for.

"那2023年呢？" after "2022年永川区地区生产总值增长了多少？" asks about 2023 what the
last question asked about 2022; "城镇的呢？" after a rural-income question swaps
农村 for 城镇; "What about Wuhu?" asks the same of another place. The service is
stateless: the client sends the earlier questions (and, when it has them, the
questions as they were understood), and each follow-up is rewritten against the
one before it.

A question is read into slots: the places it names (the router's mentions), its
years, the period kind it asks (target, result), its measure (growth, total),
and its subject — the longest run of words left when those and the words of
asking are taken out. A follow-up keeps the slots it fills and takes the others
from the question before. Which words play which part is data
(`reportqa/lang/followups.tsv`), and so is how a rewritten question is written
out (`followup_forms.tsv`); nothing here knows a report or a language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from qa.query import detect_lang, validate_question
from reportqa import lang

Spans = Callable[[str], list[tuple[int, int]]]  # the places a text names, as spans

MAX_HISTORY = 20  # earlier turns a request may carry
_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*|[^\sA-Za-z0-9]")
_EN_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class Words:
    """The patterns of followups.tsv for one language, by role."""

    roles: dict[str, re.Pattern[str]]
    contrasts: tuple[tuple[str, ...], ...]
    shifts: tuple[tuple[re.Pattern[str], int], ...]  # relative year word → offset

    def find(self, role: str, text: str) -> list[tuple[int, int]]:
        pat = self.roles.get(role)
        return [m.span() for m in pat.finditer(text) if m.end() > m.start()] if pat else []


@cache
def words(language: str) -> Words:
    by_role: dict[str, list[str]] = {}
    contrasts: list[tuple[str, ...]] = []
    shifts: list[tuple[re.Pattern[str], int]] = []
    flags = re.I if language == "en" else 0
    for r in lang.rows("followups.tsv"):
        if r["lang"] != language:
            continue
        if r["role"] == "contrast":
            contrasts.append(tuple(r["pattern"].split("|")))
        elif r["role"] == "shift":
            shifts.append((re.compile(rf"^(?:in |for |of )?(?:{r['pattern']})$", flags),
                           int(r["value"])))
        else:
            by_role.setdefault(r["role"], []).append(r["pattern"])
    roles = {}
    for role, pats in by_role.items():
        body = "|".join(f"(?:{p})" for p in pats)
        if language == "en" and role not in ("lead", "tail"):
            body = rf"(?<![\w-])(?:{body})(?![\w-])"
        roles[role] = re.compile(body, flags)
    return Words(roles, tuple(contrasts), tuple(shifts))


@dataclass(frozen=True)
class Forms:
    """How a rewritten question is written out in one language (followup_forms.tsv)."""

    forms: dict[str, str]
    tidy: tuple[tuple[re.Pattern[str], str], ...]

    def get(self, name: str) -> str:
        return self.forms.get(name, "")

    def fill(self, name: str, **slots: str) -> str:
        """The form `name` with its slots put in; a [bracketed] part that holds an
        empty slot is left out."""
        def part(m: re.Match[str]) -> str:
            inner = m.group(1)
            needed = re.findall(r"\{(\w+)\}", inner)
            return inner if all(slots.get(k) for k in needed) else ""
        return re.sub(r"\[([^\]]*)\]", part, self.get(name)).format_map(slots)


@cache
def forms(language: str) -> Forms:
    named: dict[str, str] = {}
    tidy: list[tuple[re.Pattern[str], str]] = []
    for r in lang.rows("followup_forms.tsv"):
        if r["lang"] != language:
            continue
        if r["name"] == "tidy":
            pattern, _, replacement = r["form"].partition(" =>")
            replacement = replacement[1:] if replacement.startswith(" ") else replacement
            tidy.append((re.compile(pattern), replacement))
        else:
            named[r["name"]] = r["form"]
    return Forms(named, tuple(tidy))


@dataclass(frozen=True)
class Slots:
    """What a question is about, as spans of its own text."""

    text: str
    lang: str
    places: tuple[tuple[int, int], ...]
    years: tuple[tuple[int, int], ...]
    kinds: tuple[tuple[int, int, str], ...]  # (start, end, "target" | "result")
    measures: tuple[tuple[int, int], ...]
    modifiers: tuple[tuple[int, int], ...]
    pronouns: tuple[tuple[int, int], ...]
    subject: tuple[int, int] | None
    core: tuple[int, int]  # the text without the lead-in and tail words (那…呢, "And …?")

    def part(self, span: tuple[int, int] | None) -> str:
        return self.text[span[0]:span[1]] if span else ""

    @property
    def place_text(self) -> str:
        """The first place named, without an English possessive."""
        return re.sub(r"['’]s$", "", self.part(self.places[0])) if self.places else ""

    @property
    def only_modifier(self) -> bool:
        """Whether the subject is nothing but a modifier ("人均呢？", "Per capita?")."""
        return self.subject is not None and any(
            s <= self.subject[0] and self.subject[1] <= e for s, e in self.modifiers)

    @property
    def year_text(self) -> str:
        return self.part(self.years[0]) if self.years else ""

    @property
    def subject_text(self) -> str:
        return self.part(self.subject)

    @property
    def kind(self) -> str | None:
        return self.kinds[0][2] if self.kinds else None


def _outside(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return all(span[1] <= s or span[0] >= e for s, e in taken)


def _claim(found: list[tuple[int, int]], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of `found` that overlap nothing taken yet, now taken too."""
    out = [sp for sp in found if _outside(sp, taken)]
    taken.extend(out)
    return out


def read(text: str, places: Spans) -> Slots:
    """The slots of `text`."""
    language = detect_lang(text)
    w = words(language)
    text = text.strip()
    lead = w.roles["lead"].match(text) if "lead" in w.roles else None
    core_start = lead.end() if lead else 0
    tail = w.roles["tail"].search(text, core_start) if "tail" in w.roles else None
    core_end = tail.start() if tail and tail.start() >= core_start else len(text)
    taken: list[tuple[int, int]] = [(0, core_start), (core_end, len(text))]
    place_spans = _claim(sorted(_with_level(text, sp) for sp in places(text)), taken)
    year_spans = _claim(w.find("year", text), taken)
    kinds = [(s, e, "target") for s, e in _claim(w.find("target", text), taken)]
    kinds += [(s, e, "result") for s, e in _claim(w.find("result", text), taken)]
    measures = _claim(w.find("measure", text), taken)
    # A modifier (人均, per capita) stays inside the subject it qualifies.
    modifiers = [sp for sp in w.find("modifier", text) if _outside(sp, taken)]
    pronouns = _claim(w.find("pronoun", text), taken)
    _claim(w.find("asks", text), taken)
    subject = _subject(text, taken, w, language)
    return Slots(text, language, tuple(place_spans), tuple(sorted(year_spans)),
                 tuple(sorted(kinds)), tuple(measures), tuple(modifiers), tuple(pronouns),
                 subject, (core_start, max(core_start, core_end)))


def _with_level(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A place's span with the level word written after it (延边 + 州)."""
    s, e = span
    if e < len(text) and text[e] in _LEVEL_CHARS() and text[e - 1] not in _LEVEL_CHARS():
        return s, e + 1
    return s, e


@cache
def _LEVEL_CHARS() -> frozenset[str]:  # noqa: N802 - a constant read once from data
    return frozenset(lv.suffix for lv in lang.levels() if len(lv.suffix) == 1)


def _subject(text: str, taken: list[tuple[int, int]], w: Words,
             language: str) -> tuple[int, int] | None:
    """The longest run of words nothing else claimed (link words may sit inside it)."""
    free = [True] * len(text)
    for s, e in taken:
        for i in range(s, min(e, len(text))):
            free[i] = False
    link = w.roles.get("link")
    if language == "en":
        tokens = [(m.start(), m.end()) for m in _EN_TOKEN.finditer(text)]
    else:
        tokens = [(i, i + 1) for i, ch in enumerate(text) if not ch.isspace()]
    runs: list[list[tuple[int, int, bool]]] = [[]]
    for s, e in tokens:
        if not all(free[s:e]):
            runs.append([])
            continue
        is_link = bool(link and link.fullmatch(text[s:e]))
        if language == "en" and not text[s:e][0].isalnum():
            runs.append([])
            continue
        runs[-1].append((s, e, is_link))
    best: tuple[int, int] | None = None
    best_size = 0
    for run in runs:
        while run and run[0][2]:
            run = run[1:]
        while run and run[-1][2]:
            run = run[:-1]
        size = sum(e - s for s, e, is_link in run if not is_link) if run else 0
        if language == "en":
            size = sum(1 for *_, is_link in run if not is_link)
        if size > best_size:
            best, best_size = (run[0][0], run[-1][1]), size
    if best is None or (language == "zh" and best_size < 2):
        return None
    return best


def _replace(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end) replaced, applied from the end."""
    for s, e, new in sorted(edits, key=lambda x: x[0], reverse=True):
        text = text[:s] + new + text[e:]
    return text


def _contrast_swap(prev: Slots, new_subject: str, w: Words) -> str | None:
    """The previous subject with one word of a contrast group swapped for the
    follow-up's (城镇 for 农村), or None when the follow-up names no such word."""
    old = prev.subject_text
    for group in w.contrasts:
        asked = [m for m in group if re.search(m, new_subject, re.I)]
        if not asked:
            continue
        for m in group:
            if m in asked:
                continue
            hit = re.search(rf"\b{m}\b" if prev.lang == "en" else m, old, re.I)
            if hit:
                word = re.search(asked[0], new_subject, re.I)
                assert word is not None
                return old[:hit.start()] + word.group(0) + old[hit.end():]
    return None


def _year_form(f: Slots, prev: Slots) -> str:
    """The follow-up's year as the whole question writes it: a relative word
    (去年, next year) counted from the year the last question named."""
    y = f.year_text.strip()
    named = _EN_YEAR.findall(prev.year_text)
    if named:
        for pat, offset in words(f.lang).shifts:
            if pat.match(y):
                y = str(int(named[0]) + offset)
                break
    if re.fullmatch(r"(?:19|20)\d\d", y):
        return forms(prev.lang).fill("year", year=y)
    return y


def _kind_word(f: Slots) -> str:
    return f.part(f.kinds[0][:2]) if f.kinds else ""


def _with_missing(f: Slots, prev: Slots) -> str:
    """A follow-up that asks a subject of its own, given the place and year it leaves out."""
    core = f.part(f.core) or f.text
    place = "" if f.places else prev.place_text
    year = "" if f.years else prev.year_text
    if not place and not year:
        return f.text
    fm = forms(f.lang)
    if f.lang == "zh":
        return _tidy(fm.fill("context", place=place, year=year, subject=core.rstrip("？?")), "zh")
    extra = " ".join(x for x in (fm.fill("place", place=place) if place else "", year) if x)
    body = core.rstrip("?？. ")
    if not _asks_in(body, "en"):
        body = fm.fill("ask", body=body)
    return _tidy(f"{body} {extra}", "en")


def _substituted(f: Slots, prev: Slots, w: Words) -> str:
    """The previous question with the slots the follow-up fills put in its place."""
    edits: list[tuple[int, int, str]] = []
    inserts_after_subject: list[str] = []
    if f.years:
        year = _year_form(f, prev)
        edits += _put(prev, prev.years, year, year)
    if f.places:
        possessive = bool(prev.places) and bool(re.search(r"['’]s$", prev.part(prev.places[0])))
        place = forms(prev.lang).fill("possessive" if possessive else "place", place=f.place_text)
        edits += _put(prev, prev.places, place if possessive else f.place_text, place)
    if f.kind and f.kind != prev.kind:
        kept = [(s, e) for s, e, _ in prev.kinds]
        edits += [(s, e, "") for s, e in kept]
        inserts_after_subject.append(_kind_word(f))
    subject = prev.subject_text
    if f.subject and not f.only_modifier:
        swapped = _contrast_swap(prev, f.subject_text, w)
        subject = swapped if swapped is not None else f.subject_text
    if f.modifiers and not any(f.part(m).lower() in subject.lower() for m in f.modifiers):
        mod = f.part(f.modifiers[0])
        subject = f"{mod}{subject}" if prev.lang == "zh" else f"{mod} {subject}"
    if inserts_after_subject:
        sep = "" if prev.lang == "zh" else " "
        subject = subject + sep + sep.join(inserts_after_subject)
    if prev.subject is not None:
        edits.append((*prev.subject, subject))
    elif subject:
        edits.append((*_before_mark(prev.text), (" " if prev.lang == "en" else "") + subject))
    return _tidy(_replace(prev.text, edits), prev.lang)


def _put(prev: Slots, spans: tuple[tuple[int, int], ...], new: str,
         added: str) -> list[tuple[int, int, str]]:
    """Edits that put `new` where the previous question has `spans` (the first takes
    it, the others go), or, when it has none, `added` in front (Chinese) or before
    its question mark (English: "in Wuhu")."""
    if spans:
        first, *rest = spans
        return [(*first, new)] + [(s, e, "") for s, e in rest]
    if prev.lang == "zh":
        return [(0, 0, added)]
    return [(*_before_mark(prev.text), f" {added}")]


def _before_mark(text: str) -> tuple[int, int]:
    """The empty span before a question's closing mark."""
    end = len(text.rstrip().rstrip("?？。.!！"))
    return end, end


def _context(prev: Slots, f: Slots, year: bool = True) -> str:
    """What a follow-up that asks a new measure of the same subject leans on:
    place, year and subject, the follow-up's own place and year first."""
    place = f.place_text or prev.place_text
    when = (_year_form(f, prev) if f.years else prev.year_text) if year else ""
    return forms(prev.lang).fill("context", place=place, year=when, subject=prev.subject_text)


def _new_measure(f: Slots, prev: Slots) -> str:
    """"增长了多少？", "它的增速是多少？", "How fast did it grow?": the follow-up's
    question asked of the previous subject."""
    core = f.part(f.core) or f.text
    text = f.text
    if f.lang == "zh":
        c0, c1 = f.core
        edits = [(s - c0, e - c0, "") for s, e in f.places + f.years + f.pronouns
                 if c0 <= s and e <= c1]
        body = _replace(text[c0:c1], edits)
        body = re.sub(forms("zh").get("strip_start") or "^$", "", body.strip())
        return _tidy(_ask_word_zh(_context(prev, f) + (body or core), body), "zh")
    if f.pronouns:
        s, e = f.pronouns[0]
        pron = text[s:e].lower()
        subject = _context(prev, f, year=False)
        fm = forms("en")
        possessive = pron in fm.get("pronoun_possessive").split("|")
        new = fm.fill("pronoun_possessive_subject" if possessive else "pronoun_subject",
                      subject=subject)
        edits = [(s, e, new)] + [(a, b, "") for a, b in f.places + f.years]
        year = _year_form(f, prev) if f.years else prev.year_text
        body = _replace(text, edits).rstrip().rstrip("?？.")
        return _tidy(f"{body} {year}", "en")
    body = core.rstrip("?？. ")
    fm = forms("en")
    if not re.match(fm.get("asks_start") or "$^", body):
        body = fm.fill("ask", body=body)
    return _tidy(fm.fill("measure_of", body=body, context=_context(prev, f)), "en")


def _ask_word_zh(text: str, body: str) -> str:
    """A Chinese follow-up with no question word gets one (总量 → 总量是多少？)."""
    return text if _asks_in(body, "zh") else forms("zh").fill("ask", body=text)


def _tidy(text: str, language: str) -> str:
    """A rewritten question cleaned up (followup_forms.tsv's tidy rows), ending in
    its question mark."""
    fm = forms(language)
    for pattern, replacement in fm.tidy:
        text = pattern.sub(replacement, text)
    text = text.strip()
    mark = fm.get("mark") or "?"
    return text if text.endswith((mark, "?", "？")) else text + mark


def rewrite(question: str, previous: str | None, places: Spans) -> str:
    """`question` as the whole question it stands for after `previous` (itself a
    whole question); a question that asks its own subject of a place keeps its words."""
    question = question.strip()
    if not previous or not previous.strip():
        return question
    f = read(question, places)
    prev = read(previous.strip(), places)
    w = words(prev.lang)
    asks_own = f.subject is not None and not f.only_modifier and (
        f.places or f.measures or _asks(f))
    if asks_own and f.places:
        return question  # a new question, fully stated: the old one does not lean on it
    if asks_own:
        return _with_missing(f, prev)
    if (f.subject is None or f.only_modifier and f.measures) and (
            f.measures or f.pronouns and _asks(f)) and not f.kinds:
        return _new_measure(f, prev)
    if f.subject is None and not (f.years or f.places or f.kinds or f.modifiers):
        return question  # nothing to carry over to
    return _substituted(f, prev, w)


def _asks(f: Slots) -> bool:
    """Whether the follow-up, past its lead-in words, asks something of its own."""
    return _asks_in(f.part(f.core), f.lang)


def _asks_in(text: str, language: str) -> bool:
    return bool(words(language).find("question", text))


Turn = tuple[str, str | None]  # (the question as asked, as understood when known)


def turns(history: object) -> list[Turn]:
    """A conversation's earlier turns, oldest first: each a question (a string) or
    ``{"question": …, "understood": …}`` as an answer gave it back. `ValueError`
    says what is wrong with one."""
    if history is None:
        return []
    if not isinstance(history, list | tuple):
        raise ValueError("history must be a list of the earlier questions, oldest first")
    if len(history) > MAX_HISTORY:
        history = history[-MAX_HISTORY:]
    out: list[Turn] = []
    for i, turn in enumerate(history):
        if isinstance(turn, str):
            out.append((validate_question(turn).strip(), None))
            continue
        if not isinstance(turn, Mapping) or not isinstance(turn.get("question"), str):
            raise ValueError(f"history[{i}] must be a question or an object with a "
                             "\"question\" string")
        seen = turn.get("understood")
        if seen is not None and not isinstance(seen, str):
            raise ValueError(f"history[{i}].understood must be a string")
        out.append((validate_question(turn["question"]).strip(),
                    seen.strip() if seen and seen.strip() else None))
    return out


def understood(question: str, history: Sequence[Turn], places: Spans) -> str:
    """The whole question a conversation's last turn asks: each earlier turn is
    read against the one before it (or taken as it was understood), then
    `question` against the last."""
    whole: str | None = None
    for asked, seen in history[-MAX_HISTORY:]:
        whole = seen or rewrite(asked, whole, places)
    return rewrite(question, whole, places)
