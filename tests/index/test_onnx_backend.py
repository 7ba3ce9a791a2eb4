"""The ONNX Runtime backend: the same vectors as torch, recorded per index, and a
missing or corrupt export is one line naming the command, never other vectors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from corpus import load_corpus
from index import onnx_backend
from index.embed import Embedder, ModelError
from index.store import IndexStoreError, build_index, load_index, read_manifest
from reportqa.paths import CORPUS_DIR

REPORTS = ["yongchuan-2022-2023.txt", "reports/wuhu-2022-bulletin.txt", "reports/yanbian-2021-gwr.txt"]


@pytest.fixture(scope="module")
def torch_embedder(model_dir: Path) -> Embedder:
    return Embedder(str(model_dir), backend="torch").warm_up()


@pytest.fixture(scope="module")
def onnx_embedder(model_dir: Path) -> Embedder:
    return Embedder(str(model_dir), backend="onnx").warm_up()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    corpus = load_corpus([CORPUS_DIR / r for r in REPORTS])
    return [p.indexed_text() for _, ps in corpus for p in ps][::3]


def test_onnx_vectors_are_torchs(torch_embedder: Embedder, onnx_embedder: Embedder,
                                 texts: list[str]) -> None:
    questions = ["2022年永川区地区生产总值是多少？", "How much grain did Wuhu produce in 2022?",
                 "延边州2020年城镇新增就业多少人", "What was Yanbian's GDP growth?"]
    for a, b in [(torch_embedder.encode_passages(texts), onnx_embedder.encode_passages(texts)),
                 (torch_embedder.encode_query(questions), onnx_embedder.encode_query(questions))]:
        assert a.shape == b.shape and b.dtype == np.float32
        assert float((a * b).sum(axis=1).min()) >= 0.9999
        assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    # ...so the nearest passages are the same ones.
    q_t, q_o = torch_embedder.encode_query(questions), onnx_embedder.encode_query(questions)
    p_t, p_o = torch_embedder.encode_passages(texts), onnx_embedder.encode_passages(texts)
    for i in range(len(questions)):
        assert list(np.argsort(-(p_t @ q_t[i]))[:5]) == list(np.argsort(-(p_o @ q_o[i]))[:5])


def test_the_index_records_its_backend_and_queries_must_match(onnx_embedder: Embedder,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "idx"
    build_index(load_corpus([CORPUS_DIR / "reports/wuhu-2022-bulletin.txt"]), onnx_embedder, out)
    assert read_manifest(out)["backend"] == "onnx"
    load_index(out, backend="onnx")
    with pytest.raises(IndexStoreError, match="embedded by the onnx backend, not torch.*REPORTQA_BACKEND"):
        load_index(out, backend="torch")


def test_an_index_from_before_the_backend_is_torchs(index_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(index_dir, old)
    m = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    m.pop("backend", None)
    (old / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(IndexStoreError, match="torch backend, not onnx"):
        load_index(old, backend="onnx")


@pytest.fixture
def folder_copy(model_dir: Path, tmp_path: Path) -> Path:
    """The model folder: links to its files, the ONNX export a link the test replaces."""
    out = tmp_path / "model"
    out.mkdir()
    for f in model_dir.iterdir():
        (out / f.name).symlink_to(f.resolve())
    (out / onnx_backend.STAMP_FILE).unlink()
    shutil.copy2(model_dir / onnx_backend.STAMP_FILE, out / onnx_backend.STAMP_FILE)
    return out


EXPORTED = [onnx_backend.ONNX_FILE, onnx_backend.DATA_FILE]  # the graph, its weights


def _own_copy(path: Path) -> bytearray:
    """The bytes of a linked file, the link replaced by nothing (the test writes it)."""
    data = bytearray(path.read_bytes())
    path.unlink()
    return data


@pytest.mark.parametrize("name", EXPORTED)
def test_a_missing_export_names_the_command(folder_copy: Path, name: str) -> None:
    (folder_copy / name).unlink()
    assert not onnx_backend.is_exported(folder_copy)
    assert not onnx_backend.is_current(folder_copy)
    with pytest.raises(ModelError, match=rf"{name} is missing: run `reportqa model build --force`"):
        Embedder(str(folder_copy), backend="onnx").warm_up()


@pytest.mark.parametrize("name", EXPORTED)
def test_a_truncated_export_is_refused(folder_copy: Path, name: str) -> None:
    path = folder_copy / name
    data = _own_copy(path)
    path.write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(ModelError, match=rf"{name} is corrupt \(\d+ bytes, exported \d+\): "
                                         r"run `reportqa model build"):
        Embedder(str(folder_copy), backend="onnx").warm_up()


@pytest.mark.parametrize("name", EXPORTED)
def test_a_flipped_byte_is_found_by_the_setup_check(folder_copy: Path, name: str) -> None:
    assert onnx_backend.is_current(folder_copy)
    path = folder_copy / name
    data = _own_copy(path)
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert not onnx_backend.is_current(folder_copy)  # `reportqa setup` then exports it again


def test_a_stamp_of_the_single_file_export_asks_for_a_new_one(folder_copy: Path) -> None:
    stamp_path = folder_copy / onnx_backend.STAMP_FILE
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    for key in ("data_sha256", "data_bytes"):
        stamp.pop(key)
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    assert not onnx_backend.is_exported(folder_copy) and not onnx_backend.is_current(folder_copy)
    with pytest.raises(ModelError, match=r"older export: run `reportqa model build --force`"):
        Embedder(str(folder_copy), backend="onnx").warm_up()


@pytest.mark.parametrize("version", [None, 1])
def test_an_older_export_still_loads_but_set_up_exports_again(folder_copy: Path,
                                                              version: int | None) -> None:
    stamp_path = folder_copy / onnx_backend.STAMP_FILE
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    assert stamp["export_version"] == onnx_backend.EXPORT_VERSION
    if version is None:
        stamp.pop("export_version")
    else:
        stamp["export_version"] = version
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    assert onnx_backend.is_exported(folder_copy)  # its vectors are still the model's
    assert not onnx_backend.is_current(folder_copy)  # `reportqa setup` exports it anew
    assert Embedder(str(folder_copy), backend="onnx").warm_up().dim == 384


def test_a_bad_backend_setting_is_one_line(monkeypatch: pytest.MonkeyPatch, model_dir: Path) -> None:
    monkeypatch.setenv("REPORTQA_BACKEND", "tensorrt")
    with pytest.raises(ModelError, match="REPORTQA_BACKEND must be one of onnx, torch"):
        Embedder(str(model_dir))
