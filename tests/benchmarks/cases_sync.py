"""Sync bars of docs/performance.md, against the reference district server on 127.0.0.1:

- initial pull: a first download of 100,000 records into an empty, enrolled data folder
  (``run_once``: HTTP pages, JSON, bulk apply + cursor per page), against a raw httpx
  client fetching the same pages' bytes with the same cursors (bar ≤ 4×);
- push: 10,000 queued mutations pushed (batches of 100, gzip, answers stored), against
  a raw httpx client posting the same mutations in the same batches to a fresh street
  (bar ≤ 4×); each repetition gets a fresh street so the server does the same work;
- GUI during sync: the longest gap between ticks of a 5 ms Qt timer while the app's
  controller path (qasync loop, ``TaskRunner.db``) runs a 100k-record first download
  (bar < 50 ms). Reported as seconds; the floor is the timer's own period.

The server runs as its own process (``python -m district.cli``), as a district's
server would: in this process its JSON work would compete with the client for the GIL
and be counted as a GUI stall. The records are bulk-inserted into its database (a
district with a large street already on file).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, update

from desktop.sync.commands import enroll, sync_setup
from desktop.sync.engine import run_once
from tests.benchmarks.harness import Case
from tests.district.server_fixture import VERSION_HEADERS, DistrictServer, district_process
from tests.integration.sync_helpers import DEMO_PASSWORD, DEMO_USER, synced_context

BIG_STREET = "430102099000"
PASSWORD = "bench-password"
_street_numbers = itertools.count(100)


def _person(n: int, at: str) -> dict[str, Any]:
    return {"name": f"网格员{n:06d}", "phone": f"139{n:08d}", "unit": "街道城管科",
            "duties": "巡查、上报、协助处置占道经营和环境卫生问题", "created_at": at,
            "updated_at": at}


def seed_records(db_url: str, street: str, count: int) -> None:
    """``count`` grid_person records of ``street`` straight into the district database
    (the server process shares the SQLite file)."""
    from district.db import CounterRow, Database, RecordRow

    at = datetime.now().replace(microsecond=0).isoformat()
    db = Database(db_url)
    with db.engine.begin() as connection:
        start = connection.execute(select(CounterRow.value)
                                   .where(CounterRow.name == "change_seq")).scalar() or 0
        rows = [{"street": street, "table_name": "grid_person", "id": f"bench-{street}-{n:07d}",
                 "version": 1, "fields": _person(n, at), "deleted": False, "owner": "street",
                 "change_seq": start + n + 1, "updated_at": datetime.now(),
                 "updated_by": "district", "district_version": 0} for n in range(count)]
        for chunk in range(0, count, 10_000):
            connection.execute(insert(RecordRow), rows[chunk:chunk + 10_000])
        connection.execute(update(CounterRow).where(CounterRow.name == "change_seq")
                           .values(value=start + count))
    db.dispose()


def new_street(district: DistrictServer) -> str:
    code = f"430102{next(_street_numbers):03d}000"
    response = district.admin("POST", "/admin/api/streets", json={
        "code": code, "name": f"测速{code[-5:]}街道", "center_name": "测速分中心",
        "issuing_authority": "测速街道办事处", "doc_prefix": "测速", "user": DEMO_USER,
        "password": PASSWORD})
    response.raise_for_status()
    return code


def _enrolled_folder(root: Path, district: DistrictServer, street: str, password: str,
                     page_size: int = 500):  # type: ignore[no-untyped-def]
    shutil.rmtree(root, ignore_errors=True)
    context = synced_context(root)
    setup = sync_setup(context, page_size=page_size)
    asyncio.run(enroll(setup, actor=context.actor, server=district.url, street=street,
                       user=DEMO_USER, password=password))
    return context, setup


def _raw_pull(district: DistrictServer, street: str, password: str) -> int:
    """The floor: the same pages, bytes only, one keep-alive client, gzip."""
    token = district.enroll(street, password=password)["access_token"]
    headers = {**VERSION_HEADERS, "Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    received, cursor = 0, None
    with httpx.Client(base_url=district.url, headers=headers, timeout=60) as http:
        while True:
            params: dict[str, Any] = {"limit": 500}
            if cursor:
                params["cursor"] = cursor
            body = http.get("/api/pull", params=params).content
            received += len(body)
            page = json.loads(body)  # to find the next cursor, as any client must
            cursor = page["cursor"]
            if not page["has_more"]:
                return received


def initial_pull_case(work: Path, district: DistrictServer, records: int) -> Case:
    seed_records(district.db_url, BIG_STREET, records)

    def ours() -> float:
        context, setup = _enrolled_folder(work / "pull", district, BIG_STREET, PASSWORD)
        started = time.perf_counter()
        summary = asyncio.run(run_once(setup, trigger="bench"))
        elapsed = time.perf_counter() - started
        assert summary.complete and summary.pulled >= records, summary
        context.close()
        return elapsed

    def floor() -> float:
        started = time.perf_counter()
        _raw_pull(district, BIG_STREET, PASSWORD)
        return time.perf_counter() - started

    return Case("initial pull", ours, floor, 4.0, "≤ 4× raw httpx download", self_timed=True)


def _queue_mutations(context: Any, count: int) -> None:
    """``count`` new grid people through the ORM (the outbox hook queues each)."""
    from desktop.clock import now
    from desktop.domain.ids import new_id
    from local_db.models import GridPerson

    with context.uow() as uow:
        at = now()
        for n in range(count):
            uow.session.add(GridPerson(id=new_id(), name=f"新网格员{n:05d}", phone="", unit="街道",
                                       duties="", created_at=at, updated_at=at))
        uow.commit()


def push_case(work: Path, district: DistrictServer, mutations: int) -> Case:
    def ours() -> float:
        street = new_street(district)
        context, setup = _enrolled_folder(work / "push", district, street, PASSWORD)
        _queue_mutations(context, mutations)
        started = time.perf_counter()
        summary = asyncio.run(run_once(setup, trigger="bench", pull=False))
        elapsed = time.perf_counter() - started
        assert summary.pushed == mutations and summary.waiting == 0, summary
        context.close()
        return elapsed

    def floor() -> float:
        street = new_street(district)
        enrolment = district.enroll(street, password=PASSWORD)
        headers = {**VERSION_HEADERS, "Authorization": f"Bearer {enrolment['access_token']}"}
        at = datetime.now().replace(microsecond=0).isoformat()
        batches = [[{"id": n + 1, "table": "grid_person", "record_id": f"raw-{street}-{n}",
                     "op": "upsert", "base_version": 0, "fields": _person(n, at)}
                    for n in range(start, min(start + 100, mutations))]
                   for start in range(0, mutations, 100)]
        started = time.perf_counter()
        with httpx.Client(base_url=district.url, headers=headers, timeout=60) as http:
            for batch in batches:
                http.post("/api/push", json={"client_id": enrolment["client_id"],
                                             "mutations": batch}).raise_for_status()
        return time.perf_counter() - started

    return Case("push", ours, floor, 4.0, "≤ 4× raw httpx posts", self_timed=True)


def gui_stall_case(work: Path, district: DistrictServer) -> Case:
    """Longest Qt event-loop stall while the app's sync controller (the status bar's
    and the sync page's) downloads the big street on the qasync loop."""

    def ours() -> float:
        import qasync
        from PySide6.QtCore import QElapsedTimer, QTimer
        from PySide6.QtWidgets import QApplication

        from ui.env import UiEnv
        from ui.sync_status import controller_for
        from ui.tasks import TaskRunner

        app = QApplication.instance() or QApplication([])
        context, _setup = _enrolled_folder(work / "gui", district, BIG_STREET, PASSWORD)
        env = UiEnv(context=context, tasks=TaskRunner())
        controller = controller_for(env)
        clock, worst = QElapsedTimer(), [0]
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda: worst.__setitem__(0, max(worst[0], clock.restart())))

        async def main() -> None:
            controller.start_timer()  # what the window does once it shows
            clock.start()
            timer.start()
            await asyncio.sleep(0.05)
            worst[0] = 0
            summary = await controller.sync_now("manual")
            timer.stop()
            assert summary is not None and summary.complete, summary

        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(main())
        finally:
            controller.timer.stop()
            env.tasks.shutdown()
            asyncio.set_event_loop(None)
            loop.close()
            context.close()
        return worst[0] / 1000.0

    return Case("GUI during sync", ours, lambda: 0.005, float("inf"), "< 50 ms stall",
                absolute_bar_s=0.050, self_timed=True)


@contextmanager
def sync_cases(work: Path, *, records: int = 100_000, mutations: int = 10_000
               ) -> Iterator[list[Case]]:
    """The three cases sharing one server process, which runs until the block ends:

        with sync_cases(home / "sync") as cases:
            results += [run_case(case, repetitions) for case in cases]
    """
    work.mkdir(parents=True, exist_ok=True)
    (work / "district").mkdir(exist_ok=True)
    with district_process(work / "district", demo=True) as district:
        district.admin("POST", "/admin/api/streets", json={
            "code": BIG_STREET, "name": "大数据街道", "center_name": "大数据分中心",
            "issuing_authority": "大数据街道办事处", "doc_prefix": "大数",
            "user": DEMO_USER, "password": PASSWORD}).raise_for_status()
        yield [initial_pull_case(work, district, records), push_case(work, district, mutations),
               gui_stall_case(work, district)]


__all__ = ["DEMO_PASSWORD", "sync_cases"]  # DEMO_PASSWORD: the demo user of the server
