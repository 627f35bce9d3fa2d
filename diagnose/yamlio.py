"""Reading and writing YAML safely, with the positions error messages need.

Every YAML file goes through `load_document`: size cap, encoding check, a scan of the
event stream that refuses language-specific tags, alias bombs and absurd nesting, then
a round-trip load (ruamel.yaml) that keeps comments and line/column information.
`dump_document` writes a round-trip document back atomically, comments included.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from diagnose.errors import Location, Problem, UserError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_ALIASES = 100
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


def _roundtrip_yaml() -> YAML:
    yaml = YAML(typ="rt")
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
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(
            Problem(Location(name, 1, 1), "file is UTF-16 encoded, expected UTF-8; re-save it as UTF-8")
        )
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _line_col(raw, offset)
        raise UserError(
            Problem(
                Location(name, line, column),
                "file contains a NUL byte (binary data?), expected a UTF-8 text file",
            )
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw, exc.start)
        hint = ""
        try:
            raw.decode("cp1251")
            hint = " (it looks like Windows-1251: re-save the file as UTF-8)"
        except UnicodeDecodeError:
            pass
        raise UserError(
            Problem(
                Location(name, line, column),
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8, expected a UTF-8 text file{hint}",
            )
        ) from None


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _mark_location(name: str, mark: Any) -> Location:
    if mark is None:
        return Location(name)
    return Location(name, mark.line + 1, mark.column + 1)


def _check_events(text: str, name: str, allow_aliases: bool) -> None:
    """Scan the event stream before building anything: tags, aliases, depth."""
    yaml = YAML(typ="rt")
    depth = 0
    aliases = 0
    try:
        for event in yaml.parse(io.StringIO(text)):
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise UserError(
                        Problem(
                            _mark_location(name, event.start_mark),
                            f"nesting is deeper than {MAX_DEPTH} levels",
                        )
                    )
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                depth -= 1
            if isinstance(event, AliasEvent):
                aliases += 1
                if not allow_aliases:
                    raise UserError(
                        Problem(
                            _mark_location(name, event.start_mark),
                            f"alias '*{event.anchor}' is not allowed here; write the value out",
                        )
                    )
                if aliases > MAX_ALIASES:
                    raise UserError(
                        Problem(
                            _mark_location(name, event.start_mark),
                            f"more than {MAX_ALIASES} aliases; write the values out",
                        )
                    )
            if isinstance(event, NodeEvent) and not isinstance(event, AliasEvent):
                tag = getattr(event, "tag", None)
                tag = getattr(tag, "value", tag)  # ruamel wraps tags in a Tag object
                if isinstance(event, ScalarEvent) and tag == "!":
                    tag = None
                if tag not in _ALLOWED_TAGS:
                    shown = str(tag).replace("tag:yaml.org,2002:", "!!")
                    raise UserError(
                        Problem(
                            _mark_location(name, event.start_mark),
                            f"tag '{shown}' is not allowed: files hold plain data only",
                        )
                    )
    except MarkedYAMLError as exc:
        raise UserError(_syntax_problem(name, exc)) from None
    except YAMLError as exc:
        raise UserError(Problem(Location(name), f"YAML error: {exc}")) from None


def _syntax_problem(name: str, exc: MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "invalid YAML").strip()
    if "'\\t'" in problem or "\\t" in problem:
        problem = "a tab character cannot be used for indentation in YAML; use spaces"
    elif exc.context:
        problem = f"{problem} ({exc.context.strip()})"
    return Problem(_mark_location(name, mark), f"YAML syntax error: {problem}")


def parse_text(text: str, name: str, allow_aliases: bool = False) -> Any:
    """Parse YAML text into round-trip data, raising located UserErrors."""
    _check_events(text, name, allow_aliases)
    try:
        return _roundtrip_yaml().load(text)
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
    if not text.strip() or all(
        line.strip().startswith("#") or not line.strip() for line in text.splitlines()
    ):
        raise UserError(Problem(Location(name, 1, 1), "file is empty, expected a YAML mapping"))
    data = parse_text(text, name, allow_aliases=allow_aliases)
    if not isinstance(data, CommentedMap):
        kind = type(data).__name__ if data is not None else "nothing"
        raise UserError(
            Problem(Location(name, 1, 1), f"file holds a {_type_name(data) if data is not None else kind}, expected a YAML mapping")
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


def is_number(value: Any) -> bool:
    """A finite int or float, not a bool."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def dump_to_string(data: Any) -> str:
    buffer = io.StringIO()
    _roundtrip_yaml().dump(data, buffer)
    return buffer.getvalue()


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never half of one."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise UserError(Problem(Location(str(path)), "cannot write: the folder does not exist")) from None
    except PermissionError:
        raise UserError(Problem(Location(str(path)), "cannot write: permission denied")) from None
    except OSError as exc:
        raise UserError(Problem(Location(str(path)), f"cannot write: {exc.strerror}")) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            # keep the user's permissions on the file being replaced
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UserError(Problem(Location(str(path)), f"cannot write: {exc.strerror}")) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def dump_document(path: str | Path, data: Any) -> None:
    """Write round-trip data (comments included) atomically."""
    atomic_write_text(path, dump_to_string(data))


def iter_items(container: Any) -> Iterator[tuple[Any, Any]]:
    """Items of a mapping or enumerated items of a sequence."""
    if isinstance(container, dict):
        yield from container.items()
    elif isinstance(container, list):
        yield from enumerate(container)
