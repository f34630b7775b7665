"""A hypothesis state machine over two office PCs of one street and the district:
local edits through the real services, district edits through the admin endpoints,
sync runs (clean, through a faulty proxy, or interrupted after the server committed)
and program restarts, in any order. After a final quiet sync of both PCs, both equal
the district record by record, and every mutation either PC ever made has exactly one
answer on the district (applied, rejected or conflict) and none is left waiting.

One real server and one fault proxy serve the whole run; every example gets its own
street (created through the admin API) and two fresh data folders.

Demand steps after intake (tests/sync_faults/test_two_installs.py, the version that
ran ahead), resolving conflicts with either side (test_protocol_faults.py) and intakes
on both PCs the same day (numbered apart by their 终端号) are all in.
``SYNC_STATEFUL_SAME_DAY_INTAKES=0`` moves PC B's intakes to another day, to tell a
numbering fault from the others when the machine finds one.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from desktop.bootstrap import open_migrated_context
from desktop.sync.client import SyncError
from tests.district.server_fixture import DistrictServer, running_district
from tests.sync_faults.compare import assert_converged
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import Install, assert_ledger, enroll, query

SAME_DAY_INTAKES_FIXED = os.environ.get("SYNC_STATEFUL_SAME_DAY_INTAKES", "1") != "0"
FAULTS = [("error_after", "POST", "/api/push"), ("drop_after", "POST", "/api/push"),
          ("drop_before", "POST", "/api/push"), ("duplicate", "POST", "/api/push"),
          ("replay_later", "POST", "/api/push"), ("error_after", "GET", "/api/pull"),
          ("drop_after", "GET", "/api/pull"), ("duplicate", "GET", "/api/pull")]
_streets = itertools.count(1)
_shared: dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def _one_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    import keyring
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # token file in the data folder
    folder = tmp_path_factory.mktemp("stateful-district")
    template = tmp_path_factory.mktemp("stateful-template") / "data"
    open_migrated_context(template).close()  # copied for every PC: no migrations per example
    with running_district(folder) as server, FaultProxy(server.url) as proxy:
        _shared.update(server=server, proxy=proxy, template=template)
        yield
    _shared.clear()
    keyring.set_keyring(previous)


class TwoPcsAndTheDistrict(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.server: DistrictServer = _shared["server"]
        self.proxy: FaultProxy = _shared["proxy"]
        self.proxy.clear()
        self.folder = Path(tempfile.mkdtemp(prefix="sync-stateful-"))
        self.street = f"430102{100 + next(_streets):03d}000"
        answer = self._admin("POST", "/admin/api/streets", json={
            "code": self.street, "name": f"状态机{self.street[6:9]}街道",
            "center_name": "状态机分中心", "issuing_authority": "状态机街道办事处",
            "doc_prefix": "状街"})
        assert answer.status_code == 200, answer.text
        self.pcs: dict[str, Install] = {}
        self.made: dict[str, int] = {}
        self.orders: list[str] = []
        self.serial = itertools.count(1)

    def _admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A fresh connection per district edit: a pooled one can be closed by the
        server's keep-alive timeout between two steps."""
        headers = {"Authorization": f"Bearer {self.server.admin_token}"}
        return httpx.request(method, self.server.url + path, headers=headers, timeout=30,
                             **kwargs)

    # --- setting up ---------------------------------------------------------------
    @initialize()
    def enrol_two_pcs(self) -> None:
        for name in ("A", "B"):
            shutil.copytree(_shared["template"], self.folder / name)
            self.pcs[name] = enroll(self.folder / name, self.proxy.url, self.street)
            self.made[name] = 0
        self.community = self.pcs["A"].add_community("状态机社区", "001")
        # a grid and a demand both PCs hold from the start: the edit, handling and
        # conflict rules have something to work on in a short run
        self.pcs["A"].add_grid(self.community, f"网格{next(self.serial)}", 300)
        self.pcs["A"].intake(f"A机诉求{next(self.serial)}")
        self._sync("A")
        self._sync("B")

    # --- local edits ----------------------------------------------------------------
    @rule(population=st.integers(100, 5000))
    def add_grid_on_a(self, population: int) -> None:
        """Grid codes are numbered per install: grids are added on A only (a second
        PC adding grids offline would clash the same way as demand numbers)."""
        self.pcs["A"].add_grid(self.community, f"网格{next(self.serial)}", population)

    @rule(pc=st.sampled_from("AB"), pick=st.integers(0, 50), population=st.integers(100, 5000))
    def update_a_grid(self, pc: str, pick: int, population: int) -> None:
        install = self.pcs[pc]
        grids = [row[0] for row in query(install.database, "select id from grid order by id")]
        if grids:
            install.update_grid(grids[pick % len(grids)], f"改名{next(self.serial)}", population)

    @rule(pc=st.sampled_from("AB"))
    def intake_a_demand(self, pc: str) -> None:
        if pc == "B" and not SAME_DAY_INTAKES_FIXED:
            with mock.patch("desktop.clock.now",  # B's intakes on another day's numbers
                            lambda: datetime.now().replace(microsecond=0) + timedelta(days=1)):
                self.pcs[pc].intake(f"二号机诉求{next(self.serial)}")
            return
        self.pcs[pc].intake(f"{pc}机诉求{next(self.serial)}")

    @rule(pc=st.sampled_from("AB"), pick=st.integers(0, 50))
    def handle_a_demand(self, pc: str, pick: int) -> None:
        install = self.pcs[pc]
        rows = query(install.database, "select id, status from demand order by id")
        if not rows:
            return
        demand, status = rows[pick % len(rows)]
        if status == "accepted":
            install.triage_by_community(demand)
        elif status == "triaged":
            install.supervise(demand, "请尽快处理")

    # --- district edits ----------------------------------------------------------------
    @rule(pick=st.integers(0, 50))
    def district_renames_a_grid(self, pick: int) -> None:
        rows = query(Path(self.server.db_url.removeprefix("sqlite:///")),
                     "select id from records where street = ? and table_name = 'grid' "
                     "and not deleted order by id", self.street)
        if rows:
            grid = rows[pick % len(rows)][0]
            answer = self._admin(
                "PATCH", f"/admin/api/streets/{self.street}/records/grid/{grid}",
                json={"name": f"区改{next(self.serial)}"})
            assert answer.status_code == 200, answer.text

    @rule(pc=st.sampled_from("AB"), pick=st.integers(0, 50),
          population=st.integers(100, 5000))
    def district_and_a_pc_edit_the_same_grid(self, pc: str, pick: int, population: int) -> None:
        """The district renames a grid the PC then edits before it syncs again: the
        next push is a conflict (what resolve_conflicts has to work on)."""
        install = self.pcs[pc]
        local = {row[0] for row in query(install.database, "select id from grid")}
        rows = [row[0] for row in query(
            Path(self.server.db_url.removeprefix("sqlite:///")),
            "select id from records where street = ? and table_name = 'grid' "
            "and not deleted order by id", self.street) if row[0] in local]
        if not rows:
            return
        grid = rows[pick % len(rows)]
        answer = self._admin("PATCH", f"/admin/api/streets/{self.street}/records/grid/{grid}",
                             json={"name": f"区改{next(self.serial)}"})
        assert answer.status_code == 200, answer.text
        install.update_grid(grid, f"改名{next(self.serial)}", population)

    @rule()
    def district_dispatches_a_work_order(self) -> None:
        answer = self._admin("POST", f"/admin/api/streets/{self.street}/work-orders",
                                   json={"title": f"派单{next(self.serial)}", "content": "请核实。"})
        assert answer.status_code == 200, answer.text
        self.orders.append(answer.json()["id"])

    @precondition(lambda self: bool(self.orders))
    @rule(pick=st.integers(0, 50))
    def district_recalls_a_work_order(self, pick: int) -> None:
        order = self.orders[pick % len(self.orders)]
        answer = self._admin(
            "POST", f"/admin/api/streets/{self.street}/work-orders/{order}/recall",
            json={"reason": "状态机撤回"})
        assert answer.status_code == 200, answer.text

    # --- syncs, faults, restarts -----------------------------------------------------------
    @rule(pc=st.sampled_from("AB"))
    def sync(self, pc: str) -> None:
        self._sync(pc)

    @rule(pc=st.sampled_from("AB"), fault=st.sampled_from(FAULTS))
    def sync_through_a_fault(self, pc: str, fault: tuple[str, str, str]) -> None:
        action, method, path = fault
        self.proxy.add(action, method, path)
        try:
            self._sync(pc)
        finally:
            self.proxy.clear()

    @rule(pc=st.sampled_from("AB"))
    def sync_interrupted_after_the_server_committed(self, pc: str) -> None:
        """Every push answer is lost and the run gives up: the client stops with rows
        marked sent that the server has applied (what a kill after commit leaves)."""
        self.proxy.add("error_after", "POST", "/api/push", times=0)
        try:
            self.pcs[pc].run(attempts=1)
        except SyncError:
            pass
        finally:
            self.proxy.clear()

    @rule(pc=st.sampled_from("AB"))
    def restart(self, pc: str) -> None:
        self.pcs[pc].reopen()

    @rule(pc=st.sampled_from("AB"), choice=st.sampled_from(["district", "mine"]))
    def resolve_conflicts(self, pc: str, choice: str) -> None:
        from desktop.domain.actor import LOCAL_ADMIN
        from desktop.domain.errors import DomainError
        from desktop.sync.services import list_conflicts, resolve_conflict

        for conflict in list_conflicts(self.pcs[pc].context.uow()):
            with contextlib.suppress(DomainError):  # "mine" where the policy forbids it
                resolve_conflict(self.pcs[pc].context.uow(), actor=LOCAL_ADMIN,
                                 conflict_id=conflict.id, choice=choice)

    def _quiet_and_converged(self) -> None:
        for name in ("A", "B", "A"):  # quiet: everything up, then everything down
            summary = self.pcs[name].run()
            assert summary.complete, summary
        assert_converged(self.server.db_url, self.street,
                         *(pc.database for pc in self.pcs.values()))
        for install in self.pcs.values():
            assert_ledger(self.server.db_url, install)

    def _sync(self, pc: str) -> None:
        summary = self.pcs[pc].run()
        assert summary.reached_head

    # --- properties ------------------------------------------------------------------------
    @invariant()
    def mutation_numbers_never_go_back(self) -> None:
        for name, install in self.pcs.items():
            made = install.mutations_made()
            assert made >= self.made[name], f"{name}: outbox numbers went back"
            self.made[name] = made

    def teardown(self) -> None:
        try:
            if len(self.pcs) == 2:
                self.proxy.clear()
                self._quiet_and_converged()
                # then the users answer what is left (A takes the district's side, B
                # its own) and everything still converges
                self.resolve_conflicts("A", "district")
                self.resolve_conflicts("B", "mine")
                self._quiet_and_converged()
        finally:
            for install in self.pcs.values():
                install.close()
            shutil.rmtree(self.folder, ignore_errors=True)


# No shrinking: every example costs a street and two enrolments, so shrinking a failure
# would take minutes; the failing run's steps are printed as they are.
TwoPcsAndTheDistrict.TestCase.settings = settings(
    max_examples=15, stateful_step_count=15, deadline=None, database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate], report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestTwoPcsAndTheDistrict = pytest.mark.timeout(240)(
    pytest.mark.slow(TwoPcsAndTheDistrict.TestCase))
