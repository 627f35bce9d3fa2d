"""Response tables (CSV and .xlsx exports of online forms) -> answer documents, one per row.

Columns are named by question id or by the question's text in any language of the
questionnaire, as form tools export them. Cells may hold choice ids or choice texts,
"yes"/"да", "don't know"/"не знаю", several choices separated by ';' (or ','), and
numbers with a decimal comma. Each row becomes a round-trip mapping whose positions
point at the CSV row and column, so that the answer checker's messages say
`file.csv:ROW:COL: answers.question_id: ...` exactly as they do for YAML files.

Form tools' own conventions are understood: KoboToolbox / ODK column names as
`group/question` paths, their `<id>__state` companion rows (diagnose/xlsform.py) and
meta columns (`_uuid`, `start`, `meta/instanceID`, …) left out; Google Forms' checkbox
answers joined with ", " even where a choice's text holds a comma (known texts are
matched longest first). A CSV is UTF-8; one that is not, whose first megabyte decodes
as Windows-1251, reads as Cyrillic words and is not mostly UTF-8 Cyrillic with a stray
byte, is read as Windows-1251 (`_decode`).
An .xlsx workbook is read by `xlsx_table.py`; its rows meet the same plan and checks.

A table is read as a stream, 64 KiB at a time (after the first megabyte, which decides
the encoding), so that a table of any number of rows takes the same memory: the parent
process walks it to count and hand out rows,
and each row travels to a worker as its cells (`Row`) with the header's column plan
(`Header`). Every chunk is checked the way `yamlio.read_text` checks a whole file
(encoding, NUL bytes, control characters), with positions in the file.
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from diagnose.errors import Location, Problem, ProblemList, UserError, did_you_mean
from diagnose.questionnaire import Question, Questionnaire
from diagnose.texts import catalogue, ui
from diagnose.xlsform import META_ROWS, STATE_SUFFIX, STATE_VALUE, has_state_row
from diagnose.yamlio import BAD_CHARACTER, Document, decode_bytes
from diagnose.yamlio import _looks_cp1251 as looks_cp1251

# A table is streamed, so its size costs time, not memory; the cap bounds the time a
# table sent by anyone can take (a row is a few hundred bytes: about a million rows).
MAX_TABLE_BYTES = 256 * 1024 * 1024
FIRST_CHUNK_BYTES = 1024 * 1024  # the first piece, which decides the encoding (`_decode`)
# then read and check this much at a time: pieces of a megabyte (and their copies: the
# joined carry, the decoded text) are big enough for malloc to serve from the heap, where
# they left it a little more fragmented with every piece, so the planner's memory grew
# with the table's length (docs/performance.md); pieces this size leave it as it was
CHUNK_BYTES = 64 * 1024
MAX_ROW_CHARACTERS = 1024 * 1024  # one row (all its lines); csv itself caps a cell at 131,072
_HEADER_LINES = 200  # physical lines the header may take (question texts with line breaks)


@dataclass(frozen=True)
class Header:
    """A table's header, read once: how its rows are split and which column answers what."""

    name: str  # the table as the user named it (messages)
    delimiter: str  # "" for a workbook
    width: int  # cells in the header
    plan: tuple[tuple[int, str, str], ...]  # (column index, "answer", "state" or "meta", key)
    titles: tuple[str, ...] = ()  # a workbook's column titles, which its messages name


def in_cells(header: Header | None, problems: list[Problem]) -> list[Problem]:
    """A workbook row's problems naming the cell and its column's title as a spreadsheet
    shows them ("cell P3 (team_clients/headcount_hunters): …"); a CSV's are left as they are."""
    if header is None or header.delimiter or not header.titles:
        return problems
    named = []
    for problem in problems:
        where = problem.location
        if where.file == header.name and where.line and where.column and where.column <= len(header.titles):
            title = header.titles[where.column - 1].strip()
            cell = f"cell {column_name(where.column - 1, True)}{where.line}" + (f" ({title})" if title else "")
            problem = Problem(where, f"{cell}: {problem.message}")
        named.append(problem)
    return named


@dataclass(frozen=True)
class Row:
    """One data row: its first line in the file and its cells."""

    line: int
    cells: tuple[str, ...]


def _norm(text: str) -> str:
    """Compare headers and cell texts without case, extra spaces or typographic quotes."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    for a, b in (("«", '"'), ("»", '"'), ("“", '"'), ("”", '"'), ("’", "'"), ("ё", "е")):
        text = text.replace(a, b)
    return " ".join(text.split()).strip(" ?:.*")


def _column_map(questionnaire: Questionnaire) -> dict[str, tuple[str, str]]:
    """Normalised header -> ("answer", question id), ("state", question id), ("meta", key)
    or ("ignore", "")."""
    columns: dict[str, tuple[str, str]] = {}
    for question in questionnaire.iter_questions():
        columns[_norm(question.id)] = ("answer", question.id)
        columns[_norm(question.id + STATE_SUFFIX)] = ("state", question.id)
        for text in question.text.values():
            columns.setdefault(_norm(text), ("answer", question.id))
    for key, names in catalogue("ui")["csv_meta_columns"].items():
        for name in names:
            columns[_norm(name)] = ("meta", key)
    for key, label, _ in META_ROWS:  # the XLSForm's own labels, in a label export
        for lang in questionnaire.languages:
            columns.setdefault(_norm(ui(label, lang)), ("meta", key))
    for names in catalogue("ui")["csv_ignored_columns"].values():
        for name in names:
            columns.setdefault(_norm(name), ("ignore", ""))
    return columns


_TOOL_COLUMNS = frozenset(catalogue("ui")["form_tool_columns"])
_TOOL_GROUPS = ("meta/", "formhub/")


def _column_of(title: str, columns: dict[str, tuple[str, str]],
               questionnaire: Questionnaire) -> tuple[str, str]:
    """What a header names: itself, or (a form tool's `group/question` path) its last part;
    a form tool's own columns and ODK's one-column-per-choice splits are ("ignore", "")."""
    found = columns.get(_norm(title))
    if found is not None:
        return found
    bare = title.strip()
    if bare.startswith("_") or bare.lower().startswith(_TOOL_GROUPS) or bare.lower() in _TOOL_COLUMNS:
        return ("ignore", "")
    parts = [part.strip() for part in bare.split("/")]
    if len(parts) > 1 and all(parts):
        found = columns.get(_norm(parts[-1]))
        if found is not None:
            return found
        # "group/question/choice" (Kobo's "split select multiples"): the joined column answers
        owner = columns.get(_norm(parts[-2]), ("", ""))
        if owner[0] == "answer" and parts[-1] in questionnaire.questions[owner[1]].choice_ids:
            return ("ignore", "")
    return ("unknown", "")


def _state_values(questionnaire: Questionnaire) -> set[str]:
    """How a form export spells "I will give the figure" in a `__state` column."""
    return {_norm(STATE_VALUE), *(_norm(ui("xf_state_value", lang)) for lang in questionnaire.languages)}


def special_words(questionnaire: Questionnaire) -> dict[str, str]:
    words = {}
    for state in ("dont_know", "not_applicable"):
        words[_norm(state)] = state
        for lang in questionnaire.languages:
            words[_norm(ui(state, lang))] = state
    for answer in ("yes", "no"):
        for lang in questionnaire.languages:
            words[_norm(ui(answer, lang))] = answer
    words.update({"true": "yes", "false": "no"})
    return words


class _Cells:
    """What a question type needs to read a cell (question_types.CellReading), in this
    module's normalisation of texts."""

    def __init__(self) -> None:
        # per question: normalised id or text -> choice id
        self._choices: dict[int, tuple[Question, dict[str, str]]] = {}

    def choice_id(self, question: Question, cell: str) -> str:
        known = self._choices.get(id(question))
        if known is None or known[0] is not question:
            names: dict[str, str] = {}
            for choice in question.choices:  # the first choice that a text names wins, as it did
                for text in (choice.id, *choice.text.values()):
                    names.setdefault(_norm(text), choice.id)
            known = self._choices[id(question)] = (question, names)
        return known[1].get(_norm(cell), cell.strip())

    def known(self, question: Question, text: str) -> str | None:
        """The choice `text` names by id or text, or None."""
        found = self.choice_id(question, text)
        return found if found in question.choice_ids else None

    def without_unit(self, text: str, units: list[str]) -> str:
        """'12 h/day' or '40 %' -> the number, when the suffix is the question's own unit."""
        for unit in units:
            if unit and _norm(text).endswith(_norm(unit)):
                return text.strip()[: len(text.strip()) - len(unit)].strip()
        return text


_CELLS = _Cells()


def cell_value(question: Question, cell: str, specials: dict[str, str]) -> Any:
    """Turn a table cell into the raw value an answer file would hold (then Question.parse)."""
    text = cell.strip()
    if not text:
        return None
    special = specials.get(_norm(text))
    if special in ("dont_know", "not_applicable"):
        return special
    return question.kind.cell(question, text, special, _CELLS)


# ------------------------------------------------------------------ reading as a stream


def _line_breaks(text: str) -> int:
    """Lines ended in `text`, counting CR LF, a bare CR and a bare LF as csv does."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _moved(exc: UserError, lines: int) -> UserError:
    """A chunk's problems placed in the file: the chunk starts `lines` lines in."""
    return UserError([Problem(Location(p.location.file, (p.location.line or 1) + lines, p.location.column,
                                       p.location.path), p.message) for p in exc.problems])


def _open(path: str | Path, name: str):  # -> binary file
    p = Path(path)
    if p.is_dir():
        raise UserError(Problem(Location(name), "is a folder, expected a CSV file"))
    try:
        size = p.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise UserError(Problem(Location(name), f"file is {size / 1048576:.1f} MB, larger than the "
                                                    f"{MAX_TABLE_BYTES // 1048576} MB a table may have"))
        return p.open("rb")
    except FileNotFoundError:
        raise UserError(Problem(Location(name), "no such file")) from None
    except PermissionError:
        raise UserError(Problem(Location(name), "cannot be read: permission denied")) from None
    except OSError as exc:
        raise UserError(Problem(Location(name), f"cannot be read: {exc.strerror}")) from None


def _chunks(path: str | Path, name: str) -> Iterator[str]:
    """The table's text, about CHUNK_BYTES at a time, each piece ending at a line break
    (so that lines and characters are whole) and checked as read_text checks a file.
    The first megabyte, read on its own and let go, decides the encoding (`_decode`), so
    that no piece of that size is held while the table is streamed."""
    deciding = _pieces(path, name, FIRST_CHUNK_BYTES, None)
    try:
        first = next(deciding, None)
    finally:
        deciding.close()
    if first is None:
        return
    encoding = first[1]
    del first
    for text, _ in _pieces(path, name, CHUNK_BYTES, encoding):
        yield text


def _pieces(path: str | Path, name: str, size: int, encoding: str | None) -> Iterator[tuple[str, str]]:
    """(text, encoding) of each piece of about `size` bytes; `encoding` None: the first
    piece decides it."""
    with _open(path, name) as handle:
        carry = b""
        lines = 0  # lines before the piece
        first = True
        while True:
            try:
                block = handle.read(size)
            except OSError as exc:
                raise UserError(Problem(Location(name), f"cannot be read: {exc.strerror}")) from None
            raw = carry + block
            if not block:
                if not raw:
                    return
                piece, carry = raw, b""
            else:
                # cut after the last LF, or after a CR that is not the last byte (its LF may follow)
                cut = max(raw.rfind(b"\n"), raw.rfind(b"\r", 0, len(raw) - 1)) + 1
                if cut == 0:
                    if len(raw) > MAX_ROW_CHARACTERS * 4:
                        raise UserError(Problem(Location(name, lines + 1), "a line longer than 1 MB; expected "
                                                                           "short answers, one row per company"))
                    carry = raw
                    continue
                piece, carry = raw[:cut], raw[cut:]
            if first and piece.startswith(b"\xef\xbb\xbf"):
                piece = piece[3:]
            try:
                # for the first piece exactly read_text's checks (a BOM-less UTF-16 file among them)
                text, encoding = _decode(piece, name, encoding)
            except UserError as exc:
                raise _moved(exc, lines) from None
            first = False
            bad = BAD_CHARACTER.search(text)
            if bad:  # an escape sequence in a cell would reach the terminal, file names and the summary
                at = bad.start()
                raise UserError(Problem(
                    Location(name, lines + text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)),
                    f"the control character U+{ord(bad.group()):04X} is not allowed in a table; expected printable text"))
            lines += _line_breaks(text)
            yield text, encoding


def _decode(piece: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """A piece's text and the file's encoding. The first piece decides it: strict UTF-8,
    else Windows-1251 when every byte decodes and the text reads as Cyrillic words (what
    Excel on a Russian Windows saves as "CSV"); anything else is refused with its position."""
    if encoding == "cp1251":
        try:
            return piece.decode("cp1251"), encoding
        except UnicodeDecodeError as exc:
            line = piece.count(b"\n", 0, exc.start) + 1
            raise UserError(Problem(Location(name, line, exc.start - (piece.rfind(b"\n", 0, exc.start) + 1) + 1),
                                    f"byte 0x{piece[exc.start]:02x} is not Windows-1251, the encoding the start of "
                                    "the table is in; expected one encoding, re-save it as UTF-8")) from None
    try:
        return decode_bytes(piece, name), "utf-8"
    except UserError:
        if encoding is None and b"\x00" not in piece and looks_cp1251(piece) and not _mostly_utf8(piece):
            return piece.decode("cp1251"), "cp1251"
        raise


def _mostly_utf8(piece: bytes) -> bool:
    """UTF-8 Cyrillic text with a stray byte (a line pasted from elsewhere): not Windows-1251,
    whose letters seldom pair into UTF-8 sequences ("Всё" does, once in a while)."""
    as_utf8 = sum(1 for c in piece.decode("utf-8", "replace") if "\u0400" <= c <= "\u04ff")
    as_cp1251 = sum(1 for c in piece.decode("cp1251", "replace") if "\u0400" <= c <= "\u04ff")
    return as_utf8 * 10 > as_cp1251


# one physical line with its ending, which is LF, CR or CR LF (a piece never ends between CR and LF)
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


class _Lines:
    """Physical lines of the table for csv.reader, counting the characters of the row being
    read so that one row cannot take unbounded memory."""

    def __init__(self, chunks: Iterator[str], name: str) -> None:
        # split as io.StringIO(text, newline="") would, without its copy of the text
        self._lines = (match.group() for text in chunks for match in _LINE.finditer(text))
        self.name = name
        self.row_characters = 0
        self.line = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.line += 1
        self.row_characters += len(line)
        if self.row_characters > MAX_ROW_CHARACTERS:
            raise UserError(Problem(Location(self.name, self.line), "a row longer than 1 MB; expected short answers, "
                                                                   "one row per company"))
        return line


def _delimiter(lines: list[str], columns: dict[str, tuple[str, str]]) -> str:
    """The delimiter under which most headers are known columns.

    Question texts contain commas, so guessing from character counts (csv.Sniffer)
    picks ',' for a ';'-separated Excel export; matching headers does not.
    """
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        try:
            header = next(csv.reader(iter(lines), delimiter=delimiter), [])
        except csv.Error:
            continue
        score = sum(_norm(title) in columns for title in header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _cannot_read(name: str, line: int, exc: csv.Error) -> UserError:
    return UserError(Problem(Location(name, line), f"cannot read the table: {exc}; expected short answers, "
                                                   "one row per company"))


def open_table(path: str | Path, questionnaire: Questionnaire, name: str | None = None) -> tuple[Header, Iterator[Row]]:
    """The table's header, checked (unknown or repeated columns, no company column raise
    UserError now), and its non-empty data rows as a stream (a problem found further down
    the file, such as a bad byte, raises UserError from the stream)."""
    name = name or str(path)
    if Path(path).suffix.lower() == ".xlsx":
        from diagnose.batch.xlsx_table import xlsx_rows

        rows = xlsx_rows(path, name)
        first = next(rows, None)
        if first is None or not any(cell.strip() for cell in first.cells):
            raise UserError(Problem(Location(name, 1, 1), "the first sheet's first row is empty; expected a header "
                                                          "row and one row per company"))
        plan = _plan(list(first.cells), _column_map(questionnaire), questionnaire, name, letters=True)
        return Header(name, "", len(first.cells), plan, first.cells), (row for row in rows if any(c.strip() for c in row.cells))
    lines = _Lines(_chunks(path, name), name)
    head = list(itertools.islice(lines, _HEADER_LINES))
    if not "".join(head).strip():
        raise UserError(Problem(Location(name, 1, 1), "file is empty, expected a header row and one row per company"))
    columns = _column_map(questionnaire)
    delimiter = _delimiter(head, columns)
    reader = csv.reader(itertools.chain(head, lines), delimiter=delimiter)
    try:
        titles = next(reader)
    except csv.Error as exc:
        raise _cannot_read(name, reader.line_num, exc) from None
    header = Header(name, delimiter, len(titles), _plan(titles, columns, questionnaire, name))
    return header, _data_rows(reader, lines, name)


def _data_rows(reader: Any, lines: _Lines, name: str) -> Iterator[Row]:
    while True:
        start = reader.line_num + 1
        lines.row_characters = 0
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _cannot_read(name, reader.line_num, exc) from None
        if any(cell.strip() for cell in cells):
            yield Row(start, tuple(cells))


def column_name(index: int, letters: bool) -> str:
    """A column as messages name it: its number in a CSV, its letter (A, …, Z, AA) in a workbook."""
    if not letters:
        return str(index + 1)
    name, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _plan(titles: list[str], columns: dict[str, tuple[str, str]], questionnaire: Questionnaire,
          name: str, letters: bool = False) -> tuple[tuple[int, str, str], ...]:
    problems = ProblemList()
    plan: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for index, title in enumerate(titles):
        kind, key = _column_of(title, columns, questionnaire)
        if kind == "unknown":
            if not title.strip():
                continue
            problems.add(
                Location(name, 1, index + 1, f"columns[{column_name(index, letters)}]"),
                f"column '{title.strip()}' is neither a question id, a question's text nor a known "
                f"field{did_you_mean(title.strip(), [q for q in questionnaire.questions])}",
            )
            continue
        if kind == "ignore":
            continue
        if kind == "state":
            key = key + "#state"
        if kind == "answer" and key in seen and key + "#state" not in seen and plan[-1] == (seen[key], "answer", key) \
                and has_state_row(questionnaire.questions[key]):
            # a label export names the "don't know" row and the figure alike: the first is the state
            plan[-1] = (seen[key], "state", key)
            seen[key + "#state"] = seen[key]
            del seen[key]
        if key in seen:
            problems.add(
                Location(name, 1, index + 1, f"columns[{column_name(index, letters)}]"),
                f"column '{title.strip()}' answers '{key}' again (column {column_name(seen[key], letters)} already does)",
            )
            continue
        seen[key] = index
        plan.append((index, kind, key.removesuffix("#state")))
    if "company" not in seen:
        problems.add(Location(name, 1, 1, "columns"), "no 'company' column; expected one naming each company")
    problems.raise_if_any()
    return tuple(plan)


def count_rows(path: str | Path, questionnaire: Questionnaire, display: str | None = None) -> int:
    """How many companies the table holds, reading it through once; a problem with the
    table as a whole (or a table with a header and no rows) raises UserError, problems
    with a row's answers are left for its own check."""
    name = display or str(path)
    _, rows = open_table(path, questionnaire, name)
    count = sum(1 for _ in rows)
    if not count:
        raise UserError(Problem(Location(name, 2, 1), "the table has a header but no rows"))
    return count


def row_document(header: Header, row: Row, questionnaire: Questionnaire,
                 specials: dict[str, str] | None = None) -> Document:
    """One row as an answer document whose positions are the row's line and cells; a row
    with more cells than the header (a stray separator) raises a located UserError."""
    line = row.line
    if len(row.cells) > header.width and not header.delimiter:
        raise UserError(Problem(Location(header.name, line, header.width + 1),
                                f"cell {column_name(header.width, True)}{line} has a value but its column has no "
                                "title; expected every answer under a titled column"))
    if len(row.cells) > header.width:
        sign = {"\t": "tab"}.get(header.delimiter, f"'{header.delimiter}'")
        raise UserError(Problem(Location(header.name, line, header.width + 1),
                                f"this row has {len(row.cells)} cells but the header has {header.width}; expected "
                                f"one cell per column (is a {sign} inside a cell that is not in quotes?)"))
    specials = specials if specials is not None else special_words(questionnaire)
    data = CommentedMap()
    data["questionnaire"] = questionnaire.id
    data["version"] = questionnaire.version
    meta = CommentedMap()
    answers = CommentedMap()
    states: dict[str, tuple[str, int]] = {}
    for index, kind, key in header.plan:
        cell = row.cells[index] if index < len(row.cells) else ""
        target = meta if kind == "meta" else answers
        if kind == "state":  # "don't know" chosen in a form's companion row (diagnose/xlsform.py)
            state = specials.get(_norm(cell)) or cell.strip()
            if state and _norm(state) not in _state_values(questionnaire):
                states[key] = (state, index)
            continue
        if kind == "meta":
            value: Any = cell.strip() or None
        else:
            value = cell_value(questionnaire.questions[key], cell, specials)
        target[key] = value
        target.lc.add_kv_line_col(key, [line - 1, index, line - 1, index])
    for key, (state, index) in states.items():
        if answers.get(key) is None:  # a figure given beside "don't know" is the answer
            answers[key] = state
            answers.lc.add_kv_line_col(key, [line - 1, index, line - 1, index])
    for mapping in (data, meta, answers):
        mapping.lc.line, mapping.lc.col = line - 1, 0
    data["meta"] = meta
    data["answers"] = answers
    for key in ("questionnaire", "version", "meta", "answers"):
        data.lc.add_kv_line_col(key, [line - 1, 0, line - 1, 0])
    return Document(header.name, data, "")

