"""One router per resource: ask, search, documents, health."""
