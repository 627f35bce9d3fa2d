"""Predictable output names: `<company>--<input part>.<format>`, unique within a run.

The input part is the input file's name (`acme`), with `-row-N` for the rows of a
table, and `-2`, `-3`... when another input of the run has the same part. The parent
gives every input its part before any work starts (`unique_parts`); the company part is
read from the answers later, in a worker, and cannot make two names equal: a company's
slug never holds `--`, so the name's first `--` always ends it, and the input parts are
distinct. Parts are compared as a case-insensitive file system compares names (Unicode
case folding of the NFKC form), so `Acme.yaml`, `acme.yaml` and `ａｃｍｅ.yaml` get three.

Names keep Cyrillic letters (a Russian company stays readable) and drop characters
that are awkward in file names.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^\w]+", re.UNICODE)
_ROW_NAME = re.compile(r"(.*)-row-\d+", re.S)  # the part of one row of a table
INPUT_PART_LIMIT = 40


def slug(text: str, limit: int = 60) -> str:
    """Lower case, NFKC, runs of anything but letters, digits and '_' turned into one '-'
    (so a slug never holds '--'), at most `limit` characters."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = _UNSAFE.sub("-", text).strip("-_")
    return text[:limit].rstrip("-_") or "company"


def name_key(name: str) -> str:
    """What a case-insensitive file system compares."""
    return unicodedata.normalize("NFKC", name).casefold()


def unique_parts(inputs: list[tuple[str, bool]]) -> list[str]:
    """The output-name part of each input file, given as (file stem, is it a table).

    Each keeps its own name when it is free; the others get `-2`, `-3`... A table's rows
    are `PART-row-N`, so an answer file whose name has that shape is renamed instead of
    sharing a row's name. Tables choose first (renaming a table renames all its rows),
    then answer files, each in input order.
    """
    natural = [slug(stem, INPUT_PART_LIMIT) for stem, _ in inputs]
    parts: list[str | None] = [None] * len(inputs)
    taken: set[str] = set()
    tables: set[str] = set()  # keys of the tables' parts
    row_like: set[str] = set()  # keys X of answer-file parts shaped X-row-N

    def free(candidate: str, table: bool) -> bool:
        key = name_key(candidate)
        if key in taken:
            return False
        if table:
            return key not in row_like
        shaped = _ROW_NAME.fullmatch(key)
        return not (shaped and shaped.group(1) in tables)

    def take(index: int, candidate: str, table: bool) -> None:
        key = name_key(candidate)
        parts[index] = candidate
        taken.add(key)
        if table:
            tables.add(key)
        else:
            shaped = _ROW_NAME.fullmatch(key)
            if shaped:
                row_like.add(shaped.group(1))

    for tables_now in (True, False):
        for index, (_, table) in enumerate(inputs):
            if table == tables_now and free(natural[index], table):
                take(index, natural[index], table)
    for index, (stem, table) in enumerate(inputs):
        if parts[index] is None:
            base, number = slug(stem, INPUT_PART_LIMIT - 4), 2
            while not free(f"{base}-{number}", table):
                number += 1
            take(index, f"{base}-{number}", table)
    return [p for p in parts if p is not None]


def row_part(part: str, row: int | None) -> str:
    """The part of one input: the file's, with `-row-N` (1-based) for a table's row."""
    return part if row is None else f"{part}-row-{row + 1}"


def output_stem(company: str, part: str) -> str:
    return f"{slug(company)}--{part}"
