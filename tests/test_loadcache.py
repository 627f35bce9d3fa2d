"""Fast loading of questionnaires and rulebooks: the same objects, the same messages.

The libyaml reading accepts only files the careful loader accepts, and builds the same
data; a file with a problem is always reported by the careful loader; the disk cache of
the bundled files is used only when it is intact and ours, and never gets in the way.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import pytest

from diagnose import loadcache
from diagnose.errors import ProblemList, UserError
from diagnose.fastyaml import fast_document
from diagnose.questionnaire import load_questionnaire, questionnaire_from_document
from diagnose.resources import questionnaire_path, rulebook_path
from diagnose.rules.rulebook import load_rulebook
from diagnose.yamlio import Document, _check_events, load_document, read_text

ROOT = Path(__file__).resolve().parent.parent
YAML_FILES = sorted(
    p for folder in ("tests/fixtures", "questionnaires", "report_templates") for p in (ROOT / folder).rglob("*.yaml")
)


def _same_data(fast, careful, path: str = "") -> None:  # noqa: ANN001
    """The fast reading's plain data holds what the careful one does (whose types are
    ruamel's subclasses of the same: CommentedMap of dict, ScalarInt of int, ...)."""
    assert isinstance(careful, type(fast)), path
    if isinstance(fast, dict):
        assert list(fast) == list(careful), path
        for key in fast:
            _same_data(fast[key], careful[key], f"{path}.{key}")
    elif isinstance(fast, list):
        assert len(fast) == len(careful), path
        for index, (x, y) in enumerate(zip(fast, careful, strict=True)):
            _same_data(x, y, f"{path}[{index}]")
    elif fast == fast:  # NaN is never equal to itself
        assert fast == careful, path


def _fast(path: Path) -> Document | UserError | None:
    try:
        return fast_document(path)
    except UserError as exc:
        return exc


def _careful_scan_problems(path: Path) -> list[str]:
    """What the pure-Python scan alone says of a file (no libyaml prescan before it)."""
    try:
        _check_events(read_text(path), str(path), allow_aliases=False)
    except UserError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_fast_reading_accepts_only_what_the_careful_loader_accepts_and_builds_the_same() -> None:
    accepted = 0
    for path in YAML_FILES:
        fast = _fast(path)
        if fast is None:
            continue
        if isinstance(fast, UserError):  # refused at C speed: in the careful scan's very words
            assert [str(p) for p in fast.problems] == _careful_scan_problems(path), path
            continue
        accepted += 1
        careful = load_document(path)  # raises if the fast reading let through a bad file
        _same_data(fast.data, careful.data, str(path))
    assert accepted > 50


@pytest.mark.parametrize("name", ["alias.yaml", "billion-laughs.yaml", "questionnaire/billion-laughs.yaml"])
def test_fast_reading_leaves_aliases_to_the_careful_loader(name: str) -> None:
    assert fast_document(ROOT / "tests/fixtures/invalid" / name) is None


def test_hostile_files_are_left_to_the_careful_loader_or_refused_in_its_words() -> None:
    refused = 0
    for path in sorted((ROOT / "tests/fixtures/hostile").rglob("*.yaml")):
        fast = _fast(path)
        if isinstance(fast, UserError):
            refused += 1
            assert [str(p) for p in fast.problems] == _careful_scan_problems(path), path
        elif fast is not None:
            load_document(path)  # whatever the fast reading takes, the careful one takes too
    assert refused >= 5  # deep nesting, control characters, long numbers


@pytest.mark.parametrize("text", [
    "a:\n" + "".join(f"  k{n}: 1\n" for n in range(1001)),  # keys of one mapping
    "a:\n" + "".join(f"  - {n}\n" for n in range(1001)),  # items of one list
    "a: " + "x" * 100_001 + "\n",  # one value
    "".join(f"k{n}: [{', '.join(['1'] * 999)}]\n" for n in range(101)),  # values in a file
    "a: 1\nb: \"\\e[2J\"\n",  # a control character
    "%YAML 1.1\n---\na: 1" + ":59" * 20 + "\n",  # a base-60 number of YAML 1.1
])
def test_sizes_are_refused_by_the_fast_reading_in_the_careful_scans_words(text: str, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        fast_document(path)
    assert [str(p) for p in caught.value.problems] == _careful_scan_problems(path)


@pytest.mark.parametrize("path", sorted((ROOT / "tests/fixtures/invalid/questionnaire").glob("*.yaml")), ids=lambda p: p.name)
def test_a_questionnaire_with_problems_reports_the_careful_loaders_messages(path: Path) -> None:
    try:
        document = load_document(path)
    except UserError as exc:
        expected = [str(p) for p in exc.problems]
    else:
        problems = ProblemList()
        questionnaire_from_document(document, problems)
        expected = [str(p) for p in problems.items]
    if not expected:
        return
    with pytest.raises(UserError) as caught:
        load_questionnaire(path)
    assert [str(p) for p in caught.value.problems] == expected


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("DIAGNOSE_NO_CACHE", raising=False)
    monkeypatch.setattr(loadcache, "_memo", {})
    monkeypatch.setattr(loadcache, "_keys", {})
    return tmp_path / "diagnose"


def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process loaded, as a new command would."""
    monkeypatch.setattr(loadcache, "_memo", {})
    monkeypatch.setattr(loadcache, "_keys", {})


def test_bundled_files_are_cached_on_disk_privately_and_read_back(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    questionnaire = load_questionnaire(questionnaire_path())
    rulebook = load_rulebook(rulebook_path(), questionnaire)
    files = sorted(cache_home.glob("*.pickle"))
    # besides the two files, the word catalogues their checks read ("data-...", kept_data)
    assert [f.name.split("-")[0] for f in files if not f.name.startswith("data-")] == ["questionnaire", "rulebook"]
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    assert cache_home.stat().st_mode & 0o777 == 0o700

    _fresh_process(monkeypatch)
    monkeypatch.setattr(loadcache, "_build", lambda *a: pytest.fail("loaded the file instead of the cache"))
    again = load_questionnaire(questionnaire_path())
    book = load_rulebook(rulebook_path(), again)
    assert again == questionnaire and again is not questionnaire
    assert book.questionnaire is again
    assert [r.id for r in book.rules] == [r.id for r in rulebook.rules]


def test_the_same_file_loads_once_per_process(cache_home: Path) -> None:
    first = load_questionnaire(questionnaire_path())
    assert load_questionnaire(questionnaire_path()) is first


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other key", "group-writable"])
def test_a_damaged_or_foreign_cache_file_is_ignored(cache_home: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    expected = load_questionnaire(questionnaire_path())
    (cached,) = cache_home.glob("questionnaire-*.pickle")
    if damage == "truncated":
        cached.write_bytes(cached.read_bytes()[:100])
    elif damage == "garbage":
        cached.write_bytes(b"not a pickle")
    elif damage == "other key":
        stored = pickle.loads(cached.read_bytes())
        stored["key"] = ("questionnaire", "elsewhere")
        cached.write_bytes(pickle.dumps(stored))
    else:
        os.chmod(cached, 0o620)
    _fresh_process(monkeypatch)
    built = []
    original = loadcache._build
    monkeypatch.setattr(loadcache, "_build", lambda *a: built.append(1) or original(*a))
    assert load_questionnaire(questionnaire_path()) == expected
    assert built == [1]


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _fresh_process(monkeypatch)
    assert load_questionnaire(questionnaire_path()).id == "sales-structure"


def test_no_cache_when_asked(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIAGNOSE_NO_CACHE", "1")
    first = load_questionnaire(questionnaire_path())
    assert load_questionnaire(questionnaire_path()) is not first
    assert not cache_home.exists()


def test_a_changed_file_is_loaded_anew(tmp_path: Path, cache_home: Path) -> None:
    path = tmp_path / "q.yaml"
    text = questionnaire_path().read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = load_questionnaire(path)
    path.write_text(text.replace("version: 1", "version: 2", 1), encoding="utf-8")
    assert load_questionnaire(path).version == first.version + 1
    assert not cache_home.exists()  # only bundled files are kept on disk


def _render_demo_html() -> str:
    from diagnose.report.html import _environment
    from diagnose.report.render import build_html, diagnosis_for
    from diagnose.resources import examples_dir

    _environment.cache_clear()  # a new environment, as in a new process
    html, _, _, _ = build_html(diagnosis_for(examples_dir() / "engineering-equipment.yaml"))
    return html


def test_compiled_templates_are_kept_privately_and_render_the_same(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = _render_demo_html()
    (folder,) = cache_home.glob("templates-*")
    entries = sorted(folder.glob("*.jinja"))
    assert len(entries) >= 5  # report.html, base.html and the parts it includes
    assert all(e.stat().st_mode & 0o777 == 0o600 for e in entries)
    compiled = []
    monkeypatch.setattr("jinja2.environment.Environment._compile", lambda *a: compiled.append(a) or pytest.fail("compiled again"))
    assert _render_demo_html() == cold


@pytest.mark.parametrize("damage", ["garbage", "writable by others"])
def test_a_damaged_or_foreign_compiled_template_is_not_used(cache_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                           damage: str) -> None:
    import jinja2.environment

    cold = _render_demo_html()
    (folder,) = cache_home.glob("templates-*")
    for entry in folder.glob("*.jinja"):
        if damage == "garbage":
            entry.write_bytes(b"garbage")
        else:
            os.chmod(entry, 0o666)
    compiled = []
    original = jinja2.environment.Environment._compile
    monkeypatch.setattr(jinja2.environment.Environment, "_compile", lambda *a: compiled.append(1) or original(*a))
    assert _render_demo_html() == cold
    assert compiled


ANSWER_FILES = sorted(
    p for p in (ROOT / "tests/fixtures").rglob("*.yaml")
    if "questionnaire" not in p.parent.name and not p.name.endswith(".rules.yaml") and "hostile" not in p.parts
) + sorted((ROOT / "questionnaires/examples").glob("*.yaml"))


def _outcome(path: Path, **options):  # -> tuple
    from diagnose.answers import load_answers

    try:
        answers = load_answers(path, **options)
    except UserError as exc:
        return ("problems", [str(p) for p in exc.problems])
    return ("answers", answers.values, answers.meta, answers.questionnaire.id)


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_answers_read_without_comments_give_the_same_answers_and_messages(path: Path) -> None:
    assert _outcome(path, keep_comments=False) == _outcome(path)


def test_a_relative_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert loadcache.cache_dir() == tmp_path / "home" / ".cache" / "diagnose"
    _fresh_process(monkeypatch)
    load_questionnaire(questionnaire_path())
    assert not (tmp_path / "relative").exists()


def test_a_long_base_60_form_is_text_in_yaml_1_2_for_both_readings(tmp_path: Path) -> None:
    # YAML 1.2, the default, has no base-60 numbers: a consultant's "1:59:59:…" note is text
    value = "1" + ":59" * 20
    path = tmp_path / "notes.yaml"
    path.write_text(f"a: {value}\n", encoding="utf-8")
    assert fast_document(path).data == {"a": value}
    assert load_document(path).data == {"a": value}


def test_the_cache_lives_where_each_system_keeps_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs.windows

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert loadcache.cache_dir() == tmp_path / "xdg" / "diagnose"  # Linux: XDG, as before
    monkeypatch.delenv("XDG_CACHE_HOME")  # (platformdirs honours it on macOS too)
    assert loadcache.os_cache_dir("darwin") == tmp_path / "home" / "Library" / "Caches" / "diagnose"
    local = tmp_path / "AppData" / "Local"
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda csidl: str(local))
    assert loadcache.os_cache_dir("win32") == local / "diagnose" / "Cache"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert loadcache.cache_dir() == tmp_path / "home" / "Library" / "Caches" / "diagnose"


def test_no_cache_where_windows_will_not_say_where(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs.windows

    def refuse(csidl: str) -> str:
        raise NotImplementedError

    monkeypatch.setattr(platformdirs.windows, "get_win_folder", refuse)
    assert loadcache.os_cache_dir("win32") is None


def test_without_owners_the_cache_is_still_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows has no os.getuid: the cache under the user's own folder is read as it is
    file = tmp_path / "x.pickle"
    file.write_bytes(b"data")
    file.chmod(0o666)
    assert loadcache._read_private(file) is None  # here: writable by others, refused
    monkeypatch.delattr(os, "getuid")
    assert loadcache._read_private(file) == b"data"


def test_kept_data_of_a_bundled_file_is_read_back_and_follows_its_text(cache_home: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from diagnose.report.measure import FONT_FILES
    from diagnose.resources import templates_dir

    font = templates_dir() / "fonts" / FONT_FILES[False]
    built: list[int] = []

    def build() -> dict[str, int]:
        built.append(1)
        return {"built": len(built)}

    assert loadcache.kept_data("test", font, ("v1",), build) == {"built": 1}
    (kept,) = cache_home.glob("data-test-*.pickle")
    assert kept.stat().st_mode & 0o777 == 0o600
    _fresh_process(monkeypatch)
    assert loadcache.kept_data("test", font, ("v1",), build) == {"built": 1}  # read back, not built
    assert built == [1]
    _fresh_process(monkeypatch)
    assert loadcache.kept_data("test", font, ("v2",), build) == {"built": 2}  # other versions: built again
    monkeypatch.setenv("DIAGNOSE_NO_CACHE", "1")
    assert loadcache.kept_data("test", font, ("v1",), build) == {"built": 3}


def test_kept_data_never_keeps_a_users_file(cache_home: Path, tmp_path: Path) -> None:
    own = tmp_path / "texts.yaml"
    own.write_text("kind: texts\n", encoding="utf-8")
    assert loadcache.kept_data("test", own, (), lambda: 1) == 1
    assert loadcache.kept_data("test", own, (), lambda: 2) == 2
    assert not list(cache_home.glob("data-test-*"))
