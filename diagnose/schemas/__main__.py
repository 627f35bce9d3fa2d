"""`python -m diagnose.schemas`: write the shipped JSON Schemas again from the code (in a checkout)."""

import sys

from diagnose.errors import EXIT_BAD_INPUT, UserError
from diagnose.schemas import write_all

try:
    written = write_all()
except UserError as exc:
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)
for path in written:
    print(f"Wrote {path.name}")
