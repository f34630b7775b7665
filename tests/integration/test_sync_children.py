"""Aggregate sync (local_db/sync_children.py): child rows with local integer ids travel
inside their parent's record — the registry, the outbox payload and the bulk apply of a
pulled page, on real SQLite files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop.bootstrap import AppContext
from desktop.domain.ids import new_id
from desktop.sync.store import apply_page
from local_db.base import Base
from local_db.models import Officer, OfficerEvent
from local_db.models.demands import Attachment, Demand, DemandAttachment
from local_db.outbox_events import json_value
from local_db.sync_children import (
    CHILDREN_FIELD,
    REGISTRY,
    carried_children,
    children_of_new_rows,
    children_payload,
    read_children,
)
from local_db.sync_repository import SyncRepository, synced_tables
from tests.integration.sync_helpers import query, synced_context

AT = datetime(2027, 3, 1, 9, 0, 0)
# tables with a key into a synced record that stay on this PC, and why
LOCAL_ON_PURPOSE = {"document_archive"}  # the printed PDF's bytes: the print's own record


@pytest.fixture
def pc(tmp_path: Path):  # type: ignore[no-untyped-def]
    context = synced_context(tmp_path / "pc")
    yield context
    context.close()


def _officer(context: AppContext, events: list[str], name: str = "王执法") -> str:
    officer_id = new_id()
    with context.uow() as uow:
        officer = Officer(id=officer_id, name=name, id_number=f"43010219900101{len(name):04d}",
                          force="1", staffing_type="civil_servant", created_at=AT,
                          updated_at=AT)
        uow.session.add(officer)
        for n, summary in enumerate(events):
            uow.session.add(OfficerEvent(officer=officer, kind="created", actor="李坐席",
                                         occurred_at=AT.replace(minute=n), summary=summary))
        uow.commit()
    return officer_id


def _add_events(context: AppContext, officer_id: str, *summaries: str) -> None:
    with context.uow() as uow:
        for summary in summaries:
            uow.session.add(OfficerEvent(officer_id=officer_id, kind="status", actor="李坐席",
                                         occurred_at=AT.replace(hour=10), summary=summary))
        uow.commit()


def _outbox(context: AppContext, table: str, record_id: str) -> list[tuple[int, int, dict]]:
    rows = query(context, "select version, base_version, payload from sync_outbox where "
                          "table_name = ? and record_id = ? and state = 'pending' order by seq",
                 table, record_id)
    return [(version, base, json.loads(payload)) for version, base, payload in rows]


def _summaries(context: AppContext, officer_id: str) -> list[str]:
    return [row[0] for row in query(context, "select summary from officer_event where "
                                             "officer_id = ? order by id", officer_id)]


# --- the registry ------------------------------------------------------------------------


def test_every_table_keyed_on_a_synced_record_is_carried_or_local_on_purpose() -> None:
    """A new child table added without a registry entry would silently stay on one PC."""
    synced = synced_tables()
    registered = {child.name for child in REGISTRY}
    forgotten = {table.name for table in Base.metadata.sorted_tables
                 if table.name not in synced
                 and any(fk.column.table.name in synced for fk in table.foreign_keys)}
    assert forgotten - registered - LOCAL_ON_PURPOSE == set()


def test_each_child_key_is_a_foreign_key_to_its_synced_parent() -> None:
    synced = synced_tables()
    for child in REGISTRY:
        assert child.parent_table in synced, child
        targets = {fk.column.table.name for fk in child.table.c[child.key].foreign_keys}
        assert targets == {child.parent_table}, child
        assert "id" not in child.fields and child.key not in child.fields
    assert [c.name for c in carried_children("demand")] == [
        "demand_step", "demand_unit", "demand_attachment"]
    assert {c.name for c in carried_children("joint_action")} == {
        "action_unit", "action_need", "action_participant", "action_grid", "action_demand",
        "action_attachment"}
    assert carried_children("grid_person") == ()


# --- push side: the outbox payload -------------------------------------------------------


def test_children_built_from_inserted_rows_equal_those_read_back(pc: AppContext) -> None:
    """A bulk import queues its officers with history lines built from the rows it
    inserted (local_db.bulk): the same field as reading them back from the table."""
    first, second = _officer(pc, ["入册", "调岗"]), _officer(pc, [], name="刘协")
    inserted = [dict(zip(("officer_id", "kind", "actor", "occurred_at", "summary"), row,
                         strict=True))
                for row in query(pc, "select officer_id, kind, actor, occurred_at, summary "
                                     "from officer_event where officer_id in (?, ?) order by id",
                                 first, second)]
    for row in inserted:  # as the import holds them: datetimes, not stored text
        row["occurred_at"] = datetime.fromisoformat(row["occurred_at"])
    with pc.uow() as uow:
        stored = read_children(uow.session, "officer", [first, second])
    built = children_of_new_rows("officer", [first, second], {"officer_event": inserted})
    assert built == stored
    assert [line["summary"] for line in built[first]["officer_event"]] == ["入册", "调岗"]
    assert built[second] == {"officer_event": []}
    with pytest.raises(ValueError, match="demand_attachment"):
        children_of_new_rows("demand", ["d"], {"demand_attachment": [{"demand_id": "d"}]})



def test_a_new_parent_carries_its_children_without_ids_in_order(pc: AppContext) -> None:
    officer = _officer(pc, ["新增人员", "调入城管中队"])
    (version, base, payload), = _outbox(pc, "officer", officer)
    assert (version, base) == (1, 0)
    assert payload[CHILDREN_FIELD] == {"officer_event": [
        {"kind": "created", "occurred_at": "2027-03-01T09:00:00", "actor": "李坐席",
         "summary": "新增人员"},
        {"kind": "created", "occurred_at": "2027-03-01T09:01:00", "actor": "李坐席",
         "summary": "调入城管中队"}]}


def test_children_added_later_raise_the_parent_once_and_queue_it(pc: AppContext) -> None:
    officer = _officer(pc, ["新增人员"])
    _add_events(pc, officer, "请假", "销假")  # two children, one transaction
    rows = _outbox(pc, "officer", officer)
    assert [version for version, _base, _payload in rows] == [1, 2]
    assert query(pc, "select version from officer where id = ?", officer) == [(2,)]
    assert [e["summary"] for e in rows[-1][2][CHILDREN_FIELD]["officer_event"]] == [
        "新增人员", "请假", "销假"]


def test_a_child_added_after_the_parent_was_flushed_rewrites_the_queued_payload(
        pc: AppContext) -> None:
    officer = _officer(pc, [])
    with pc.uow() as uow:
        row = uow.session.get(Officer, officer)
        assert row is not None
        row.note = "借调"
        uow.session.flush()  # the officer is queued (and raised) by this flush …
        uow.session.add(OfficerEvent(officer_id=officer, kind="secondment", actor="李坐席",
                                     occurred_at=AT, summary="借调至区城管局"))
        uow.commit()  # … and its event comes in a second flush of the same transaction
    rows = _outbox(pc, "officer", officer)
    assert len(rows) == 2 and rows[-1][0] == 2  # one row for the transaction, one version up
    assert rows[-1][2]["note"] == "借调"
    assert [e["summary"] for e in rows[-1][2][CHILDREN_FIELD]["officer_event"]] == ["借调至区城管局"]


def test_a_deleted_child_travels_as_the_parent_without_it(pc: AppContext) -> None:
    officer = _officer(pc, ["新增人员", "误录"])
    with pc.uow() as uow:
        wrong = uow.session.scalars(select(OfficerEvent).where(
            OfficerEvent.summary == "误录")).one()
        uow.session.delete(wrong)
        uow.commit()
    version, _base, payload = _outbox(pc, "officer", officer)[-1]
    assert version == 2
    assert [e["summary"] for e in payload[CHILDREN_FIELD]["officer_event"]] == ["新增人员"]


def _demand_with_file(context: AppContext) -> str:
    demand_id = new_id()
    with context.uow() as uow:
        uow.session.add(Demand(id=demand_id, number="20270301-0001", kind="livelihood",
                               nature="complaint", source="hotline", title="路灯不亮",
                               content="路灯不亮", status="received", received_at=AT,
                               created_at=AT, updated_at=AT))
        uow.commit()
    with context.uow() as uow:
        uow.session.add(Attachment(sha256="a" * 64, size=3, media_type="image/jpeg",
                                   stored_at=AT))
        uow.session.add(DemandAttachment(demand_id=demand_id, sha256="a" * 64, file_name="1.jpg",
                                         added_at=AT, added_by="李坐席"))
        uow.commit()
    return demand_id


def test_a_demand_file_link_travels_with_its_file_facts(pc: AppContext) -> None:
    demand_id = _demand_with_file(pc)
    version, _base, payload = _outbox(pc, "demand", demand_id)[-1]
    assert version == 2
    assert payload[CHILDREN_FIELD] == {"demand_step": [], "demand_unit": [], "demand_attachment": [
        {"sha256": "a" * 64, "file_name": "1.jpg", "added_at": "2027-03-01T09:00:00",
         "added_by": "李坐席", "size": 3, "media_type": "image/jpeg"}]}


def test_a_pulled_file_link_creates_the_attachment_row_it_needs(pc: AppContext,
                                                                 tmp_path: Path) -> None:
    demand_id = _demand_with_file(pc)
    payload = _outbox(pc, "demand", demand_id)[-1][2]
    other = synced_context(tmp_path / "pc2")
    try:
        apply_page(other.engine, [{"table": "demand", "id": demand_id, "version": 2,
                                   "deleted": False, "fields": payload}], "c1", 0)
        assert query(other, "select sha256, file_name, added_by from demand_attachment") == [
            ("a" * 64, "1.jpg", "李坐席")]
        assert query(other, "select size, media_type from attachment") == [(3, "image/jpeg")]
        older = {**payload, CHILDREN_FIELD: {"demand_attachment": [  # without file facts
            {"sha256": "b" * 64, "file_name": "现场.png", "added_at": "2027-03-01T09:00:00",
             "added_by": "李坐席"}]}}
        apply_page(other.engine, [{"table": "demand", "id": demand_id, "version": 3,
                                   "deleted": False, "fields": older}], "c2", 0)
        assert query(other, "select sha256, size, media_type from attachment order by sha256") == [
            ("a" * 64, 3, "image/jpeg"), ("b" * 64, 0, "image/png")]
    finally:
        other.close()


# --- pull side: the bulk apply --------------------------------------------------------


def _change(officer: dict[str, Any], version: int, children: list[str] | None,
            deleted: bool = False) -> dict[str, Any]:
    fields = dict(officer)
    if children is not None:
        fields[CHILDREN_FIELD] = {"officer_event": [
            {"kind": "status", "occurred_at": f"2027-03-0{n + 1}T08:00:00", "actor": "区级",
             "summary": text} for n, text in enumerate(children)]}
    return {"table": "officer", "id": officer["id"], "version": version, "deleted": deleted,
            "fields": fields}


def _district_officer(name: str = "赵队员") -> dict[str, Any]:
    return {"id": new_id(), "name": name, "id_number": "430102199001010011", "force": "X",
            "staffing_type": "auxiliary", "created_at": "2027-03-01T08:00:00",
            "updated_at": "2027-03-01T08:00:00"}


def test_a_pulled_parent_replaces_its_children_only_when_newer(pc: AppContext) -> None:
    officer = _district_officer()
    apply_page(pc.engine, [_change(officer, 3, ["一", "二"])], "c1", 0)
    assert _summaries(pc, officer["id"]) == ["一", "二"]
    occurred = query(pc, "select occurred_at from officer_event order by id")
    assert occurred[0][0].startswith("2027-03-01 08:00:00")  # decoded as a datetime

    apply_page(pc.engine, [_change(officer, 3, ["重复的页"])], "c2", 0)  # same version
    apply_page(pc.engine, [_change(officer, 2, ["旧版本"])], "c3", 0)  # older
    assert _summaries(pc, officer["id"]) == ["一", "二"]

    apply_page(pc.engine, [_change(officer, 4, ["一", "二", "三"])], "c4", 0)
    assert _summaries(pc, officer["id"]) == ["一", "二", "三"]
    apply_page(pc.engine, [_change(officer, 5, None)], "c5", 0)  # no _children: kept
    assert _summaries(pc, officer["id"]) == ["一", "二", "三"]
    apply_page(pc.engine, [_change(officer, 6, [])], "c6", 0)  # the last one removed
    assert _summaries(pc, officer["id"]) == []
    assert query(pc, "select count(*) from sync_outbox") == [(0,)]  # never sent back


def test_a_pulled_tombstone_takes_the_children_with_it(pc: AppContext) -> None:
    officer = _district_officer()
    apply_page(pc.engine, [_change(officer, 1, ["一"])], "c1", 0)
    apply_page(pc.engine, [_change(officer, 2, None, deleted=True)], "c2", 0)
    assert query(pc, "select count(*) from officer_event") == [(0,)]


def test_a_parent_with_a_waiting_local_edit_keeps_its_local_children(pc: AppContext) -> None:
    officer = _officer(pc, ["本机记录"])  # queued, not yet answered
    fields = {k: v for k, v in _outbox(pc, "officer", officer)[0][2].items()
              if k != CHILDREN_FIELD}
    apply_page(pc.engine, [_change(fields, 9, ["区级的"])], "c1", 0)
    assert _summaries(pc, officer) == ["本机记录"]


def test_children_round_trip_between_two_installs(pc: AppContext, tmp_path: Path) -> None:
    """What one PC queues, another PC's pull turns back into the same rows."""
    officer = _officer(pc, ["新增人员", "调入", "请假"])
    _version, _base, payload = _outbox(pc, "officer", officer)[-1]
    other = synced_context(tmp_path / "pc2")
    try:
        apply_page(other.engine, [{"table": "officer", "id": officer, "version": 1,
                                   "deleted": False, "fields": payload}], "c1", 0)
        with pc.engine.connect() as a, other.engine.connect() as b:
            mine = children_payload(a, "officer", officer, convert=json_value)
            theirs = read_children(b, "officer", [officer], convert=json_value)[officer]
        assert mine == theirs == payload[CHILDREN_FIELD]
    finally:
        other.close()


def test_force_row_takes_the_districts_children(pc: AppContext) -> None:
    """Keeping the district's side of a conflict brings its children too."""
    officer = _officer(pc, ["本机记录"])
    fields = _change(_outbox(pc, "officer", officer)[0][2], 4, ["区级记录"])["fields"]
    with pc.uow() as uow:
        table = synced_tables()["officer"]
        SyncRepository(uow.session).force_row(table, officer, fields, 4)
        uow.commit()
    assert _summaries(pc, officer) == ["区级记录"]
