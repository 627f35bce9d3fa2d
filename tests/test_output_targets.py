"""Where an output may go: a regular file is replaced atomically (through a symbolic link,
the file it names), a device or a named pipe is written into, a name of the process's own
descriptor (/dev/stdout, /proc/self/fd/1) writes through that descriptor, and a folder or
a socket is refused with one located line (diagnose/outputs.py).

Device nodes, pipes, sockets and links are made here, at test time. A device node needs
root (`mknod`); those tests are skipped, with the reason, for anyone else. A pipe is read
by a thread that waits for the data; if the program replaced the pipe instead of writing
into it, the thread is let go through a second name of the same pipe and the test fails
on the empty data, instead of hanging.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_helpers import leftovers, run_diagnose

from diagnose.answers import load_answers
from diagnose.cli import cli
from diagnose.outputs import atomic_write_bytes, own_descriptor
from diagnose.resources import examples_dir

ANSWERS = examples_dir() / "small-distributor.yaml"
INTERVIEW = Path(__file__).parent / "fixtures" / "interview"
NULL_DEVICE = os.makedev(1, 3)  # what /dev/null is on Linux


def invoke(*args: str, text: str | None = None):
    return CliRunner().invoke(cli, list(args), input=text)


def report_json() -> bytes:
    result = CliRunner().invoke(cli, ["report", str(ANSWERS), "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.fixture
def null_device(tmp_path: Path):
    """A fresh device node with /dev/null's numbers, made with mknod (root only)."""
    def make(path: Path) -> Path:
        if os.geteuid() != 0:
            pytest.skip("mknod needs root: a device node cannot be made otherwise")
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, NULL_DEVICE)
        except PermissionError:
            pytest.skip("this machine forbids mknod even to root (a container without CAP_MKNOD)")
        return path
    return make


def assert_still_the_device(path: Path) -> None:
    info = os.lstat(path)
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == NULL_DEVICE, f"{path} was replaced: {info}"


class PipeReader:
    """A named pipe and a thread that reads it to the end; `data()` once the writer is done."""

    def __init__(self, path: Path, spare: Path):
        self.path, self.spare = path, spare
        os.mkfifo(path)
        os.link(path, spare)  # the same pipe under a second name, to let the reader go
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as pipe:  # waits for a writer
            self.chunks.append(pipe.read())  # until the writer closes it

    def data(self) -> bytes:
        """What arrived, once the program has finished. A reader still waiting for a writer
        (the pipe was replaced, nobody wrote into it) is released and gets nothing."""
        try:
            os.close(os.open(self.spare, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # ENXIO: no reader left waiting
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()
        return b"".join(self.chunks)


@pytest.fixture
def pipe(tmp_path: Path):
    spares = tmp_path / "spare-names"
    spares.mkdir()
    return lambda path: PipeReader(path, spares / path.name)


def assert_still_a_pipe(path: Path) -> None:
    assert stat.S_ISFIFO(os.lstat(path).st_mode), f"{path} was replaced by a regular file"


# ── devices ──────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("fmt", ["json", "html"])
def test_report_into_a_device_is_written_into_it(tmp_path, null_device, fmt):
    device = null_device(tmp_path / "null")
    result = invoke("report", str(ANSWERS), "--format", fmt, "-o", str(device))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {device}\n"
    assert_still_the_device(device)
    assert leftovers(tmp_path) == []


def test_template_into_a_device_needs_no_force(tmp_path, null_device):
    device = null_device(tmp_path / "null")
    result = invoke("template", "--lang", "en", "-o", str(device))
    assert result.exit_code == 0, result.output
    assert_still_the_device(device)


def test_demo_into_a_folder_where_its_file_is_a_device(tmp_path, null_device, monkeypatch):
    from diagnose.report import render

    # the demo's way to its file, without the seconds a PDF takes to make
    monkeypatch.setattr(render, "report_bytes", lambda *args: render.Rendered(b"%PDF-1.7 demo", "pdf"))
    device = null_device(tmp_path / "engineering-equipment-report.pdf")
    result = invoke("demo", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert_still_the_device(device)
    assert leftovers(tmp_path) == []


def test_batch_summary_into_a_device_and_a_pipe(tmp_path, null_device, pipe):
    out = tmp_path / "out"
    out.mkdir()
    device = null_device(out / "summary.json")
    reader = pipe(out / "summary.csv")
    result = invoke("batch", str(ANSWERS), "--out-dir", str(out), "--format", "json", "--jobs", "1")
    table = reader.data()
    assert result.exit_code == 0, result.output
    assert_still_the_device(device)
    assert_still_a_pipe(out / "summary.csv")
    assert "Brightline Supplies Ltd" in table.decode("utf-8-sig")
    assert leftovers(out) == []


def test_device_as_the_answer_file_of_an_interview_is_refused(tmp_path, null_device):
    device = null_device(tmp_path / "null")
    result = invoke("interview", "--resume", str(device), "--lang", "en", text="Acme\n")
    assert result.exit_code == 2
    assert result.stderr == (f"{device}: is not a regular file (a device or a pipe), and the answers are saved "
                             "to a file after every answer; name a file with -o\n")
    assert_still_the_device(device)


# ── named pipes ──────────────────────────────────────────────────────────────────────
def test_report_into_a_named_pipe_reaches_its_reader(tmp_path, pipe):
    reader = pipe(tmp_path / "report.json")
    run = run_diagnose(["report", str(ANSWERS), "--format", "json", "-o", "report.json"], tmp_path)
    data = reader.data()
    assert run.code == 0, run.output
    assert data == report_json()
    assert_still_a_pipe(tmp_path / "report.json")
    assert leftovers(tmp_path) == []


def test_template_into_a_named_pipe_reaches_its_reader(tmp_path, pipe):
    reader = pipe(tmp_path / "blank.yaml")
    result = invoke("template", "--lang", "en", "-o", str(tmp_path / "blank.yaml"))
    data = reader.data()
    assert result.exit_code == 0, result.output
    assert data.decode("utf-8") == invoke("template", "--lang", "en").output
    assert_still_a_pipe(tmp_path / "blank.yaml")


@pytest.mark.parametrize("option", ["--resume", "-o"])
def test_named_pipe_as_the_answer_file_of_an_interview_is_refused(tmp_path, option):
    """In a child with a time limit: an interview that opened the pipe to read it would wait
    for a writer for ever."""
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    run = subprocess.run([sys.executable, "-m", "diagnose", "interview", option, str(fifo), "--lang", "en"],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    if option == "--resume":
        assert run.stderr == (f"{fifo}: is not a regular file (a device or a pipe), and the answers are saved "
                              "to a file after every answer; name a file with -o\n")
    else:
        assert f"{fifo}: already exists; continue it with" in run.stderr
    assert_still_a_pipe(fifo)


# ── this process's own descriptors ───────────────────────────────────────────────────
@pytest.mark.parametrize("name", ["/proc/self/fd/1", "/dev/stdout", "/dev/fd/1"])
def test_own_stdout_by_name_is_written_through(tmp_path, name):
    """stdout a pipe (what the parent reads): the report arrives on it, nothing is replaced."""
    run = run_diagnose(["report", str(ANSWERS), "--format", "json", "-o", name], tmp_path)
    assert run.code == 0, run.output
    assert run.stdout.encode("utf-8") == report_json()
    assert run.stderr == f"Wrote {name}\n"


def test_own_stdout_appending_to_a_log_appends(tmp_path):
    """`-o /dev/stdout >> log`: the report goes after what the log held; the log stays."""
    log = tmp_path / "log.txt"
    log.write_bytes(b"earlier lines\n")
    with open(log, "ab") as stdout:
        run = run_diagnose(["report", str(ANSWERS), "--format", "json", "-o", "/proc/self/fd/1"], tmp_path,
                           stdout=stdout.fileno())
    assert run.code == 0, run.output
    assert log.read_bytes() == b"earlier lines\n" + report_json()


def test_descriptor_names():
    pid = os.getpid()
    assert own_descriptor("/dev/stdout") == 1 and own_descriptor("/dev/stderr") == 2
    assert own_descriptor("/dev/fd/7") == 7 and own_descriptor("/proc/self/fd/3") == 3
    assert own_descriptor(f"/proc/{pid}/fd/4") == 4 and own_descriptor("/proc/thread-self/fd/1") == 1
    assert own_descriptor("/dev/./fd/../fd/5") == 5
    assert own_descriptor(f"/proc/{pid + 1}/fd/1") is None  # another process's: a path like any
    assert own_descriptor("/dev/null") is None and own_descriptor("fd/1") is None


def test_closed_descriptor_is_a_located_error(tmp_path):
    with pytest.raises(Exception) as caught:
        atomic_write_bytes("/dev/fd/987", b"x")
    assert str(caught.value.problems[0]) == "/dev/fd/987: cannot write: Bad file descriptor"


# ── symbolic links ───────────────────────────────────────────────────────────────────
def shared_answers(tmp_path: Path) -> tuple[Path, Path]:
    """acme.yaml -> shared/acme.yaml, a complete answer file, mode 0640."""
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "acme.yaml"
    shutil.copy(INTERVIEW / "complete.en.yaml", target)
    target.chmod(0o640)
    link = tmp_path / "acme.yaml"
    link.symlink_to(Path("shared") / "acme.yaml")
    return link, target


def test_resumed_answer_file_behind_a_link_is_saved_into_the_file_it_names(tmp_path):
    link, target = shared_answers(tmp_path)
    if os.geteuid() == 0:
        os.chown(target, 65534, 65534)  # someone else's file: root keeps its owner too
    result = invoke("interview", "--resume", str(link), text="3.8\n170\n\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("shared") / "acme.yaml")
    assert load_answers(target).values["active_clients"] == 170
    info = os.stat(target)
    assert stat.S_IMODE(info.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (65534, 65534)
    assert leftovers(tmp_path) == []


def test_report_through_a_link_replaces_the_file_it_names(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "report.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "report.json"
    link.symlink_to(target)
    result = invoke("report", str(ANSWERS), "--format", "json", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["company"]["company"] == "Brightline Supplies Ltd"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_link_to_a_file_not_there_yet_creates_it(tmp_path):
    (tmp_path / "shared").mkdir()
    link = tmp_path / "blank.yaml"
    link.symlink_to(tmp_path / "shared" / "blank.yaml")
    result = invoke("template", "--lang", "en", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and (tmp_path / "shared" / "blank.yaml").is_file()


def test_link_into_a_missing_folder_says_where_it_leads(tmp_path):
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "gone" / "report.json")
    result = invoke("report", str(ANSWERS), "--format", "json", "-o", str(link))
    assert result.exit_code == 2
    assert result.stderr == (f"{link}: cannot write: the folder does not exist "
                             f"(writing {tmp_path / 'gone' / 'report.json'}, which it links to)\n")
    assert link.is_symlink()


def test_link_loop_is_a_located_error(tmp_path):
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    result = invoke("report", str(ANSWERS), "--format", "json", "-o", str(tmp_path / "a.json"))
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'a.json'}: cannot write: Too many levels of symbolic links\n"


# ── what cannot be written ───────────────────────────────────────────────────────────
def test_folder_as_the_output_is_refused(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    result = invoke("report", str(ANSWERS), "--format", "json", "-o", str(folder))
    assert result.exit_code == 2
    assert result.stderr == f"{folder}: cannot write: is a folder; expected a file name\n"
    assert list(folder.iterdir()) == [] and leftovers(tmp_path) == []


def test_socket_as_the_output_is_refused(tmp_path):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = invoke("report", str(ANSWERS), "--format", "json", "-o", str(path))
    finally:
        server.close()
    assert result.exit_code == 2
    assert result.stderr == f"{path}: cannot write: is a socket; expected a file, a device or a pipe\n"
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_new_file_gets_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path):
    new = tmp_path / "new.json"
    mask = os.umask(0o027)
    try:
        atomic_write_bytes(new, b"{}")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    new.chmod(0o604)
    atomic_write_bytes(new, b"[]")
    assert stat.S_IMODE(new.stat().st_mode) == 0o604 and new.read_bytes() == b"[]"


def test_an_interview_removes_the_temporary_file_a_killed_save_left(tmp_path) -> None:
    from diagnose.interview.run import lock_answers

    answers = tmp_path / "a.yaml"
    answers.write_text("questionnaire: sales-structure\n", encoding="utf-8")
    left = tmp_path / ".a.yaml.k3x9q2ab.tmp"
    left.write_text("half a save", encoding="utf-8")
    other = tmp_path / ".b.yaml.k3x9q2ab.tmp"  # another file's: not ours to remove
    other.write_text("x", encoding="utf-8")
    lock = lock_answers(answers, "en")
    try:
        assert not left.exists() and other.exists() and answers.exists()
    finally:
        lock.release()


def test_a_pipe_nobody_reads_yet_is_announced_then_written(tmp_path):
    """A named pipe without a reader: one line says what the program waits for (never a
    silent hang); once a reader opens it, the report arrives whole."""
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    child = subprocess.Popen([sys.executable, "-m", "diagnose", "report", str(ANSWERS), "--format", "json",
                              "-o", str(fifo)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        first = child.stderr.readline()  # printed before the child waits: we synchronise on it
        assert first == f"{fifo}: waiting for a program to read this pipe (nothing has opened it for reading yet)\n"
        with open(fifo, "rb") as pipe:
            data = pipe.read()
        assert child.wait(timeout=120) == 0
        assert child.stderr.read() == f"Wrote {fifo}\n"
    finally:
        if child.poll() is None:
            child.kill()
        child.stderr.close()
    assert data == report_json()
    assert_still_a_pipe(fifo)
