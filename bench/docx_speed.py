"""The DOCX report's time against the PDF report's, for the demo company.

Run: .venv/bin/python bench/docx_speed.py [--runs N]

In one warm process (questionnaire, rulebook and diagnosis made once, WeasyPrint imported
and one PDF made before timing), renders the demo's report as PDF and as DOCX alternately,
N times each, so that a busy machine slows both alike, and prints the median and fastest
of each, the DOCX / PDF ratio of the medians, and where the DOCX's time goes: the HTML
both are made of, drawing the charts (one small WeasyPrint PDF, rasterised by pdfium) and
writing the Word document. A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import time

from diagnose.report.render import build_html, diagnosis_for, report_bytes
from diagnose.resources import examples_dir

DEMO = examples_dir() / "engineering-equipment.yaml"


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    diagnosis = diagnosis_for(DEMO)
    report_bytes(diagnosis, "pdf")  # imports and first-use costs out of the figures
    report_bytes(diagnosis, "docx")
    times: dict[str, list[float]] = {"pdf": [], "docx": []}
    for _ in range(args.runs):
        for fmt in times:
            times[fmt].append(timed(lambda fmt=fmt: report_bytes(diagnosis, fmt)))
    for fmt, values in times.items():
        print(f"{fmt:>4}: median {statistics.median(values):.2f} s, fastest {min(values):.2f} s ({args.runs} runs)")
    ratio = statistics.median(times["docx"]) / statistics.median(times["pdf"])
    print(f"DOCX / PDF time: {ratio:.2f}")

    from diagnose.report.html import stylesheets, template_folders
    from diagnose.report.raster import rasterise
    from diagnose.report.word import html_to_docx, parse

    html_time = statistics.median(timed(lambda: build_html(diagnosis, inline_css=False)) for _ in range(args.runs))
    html, context, folders, brand = build_html(diagnosis, inline_css=False)
    css_file, _ = stylesheets(context, template_folders(None), brand.css())
    _, svgs = parse(html)
    draw = statistics.median(timed(lambda: rasterise(svgs, brand.logo, folders, css_file)) for _ in range(args.runs))
    whole = statistics.median(timed(lambda: html_to_docx(html, context, folders, css_file, brand.logo))
                              for _ in range(args.runs))
    print(f"DOCX split (medians): HTML {html_time:.2f} s, drawings to PNG {draw:.2f} s ({len(svgs)} SVGs and the logo), "
          f"Word document {max(whole - draw, 0):.2f} s")


if __name__ == "__main__":
    main()
