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
    # The actions return the seconds to count (e.g. process launch → first paint, which
    # the harness cannot see from outside); otherwise the harness times the whole call.
    self_timed: bool = False
    unit: str = "s"  # what ours/floor count: seconds, or "MB" for the memory case


@dataclass(frozen=True)
class Result:
    case: str
    ours_s: float
    floor_s: float
    ratio: float
    bar: str
    ok: bool
    unit: str = "s"


def median_seconds(action: Callable[[], object], repetitions: int,
                   self_timed: bool = False) -> float:
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        reported = action()
        elapsed = time.perf_counter() - started
        times.append(float(reported) if self_timed and isinstance(reported, float) else elapsed)
    return statistics.median(times)


def run_case(case: Case, repetitions: int) -> Result:
    """Floor and ours alternate, repetition by repetition, so a burst of load from
    elsewhere on a shared machine falls on both sides rather than on one."""
    case.floor()  # warm caches (disk, imports) for both sides alike
    case.ours()
    floors: list[float] = []
    ours_times: list[float] = []
    for _ in range(repetitions):
        floors.append(median_seconds(case.floor, 1, case.self_timed))
        ours_times.append(median_seconds(case.ours, 1, case.self_timed))
    floor, ours = statistics.median(floors), statistics.median(ours_times)
    ratio = ours / floor if floor > 0 else float("inf")
    ok = ratio <= case.bar_ratio and (case.absolute_bar_s is None or ours < case.absolute_bar_s)
    return Result(case.name, ours, floor, ratio, case.bar_text, ok, case.unit)


def print_table(results: list[Result]) -> None:
    header = f"{'case':<16}{'ours':>10}{'floor':>11}{'unit':>5}{'ratio':>8}  {'bar':<24}result"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.case:<16}{r.ours_s:>10.3f}{r.floor_s:>11.3f}{r.unit:>5}{r.ratio:>8.2f}  "
              f"{r.bar:<24}{'pass' if r.ok else 'FAIL'}")


def write_json(results: list[Result], path: Path) -> None:
    path.write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
