"""Loading questionnaires and rulebooks quickly, with the same results and messages.

`load_checked` is what `load_questionnaire` and `load_rulebook` do:

1. an object already built from the same text in this process is reused;
2. for a bundled file, an object built earlier is read back from a disk cache — a
   pickle under `$XDG_CACHE_HOME/diagnose` (or `~/.cache/diagnose`; on macOS and Windows
   where those systems keep caches, `cache_dir`) keyed by the file's
   path and the SHA-256 of its text, the package version and the installed code (size
   and modification time of every module of the package), Python's, Jinja2's and
   ruamel.yaml's versions. Only files that passed every check are stored. Any trouble
   reading or writing the cache (missing folder, no permission, a truncated or foreign
   file) is ignored: the file is then loaded as if there were no cache;
3. otherwise the file is read with libyaml (`fastyaml`) and checked; only if that
   reading is refused or the checks find a problem is it read again with the careful
   loader (`yamlio.load_document`), whose located messages are the ones reported.

`template_bytecode_cache` keeps Jinja2's compiled report templates the same way, and
`kept_data` plain data built from a bundled file or a library (the word catalogues, the
report's texts.yaml, the fonts' advance widths, the locale's CLDR figures), so that a
fresh process reads one small pickle instead of parsing YAML, a font or Babel's data.
Set DIAGNOSE_NO_CACHE=1 to skip steps 1 and 2 and the template cache (e.g. to time a
cold start).
"""

from __future__ import annotations

import copy
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.bccache

from diagnose import __version__
from diagnose.errors import ProblemList
from diagnose.yamlio import Document, load_document, read_text

T = TypeVar("T")
Builder = Callable[[Document, ProblemList], Any]

_FORMAT = 1  # bump when what is pickled changes shape in a way the fingerprint misses
_MEMO_SIZE = 32
_memo: dict[tuple, Any] = {}
_keys: dict[int, tuple[Any, tuple]] = {}  # id(object) -> (object, the key it was loaded under)
_fingerprint: tuple | None = None


def load_checked(path: str | Path, display: str | None, kind: str, build: Builder,
                 depends_on: Any = None, rebind: Callable[[Any], Any] | None = None) -> Any:
    """Load `path` and build it with `build(document, problems)`; raise UserError on problems.

    `depends_on` is an object the result is built from (a rulebook's questionnaire): the
    result is cached only if that object was itself loaded here, and `rebind` makes a
    cached result refer to the caller's `depends_on` object.
    """
    name = display or str(path)
    key = _key(path, name, kind, depends_on)
    if key is not None:
        found = _memo.get(key)
        if found is None and _disk_cacheable(path):
            found = _read_cache(path, name, kind, key)
        if found is not None:
            found = _rebound(found, depends_on, rebind)
            _remember(key, found)
            return found
    result = _build(path, display, build)
    if key is not None:
        _remember(key, result)
        if _disk_cacheable(path):
            _write_cache(path, name, kind, key, result)
    return result


def read_checked(path: str | Path, display: str | None, build: Builder) -> Any:
    """Steps 3 only (no caching, for files that change, like answer files)."""
    return _build(path, display, build)


def _build(path: str | Path, display: str | None, build: Builder) -> Any:
    from diagnose.fastyaml import fast_document

    document = fast_document(path, display)
    if document is not None:
        problems = ProblemList()
        result = build(document, problems)
        if result is not None and not problems:
            return result
    # refused by the fast reading, or a problem to report: read with positions and say it
    document = load_document(path, display)
    problems = ProblemList()
    result = build(document, problems)
    problems.raise_if_any()
    assert result is not None
    return result


def _rebound(found: Any, depends_on: Any, rebind: Callable[[Any], Any] | None) -> Any:
    if depends_on is None or rebind is None:
        return found
    return rebind(found)


def _remember(key: tuple, value: Any) -> None:
    replaced = _memo.pop(key, None)
    if replaced is not None:
        _keys.pop(id(replaced), None)
    while len(_memo) >= _MEMO_SIZE:
        old = _memo.pop(next(iter(_memo)))
        _keys.pop(id(old), None)
    _memo[key] = value
    _keys[id(value)] = (value, key)


def key_of(value: Any) -> tuple | None:
    """The key an object was loaded under here, if it was."""
    entry = _keys.get(id(value))
    return entry[1] if entry is not None and entry[0] is value else None


def _key(path: str | Path, name: str, kind: str, depends_on: Any) -> tuple | None:
    if os.environ.get("DIAGNOSE_NO_CACHE"):
        return None
    dependency: tuple | None = None
    if depends_on is not None:
        dependency = key_of(depends_on)
        if dependency is None:
            return None  # built from an object of unknown origin: nothing to key it by
    try:
        text = read_text(path, name)
        resolved = str(Path(path).resolve())
    except Exception:  # noqa: BLE001 - unreadable: the loader reports it
        return None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return (kind, resolved, name, digest, dependency)


# ---------------------------------------------------------------------------- the disk cache


def _disk_cacheable(path: str | Path) -> bool:
    """Only the bundled questionnaires and rulebooks are kept on disk."""
    if os.environ.get("DIAGNOSE_NO_CACHE"):
        return False
    try:
        from diagnose.resources import questionnaires_dir

        return Path(path).resolve().parent == questionnaires_dir().resolve()
    except Exception:  # noqa: BLE001
        return False


def _bundled(resolved: Path) -> bool:
    """Whether a file is one of the package's own: a module's folder, the bundled
    questionnaires or report templates (a user's file is never kept)."""
    from diagnose.resources import questionnaires_dir, templates_dir

    folders = (Path(__file__).resolve().parent, questionnaires_dir().resolve(), templates_dir().resolve())
    return any(resolved.is_relative_to(folder) for folder in folders)


def cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/diagnose or ~/.cache/diagnose; None without an absolute place for it
    (a relative XDG_CACHE_HOME is to be ignored, and with no home folder "~" stays "~").
    On macOS and Windows, the system's own place for caches (platformdirs):
    ~/Library/Caches/diagnose, %LOCALAPPDATA%\\diagnose\\Cache."""
    if sys.platform in ("darwin", "win32"):
        return os_cache_dir(sys.platform)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "diagnose" if os.path.isabs(base) else None


def os_cache_dir(platform: str) -> Path | None:
    """Where macOS ("darwin") or Windows ("win32") keeps an application's caches."""
    if platform == "darwin":
        from platformdirs.macos import MacOS as Dirs
    else:
        from platformdirs.windows import Windows as Dirs
    try:
        base = Dirs(appname="diagnose", appauthor=False).user_cache_dir
    except (OSError, NotImplementedError, ValueError):  # the system would not say: run without a cache
        return None
    return Path(base) if os.path.isabs(base) else None


def _cache_file(path: str | Path, name: str, kind: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    where = hashlib.sha256(f"{kind}\0{Path(path).resolve()}\0{name}".encode()).hexdigest()[:24]
    return folder / f"{kind}-{where}.pickle"


def fingerprint() -> tuple:
    """What the pickled objects depend on besides the file: the code that built them."""
    global _fingerprint
    if _fingerprint is None:
        import ruamel.yaml

        _fingerprint = (_FORMAT, __version__, sys.version_info[:3], jinja2.__version__,
                        ruamel.yaml.__version__, tuple(_modules(str(Path(__file__).resolve().parent), "")))
    return _fingerprint


def _modules(folder: str, prefix: str) -> list[tuple[str, int, int]]:
    """(name, size, modification time) of every module and word catalogue of the package."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith((".py", ".yaml")) and entry.is_file():
                stat = entry.stat()
                found.append((prefix + entry.name, stat.st_size, stat.st_mtime_ns))
            elif entry.is_dir() and not entry.name.startswith((".", "_")):
                found.extend(_modules(entry.path, f"{prefix}{entry.name}/"))
    return sorted(found)


def _read_cache(path: str | Path, name: str, kind: str, key: tuple) -> Any:
    file = _cache_file(path, name, kind)
    data = _read_private(file) if file is not None else None
    if data is None:
        return None
    try:
        stored = pickle.loads(data)
        if not isinstance(stored, dict) or stored.get("key") != key or stored.get("fingerprint") != fingerprint():
            return None
        return stored["value"]
    except Exception:  # noqa: BLE001 - an old or broken entry: load the file instead
        return None


def _write_cache(path: str | Path, name: str, kind: str, key: tuple, value: Any) -> None:
    try:
        data = pickle.dumps({"key": key, "fingerprint": fingerprint(), "value": value},
                            protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something that cannot be pickled is only not cached
        return
    file = _cache_file(path, name, kind)
    if file is not None:
        _write_private(file, data)


def _read_private(file: Path) -> bytes | None:
    """The file's bytes if it was written by this user and no one else can write it (what
    is read here becomes code: a pickle or compiled templates); else None."""
    try:
        with open(file, "rb") as handle:
            stat = os.fstat(handle.fileno())
            # Windows has no owners or mode bits here: its cache folder is the user's own
            # (%LOCALAPPDATA%, closed to other users by its access list)
            if hasattr(os, "getuid") and (stat.st_uid != os.getuid() or stat.st_mode & 0o022):
                return None
            return handle.read()
    except Exception:  # noqa: BLE001 - no cache yet, or unreadable: do without
        return None


def _write_private(file: Path, data: bytes) -> None:
    """Write atomically with mode 0600 in a 0700 folder; any failure is ignored."""
    tmp = None
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)  # mode 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, file)
        tmp = None
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


class _TemplateCode(jinja2.BytecodeCache):
    """Jinja2's compiled templates, kept like the pickles above. Jinja2 itself checks that
    an entry was compiled from the template's current source; the folder's name carries
    the code fingerprint, so other settings or another Jinja2 never share an entry."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = _read_private(self.folder / f"{bucket.key}.jinja")
        if data is not None:
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # noqa: BLE001 - a broken entry: compile the template again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        _write_private(self.folder / f"{bucket.key}.jinja", bucket.bytecode_to_string())


def template_bytecode_cache(name: str) -> jinja2.BytecodeCache | None:
    """A cache of compiled templates for the Jinja2 environment called `name`, or None
    when caching is off."""
    folder = cache_dir()
    if os.environ.get("DIAGNOSE_NO_CACHE") or folder is None:
        return None
    where = hashlib.sha256(repr((name, fingerprint())).encode()).hexdigest()[:16]
    return _TemplateCode(folder / f"templates-{where}")


def kept_data(kind: str, source: Path | None, versions: tuple, build: Callable[[], T]) -> T:
    """`build()`, kept on disk like the checked files above: plain data made from the
    bundled file `source` (keyed by its bytes' SHA-256) and/or what `versions` names (a
    library's version, a language code). A file outside the package is built each time,
    as are all of them with DIAGNOSE_NO_CACHE=1; trouble with the cache only costs the
    build. Whatever `build` raises (a file with a problem) is raised, never kept."""
    if os.environ.get("DIAGNOSE_NO_CACHE"):
        return build()
    digest = ""
    if source is not None:
        try:
            resolved = Path(source).resolve()
            if not _bundled(resolved):
                return build()
            digest = hashlib.sha256(resolved.read_bytes()).hexdigest()
        except Exception:  # noqa: BLE001 - unreadable: `build` reports it
            return build()
    key = ("data", kind, str(source), digest, versions)
    found = _memo.get(key)
    if found is not None:
        return found
    file = _cache_file(Path(source or kind), repr(versions), f"data-{kind}")
    data = _read_private(file) if file is not None else None
    if data is not None:
        try:
            stored = pickle.loads(data)
            if isinstance(stored, dict) and stored.get("key") == key and stored.get("fingerprint") == fingerprint():
                _remember(key, stored["value"])
                return stored["value"]
        except Exception:  # noqa: BLE001 - an old or broken entry: build it again
            pass
    value = build()
    _remember(key, value)
    if file is not None:
        try:
            _write_private(file, pickle.dumps({"key": key, "fingerprint": fingerprint(), "value": value},
                                              protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001 - something that cannot be pickled is only not kept
            pass
    return value


def with_questionnaire(rulebook: T, questionnaire: Any) -> T:
    """A rulebook read from the cache, made to refer to the caller's questionnaire object
    (loaded from the same text, so equal to the one it was built with)."""
    if getattr(rulebook, "questionnaire", None) is questionnaire:
        return rulebook
    rebound = copy.copy(rulebook)
    rebound.questionnaire = questionnaire  # type: ignore[attr-defined]
    return rebound
