"""Getting the PDF ready before the person asks for it (both front ends).

Two steps hide WeasyPrint's cost behind the interview. While questions are answered, a
background thread imports WeasyPrint and the report module (about a second). Whenever the
answers are complete and the saved file changes (the review is shown, or an answer is
changed in it), a background thread renders the report of the file as saved at that
moment into a private temporary folder. A render of content that has since changed is
stale: its result is discarded and the newest content is rendered next (a WeasyPrint
render cannot be interrupted, so one runs at a time and the latest request wins). If the
person then asks for the PDF and the file has not changed since, that PDF is moved into
place at once; otherwise `take` waits for the render of the current content. The render
is the interview's own (`write`: answer file, PDF file), made with the session's method.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from diagnose.interview.background import start_quiet_thread
from diagnose.interview.stdin_lines import WAKE_EVERY

REPORT_MODULE = "diagnose.report.render"
# what a PDF needs imported; WeasyPrint's import alone takes about a second
WARM_MODULES = ("weasyprint", REPORT_MODULE, "diagnose.report.pdf")


def report_available() -> bool:
    try:
        return importlib.util.find_spec(REPORT_MODULE) is not None
    except ImportError:
        return False


def warm_report_import() -> threading.Thread | None:
    """Import WeasyPrint and the report module in a background thread."""
    if not report_available():
        return None

    def work() -> None:
        with contextlib.suppress(Exception):
            for name in WARM_MODULES:
                importlib.import_module(name)

    return start_quiet_thread(work, "warm-report-import")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


WriteReport = Callable[[Path, Path], object]  # (answer file, PDF to write)


def bundled_report(answers_path: Path, pdf: Path) -> object:
    """The PDF made with the bundled questionnaire and rulebook."""
    from diagnose.report.render import write_report

    return write_report(answers_path, pdf)


class Prerender:
    """A speculative render of the answer file's current content; the newest content wins."""

    def __init__(self, answers_path: Path, write: WriteReport = bundled_report):
        self.answers_path = answers_path
        self.write = write
        self.folder: Path | None = None  # made when the first render starts
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.wanted: tuple[str, bytes] | None = None  # the newest content asked for
        self.digest: str | None = None  # the digest of `wanted`
        self.ready: Path | None = None  # the PDF of `digest`, once rendered
        self.renders = 0  # renders started (stale ones included)

    def start(self) -> None:
        """Render the file as it is now, unless that content is already rendered or rendering."""
        try:
            data = self.answers_path.read_bytes()
        except OSError:
            return
        digest = _digest(data)
        with self.lock:
            if digest == self.digest:
                return
            self.wanted, self.digest, self.ready = (digest, data), digest, None
            if self.folder is None:
                self.folder = Path(tempfile.mkdtemp(prefix="diagnose-report-"))
            if self.thread is not None and self.thread.is_alive():
                return  # the running thread picks the new content up when its render ends
            self.thread = start_quiet_thread(self._work, "prerender-report")

    def _work(self) -> None:
        """Render the newest wanted content until no newer content is waiting."""
        while True:
            with self.lock:
                if self.wanted is None:
                    return
                digest, data = self.wanted
                self.wanted = None
                self.renders += 1
            target = self._render(data, digest)
            with self.lock:
                if target is not None and digest == self.digest:
                    self.ready = target
                elif target is not None:
                    target.unlink(missing_ok=True)  # stale: the answers moved on meanwhile

    def _render(self, data: bytes, digest: str) -> Path | None:
        assert self.folder is not None
        try:
            source = self.folder / f"{digest}.yaml"
            source.write_bytes(data)
            target = self.folder / f"{digest}.pdf"
            self.write(source, target)
        except Exception:  # the report is made again, with its error shown, when asked for
            return None
        return target

    def take(self, output: Path, checkpoint: Callable[[], None] = lambda: None) -> bool:
        """Move the finished PDF to `output` if it matches the file now; False otherwise.
        `checkpoint` raises a signal whose exception was swallowed while waiting."""
        try:
            current = _digest(self.answers_path.read_bytes())
        except OSError:
            return False
        if current != self.digest:
            self.start()  # the file moved on since the last render was asked for
        while self.thread is not None and self.thread.is_alive():
            # a join without a timeout can sleep through a signal that lands just before
            # it blocks (see `stdin_lines`); waking every second bounds that
            checkpoint()
            self.thread.join(WAKE_EVERY)
        if self.ready is None or current != self.digest or not self.ready.exists():
            return False
        from diagnose.outputs import atomic_write_bytes

        atomic_write_bytes(output, self.ready.read_bytes())
        return True

    def close(self) -> None:
        """Remove the private folder (a render still running finishes into nothing)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
