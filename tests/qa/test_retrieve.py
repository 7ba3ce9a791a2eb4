"""Ranked passages: at most a few rows of one table."""

from __future__ import annotations

import numpy as np
import pytest

from qa.retrieve import top_hits

pytestmark = pytest.mark.model


def test_rows_per_table_caps_one_tables_rows(assistant) -> None:  # noqa: ANN001
    passages = assistant.bundle.passages
    # Every table row scores above every text passage.
    scores = np.array([2.0 if p.kind == "table_row" else 1.0 for p in passages])
    plain = top_hits(assistant.bundle, scores, 16, "hybrid")
    assert all(h.passage.kind == "table_row" for h in plain)
    capped = top_hits(assistant.bundle, scores, 16, "hybrid", rows_per_table=2)
    tables = [h.passage.section for h in capped if h.passage.kind == "table_row"]
    assert len(capped) == 16
    assert max(tables.count(t) for t in tables) == 2
    assert [h.score for h in capped] == sorted((h.score for h in capped), reverse=True)
