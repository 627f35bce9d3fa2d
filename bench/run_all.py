"""Every benchmark in one run: report speed, batch speed and memory, the demo PDF's size.

Run: .venv/bin/python bench/run_all.py [--quick]

Runs bench/report_speed.py and bench/batch_speed.py (each prints its own figures and
ratios, all measured within that one run), then writes the demo report with
`diagnose demo` into a temporary folder and prints its size and page count. At the end it
repeats the ratio lines of all of them, so that one command gives the figures that
docs/performance.md records. `--quick` uses small sizes (a smoke run, not for the docs).
Nothing here asserts a time: the machine may be shared; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def run(title: str, command: list[str]) -> list[str]:
    """Run one benchmark, echoing its output; return its lines."""
    print(f"\n=== {title}: {' '.join(Path(c).name if c == PY else c for c in command)}", flush=True)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    print(result.stdout, end="")
    if result.returncode != 0:
        print(result.stderr, end="", file=sys.stderr)
        raise SystemExit(f"{title} failed with exit code {result.returncode}")
    print(f"({title} took {time.perf_counter() - start:.0f} s)")
    return result.stdout.splitlines()


def demo_pdf() -> list[str]:
    """`diagnose demo` in a fresh process: its wall time, the PDF's size and pages."""
    from pypdf import PdfReader

    print("\n=== demo PDF: diagnose demo -o TMP", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run([PY, "-m", "diagnose", "demo", "-o", folder], check=True, capture_output=True)
        wall = time.perf_counter() - start
        (pdf,) = Path(folder).glob("*.pdf")
        size = pdf.stat().st_size
        pages = len(PdfReader(pdf).pages)
    lines = [f"demo PDF: {size / 1024:.0f} KB, {pages} pages, {size / 1024 / pages:.1f} KB per page "
             f"(diagnose demo took {wall:.1f} s)"]
    print(lines[0])
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run, not for the docs")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    report = run("report speed", [PY, str(HERE / "report_speed.py"), "--runs", "1" if args.quick else "3"])
    batch_args = ["--files", "10", "--memory", "5,20"] if args.quick else []
    batch = run("batch speed and memory", [PY, str(HERE / "batch_speed.py"), *batch_args])
    demo = demo_pdf()
    print("\n=== ratios and sizes from this run")
    for line in report + batch + demo:
        if "ratio" in line or "share" in line or "largest process" in line or line.startswith("demo PDF"):
            print(line.strip())


if __name__ == "__main__":
    main()
