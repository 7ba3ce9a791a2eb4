"""Every weight of retrieval and answering, in one object that can be read from a file.

    from qa.settings import Settings
    s = Settings.from_file("my-settings.toml")   # only what differs from the defaults
    s.to_dict()                                   # every value, as eval's metrics.json keeps it

A settings file (TOML, or JSON when it ends in .json) names only what it changes;
its tables are the groups below:

    candidates = 24
    min_coverage = {zh = 0.5, en = 0.4}

    [figure]
    period = 0.25

Where the settings of an answer come from, first found wins: the `settings`
passed to `Assistant.load` (the CLI's `--settings FILE`), the file named by
`REPORTQA_SETTINGS`, the settings an index was built with (`reportqa index
--settings FILE` keeps them in its manifest), the defaults here. A file with an
unknown name, a value that is not a number or a language missing from a
per-language value is a one-line error (`SettingsError`), never half-read.

How each default was chosen is said beside it. "Set by hand" means the weight
was chosen while its rule was written, on the tuning gold sets
(eval/gold/tune*.jsonl), and not swept since; the README's tables say what
sweeping the swept ones measured.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

LANGS = ("zh", "en")
ENV = "REPORTQA_SETTINGS"


class SettingsError(ValueError):
    """A settings file or value that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class SentenceWeights:
    """How a retrieved sentence's score is made (qa.select `_candidates`). Set by hand."""

    # Coverage: the sentence's own, the sentence with the one before it (a report names
    # its subject in one sentence and gives the figure in the next), or mixed with its
    # passage's context (heading, table title).
    window: float = 0.8
    own_in_context: float = 0.6
    context: float = 0.4
    named_number: float = 0.1  # holds a number the question names ("那134个重点项目")
    # A question no figure answers ("哪些", "what is the plan for"): the sentence.
    text_coverage: float = 0.7
    text_hit: float = 0.3
    text_period: float = 0.1
    # A question a figure (or words in its place) answers: the sentence and its best figure.
    coverage: float = 0.4
    figure: float = 0.4  # the best figure's relevance; for words, the sentence's own coverage
    hit: float = 0.2  # the passage's fused retrieval score
    period: float = 0.15
    unit: float = 0.1
    narrow: float = 0.15  # the best figure measures a narrower indicator than asked
    other_year: float = 0.5  # a figure of another year than the one asked: the worst answer
    other_counter: float = 0.1  # "how many workers" answered by 5个 platforms
    no_figure: float = 0.3  # "how many" asked of a sentence with no figure
    # A counter asked ("what growth rate"): a figure in that unit goes first when its
    # relevance is within this of the best figure's.
    counter_slack: float = 0.05


@dataclass(frozen=True)
class FigureWeights:
    """How one figure of a sentence answers (qa.select `_score_figure`). Set by hand."""

    sentence: float = 0.5  # share of the sentence's coverage mixed into a figure's own
    period: float = 0.3
    unit: float = 0.2
    other_unit: float = 0.1  # the question names a unit and the figure has another
    share: float = 0.2  # a share asked ("占比多少") and this is one
    named: float = 0.2  # its clause holds a number the question names
    head: float = 0.1  # a subject asked heads its label (what it counts)
    added: float = 0.2  # "how many in total" and the figure is the year's additions
    column: float = 0.1  # its table column names what is asked (年度计划投资)
    narrow: float = 0.15  # its clause names a narrower indicator, or a share of the subject
    gap: float = 0.6  # a gap to a target asked and stated (高于计划目标…), or missing


@dataclass(frozen=True)
class ChoiceWeights:
    """Which figures of the answering sentence are stated (qa.select `_chosen`,
    `_second`). Set by hand."""

    ask_unit: float = 0.3  # a separate question's figure: in the unit it names
    ask_period: float = 0.2  # ... of the period it names
    ask_fit: float = 0.3  # ... at least this fit, or that question gets none
    close: float = 0.12  # a figure within this of the best is stated beside it
    close_compare: float = 0.35  # ... when the question compares
    close_relevance: float = 0.5  # ... and at least this relevant
    same_unit: float = 0.2  # the other side of a comparison in the first side's unit


@dataclass(frozen=True)
class Settings:
    """Retrieval and answering weights. Per-language values are {"zh": …, "en": …}."""

    # Hybrid score = bm25 * w_bm25 + dense * w_dense (both normalised to [0, 1]);
    # swept per language on eval/gold/tune.jsonl.
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
    # 存栏", 城镇 after "不要城镇的"). Set, not swept: on the gold sets of 2026-12-04 no
    # answer turned on it (the words are also taken out of what is asked).
    negated_penalty: float = 0.3
    # A sentence without figures shorter than this (a label, a table title, a byline)
    # answers a "what was" question only when nothing that states a figure does. Set,
    # not swept: the labels and bylines seen are under 14 characters, statements over.
    min_statement_chars: int = 14
    fragment_penalty: float = 0.3
    sentence: SentenceWeights = field(default_factory=SentenceWeights)
    figure: FigureWeights = field(default_factory=FigureWeights)
    choice: ChoiceWeights = field(default_factory=ChoiceWeights)

    # ------------------------------------------------------------ reading, writing

    def to_dict(self) -> dict[str, Any]:
        """Every value, groups as nested dicts (what a file, a manifest, metrics.json hold)."""
        return _to_dict(self)

    def changed(self) -> dict[str, Any]:
        """Only what differs from the defaults (what an index keeps)."""
        return _diff(self.to_dict(), Settings().to_dict())

    @classmethod
    def from_dict(cls, data: object, where: str = "settings") -> Settings:
        """The defaults with `data` over them; `where` names the source in errors."""
        return _merge(cls(), data, where)

    @classmethod
    def from_file(cls, path: str | Path) -> Settings:
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise SettingsError(f"cannot read settings file {p}: {exc.strerror or exc}") from None
        try:
            data = json.loads(raw) if p.suffix.lower() == ".json" else tomllib.loads(
                raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            kind = "JSON" if p.suffix.lower() == ".json" else "TOML"
            raise SettingsError(f"settings file {p} is not valid {kind}: {exc}") from None
        return cls.from_dict(data, where=f"settings file {p}")

    @classmethod
    def resolve(cls, given: Settings | str | Path | None = None,
                manifest: dict[str, Any] | None = None) -> Settings:
        """The settings to answer with: `given` (an object or a file), else the file
        named by REPORTQA_SETTINGS, else the index's (`manifest["settings"]`), else
        the defaults."""
        if isinstance(given, Settings):
            return given
        if given is not None:
            return cls.from_file(given)
        env = os.environ.get(ENV, "").strip()
        if env:
            return cls.from_file(env)
        saved = (manifest or {}).get("settings")
        if saved:
            return cls.from_dict(saved, where="the index's manifest (settings)")
        return cls()



def _to_dict(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        out[f.name] = _to_dict(v) if is_dataclass(v) else dict(v) if isinstance(v, dict) else v
    return out


def _diff(now: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in now.items():
        if isinstance(v, dict) and isinstance(base[k], dict) and set(v) != set(LANGS):
            sub = _diff(v, base[k])
            if sub:
                out[k] = sub
        elif v != base[k]:
            out[k] = v
    return out


def _merge(obj: Any, data: object, where: str, prefix: str = "") -> Any:
    if not isinstance(data, dict):
        what = prefix.rstrip(".") or "the settings"
        raise SettingsError(f"{where}: {what} must be a table of names, "
                            f"got {type(data).__name__}")
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            raise SettingsError(f"{where}: unknown setting {name!r} (known: "
                                f"{', '.join(prefix + k for k in known)})")
        current = getattr(obj, key)
        if is_dataclass(current):
            changes[key] = _merge(current, value, where, f"{name}.")
        elif isinstance(current, dict):
            changes[key] = _per_language(current, value, where, name)
        else:
            changes[key] = _number(current, value, where, name)
    return replace(obj, **changes)


def _per_language(current: dict[str, float], value: object, where: str, name: str
                  ) -> dict[str, float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {lang: float(value) for lang in LANGS}  # one number for both languages
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: {name} must be a number or {{zh = …, en = …}}")
    unknown = set(value) - set(LANGS)
    if unknown:
        raise SettingsError(f"{where}: {name} has no language {sorted(unknown)[0]!r} "
                            f"(languages: {', '.join(LANGS)})")
    return {lang: _number(current[lang], value.get(lang, current[lang]), where,
                          f"{name}.{lang}") for lang in LANGS}


def _number(current: float | int, value: object, where: str, name: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"{where}: {name} must be a number, got {value!r}")
    if isinstance(current, int):
        if float(value) != int(value) or value < 1:
            raise SettingsError(f"{where}: {name} must be a whole number ≥ 1, got {value!r}")
        return int(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise SettingsError(f"{where}: {name} must be a finite number, got {value!r}")
    return float(value)


def toml_text(data: dict[str, Any]) -> str:
    """Settings as a TOML file `Settings.from_file` reads back (all of `to_dict`, or
    only what `changed` gives)."""
    top, groups = [], []
    for k, v in data.items():
        if isinstance(v, dict) and set(v) != set(LANGS):
            groups.append(f"\n[{k}]\n" + "".join(f"{gk} = {gv!r}\n" for gk, gv in v.items()))
        elif isinstance(v, dict):
            top.append(f"{k} = {{{', '.join(f'{lang} = {x!r}' for lang, x in v.items())}}}\n")
        else:
            top.append(f"{k} = {v!r}\n")
    return "".join(top) + "".join(groups)
