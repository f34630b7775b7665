"""The benchmark harness: every case is timed against a floor measured in the same run,
because machines are shared and noisy (docs/performance.md). Results are ratios."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str
    ours: Callable[[], object]
    floor: Callable[[], object]
    bar_ratio: float
    bar_text: str
    absolute_bar_s: float | None = None  # e.g. "< 100 ms" where the bar has one


@dataclass(frozen=True)
class Result:
    case: str
    ours_s: float
    floor_s: float
    ratio: float
    bar: str
    ok: bool


def median_seconds(action: Callable[[], object], repetitions: int) -> float:
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_case(case: Case, repetitions: int) -> Result:
    case.floor()  # warm caches (disk, imports) for both sides alike
    case.ours()
    floor = median_seconds(case.floor, repetitions)
    ours = median_seconds(case.ours, repetitions)
    ratio = ours / floor if floor > 0 else float("inf")
    ok = ratio <= case.bar_ratio and (case.absolute_bar_s is None or ours < case.absolute_bar_s)
    return Result(case.name, ours, floor, ratio, case.bar_text, ok)


def print_table(results: list[Result]) -> None:
    header = f"{'case':<14}{'ours (s)':>10}{'floor (s)':>11}{'ratio':>8}  {'bar':<22}result"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.case:<14}{r.ours_s:>10.3f}{r.floor_s:>11.3f}{r.ratio:>8.2f}  {r.bar:<22}"
              f"{'pass' if r.ok else 'FAIL'}")


def write_json(results: list[Result], path: Path) -> None:
    path.write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
