"""Compile a normalisation map into SentencePiece's `precompiled_charsmap`.

The blob is what `tokenizers.normalizers.Precompiled` reads (the
`spm_precompiled` crate): a little-endian u32 with the trie's size in bytes,
the trie as darts-clone double-array units (u32 each), then the replacement
strings, each NUL-terminated. Looking a key up walks the trie over its UTF-8
bytes: ``pos ^= offset(unit)`` then ``pos ^= byte`` per byte, checking the
unit's label; a node that ends a key has its `has_leaf` bit set and its value
(the replacement's byte offset) sits at ``base ^ 0``.

darts-clone's unit layout (u32):
- bits 0..7 label, bit 8 has_leaf, bit 9 "offset is shifted by 8",
  bits 10..31 offset;
- a value unit has bit 31 set and the value in bits 0..30, so its label
  never equals a key byte.
"""

from __future__ import annotations

import struct
from collections import deque

_MAX_DIRECT_OFFSET = 1 << 21


def _offset_bits(offset: int) -> int:
    if offset < _MAX_DIRECT_OFFSET:
        return offset << 10
    if offset % 256 == 0 and offset < (1 << 29):
        return (offset << 2) | (1 << 9)
    raise ValueError(f"double-array offset {offset} cannot be encoded")


def _build_trie(keys: dict[bytes, int]) -> list[dict]:
    """A plain trie: node = {"children": {byte: node_index}, "value": int | None}."""
    nodes: list[dict] = [{"children": {}, "value": None}]
    for key, value in sorted(keys.items()):
        if not key or 0 in key:
            raise ValueError(f"keys must be non-empty and NUL-free, got {key!r}")
        n = 0
        for byte in key:
            nxt = nodes[n]["children"].get(byte)
            if nxt is None:
                nxt = len(nodes)
                nodes.append({"children": {}, "value": None})
                nodes[n]["children"][byte] = nxt
            n = nxt
        nodes[n]["value"] = value
    return nodes


def build_double_array(keys: dict[bytes, int]) -> list[int]:
    """darts-clone units for `keys` (byte string → value < 2**31)."""
    nodes = _build_trie(keys)
    units = [0] * 1024
    used = bytearray(1024)
    used[0] = 1  # the root
    used_bases: set[int] = set()
    position = {0: 0}
    queue = deque([0])
    next_free = 1

    def grow(size: int) -> None:
        if size > len(units):
            extra = max(size, 2 * len(units)) - len(units)
            units.extend([0] * extra)
            used.extend(bytes(extra))

    def free_from(start: int) -> int:
        """The first free slot at or after `start` (bytearray.find runs in C)."""
        grow(start + 257)
        found = used.find(0, start)
        while found < 0:
            grow(2 * len(used))
            found = used.find(0, start)
        return found

    while queue:
        n = queue.popleft()
        labels = sorted(nodes[n]["children"])
        if nodes[n]["value"] is not None:
            labels = [0, *labels]
        if not labels:
            continue
        next_free = free_from(next_free)
        # First free slot p for the first label whose base (p ^ label) fits every
        # child and is used by no other node (a shared base would let a lookup
        # from one node land on another's child with the same label).
        p = next_free
        while True:
            base = p ^ labels[0]
            grow((max(p, base) | 0xFF) + 1)
            if base not in used_bases and base != 0 and all(
                not used[base ^ lab] and (base ^ lab) != 0 for lab in labels
            ):
                break
            p = free_from(p + 1)
        used_bases.add(base)
        pos = position[n]
        keep = units[pos] & ((1 << 31) | (1 << 8) | 0xFF)
        units[pos] = keep | _offset_bits(pos ^ base)
        for lab in labels:
            child_pos = base ^ lab
            used[child_pos] = 1
            if lab == 0:
                units[child_pos] = (1 << 31) | nodes[n]["value"]
                units[pos] |= 1 << 8
            else:
                child = nodes[n]["children"][lab]
                units[child_pos] = lab
                position[child] = child_pos
                queue.append(child)
    # Keep whole 256-unit blocks: a lookup of an absent key XORs any byte into
    # a used block's base, and the reader indexes the array without a bound check.
    last = max(i for i, u in enumerate(used) if u)
    return units[: (last | 0xFF) + 1]


def build_precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """The `precompiled_charsmap` blob for a map of source string → replacement."""
    normalized = bytearray()
    keys: dict[bytes, int] = {}
    offsets: dict[str, int] = {}
    for src, dst in sorted(mapping.items()):
        if dst not in offsets:
            offsets[dst] = len(normalized)
            normalized += dst.encode("utf-8") + b"\0"
        keys[src.encode("utf-8")] = offsets[dst]
    units = build_double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(normalized)


def lookup(blob: bytes, key: bytes) -> list[int]:
    """Common-prefix search, as `spm_precompiled` does it (for tests)."""
    (size,) = struct.unpack_from("<I", blob, 0)
    units = struct.unpack_from(f"<{size // 4}I", blob, 4)

    def offset(u: int) -> int:
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    pos = offset(units[0])
    out = []
    for byte in key:
        pos ^= byte
        if pos >= len(units) or (units[pos] & ((1 << 31) | 0xFF)) != byte:
            break
        unit = units[pos]
        pos ^= offset(unit)
        if unit & (1 << 8):
            out.append(units[pos] & ((1 << 31) - 1))
    return out
