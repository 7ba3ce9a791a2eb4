"""The one error type of the corpus stage."""

from __future__ import annotations


class CorpusError(ValueError):
    """A document that cannot be found, read or decoded.

    The message is one line: the file, what is wrong with it, and what to do.
    """
