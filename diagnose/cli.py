"""The `diagnose` command line: each command parses options and calls one core function.

Heavy modules (WeasyPrint above all) are imported inside the commands that need them,
so `diagnose --help` stays fast. A `UserError` anywhere becomes its located messages on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from diagnose import __version__
from diagnose.errors import EXIT_BAD_INPUT, Location, Problem, UserError
from diagnose.locale import LANGUAGES
from diagnose.report import AUDIENCES, DEFAULT_AUDIENCE, FORMATS, PDF_VARIANTS

# Files the command reads: their loaders say, located, when one cannot be read (click's
# own readable check would answer first, in other words than every other error)
INPUT_FILE = click.Path(path_type=Path, dir_okay=False, readable=False)
INPUT_PATH = click.Path(path_type=Path, readable=False)
LANGS = click.Choice(LANGUAGES)
PDF_VARIANT_OPTION = click.option(
    "--pdf-variant", "pdf_variant", type=click.Choice(PDF_VARIANTS), default=None,
    help="Write a tagged PDF/UA-1 (accessible) or PDF/A-3b (archival) file with the report's language "
         "and title (default: a plain PDF).")
AUDIENCE_OPTION = click.option(
    "--audience", type=click.Choice(AUDIENCES), default=DEFAULT_AUDIENCE, show_default=True,
    help="Who the report is for: the client's gives every conclusion in words; the consultant's adds "
         "rule ids and an appendix of each rule's conditions and what they evaluated to.")


class DiagnoseGroup(click.Group):
    """A click group that turns UserError into exit 2 and commands listed lazily."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except BrokenPipeError:
            ctx.exit(1)
        except OSError as exc:
            # the disk or device behind an output failed (full, read-only, gone): say where
            # when we know; a library's temporary file (WeasyPrint's fonts) has no name here
            if exc.filename:
                click.echo(f"{exc.filename}: {exc.strerror or exc}", err=True)
            else:
                click.echo(f"diagnose: cannot write: {exc.strerror or exc} (is the disk or the temporary "
                           "folder full?)", err=True)
            ctx.exit(EXIT_BAD_INPUT)


@click.group(cls=DiagnoseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="diagnose")
def cli() -> None:
    """Diagnose how a company's sales department should be organised.

    Interview a client (or read answer files), apply the recommendations of
    Erokhin & Klimov, "Client Base Management" (2024), and write a report that
    proposes the structure: roles, who owns which task, and why.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=INPUT_PATH)
@click.option("--questionnaire", "questionnaire_files", type=INPUT_FILE, multiple=True,
              help="A questionnaire an answer file or rulebook may name by id, besides the bundled ones "
                   "(repeatable).")
def validate(files: tuple[Path, ...], questionnaire_files: tuple[Path, ...]) -> None:
    """Check questionnaires, rulebooks, brand and answer files.

    Each problem is printed as FILE:LINE:COL: KEY.PATH: MESSAGE. Exits 2 if any file
    has a problem.
    """
    from diagnose.method import load_method
    from diagnose.validate import check_warnings, lint_warnings, validate_file

    # questionnaires answer files and rulebooks may name by id, as report and explain take one
    offered = [load_method(path).questionnaire for path in questionnaire_files]
    failed = False
    for path in files:
        kind, problems = validate_file(path, offered)
        if problems:
            failed = True
            for problem in problems:
                click.echo(str(problem), err=True)
        else:
            click.echo(f"{path}: valid {kind}")
            for warning in lint_warnings(path, kind, offered):
                click.echo(f"{path}: warning: {warning}", err=True)
            for problem in check_warnings(path, kind, offered):
                click.echo(f"{problem.location}: {problem.location.path}: warning: {problem.message}", err=True)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


def _questionnaire(path: Path | None):  # -> Questionnaire
    from diagnose.method import load_method

    return load_method(path).questionnaire


QUESTIONNAIRE_OPTION = click.option(
    "--questionnaire",
    "questionnaire_file",
    type=INPUT_FILE,
    help="A questionnaire YAML file instead of the bundled one.",
)


@cli.command()
@click.option("--lang", type=LANGS, default="ru", show_default=True, help="Language of the comments.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default="-",
              show_default=True, help="Where to write the blank answer file ('-' for stdout).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@QUESTIONNAIRE_OPTION
def template(lang: str, output: Path, force: bool, questionnaire_file: Path | None) -> None:
    """Write a blank answer file to fill in a text editor."""
    from diagnose.outputs import atomic_write_text
    from diagnose.template import template_text

    text = template_text(_questionnaire(questionnaire_file), lang)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    if output.is_file() and not force:  # a device or a pipe is written into, not overwritten
        raise UserError(Problem(Location(str(output)), "already exists; pass --force to overwrite it"))
    atomic_write_text(output, text)
    click.echo(f"Wrote {output}", err=True)


@cli.command()
@click.option("--lang", type=LANGS, default="ru", show_default=True)
@QUESTIONNAIRE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "xlsform"]), default="text", show_default=True,
              help="text: readable; xlsform: a workbook for KoboToolbox / ODK (needs -o FILE.xlsx).")
@click.option("-o", "--output", default=None, help="The file to write (text: default stdout; xlsform: required).")
def questions(lang: str, questionnaire_file: Path | None, fmt: str, output: str | None) -> None:
    """Print the questionnaire as readable text (for a call or for paper), or write it as an XLSForm."""
    from diagnose.paper import questionnaire_as_text

    if fmt == "xlsform":
        from diagnose.xlsform import write_xlsform

        write_xlsform(_questionnaire(questionnaire_file), output or "-")
        return click.echo(f"Wrote {output}", err=True)
    if output not in (None, "-"):
        from diagnose.outputs import atomic_write_text

        atomic_write_text(output, questionnaire_as_text(_questionnaire(questionnaire_file), lang))
        return click.echo(f"Wrote {output}", err=True)
    click.echo(questionnaire_as_text(_questionnaire(questionnaire_file), lang), nl=False)


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="The answer file to write (default answers.yaml); never overwritten.")
@click.option("--resume", type=INPUT_FILE,
              help="Continue an answer file where it stopped, or reopen a finished one to edit.")
@click.option("--lang", type=LANGS, default=None, help="Language of the interview (default: the file's, else ru).")
@QUESTIONNAIRE_OPTION
@click.option("--plain", is_flag=True,
              help="Numbered prompts without colours or cursor movement (also: ACCESSIBLE=1).")
def interview(output: Path | None, resume: Path | None, lang: str | None,
              questionnaire_file: Path | None, plain: bool) -> None:
    """Interview the client's head of sales in the terminal.

    The answer file is saved after every answer; after an interruption, continue with
    `diagnose interview --resume FILE`.
    """
    from diagnose.interview.run import run_interview

    sys.exit(run_interview(output, resume, lang, questionnaire_file, plain))


RULES_OPTIONS = [
    click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                 help="Override a rulebook parameter (repeatable), e.g. --set am_operations_share_high=40."),
    click.option("--params", "params_file", type=INPUT_FILE,
                 help="A YAML file of parameter overrides (name: value)."),
    QUESTIONNAIRE_OPTION,
    click.option("--rules", "rules_file", type=INPUT_FILE,
                 help="A rulebook YAML file instead of the bundled one."),
]


def _rules_options(command):  # type: ignore[no-untyped-def]
    for option in reversed(RULES_OPTIONS):
        command = option(command)
    return command


@cli.command()
@click.argument("answers", type=INPUT_FILE)
@click.option("-o", "--output", default=None,
              help="Where to write the report ('-' for stdout). Default: beside ANSWERS with the "
                   "format's suffix (JSON: stdout).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
@click.option("--lang", type=LANGS, default=None, help="Language of the report (default: the answer file's).")
@click.option("--brand", type=INPUT_FILE,
              help="A brand file (kind: brand): consultancy name, logo, colours.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A folder of report templates searched before the bundled ones.")
@PDF_VARIANT_OPTION
@AUDIENCE_OPTION
@_rules_options
def report(answers: Path, output: str | None, fmt: str, lang: str | None, brand: Path | None,
           templates: Path | None, pdf_variant: str | None, audience: str, sets: tuple[str, ...],
           params_file: Path | None, questionnaire_file: Path | None, rules_file: Path | None) -> None:
    """Write the report for an answer file: PDF (default), HTML, an editable DOCX or the diagnosis as JSON."""
    from diagnose.method import diagnose, load_method, read_answers, write
    from diagnose.outputs import check_target
    from diagnose.report.render import default_output

    target = output or ("-" if fmt == "json" else str(default_output(answers, fmt)))
    if target == "-" and fmt in ("pdf", "docx") and sys.stdout.isatty():
        raise UserError(Problem(Location("-o -"), f"refusing to write a {fmt.upper()} to the terminal; redirect it or pass -o FILE"))
    check_target(target)
    method = load_method(questionnaire_file, rules_file, sets, params_file, brand, templates, pdf_variant=pdf_variant,
                         audience=audience)
    if brand is not None:
        method.brand  # noqa: B018 - a bad brand file is reported at once, not after the diagnosis
    diagnosis = diagnose(method, read_answers(method, answers))
    write(method, diagnosis, target, fmt, lang)
    if target != "-":
        click.echo(f"Wrote {target}", err=True)


@cli.command()
@click.option("-o", "--output-dir", "output_dir", type=click.Path(path_type=Path, file_okay=False),
              default=".", show_default=True, help="The folder to write the demo report into.")
@click.option("--lang", type=LANGS, default=None, help="Language of the report (default: ru).")
def demo(output_dir: Path, lang: str | None) -> None:
    """Write the PDF report of the bundled demo company (an equipment manufacturer)."""
    from diagnose.report.render import write_demo

    path = write_demo(output_dir, lang)
    click.echo(f"Wrote the demo report to {path}")
    click.echo("Its answers: diagnose template > answers.yaml to start your own, or "
               "diagnose interview to ask them in the terminal.")


@cli.command()
@click.argument("answers", type=INPUT_FILE)
@click.option("--lang", type=LANGS, default=None, help="Language of the explanation (default: the answer file's).")
@_rules_options
def explain(answers: Path, lang: str | None, sets: tuple[str, ...], params_file: Path | None,
            questionnaire_file: Path | None, rules_file: Path | None) -> None:
    """Explain the diagnosis in the terminal: structure, task owners, findings and their evidence."""
    from diagnose.method import diagnose, load_method, read_answers
    from diagnose.rules.explain import explain_text

    method = load_method(questionnaire_file, rules_file, sets, params_file)
    diagnosis = diagnose(method, read_answers(method, answers))
    click.echo(explain_text(diagnosis, lang or str(diagnosis.company.get("language") or "ru")), nl=False)



@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out-dir", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="The folder for the reports, the summary and the portfolio overview (created if missing).")
@click.option("-j", "--jobs", type=int, default=None,
              help="Processes to run in parallel (default: all cores; 1 runs in this process).")
@click.option("--format", "formats", default="pdf", show_default=True, metavar="FORMATS",
              help=f"Comma-separated formats to write for every input: {', '.join(FORMATS)}.")
@click.option("--lang", type=LANGS, default=None, help="Language of the reports (default: each answer file's).")
@click.option("--summary", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Base name of the summary table: FILE.csv and FILE.json (default: OUT_DIR/summary).")
@click.option("--force", is_flag=True, help="Re-render every input, overwriting reports that already exist.")
@click.option("--brand", type=INPUT_FILE,
              help="A brand file (kind: brand) for every report and the portfolio.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A folder of report templates searched before the bundled ones.")
@PDF_VARIANT_OPTION
@AUDIENCE_OPTION
@_rules_options
@click.option("--only-changed", "only_changed", is_flag=True,
              help="Re-render the inputs whose content changed since their report (others are kept).")
@click.option("--shard", default=None, metavar="K/N", help="Process only the K-th of N shards of the inputs.")
def batch(inputs: tuple[str, ...], out_dir: Path, jobs: int | None, formats: str, lang: str | None,
          summary: Path | None, force: bool, brand: Path | None, templates: Path | None, pdf_variant: str | None,
          audience: str, sets: tuple[str, ...], params_file: Path | None, questionnaire_file: Path | None,
          rules_file: Path | None, only_changed: bool, shard: str | None) -> None:
    """Write reports for many answer files and response tables at once.

    INPUTS are answer files, folders (searched recursively), globs and CSV tables
    exported from online forms (one row per company). A bad input never stops the
    others: each failure is printed with its located problem. Run again into the same
    --out-dir, it keeps the reports an earlier run made (status `kept`). Exit 0 when every
    input succeeded or was kept, 1 when some failed, 2 for a usage error, 130 when interrupted.
    """
    from diagnose.batch.runner import Settings, run_batch

    settings = Settings(questionnaire_file, rules_file, sets, params_file, brand, templates, pdf_variant, audience)
    sys.exit(run_batch(list(inputs), out_dir, formats, jobs, lang, summary, force, settings,
                       shard=shard, only_changed=only_changed))


from diagnose.cli_batchx import batch_merge  # noqa: E402 - it uses the options defined above

cli.add_command(batch_merge)


from diagnose.cli_compare import compare  # noqa: E402 - its own module, registered here

cli.add_command(compare)


from diagnose.cli_schemas import schema  # noqa: E402 - its own module, registered here

cli.add_command(schema)


def main() -> None:
    try:
        try:
            cli(prog_name="diagnose")
        finally:
            _flush_stdout()
    except SystemExit as exc:  # click ends every command so, its code the exit status
        if "diagnose.interview.background" in sys.modules:  # only the interview starts such threads
            from diagnose.interview.background import exit_now_if_busy

            exit_now_if_busy(exc.code)
        raise


def _flush_stdout() -> None:
    """Output still buffered when a command ends is written here, so that a full disk or a
    closed pipe behind stdout is one line and exit 2, not Python's "Exception ignored"."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        if isinstance(exc, BrokenPipeError):
            raise SystemExit(1) from None
        print(f"standard output: cannot write: {exc.strerror or exc}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None


if __name__ == "__main__":
    main()
