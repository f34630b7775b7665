"""``python -m tests.benchmarks [--quick] [--json PATH] [--home DIR]``

Builds (or reuses) a data set in DIR, runs every case with several repetitions, and
prints one table: case, ours (median), floor (median), ratio, bar, pass/fail.
Cases owned by later modules (lists, search, letters, import, sync…) join ``CASES``
as those modules land.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.benchmarks.cases_demands import demand_cases
from tests.benchmarks.cases_documents import letter_cases
from tests.benchmarks.cases_roster_import import roster_import_case
from tests.benchmarks.cases_scheduling import scheduling_case
from tests.benchmarks.cases_startup import memory_case, startup_case
from tests.benchmarks.cases_sync import sync_cases
from tests.benchmarks.harness import print_table, run_case, write_json

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", type=Path, help="also write the table as JSON here")
    parser.add_argument("--home", type=Path, help="data folder to use (built when empty)")
    args = parser.parse_args(argv)
    home = args.home or DEFAULT_HOME / ("quick" if args.quick else "full")
    _prepare(home, demands=100_000 if args.quick else 1_000_000)
    repetitions = 3 if args.quick else 7
    cases = (
        startup_case(home),
        memory_case(home),
        *demand_cases(home, export_rows=10_000 if args.quick else 100_000),
        roster_import_case(home / "roster-import", rows=1_000 if args.quick else 10_000),
        *letter_cases(home, batch=100 if args.quick else 500),
        scheduling_case(),
    )
    results = [run_case(case, repetitions) for case in cases]
    # The sync cases keep a reference district server process running while they run.
    with sync_cases(home / "sync", records=10_000 if args.quick else 100_000,
                    mutations=1_000 if args.quick else 10_000) as more:
        results += [run_case(case, min(repetitions, 3)) for case in more]
    print_table(results)
    if args.json:
        write_json(results, args.json)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
