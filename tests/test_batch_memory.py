"""What keeps a batch's memory flat however long its table: the planner reads a table in
small pieces (a megabyte at a time left the parent's heap a little more fragmented
with every piece, and the workers forked from it inherited that, docs/performance.md),
and reading in pieces changes nothing read."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from diagnose.batch import tables
from diagnose.method import load_method

FIXTURES = Path(__file__).parent / "fixtures" / "batch"


@pytest.fixture(scope="module")
def questionnaire():
    return load_method().questionnaire


def _fixture_rows(name: str) -> tuple[list[str], list[list[str]], str]:
    text = (FIXTURES / name).read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return header, rows, delimiter


def _write(path: Path, header: list[str], rows: list[list[str]], delimiter: str, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _long(name: str, count: int) -> tuple[list[str], list[list[str]], str]:
    """The fixture's rows repeated `count` times, each company its own, every seventh
    company's name broken over two lines (a quoted cell with CR LF inside)."""
    header, rows, delimiter = _fixture_rows(name)
    company = 0  # the company column comes first in the fixtures
    long_rows = []
    for n in range(count):
        row = list(rows[n % len(rows)])
        row[company] = f"{row[company]} {n:06}" + ("\r\nbranch" if n % 7 == 0 else "")
        long_rows.append(row)
    return header, long_rows, delimiter


def test_a_long_table_is_read_in_small_pieces(tmp_path: Path) -> None:
    header, rows, delimiter = _long("responses-ru.csv", 2000)
    table = _write(tmp_path / "long.csv", header, rows, delimiter)
    assert table.stat().st_size > tables.FIRST_CHUNK_BYTES + 20 * tables.CHUNK_BYTES
    pieces = list(tables._chunks(table, "long.csv"))
    # the first megabyte only decides the encoding: the stream starts with a small piece too;
    # a piece ends at a line break: at most the line carried over from the piece before is added
    longest_line = max(len(line) for line in table.read_bytes().splitlines())
    assert max(len(piece.encode()) for piece in pieces) <= tables.CHUNK_BYTES + longest_line
    assert len(pieces) >= 36
    assert "".join(pieces) == table.read_bytes().decode("utf-8")


def test_the_pieces_give_the_rows_the_whole_file_gives(tmp_path: Path, questionnaire) -> None:
    header, rows, delimiter = _long("responses-ru.csv", 2000)
    table = _write(tmp_path / "long.csv", header, rows, delimiter)
    _, streamed = tables.open_table(table, questionnaire)
    got = list(streamed)
    assert [list(row.cells) for row in got] == rows
    # a row's line is its first physical line: one more for every company broken over two
    assert [row.line for row in got[:9]] == [2, 4, 5, 6, 7, 8, 9, 10, 12]
    assert tables.count_rows(table, questionnaire) == 2000


def test_the_first_megabyte_still_decides_the_encoding(tmp_path: Path, questionnaire) -> None:
    """Windows-1251 bytes first met after a few pieces of Latin text: the file is read as
    Windows-1251, as when it was read a megabyte at a time."""
    header, rows, delimiter = _long("responses-en.csv", 1000)
    rows = [[cell.replace("\r\n", " ").encode("ascii", "replace").decode() for cell in row] for row in rows]
    assert all(title.isascii() for title in header)
    rows.append(["Ромашка и партнёры", *rows[0][1:]])
    table = _write(tmp_path / "cp1251.csv", header, rows, delimiter, encoding="cp1251")
    assert table.read_bytes().isascii() is False
    assert table.read_bytes()[: 4 * tables.CHUNK_BYTES].isascii()
    assert table.stat().st_size < tables.FIRST_CHUNK_BYTES
    _, streamed = tables.open_table(table, questionnaire)
    assert [row.cells[0] for row in streamed][-1] == "Ромашка и партнёры"
