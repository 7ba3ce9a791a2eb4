"""What an assistant computes from its index is saved beside it (qa.warm) and read
back on the next start: the same answers, recomputed whenever what it was computed
from changes, and a broken or unwritable file only costs time."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from corpus import load_corpus
from index.store import IndexStoreError, build_index, load_index, read_manifest
from qa import warm
from qa.assistant import Assistant, Settings
from reportqa.paths import CORPUS_DIR

REPORTS = ["reports/wuhu-2022-bulletin.txt", "reports/yanbian-2021-gwr.txt"]
# Answered and not, both languages, both reports: the same either way is what counts.
QUESTIONS = ["芜湖市2022年末城镇化率多少？", "延边州去武汉支援的医务人员有多少名？",
             "By how much did consumer prices rise in Wuhu in 2022?",
             "How many medical workers did Yanbian send to Wuhan?"]


@pytest.fixture(scope="module")
def built(embedder, tmp_path_factory) -> Path:  # noqa: ANN001
    out = tmp_path_factory.mktemp("warm") / "index"
    build_index(load_corpus([CORPUS_DIR / r for r in REPORTS]), embedder, out)
    return out


@pytest.fixture
def index(built: Path, tmp_path: Path) -> Path:
    out = tmp_path / "index"
    shutil.copytree(built, out)
    return out


def _answers(assistant: Assistant) -> list[dict]:
    answers = [assistant.ask(q).to_dict() for q in QUESTIONS]
    for a in answers:
        a.pop("timing_ms")
    return answers


def test_a_second_start_reads_what_the_first_computed(index: Path) -> None:
    assert not (index / warm.WARM_FILE).exists()
    cold = Assistant.load(index)
    assert (index / warm.WARM_FILE).is_file()
    assert Assistant.prepare(index) is False  # saved already: nothing to compute
    again = Assistant.load(index)
    assert _answers(again) == _answers(cold)
    assert again._figures == cold._figures and again._periods == cold._periods


def test_prepare_saves_what_load_then_reads(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Assistant.prepare(index) is True
    computed = []
    real = Assistant._extract
    monkeypatch.setattr(Assistant, "_extract", lambda self, p: computed.append(p) or real(self, p))
    Assistant.load(index)
    assert computed == []  # the figures came from the file


def test_other_settings_are_computed_again(index: Path) -> None:
    Assistant.load(index)
    first = warm.key(read_manifest(index), (), Settings())
    other = replace(Settings(), candidates=Settings().candidates + 4)
    assert warm.key(read_manifest(index), (), other) != first
    Assistant.load(index, settings=other)
    assert warm.read(index, warm.key(read_manifest(index), (), other)) is not None
    assert warm.read(index, first) is None  # one file, the latest key


def test_a_rebuilt_index_is_never_read_with_the_old_state(index: Path, embedder) -> None:  # noqa: ANN001
    Assistant.load(index)
    before = warm.key(read_manifest(index), (), Settings())
    build_index(load_corpus([CORPUS_DIR / REPORTS[0]]), embedder, index)  # Wuhu alone now
    assert warm.key(read_manifest(index), (), Settings()) != before
    rebuilt = Assistant.load(index)
    assert set(rebuilt._figures) == {p.id for p in rebuilt.bundle.passages}
    assert len(rebuilt._periods) == len(rebuilt.bundle.passages)
    routed = {docs for _, docs in rebuilt.router.zh.values() if docs}
    assert routed == {("wuhu-2022-bulletin",)}  # Yanbian's report routes nothing now


def test_an_override_glossarys_bytes_are_in_the_key(index: Path, tmp_path: Path) -> None:
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("粮食产量\tgrain output\n", encoding="utf-8")
    first = warm.key(read_manifest(index), (str(glossary),), Settings())
    glossary.write_text("粮食产量\tgrain production\n", encoding="utf-8")
    assert warm.key(read_manifest(index), (str(glossary),), Settings()) != first


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_broken_file_is_computed_again(index: Path, content: bytes) -> None:
    expected = _answers(Assistant.load(index))
    (index / warm.WARM_FILE).write_bytes(content)
    assert _answers(Assistant.load(index)) == expected
    assert warm.read(index, warm.key(read_manifest(index), (), Settings())) is not None  # and saved again


def test_a_folder_that_cannot_be_written_still_answers(index: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - tempfile.mkstemp's
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(warm.tempfile, "mkstemp", refuse)
    assistant = Assistant.load(index)
    assert not (index / warm.WARM_FILE).exists()
    assert not assistant.ask(QUESTIONS[0]).abstained
    assert sorted(p.name for p in index.iterdir() if p.name.startswith(".warm")) == []


def test_a_handed_in_index_is_still_checked_against_the_model(index: Path) -> None:
    bundle = load_index(index)
    with pytest.raises(IndexStoreError, match="was built with model .*, not /tmp/other-model"):
        Assistant.load(index, model="/tmp/other-model", bundle=bundle)


def test_a_build_killed_between_its_renames_is_put_back_before_loading(index: Path) -> None:
    aside = index.with_name(f".{index.name}.old-1-1")
    index.rename(aside)  # what a build killed after moving the old index aside leaves
    assistant = Assistant.load(index)
    assert index.is_dir() and not aside.exists()
    assert not assistant.ask(QUESTIONS[0]).abstained
