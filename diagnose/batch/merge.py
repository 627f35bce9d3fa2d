"""`diagnose batch-merge DIR... -o OUT`: the shards of one batch as one summary and portfolio.

Each shard (`diagnose batch --shard K/N`, one machine or job each) writes its summary
into a folder of its own. The merge reads their summary.json files, checks that they
are the shards of one split (the same N, each K once, each input and each report name
in one shard only, each input's position once), puts the rows back in the order of
the whole batch (every row records its position among all the inputs) and writes
OUT/summary.csv, OUT/summary.json and the portfolio exactly as one batch of all the
inputs would have. Summaries of separate batches (no `--shard`) are joined one after
another. The reports stay where the shards wrote them; the merged `outputs` say where.

Every summary is read as hostile input (batch.rerun.read_summary: size capped, every
row's types checked); what is wrong is reported with the file and the row's key path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diagnose.batch.naming import name_key
from diagnose.batch.rerun import read_summary, result_of_row, row_problem, rule_titles_of
from diagnose.batch.shard import SHAPE, shard_text
from diagnose.batch.worker import ItemResult
from diagnose.errors import Location, ProblemList


@dataclass
class ShardSummary:
    path: Path
    shard: tuple[int, int] | None
    rows: list[dict[str, Any]]
    rule_titles: dict[str, dict[str, str]]
    portfolio_pdf: bool


def summary_file(given: Path) -> Path:
    """DIR -> DIR/summary.json; a .json file is taken as it is (a shard run with --summary)."""
    return given if given.suffix.lower() == ".json" and not given.is_dir() else given / "summary.json"


def _read(given: Path, problems: ProblemList) -> ShardSummary | None:
    path = summary_file(given)
    if not path.is_file():
        problems.add(Location(str(path)), "no such file; expected the summary of a batch (the folder a "
                                          "`diagnose batch --shard K/N` wrote into, or its summary.json)")
        return None
    data = read_summary(path)
    shard = None
    if "shard" in data:
        shape = SHAPE.fullmatch(data["shard"]) if isinstance(data["shard"], str) else None
        if shape is None or not 1 <= int(shape.group(1)) <= int(shape.group(2)):
            problems.add(Location(str(path), path="shard"), "expected K/N, as `diagnose batch --shard` writes it")
            return None
        shard = (int(shape.group(1)), int(shape.group(2)))
    rows = data["results"]
    for number, row in enumerate(rows):
        problem = row_problem(row)
        if problem is not None:
            problems.add(Location(str(path), path=f"results[{number}]"), problem)
    return ShardSummary(path, shard, rows, rule_titles_of(data), (path.parent / "portfolio.pdf").is_file())


def _label(row: dict[str, Any]) -> str:
    return row["input"] + (f" (row {row['row']})" if row["row"] is not None else "")


def check_split(summaries: list[ShardSummary]) -> list[str]:
    """Located problems when the summaries are not shards of one split (or overlap); the
    warnings (missing shards) otherwise."""
    problems = ProblemList()
    sharded = [s for s in summaries if s.shard is not None]
    if sharded and len(sharded) != len(summaries):
        plain = next(s for s in summaries if s.shard is None)
        problems.add(Location(str(plain.path), path="shard"),
                     f"missing, but {sharded[0].path} is shard {shard_text(sharded[0].shard)}; expected the "
                     "shards of one batch, or only summaries of whole batches")
    seen_shards: dict[tuple[int, int], Path] = {}
    for summary in sharded:
        first = sharded[0]
        assert summary.shard is not None and first.shard is not None
        if summary.shard[1] != first.shard[1]:
            problems.add(Location(str(summary.path), path="shard"),
                         f"{shard_text(summary.shard)} is one of {summary.shard[1]} shards, but {first.path} is "
                         f"{shard_text(first.shard)}; expected the shards of one split")
        elif summary.shard in seen_shards:
            problems.add(Location(str(summary.path), path="shard"),
                         f"shard {shard_text(summary.shard)} is also {seen_shards[summary.shard]}; expected each "
                         "shard once")
        else:
            seen_shards[summary.shard] = summary.path
    inputs: dict[tuple[str, int | None], str] = {}
    names: dict[str, str] = {}
    positions: dict[int, str] = {}
    for summary in summaries:
        for number, row in enumerate(summary.rows):
            where = Location(str(summary.path), path=f"results[{number}]")
            here = f"{summary.path} results[{number}]"
            key = (row["input"], row["row"])
            if key in inputs:
                problems.add(where, f"{_label(row)} is also in {inputs[key]}; expected each input in one shard only")
                continue
            inputs[key] = here
            if summary.shard is not None:
                if row["index"] in positions:
                    problems.add(where, f"position {row['index']} is also that of {positions[row['index']]}; "
                                        "expected shards of one batch (the same INPUTS, in the same order, for "
                                        "every shard)")
                positions[row["index"]] = here
            for output in row["outputs"]:
                name = name_key(Path(output).name)
                if name in names:
                    problems.add(where, f"the report {Path(output).name} is also an output of {names[name]}; "
                                        "expected each report in one shard only")
                names[name] = here
    problems.raise_if_any()
    warnings = []
    if sharded:
        count = sharded[0].shard[1]  # type: ignore[index]
        missing = [f"{k}/{count}" for k in range(1, count + 1) if (k, count) not in seen_shards]
        if missing:
            warnings.append(f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} not given: the merged "
                            "summary lists only the inputs of the others")
    return warnings


def merged_results(summaries: list[ShardSummary]) -> list[ItemResult]:
    """Every row as a result, in the order of the whole batch."""
    titles: dict[str, dict[str, str]] = {}
    for summary in summaries:
        for rule_id, title in summary.rule_titles.items():
            titles.setdefault(rule_id, title)
    if all(s.shard is not None for s in summaries):
        rows = sorted((row for s in summaries for row in s.rows), key=lambda row: row["index"])
        return [result_of_row(row, titles) for row in rows]
    results = [result_of_row(row, titles) for s in summaries for row in s.rows]
    for number, result in enumerate(results):  # separate batches: numbered one after another
        result.number = number
    return results


def merge(given: list[Path], out: Path, lang: str | None, method: Any, say: Callable[[str], None]) -> list[Path]:
    """Check and join the summaries; write OUT's summary and portfolio; the files written."""
    from diagnose.batch.runner import lock_out_dir, prepare_out_dir
    from diagnose.batch.summary import SummaryWriter, Tally, write_portfolio

    problems = ProblemList()
    folders: dict[Path, Path] = {}
    for path in given:
        real = summary_file(path).resolve()
        if real in folders:
            problems.add(Location(str(path)), f"is given twice (also as {folders[real]}); expected each shard once")
        folders[real] = path
    if out.resolve() in {p.parent for p in folders}:
        problems.add(Location(str(out), path="-o"), "is one of the folders being merged; expected a folder of its "
                                                   "own for the merged summary")
    problems.raise_if_any()
    summaries = [s for s in (_read(path, problems) for path in given) if s is not None]
    problems.raise_if_any()
    for warning in check_split(summaries):
        say(f"warning: {warning}")
    results = merged_results(summaries)
    prepare_out_dir(out)
    lock = lock_out_dir(out)
    try:
        csv_path, json_path = out / "summary.csv", out / "summary.json"
        writer = SummaryWriter(csv_path, json_path)
        tally = Tally()
        try:
            for result in results:
                writer.add(result)
                tally.add(result)
        except BaseException:
            writer.discard()
            raise
        writer.close()
        formats = ("pdf",) if any(s.portfolio_pdf for s in summaries) else ("html",)
        portfolio = write_portfolio(tally, out, formats, lang, method)
    finally:
        lock.release()
    counts = writer.counts
    say(f"Merged {len(summaries)} summaries: {counts.total()} inputs ({counts['ok']} ok, {counts['kept']} kept, "
        f"{counts['failed']} failed, {counts['not_run']} not run).")
    return [csv_path, json_path, *portfolio]

