"""Numbers, magnitudes and units as the report writes them, and in English.

Arithmetic is in `Decimal` from the digits as written, so 1202.8亿 is
120,280,000,000 exactly and renders as "120.28 billion", never with float
noise. A `Figure.value` float is made from that Decimal and turned back with
`decimal_of()`, which is exact because ``repr(float)`` round-trips.

The genre's units, magnitudes and qualifiers are data (reportqa/lang/units.tsv);
the unit list of an index adds every classifier and measure that follows a number
in its reports.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reportqa import lang

_UNIT_ROWS = lang.rows("units.tsv")


def _rows(kind: str) -> list[dict[str, str]]:
    return [r for r in _UNIT_ROWS if r["kind"] == kind]


# The units, magnitudes and qualifiers of the genre, and their English:
# reportqa/lang/units.tsv.
MAGNITUDES: dict[str, Decimal] = {r["unit"]: Decimal(10) ** int(r["value"])
                                  for r in _rows("magnitude")}
# 千 is a magnitude only when it is not the start of a unit (千瓦时, 千米, 千伏).
MAGNITUDE_RE = "|".join(m if m != "千" else "千(?![瓦米伏克])"
                        for m in sorted(MAGNITUDES, key=len, reverse=True))

PERCENT_UNITS = tuple(r["unit"] for r in _rows("percent"))
# Classifiers: the figure counts things.
COUNT_UNITS = tuple(r["unit"] for r in _rows("count"))
# Measures: money and physical quantities; the figure is an amount.
MEASURE_UNITS = tuple(r["unit"] for r in _rows("measure"))
UNITS: tuple[str, ...] = tuple(
    sorted(PERCENT_UNITS[1:] + COUNT_UNITS + MEASURE_UNITS, key=len, reverse=True)
)
UNIT_RE = "|".join(re.escape(u) for u in UNITS)

# A unit written in a table label or header: "地区生产总值（亿元）", "增速（%）".
_PAREN_UNIT = re.compile(rf"[（(]\s*({MAGNITUDE_RE})?\s*(%|{UNIT_RE})?\s*[)）]\s*$")

# English: (singular, plural); "" means the bare number reads best ("132").
UNIT_EN: dict[str, tuple[str, str]] = {
    r["unit"]: (r["en"], r["en_plural"] or r["en"])
    for kind in ("percent", "count", "measure") for r in _rows(kind) if r["en"]}

# Qualifiers, leading (not part of the figure's text) and trailing (part of it).
LEADING_QUALIFIERS = tuple(r["unit"] for r in _rows("leading"))
TRAILING_QUALIFIERS = tuple(r["unit"] for r in _rows("trailing"))
QUALIFIER_EN: dict[str, str] = {
    r["unit"]: r["en"] for kind in ("leading", "trailing", "inner") for r in _rows(kind) if r["en"]}

_MINUS = str.maketrans({"－": "-", "−": "-"})


def parse_number(digits: str) -> Decimal:
    """"1202.8" -> Decimal("1202.8"); full-width and Unicode minus signs accepted."""
    cleaned = digits.translate(_MINUS).replace(",", "")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", cleaned):
        raise ValueError(f"not a number as the report writes numbers: {digits!r}")
    return Decimal(cleaned)


def scaled(number: Decimal, magnitude: str) -> Decimal:
    """The number times its magnitude word: (83.9, "亿") -> 8390000000."""
    if magnitude and magnitude not in MAGNITUDES:
        raise ValueError(f"unknown magnitude {magnitude!r}; expected one of {list(MAGNITUDES)}")
    return number * MAGNITUDES[magnitude] if magnitude else number


def decimal_of(value: float) -> Decimal:
    """The Decimal a float was made from (``repr`` is the shortest round-trip)."""
    return Decimal(repr(value))


def unit_from_label(label: str) -> tuple[str, str] | None:
    """(magnitude, unit) from a trailing bracket: "地区生产总值（亿元）" -> ("亿", "元")."""
    m = _PAREN_UNIT.search(label)
    if m is None or not (m.group(1) or m.group(2)):
        return None
    return m.group(1) or "", m.group(2) or ""


def strip_label_unit(label: str) -> str:
    """"其中：税收收入（亿元）" -> "税收收入"."""
    label = re.sub(r"^\s*其中\s*[:：]\s*", "", label)
    m = _PAREN_UNIT.search(label)
    return (label[: m.start()] if m else label).strip()


def is_percent(unit: str) -> bool:
    return unit in PERCENT_UNITS


def format_decimal(d: Decimal) -> str:
    """Plain decimal with thousands separators and no trailing zeros: 41262 -> "41,262"."""
    d = d.normalize()
    sign = "-" if d < 0 else ""
    whole, _, frac = format(abs(d), "f").partition(".")
    return f"{sign}{int(whole):,}" + (f".{frac}" if frac else "")


def number_en(d: Decimal) -> str:
    """English words for big numbers: 1.2028e11 -> "120.28 billion", 476000 -> "476,000"."""
    for size, word in ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"),
                       (Decimal(10) ** 6, "million")):  # fmt: skip
        if abs(d) >= size:
            return f"{format_decimal(d / size)} {word}"
    return format_decimal(d)


def quantity_en(d: Decimal, unit: str, noun: tuple[str, str] | None = None) -> str:
    """A number with its unit in English; `noun` overrides the unit's own words."""
    if unit == "%":
        return f"{format_decimal(d)}%"
    words = noun if noun is not None else UNIT_EN.get(unit, ("", ""))
    singular, plural = words
    text = number_en(d)
    word = singular if abs(d) == 1 else plural
    return f"{text} {word}" if word else text
