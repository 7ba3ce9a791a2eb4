"""The synthetic library of the `library` benchmark: real openings under made-up names."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.library_bench import synthetic_bundle
from index.store import load_index
from qa.route import Router


@pytest.mark.model
def test_synthetic_library_replicates_reports_under_made_up_places(index_dir: Path) -> None:
    bundle = synthetic_bundle(load_index(index_dir), 40)
    assert len(bundle.documents) == 40
    assert bundle.faiss.ntotal == len(bundle.passages)
    names = {d.profile.place.name for d in bundle.documents.values()}
    assert len(names) == 40  # every copy its own place
    for d in bundle.documents.values():  # passages are exact slices of their own copy
        for p in (p for p in bundle.passages if p.doc_id == d.id):
            assert d.text[p.start:p.end] == p.text
    router = Router({d.id: d.profile for d in bundle.documents.values()})
    one = next(iter(bundle.documents.values()))
    assert router.route(f"{one.profile.place.name}的地区生产总值").docs == (one.id,)
