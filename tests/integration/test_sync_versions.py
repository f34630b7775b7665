"""A record's version grows exactly once per transaction, whoever raises it, and every
waiting edit of a record carries the district's last version as its base; a push
answer gives the record the district's number back (desktop.sync.store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.domain.actor import LOCAL_ADMIN
from desktop.services.demand_flow import touch
from desktop.services.subcenter import set_up_sub_center
from desktop.sync import store
from local_db.models import Demand
from tests.conftest import STREET
from tests.integration.sync_helpers import query, synced_context
from tests.sync_faults.harness import Install


@pytest.fixture
def pc(tmp_path: Path):  # type: ignore[no-untyped-def]
    context = synced_context(tmp_path / "data")
    set_up_sub_center(context.uow(), actor=LOCAL_ADMIN, **STREET)
    install = Install(tmp_path / "data", context)
    yield install
    install.close()


def _rows(pc: Install, record_id: str) -> list[tuple[int, int, int, str]]:
    return query(pc.context, "select seq, version, base_version, state from sync_outbox "
                             "where record_id = ? and op != 'command' order by seq", record_id)


def _link(pc: Install) -> store.Link:
    return store.Link("client", "http://127.0.0.1:1", "430102007000", "", "", 0, None)


def test_a_demand_step_raises_the_version_once(pc: Install) -> None:
    demand = pc.intake("路灯不亮")
    pc.triage_by_community(demand)  # autoflushes, then touch(): one version, not two
    assert pc.local_version("demand", demand) == 2
    assert [row[1:3] for row in _rows(pc, demand)] == [(1, 0), (2, 0)]


def test_touch_twice_and_a_flush_in_one_transaction_is_one_version(pc: Install) -> None:
    demand = pc.intake("井盖缺失")
    with pc.context.uow() as uow:
        row = uow.session.get(Demand, demand)
        assert row is not None
        row.title = "井盖缺失（补充）"
        uow.flush()  # the hook raises it
        touch(row, row.updated_at)  # the service raises it "again"
        touch(row, row.updated_at)
        uow.flush()
        assert row.version == 2
        uow.commit()
    assert pc.local_version("demand", demand) == 2
    with pc.context.uow() as uow:  # the next transaction raises it again, once
        row = uow.session.get(Demand, demand)
        assert row is not None
        touch(row, row.updated_at)
        uow.commit()
    assert pc.local_version("demand", demand) == 3


def test_edits_waiting_for_the_district_share_the_districts_base(pc: Install) -> None:
    community = pc.add_community("东风社区", "051")
    grid = pc.add_grid(community, "东风一网格")
    pc.update_grid(grid, "改一", population=601)
    pc.update_grid(grid, "改二", population=602)
    assert [row[1:] for row in _rows(pc, grid)] == [
        (1, 0, "pending"), (2, 0, "pending"), (3, 0, "pending")]  # never 1 or 2

    # the district answers all three: the record takes the district's number
    link = _link(pc)
    batch = store.next_batch(pc.context.uow, link, max_count=100, max_bytes=10**6)
    edits = [m for m in batch.mutations if m["record_id"] == grid]
    results = [{"mutation_id": m["id"], "status": "applied", "version": n}
               for n, m in enumerate(edits, start=1)]
    results += [{"mutation_id": m["id"], "status": "applied", "version": 7}
                for m in batch.mutations if m["record_id"] != grid]
    store.store_push_answer(pc.context.uow, link, {"results": results})
    assert pc.local_version("grid", grid) == 3  # the last answer's version

    pc.update_grid(grid, "改三", population=603)  # based on the district's 3 now
    assert [row[1:] for row in _rows(pc, grid)][-1] == (4, 3, "pending")


def test_an_edit_answered_before_the_next_one_waits_alone(pc: Install) -> None:
    community = pc.add_community("东风社区", "051")
    link = _link(pc)
    batch = store.next_batch(pc.context.uow, link, max_count=100, max_bytes=10**6)
    store.store_push_answer(pc.context.uow, link, {"results": [
        {"mutation_id": batch.mutations[0]["id"], "status": "applied", "version": 5}]})
    assert pc.local_version("community", community) == 5
    grids_base = query(pc.context, "select version from community where id = ?", community)
    assert grids_base == [(5,)]


def test_an_applied_answer_with_the_districts_values_is_taken_whole(pc: Install) -> None:
    community = pc.add_community("东风社区", "051")
    link = _link(pc)
    batch = store.next_batch(pc.context.uow, link, max_count=100, max_bytes=10**6)
    [mutation] = batch.mutations
    kept = {**mutation["fields"], "name": "区里定的名字"}
    store.store_push_answer(pc.context.uow, link, {"results": [
        {"mutation_id": mutation["id"], "status": "applied", "version": 2,
         "server_fields": kept}]})
    assert pc.value("community", community, "name") == "区里定的名字"
    assert pc.local_version("community", community) == 2


def test_a_change_too_large_to_send_goes_as_void_with_a_reason(pc: Install) -> None:
    community = pc.add_community("东风社区", "051")
    grid = pc.add_grid(community, "东风一网格")
    link = _link(pc)
    sizes = [len(json.dumps(m, ensure_ascii=False, separators=(",", ":")).encode())
             for m in store.next_batch(pc.context.uow, link, max_count=100,
                                       max_bytes=10**6).mutations]
    assert sizes[1] > sizes[0]  # a grid row is longer than a community row
    limit = store.ENVELOPE_BYTES + sizes[0] + 200  # the community fits, the grid does not
    assert store.ENVELOPE_BYTES + sizes[1] > limit, sizes
    batch = store.next_batch(pc.context.uow, link, max_count=100, max_bytes=limit)
    assert [m["op"] for m in batch.mutations] == ["upsert", "void"]
    assert "fields" not in batch.mutations[1]
    batch = store.next_batch(pc.context.uow, link, max_count=100, max_bytes=limit,
                             void=frozenset({batch.seqs[0]}))  # refused alone: void too
    assert [m["op"] for m in batch.mutations] == ["void", "void"]
    store.store_push_answer(pc.context.uow, link, {"results": [
        {"mutation_id": m["id"], "status": "rejected", "code": "void"}
        for m in batch.mutations]})
    reasons = dict(query(pc.context, "select record_id, last_error from sync_outbox "
                                     "where state = 'rejected'"))
    assert reasons[grid] == "网格“东风一网格”的内容超过平台单条 1 MiB 上限，未上传，请精简后重新保存。"
    assert reasons[community].startswith("社区/村“东风社区”")
