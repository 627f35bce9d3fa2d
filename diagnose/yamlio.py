"""Reading and writing YAML safely, with the positions error messages need.

Every YAML file goes through `load_document`: size cap, encoding check, a scan of the
event stream that refuses language-specific tags, alias bombs, absurd nesting and sizes
(`Budget`), then a round-trip load (ruamel.yaml) that keeps comments and line/column
information; a tagged value that is not of its tag's type is a located error too.
`dump_document` writes a round-trip document back atomically, comments included.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.reader import ReaderError

from diagnose.errors import Location, Problem, UserError
from diagnose.outputs import atomic_write_bytes, atomic_write_text  # noqa: F401  (writes live there)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_ALIASES = 100
MAX_EXPANDED = 100_000  # values in a file, every alias written out
# No input needs more: the bundled questionnaire's largest mapping has 11 keys, the report
# texts' 149, its longest text 765 characters. Beyond these a file is an accident or an
# attack, and only makes the checks that follow (and the report) slow.
MAX_ENTRIES = 1_000  # keys of one mapping, items of one list
MAX_TEXT = 100_000  # characters of one value
# Standard YAML 1.2 core tags; anything else (e.g. !!python/object) is refused.
_ALLOWED_TAGS = {
    None,
    "!",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class Document:
    """A loaded YAML file: its round-trip data and where it came from."""

    path: str
    data: Any
    text: str

    def loc(self, container: Any = None, key: Any = None, path: str = "") -> Location:
        """Location of `key` inside `container` (or of the container itself)."""
        line, column = position(container, key)
        return Location(self.path, line, column, path)


def position(container: Any, key: Any = None) -> tuple[int | None, int | None]:
    """1-based (line, column) of a key in a mapping, an item in a sequence, or the node."""
    lc = getattr(container, "lc", None)
    if lc is None:
        return None, None
    try:
        if key is None:
            return lc.line + 1, lc.col + 1
        if isinstance(container, CommentedMap):
            if key in container:
                line, col = lc.key(key)
                return line + 1, col + 1
            return lc.line + 1, lc.col + 1
        if isinstance(container, CommentedSeq):
            line, col = lc.item(key)
            return line + 1, col + 1
    except (KeyError, IndexError, TypeError):
        pass
    return lc.line + 1, lc.col + 1


def value_position(container: Any, key: Any) -> tuple[int | None, int | None]:
    """1-based (line, column) of the value stored under `key` (falls back to the key)."""
    lc = getattr(container, "lc", None)
    if isinstance(container, CommentedMap) and lc is not None and key in container:
        try:
            line, col = lc.value(key)
            return line + 1, col + 1
        except (KeyError, TypeError):
            pass
    return position(container, key)


class BadValue(Exception):
    """A scalar its constructor cannot make (`!!int abc`): the message and where it is."""

    def __init__(self, mark: Any, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


# tag -> (what it promises, what to write instead)
_TAGGED = {
    "bool": ("a yes/no value", "true or false"),
    "int": ("a whole number", "digits only, such as 12"),
    "float": ("a number", "a number such as 2.5"),
    "null": ("an empty value", "nothing after the colon"),
}
_NULLS = ("", "~", "null", "Null", "NULL")


class _Constructor(RoundTripConstructor):
    """Round-trip constructor: an impossible date (2026-13-45) is kept as text, `!!str` is
    plain text, and a value its tag does not fit (`!!bool maybe`, `!!int 0x`) is a
    located `BadValue` instead of ruamel.yaml's bare KeyError, IndexError or ValueError.

    A date kept as text reaches the checker that expects a date and is reported there
    with its line and key path.
    """

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_str(self, node: Any) -> Any:
        # ruamel.yaml keeps an explicit `!!str` as a TaggedScalar, which no checker takes for text
        return self.construct_scalar(node)

    def _tagged(self, node: Any, kind: str, construct: Any) -> Any:
        value = node.value if isinstance(node.value, str) else None
        try:
            if kind == "null" and value is not None and value not in _NULLS:
                raise ValueError(value)
            return construct(self, node)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
            if value is None:
                raise
            if "digits" in str(exc):  # Python refuses to read an integer of over 4,300 digits
                raise BadValue(node.start_mark, _too_long(value)) from None
            promise, instead = _TAGGED[kind]
            raise BadValue(node.start_mark, f"the tag '!!{kind}' says this is {promise}, but "
                           f"{_quoted(value)} is not one; remove the tag or write {instead}") from None

    def construct_yaml_int(self, node: Any) -> Any:
        return self._tagged(node, "int", RoundTripConstructor.construct_yaml_int)

    def construct_yaml_float(self, node: Any) -> Any:
        return self._tagged(node, "float", RoundTripConstructor.construct_yaml_float)

    def construct_yaml_sbool(self, node: Any) -> Any:
        return self._tagged(node, "bool", RoundTripConstructor.construct_yaml_sbool)

    def construct_yaml_null(self, node: Any) -> Any:
        return self._tagged(node, "null", RoundTripConstructor.construct_yaml_null)


for _tag, _method in (("timestamp", _Constructor.construct_yaml_timestamp), ("str", _Constructor.construct_yaml_str),
                      ("int", _Constructor.construct_yaml_int), ("float", _Constructor.construct_yaml_float),
                      ("bool", _Constructor.construct_yaml_sbool), ("null", _Constructor.construct_yaml_null)):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _method)


def _quoted(value: str) -> str:
    return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"


def _too_long(value: str) -> str:
    return f"a number written with {len(value)} characters is far too large; expected a figure of at most 15 digits"


def _roundtrip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


def read_text(path: str | Path, display: str | None = None) -> str:
    """Read a UTF-8 text file or raise a located UserError saying why it cannot be read."""
    name = display or str(path)
    p = Path(path)
    if p.is_dir():
        raise UserError(Problem(Location(name), "is a folder, expected a YAML file"))
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(
                Problem(
                    Location(name),
                    f"file is {size / 1048576:.1f} MB, larger than the "
                    f"{MAX_FILE_BYTES // 1048576} MB an input may have",
                )
            )
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UserError(Problem(Location(name), "no such file")) from None
    except PermissionError:
        raise UserError(Problem(Location(name), "cannot be read: permission denied")) from None
    except OSError as exc:
        raise UserError(Problem(Location(name), f"cannot be read: {exc.strerror}")) from None
    return decode_bytes(raw, name)


def decode_bytes(raw: bytes, name: str) -> str:
    """Decode UTF-8 (BOM tolerated); refuse binary data and other encodings with a position."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise UserError(Problem(Location(name, 1, 1),
                                "file is UTF-32 encoded; expected a UTF-8 text file, re-save it as UTF-8"))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        raise UserError(
            Problem(
                Location(name, 1, 1),
                "file is UTF-16 encoded; expected a UTF-8 text file, re-save it as UTF-8",
            )
        )
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _line_col(raw, offset)
        raise UserError(
            Problem(
                Location(name, line, column),
                "file contains a NUL byte (binary data?); expected a UTF-8 text file",
            )
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw, exc.start)
        hint = " (it looks like Windows-1251)" if _looks_cp1251(raw) else ""
        raise UserError(
            Problem(
                Location(name, line, column),
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8{hint}; expected a UTF-8 text file, "
                "re-save it as UTF-8",
            )
        ) from None


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: text whose every other byte is NUL."""
    half = len(raw) // 2
    return half >= 4 and max(raw[0::2].count(0), raw[1::2].count(0)) >= 0.8 * half


def _looks_cp1251(raw: bytes) -> bool:
    """Windows-1251 decodes almost any bytes, so call it that only if the result reads as
    Russian: words of Cyrillic letters, not Latin words with a stray letter ("Cafй")."""
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", text) if any("\u0400" <= c <= "\u04ff" for c in w)]
    mixed = [w for w in words if any(c.isascii() for c in w)]
    return bool(words) and len(mixed) <= 0.2 * len(words)


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _mark_location(name: str, mark: Any) -> Location:
    if mark is None:
        return Location(name)
    return Location(name, mark.line + 1, mark.column + 1)


class Budget:
    """What a file holds, counted as its events go by: a key or list item past
    MAX_ENTRIES, nesting past MAX_DEPTH or a value longer than MAX_TEXT is refused with
    its position. Both readings of a file (`_check_events`, `fastyaml`) count with it, so
    a file too large is refused, in the same words, by whichever reads it first."""

    def __init__(self, name: str):
        self.name = name
        self.open: list[list[Any]] = []  # per open collection: [is a mapping, children so far]

    def node(self, event: Any) -> None:
        """An alias, scalar or collection start (ends go to `end`)."""
        if self.open:
            parent = self.open[-1]
            parent[1] += 1
            mapping = parent[0]
            if parent[1] > (2 * MAX_ENTRIES if mapping else MAX_ENTRIES):
                what = "keys in one mapping" if mapping else "items in one list"
                _refuse(self.name, event, f"more than {MAX_ENTRIES:,} {what}; expected at most {MAX_ENTRIES:,} "
                        "(no input needs more)")
        if isinstance(event, CollectionStartEvent):
            self.open.append([isinstance(event, MappingStartEvent), 0])
            if len(self.open) > MAX_DEPTH:
                _refuse(self.name, event, f"nesting is deeper than the {MAX_DEPTH} levels allowed")
        elif len(getattr(event, "value", None) or "") > MAX_TEXT:  # a scalar (libyaml's or ours)
            _refuse(self.name, event, f"a value of {len(event.value):,} characters, more than the {MAX_TEXT:,} "
                    "any value may have; expected a short text")

    def end(self) -> None:
        if self.open:
            self.open.pop()


def too_many_values(name: str, event: Any, aliases: int) -> None:
    if aliases:
        _refuse(name, event, f"aliases here expand to more than {MAX_EXPANDED} values "
                "(an alias bomb?); write the values out")
    _refuse(name, event, f"the file holds more than {MAX_EXPANDED:,} values, more than any input needs; "
            "expected a smaller file")


def _check_events(text: str, name: str, allow_aliases: bool) -> None:
    """Scan the event stream before building anything: tags, aliases, depth, sizes, expansion.

    Where aliases are allowed, each one counts as the number of values it stands for,
    so a few dozen aliases that nest nine-fold (a "billion laughs" bomb) are refused
    here instead of exhausting memory when something later walks the data.
    """
    yaml = YAML(typ="rt")
    budget = Budget(name)
    yaml_11 = declares_yaml_11(text)
    aliases = 0
    expanded = 0  # values in the document with every alias written out
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, `expanded` when it opened)
    sizes: dict[str, int] = {}  # anchor -> values it stands for
    try:
        for event in yaml.parse(io.StringIO(text)):
            if isinstance(event, AliasEvent):
                aliases += 1
                if not allow_aliases:
                    _refuse(name, event, f"alias '*{event.anchor}' is not allowed in this file; "
                            "write the value out in full")
                if aliases > MAX_ALIASES:
                    _refuse(name, event, f"more than {MAX_ALIASES} aliases; write the values out")
                budget.node(event)
                expanded += sizes.get(event.anchor, 1)
            elif isinstance(event, NodeEvent):
                _check_tag(name, event)
                budget.node(event)
                if isinstance(event, ScalarEvent):
                    check_scalar(name, event, yaml_11)
                    if not allow_aliases and event.value == "<<" and event.style is None:
                        # a merge key copies another mapping's keys in, unseen by the reader
                        _refuse(name, event, "'<<' (a YAML merge key) is not allowed in this file; "
                                "write the keys out")
                expanded += 1
                anchor = getattr(event, "anchor", None)
                if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                    open_nodes.append((anchor, expanded - 1))
                elif anchor:
                    sizes[anchor] = 1
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)) and open_nodes:
                budget.end()
                anchor, start = open_nodes.pop()
                if anchor:
                    sizes[anchor] = expanded - start
            if expanded > MAX_EXPANDED:
                too_many_values(name, event, aliases)
    except MarkedYAMLError as exc:
        raise UserError(_syntax_problem(name, exc)) from None
    except ReaderError as exc:
        # a raw control character (ESC, BEL, ...) in the text: say where, as one line
        at = exc.position
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise UserError(Problem(Location(name, line, column),
                                f"the control character U+{exc.character:04X} is not allowed in YAML; "
                                "expected printable text")) from None
    except AssertionError:
        # ruamel.yaml asserts on a %YAML directive naming a version it does not know
        raise UserError(_version_problem(text, name)) from None
    except YAMLError as exc:
        raise UserError(Problem(Location(name), f"YAML error: {exc}")) from None


def _version_problem(text: str, name: str) -> Problem:
    found = re.search(r"^%YAML[ \t]+(\S*)", text, re.MULTILINE)
    if found is None:
        return Problem(Location(name), "YAML error: the file cannot be read")
    line = text.count("\n", 0, found.start()) + 1
    return Problem(Location(name, line, 1), f"'%YAML {found.group(1)[:20]}' names a YAML version this tool "
                   "does not read; expected YAML 1.2 (delete the %YAML line)")


def _refuse(name: str, event: Any, message: str) -> None:
    raise UserError(Problem(_mark_location(name, event.start_mark), message))


# Written as escapes ("\x1b", "\ud800") these pass the reader: control characters would
# reach the terminal and the report, and half a surrogate pair cannot even be encoded.
BAD_CHARACTER = _BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
# Invisible characters that change what a reader sees: bidirectional overrides, embeddings,
# isolates and marks reorder a name in the PDF ("Trojan source"), line and paragraph
# separators break it where no break is seen. Refused in names, meta fields and text answers.
LAYOUT_CHARACTER = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
MAX_SHORT_TEXT = 300  # a name or a meta field: one line of a report's title page


def layout_character(text: str) -> str | None:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE)' for the first such character in text, else None."""
    found = LAYOUT_CHARACTER.search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} ({unicodedata.name(found.group(), 'a layout character')})"


def layout_problem(text: str) -> str | None:
    """The message for a name or meta text holding a layout character, else None."""
    held = layout_character(text)
    if held is None:
        return None
    return f"text holds {held}, an invisible character that changes how the text reads (its order or its lines); " \
        "expected plain text"


# A plain scalar of 30 digits or more is no figure anyone means; Python refuses to even
# read an integer of more than 4,300 digits, and a long one would flood messages.
_LONG_NUMBER = re.compile(r"[-+]?(?:0x[0-9a-fA-F_]{20,}|0o[0-7_]{20,}|0b[01_]{60,}|[0-9_]{30,}(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?)")
# YAML 1.1 (`%YAML 1.1`) reads 1:30:00 as a base-60 number: 30 characters of it are past
# 10**16. YAML 1.2, the default, reads it as text, so only a 1.1 document is checked for it.
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?")
_YAML_11 = re.compile(r"^%YAML[ \t]+1\.1(?![0-9])", re.MULTILINE)


def declares_yaml_11(text: str) -> bool:
    """The text has a `%YAML 1.1` directive (its plain scalars then read the 1.1 way)."""
    return "%YAML" in text and _YAML_11.search(text) is not None
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def check_scalar(name: str, event: Any, yaml_11: bool = False) -> None:
    """Refuse a scalar event holding a control character or an absurd number, located
    (`yaml_11`: the document is YAML 1.1, where 1:30:00 is a number)."""
    value = event.value
    if event.style == ">":
        value = value.replace("\a", "")  # ruamel marks where a folded scalar was folded
    bad = _BAD_CHARACTER.search(value)
    if bad:
        code = ord(bad.group())
        if 0xD800 <= code <= 0xDFFF:
            _refuse(name, event, f"text holds U+{code:04X}, half of a surrogate pair and not a character; "
                    "expected valid Unicode text")
        _refuse(name, event, f"text holds the control character U+{code:04X}; expected printable text")
    tag = getattr(event, "tag", None)
    if event.style is None or getattr(tag, "value", tag) in _NUMBER_TAGS:
        if _LONG_NUMBER.fullmatch(value) or (yaml_11 and len(value) >= 30 and _SEXAGESIMAL.fullmatch(value)):
            _refuse(name, event, _too_long(value))


def _check_tag(name: str, event: Any) -> None:
    tag = getattr(event, "tag", None)
    tag = getattr(tag, "value", tag)  # ruamel wraps tags in a Tag object
    if isinstance(event, ScalarEvent) and tag == "!":
        tag = None
    if tag not in _ALLOWED_TAGS:
        shown = str(tag).replace("tag:yaml.org,2002:", "!!")
        _refuse(name, event, f"tag '{shown}' is not allowed: files hold plain data only")


def _syntax_problem(name: str, exc: MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "invalid YAML").strip()
    if "'\\t'" in problem or "\\t" in problem:
        problem = "a tab character cannot be used for indentation in YAML; use spaces"
    elif exc.context:
        context = exc.context.strip()
        start = exc.context_mark
        if start is not None and mark is not None and start.line != mark.line:
            # the parser notices an unclosed bracket or quote only lines later: say where it began
            context = f"{context} that starts at line {start.line + 1}, column {start.column + 1}"
        problem = f"{problem} ({context})"
    return Problem(_mark_location(name, mark), f"YAML syntax error: {problem}")


def parse_text(text: str, name: str, allow_aliases: bool = False) -> Any:
    """Parse YAML text into round-trip data, raising located UserErrors."""
    from diagnose.fastyaml import prescan

    prescan(text, name)  # a file too large in any way is refused at C speed, not after the slow scan
    _check_events(text, name, allow_aliases)
    try:
        return _roundtrip_yaml().load(text)
    except BadValue as exc:
        raise UserError(Problem(_mark_location(name, exc.mark), exc.message)) from None
    except MarkedYAMLError as exc:
        if type(exc).__name__ == "DuplicateKeyError":
            mark = exc.problem_mark
            key = _duplicate_key_name(exc)
            return _raise(
                Problem(
                    _mark_location(name, mark),
                    f"duplicate key '{key}': each key may appear only once in a mapping",
                )
            )
        raise UserError(_syntax_problem(name, exc)) from None
    except YAMLError as exc:
        raise UserError(Problem(Location(name), f"YAML error: {exc}")) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # a constructor rejecting a scalar it resolved (no position given by ruamel)
        raise UserError(Problem(Location(name), f"YAML value cannot be read: {exc}")) from None


def _duplicate_key_name(exc: MarkedYAMLError) -> str:
    text = str(exc.problem or "")
    # ruamel says: found duplicate key "x" with value "y" (original value: "z")
    if '"' in text:
        return text.split('"')[1]
    return text


def _raise(problem: Problem) -> Any:
    raise UserError(problem)


def load_document(path: str | Path, display: str | None = None, allow_aliases: bool = False) -> Document:
    """Load one YAML file as a Document, or raise a UserError with its position."""
    name = display or str(path)
    text = read_text(path, name)
    if not text.strip():
        raise UserError(Problem(Location(name, 1, 1), "file is empty, expected a YAML mapping"))
    if all(line.strip().startswith("#") or not line.strip() for line in text.splitlines()):
        raise UserError(
            Problem(Location(name, 1, 1), "file holds only comments, expected a YAML mapping")
        )
    data = parse_text(text, name, allow_aliases=allow_aliases)
    if not isinstance(data, CommentedMap):
        if data is None:
            held = "no data"
        elif isinstance(data, list):
            held = "a list"
        else:
            shown = str(data) if len(str(data)) <= 40 else str(data)[:37] + "..."
            held = f"the single value '{shown}'"
        raise UserError(
            Problem(Location(name, 1, 1), f"file holds {held}, expected a YAML mapping of 'key: value' lines")
        )
    return Document(name, data, text)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no value"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


type_name = _type_name


# No figure a questionnaire, rulebook or answer holds comes near this; beyond it numbers
# are typos or attacks (10**400 cannot even become a float, 1e308 overflows at once).
MAX_NUMBER = 1e15


def is_number(value: Any) -> bool:
    """A finite int or float, not a bool, no larger in size than MAX_NUMBER."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_NUMBER <= value <= MAX_NUMBER
    return isinstance(value, float) and math.isfinite(value) and abs(value) <= MAX_NUMBER


def number_text(value: int | float) -> str:
    """A number for a message; a huge integer is described, not printed in full (Python
    refuses to print one of more than 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        return f"of about {int(value.bit_length() * 0.30103) + 1} digits (too large)"
    if isinstance(value, float) and math.isfinite(value) and abs(value) > MAX_NUMBER:
        return f"{value:g} (too large)"
    return str(value)


def dump_to_string(data: Any) -> str:
    buffer = io.StringIO()
    _roundtrip_yaml().dump(data, buffer)
    return buffer.getvalue()


def dump_document(path: str | Path, data: Any) -> None:
    """Write round-trip data (comments included) atomically."""
    atomic_write_text(path, dump_to_string(data))


def iter_items(container: Any) -> Iterator[tuple[Any, Any]]:
    """Items of a mapping or enumerated items of a sequence."""
    if isinstance(container, dict):
        yield from container.items()
    elif isinstance(container, list):
        yield from enumerate(container)
