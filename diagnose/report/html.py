"""ReportContext -> HTML with Jinja2: strict, autoescaped, user templates first.

The template folders are searched in order: a consultancy's `--templates DIR` first, the
bundled report_templates/ last, so one overridden partial (or texts.yaml, report.css, a
logo) rebrands the report without forking it. Rendering is strict (`StrictUndefined`)
and autoescaped; the stylesheet never goes through autoescape (quotes in CSS would be
escaped and WeasyPrint would silently drop rules): for a PDF it is handed to WeasyPrint
separately, for an HTML file it is inlined as trusted Markup.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from diagnose.errors import Location, Problem, UserError
from diagnose.loadcache import template_bytecode_cache
from diagnose.report.context import ReportContext
from diagnose.resources import templates_dir

MAIN_TEMPLATE = "report.html"
STYLESHEET = "report.css"


def template_folders(user_dir: str | Path | None) -> list[Path]:
    """The folders to search, the user's first; a missing user folder is a located error."""
    bundled = templates_dir().resolve()
    if user_dir is None:
        return [bundled]
    folder = Path(user_dir)
    if not folder.is_dir():
        raise UserError(Problem(Location(str(user_dir)), "--templates: not a folder; expected a folder of report templates"))
    return [folder.resolve(), bundled]


def folder_file(folder: Path, name: str) -> Path | None:
    """`folder/name` if it is a file that lies inside `folder` once symbolic links are
    followed; None if there is no such file. A link (the file's own or a sub-folder's) that
    leads out of the folder is a located error: its target is never read, so a template
    folder cannot put /etc/passwd or a private key into a report."""
    candidate = folder / name
    if not candidate.is_file():
        return None
    if not candidate.resolve().is_relative_to(folder.resolve()):
        raise UserError(Problem(Location(str(candidate)), f"leads out of the template folder {folder} (a symbolic "
                                "link); expected a file inside the folder"))
    return candidate


def find_file(folders: list[Path], name: str) -> Path:
    """The first folder's copy of `name` (user before bundled)."""
    for folder in folders:
        candidate = folder_file(folder, name)
        if candidate is not None:
            return candidate
    raise UserError(Problem(Location(str(folders[-1] / name)), "missing from the report templates; reinstall diagnose"))


class FolderLoader(jinja2.BaseLoader):
    """Templates of one folder: names as FileSystemLoader takes them (no absolute path, no
    `..`), and only files inside the folder once links are followed (`folder_file`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = folder_file(self.folder, "/".join(split_template_path(template)))
        if path is None:
            raise jinja2.TemplateNotFound(template)
        resolved = path.resolve()
        source = resolved.read_text(encoding="utf-8")  # the checked file, not the name again
        mtime = resolved.stat().st_mtime_ns

        def uptodate() -> bool:
            # a file swapped for a link since it was loaded is loaded (and checked) again
            try:
                return path.resolve() == resolved and resolved.stat().st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(path), uptodate


@functools.cache
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    # Sandboxed: a consultancy's template folder may come from anyone; `''.__class__` and
    # friends raise SecurityError instead of reaching Python, and range() is bounded.
    return SandboxedEnvironment(
        loader=jinja2.ChoiceLoader([FolderLoader(f) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        # compiled templates are kept between runs, like the loaded rulebook
        bytecode_cache=template_bytecode_cache("report"),
    )


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that cannot end the string or the <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


def page_css(context: ReportContext) -> str:
    """The page footer counter in the report's language ("Стр. 3 из 12")."""
    label = f'{css_string(context.t["page"])} " " counter(page) " " {css_string(context.t["of"])} " " counter(pages)'
    return (
        "@page { @bottom-right { content: " + label + '; font: 8pt "PT Sans"; color: var(--muted); '
        "vertical-align: top; padding-top: 3mm; } }\n"
        "@page :first { @bottom-right { content: none; } }\n"
    )


def stylesheets(context: ReportContext, folders: list[Path], brand_css: str) -> tuple[Path, str]:
    """(report.css path, generated CSS: brand colours and page label)."""
    return find_file(folders, STYLESHEET), brand_css + page_css(context)


def render_html(context: ReportContext, folders: list[Path], inline_css: str | None = None) -> str:
    """The report's HTML; `inline_css` (trusted, ours) is put in a <style> element."""
    fields = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    return render_template(folders, MAIN_TEMPLATE, dict(fields, inline_css=Markup(inline_css) if inline_css else None),
                           "the ReportContext fields in diagnose/report/context.py")


def render_template(folders: list[Path], name: str, fields: dict, documented: str) -> str:
    """Template `name` rendered with `fields`; whatever goes wrong in a template (syntax,
    an undefined name, a sandbox refusal, an endless include) is one located UserError.
    `documented` says where the fields a template may use are described."""
    env = _environment(tuple(folders))
    try:
        return env.get_template(name).render(**fields)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(Problem(Location(exc.filename or exc.name or name, exc.lineno), exc.message or str(exc))) from None
    except jinja2.TemplateNotFound as exc:
        raise UserError(Problem(Location(str(folders[0])), f"template '{exc.name}' not found in the report templates")) from None
    except jinja2.UndefinedError as exc:
        raise UserError(Problem(_template_location(exc.__traceback__, folders, name),
                                f"{exc.message}; see {documented}")) from None
    except SecurityError as exc:
        raise UserError(Problem(_template_location(exc.__traceback__, folders, name),
                                f"not allowed in a report template: {exc}")) from None
    except RecursionError as exc:
        raise UserError(Problem(_template_location(exc.__traceback__, folders, name),
                                "templates include or call each other without end")) from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        raise UserError(Problem(_template_location(exc.__traceback__, folders, name),
                                f"the template failed: {type(exc).__name__}: {exc}")) from None


def _template_location(tb: TracebackType | None, folders: list[Path], name: str = MAIN_TEMPLATE) -> Location:
    """The innermost template frame of a rendering error (Jinja keeps template lines there)."""
    where = Location(name)
    roots = [str(f) for f in folders]
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if any(filename.startswith(root) for root in roots):
            where = Location(filename, tb.tb_lineno)
        tb = tb.tb_next
    return where
