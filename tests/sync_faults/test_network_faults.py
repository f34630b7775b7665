"""Network faults between a real client and the real server (through the fault proxy):
a 500 or a dropped connection AFTER the server committed, requests lost before the
server, duplicated, delayed and reordered requests. After each, the client's and the
server's data for the street are equal, every mutation has exactly one answer, and no
record's version shows an effect applied twice."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from desktop.sync.client import SyncError
from tests.district.server_fixture import FURONG, DistrictServer
from tests.sync_faults.compare import assert_converged, server_records
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import Install, assert_ledger

pytestmark = pytest.mark.timeout(120)
PUSH, PULL = "/api/push", "/api/pull"


def _three_mutations(install: Install) -> str:
    """community + grid + an edit of the grid: server version of the grid must end at 2."""
    community = install.add_community("东风社区", "051")
    grid = install.add_grid(community, "东风一网格")
    install.update_grid(grid, "东风一网格", population=512)
    return grid


def _check(district: DistrictServer, *installs: Install) -> None:
    assert_converged(district.db_url, FURONG, *(i.database for i in installs))
    for install in installs:
        assert_ledger(district.db_url, install)


@pytest.mark.parametrize("fault", ["error_after", "drop_after"])
def test_push_answer_lost_after_commit_is_resent_and_applied_once(
        fault: str, district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    grid = _three_mutations(pc)
    rule = proxy.add(fault, "POST", PUSH)

    pc.sync()

    pushes = proxy.entries("POST", PUSH)
    assert rule.fired == 1 and len(pushes) == 2  # the lost answer, then the resend
    record = server_records(district.db_url, FURONG)[("grid", grid)]
    assert record.version == 2 and record.fields["population"] == 512  # once, not twice
    assert assert_ledger(district.db_url, pc) == {"applied": 3}
    _check(district, pc)


def test_push_lost_before_the_server_is_sent_again(district: DistrictServer, proxy: FaultProxy,
                                                   make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    _three_mutations(pc)
    rule = proxy.add("drop_before", "POST", PUSH, times=2)
    pc.sync()
    assert rule.fired == 2
    _check(district, pc)


def test_when_every_push_fails_after_commit_nothing_is_lost_and_the_next_run_heals(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    grid = _three_mutations(pc)
    proxy.add("error_after", "POST", PUSH, times=0)

    with pytest.raises(SyncError):
        pc.run(attempts=2)
    assert pc.waiting() == 3  # still waiting here although the server has them
    assert server_records(district.db_url, FURONG)[("grid", grid)].version == 2

    proxy.clear()
    summary = pc.run()
    assert summary.complete
    assert server_records(district.db_url, FURONG)[("grid", grid)].version == 2
    _check(district, pc)


@pytest.mark.parametrize("fault", ["error_after", "drop_after", "drop_before"])
def test_a_lost_pull_page_is_fetched_again_and_nothing_is_skipped(
        fault: str, district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    for n in range(3):  # new district records for the pull to bring
        answer = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders",
                                json={"title": f"派单{n}", "content": "请核实处置。"})
        assert answer.status_code == 200, answer.text
    rule = proxy.add(fault, "GET", PULL)
    pc.sync()
    assert rule.fired == 1
    _check(district, pc)


def test_duplicated_pushes_and_pulls_have_one_effect(district: DistrictServer,
                                                     proxy: FaultProxy,
                                                     make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    grid = _three_mutations(pc)
    proxy.add("duplicate", "POST", PUSH, times=0)
    proxy.add("duplicate", "GET", PULL, times=0)
    pc.sync()
    pc.update_grid(grid, "东风一网格", population=600)
    pc.sync()
    assert all(e.upstream == 2 for e in proxy.entries("POST", PUSH))
    record = server_records(district.db_url, FURONG)[("grid", grid)]
    assert (record.version, record.fields["population"]) == (3, 600)
    _check(district, pc)


def test_delayed_requests_change_nothing(district: DistrictServer, proxy: FaultProxy,
                                         make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    _three_mutations(pc)
    proxy.add("delay", "POST", PUSH, seconds=1.0)
    proxy.add("hold_after", "GET", PULL, seconds=1.0)
    pc.sync()
    _check(district, pc)


def test_an_old_push_replayed_after_a_newer_one_does_not_undo_it(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    grid = _three_mutations(pc)
    rule = proxy.add("replay_later", "POST", PUSH)
    pc.sync()  # push 1 (population 512) is kept by the proxy for later
    pc.update_grid(grid, "东风一网格（改）", population=777)
    pc.sync()  # push 2, then the proxy replays push 1
    assert rule.fired == 1
    assert [e.action for e in proxy.entries("POST", PUSH)] == [
        "replay_later", "forward", "replayed"]
    record = server_records(district.db_url, FURONG)[("grid", grid)]
    assert (record.version, record.fields["population"]) == (3, 777)
    pc.sync()
    _check(district, pc)


def test_two_installs_whose_pushes_are_reordered_converge(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    community = one.add_community("东风社区", "051")
    grid = one.add_grid(community, "东风一网格")
    one.sync()
    two.sync()
    one.update_grid(grid, "一号机改的", population=101)
    two.update_grid(grid, "二号机改的", population=202)
    rule = proxy.add("reorder", "POST", PUSH, seconds=5)
    errors: list[BaseException] = []

    def run(install: Install) -> None:
        try:
            install.run()
        except BaseException as error:
            errors.append(error)

    first = threading.Thread(target=run, args=(one,))
    first.start()
    assert rule.reached.wait(10)  # pc1's push is held …
    second = threading.Thread(target=run, args=(two,))
    second.start()  # … and pc2's overtakes it
    first.join(30)
    second.join(30)
    assert not errors, errors
    one.sync()
    two.sync()
    record = server_records(district.db_url, FURONG)[("grid", grid)]
    assert record.fields["name"] == "一号机改的"  # the later arrival won, on every side
    assert record.version == 3
    _check(district, one, two)


def test_two_runs_of_one_install_at_once_push_each_change_once(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    """The app's timer and `subcenter sync` (or a double click) overlapping: both runs
    send the same mutations; the district applies each once and both runs end well."""
    pc = make_install("pc1")
    grid = _three_mutations(pc)
    proxy.add("delay", "POST", PUSH, seconds=0.5, times=2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            pc.run()
        except BaseException as error:
            errors.append(error)

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(30)
    assert not errors, errors
    assert len(proxy.entries("POST", PUSH)) >= 2  # both runs pushed
    record = server_records(district.db_url, FURONG)[("grid", grid)]
    assert (record.version, record.fields["population"]) == (2, 512)
    pc.sync()
    _check(district, pc)
