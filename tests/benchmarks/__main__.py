"""``python -m tests.benchmarks [--quick] [--json PATH] [--home DIR] [--only NAMES]``

Builds (or reuses) a data set in DIR, runs every case of docs/performance.md with
several repetitions, and prints one table: case, ours (median), floor (median), ratio,
bar, pass/fail. ``--only`` re-runs some cases (e.g. after a fix) on the same data set.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.benchmarks.cases_demands import demand_cases
from tests.benchmarks.cases_documents import letter_cases
from tests.benchmarks.cases_roster_import import roster_import_case
from tests.benchmarks.cases_scheduling import scheduling_case
from tests.benchmarks.cases_startup import memory_case, startup_case
from tests.benchmarks.cases_sync import sync_cases
from tests.benchmarks.cases_sync_load import sync_load_cases
from tests.benchmarks.harness import Case, Result, print_table, run_case, write_json

DEFAULT_HOME = Path("test-output") / "benchmark-data"


def _prepare(home: Path, demands: int) -> None:
    """The demo street plus the scale data set (built once per folder, then reused)."""
    from desktop.bootstrap import open_migrated_context
    from desktop.demo import build_demo_street
    from desktop.demo_scale import add_scale_data, has_scale_data
    from desktop.services.subcenter import get_sub_center

    context = open_migrated_context(home)
    if get_sub_center(context.uow()) is None:
        print(f"building the demo street in {home} …", flush=True)
        build_demo_street(context)
    if not has_scale_data(context):
        print(f"adding {demands:,} demands (the scale data set) …", flush=True)
        print(add_scale_data(context, demands=demands).message, flush=True)
    context.close()


DEMAND_CASES = ("list", "search", "search 2-char", "filter", "export")
SYNC_CASES = ("initial pull", "push", "GUI during sync")
LOAD_CASES = ("sync p99", "sync errors")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the scale data set, fewer repetitions")
    parser.add_argument("--json", type=Path, help="also write the table as JSON here")
    parser.add_argument("--home", type=Path, help="data folder to use (built when empty)")
    parser.add_argument("--only", default="",
                        help="comma-separated case names to run (e.g. 'start,memory')")
    args = parser.parse_args(argv)
    home = args.home or DEFAULT_HOME / ("quick" if args.quick else "full")
    _prepare(home, demands=100_000 if args.quick else 1_000_000)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    results = _run(home, args.quick, wanted or None)
    print_table(results)
    if args.json:
        write_json(results, args.json)
    return 0 if all(r.ok for r in results) else 1


def _run(home: Path, quick: bool, wanted: set[str] | None) -> list[Result]:
    """Every case (or the ``wanted`` ones), each group built only when one of its cases
    runs (building the letters or the sync server takes a while)."""
    def chosen(*names: str) -> bool:
        return wanted is None or bool(wanted.intersection(names))

    repetitions = 3 if quick else 7
    groups: list[tuple[tuple[str, ...], Callable[[], Iterable[Case]]]] = [
        (("start",), lambda: [startup_case(home)]),
        (("memory",), lambda: [memory_case(home)]),
        (DEMAND_CASES, lambda: demand_cases(home, export_rows=10_000 if quick else 100_000)),
        (("import",), lambda: [roster_import_case(home / "roster-import",
                                                  rows=1_000 if quick else 10_000)]),
        (("letter", "batch print"), lambda: letter_cases(home, batch=100 if quick else 500)),
        (("scheduling",), lambda: [scheduling_case()]),
    ]
    results = [run_case(case, repetitions) for names, build in groups if chosen(*names)
               for case in build() if wanted is None or case.name in wanted]
    if chosen(*SYNC_CASES):  # they keep a reference district server process running
        with sync_cases(home / "sync", records=10_000 if quick else 100_000,
                        mutations=1_000 if quick else 10_000) as more:
            results += [run_case(case, min(repetitions, 3)) for case in more
                        if wanted is None or case.name in wanted]
    if chosen(*LOAD_CASES):  # 30 sub-centers against one server: one run, both rows
        results += [run_case(case, 1) for case in sync_load_cases(home / "sync-load")
                    if wanted is None or case.name in wanted]
    return results


if __name__ == "__main__":
    sys.exit(main())
