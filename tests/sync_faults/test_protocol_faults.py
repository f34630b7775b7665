"""Faults at the protocol level against the real server: a poison mutation, token
expiry in the middle of a run, a protocol version mismatch, a client clock days off,
and the district editing records while the street is offline."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import httpx
import pytest

from desktop.sync.client import VersionMismatchError
from local_db.models import Demand
from tests.district.server_fixture import (
    FURONG,
    VERSION_HEADERS,
    DistrictServer,
    running_district,
)
from tests.sync_faults.compare import assert_converged, compare_street, server_records
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import Install, assert_ledger, enroll, query, server_results

pytestmark = pytest.mark.timeout(120)
PUSH = "/api/push"


def _grid(install: Install, name: str = "东风一网格") -> str:
    community = install.add_community("东风社区", "051")
    return install.add_grid(community, name)


def _check(district: DistrictServer, *installs: Install) -> None:
    assert_converged(district.db_url, FURONG, *(i.database for i in installs))
    for install in installs:
        assert_ledger(district.db_url, install)


# --- a poison mutation -------------------------------------------------------------------


def test_a_mutation_the_district_always_refuses_is_answered_once_and_never_blocks(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    poison = pc.intake("状态异常的诉求")
    with pc.context.uow() as uow:  # same transaction as a later edit: one mutation, bad status
        uow.session.get(Demand, poison).status = "no-such-status"
        uow.commit()
    grid = _grid(pc)  # queued after the poison
    proxy.add("duplicate", "POST", PUSH, times=0)  # and every push arrives twice

    pc.sync()
    pc.sync()

    assert pc.outbox_states().get("rejected") == 1
    server = server_records(district.db_url, FURONG)
    assert ("grid", grid) in server and ("demand", poison) in server  # the intake went up
    assert server[("demand", poison)].fields["status"] == "accepted"  # the poison did not
    statuses = assert_ledger(district.db_url, pc)
    assert statuses["rejected"] == 1
    comparison = compare_street(district.db_url, FURONG, pc.database)
    assert [key for key, name, *_ in comparison.fields] == [("demand", poison)]  # kept here


def test_an_oversized_mutation_is_refused_alone_and_the_queue_goes_on(
        district: DistrictServer, make_install: Callable[..., Install]) -> None:
    """One record over the 1 MiB body limit: the server can only answer 413 for the
    whole request. The client must not resend it for ever (blocking every later change):
    it has to set it aside as refused and push what follows."""
    pc = make_install("pc1")
    community = pc.add_community("东风社区", "051")
    huge = _huge_officer(pc)
    grid = pc.add_grid(community, "东风一网格")

    with contextlib.suppress(Exception):
        pc.run()
    with contextlib.suppress(Exception):
        pc.run()

    assert ("grid", grid) in server_records(district.db_url, FURONG), (
        f"the change after the oversized one never reached the district: "
        f"{pc.outbox_states()} (oversized officer {huge})")
    assert pc.waiting() == 0
    [(reason,)] = query(pc.database, "select last_error from sync_outbox where record_id = ? "
                                     "and state = 'rejected'", huge)
    assert reason == "执法人员“备注很长”的内容超过平台单条 1 MiB 上限，未上传，请精简后重新保存。"
    assert ("officer", huge) not in server_records(district.db_url, FURONG)
    assert assert_ledger(district.db_url, pc)["rejected"] == 1  # its number answered too
    assert compare_street(district.db_url, FURONG, pc.database).refused_locally == [
        ("officer", huge)]


def test_a_batch_refused_as_too_large_is_split_and_all_of_it_arrives(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    """A 413 for a batch the client measured under the limit (a proxy on the way with
    a smaller limit): the batch is halved, nothing is refused, nothing lost."""
    pc = make_install("pc1")
    community = pc.add_community("东风社区", "051")
    grids = [pc.add_grid(community, f"东风{n}网格") for n in range(1, 4)]
    proxy.add("error_before", "POST", PUSH, times=2, status=413)

    pc.sync()

    # 4 rows → 413; 2 rows → 413; then one at a time
    assert [e.status for e in proxy.entries("POST", PUSH)] == [413, 413, 200, 200, 200, 200]
    server = server_records(district.db_url, FURONG)
    assert all(("grid", grid) in server for grid in grids)
    assert "rejected" not in pc.outbox_states()
    _check(district, pc)


def test_a_single_change_refused_as_too_large_is_set_aside_with_its_reason(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    community = pc.add_community("东风社区", "051")
    grid = pc.add_grid(community, "东风一网格")
    proxy.add("error_before", "POST", PUSH, times=2, status=413)  # 2 rows, then 1 row

    pc.sync()

    assert pc.outbox_states().get("rejected") == 1
    [(reason,)] = query(pc.database, "select last_error from sync_outbox "
                                     "where state = 'rejected'")
    assert reason == "社区/村“东风社区”的内容超过平台单条 1 MiB 上限，未上传，请精简后重新保存。"
    assert ("grid", grid) in server_records(district.db_url, FURONG)  # the queue went on
    assert assert_ledger(district.db_url, pc)["rejected"] == 1


def _huge_officer(pc: Install) -> str:
    from desktop.clock import now
    from desktop.domain.ids import new_id
    from local_db.models import Officer

    with pc.context.uow() as uow:
        officer = Officer(id=new_id(), name="备注很长", id_number="430102199001010011",
                          force="1", staffing_type="civil_servant", note="长" * 600_000,
                          created_at=now(), updated_at=now())
        uow.session.add(officer)
        uow.commit()
        return officer.id


# --- token expiry --------------------------------------------------------------------------


@pytest.fixture
def short_token_district(tmp_path: Path) -> Iterator[DistrictServer]:
    folder = tmp_path / "short"
    folder.mkdir()
    with running_district(folder, access_token_ttl=1) as server:
        yield server


def test_an_access_token_expiring_mid_run_is_refreshed_once(
        short_token_district: DistrictServer, tmp_path: Path) -> None:
    district = short_token_district
    with FaultProxy(district.url) as proxy:
        pc = enroll(tmp_path / "pc1", proxy.url, FURONG)
        try:
            _grid(pc)
            proxy.add("delay", "POST", PUSH, seconds=2.1)  # the token (1 to 2 s) dies on the way
            tokens_before = len(proxy.entries("POST", "/api/token"))
            pc.sync()
            pushes = proxy.entries("POST", PUSH)
            assert [e.status for e in pushes] == [401, 200]
            assert len(proxy.entries("POST", "/api/token")) == tokens_before + 2
            _check(district, pc)
        finally:
            pc.close()


# --- protocol version mismatch ----------------------------------------------------------------


def test_a_protocol_version_mismatch_stops_with_a_chinese_reason_and_loses_nothing(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install], monkeypatch: pytest.MonkeyPatch) -> None:
    pc = make_install("pc1")
    _grid(pc)
    monkeypatch.setattr("desktop.sync.client.PROTOCOL_VERSION", 2)  # a newer client

    with pytest.raises(VersionMismatchError) as raised:
        pc.run()

    message = str(raised.value)
    assert "版本" in message and "升级" in message and "本机数据未受影响" in message
    assert pc.outbox_states() == {"pending": 2}  # nothing sent, nothing marked
    assert not proxy.entries("POST", PUSH)
    last_run = query(pc.database, "select result, error from sync_run order by id desc")[0]
    assert last_run[0] == "failed" and "版本" in last_run[1]

    monkeypatch.undo()
    pc.sync()
    _check(district, pc)


def test_the_server_refuses_a_request_of_another_protocol_version_and_applies_nothing(
        district: DistrictServer, make_install: Callable[..., Install]) -> None:
    """A client that does not look at hello first gets 426 with a Chinese message."""
    pc = make_install("pc1")
    token = httpx.post(f"{district.url}/api/enroll", headers=VERSION_HEADERS, json={
        "street_code": FURONG, "user": "demo", "password": "demo-password"}).json()
    headers = {"X-Protocol-Version": "2", "X-Schema-Version": "1",
               "Authorization": f"Bearer {token['access_token']}"}
    answer = httpx.post(f"{district.url}/api/push", headers=headers, json={
        "client_id": token["client_id"], "mutations": [{
            "id": 1, "table": "grid", "record_id": "0190f000-0000-7000-8000-00000000abcd",
            "op": "upsert", "fields": {"name": "不该出现"}}]})
    assert answer.status_code == 426
    assert "版本" in answer.json()["error"]["message"]
    assert ("grid", "0190f000-0000-7000-8000-00000000abcd") not in server_records(
        district.db_url, FURONG)
    _check(district, pc)


# --- a clock days off ------------------------------------------------------------------------


@contextlib.contextmanager
def pc_clock(days: int) -> Iterator[None]:
    """This PC's clock ``days`` off: what the services stamp and what the sync client
    compares with the server's time (the OS clock is the edge we move)."""
    shift = timedelta(days=days)

    class Shifted(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return datetime.now(tz) + shift

    with mock.patch("desktop.clock.now", lambda: datetime.now().replace(microsecond=0) + shift), \
            mock.patch("desktop.services.grids.now",
                       lambda: datetime.now().replace(microsecond=0) + shift), \
            mock.patch("desktop.sync.client.datetime", Shifted):
        yield


@pytest.mark.parametrize("days", [3, -3])
def test_a_client_clock_days_off_changes_nothing_but_the_warning(
        days: int, district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    skewed, right = make_install("pc-skewed"), make_install("pc-right")
    grid = _grid(right)
    right.sync()
    with pc_clock(days):
        skewed.sync()
        skewed.update_grid(grid, "时钟不准的机器改的", population=111)  # first in real time
        skewed.sync()
    right.sync()
    right.update_grid(grid, "时钟正确的机器改的", population=222)  # later in real time
    right.sync()
    with pc_clock(days):
        skewed.sync()

    skew = query(skewed.database, "select clock_skew_seconds from sync_state")[0][0]
    assert abs(skew - days * 86400) < 600  # the UI can warn about this PC's clock
    assert abs(query(right.database, "select clock_skew_seconds from sync_state")[0][0]) < 600
    server = server_records(district.db_url, FURONG)[("grid", grid)]
    assert server.fields["name"] == "时钟正确的机器改的"  # arrival order, not client clocks
    stamped = query(Path(district.db_url.removeprefix("sqlite:///")),
                    "select updated_at from records where id = ?", grid)[0][0]
    server_time = datetime.fromisoformat(stamped).replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - server_time).total_seconds()) < 600  # the server's clock
    _check(district, skewed, right)


# --- the district edits while the street is offline ---------------------------------------------


def _override(district: DistrictServer, table: str, record_id: str, **values: object) -> None:
    answer = district.admin("PATCH", f"/admin/api/streets/{FURONG}/records/{table}/{record_id}",
                            json=values)
    assert answer.status_code == 200, answer.text


def _server_conflicts(district: DistrictServer) -> list[dict[str, object]]:
    answer = district.admin("GET", "/admin/api/conflicts", params={"street": FURONG})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_district_override_while_offline_is_a_conflict_on_both_sides(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    grid = _grid(pc)
    pc.sync()
    _override(district, "grid", grid, name="区里改的名字")
    pc.update_grid(grid, "街道离线时改的名字", population=640)  # offline edit of the old version

    pc.sync()

    server = server_records(district.db_url, FURONG)[("grid", grid)]
    assert server.fields["name"] == "区里改的名字"  # the district's value stands
    conflicts = _server_conflicts(district)
    assert [(c["table"], c["record_id"], c["code"]) for c in conflicts] == [
        ("grid", grid, "district_override")]
    local = query(pc.database, "select local_json, server_json from sync_conflict")
    assert len(local) == 1
    assert json.loads(local[0][0])["name"] == "街道离线时改的名字"
    assert json.loads(local[0][1])["name"] == "区里改的名字"
    assert pc.value("grid", grid, "name") == "区里改的名字"  # shown here too
    _check(district, pc)


def test_a_work_order_recalled_while_offline_keeps_the_district_status(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    order = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders",
                           json={"title": "井盖缺失", "content": "芙蓉路 88 号井盖缺失。"}).json()
    pc.sync()
    recall = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders/{order['id']}/recall",
                            json={"reason": "派错街道"})
    assert recall.status_code == 200, recall.text
    pc.triage_by_community(order["id"])  # offline: the street's own loop goes on

    pc.sync()

    server = server_records(district.db_url, FURONG)[("demand", order["id"])]
    assert server.fields["district_status"] == "recalled"  # never overwritten by the push
    assert server.fields["status"] == "triaged", (  # the street's field was taken
        server.fields, server_results(district.db_url, pc.client_id()), pc.outbox_states())
    _check(district, pc)


def test_a_recalled_work_order_shows_as_recalled_at_the_street(
        district: DistrictServer, make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    order = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders",
                           json={"title": "井盖缺失", "content": "芙蓉路 88 号井盖缺失。"}).json()
    district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders/{order['id']}/recall",
                   json={"reason": "派错街道"})
    pc.sync()
    columns = {row[1] for row in query(pc.database, "pragma table_info(demand)")}
    assert "district_status" in columns
    assert pc.value("demand", order["id"], "district_status") == "recalled"


def test_two_offline_edits_after_a_district_override_do_not_silently_undo_it(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    """The district renames a grid; the street, offline, edits the grid twice. The
    second edit's base_version is the install's own intermediate number (2), which the
    server reads as "made after the district's version 2": it is applied over the
    district's edit without a conflict, and after the user keeps the district's side of
    the first conflict the install and the district disagree for good."""
    pc = make_install("pc1")
    grid = _grid(pc)
    pc.sync()
    _override(district, "grid", grid, name="区里改的名字")
    pc.update_grid(grid, "街道改一", population=601)
    pc.update_grid(grid, "街道改二", population=602)

    pc.sync()

    server = server_records(district.db_url, FURONG)[("grid", grid)]
    assert server.fields["name"] == "区里改的名字", (
        "a later offline edit overwrote the district's override without a conflict")
    from desktop.domain.actor import LOCAL_ADMIN
    from desktop.sync.services import list_conflicts, resolve_conflict

    for conflict in list_conflicts(pc.context.uow()):
        resolve_conflict(pc.context.uow(), actor=LOCAL_ADMIN, conflict_id=conflict.id,
                         choice="district")
    pc.sync()
    _check(district, pc)


def test_resolving_an_old_conflict_does_not_roll_a_newer_record_back(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    grid = _grid(one)
    one.sync()
    _override(district, "grid", grid, name="区里改的名字")
    one.update_grid(grid, "一号机离线改的", population=601)
    one.sync()  # conflict: snapshot = the district's version 2
    two.sync()
    two.update_grid(grid, "二号机后来改的", population=702)
    two.sync()  # version 3 on the district
    one.sync()  # pc1 pulls version 3

    from desktop.domain.actor import LOCAL_ADMIN
    from desktop.sync.services import list_conflicts, resolve_conflict

    [conflict] = list_conflicts(one.context.uow())
    resolve_conflict(one.context.uow(), actor=LOCAL_ADMIN, conflict_id=conflict.id,
                     choice="district")
    one.sync()
    _check(district, one, two)
