"""`diagnose compare BEFORE AFTER`: the follow-up audit set against the first.

Registered in `diagnose.cli`; the work is done in `diagnose.compare`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from diagnose.compare import FORMATS
from diagnose.errors import Location, Problem, UserError
from diagnose.locale import LANGUAGES
from diagnose.report import AUDIENCES, DEFAULT_AUDIENCE, PDF_VARIANTS

_INPUT = click.Path(path_type=Path, dir_okay=False, readable=False)  # the loaders say when one cannot be read


@click.command()
@click.argument("before", type=_INPUT)
@click.argument("after", type=_INPUT)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Terminal text, or the comparison as JSON, a self-contained HTML page, a PDF or an editable "
                   "Word document (DOCX).")
@click.option("-o", "--output", default=None,
              help="Where to write it (default '-': standard output; a PDF only when redirected).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the comparison (default: the follow-up answer file's).")
@click.option("--questionnaire", "questionnaire_files", type=_INPUT, multiple=True,
              help="A questionnaire (another version, say) an answer file may name, besides the bundled ones "
                   "(repeatable).")
@click.option("--rules", "rules_files", type=_INPUT, multiple=True,
              help="A rulebook instead of the bundled one (repeatable: each audit is diagnosed by the one "
                   "written for its questionnaire's version).")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="Override a rulebook parameter for both audits (repeatable).")
@click.option("--params", "params_file", type=_INPUT, help="A YAML file of parameter overrides for both audits.")
@click.option("--brand", type=_INPUT, help="A brand file (kind: brand) for the HTML, PDF and DOCX.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A folder of report templates searched before the bundled ones.")
@click.option("--audience", type=click.Choice(AUDIENCES), default=DEFAULT_AUDIENCE, show_default=True,
              help="The consultant's HTML/PDF names the rules' ids; the client's does not.")
@click.option("--pdf-variant", "pdf_variant", type=click.Choice(PDF_VARIANTS), default=None,
              help="A tagged PDF/UA-1 or PDF/A-3b file (default: a plain PDF).")
def compare(before: Path, after: Path, fmt: str, output: str | None, lang: str | None,
            questionnaire_files: tuple[Path, ...], rules_files: tuple[Path, ...], sets: tuple[str, ...],
            params_file: Path | None, brand: Path | None, templates: Path | None, audience: str,
            pdf_variant: str | None) -> None:
    """Compare a follow-up audit (AFTER) with the first one (BEFORE).

    Both are answer files of the same questionnaire (its versions may differ: questions
    only one version asks are listed apart). Shows the answers that changed, the
    indicators that moved, roles, headcount and task owners that changed, and which
    recommendations were carried out, are no longer needed, are new or still open.
    """
    from diagnose.compare.headline import choose_headline
    from diagnose.compare.load import diagnose_pair, swapped_warning
    from diagnose.compare.model import compare as compare_diagnoses
    from diagnose.compare.render import render_comparison
    from diagnose.method import load_method
    from diagnose.outputs import check_target
    from diagnose.report.render import write_output

    target = output or "-"
    if target == "-" and fmt in ("pdf", "docx") and sys.stdout.isatty():
        raise UserError(Problem(Location("-o -"), f"refusing to write a {fmt.upper()} to the terminal; redirect it or "
                                                  "pass -o FILE"))
    check_target(target)
    method = load_method(None, None, (), None, brand, templates, pdf_variant=pdf_variant,
                         audience=audience)
    if brand is not None:
        method.brand  # noqa: B018 - a bad brand file is reported at once, not after the diagnoses
    offered = [load_method(path).questionnaire for path in questionnaire_files]
    first, follow_up = diagnose_pair(before, after, offered, rules_files, sets, params_file)
    warning = swapped_warning(first, follow_up, before, after)
    if warning:
        click.echo(warning, err=True)
    comparison = compare_diagnoses(first, follow_up)
    comparison.headline = choose_headline(comparison)
    data = render_comparison(comparison, fmt, lang or comparison.language or "ru", method)
    write_output(data, target)
    if target != "-":
        click.echo(f"Wrote {target}", err=True)
