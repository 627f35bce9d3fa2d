"""Dependency order: each item after the items it reads, a cycle reported once per place."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def dependency_order(
    items: dict[str, T], reads: Callable[[T], Iterable[str]], on_cycle: Callable[[str, list[str]], None]
) -> list[T]:
    """`items` (id -> item) ordered so that each comes after those it `reads`; names that
    are not items are ignored. A cycle is passed to `on_cycle(id, [a, b, ..., a])` where
    it closes; the items in it are still ordered (their outcome is then never used)."""
    ordered: list[T] = []
    state: dict[str, str] = {}

    def visit(item_id: str, chain: list[str]) -> None:
        if state.get(item_id) == "done" or item_id not in items:
            return
        if state.get(item_id) == "open":
            on_cycle(item_id, chain[chain.index(item_id):] + [item_id])
            return
        state[item_id] = "open"
        for name in reads(items[item_id]):
            visit(name, chain + [item_id])
        state[item_id] = "done"
        ordered.append(items[item_id])

    for item_id in items:
        visit(item_id, [])
    return ordered
