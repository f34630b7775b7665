"""The unit directory and its 应哨人, leave, the emergency duty roster, the counts per
force and domain, and the demo street's roster, on real migrated SQLite files."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.clock import today
from desktop.demo_officers import demo_officers
from desktop.demo_roster import add_demo_roster
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desktop.domain.grids import CommunityKind
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.roster import (
    CertificateState,
    EnforcementDomain,
    Force,
    LeaveKind,
    OfficerStatus,
    StaffingType,
    UnitKind,
)
from desktop.services import audit, availability, grids, roster, units
from desktop.services.grids import CommunityRow, add_community
from desktop.services.roster import OfficerInput, OfficerRow
from desktop.services.roster_rows import OfficerEventKind
from desktop.services.units import UnitInput, UnitRow

DIRECTOR = Actor("赵主任", Role.DIRECTOR, "u-director")
OPERATOR = Actor("李坐席", Role.OPERATOR, "u-operator")
URBAN, MARKET = EnforcementDomain.URBAN_MANAGEMENT, EnforcementDomain.MARKET_REGULATION
DAY = date(2026, 6, 10)  # a Wednesday


def id_number(sequence: str) -> str:
    first17 = f"43010219880305{sequence}"
    return first17 + gb11643_check_digit(first17)


def dump(context: AppContext) -> list[str]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        return list(db.iterdump())


def last_audit(context: AppContext) -> tuple[str, str, dict[str, list[object]]]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        action, summary, changes = db.execute(
            "select action, summary, changes_json from audit_record order by id desc limit 1"
        ).fetchone()
    return action, summary, json.loads(changes)


@pytest.fixture
def community(context: AppContext) -> CommunityRow:
    return grids.create_community(context.uow(), actor=LOCAL_ADMIN, name="朝阳社区",
                                  kind=CommunityKind.COMMUNITY, code="001")


@pytest.fixture
def unit(context: AppContext) -> UnitRow:
    return units.create_unit(context.uow(), actor=DIRECTOR, data=UnitInput(
        "区市场监管局", UnitKind.DEPARTMENT, short_name="区市监局", contact_person="刘科长",
        contact_phone="0731-84561234", chief_responder="周局长",
        chief_responder_phone="13907310001"))


def officer(context: AppContext, name: str, sequence: str, force: Force = Force.STREET,
            **extra: object) -> OfficerRow:
    if force is Force.SUNK:
        extra = {"unit_name": "区市场监管局", "secondment_start": date(2025, 1, 1)} | extra
    return roster.create_officer(context.uow(), actor=DIRECTOR, data=OfficerInput(
        name, id_number(sequence), force, StaffingType.CIVIL_SERVANT, **extra))  # type: ignore[arg-type]


def certify(context: AppContext, officer_id: str, number: str,
            domains: list[EnforcementDomain]) -> None:
    roster.add_certificate(context.uow(), actor=DIRECTOR, officer_id=officer_id, number=number,
                           issuing_authority="湖南省人民政府", domains=domains,
                           valid_from=date(2024, 1, 1), valid_until=date(2028, 12, 31))


# --- units and 应哨人 ------------------------------------------------------------------------


def test_units_are_listed_with_their_contacts(context, unit) -> None:
    [row] = units.list_units(context.uow())
    assert (row.name, row.kind, row.chief_responder, row.contact_phone) == (
        "区市场监管局", UnitKind.DEPARTMENT, "周局长", "0731-84561234")
    with pytest.raises(ConflictError, match="单位名录中已有“区市场监管局”"):
        units.create_unit(context.uow(), actor=DIRECTOR,
                          data=UnitInput("区市监局", UnitKind.DEPARTMENT))
    with pytest.raises(ValidationError, match="「总应哨人电话」“110”不是有效的手机号"):
        units.create_unit(context.uow(), actor=DIRECTOR,
                          data=UnitInput("区应急管理局", UnitKind.DEPARTMENT,
                                         chief_responder_phone="110"))
    with pytest.raises(ValidationError, match="「单位名称」不能为空"):
        units.create_unit(context.uow(), actor=DIRECTOR, data=UnitInput(" ", UnitKind.DEPARTMENT))


def test_a_unit_update_checks_the_version_and_masks_phones_in_the_audit(context, unit) -> None:
    data = UnitInput("区市场监管局", UnitKind.DEPARTMENT, short_name="区市监局",
                     contact_person="刘科长", contact_phone="0731-84561234",
                     chief_responder="吴局长", chief_responder_phone="13907319999")
    row = units.update_unit(context.uow(), actor=DIRECTOR, unit_id=unit.id, data=data,
                            expected_version=unit.version)
    assert (row.chief_responder, row.version) == ("吴局长", 2)
    action, _, changes = last_audit(context)
    assert action == "update"
    assert changes == {"总应哨人": ["周局长", "吴局长"],
                       "总应哨人电话": ["139****0001", "139****9999"]}
    with pytest.raises(ConflictError, match="已被其他用户修改"):
        units.update_unit(context.uow(), actor=DIRECTOR, unit_id=unit.id, data=data,
                          expected_version=unit.version)


def test_each_community_gets_one_responder_per_unit(context, unit, community) -> None:
    first = units.set_responder(context.uow(), actor=DIRECTOR, unit_id=unit.id,
                                community_id=community.id, name="钱所长", phone="13800001111")
    assert (first.unit_name, first.community_name, first.name) == ("区市场监管局", "朝阳社区", "钱所长")
    units.set_responder(context.uow(), actor=DIRECTOR, unit_id=unit.id,
                        community_id=community.id, name="孙副所长", phone="13800002222")
    action, summary, changes = last_audit(context)
    assert (action, summary) == ("update", "区市场监管局在朝阳社区的应哨人：孙副所长")
    assert changes["应哨人电话"] == ["138****1111", "138****2222"]
    [responder] = units.responders_for_community(context.uow(), community_id=community.id)
    assert (responder.name, responder.phone) == ("孙副所长", "13800002222")
    assert len(units.list_units(context.uow())[0].responders) == 1
    with pytest.raises(NotFoundError, match="找不到所选社区/村"):
        units.set_responder(context.uow(), actor=DIRECTOR, unit_id=unit.id,
                            community_id="nowhere", name="赵", phone="")
    with pytest.raises(ValidationError, match="「应哨人」不能为空"):
        units.set_responder(context.uow(), actor=DIRECTOR, unit_id=unit.id,
                            community_id=community.id, name="", phone="")


def test_a_unit_with_people_on_the_roll_cannot_be_retired(context, unit) -> None:
    person = officer(context, "张伟", "301", Force.SUNK)
    with pytest.raises(ConflictError, match="仍有 1 名在册人员（张伟）"):
        units.retire_unit(context.uow(), actor=DIRECTOR, unit_id=unit.id)
    roster.change_status(context.uow(), actor=DIRECTOR, officer_id=person.id,
                         status=OfficerStatus.LEFT)
    units.retire_unit(context.uow(), actor=DIRECTOR, unit_id=unit.id)
    assert units.list_units(context.uow()) == []
    assert units.list_units(context.uow(), include_retired=True)[0].retired
    with pytest.raises(ValidationError, match="已从单位名录撤销"):
        officer(context, "李娜", "402", Force.SUNK)


def test_a_role_without_unit_edit_is_refused_and_nothing_changes(context, unit,
                                                                 community) -> None:
    before = dump(context)
    for call in (
        lambda: units.create_unit(context.uow(), actor=OPERATOR,
                                  data=UnitInput("区应急管理局", UnitKind.DEPARTMENT)),
        lambda: units.retire_unit(context.uow(), actor=OPERATOR, unit_id=unit.id),
        lambda: units.set_responder(context.uow(), actor=OPERATOR, unit_id=unit.id,
                                    community_id=community.id, name="钱", phone=""),
    ):
        with pytest.raises(PermissionDeniedError, match="无权“维护区直部门与应哨人名录”"):
            call()
    assert dump(context) == before


# --- leave ---------------------------------------------------------------------------------


def test_leave_makes_a_person_unavailable_on_its_days(context) -> None:
    person = officer(context, "张伟", "301")
    leave = availability.add_leave(context.uow(), actor=DIRECTOR, officer_id=person.id,
                                   kind=LeaveKind.ANNUAL, start=DAY, end=DAY + timedelta(days=2))
    assert leave.days == 3 and leave.officer_name == "张伟"
    on_leave = roster.list_officers(context.uow(), on=DAY + timedelta(days=1))[0]
    assert not on_leave.available_today
    assert on_leave.unavailable_reason_today == "请假（2026-06-10 至 2026-06-12）"
    assert roster.list_officers(context.uow(), on=DAY + timedelta(days=3))[0].available_today
    with pytest.raises(ConflictError, match="在 2026-06-10 至 2026-06-12 已有年休假"):
        availability.add_leave(context.uow(), actor=DIRECTOR, officer_id=person.id,
                               kind=LeaveKind.SICK, start=DAY + timedelta(days=2),
                               end=DAY + timedelta(days=4))
    with pytest.raises(ValidationError, match="「请假结束日期」"):
        availability.add_leave(context.uow(), actor=DIRECTOR, officer_id=person.id,
                               kind=LeaveKind.SICK, start=DAY, end=DAY - timedelta(days=1))
    calendar = availability.leave_calendar(context.uow(), start=DAY + timedelta(days=2),
                                           end=DAY + timedelta(days=30))
    assert [row.id for row in calendar] == [leave.id]
    availability.cancel_leave(context.uow(), actor=DIRECTOR, leave_id=leave.id, reason="未休")
    assert roster.list_officers(context.uow(), on=DAY + timedelta(days=1))[0].available_today
    assert availability.leave_calendar(context.uow(), start=DAY, end=DAY) == []
    history = [e.summary for e in roster.officer_history(context.uow(), person.id)
               if e.kind is OfficerEventKind.LEAVE]
    assert history == ["年休假：2026-06-10 至 2026-06-12（3 天）",
                       "取消年休假：2026-06-10 至 2026-06-12（未休）"]
    assert audit.verify(context.uow()).ok


# --- duty ----------------------------------------------------------------------------------


def test_duty_is_refused_on_leave_with_the_reason(context) -> None:
    person = officer(context, "张伟", "301")
    availability.add_leave(context.uow(), actor=DIRECTOR, officer_id=person.id,
                           kind=LeaveKind.SICK, start=DAY, end=DAY + timedelta(days=1))
    before = dump(context)
    with pytest.raises(ValidationError) as caught:
        availability.set_duty(context.uow(), actor=DIRECTOR, day=DAY, officer_id=person.id)
    assert str(caught.value) == ("「值班人员」张伟在 2026-06-10 请假（2026-06-10 至 2026-06-11），"
                                 "不能安排值班，请另选人员。")
    assert dump(context) == before
    seconded = officer(context, "李娜", "402")
    roster.change_status(context.uow(), actor=DIRECTOR, officer_id=seconded.id,
                         status=OfficerStatus.SECONDED, since=DAY - timedelta(days=5))
    with pytest.raises(ValidationError, match="李娜在 2026-06-12 借调中"):
        availability.set_duty(context.uow(), actor=DIRECTOR, day=DAY + timedelta(days=2),
                              officer_id=seconded.id)


def test_the_duty_roster_shows_every_day_gaps_and_problems(context) -> None:
    zhang = officer(context, "张伟", "301", phone="13812345678", squad="一中队")
    wang = officer(context, "王强", "303")
    row = availability.set_duty(context.uow(), actor=DIRECTOR, day=DAY, officer_id=zhang.id)
    assert (row.officer_name, row.phone_masked, row.squad) == ("张伟", "138****5678", "一中队")
    availability.set_duty(context.uow(), actor=DIRECTOR, day=DAY + timedelta(days=2),
                          officer_id=zhang.id)
    availability.set_duty(context.uow(), actor=DIRECTOR, day=DAY + timedelta(days=2),
                          officer_id=wang.id, note="调班")
    action, summary, changes = last_audit(context)
    assert (action, changes) == ("update", {"值班人员": ["张伟", "王强"]})
    assert summary == f"排定 {DAY + timedelta(days=2)} 应急值班：王强（1）（原为张伟）"
    # A leave recorded after the duty was set: the day shows the problem and the leave
    # row names the duty day to change.
    leave = availability.add_leave(context.uow(), actor=DIRECTOR, officer_id=zhang.id,
                                   kind=LeaveKind.SICK, start=DAY, end=DAY)
    assert leave.duty_days == (DAY,)
    table = availability.duty_roster(context.uow(), start=DAY, end=DAY + timedelta(days=3))
    assert [(r.day.day, r.officer_name, r.problem) for r in table] == [
        (10, "张伟", "请假（2026-06-10 至 2026-06-10）"), (11, "", None), (12, "王强", None),
        (13, "", None)]
    assert table[1].officer_id is None and table[2].note == "调班"
    availability.clear_duty(context.uow(), actor=DIRECTOR, day=DAY)
    assert availability.duty_roster(context.uow(), start=DAY, end=DAY)[0].officer_id is None
    with pytest.raises(NotFoundError, match="尚未安排值班"):
        availability.clear_duty(context.uow(), actor=DIRECTOR, day=DAY)
    with pytest.raises(ValidationError, match="「结束日期」"):
        availability.duty_roster(context.uow(), start=DAY, end=DAY - timedelta(days=1))
    assert audit.verify(context.uow()).ok


def test_duty_and_leave_need_their_permissions(context) -> None:
    person = officer(context, "张伟", "301")
    before = dump(context)
    with pytest.raises(PermissionDeniedError, match="无权“排定应急哨值班表”"):
        availability.set_duty(context.uow(), actor=OPERATOR, day=DAY, officer_id=person.id)
    with pytest.raises(PermissionDeniedError, match="无权“维护执法队伍人员、执法证、请假”"):
        availability.add_leave(context.uow(), actor=Actor("王网格", Role.GRID_ADMIN),
                               officer_id=person.id, kind=LeaveKind.SICK, start=DAY, end=DAY)
    assert dump(context) == before


# --- counts --------------------------------------------------------------------------------


def test_counts_per_force_and_domain_of_available_certified_officers(context, unit) -> None:
    street = officer(context, "张伟", "301")
    certify(context, street.id, "C1", [URBAN, MARKET])
    sunk_on_leave = officer(context, "李娜", "402", Force.SUNK)
    certify(context, sunk_on_leave.id, "C2", [MARKET])
    availability.add_leave(context.uow(), actor=DIRECTOR, officer_id=sunk_on_leave.id,
                           kind=LeaveKind.TRAINING, start=DAY, end=DAY)
    sunk = officer(context, "王强", "303", Force.SUNK)
    certify(context, sunk.id, "C3", [MARKET])
    officer(context, "赵敏", "404", Force.COOPERATING)  # an auxiliary without a certificate
    gone = officer(context, "钱进", "305", Force.SUNK)
    certify(context, gone.id, "C4", [URBAN])
    roster.change_status(context.uow(), actor=DIRECTOR, officer_id=gone.id,
                         status=OfficerStatus.LEFT)

    counts = availability.force_domain_counts(context.uow(), on=DAY)
    assert counts.count(Force.STREET, URBAN) == 1 and counts.count(Force.STREET, MARKET) == 1
    assert counts.count(Force.SUNK, MARKET) == 1  # 李娜 is in training that day
    assert counts.count(Force.SUNK, URBAN) == 0  # 钱进 has left
    assert counts.domain_total(MARKET) == 2 and counts.domain_total(EnforcementDomain.FIRE) == 0
    assert dict(counts.available) == {Force.STREET: 1, Force.SUNK: 1, Force.COOPERATING: 1}
    assert dict(counts.certified) == {Force.STREET: 1, Force.SUNK: 1, Force.COOPERATING: 0}
    assert dict(counts.on_roll) == {Force.STREET: 1, Force.SUNK: 2, Force.COOPERATING: 1}
    assert (counts.total_available, counts.total_certified) == (3, 2)
    next_day = availability.force_domain_counts(context.uow(), on=DAY + timedelta(days=1))
    assert next_day.count(Force.SUNK, MARKET) == 2


# --- the demo street's roster --------------------------------------------------------------


def build_demo_roster(root: Path, on: date):  # type: ignore[no-untyped-def]
    context = open_migrated_context(root)
    with context.uow() as uow:
        for name, code in (("朝阳社区", "001"), ("韭菜园社区", "002"), ("东屯村", "201")):
            add_community(uow, name=name, kind=CommunityKind.COMMUNITY, code=code)
        summary = add_demo_roster(uow, actor=LOCAL_ADMIN, rng_seed=2026, on=on)
        uow.commit()
    return context, summary


def test_the_demo_roster(tmp_path: Path) -> None:
    on = today()
    context, summary = build_demo_roster(tmp_path / "a", on)
    try:
        officers = roster.list_officers(context.uow(), on=on)
        assert len(officers) == summary.officers == 40
        assert {o.force for o in officers} == set(Force)
        unit_names = {u.name for u in units.list_units(context.uow())}
        assert {d.source_unit for d in demo_officers(2026, on=on)} <= unit_names
        assert summary.responders == 6 * 3
        assert all(o.unit_name for o in officers)
        warnings = roster.expiring_certificates(context.uow(), on=on)
        states = sorted(w.state.value for w in warnings)
        assert states == ["expired", "expiring", "expiring", "expiring"]
        assert sum(o.status is OfficerStatus.SECONDED for o in officers) == 1
        assert all(o.secondment_start for o in officers if o.force is Force.SUNK)

        first = on.replace(day=1)
        last = (first + timedelta(days=62)).replace(day=1) - timedelta(days=1)
        table = availability.duty_roster(context.uow(), start=first, end=last)
        gaps = [r.day for r in table if r.officer_id is None]
        assert len(gaps) == 2 and all(day > on for day in gaps)
        assert [r for r in table if r.problem] == []
        assert len(availability.leave_calendar(context.uow(), start=first, end=last)) == 4
        assert any(not o.available_today for o in officers)
        counts = availability.force_domain_counts(context.uow(), on=on)
        assert counts.domain_total(URBAN) >= 10
        assert audit.verify(context.uow()).ok
        assert any(c.state is CertificateState.EXPIRED for o in officers for c in o.certificates)
    finally:
        context.close()
    again, _ = build_demo_roster(tmp_path / "b", on)
    try:
        assert [o.name for o in roster.list_officers(again.uow(), on=on)] == [
            o.name for o in officers]
        assert [r.officer_name for r in availability.duty_roster(again.uow(), start=first,
                                                                 end=last)] == [
            r.officer_name for r in table]
    finally:
        again.close()
