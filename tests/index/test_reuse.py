"""A build keeps the vectors of passages an index already holds, embedded by the
same model files and backend: adding a report embeds that report only. Anything
it cannot trust (other model files, a corrupt folder) is embedded again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corpus import load_corpus
from index.embed import Embedder
from index.store import all_vectors, build_index, load_index, read_manifest
from reportqa.cli import main
from reportqa.paths import CORPUS_DIR

ONE = ["reports/wuhu-2022-bulletin.txt", "reports/yanbian-2021-gwr.txt"]
TWO = [*ONE, "reports/suining-2021-plan.txt"]


class Counting:
    """The embedder, counting the passages it is asked to embed."""

    def __init__(self, embedder: Embedder) -> None:
        self._e, self.embedded = embedder, 0

    def encode_passages(self, texts, **kw):  # noqa: ANN001, ANN003, ANN201
        self.embedded += len(texts)
        return self._e.encode_passages(texts, **kw)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._e, name)


def _corpus(names: list[str]):  # noqa: ANN202
    return load_corpus([CORPUS_DIR / n for n in names])


def _vectors(folder: Path) -> dict[str, np.ndarray]:
    bundle = load_index(folder, verify_corpus=False)
    return {p.id: v for p, v in zip(bundle.passages, all_vectors(bundle.faiss))}


@pytest.fixture(scope="module")
def fresh(embedder: Embedder, tmp_path_factory) -> Path:  # noqa: ANN001
    """The larger library built from nothing: what a reusing build must equal."""
    out = tmp_path_factory.mktemp("fresh") / "index"
    build_index(_corpus(TWO), embedder, out)
    return out


def test_adding_a_report_embeds_only_its_passages(embedder: Embedder, tmp_path: Path,
                                                  fresh: Path) -> None:
    out = tmp_path / "index"
    first = build_index(_corpus(ONE), embedder, out)
    counting = Counting(embedder)
    manifest = build_index(_corpus(TWO), counting, out)
    added = len(_corpus(TWO[2:])[0][1])
    assert counting.embedded == added == manifest["embedded"]["passages"]
    assert manifest["embedded"]["reused"] == first["passages"]
    want, got = _vectors(fresh), _vectors(out)
    assert want.keys() == got.keys()
    cos = [float(want[k] @ got[k]) for k in want]
    assert min(cos) >= 0.9999  # the same vectors, whichever batch embedded them


def test_another_index_can_lend_its_vectors(embedder: Embedder, tmp_path: Path, fresh: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "other"
    code = main(["index", *(str(CORPUS_DIR / n) for n in ONE), "--out", str(out),
                 "--reuse", str(fresh), "-q"])
    printed = capsys.readouterr().out
    assert code == 0 and f"({read_manifest(out)['passages']} passages' vectors reused)" in printed
    assert read_manifest(out)["embedded"]["passages"] == 0


def test_other_model_files_are_embedded_again(embedder: Embedder, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "index"
    build_index(_corpus(ONE), embedder, out)
    monkeypatch.setattr(Embedder, "fingerprint", lambda self: "a re-exported model")
    counting = Counting(embedder)
    manifest = build_index(_corpus(ONE), counting, out)
    assert manifest["embedded"]["reused"] == 0 and counting.embedded == manifest["passages"]
    assert manifest["model_fingerprint"] == "a re-exported model"


@pytest.mark.parametrize("damage", ["truncate faiss.index", "bad manifest", "no fingerprint"])
def test_an_index_it_cannot_trust_lends_nothing(embedder: Embedder, tmp_path: Path,
                                                damage: str) -> None:
    lender = tmp_path / "lender"
    build_index(_corpus(ONE), embedder, lender)
    if damage == "truncate faiss.index":
        data = (lender / "faiss.index").read_bytes()
        (lender / "faiss.index").write_bytes(data[: len(data) // 2])
    elif damage == "bad manifest":
        (lender / "manifest.json").write_text("{not json", encoding="utf-8")
    else:  # an index from before fingerprints
        m = json.loads((lender / "manifest.json").read_text(encoding="utf-8"))
        m.pop("model_fingerprint")
        (lender / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    counting = Counting(embedder)
    manifest = build_index(_corpus(ONE), counting, tmp_path / "out", reuse=[lender])
    assert manifest["embedded"]["reused"] == 0 and counting.embedded == manifest["passages"]


def test_a_model_that_is_not_a_folder_has_no_fingerprint(tmp_path: Path, model_dir: Path) -> None:
    assert Embedder("some-org/some-model", backend="torch").fingerprint() is None
    copy = tmp_path / "model"  # links to the folder's files
    copy.mkdir()
    for f in model_dir.iterdir():
        (copy / f.name).symlink_to(f.resolve())
    a = Embedder(str(copy), backend="onnx").fingerprint()
    assert a == Embedder(str(copy), backend="onnx").fingerprint()
    assert a != Embedder(str(copy), backend="torch").fingerprint()
    (copy / "tokenizer_config.json").unlink()
    (copy / "tokenizer_config.json").write_text("{}", encoding="utf-8")  # one file changed
    assert Embedder(str(copy), backend="onnx").fingerprint() != a
