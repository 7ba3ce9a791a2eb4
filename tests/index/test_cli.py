"""`reportqa index / info / passages`: contracts and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportqa.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


BAD_INPUTS = {
    "empty.txt": b"",
    "blank.txt": b"   \n\t\n",
    "binary.txt": bytes(range(256)) * 8,
    "undecodable.txt": b"\xff\xfe\xfa\xfb" * 50 + b"\x81\x30\x81",
    "notext.pdf": (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                   b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                   b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
                   b"trailer<</Root 1 0 R>>\n%%EOF\n"),
}


@pytest.mark.model
@pytest.mark.parametrize("name", [*BAD_INPUTS, "missing.txt"])
def test_bad_input_is_one_line_and_keeps_the_index(
    name: str, tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    if name in BAD_INPUTS:
        path.write_bytes(BAD_INPUTS[name])
    before = (index_dir / "manifest.json").read_text()
    code, out, err = _run(capsys, "index", str(path), "--out", str(index_dir), "-q")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "Traceback" not in err
    assert (index_dir / "manifest.json").read_text() == before
    assert _run(capsys, "info", "--index", str(index_dir))[0] == 0


@pytest.mark.model
def test_info_json_lists_documents(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "info", "--json", "--index", str(index_dir))
    info = json.loads(out)
    assert code == 0
    doc = next(d for d in info["documents"] if d["id"] == "yongchuan-2022-2023")
    assert {k: doc[k] for k in ("title", "path", "chars")} == {
        "title": "关于重庆市永川区2022年国民经济和社会发展计划执行情况及2023年计划草案的报告",
        "path": "corpus/yongchuan-2022-2023.txt", "chars": 23705}
    # Each document's profile, derived from it at index time.
    assert doc["profile"]["place"]["name"] == "永川区"
    assert (doc["profile"]["result_year"], doc["profile"]["target_year"]) == (2022, 2023)
    assert len(info["documents"]) == 26
    assert info["dim"] == 384 and info["model"] == "data/models/multilingual-e5-small"
    for key in ("corpus_checksum", "format_version", "built_at", "normalized"):
        assert key in info


@pytest.mark.model
def test_passages_are_json_lines_of_exact_slices(
    index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reportqa.paths import CORPUS_DIR

    text = (CORPUS_DIR / "yongchuan-2022-2023.txt").read_text(encoding="utf-8")
    code, out, _ = _run(capsys, "passages", "--doc", "yongchuan-2022-2023",
                        "--index", str(index_dir))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) > 100
    assert set(rows[0]) == {"id", "doc_id", "section", "period", "start", "end", "text"}
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    code, _, err = _run(capsys, "passages", "--doc", "nope", "--index", str(index_dir))
    assert code == 2 and "no document 'nope'" in err


def test_no_index_says_what_to_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "info", "--index", str(tmp_path / "none"))
    assert code == 2 and "run `reportqa index`" in err


@pytest.mark.model
def test_setup_rebuilds_a_stale_index_from_its_own_documents(
    tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A user's index that went stale is rebuilt from the documents it was built
    from, never replaced by the default library."""
    from reportqa.paths import CORPUS_DIR

    out = tmp_path / "mine"
    src = CORPUS_DIR / "reports" / "wuhu-2022-bulletin.txt"
    assert _run(capsys, "index", str(src), "--out", str(out), "-q")[0] == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["format_version"] = 1  # as an older version of the program left it
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _run(capsys, "setup", "--index", str(out))[0] == 0
    info = json.loads(_run(capsys, "info", "--json", "--index", str(out))[1])
    assert [d["id"] for d in info["documents"]] == ["wuhu-2022-bulletin"]


@pytest.mark.model
def test_setup_rebuilds_an_index_of_another_backend_and_prepares_it(
    tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An index embedded by torch, set up where ONNX is the backend, is embedded
    again (queries and passages of one index by one backend), and its start state
    saved beside it; a second set-up finds everything ready."""
    from reportqa.paths import CORPUS_DIR

    out = tmp_path / "mine"
    src = CORPUS_DIR / "reports" / "yanbian-2021-gwr.txt"
    monkeypatch.setenv("REPORTQA_BACKEND", "torch")
    assert _run(capsys, "index", str(src), "--out", str(out), "-q")[0] == 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["backend"] == "torch"
    monkeypatch.setenv("REPORTQA_BACKEND", "onnx")
    code, _, err = _run(capsys, "setup", "--index", str(out))
    assert code == 0 and "embedded by the torch backend, not onnx" in err and "prepared" in err
    info = json.loads(_run(capsys, "info", "--json", "--index", str(out))[1])
    assert [d["id"] for d in info["documents"]] == ["yanbian-2021-gwr"]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["backend"] == "onnx"
    assert (out / "assistant.warm").is_file()
    code, printed, err = _run(capsys, "setup", "--index", str(out))
    assert code == 0 and "index ready" in printed and "prepared" not in err


@pytest.mark.model
def test_setup_embeds_again_an_index_of_other_model_files(
    tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The index records the model files its vectors came from; after the model is
    rebuilt or exported anew, set-up embeds the index's own documents again."""
    from index.embed import Embedder
    from reportqa.paths import CORPUS_DIR

    out = tmp_path / "mine"
    src = CORPUS_DIR / "reports" / "zuoyun-2020-bulletin.txt"
    assert _run(capsys, "index", str(src), "--out", str(out), "-q")[0] == 0
    code, printed, err = _run(capsys, "setup", "--index", str(out))
    assert code == 0 and "index ready" in printed and "embedded again" not in err
    monkeypatch.setattr(Embedder, "fingerprint", lambda self: "files of a new export")
    code, _, err = _run(capsys, "setup", "--index", str(out))
    assert code == 0 and "the model files changed since the index" in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model_fingerprint"] == "files of a new export"
    assert manifest["embedded"] == {"passages": manifest["passages"], "reused": 0}
    assert [d["id"] for d in manifest["documents"]] == ["zuoyun-2020-bulletin"]


@pytest.mark.parametrize("manifest", ["[]", "{not json", '{"dim": 384}'])
def test_setup_refuses_an_index_it_cannot_read(
    manifest: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "manifest.json").write_text(manifest, encoding="utf-8")
    code, _, err = _run(capsys, "setup", "--index", str(out))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "reportqa index" in err
    assert (out / "manifest.json").read_text(encoding="utf-8") == manifest  # untouched


def test_serve_never_builds_a_missing_index(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "serve", "--index", str(tmp_path / "none"))
    assert code == 2 and "reportqa index" in err and "Traceback" not in err
    assert not (tmp_path / "none").exists()
