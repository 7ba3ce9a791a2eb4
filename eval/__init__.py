"""Evaluation: score the assistant on gold questions (``reportqa eval``).

`gold` reads and validates gold JSONL, `metrics` scores answers, `runner`
asks an in-process or HTTP answer source, `report` writes the files,
`thresholds` checks ``--min`` gates and `cli` wires it to the command line.
"""
