"""Timing shared by the benchmarks (``python bench/bench_*.py`` puts this folder on the path)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs of ``work``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)
