"""An index folder: built atomically, checked on load, one-line errors."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from corpus import load_corpus
from index.store import IndexStoreError, build_index, build_lock, load_index, read_manifest

pytestmark = pytest.mark.model

TEXT = """示例报告

一、2022年执行情况
全年地区生产总值增长3.5%，粮食产量达到47.6万吨。
新增5G基站1196个，城镇新增就业2.8万人。

二、2023年计划
地区生产总值增长7%以上，新建5G网络基站500个。
"""


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    src = tmp_path / "docs"
    src.mkdir()
    (src / "sample.txt").write_text(TEXT, encoding="utf-8")
    return src


@pytest.fixture
def built(small_corpus: Path, embedder, tmp_path: Path) -> Path:  # noqa: ANN001
    out = tmp_path / "idx"
    build_index(load_corpus([small_corpus]), embedder, out)
    return out


def test_folder_holds_plain_files_and_manifest(built: Path, embedder) -> None:  # noqa: ANN001
    assert sorted(p.name for p in built.iterdir()) == [
        "bm25", "documents.jsonl", "faiss.index", "manifest.json", "passages.jsonl",
        "termbase.tsv"]
    m = read_manifest(built)
    assert m["dim"] == 384 and m["normalized"] is True and m["metric"] == "inner_product"
    assert m["model"] == embedder.name and m["format_version"] == 2
    assert m["passages"] == 3  # one passage per paragraph line under the headings
    assert [d["id"] for d in m["documents"]] == ["sample"]
    assert not list((built / "bm25").glob("*.pkl"))


def test_passages_are_exact_slices(built: Path) -> None:
    bundle = load_index(built, verify_corpus=False)
    doc = bundle.documents["sample"].text
    for p in bundle.passages:
        assert doc[p.start:p.end] == p.text
    assert bundle.faiss.ntotal == len(bundle.passages)


def test_model_mismatch_is_one_line(built: Path) -> None:
    with pytest.raises(IndexStoreError, match=r"built with model .* not other/model: run `reportqa index --model other/model`"):
        load_index(built, model="other/model")


def test_dimension_mismatch(built: Path) -> None:
    with pytest.raises(IndexStoreError, match="384-d vectors but the model gives 768"):
        load_index(built, dim=768)


@pytest.mark.parametrize("name", ["faiss.index", "passages.jsonl", "bm25", "documents.jsonl"])
def test_missing_file(built: Path, name: str) -> None:
    target = built / name
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    with pytest.raises(IndexStoreError, match=f"missing {name}: run `reportqa index`"):
        load_index(built)


def test_no_index_and_wrong_format(tmp_path: Path, built: Path) -> None:
    with pytest.raises(IndexStoreError, match="no index at .*: run `reportqa index`"):
        load_index(tmp_path / "nothing")
    m = json.loads((built / "manifest.json").read_text())
    m["format_version"] = 99
    (built / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexStoreError, match="format 99"):
        load_index(built)


def test_changed_corpus_is_detected(built: Path, small_corpus: Path) -> None:
    # Documents outside the repository are recorded by absolute path.
    (small_corpus / "sample.txt").write_text(TEXT + "新的一段。\n", encoding="utf-8")
    with pytest.raises(IndexStoreError, match="changed since the index .* was built"):
        load_index(built)


def test_failed_rebuild_leaves_previous_index(built: Path, small_corpus: Path, embedder,  # noqa: ANN001
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = (built / "manifest.json").read_text()
    import faiss

    def boom(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", boom)
    with pytest.raises(OSError, match="disk full"):
        build_index(load_corpus([small_corpus]), embedder, built)
    assert (built / "manifest.json").read_text() == before
    load_index(built)  # still loads
    assert [p.name for p in built.parent.iterdir() if p.name.startswith(".")] == [".idx.lock"]


def test_rebuild_replaces_index(built: Path, small_corpus: Path, embedder) -> None:  # noqa: ANN001
    (small_corpus / "sample.txt").write_text(TEXT + "\n三、补充\n全年产气5.4亿立方米。\n",
                                             encoding="utf-8")
    build_index(load_corpus([small_corpus]), embedder, built, faiss_kind="hnsw")
    bundle = load_index(built)
    assert bundle.manifest["faiss"] == "hnsw" and len(bundle.passages) == 4


def test_changed_dictionary_makes_bm25_stale(built: Path) -> None:
    m = json.loads((built / "manifest.json").read_text())
    m["bm25"]["userdict_sha256"] = "0" * 16
    (built / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexStoreError, match="jieba user dictionary changed"):
        load_index(built)


def test_changed_genre_data_makes_the_index_stale_and_setup_derives_it_again(built: Path) -> None:
    m = json.loads((built / "manifest.json").read_text())
    assert m["lang_sha256"]  # recorded at build time
    m["lang_sha256"] = "0" * 64  # as if reportqa/lang had changed since
    (built / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexStoreError, match="reportqa/lang.*reportqa setup"):
        load_index(built)


def test_index_of_other_bm25_tokens_is_stale(built: Path) -> None:
    m = json.loads((built / "manifest.json").read_text())
    m["bm25"]["tokenizer"] = "jieba"  # built before compounds indexed their inner words
    (built / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexStoreError, match="holds jieba tokens.*run `reportqa index`"):
        load_index(built)


def _corrupt(folder: Path, name: str, how: str) -> None:
    target = folder / name
    if how == "truncate":
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        target.write_bytes(b"")
    elif how == "random":
        target.write_bytes(bytes(range(256)) * 16)
    elif how == "folder":
        target.unlink()
        target.mkdir()
    elif how == "bad-utf8":
        target.write_bytes(b"\xff\xfe" + target.read_bytes())
    elif how == "bad-row":
        target.write_text('{"id": 1}\n', encoding="utf-8")
    elif how == "shift":
        rows = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
        rows[0]["start"] += 7
        rows[0]["end"] += 7
        target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                          encoding="utf-8")


@pytest.mark.model
@pytest.mark.parametrize(("name", "how"), [
    ("faiss.index", "truncate"), ("faiss.index", "empty"), ("faiss.index", "random"),
    ("faiss.index", "folder"), ("passages.jsonl", "truncate"), ("passages.jsonl", "bad-row"),
    ("passages.jsonl", "shift"), ("documents.jsonl", "bad-utf8"),
    ("documents.jsonl", "truncate"), ("termbase.tsv", "bad-row"), ("termbase.tsv", "bad-utf8"),
])
@pytest.mark.parametrize("sizes", [True, False], ids=["sizes-recorded", "parsers-only"])
def test_a_corrupt_index_file_is_one_line_naming_it(built: Path, tmp_path: Path, name: str,
                                                    how: str, sizes: bool) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    if not sizes:  # as an index built before sizes were recorded: the readers must catch it
        manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
        del manifest["files"]
        (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _corrupt(copy, name, how)
    with pytest.raises(IndexStoreError) as err:
        load_index(copy, verify_corpus=False)
    message = str(err.value)
    assert "\n" not in message and "reportqa index" in message


def test_verify_finds_a_flipped_byte_that_loading_does_not_read(built: Path) -> None:
    from index.store import verify_index

    target = built / "faiss.index"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    load_index(built)  # same size: the cheap check on every load passes
    with pytest.raises(IndexStoreError, match=r"faiss\.index differs from what the build wrote"):
        verify_index(built)


def _dot_entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.suffix != ".lock")


def test_a_build_killed_between_its_renames_is_finished_on_load(built: Path) -> None:
    # What a kill between "index -> .old" and ".building -> index" leaves: no index,
    # two complete copies beside it, the newer one the finished build.
    old = built.with_name(".idx.old-1-1")
    new = built.with_name(".idx.building-x")
    built.rename(old)
    shutil.copytree(old, new)
    manifest = json.loads((new / "manifest.json").read_text())
    manifest["built_at"] = "the newer build"
    (new / "manifest.json").write_text(json.dumps(manifest))
    bundle = load_index(built)
    assert bundle.manifest["built_at"] == "the newer build"
    assert _dot_entries(built.parent) == []


def test_an_unfinished_copy_is_never_put_in_place(built: Path, small_corpus: Path,
                                                  embedder) -> None:  # noqa: ANN001
    # A build killed before its manifest was written is incomplete: the old index wins.
    old = built.with_name(".idx.old-1-1")
    built.rename(old)
    partial = built.with_name(".idx.building-y")
    shutil.copytree(old, partial)
    (partial / "manifest.json").unlink()
    assert load_index(built).manifest["passages"] == 3
    assert _dot_entries(built.parent) == []
    # A later build clears what dead builds left when the index is in place.
    shutil.copytree(built, built.with_name(".idx.building-z"))
    build_index(load_corpus([small_corpus]), embedder, built)
    assert _dot_entries(built.parent) == []


class _MustNotEmbed:
    name = "never"

    def warm_up(self) -> None:
        raise AssertionError("embedded before checking where the index goes")

    encode_passages = warm_up


def test_a_second_build_into_one_folder_is_refused_at_once(built: Path, small_corpus: Path) -> None:
    before = (built / "manifest.json").read_text()
    with build_lock(built.resolve()), pytest.raises(IndexStoreError, match="another build is writing"):
        build_index(load_corpus([small_corpus]), _MustNotEmbed(), built)
    assert (built / "manifest.json").read_text() == before
    assert _dot_entries(built.parent) == []


def test_an_unwritable_destination_is_refused_before_embedding(tmp_path: Path,
                                                               small_corpus: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(IndexStoreError, match="cannot write beside .*choose a writable folder"):
        build_index(load_corpus([small_corpus]), _MustNotEmbed(), blocker / "idx")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_embedding(built: Path, small_corpus: Path) -> None:
    built.parent.chmod(0o555)
    try:
        with pytest.raises(IndexStoreError, match="cannot write beside"):
            build_index(load_corpus([small_corpus]), _MustNotEmbed(), built.parent / "other")
        assert load_index(built).manifest["passages"] == 3  # a read-only index still loads
    finally:
        built.parent.chmod(0o755)


def test_a_folder_that_refuses_writes_is_one_line_before_embedding(
        built: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What a read-only folder does to a build, also where the tests run as root.
    import tempfile

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise PermissionError(13, "Permission denied")

    before = (built / "manifest.json").read_text()
    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(IndexStoreError, match=r"cannot write beside .*\(Permission denied\)"):
        build_index(load_corpus([small_corpus]), _MustNotEmbed(), built)
    assert (built / "manifest.json").read_text() == before
