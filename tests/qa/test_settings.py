"""Settings: every weight in one object, read from a file, kept by an index, used by
answers and recorded by eval; a bad file is one line, never half-read."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from qa.settings import Settings, SettingsError, toml_text
from reportqa.cli import main
from reportqa.paths import CORPUS_DIR


def _numbers(obj: object) -> list[str]:
    """The name of every weight, groups included."""
    out = []
    for f in fields(obj):
        v = getattr(obj, f.name)
        out += [f"{f.name}.{n}" for n in _numbers(v)] if is_dataclass(v) else [f.name]
    return out


def test_defaults_round_trip_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "all.toml"
    path.write_text(toml_text(Settings().to_dict()), encoding="utf-8")
    assert Settings.from_file(path) == Settings()
    assert Settings().changed() == {}
    assert len(_numbers(Settings())) >= 50  # the groups are there, not only the top level


def test_a_file_names_only_what_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("candidates = 24\nmin_coverage = 0.5\n[figure]\nperiod = 0.25\n",
                    encoding="utf-8")
    s = Settings.from_file(path)
    assert s.candidates == 24 and isinstance(s.candidates, int)
    assert s.min_coverage == {"zh": 0.5, "en": 0.5}  # one number is both languages'
    assert s.figure.period == 0.25 and s.figure.unit == Settings().figure.unit
    assert s.changed() == {"candidates": 24, "min_coverage": {"zh": 0.5, "en": 0.5},
                           "figure": {"period": 0.25}}
    as_json = tmp_path / "mine.json"
    as_json.write_text(json.dumps(s.changed()), encoding="utf-8")
    assert Settings.from_file(as_json) == s


@pytest.mark.parametrize(("text", "message"), [
    ("candidats = 20\n", "unknown setting 'candidats'"),
    ("[figure]\nperiodd = 1\n", "unknown setting 'figure.periodd'"),
    ("[figure]\nperiod = \"high\"\n", "figure.period must be a number"),
    ("min_coverage = {fr = 0.4}\n", "no language 'fr'"),
    ("candidates = 2.5\n", "candidates must be a whole number"),
    ("figure = 3\n", "figure must be a table"),
    ("candidates = \n", "is not valid TOML"),
    ("w_bm25 = {zh = true}\n", "w_bm25.zh must be a number"),
])
def test_a_bad_file_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match="bad.toml") as err:
        Settings.from_file(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_resolve_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / "env.toml"
    env.write_text("candidates = 30\n", encoding="utf-8")
    given = tmp_path / "given.toml"
    given.write_text("candidates = 40\n", encoding="utf-8")
    manifest = {"settings": {"candidates": 20}}
    monkeypatch.delenv("REPORTQA_SETTINGS", raising=False)
    assert Settings.resolve(None, None) == Settings()
    assert Settings.resolve(None, manifest).candidates == 20
    monkeypatch.setenv("REPORTQA_SETTINGS", str(env))
    assert Settings.resolve(None, manifest).candidates == 30
    assert Settings.resolve(given, manifest).candidates == 40
    with pytest.raises(SettingsError, match="index's manifest"):
        monkeypatch.delenv("REPORTQA_SETTINGS")
        Settings.resolve(None, {"settings": {"nope": 1}})


def test_cli_bad_settings_file_exits_2_before_loading_a_model(
        index_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[choice]\nclose = [1]\n", encoding="utf-8")
    for argv in (["ask", "芜湖市2022年生产总值是多少?", "--settings", str(bad)],
                 ["settings", "--settings", str(bad)],
                 ["settings", "--settings", str(tmp_path / "missing.toml")]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert "settings file" in err


@pytest.mark.model
def test_an_index_keeps_its_settings_and_answers_by_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reportqa index --settings` keeps what the file changes; a rebuild keeps it; the
    assistant over the index answers with it; `reportqa settings` shows it."""
    from qa import Assistant

    monkeypatch.delenv("REPORTQA_SETTINGS", raising=False)
    mine = tmp_path / "mine.toml"
    mine.write_text("min_coverage = {zh = 1.01}\n[sentence]\nperiod = 0.2\n", encoding="utf-8")
    out = tmp_path / "index"
    docs = [str(CORPUS_DIR / "reports" / "wuhu-2022-bulletin.txt"),
            str(CORPUS_DIR / "reports" / "suining-2021-plan.txt")]
    assert main(["index", *docs, "--out", str(out), "-q", "--settings", str(mine)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"] == {"min_coverage": {"zh": 1.01, "en": 0.4}, "sentence": {"period": 0.2}}
    assert main(["index", *docs, "--out", str(out), "-q"]) == 0  # rebuilt: kept
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"] == {"min_coverage": {"zh": 1.01, "en": 0.4}, "sentence": {"period": 0.2}}
    capsys.readouterr()
    assert main(["settings", "--index", str(out), "--changed", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == manifest["settings"]

    a = Assistant.load(index_dir=out)
    assert a.settings.min_coverage["zh"] == 1.01 and a.settings.sentence.period == 0.2
    # A coverage floor no sentence reaches: the index's settings abstain, the defaults answer.
    q = "芜湖市2022年第二产业增加值是多少?"
    assert a.ask(q).abstained
    answer = Assistant.load(index_dir=out, settings=Settings()).ask(q)
    assert not answer.abstained and "2135.58亿元" in [f.text for f in answer.figures]


@pytest.mark.model
def test_eval_records_and_obeys_its_settings(index_dir: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A coverage floor no sentence can reach turns every answer into an abstention,
    over two reports; metrics.json says which settings made the answers."""
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "s1", "lang": "zh", "kind": "figure", "question": "芜湖市2022年全市生产总值是多少?",
         "evidence": ["全年全市实现生产总值4502.13亿元"], "answer": ["4502.13亿元"],
         "docs": ["wuhu-2022-bulletin"]},
        {"id": "s2", "lang": "zh", "kind": "figure", "question": "遂宁2021年社会消费品零售总额是多少?",
         "evidence": ["社会消费品零售总额548.7亿元"], "answer": ["548.7亿元"],
         "docs": ["suining-2021-plan"]},
    ]
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    strict = tmp_path / "strict.toml"
    strict.write_text("min_coverage = 1.01\n", encoding="utf-8")
    results = {}
    for name, extra in (("defaults", []), ("strict", ["--settings", str(strict)])):
        out = tmp_path / name
        assert main(["eval", "--gold", str(gold), "--index", str(index_dir), "--out", str(out),
                     *extra]) == 0
        results[name] = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    capsys.readouterr()
    assert results["defaults"]["settings"]["min_coverage"] == Settings().min_coverage
    assert results["strict"]["settings"]["min_coverage"] == {"zh": 1.01, "en": 1.01}
    assert results["defaults"]["all"]["strict_acc"] == 1.0
    assert results["strict"]["all"]["strict_acc"] == 0.0
