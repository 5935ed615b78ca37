"""Timing helpers shared by the benchmark's parts: medians and p95 of repeated calls,
and the queries one call runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Timed:
    label: str
    median_ms: float
    p95_ms: float
    runs: int
    queries: int = 0
    sql_ms: float = 0.0
    status: int = 200

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_calls(call: Callable[[], object], runs: int, warmup: int = 2) -> list[float]:
    """Milliseconds of `runs` calls after `warmup` untimed ones (the first request
    of a process compiles templates and fills caches a live portal has warm)."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def queries_of(call: Callable[[], object]) -> tuple[int, float]:
    """How many queries one call runs, and their database time in ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured), sum(float(q["time"]) for q in captured) * 1000


def measure(label: str, call: Callable[[], object], runs: int) -> Timed:
    times = time_calls(call, runs)
    count, sql_ms = queries_of(call)
    return Timed(
        label=label,
        median_ms=statistics.median(times),
        p95_ms=p95(times),
        runs=runs,
        queries=count,
        sql_ms=sql_ms,
    )
