"""`diagnose schema answers|rulebook|diagnosis`: the JSON Schemas for editors and programs.

The schemas are shipped with the package (diagnose/schemas/); the answers schema of
another questionnaire (`--questionnaire FILE`) is made from that file on the spot.
"""

from __future__ import annotations

from pathlib import Path

import click

from diagnose.errors import Location, Problem, UserError

OUTPUT = click.Path(path_type=Path, dir_okay=False)


@click.command("schema")
@click.argument("name", type=click.Choice(("answers", "rulebook", "diagnosis")))
@click.option("-o", "--output", type=OUTPUT, default="-", show_default=True,
              help="Where to write the schema ('-' for stdout).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--questionnaire", "questionnaire_file", type=click.Path(path_type=Path, dir_okay=False, readable=False),
              help="For 'answers': a questionnaire YAML file instead of the bundled one.")
def schema(name: str, output: Path, force: bool, questionnaire_file: Path | None) -> None:
    """Write a JSON Schema: of an answer file, a rulebook, or the diagnosis JSON.

    An editor with a YAML language server checks a file against it as you type (see
    docs/formats.md); a program reading `diagnose report --format json` can validate it.
    """
    from diagnose.outputs import atomic_write_text
    from diagnose.schemas import generate, schema_text, shipped_text

    if questionnaire_file is not None and name != "answers":
        raise UserError(Problem(Location("--questionnaire"), f"only the answers schema depends on the questionnaire, "
                                                             f"not the {name} schema"))
    text = schema_text(generate(name, questionnaire_file)) if questionnaire_file else shipped_text(name)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    if output.is_file() and not force:
        raise UserError(Problem(Location(str(output)), "already exists; pass --force to overwrite it"))
    atomic_write_text(output, text)
    click.echo(f"Wrote {output}", err=True)
