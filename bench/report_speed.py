"""How much of a report's time is ours, and how fast `diagnose --help` starts.

Run: .venv/bin/python bench/report_speed.py [--runs N]

Prints, from one run of this script:
1. `diagnose report DEMO -o FILE` against a bare WeasyPrint render of the very same HTML and
   CSS (both as fresh processes, so both pay Python start-up and `import weasyprint`; run
   alternately, so that a busy machine slows both alike), with the load cache warm as after
   any first run, and once more without it (DIAGNOSE_NO_CACHE=1, as on the first run);
   then everything of ours with Python start-up and imports but without WeasyPrint: the HTML
   report less a bare `python -c pass`, as a share of the PDF report's time;
2. the in-process split: our stages (load answers, rules, context, charts, templates) against
   WeasyPrint's layout and PDF writing;
3. `diagnose --help` against a bare click command with one option.
Medians of N runs (and the fastest, the figure least disturbed by other work on the
machine). Every command runs with its compiled bytecode kept (in a temporary
PYTHONPYCACHEPREFIX, even where PYTHONDONTWRITEBYTECODE is set), as in an installed
package, whose modules pip compiles when it installs them. This is a benchmark, not a
test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from diagnose.answers import load_answers
from diagnose.method import load_method
from diagnose.report.render import build_html, diagnosis_for
from diagnose.resources import examples_dir

DEMO = examples_dir() / "engineering-equipment.yaml"
PY = sys.executable
DIAGNOSE = [PY, "-m", "diagnose"]

BARE_WEASYPRINT = """
import sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
html, css, base, out = sys.argv[1:5]
fonts = FontConfiguration()
sheet = CSS(string=open(css, encoding="utf-8").read(), base_url=base, font_config=fonts)
HTML(string=open(html, encoding="utf-8").read(), base_url=base).write_pdf(out, stylesheets=[sheet], font_config=fonts)
"""

BARE_CLICK = """
import click

@click.command()
@click.option("--lang")
def main(lang):
    "A bare command."

main()
"""


# compiled modules are kept for the whole run, outside the source tree
PYCACHE = tempfile.mkdtemp(prefix="diagnose-bench-pycache-")
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPYCACHEPREFIX": PYCACHE}


def walls(commands: list[list[str]], runs: int, env: dict[str, str] | None = None) -> list[list[float]]:
    """Wall times of each command, the commands taking turns run after run."""
    env = env or ENV
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            times[index].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # the exact HTML and CSS the report renders (stylesheet kept apart, as in the PDF path)
        method = load_method()  # loaded once, as in a batch worker
        diagnosis = diagnosis_for(DEMO, method)
        html, context, folders, brand = build_html(diagnosis, inline_css=False)
        from diagnose.report.html import stylesheets

        css_file, extra = stylesheets(context, folders, brand.css())
        (folder / "r.html").write_text(html, encoding="utf-8")
        (folder / "r.css").write_text(css_file.read_text(encoding="utf-8") + extra, encoding="utf-8")
        base = folders[-1].as_uri() + "/"

        report = [*DIAGNOSE, "report", str(DEMO), "-o", str(folder / "a.pdf")]
        bare_render = [PY, "-c", BARE_WEASYPRINT, str(folder / "r.html"), str(folder / "r.css"), base,
                       str(folder / "b.pdf")]
        # the first run fills the load cache and compiles the modules, as any first run does
        subprocess.run(report, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        subprocess.run(bare_render, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        ours_all, bare_all = walls([report, bare_render], runs)
        ours, bare = statistics.median(ours_all), statistics.median(bare_all)
        print(f"diagnose report (whole command)     {ours * 1000:7.0f} ms   fastest {min(ours_all) * 1000:5.0f} ms")
        print(f"bare WeasyPrint, same HTML and CSS   {bare * 1000:7.0f} ms   fastest {min(bare_all) * 1000:5.0f} ms")
        print(f"ratio report / bare WeasyPrint       {ours / bare:7.2f}      fastest {min(ours_all) / min(bare_all):5.2f}")
        cold_all, bare_all = walls([report, bare_render], runs, env={**ENV, "DIAGNOSE_NO_CACHE": "1"})
        cold, bare = statistics.median(cold_all), statistics.median(bare_all)
        print(f"the same without the load cache      {cold * 1000:7.0f} ms   ratio {cold / bare:5.2f}")
        # Everything of ours in a fresh process, start-up included, without WeasyPrint's
        # seconds and their noise: the HTML report less a bare Python start.
        html_report = [*DIAGNOSE, "report", str(DEMO), "--format", "html", "-o", str(folder / "a.html")]
        html_all, python_all = walls([html_report, [PY, "-c", "pass"]], runs)
        own = min(html_all) - min(python_all)
        print(f"ours in a fresh process (HTML report less bare Python start, fastest runs)  {own * 1000:5.0f} ms")
        print(f"our share of a report, start-up included (that / the report's median)       {own / ours * 100:5.1f} %")

        # in-process split: our stages vs WeasyPrint (imported before timing, as in a batch worker)
        from diagnose.report.pdf import ReportFetcher, html_to_pdf

        stage_ours, stage_pdf = [], []
        for _ in range(runs):
            start = time.perf_counter()
            answers = load_answers(DEMO)
            diagnosis = diagnosis_for(answers, method)
            html, context, folders, brand = build_html(diagnosis, inline_css=False)
            middle = time.perf_counter()
            css_file, extra = stylesheets(context, folders, brand.css())
            html_to_pdf(html, base, css_file, extra, ReportFetcher(folders, [brand.logo] if brand.logo else []))
            stage_ours.append(middle - start)
            stage_pdf.append(time.perf_counter() - middle)
        mine, pdf = statistics.median(stage_ours), statistics.median(stage_pdf)
        print(f"our stages (load, rules, context, charts, templates)  {mine * 1000:6.0f} ms")
        print(f"WeasyPrint layout and PDF                             {pdf * 1000:6.0f} ms")
        print(f"our share of the report's time                        {mine / (mine + pdf) * 100:6.1f} %")

    walls([[*DIAGNOSE, "--help"], [PY, "-c", BARE_CLICK, "--help"]], 1)  # compile both once
    helped_all, bare_click_all = walls([[*DIAGNOSE, "--help"], [PY, "-c", BARE_CLICK, "--help"]], runs)
    helped, bare_click = statistics.median(helped_all), statistics.median(bare_click_all)
    print(f"diagnose --help                      {helped * 1000:7.0f} ms")
    print(f"bare click command --help            {bare_click * 1000:7.0f} ms")
    print(f"ratio --help / bare click            {helped / bare_click:7.2f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(PYCACHE, ignore_errors=True)
