"""Evaluation harness: score pipeline results against a labelled corpus.

`scoring` holds the pure scoring rules (see its docstring and README.md here),
`corpus` finds documents and their truth files, `report` aggregates scores into
`report.json` / `report.md`. The commands `backoffice eval` and `backoffice bench`
(in `api.commands`) drive them.
"""
