"""Progress bars for long work (an index build's embedding, an evaluation, the model
build): shown on a terminal, silent in CI logs and pipes.

``REPORTQA_PROGRESS=1`` shows them anyway, ``0`` never; otherwise they appear only
when stderr is a terminal. tqdm draws them, on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def enabled(wanted: bool = True) -> bool:
    """Whether a bar is drawn: asked for, and the terminal (or the setting) allows it."""
    if not wanted:
        return False
    forced = os.environ.get("REPORTQA_PROGRESS", "").strip().lower()
    if forced in ("0", "false", "no", "off"):
        return False
    if forced in ("1", "true", "yes", "on"):
        return True
    return sys.stderr.isatty()


def bar(total: int, desc: str, unit: str = "it", wanted: bool = True) -> Any:
    """A bar to `.update(n)` and `.close()` (or use as a context manager)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled(wanted), leave=False,
                file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def each(items: Iterable[T], total: int | None, desc: str, unit: str = "it",
         wanted: bool = True) -> Iterator[T]:
    """`items`, counted on a bar as they are consumed."""
    with bar(total or 0, desc, unit, wanted) as b:
        for item in items:
            yield item
            b.update(1)
