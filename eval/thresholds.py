"""Quality gates: ``--min zh.answer_acc=0.9 kind:table.hit@5=0.8 …``.

A key is ``<group>.<metric>``: the group is ``zh``, ``en``, ``all`` or
``kind:<kind>``, the metric one of `METRIC_KEYS`. For lower-is-better metrics
(false abstentions, latency) the value is a ceiling instead of a floor. A
metric that could not be computed (no items in the group) misses its gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eval.gold import KINDS, LANGS
from eval.metrics import LOWER_IS_BETTER, METRIC_KEYS

GROUPS: tuple[str, ...] = (*LANGS, "all")
KIND_PREFIX = "kind:"
FILE_PREFIX = "file:"  # file:<gold file stem>/<zh|en|all>: one gold file's metrics


@dataclass(frozen=True)
class Threshold:
    group: str  # zh | en | all | kind:<kind>
    metric: str
    value: float

    @property
    def key(self) -> str:
        return f"{self.group}.{self.metric}"

    @property
    def is_ceiling(self) -> bool:
        return self.metric in LOWER_IS_BETTER


def parse_threshold(spec: str) -> Threshold:
    """Parse ``KEY=VALUE``; a ValueError says what is wrong with `spec`."""
    key, sep, raw = spec.partition("=")
    if not sep:
        raise ValueError(f"threshold must look like KEY=VALUE, got {spec!r}")
    group, dot, metric = key.strip().rpartition(".")
    if not dot:
        raise ValueError(f"threshold key must be <group>.<metric>, got {key!r}")
    in_file = group.startswith(FILE_PREFIX) and group.rpartition("/")[2] in GROUPS
    if group not in GROUPS and not in_file and not (
        group.startswith(KIND_PREFIX) and group[len(KIND_PREFIX) :] in KINDS
    ):
        kinds = "|".join(KINDS)
        raise ValueError(f"unknown group {group!r} in {spec!r}; use zh, en, all, kind:<{kinds}> "
                         "or file:<gold file>/<zh|en|all>")
    if metric not in METRIC_KEYS:
        raise ValueError(
            f"unknown metric {metric!r} in {spec!r}; use one of {', '.join(METRIC_KEYS)}"
        )
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"threshold value must be a number, got {raw!r} in {spec!r}") from None
    return Threshold(group=group, metric=metric, value=value)


def lookup(metrics: dict[str, Any], threshold: Threshold) -> float | None:
    """The measured value a threshold speaks of (None when not computed)."""
    if threshold.group.startswith(KIND_PREFIX):
        group = metrics.get("by_kind", {}).get(threshold.group[len(KIND_PREFIX) :])
    elif threshold.group.startswith(FILE_PREFIX):
        name, _, lang = threshold.group[len(FILE_PREFIX):].rpartition("/")
        group = metrics.get("by_file", {}).get(name, {}).get(lang)
    else:
        group = metrics.get(threshold.group)
    return None if group is None else group.get(threshold.metric)


def check_thresholds(metrics: dict[str, Any], thresholds: list[Threshold]) -> list[str]:
    """One line per missed threshold, e.g. ``zh.answer_acc 0.82 < 0.90``."""
    missed = []
    for t in thresholds:
        value = lookup(metrics, t)
        if value is None:
            op = ">" if t.is_ceiling else "<"
            missed.append(f"{t.key} n/a {op} {t.value:.2f} (no items to measure)")
        elif t.is_ceiling and value > t.value:
            missed.append(f"{t.key} {_pair(value, t.value, '>')}")
        elif not t.is_ceiling and value < t.value:
            missed.append(f"{t.key} {_pair(value, t.value, '<')}")
    return missed


def _pair(value: float, limit: float, op: str) -> str:
    # Two decimals, unless that would print e.g. "0.85 < 0.85".
    for digits in (2, 4, 6):
        a, b = f"{value:.{digits}f}", f"{limit:.{digits}f}"
        if a != b:
            break
    return f"{a} {op} {b}"
