"""`--shard K/N`: the part of a batch's inputs one machine (or one job) processes.

Each input goes to one shard, decided by a stable hash of its name part (`acme`,
`export-row-3`, see diagnose.batch.naming): SHA-256 of the name as a case-insensitive
file system compares it, modulo N. The names depend only on the inputs' file names and
order, never on the machine, the folder or Python's per-process hash seed, so every
machine given the same INPUTS makes the same split, and every input is in exactly one
shard. Rows of one table may go to different shards: a large export spreads too.
"""

from __future__ import annotations

import hashlib
import re

from diagnose.batch.naming import name_key
from diagnose.errors import Location, Problem, UserError

MAX_SHARDS = 100_000
SHAPE = re.compile(r"(\d{1,6})/(\d{1,6})")

Shard = tuple[int, int]  # (K, N), 1 <= K <= N


def parse_shard(text: str) -> Shard:
    """'2/4' -> (2, 4); anything else is a usage error saying what was expected."""
    where = Location("--shard")
    shape = SHAPE.fullmatch(text.strip())
    if shape is None:
        raise UserError(Problem(where, f"'{text}' is not K/N; expected two whole numbers such as 2/4 "
                                       "(the second of four shards)"))
    number, count = int(shape.group(1)), int(shape.group(2))
    if count < 1 or count > MAX_SHARDS:
        raise UserError(Problem(where, f"{text}: {count} shards; expected from 1 to {MAX_SHARDS:,} shards"))
    if number < 1 or number > count:
        raise UserError(Problem(where, f"{text}: there is no shard {number} of {count}; expected 1/{count} to "
                                       f"{count}/{count} (shards are numbered from 1)"))
    return number, count


def shard_of(part: str, count: int) -> int:
    """The shard (1-based) of the input whose name part is `part`, among `count`."""
    digest = hashlib.sha256(name_key(part).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(part: str, shard: Shard | None) -> bool:
    return shard is None or shard_of(part, shard[1]) == shard[0]


def shard_text(shard: Shard) -> str:
    return f"{shard[0]}/{shard[1]}"
