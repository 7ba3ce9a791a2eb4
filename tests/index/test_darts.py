"""The precompiled charsmap we compile is read back by `tokenizers` as intended."""

from __future__ import annotations

import pytest
from tokenizers import normalizers

from index.darts import build_double_array, build_precompiled_charsmap, lookup


def test_lookup_finds_every_key_and_nothing_else() -> None:
    keys = {"Ａ".encode(): 0, "①".encode(): 2, b"\t": 4, "ﬁ".encode(): 6}
    blob = build_precompiled_charsmap({"Ａ": "A", "①": "1", "\t": " ", "ﬁ": "fi"})
    for key in keys:
        assert len(lookup(blob, key)) == 1
    assert lookup(blob, "B".encode()) == []
    assert lookup(blob, "中".encode()) == []


def test_tokenizers_precompiled_applies_the_map() -> None:
    blob = build_precompiled_charsmap({"Ａ": "A", "①": "1", "\t": " ", "ﬁ": "fi", "\u200b": ""})
    norm = normalizers.Precompiled(blob)
    # Mapped characters are replaced, a deletion removes, the rest passes through.
    assert norm.normalize_str("Ａ①\tﬁ\u200b中文3.5%") == "A1 fi中文3.5%"


def test_shared_prefixes_and_many_keys() -> None:
    # Every CJK compatibility ideograph shares its first UTF-8 bytes with others.
    mapping = {chr(cp): chr(0x4E00 + cp % 500) for cp in range(0xF900, 0xFA6E)}
    blob = build_precompiled_charsmap(mapping)
    norm = normalizers.Precompiled(blob)
    sample = "".join(list(mapping)[::37])
    assert norm.normalize_str(sample) == "".join(mapping[c] for c in sample)


def test_rejects_keys_the_format_cannot_hold() -> None:
    with pytest.raises(ValueError, match="NUL-free"):
        build_double_array({b"a\0b": 1})
