"""Pause Python's cyclic garbage collector around work that makes millions of acyclic objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the collector: each full collection would walk every row made so far again, so the
    time of a build or validation would grow with the square of its rows."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
