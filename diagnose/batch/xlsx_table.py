"""An .xlsx export of a form tool (KoboToolbox, Google Forms, Excel) as rows of text cells.

The workbook is opened with openpyxl in read-only mode, so rows are parsed from the
sheet's XML as a stream and a long table takes the memory of one row. Before openpyxl
sees it the file is checked as the hostile zip archive it may be: its size, the sum of
its members' unpacked sizes, and the shared-strings part (which openpyxl holds in
memory whole) are capped. Only the first sheet is read (Kobo puts a repeat group's rows
on the next ones). The sheet's declared dimensions are ignored: a forged one cannot
make the reader pad rows.

Each cell becomes the text a CSV export would hold: numbers without a needless '.0',
dates as YYYY-MM-DD, true/false as words. A cell holding a formula is refused with its
place: a form export holds values, and a formula is nothing a questionnaire answers.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from diagnose.batch import tables
from diagnose.errors import Location, Problem, UserError
from diagnose.yamlio import BAD_CHARACTER

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # the members' sizes summed, as the archive declares them
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024  # openpyxl reads this part into memory whole
MAX_COLUMNS = 2000  # a form with every question of ours has under 200


def _check_archive(path: Path, name: str) -> None:
    try:
        size = path.stat().st_size
        if size > tables.MAX_TABLE_BYTES:
            raise UserError(Problem(Location(name), f"file is {size / 1048576:.1f} MB, larger than the "
                                                    f"{tables.MAX_TABLE_BYTES // 1048576} MB a table may have"))
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except FileNotFoundError:
        raise UserError(Problem(Location(name), "no such file")) from None
    except PermissionError:
        raise UserError(Problem(Location(name), "cannot be read: permission denied")) from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UserError(Problem(Location(name), "is not an .xlsx workbook (not a zip archive); expected an Excel "
                                                "file, or save the table as CSV")) from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UserError(Problem(Location(name), f"the workbook unpacks to {unpacked / 1048576:.0f} MB, more than the "
                                                f"{MAX_UNPACKED_BYTES // 1048576} MB a table may take"))
    for member in members:
        if member.filename.lower().endswith("sharedstrings.xml") and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise UserError(Problem(Location(name), f"the workbook's texts take {member.file_size / 1048576:.0f} MB, "
                                                    f"more than the {MAX_SHARED_STRINGS_BYTES // 1048576} MB "
                                                    "a table may have"))


def cell_text(value: Any) -> str:
    """A cell's value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def xlsx_rows(path: str | Path, name: str) -> Iterator[tables.Row]:
    """The first sheet's rows (the header first), each cell as text; located UserErrors for
    a file that is no workbook, a formula, a control character or an oversized row."""
    path = Path(path)
    if path.is_dir():
        raise UserError(Problem(Location(name), "is a folder, expected an .xlsx file"))
    _check_archive(path, name)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook: say which, located
        raise UserError(Problem(Location(name), f"cannot read the workbook: {exc.__class__.__name__}; expected an "
                                                "Excel .xlsx file, or save the table as CSV")) from None
    try:
        if not book.worksheets:
            raise UserError(Problem(Location(name), "the workbook has no sheet"))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(), 1):
            yield tables.Row(number, _row_cells(row, number, name))
    except UserError:
        raise
    except Exception as exc:  # a sheet's XML broken further down
        raise UserError(Problem(Location(name), f"cannot read the workbook: {exc.__class__.__name__}; expected an "
                                                "Excel .xlsx file, or save the table as CSV")) from None
    finally:
        book.close()


def _row_cells(row: tuple[Any, ...], number: int, name: str) -> tuple[str, ...]:
    cells: list[str] = []
    characters = 0
    for cell in row:
        column = getattr(cell, "column", None) or len(cells) + 1
        if column > MAX_COLUMNS:
            if getattr(cell, "value", None) is None:
                continue
            raise UserError(Problem(Location(name, number, column), f"a value in column {column}, beyond the "
                                                                    f"{MAX_COLUMNS} columns a table may have"))
        place = f"{tables.column_name(column - 1, True)}{number}"
        if getattr(cell, "data_type", None) == "f":
            raise UserError(Problem(Location(name, number, column), f"cell {place} holds a formula; expected a value "
                                                                    "(copy the sheet and paste values only)"))
        text = cell_text(getattr(cell, "value", None))
        bad = BAD_CHARACTER.search(text)
        if bad:
            raise UserError(Problem(Location(name, number, column),
                                    f"cell {place}: the control character U+{ord(bad.group()):04X} is not allowed "
                                    "in a table; expected printable text"))
        characters += len(text)
        if characters > tables.MAX_ROW_CHARACTERS:
            raise UserError(Problem(Location(name, number), "a row longer than 1 MB; expected short answers, "
                                                            "one row per company"))
        cells.extend([""] * (column - 1 - len(cells)))
        cells.append(text)
    while cells and not cells[-1].strip():
        cells.pop()
    return tuple(cells)
