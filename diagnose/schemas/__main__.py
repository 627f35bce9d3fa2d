"""`python -m diagnose.schemas`: write the shipped JSON Schemas again from the code."""

from diagnose.schemas import write_all

for path in write_all():
    print(f"Wrote {path.name}")
