"""The one timer the benchmarks share: median wall time of repeated calls."""

from __future__ import annotations

import statistics
import time


def median_s(fn, runs: int) -> float:
    """Median seconds of `runs` calls of `fn`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_ms(fn, runs: int) -> float:
    return median_s(fn, runs) * 1000
