"""Retrieval and answering: `Assistant.load().ask(question) -> Answer`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.assistant import Assistant, Settings

__all__ = ["Assistant", "Settings"]


def __getattr__(name: str) -> Any:
    # Lazy, so `import qa` (e.g. for `reportqa --help`) loads neither torch nor FAISS.
    if name in __all__:
        from qa import assistant

        return getattr(assistant, name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
