"""Load: 30 simulated sub-centers (30 streets, one install each) syncing at once for a
bounded time against one reference district server on 127.0.0.1.

The server runs as its own process (``python -m district.cli``, SQLite file), so the
load generator does not share its interpreter. The sub-centers are real installs —
data folders with the outbox hook, edits through the real services (demand intakes
and grid updates), the real sync engine and HTTP client — spread over a few worker
processes, each an asyncio loop running its installs concurrently (database steps in
worker threads, as on the command line). While they run, the district dispatches
work orders to random streets, so pulls carry district changes too.

Every HTTP request is timed by a thin transport wrapper (request sent → response
headers received). Errors: any 5xx/429 answer or transport failure (even one the
client retried), any failed sync run, anything still waiting at the end, and any
street whose install does not equal the district after a final quiet sync. The bar:
0 errors (issue 8); throughput and latency are reported.

The figures enter the benchmark table as two self-timed cases computed from ONE load
run (the harness's warm-up call runs it, repetitions return the same figures):
``sync p99`` — the p99 latency of the sub-centers' requests against the p99 of
``GET /api/hello`` sampled during the same load (the floor); ``sync errors`` — the
error count (bar: 0). Run alone: ``python -m tests.benchmarks.cases_sync_load``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.benchmarks.harness import Case

ROOT = Path(__file__).resolve().parents[2]
CLIENTS, SECONDS, WORKERS = 30, 20.0, 3
EDITS_PER_ROUND = 6  # 3 demand intakes + 3 grid updates between two runs
ENV = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
       "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}


def street_code(n: int) -> str:
    return f"430102{100 + n:03d}000"


# --- the worker process: N installs in one asyncio loop --------------------------------


class TimedTransport(httpx.AsyncHTTPTransport):
    """Records (path, status or None, seconds) of every request."""

    def __init__(self, log: list[tuple[str, int | None, float]]) -> None:
        super().__init__()
        self.log = log

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await super().handle_async_request(request)
        except httpx.TransportError:
            self.log.append((request.url.path, None, time.perf_counter() - started))
            raise
        self.log.append((request.url.path, response.status_code, time.perf_counter() - started))
        return response


@dataclass
class _Install:
    street: str
    context: Any
    grids: list[str] = field(default_factory=list)
    pushed: int = 0
    pulled: int = 0
    runs: int = 0
    failed_runs: list[str] = field(default_factory=list)


def _prepare(home: Path, server: str, street: str) -> _Install:
    from desktop.domain.actor import LOCAL_ADMIN
    from desktop.domain.grids import CommunityKind
    from desktop.services import grids
    from desktop.sync.commands import run_enroll
    from tests.integration.permission_cases import fields
    from tests.integration.sync_helpers import synced_context

    context = synced_context(home / street)
    run_enroll(context, server=server, street=street, user="demo", password="demo-password",
               ca_file=None, proxy=None)
    community = grids.create_community(context.uow(), actor=LOCAL_ADMIN, name="压测社区",
                                       kind=CommunityKind.COMMUNITY, code="001")
    made = [grids.create_grid(context.uow(), actor=LOCAL_ADMIN, community_id=community.id,
                              fields=fields(f"压测网格{n}")).id for n in range(3)]
    return _Install(street, context, made)


def _edit(install: _Install, rng: random.Random) -> None:
    from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
    from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
    from desktop.services import demands, grids
    from desktop.services.demand_intake import IntakeInput
    from tests.integration.permission_cases import fields
    from tests.sync_faults.harness import query

    operator = Actor("压测坐席", Role.OPERATOR)
    for n in range(EDITS_PER_ROUND // 2):
        demands.intake_demand(install.context.uow(), actor=operator, data=IntakeInput(
            f"压测诉求{rng.randrange(10**6)}", "压测：群众来电反映的问题。", DemandKind.LIVELIHOOD,
            DemandSource.HOTLINE, DemandNature.COMPLAINT))
        grid = install.grids[n % len(install.grids)]
        version = query(install.context.paths.database, "select version from grid where id = ?",
                        grid)[0][0]
        grids.update_grid(install.context.uow(), actor=LOCAL_ADMIN, grid_id=grid,
                          expected_version=version,
                          fields=fields(f"压测网格{n}", population=rng.randrange(100, 9000)))


async def _one_run(install: _Install, log: list[tuple[str, int | None, float]]) -> Any:
    from desktop.sync.client import RetryPolicy
    from desktop.sync.commands import sync_setup
    from desktop.sync.engine import run_once

    setup = sync_setup(install.context, transport=TimedTransport(log),
                       retry=RetryPolicy(attempts=5, base_delay=0.2, max_delay=2.0))
    return await run_once(setup, trigger="load")


async def _drive(install: _Install, deadline: float, log: list[tuple[str, int | None, float]],
                 seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        await asyncio.to_thread(_edit, install, rng)
        try:
            summary = await _one_run(install, log)
            install.pushed += summary.pushed
            install.pulled += summary.pulled
        except Exception as error:
            install.failed_runs.append(f"{type(error).__name__}: {error}")
        install.runs += 1


def worker(server: str, home: Path, streets: list[str], seconds: float) -> None:
    """Prepare the installs, print READY, wait for GO on stdin, run, print JSON."""
    installs = [_prepare(home, server, street) for street in streets]
    print("READY", flush=True)
    sys.stdin.readline()
    log: list[tuple[str, int | None, float]] = []
    started = time.monotonic()

    async def everything() -> None:
        await asyncio.gather(*(_drive(i, started + seconds, log, n)
                               for n, i in enumerate(installs)))

    asyncio.run(everything())
    elapsed = time.monotonic() - started
    final = []
    for install in installs:  # the quiet sync after the load: drained, at the head
        try:
            summary = asyncio.run(_one_run(install, []))
            final.append(summary.complete)
        except Exception:
            final.append(False)
        install.context.close()
    print(json.dumps({
        "elapsed": elapsed, "requests": log,
        "installs": [{"street": i.street, "pushed": i.pushed, "pulled": i.pulled,
                      "runs": i.runs, "failed_runs": i.failed_runs, "quiet_ok": ok}
                     for i, ok in zip(installs, final, strict=True)]}), flush=True)


# --- the parent: server, district edits, workers, figures ------------------------------


@dataclass
class LoadFigures:
    clients: int
    seconds: float
    mutations: int
    pulled: int
    requests: int
    p50_s: float
    p99_s: float
    push_p99_s: float
    pull_p99_s: float
    hello_p99_s: float  # the floor: the cheapest request, sampled during the load
    errors: int
    error_samples: list[str]

    def report(self) -> str:
        return (f"sync load: {self.clients} sub-centers for {self.seconds:.1f} s — "
                f"{self.mutations / self.seconds:.0f} mutations/s pushed, "
                f"{self.pulled / self.seconds:.0f} rows/s pulled, {self.requests} requests, "
                f"latency p50 {self.p50_s * 1000:.1f} ms, p99 {self.p99_s * 1000:.1f} ms "
                f"(push p99 {self.push_p99_s * 1000:.1f} ms, pull p99 "
                f"{self.pull_p99_s * 1000:.1f} ms, hello p99 {self.hello_p99_s * 1000:.1f} ms), "
                f"errors {self.errors}" + (f" {self.error_samples[:5]}" if self.errors else ""))


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _create_streets(server: Any, clients: int) -> list[str]:
    codes = [street_code(n) for n in range(clients)]
    for code in codes:
        answer = server.admin("POST", "/admin/api/streets", json={
            "code": code, "name": f"压测{code[6:9]}街道", "center_name": "压测分中心",
            "issuing_authority": "压测街道办事处", "doc_prefix": "压街"})
        answer.raise_for_status()
    return codes


class _DistrictTraffic(threading.Thread):
    """Work orders to random streets and hello samples (the latency floor), until stopped."""

    def __init__(self, server: Any, streets: list[str], seconds: float) -> None:
        super().__init__(daemon=True)
        self.server, self.streets = server, streets
        self.until = time.monotonic() + seconds  # before the sub-centers' quiet sync
        self.stop = threading.Event()
        self.hello: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        rng = random.Random(7)
        with httpx.Client(timeout=30) as http:
            while not self.stop.wait(0.1) and time.monotonic() < self.until:
                started = time.perf_counter()
                answer = http.get(self.server.url + "/api/hello")
                self.hello.append(time.perf_counter() - started)
                street = rng.choice(self.streets)
                order = self.server.admin("POST", f"/admin/api/streets/{street}/work-orders",
                                          json={"title": "压测派单", "content": "请核实处置。"})
                if answer.status_code != 200 or order.status_code != 200:
                    self.failures.append(f"district {answer.status_code}/{order.status_code}")


def _start_workers(url: str, home: Path, streets: list[str], seconds: float,
                   workers: int) -> list[subprocess.Popen[str]]:
    chunks = [streets[n::workers] for n in range(workers)]
    processes = [subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.cases_sync_load", "--worker", "--server", url,
         "--home", str(home), "--streets", ",".join(chunk), "--seconds", str(seconds)],
        cwd=ROOT, env={**os.environ, **ENV}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True) for chunk in chunks if chunk]
    for process in processes:
        line = process.stdout.readline()  # type: ignore[union-attr]
        if line.strip() != "READY":
            raise RuntimeError(f"a load worker did not start: {line!r}")
    return processes


def run_load(home: Path, clients: int = CLIENTS, seconds: float = SECONDS,
             workers: int = WORKERS) -> LoadFigures:
    from tests.district.server_fixture import district_process
    from tests.sync_faults.compare import compare_street

    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home) as scratch, \
            district_process(Path(scratch), demo=True) as server:
        streets = _create_streets(server, clients)
        processes = _start_workers(server.url, Path(scratch) / "pcs", streets, seconds, workers)
        for process in processes:
            process.stdin.write("GO\n")  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
        traffic = _DistrictTraffic(server, streets, seconds - 0.5)
        traffic.start()
        results = [json.loads(process.communicate(timeout=seconds + 300)[0].splitlines()[-1])
                   for process in processes]
        traffic.stop.set()
        traffic.join(30)
        samples = list(traffic.failures)
        for street in streets:
            local = Path(scratch) / "pcs" / street / "subcenter.sqlite3"
            comparison = compare_street(server.db_url, street, local)
            if not comparison.equal:
                samples.append(f"{street} not converged: {comparison.summary(3)}")
        return _figures(results, clients, samples, traffic.hello)


def _figures(results: list[dict[str, Any]], clients: int, samples: list[str],
             hello: list[float]) -> LoadFigures:
    requests = [tuple(r) for result in results for r in result["requests"]]
    installs = [i for result in results for i in result["installs"]]
    for path, status, _s in requests:
        if status is None or status >= 500 or status == 429:
            samples.append(f"{path} → {status or 'connection failed'}")
    for install in installs:
        samples += [f"{install['street']}: {e}" for e in install["failed_runs"]]
        if not install["quiet_ok"]:
            samples.append(f"{install['street']}: the final quiet sync did not complete")
    seconds = statistics.mean(result["elapsed"] for result in results)
    times = [s for _p, _st, s in requests]
    return LoadFigures(
        clients=clients, seconds=seconds, mutations=sum(i["pushed"] for i in installs),
        pulled=sum(i["pulled"] for i in installs), requests=len(requests),
        p50_s=_percentile(times, 0.50), p99_s=_percentile(times, 0.99),
        push_p99_s=_percentile([s for p, _st, s in requests if p == "/api/push"], 0.99),
        pull_p99_s=_percentile([s for p, _st, s in requests if p == "/api/pull"], 0.99),
        hello_p99_s=_percentile(hello, 0.99), errors=len(samples), error_samples=samples)


def sync_load_cases(home: Path, clients: int = CLIENTS, seconds: float = SECONDS
                    ) -> tuple[Case, Case]:
    """Two table rows from one load run (see the module docstring)."""
    figures: list[LoadFigures] = []

    def load() -> LoadFigures:
        if not figures:
            figures.append(run_load(home, clients, seconds))
            print(figures[0].report(), flush=True)
        return figures[0]

    p99 = Case("sync p99", ours=lambda: load().p99_s, floor=lambda: load().hello_p99_s,
               bar_ratio=float("inf"), bar_text="report; errors = 0", self_timed=True)
    errors = Case("sync errors", ours=lambda: float(load().errors), floor=lambda: 1.0,
                  bar_ratio=0.0, bar_text="= 0", self_timed=True, unit="err")
    return p99, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.cases_sync_load")
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--server")
    parser.add_argument("--home", type=Path, default=Path("test-output") / "sync-load")
    parser.add_argument("--streets", default="")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.server, args.home, args.streets.split(","), args.seconds)
        return 0
    os.environ.update(ENV)
    figures = run_load(args.home, args.clients, args.seconds)
    print(figures.report())
    return 0 if figures.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
