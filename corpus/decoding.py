"""Turning the bytes of a text file into text, or saying why not.

Order: a byte-order mark decides (UTF-8/16/32); then strict UTF-8; then
strict GB18030 (a superset of GBK and GB2312, what Chinese government sites
serve); then charset-normalizer's best guess. Binary data is refused before
any of this, so that a renamed image never "decodes" into mojibake.
"""

from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

from corpus.errors import CorpusError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes below 0x20 other than \t \n \v \f \r (and ESC, used by some terminals).
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
# More than this share of control bytes, and a file is binary.
MAX_CONTROL_SHARE = 0.05
# charset-normalizer's "chaos" above this means it is guessing.
MAX_CHAOS = 0.2


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """The text of `data` and the encoding it was read with.

    Raises CorpusError naming `name` when the bytes are binary or no encoding
    reads them cleanly.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise _undecodable(
                    name, f"starts with a {encoding} byte-order mark but {exc.reason}"
                ) from exc
    if _looks_binary(data):
        raise CorpusError(
            f"{name}: looks like a binary file (NUL or control bytes), not text; "
            "convert it to UTF-8 text or give it its real extension"
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _plausible(text):
            return text, encoding
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.chaos <= MAX_CHAOS and _plausible(str(best)):
        return str(best), best.encoding
    raise _undecodable(
        name, "is not valid UTF-8, GB18030/GBK or any encoding that could be detected"
    )


def _undecodable(name: str, problem: str) -> CorpusError:
    return CorpusError(f"{name}: {problem}; re-save it as UTF-8")


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:65536]
    controls = sum(1 for b in sample if b in _CONTROL)
    return bool(sample) and controls / len(sample) > MAX_CONTROL_SHARE


def _plausible(text: str) -> bool:
    """No private-use or unassigned characters: what a wrong guess produces."""
    return not any(unicodedata.category(ch) in ("Co", "Cn", "Cs") for ch in text)
