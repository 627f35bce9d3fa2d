"""A batch run again into the same folder: which inputs keep their reports.

The previous run's summary.json says which input got which reports, and the SHA-256 of
the content each was made from. An input whose earlier row is `ok` (or `kept`) and
whose reports in every asked format are still there is `kept`: nothing is rendered,
its summary row is carried over. `--only-changed` re-renders the inputs whose content
hash differs from the recorded one (their own earlier reports are replaced);
`--force` re-renders everything. An input the summary does not know, or whose
earlier run failed, is processed as in a first run (and an unknown file already at
its name is still refused).

The hash is of the content, not the file's time: a copy, a checkout or a sync tool
changes times without changing answers, and an edit can keep the time (a restored
backup, a clock set back, a second edit in the same second on a coarse file system).
For a table's row it covers the row's cells and the table's column plan, so adding a
row above it or re-exporting the table leaves an unchanged company unchanged.

The summary is read as hostile input: its size is capped, every row's types are
checked (a row that does not fit is ignored: its input is processed again), and a
report name is taken from it only when it is a name this input's reports could have in
this folder (`<company slug>--<its part>.<format>`); the path itself is rebuilt here.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.batch.naming import slug
from diagnose.batch.worker import ItemResult, Task
from diagnose.errors import Location, Problem, UserError
from diagnose.yamlio import MAX_FILE_BYTES

MAX_SUMMARY_BYTES = 512 * 1024 * 1024  # a summary of about a million rows
KEEPS = ("ok", "kept")  # earlier statuses whose reports a re-run keeps

RowKey = tuple[str, int | None]


@dataclass
class History:
    """The previous summary's rows by (input, row), and its rules' titles."""

    rows: dict[RowKey, dict[str, Any]] = field(default_factory=dict)
    rule_titles: dict[str, dict[str, str]] = field(default_factory=dict)


def read_summary(path: Path, limit: int = MAX_SUMMARY_BYTES) -> dict[str, Any]:
    """A summary.json as a mapping; a located usage error when it is not one."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise UserError(Problem(Location(str(path)), f"is {size:,} bytes, more than the {limit:,} a batch "
                                                         "summary may have"))
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(Problem(Location(str(path)), "is not UTF-8 text; expected a batch summary (summary.json)")) \
            from None
    except json.JSONDecodeError as exc:
        raise UserError(Problem(Location(str(path), exc.lineno, exc.colno),
                                f"is not a batch summary: {exc.msg}; expected the summary.json a batch wrote")) \
            from None
    except RecursionError:
        raise UserError(Problem(Location(str(path)), "is nested too deeply; expected a batch summary")) from None
    except OSError as exc:
        raise UserError(Problem(Location(str(path)), f"cannot read: {exc.strerror}")) from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise UserError(Problem(Location(str(path), path="results"),
                                "missing; expected the summary.json a batch wrote (a list of results)"))
    return data


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _titles(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


ROW_TYPES: dict[str, Any] = {
    "input": lambda v: isinstance(v, str),
    "row": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 1),
    "status": lambda v: v in ("ok", "kept", "failed", "not_run"),
    "company": lambda v: isinstance(v, str),
    "error": _texts,
    "roles_added": _texts,
    "assortment_expansion": lambda v: isinstance(v, str),
    "support": lambda v: isinstance(v, str),
    "key_findings": _texts,
    "outputs": _texts,
    "index": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "sha256": lambda v: isinstance(v, str),
    "language": lambda v: isinstance(v, str),
    "proposed_roles": _texts,
    "support_title": _titles,
}


def row_problem(row: Any) -> str | None:
    """What is wrong with one summary row (its first bad key), or None."""
    if not isinstance(row, dict):
        return "expected a mapping of the summary's columns"
    for key, fits in ROW_TYPES.items():
        if key not in row:
            return f"{key}: missing (a summary of an older version of diagnose? run that batch again)"
        if not fits(row[key]):
            return f"{key}: {json.dumps(row[key], ensure_ascii=False)[:80]} is not a value this column holds"
    return None


def rule_titles_of(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    titles = data.get("rule_titles")
    if not isinstance(titles, dict):
        return {}
    return {k: dict(v) for k, v in titles.items() if isinstance(k, str) and _titles(v)}


def load_history(path: Path) -> History:
    """The summary at `path` of an earlier run (empty if there is none)."""
    if not path.is_file():
        return History()
    data = read_summary(path)
    history = History(rule_titles=rule_titles_of(data))
    for row in data["results"]:
        if row_problem(row) is None and row["status"] in KEEPS:
            history.rows[(row["input"], row["row"])] = row
    return history


def digest(task: Task) -> str:
    """SHA-256 of what the input's report is made from: the answer file's bytes, or the
    table row's cells with the table's column plan; "" when the file cannot be read (the
    worker then says why)."""
    hasher = hashlib.sha256()
    if task.header is not None and task.cells is not None:
        header = task.header
        hasher.update(json.dumps([header.delimiter, header.width, header.plan, task.cells.cells],
                                 ensure_ascii=False).encode("utf-8"))
        return hasher.hexdigest()
    if task.problems:
        return ""
    try:
        with open(task.path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # a bigger file fails in the worker anyway
    except OSError:
        return ""
    hasher.update(data)
    return hasher.hexdigest()


def _report_stem(row: dict[str, Any], part: str, out_dir: Path) -> str | None:
    """The `<company>--<part>` stem the earlier row's reports share, or None when any of
    them is not a report of this input in this folder."""
    pattern = re.compile(r"(.+)--" + re.escape(part) + r"\.(pdf|html|json)")
    stems = set()
    folder = out_dir.resolve()
    for output in row["outputs"]:
        path = Path(output)
        shape = pattern.fullmatch(path.name)
        if shape is None or slug(shape.group(1)) != shape.group(1):
            return None
        try:
            if path.parent.resolve() != folder:
                return None
        except (OSError, RuntimeError):
            return None
        stems.add(f"{shape.group(1)}--{part}")
    return stems.pop() if len(stems) == 1 else None


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


@dataclass(frozen=True)
class Decision:
    """What a re-run does with one input: keep its reports (`kept` is its result), or
    process it, allowed to replace its own earlier reports (`replace`)."""

    kept: ItemResult | None = None
    replace: tuple[str, ...] = ()


def decide(task: Task, sha: str, history: History, out_dir: Path, formats: tuple[str, ...],
           only_changed: bool) -> Decision:
    row = history.rows.get((task.path, None if task.row is None else task.row + 1))
    if row is None:
        return Decision()
    stem = _report_stem(row, task.part, out_dir)
    if stem is None:
        return Decision()
    own = tuple(str(out_dir / Path(output).name) for output in row["outputs"])
    targets = [out_dir / f"{stem}.{fmt}" for fmt in formats]
    changed = not sha or row["sha256"] != sha
    if (only_changed and changed) or not all(_regular(t) for t in targets):
        return Decision(replace=own)
    return Decision(kept=kept_result(row, [str(t) for t in targets], history.rule_titles))


def kept_result(row: dict[str, Any], outputs: list[str], rule_titles: dict[str, dict[str, str]]) -> ItemResult:
    """An earlier summary row as this run's result (status `kept`), with the hash of the
    content its reports were made from (not the input's now: an edit a plain re-run
    kept is still re-rendered by a later --only-changed)."""
    return ItemResult(row["input"], row["row"], "kept", company=row["company"], language=row["language"],
                      roles_added=list(row["roles_added"]), proposed_roles=list(row["proposed_roles"]),
                      assortment_expansion=row["assortment_expansion"], support=row["support"],
                      support_title=dict(row["support_title"]), findings=list(row["key_findings"]),
                      rule_titles=rule_titles, outputs=outputs, sha256=row["sha256"])


def result_of_row(row: dict[str, Any], rule_titles: dict[str, dict[str, str]]) -> ItemResult:
    """A summary row as the result it records, whatever its status (for batch-merge)."""
    result = kept_result(row, list(row["outputs"]), rule_titles)
    result.status = row["status"]
    result.errors = list(row["error"])
    result.number = row["index"]
    return result
