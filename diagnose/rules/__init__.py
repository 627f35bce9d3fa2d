"""The rulebook: the book's recommendations as data, evaluated into a traced Diagnosis.

- `rulebook`  model, loading and lint of `*.rules.yaml` (docs/rulebook.md)
- `evaluate`  answers + rulebook + parameter overrides -> `diagnose.diagnosis.Diagnosis`
- `structure` today's and the proposed structure, and the consistency guarantees
- `sizing`    headcount arithmetic, shown step by step
- `whatif`    the smallest change of answers that flips each key decision
- `explain`   the diagnosis as terminal text
- `params`    parameter overrides (`--set`, `--params`)
- `words`     the words around the rulebook's texts (locale/rules.yaml)
"""
