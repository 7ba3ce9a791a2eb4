"""Property-based fuzzing of every operation in the app's own OpenAPI schema: no 5xx, ever.

schemathesis generates valid and invalid requests (positive and negative modes)
for all operations from /openapi.json, and calls the app in-process through
ASGI (no network). Bounded: a fixed number of cases, derandomized, so the run is
repeatable and takes well under a minute.

(schemathesis' own pytest plugin, `schema.parametrize()`, reads a private
attribute that pytest 9 removed; its Hypothesis strategies work as documented.)
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from api.app import create_app  # noqa: E402
from tests.api import conftest  # noqa: E402

pytestmark = pytest.mark.model

CASES = 300


def test_no_operation_answers_with_a_server_error(assistant, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    # Hypothesis keeps a cache folder; not in the work tree.
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "hypothesis"))
    app = create_app(conftest.settings(), loader=lambda: assistant)
    app.state.model.load()  # schemathesis' ASGI client runs no lifespan; this is instant
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    cases = (schema.as_strategy(GenerationMode.POSITIVE)
             | schema.as_strategy(GenerationMode.NEGATIVE))
    seen: dict[int, int] = {}

    @given(case=cases)
    @settings(max_examples=CASES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case) -> None:  # noqa: ANN001 - schemathesis Case
        response = case.call()
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        case.validate_response(response, checks=[not_a_server_error])

    call()
    assert sum(seen.values()) <= CASES * 2  # Hypothesis may replay a few while shrinking
    assert max(seen) < 500, seen
    # Both kinds of request got through: answered ones and refused ones.
    assert 200 in seen and 422 in seen, seen
