"""A build killed at any step leaves a loadable index (the old one or the new one),
and the next build leaves nothing behind.

Each case runs a real build in a child process that dies (`os._exit`, no clean-up,
as `kill -9` would) at the n-th call of one step. The embedder is a stand-in with
fixed vectors: what is under test is the writing, not the model.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corpus import load_corpus
from index.store import build_index, load_index

pytestmark = pytest.mark.slow

OLD = """示例报告

一、2022年执行情况
全年地区生产总值增长3.5%，粮食产量达到47.6万吨。

二、2023年计划
地区生产总值增长7%以上。
"""
NEW = OLD + "\n三、补充说明\n全年天然气产量5.4亿立方米，新增就业2.8万人。\n"

CHILD = r"""
import os, pathlib, shutil, sys
import numpy as np
import faiss
import index.store as st
from corpus import load_corpus

step, nth, src, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

class Fixed:
    name = "fixed-vectors"
    def warm_up(self):
        pass
    def encode_passages(self, texts, progress=False):
        v = np.random.default_rng(len(texts)).normal(size=(len(texts), 8)).astype("float32")
        return v / np.linalg.norm(v, axis=1, keepdims=True)

calls = 0
def dying(original):
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == nth:
            os._exit(9)
        return original(*args, **kwargs)
    return call

owner = {"rename": pathlib.Path, "rmtree": shutil, "write_index": faiss}.get(step, st)
setattr(owner, step, dying(getattr(owner, step)))
st.build_index(load_corpus([src]), Fixed(), pathlib.Path(out))
"""

# (step, which call of it): every write, sync and rename of a build, in order.
STEPS = [
    ("write_index", 1),      # the FAISS file
    ("_write_jsonl", 1),     # passages
    ("_write_jsonl", 2),     # documents
    ("file_table", 1),       # hashing before the manifest
    ("_sync_tree", 1),
    ("_fsync", 1),           # the first file's fsync
    ("_fsync", 3),
    ("rename", 1),           # index -> .old
    ("rename", 2),           # .building -> index (the old one is aside)
    ("rmtree", 1),           # removing the old copy
]


class Fixed:
    name = "fixed-vectors"

    def warm_up(self) -> None:
        pass

    def encode_passages(self, texts, progress: bool = False) -> np.ndarray:  # noqa: ANN001
        v = np.random.default_rng(len(texts)).normal(size=(len(texts), 8)).astype("float32")
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith(".") and not p.name.endswith(".lock"))


@pytest.mark.parametrize(("step", "nth"), STEPS, ids=[f"{s}-{n}" for s, n in STEPS])
def test_a_kill_at_any_step_leaves_a_loadable_index(tmp_path: Path, step: str, nth: int) -> None:
    src = tmp_path / "docs"
    src.mkdir()
    doc = src / "report.txt"
    doc.write_text(OLD, encoding="utf-8")
    out = tmp_path / "idx"
    old = build_index(load_corpus([src]), Fixed(), out)
    doc.write_text(NEW, encoding="utf-8")
    new_count = sum(len(ps) for _, ps in load_corpus([src]))
    assert new_count != old["passages"]

    child = subprocess.run([sys.executable, "-c", CHILD, step, str(nth), str(src), str(out)],
                           capture_output=True, text=True, timeout=120,
                           cwd=Path(__file__).resolve().parents[2])
    assert child.returncode == 9, child.stderr[-2000:]

    survivor = load_index(out, verify_corpus=False)
    assert survivor.manifest["passages"] in (old["passages"], new_count)
    for p in survivor.passages:
        assert survivor.documents[p.doc_id].text[p.start:p.end] == p.text

    build_index(load_corpus([src]), Fixed(), out)
    assert load_index(out).manifest["passages"] == new_count
    assert _leftovers(tmp_path) == []
