"""Numbers, magnitudes and units as the report writes them, and in English.

Arithmetic is in `Decimal` from the digits as written, so 1202.8亿 is
120,280,000,000 exactly and renders as "120.28 billion", never with float
noise. A `Figure.value` float is made from that Decimal and turned back with
`decimal_of()`, which is exact because ``repr(float)`` round-trips.

The unit list is derived from the report (every classifier and measure that
follows a number in it) plus a few common ones.
"""

from __future__ import annotations

import re
from decimal import Decimal

MAGNITUDES: dict[str, Decimal] = {
    "万亿": Decimal(10) ** 12,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(10) ** 3,
}
# 千 is a magnitude only when it is not the start of a unit (千瓦时, 千米, 千伏).
MAGNITUDE_RE = r"万亿|亿|万|千(?![瓦米伏克])"

PERCENT_UNITS = ("%", "个百分点", "百分点", "‰", "个千分点")
# Classifiers: the figure counts things.
COUNT_UNITS = (
    "人次", "场次", "个", "家", "户", "人", "处", "所", "条", "组", "笔", "名", "座", "席",
    "辆", "项", "件", "场", "套", "只", "头", "台", "口", "袋", "张", "间", "位", "批", "次",
)  # fmt: skip
# Measures: money and physical quantities; the figure is an amount.
MEASURE_UNITS = (
    "平方公里", "平方千米", "平方米", "立方米", "千瓦时", "千瓦", "千米", "公里", "公顷",
    "美元", "元", "标准箱", "公斤", "千克", "吨", "担", "亩", "米", "方", "天", "倍",
)  # fmt: skip
UNITS: tuple[str, ...] = tuple(
    sorted(PERCENT_UNITS[1:] + COUNT_UNITS + MEASURE_UNITS, key=len, reverse=True)
)
UNIT_RE = "|".join(re.escape(u) for u in UNITS)

# A unit written in a table label or header: "地区生产总值（亿元）", "增速（%）".
_PAREN_UNIT = re.compile(rf"[（(]\s*({MAGNITUDE_RE})?\s*(%|{UNIT_RE})?\s*[)）]\s*$")

# English: (singular, plural); "" means the bare number reads best ("132").
UNIT_EN: dict[str, tuple[str, str]] = {
    "元": ("yuan", "yuan"),
    "美元": ("US dollar", "US dollars"),
    "吨": ("tonne", "tonnes"),
    "公斤": ("kg", "kg"),
    "千克": ("kg", "kg"),
    "担": ("dan (50 kg)", "dan (50 kg)"),
    "标准箱": ("TEU", "TEU"),
    "头": ("head", "head"),
    "亩": ("mu", "mu"),
    "公顷": ("hectare", "hectares"),
    "平方公里": ("km²", "km²"),
    "平方千米": ("km²", "km²"),
    "平方米": ("m²", "m²"),
    "立方米": ("cubic metre", "cubic metres"),
    "方": ("cubic metre", "cubic metres"),
    "公里": ("km", "km"),
    "千米": ("km", "km"),
    "米": ("m", "m"),
    "千瓦时": ("kWh", "kWh"),
    "千瓦": ("kW", "kW"),
    "天": ("day", "days"),
    "倍": ("time", "times"),
    "人": ("person", "people"),
    "名": ("person", "people"),
    "人次": ("person-time", "person-times"),
    "户": ("household", "households"),
    "辆": ("vehicle", "vehicles"),
    "套": ("set", "sets"),
    "组": ("set", "sets"),
    "台": ("unit", "units"),
    "席": ("seat", "seats"),
    "袋": ("bag", "bags"),
    "口": ("well", "wells"),
    "个百分点": ("percentage point", "percentage points"),
    "百分点": ("percentage point", "percentage points"),
}

# Qualifiers, leading (not part of the figure's text) and trailing (part of it).
LEADING_QUALIFIERS = (
    "不少于", "不低于", "不超过", "不高于", "突破", "超过", "高于", "低于", "不到", "超", "逾",
    "近", "约",
)  # fmt: skip
TRAILING_QUALIFIERS = ("以上", "以下", "左右", "以内", "之内")
QUALIFIER_EN: dict[str, str] = {
    "以上": "at least",
    "不少于": "at least",
    "不低于": "at least",
    "以下": "at most",
    "以内": "no more than",
    "之内": "no more than",
    "不超过": "no more than",
    "不高于": "no more than",
    "左右": "about",
    "约": "about",
    "余": "more than",
    "多": "more than",
    "突破": "over",
    "超过": "over",
    "超": "over",
    "逾": "over",
    "高于": "above",
    "低于": "below",
    "不到": "under",
    "近": "nearly",
}

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
