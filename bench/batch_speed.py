"""Batch throughput, per-report cost and peak memory of `diagnose batch`.

Run: .venv/bin/python bench/batch_speed.py [--files 200] [--memory 50,500] [--format pdf]

Generates answer files in a temporary folder (the bundled examples, cycled, with their
company names and a few numbers varied so that the reports differ), then prints, from
one run of this script:
1. throughput of `--jobs 1` and `--jobs 2` on the same files, and their ratio
   (goal: at least 1.8 on two cores);
2. the cost of one report inside a batch (`--jobs 1` time / files) against one cold
   `diagnose report` (a fresh process: start-up, imports, loading) of each bundled
   example, in wall and in CPU seconds (goal: at most 0.5), and beside them the floor:
   the CPU of the render alone (WeasyPrint laying out and writing the PDF of answers
   already evaluated) of the batch's first FLOOR_FILES files, each twice, in a warm
   process that keeps its stylesheets: what no batch can go below;
   The CPU seconds per file (user + system, all processes) do not depend on how busy the
   machine is: equal CPU per file for both runs means the work divides across cores.
3. peak memory of a `--jobs 2` batch of each size in `--memory`: the largest single
   process (ru_maxrss of the children) and the whole process tree (sampled from /proc)
   (goal: flat, because workers are recycled);
4. JSON-only throughput: `--jobs 2 --format json` on `--files` answer files, in
   companies per second (goal: at least 50 on two cores);
5. a response table of each size in `--table-rows` (default 1,000 and 100,000 rows),
   `--jobs 2 --format json`: wall time and peak memory, and the ratio of the largest to
   the smallest (goal: at most 1.2, since rows are streamed), and beside them the
   high-water mark (VmHWM) of the batch itself and of its first, last and largest
   worker, which says which process grew. Every `--valid-every`-th
   row is a complete company (diagnosed and written); the others have one bad answer,
   so that a table of 100,000 rows takes minutes, not hours. Rows, the summary and the
   portfolio's counts go through the same code either way.
A benchmark, not a test: nothing here asserts a time. The machine may be shared, so
figures vary between runs; compare the ratios.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from diagnose.resources import examples_dir

PY = sys.executable
DIAGNOSE = [PY, "-m", "diagnose"]
# answers that can be scaled without leaving their questions' ranges
SCALED = ("active_clients", "orders_per_month")


def generate(folder: Path, count: int) -> list[Path]:
    """`count` answer files: the examples in turn, each with its own company name and
    client and order numbers scaled by 0.7-1.3."""
    folder.mkdir(parents=True, exist_ok=True)
    examples = sorted(examples_dir().glob("*.yaml"))
    texts = [p.read_text(encoding="utf-8") for p in examples]
    files = []
    for n in range(count):
        text = texts[n % len(texts)]
        number = f"{n + 1:04}"
        text = re.sub(r"^(  company: )(.*)$", lambda m, k=number: f"{m.group(1)}{m.group(2)} {k}", text, count=1, flags=re.M)
        factor = 0.7 + 0.6 * ((n * 37) % 100) / 100
        for name in SCALED:
            text = re.sub(rf"^(  {name}: )(\d+)", lambda m, f=factor: f"{m.group(1)}{max(1, round(int(m.group(2)) * f))}",
                          text, count=1, flags=re.M)
        path = folder / f"{examples[n % len(examples)].stem}-{n + 1:04}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def _processes(field: str) -> tuple[dict[int, int], dict[int, int]]:
    """Every process's parent and its `field` of /proc/PID/status (kB, e.g. VmRSS)."""
    parents: dict[int, int] = {}
    values: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        match = re.search(rf"^{field}:\s+(\d+)", status, re.M)
        values[int(entry)] = int(match.group(1)) if match else 0
    return parents, values


def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in kB (from /proc)."""
    parents, rss = _processes("VmRSS")
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(pid, 0) for pid in tree)


MEASURE = """
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def batch(inputs: Path, out: Path, fmt: str, jobs: int) -> tuple[float, int, int, float]:
    """(wall seconds, largest process kB, peak process-tree kB, CPU seconds) of one batch run."""
    command = [PY, "-c", MEASURE, *DIAGNOSE, "batch", str(inputs), "--out-dir", str(out), "--format", fmt,
               "--jobs", str(jobs)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak_tree = 0
    while process.poll() is None:
        peak_tree = max(peak_tree, _tree_rss_kb(process.pid))
        time.sleep(0.25)
    wall = time.perf_counter() - start
    fields = process.stdout.read().split()
    rc, maxrss, cpu = int(fields[0]), int(fields[1]), float(fields[2])
    if rc != 0:
        raise SystemExit(f"diagnose batch exited {rc} on {inputs}")
    return wall, maxrss, peak_tree, cpu


def cold_report(files: list[Path], out: Path, fmt: str) -> tuple[float, float]:
    """Median wall seconds and mean CPU seconds of `diagnose report` on each of `files`,
    each in a fresh process."""
    times, cpu = [], []
    for n, answers in enumerate(files):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([*DIAGNOSE, "report", str(answers), "--format", fmt, "-o", str(out / f"cold-{n}.{fmt}")],
                       check=True, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times), statistics.mean(cpu)


RENDER_ONLY = """
import resource, sys
from diagnose.report import pdf
from diagnose.report.render import diagnosis_for, report_bytes
kept = pdf.KeptStylesheets()
diagnoses = [diagnosis_for(path) for path in sys.argv[2:]]
report_bytes(diagnoses[0], sys.argv[1], kept=kept)  # warm: imports, fonts, stylesheets
usage = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
start = usage()
for diagnosis in diagnoses * 2:
    report_bytes(diagnosis, sys.argv[1], kept=kept)
print((usage() - start) / (2 * len(diagnoses)))
"""


FLOOR_FILES = 40  # enough for the examples' mix; the render is the same work for every file


def render_floor(files: list[Path], fmt: str) -> float:
    """Mean CPU seconds of rendering one of `files` in a warm process (nothing else)."""
    result = subprocess.run([PY, "-c", RENDER_ONLY, fmt, *map(str, files)], check=True, capture_output=True, text=True)
    return float(result.stdout.split()[-1])


def generate_table(path: Path, rows: int, valid_every: int) -> None:
    """A form export of `rows` rows: the examples' answers by question id, each row its
    own company; all but every `valid_every`-th row give 'sometimes' for a number."""
    from diagnose.answers import load_answers

    examples = [load_answers(p) for p in sorted(examples_dir().glob("*.yaml"))]
    ids = list(dict.fromkeys(k for a in examples for k in a.values))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["company", "language", *ids])
        for n in range(rows):
            answers = examples[n % len(examples)]
            cells = []
            for key in ids:
                value = answers.values.get(key, "")
                cells.append("; ".join(map(str, value)) if isinstance(value, list) else str(value))
            if n % valid_every:
                cells[ids.index("orders_per_month")] = "sometimes"
            writer.writerow([f"{answers.meta['company']} {n + 1:06}", answers.meta.get("language", "ru"), *cells])


def _peaks(root: int, seen: dict[int, int], top: set[int]) -> None:
    """Record in `seen` the high-water mark (VmHWM, kB) of every process below `root`
    (its descendants only: the measuring process itself is left out), and in `top` its
    direct children (the batch; the rest are its workers)."""
    parents, hwm = _processes("VmHWM")
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid:
                seen[child] = max(seen.get(child, 0), hwm.get(child, 0))
                frontier.append(child)
                if pid == root:
                    top.add(child)


@dataclass
class TableRun:
    """What one table batch took: wall seconds, the largest process and the whole tree
    (kB), and the high-water mark of the batch's parent and of each worker in start order."""

    wall: float
    largest: int
    tree: int
    parent: int = 0
    workers: list[int] = field(default_factory=list)


def table_batch(root: Path, rows: int, valid_every: int) -> TableRun:
    table = root / f"export-{rows}.csv"
    generate_table(table, rows, valid_every)
    command = [PY, "-c", MEASURE, *DIAGNOSE, "batch", str(table), "--out-dir", str(root / f"table-out-{rows}"),
               "--format", "json", "--jobs", "2"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak_tree = 0
    seen: dict[int, int] = {}  # pid -> VmHWM kB, in the order first seen
    top: set[int] = set()
    while process.poll() is None:
        peak_tree = max(peak_tree, _tree_rss_kb(process.pid))
        _peaks(process.pid, seen, top)
        time.sleep(0.25)
    wall = time.perf_counter() - start
    fields = process.stdout.read().split()
    if int(fields[0]) not in (0, 1):
        raise SystemExit(f"diagnose batch exited {fields[0]} on {table}")
    (table).unlink()
    return TableRun(wall, int(fields[1]), peak_tree, max((seen[p] for p in top), default=0),
                    [kb for pid, kb in seen.items() if pid not in top])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200, help="answer files for the throughput runs")
    parser.add_argument("--memory", default="50,500", help="batch sizes whose peak memory is compared")
    parser.add_argument("--format", dest="fmt", default="pdf", help="the format to render (pdf, html or json)")
    parser.add_argument("--table-rows", default="1000,100000", help="table sizes whose peak memory is compared")
    parser.add_argument("--valid-every", type=int, default=100, help="one complete company every N table rows")
    parser.add_argument("--only", default="", help="run only these parts: throughput,memory,json,table")
    args = parser.parse_args()
    sizes = [int(x) for x in args.memory.split(",") if x.strip()]
    parts = set(args.only.split(",")) if args.only else {"throughput", "memory", "json", "table"}

    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}, format: {args.fmt}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = generate(root / "in", args.files)

        if "throughput" in parts:
            one, _, _, cpu_one = batch(root / "in", root / "out-1", args.fmt, 1)
            two, _, _, cpu_two = batch(root / "in", root / "out-2", args.fmt, 2)
            print(f"--jobs 1: {args.files} files in {one:7.1f} s  {args.files / one:6.2f} files/s  "
                  f"CPU {cpu_one / args.files:5.2f} s/file")
            print(f"--jobs 2: {args.files} files in {two:7.1f} s  {args.files / two:6.2f} files/s  "
                  f"CPU {cpu_two / args.files:5.2f} s/file")
            print(f"throughput ratio jobs 2 / jobs 1          {one / two:6.2f}   (goal >= 1.8)")

            # one cold report of each bundled example, the same mix as the batch
            cold, cold_cpu = cold_report(files[:4], root, args.fmt)
            per, per_cpu = one / args.files, cpu_one / args.files
            print(f"one report inside a batch (jobs 1)       {per:7.2f} s wall  {per_cpu:5.2f} s CPU")
            print(f"one cold `diagnose report` (4 examples)  {cold:7.2f} s wall  {cold_cpu:5.2f} s CPU")
            print(f"ratio batch / cold                       {per / cold:7.2f} wall  {per_cpu / cold_cpu:5.2f} CPU   (goal <= 0.5)")
            floor = render_floor(files[:FLOOR_FILES], args.fmt)
            print(f"the render alone, warm process           {floor:7.2f} s CPU = {floor / cold_cpu:4.2f} of a cold report "
                  f"(the lowest a report in a batch can cost)")
            print(f"one report inside a batch / render alone {per_cpu / floor:7.2f} CPU   (what the batch adds to the render)")

        if "memory" in parts:
            for size in sizes:
                folder = root / f"mem-{size}"
                generate(folder, size)
                wall, largest, tree, _ = batch(folder, root / f"mem-out-{size}", args.fmt, 2)
                print(f"{size:4} files, --jobs 2: {wall:7.1f} s, largest process {largest / 1024:6.1f} MB, "
                      f"whole tree peak {tree / 1024:6.1f} MB")
        if "json" in parts:
            wall, _, _, cpu = batch(root / "in", root / "out-json", "json", 2)
            print(f"JSON only, --jobs 2: {args.files} companies in {wall:6.1f} s = {args.files / wall:6.1f} "
                  f"companies/s, CPU {cpu / args.files * 1000:5.0f} ms/company   (goal >= 50/s)")
        if "table" in parts:
            figures = []
            for rows in [int(x) for x in args.table_rows.split(",") if x.strip()]:
                run = table_batch(root, rows, args.valid_every)
                wall, largest, tree = run.wall, run.largest, run.tree
                figures.append((rows, largest, tree))
                print(f"table of {rows:7} rows, --format json --jobs 2: {wall:7.1f} s = {rows / wall:6.1f} rows/s, "
                      f"largest process {largest / 1024:6.1f} MB, whole tree peak {tree / 1024:6.1f} MB")
                if run.workers:
                    print(f"    the batch itself {run.parent / 1024:6.1f} MB; {len(run.workers)} workers: first "
                          f"{run.workers[0] / 1024:6.1f} MB, last {run.workers[-1] / 1024:6.1f} MB, "
                          f"largest {max(run.workers) / 1024:6.1f} MB")
            if len(figures) > 1:
                (small, small_largest, small_tree), (big, big_largest, big_tree) = figures[0], figures[-1]
                print(f"peak memory ratio {big} / {small} rows: largest process {big_largest / small_largest:5.2f}, "
                      f"whole tree {big_tree / small_tree:5.2f}   (goal <= 1.2)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
