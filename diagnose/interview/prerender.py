"""Getting the PDF ready before the person asks for it (terminal mode only).

Two steps hide WeasyPrint's cost behind the interview. While questions are answered, a
background thread imports WeasyPrint and the report module (about a second). When the
review is shown, the answers are complete, so a background thread renders the report of
the file as saved at that moment into a private temporary folder. If the person then
asks for the PDF and the file has not changed since, that PDF is moved into place at
once; otherwise the report is rendered again. One render runs at a time. The render is
the interview's own (`write`: answer file, PDF file), made with the session's method.
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

    thread = threading.Thread(target=work, name="warm-report-import", daemon=True)
    thread.start()
    return thread


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


WriteReport = Callable[[Path, Path], object]  # (answer file, PDF to write)


def bundled_report(answers_path: Path, pdf: Path) -> object:
    """The PDF made with the bundled questionnaire and rulebook."""
    from diagnose.report.render import write_report

    return write_report(answers_path, pdf)


class Prerender:
    """A speculative render of the answer file's current content."""

    def __init__(self, answers_path: Path, write: WriteReport = bundled_report):
        self.answers_path = answers_path
        self.write = write
        self.folder: Path | None = None  # made when the first render starts
        self.thread: threading.Thread | None = None
        self.digest: str | None = None
        self.ready: Path | None = None

    def start(self) -> None:
        """Render the file as it is now, unless that content is already rendered or rendering."""
        try:
            data = self.answers_path.read_bytes()
        except OSError:
            return
        digest = _digest(data)
        if digest == self.digest:
            return
        if self.thread is not None and self.thread.is_alive():
            return  # one render at a time; `take` renders again if the content moved on
        self.digest, self.ready = digest, None
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="diagnose-report-"))
        self.thread = threading.Thread(target=self._render, args=(data, digest), name="prerender-report", daemon=True)
        self.thread.start()

    def _render(self, data: bytes, digest: str) -> None:
        assert self.folder is not None
        with contextlib.suppress(Exception):
            source = self.folder / f"{digest}.yaml"
            source.write_bytes(data)
            target = self.folder / f"{digest}.pdf"
            self.write(source, target)
            if digest == self.digest:
                self.ready = target

    def take(self, output: Path) -> bool:
        """Move the finished PDF to `output` if it matches the file now; False otherwise."""
        if self.thread is not None:
            self.thread.join()
        try:
            current = _digest(self.answers_path.read_bytes())
        except OSError:
            return False
        if self.ready is None or current != self.digest or not self.ready.exists():
            return False
        from diagnose.outputs import atomic_write_bytes

        atomic_write_bytes(output, self.ready.read_bytes())
        return True

    def close(self) -> None:
        """Remove the private folder (a render still running finishes into nothing)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
