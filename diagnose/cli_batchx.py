"""`diagnose batch-merge`: the command line of diagnose.batch.merge."""

from __future__ import annotations

from pathlib import Path

import click

from diagnose.cli import INPUT_FILE, LANGS


@click.command("batch-merge")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="The folder for the merged summary.csv, summary.json and portfolio (created if missing).")
@click.option("--lang", type=LANGS, default=None,
              help="Language of the portfolio (default: the one most answer files use).")
@click.option("--brand", type=INPUT_FILE, help="A brand file (kind: brand) for the portfolio.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A folder of report templates searched before the bundled ones.")
def batch_merge(folders: tuple[Path, ...], out: Path, lang: str | None, brand: Path | None,
                templates: Path | None) -> None:
    """Join the summaries and portfolio of a batch's shards (`batch --shard K/N`) into one.

    FOLDERS are the shards' --out-dir folders (or their summary.json files). Overlapping
    shards, an input or a report in two of them, or shards of different splits are
    refused with the file and row (exit 2); a missing shard is a warning.
    """
    from diagnose.batch.merge import merge
    from diagnose.method import load_method

    method = load_method(brand=brand, templates=templates)
    method.template_folders  # noqa: B018 - a bad --templates or --brand is refused before anything is read
    if brand is not None:
        method.brand  # noqa: B018
    written = merge(list(folders), out, lang, method, lambda text: click.echo(text, err=True))
    click.echo(f"Summary: {written[0]}, {written[1]}; portfolio: {', '.join(str(p) for p in written[2:])}", err=True)
