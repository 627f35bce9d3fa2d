"""A plain `diagnose report` imports only what a PDF report needs.

Every module a fresh process imports is paid by every report (docs/performance.md,
"Start-up"). Word, spreadsheets, schemas, form tools, the interview, the batch and the
PNG renderer are imported by the commands that use them; with the load cache warm, a
report does not load Babel's locale data either (the locale's CLDR figures are kept).
This fails when someone adds an eager import of one of them on the report's path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from diagnose.resources import examples_dir

DEMO = examples_dir() / "engineering-equipment.yaml"

# imported by other commands only
NOT_FOR_A_REPORT = (
    "docx", "openpyxl", "jsonschema", "questionary", "prompt_toolkit", "pypdfium2", "platformdirs",
    "diagnose.interview", "diagnose.xlsform", "diagnose.batch", "diagnose.paper", "diagnose.validate",
    "diagnose.report.word", "diagnose.report.raster",
)
# needed only to fill the load cache: a warm report reads its small pickles instead
NOT_WITH_A_WARM_CACHE = ("babel.numbers", "babel.dates")

RUN_REPORT = """
import sys
from diagnose.cli import cli
try:
    cli(["report", sys.argv[1], "--format", sys.argv[2], "-o", sys.argv[3]], prog_name="diagnose")
except SystemExit as exc:
    if exc.code:
        raise
print("imported:", " ".join(sorted(sys.modules)))
"""


def _report(fmt: str, output: Path, cache: Path) -> set[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("DIAGNOSE_NO_CACHE", None)
    result = subprocess.run([sys.executable, "-c", RUN_REPORT, str(DEMO), fmt, str(output)], capture_output=True,
                            text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("imported:")]
    return set(line.split()[1:])


def test_a_pdf_report_imports_only_what_it_needs(tmp_path: Path) -> None:
    cold = _report("html", tmp_path / "first.html", tmp_path / "cache")  # fills the load cache
    assert sorted(cold & set(NOT_FOR_A_REPORT)) == []
    assert "babel.numbers" in cold  # filling the cache reads Babel's data
    warm = _report("pdf", tmp_path / "report.pdf", tmp_path / "cache")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "weasyprint" in warm  # the check itself sees what was imported
    assert sorted(warm & set(NOT_FOR_A_REPORT)) == []
    assert sorted(warm & set(NOT_WITH_A_WARM_CACHE)) == []
