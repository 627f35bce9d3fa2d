"""Give the memory a process has freed back to the system before workers are forked.

A forked worker starts with its parent's pages counted as its own, so whatever the
parent's heap still holds when the workers start is paid once more in every worker.
Reading a table through to count its rows frees all it read, but glibc's malloc keeps
the freed blocks; `give_back` collects Python's garbage and trims the heap, so that the
workers start from the same size whatever the table's length (docs/performance.md).
Elsewhere than on glibc it only collects.
"""

from __future__ import annotations

import ctypes
import gc


def give_back() -> None:
    """Collect garbage and return the heap's free memory to the system (glibc)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: its malloc keeps what it keeps
        pass
