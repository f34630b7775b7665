"""Roster use cases on a real migrated SQLite file: officers, their ID numbers and
genders, the 1+X+Y rules, search, status and 下沉 history, certificates and their
expiry warnings, revealing an ID number, permissions and the audit trail."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import date, timedelta

import pytest

from desktop.bootstrap import AppContext
from desktop.clock import today
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.roster import (
    CertificateState,
    EnforcementDomain,
    Force,
    OfficerStatus,
    StaffingType,
    UnitKind,
)
from desktop.services import audit, roster, units
from desktop.services.roster import OfficerInput, OfficerRow
from desktop.services.roster_rows import OfficerEventKind

DIRECTOR = Actor("赵主任", Role.DIRECTOR, "u-director")
OPERATOR = Actor("李坐席", Role.OPERATOR, "u-operator")
GRID_ADMIN = Actor("王网格", Role.GRID_ADMIN, "u-grid")
PHONE, MASKED_PHONE = "13812345678", "138****5678"
URBAN, MARKET = EnforcementDomain.URBAN_MANAGEMENT, EnforcementDomain.MARKET_REGULATION


def id_number(born: str = "19850612", sequence: str = "301", region: str = "430102") -> str:
    first17 = f"{region}{born}{sequence}"
    return first17 + gb11643_check_digit(first17)


@pytest.fixture
def unit(context: AppContext) -> units.UnitRow:
    return units.create_unit(context.uow(), actor=DIRECTOR,
                             data=units.UnitInput("区城管执法局", UnitKind.DEPARTMENT,
                                                  short_name="区城管局"))


def sunk(name: str = "张伟", number: str | None = None, **extra: object) -> OfficerInput:
    values: dict[str, object] = {"unit_name": "区城管执法局", "phone": PHONE,
                                 "secondment_start": today() - timedelta(days=100),
                                 "squad": "一中队", "position": "执法队员",
                                 "force": Force.SUNK, "staffing_type": StaffingType.CIVIL_SERVANT}
    values.update(extra)
    return OfficerInput(name, number or id_number(), **values)  # type: ignore[arg-type]


def create(context: AppContext, data: OfficerInput) -> OfficerRow:
    return roster.create_officer(context.uow(), actor=DIRECTOR, data=data)


def audit_rows(context: AppContext) -> list[tuple[str, str, str, dict[str, list[object]]]]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        rows = db.execute("select action, entity_type, summary, changes_json from audit_record "
                          "order by id").fetchall()
    return [(a, e, s, json.loads(c)) for a, e, s, c in rows]


def dump(context: AppContext) -> list[str]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        return list(db.iterdump())


# --- people --------------------------------------------------------------------------------


def test_an_officer_is_stored_masked_with_gender_from_the_id_number(context, unit) -> None:
    row = create(context, sunk(number=id_number(sequence="302")))
    assert (row.name, row.gender, row.force, row.unit_name) == ("张伟", "女", Force.SUNK, "区城管执法局")
    assert row.phone_masked == MASKED_PHONE
    assert row.id_number_masked == "430102********" + id_number(sequence="302")[14:]
    assert row.status is OfficerStatus.ON_DUTY and row.status_since == today()
    assert row.available_today and not row.is_enforcement_officer_today
    history = roster.officer_history(context.uow(), row.id)
    assert [event.kind for event in history] == [OfficerEventKind.CREATED]


@pytest.mark.parametrize(("number", "message"), [
    (id_number()[:17] + ("0" if id_number()[17] != "0" else "1"), "校验位不符（按前 17 位应为"),
    (id_number(born="19850230"), "第 7–14 位“19850230”不是有效的出生日期"),
    (id_number(born="20990101"), "出生日期 2099-01-01 不合理"),
    ("43010219850612301", "应为 18 位"),
])
def test_a_bad_id_number_is_refused_and_nothing_is_stored(context, unit, number: str,
                                                         message: str) -> None:
    before = dump(context)
    with pytest.raises(ValidationError, match=message) as caught:
        create(context, sunk(number=number))
    assert caught.value.field == "身份证号码"
    assert dump(context) == before


def test_a_lowercase_x_is_stored_uppercase_and_found_by_its_tail(context, unit) -> None:
    number = id_number(born="19491231", sequence="002", region="110105")  # ends in X
    assert number.endswith("X")
    create(context, sunk(number=number.lower(), gender="女"))
    [found] = roster.list_officers(context.uow(), search="002x")
    assert found.id_number_masked.endswith("002X")


def test_a_gender_contradicting_the_id_number_is_refused(context, unit) -> None:
    with pytest.raises(ValidationError, match="「性别」填写为“女”，但身份证号码显示为男性"):
        create(context, sunk(gender="女"))
    assert roster.list_officers(context.uow()) == []


def test_the_1_x_y_rules_are_applied(context, unit) -> None:
    with pytest.raises(ValidationError, match="「原单位」X（区直部门下沉）人员须填写原单位"):
        create(context, sunk(unit_name=""))
    with pytest.raises(ValidationError, match="「下沉开始日期」"):
        create(context, sunk(secondment_start=None))
    with pytest.raises(ValidationError, match="「原单位」单位名录中没有“区环保局”"):
        create(context, sunk(unit_name="区环保局"))
    with pytest.raises(ValidationError, match="「力量类别」1（街道综合执法队）是街道自有人员"):
        create(context, sunk(force="1"))
    with pytest.raises(ValidationError, match="「力量类别」应为"):
        create(context, sunk(force="Z"))
    with pytest.raises(ValidationError, match="「联系电话」“12345”不是有效的手机号"):
        create(context, sunk(phone="12345"))
    by_short_name = create(context, sunk(unit_name="区城管局", force="x", staffing_type="事业"))
    assert (by_short_name.force, by_short_name.staffing_type) == (Force.SUNK,
                                                                  StaffingType.PUBLIC_INSTITUTION)
    assert by_short_name.unit_name == "区城管执法局"


def test_the_same_id_number_cannot_be_registered_twice(context, unit) -> None:
    create(context, sunk())
    with pytest.raises(ConflictError, match="已登记为“张伟”"):
        create(context, sunk("张卫"))


def test_update_checks_the_version_and_audits_masked_changes(context, unit) -> None:
    row = create(context, sunk())
    changed = roster.update_officer(context.uow(), actor=DIRECTOR, officer_id=row.id,
                                    expected_version=row.version,
                                    data=sunk(phone="13900001111", squad="二中队"))
    assert (changed.squad, changed.phone_masked, changed.version) == ("二中队", "139****1111", 2)
    with pytest.raises(ConflictError, match="已被其他用户修改"):
        roster.update_officer(context.uow(), actor=DIRECTOR, officer_id=row.id,
                              expected_version=row.version, data=sunk(squad="三中队"))
    action, _, _, changes = audit_rows(context)[-1]
    assert action == "update"
    assert changes == {"联系电话": [MASKED_PHONE, "139****1111"], "中队/小组": ["一中队", "二中队"]}
    history = roster.officer_history(context.uow(), row.id)
    assert history[-1].summary == "修改了联系电话、中队/小组"


def test_status_and_secondment_changes_are_kept_in_the_history(context, unit) -> None:
    row = create(context, sunk())
    start = today() - timedelta(days=100)
    since = today() - timedelta(days=2)
    after = roster.change_status(context.uow(), actor=DIRECTOR, officer_id=row.id,
                                 status=OfficerStatus.SECONDED, since=since, note="借调区里专项")
    assert (after.status, after.status_since) == (OfficerStatus.SECONDED, since)
    assert not after.available_today and after.unavailable_reason_today == "借调中"
    with pytest.raises(ValidationError, match="已是借调状态"):
        roster.change_status(context.uow(), actor=DIRECTOR, officer_id=row.id,
                             status=OfficerStatus.SECONDED)
    end = today() + timedelta(days=365)
    roster.set_secondment(context.uow(), actor=DIRECTOR, officer_id=row.id, start=start, end=end)
    with pytest.raises(ValidationError, match="「下沉结束日期」"):
        roster.set_secondment(context.uow(), actor=DIRECTOR, officer_id=row.id, start=start,
                              end=start - timedelta(days=1))
    history = roster.officer_history(context.uow(), row.id)
    assert [event.kind for event in history] == [
        OfficerEventKind.CREATED, OfficerEventKind.STATUS, OfficerEventKind.SECONDMENT]
    assert history[1].summary == f"状态：在岗 → 借调，自 {since} 起（借调区里专项）"
    assert history[2].summary == f"下沉期：{start} 起 → {start} 至 {end}"
    assert all(event.actor == "赵主任" for event in history)


def test_search_by_name_certificate_number_and_phone_or_id_tail(context, unit) -> None:
    zhang = create(context, sunk("张伟", id_number(sequence="301"), phone="13812345678"))
    li = create(context, sunk("李娜", id_number(sequence="402"), phone="13900004321"))
    roster.add_certificate(context.uow(), actor=DIRECTOR, officer_id=li.id, number="湘430102250099",
                           issuing_authority="湖南省人民政府", domains=[URBAN],
                           valid_from=date(2025, 1, 1), valid_until=date(2029, 12, 31))

    def names(text: str) -> list[str]:
        return [row.name for row in roster.list_officers(context.uow(), search=text)]

    assert names("张") == ["张伟"]
    assert names("5678") == ["张伟"]  # phone tail
    assert names("４３２１") == ["李娜"]  # full-width digits typed by an IME
    assert names("250099") == ["李娜"]  # part of the certificate number
    assert names(id_number(sequence="402")[-4:]) == ["李娜"]  # ID tail
    assert names("678") == []  # fewer than 4 digits is no tail search
    assert sorted(names("")) == ["张伟", "李娜"]
    assert roster.list_officers(context.uow(), force=Force.STREET) == []
    assert roster.list_officers(context.uow(), squad="二中队") == []
    assert {r.id for r in roster.list_officers(context.uow(), squad="一中队", unit_id=unit.id,
                                               force=Force.SUNK)} == {zhang.id, li.id}


# --- certificates ----------------------------------------------------------------------


def add_cert(context: AppContext, officer_id: str, number: str = "湘430102250001", *,
             domains: list[object] | None = None, valid_from: date = date(2024, 1, 1),
             valid_until: date | None = None):  # type: ignore[no-untyped-def]
    return roster.add_certificate(
        context.uow(), actor=DIRECTOR, officer_id=officer_id, number=number,
        issuing_authority="湖南省人民政府", domains=domains or [URBAN], valid_from=valid_from,
        valid_until=valid_until or today() + timedelta(days=400))


def test_a_certificate_makes_an_enforcement_officer_in_its_domains(context, unit) -> None:
    row = create(context, sunk())
    add_cert(context, row.id, domains=["城市管理", "食品安全", MARKET])
    [officer] = roster.list_officers(context.uow())
    assert officer.is_enforcement_officer_today
    assert officer.domains_today == {URBAN, MARKET}
    assert officer.certificates[0].domain_labels == "城市管理、市场监管"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"domains": ["卖萌"]}, "「执法领域」“卖萌”不是已知的执法领域"),
    ({"domains": ["治安管理"]}, "「执法领域」“治安管理”不是已知的执法领域"),
    ({"valid_from": date(2026, 5, 1), "valid_until": date(2026, 4, 30)},
     "「有效期至」2026-04-30 早于有效期起始日 2026-05-01"),
    ({"number": "  "}, "「执法证号」不能为空"),
])
def test_a_bad_certificate_is_refused(context, unit, kwargs: dict[str, object],
                                      message: str) -> None:
    row = create(context, sunk())
    with pytest.raises(ValidationError, match=message):
        add_cert(context, row.id, **kwargs)  # type: ignore[arg-type]
    assert roster.list_officers(context.uow())[0].certificates == ()


def test_a_certificate_with_no_domain_is_refused(context, unit) -> None:
    row = create(context, sunk())
    with pytest.raises(ValidationError, match="「执法领域」至少选择一个执法领域"):
        roster.add_certificate(context.uow(), actor=DIRECTOR, officer_id=row.id, number="湘1",
                               issuing_authority="湖南省人民政府", domains=[],
                               valid_from=date(2024, 1, 1), valid_until=date(2029, 1, 1))


def test_a_certificate_number_is_unique_whatever_its_spacing(context, unit) -> None:
    row = create(context, sunk())
    other = create(context, sunk("李娜", id_number(sequence="402")))
    add_cert(context, row.id, "湘430102250001")
    with pytest.raises(ConflictError, match="执法证号 湘430102250001 已登记在册"):
        add_cert(context, other.id, " 湘 ４３０１０２２５０００１ ")


def test_revoking_ends_enforcement_and_renewing_extends_it(context, unit) -> None:
    row = create(context, sunk())
    certificate = add_cert(context, row.id, valid_until=today() + timedelta(days=10))
    assert certificate.state is CertificateState.EXPIRING
    with pytest.raises(ValidationError, match="须晚于原有效期"):
        roster.renew_certificate(context.uow(), actor=DIRECTOR, certificate_id=certificate.id,
                                 valid_from=date(2024, 1, 1), valid_until=today())
    renewed = roster.renew_certificate(context.uow(), actor=DIRECTOR,
                                       certificate_id=certificate.id, valid_from=today(),
                                       valid_until=today() + timedelta(days=5 * 365))
    assert renewed.state is CertificateState.VALID and renewed.version == 2
    with pytest.raises(ValidationError, match="「吊销原因」"):
        roster.revoke_certificate(context.uow(), actor=DIRECTOR, certificate_id=certificate.id,
                                  reason=" ")
    roster.revoke_certificate(context.uow(), actor=DIRECTOR, certificate_id=certificate.id,
                              reason="调离执法岗位")
    [officer] = roster.list_officers(context.uow())
    assert not officer.is_enforcement_officer_today
    assert officer.certificates[0].state is CertificateState.REVOKED
    with pytest.raises(ConflictError, match="已吊销，不能续期"):
        roster.renew_certificate(context.uow(), actor=DIRECTOR, certificate_id=certificate.id,
                                 valid_from=today(), valid_until=today() + timedelta(days=999))
    kinds = [e.summary for e in roster.officer_history(context.uow(), row.id)
             if e.kind is OfficerEventKind.CERTIFICATE]
    assert len(kinds) == 3 and "续期" in kinds[1] and "调离执法岗位" in kinds[2]


def test_expiring_certificates_within_30_days_and_expired_without_cover(context, unit) -> None:
    on = date(2026, 6, 1)
    soon = create(context, sunk("甲", id_number(sequence="301")))
    later = create(context, sunk("乙", id_number(sequence="303")))
    lapsed = create(context, sunk("丙", id_number(sequence="305")))
    covered = create(context, sunk("丁", id_number(sequence="307")))
    gone = create(context, sunk("戊", id_number(sequence="309")))
    add_cert(context, soon.id, "C1", valid_until=on + timedelta(days=30))
    add_cert(context, later.id, "C2", valid_until=on + timedelta(days=31))
    add_cert(context, lapsed.id, "C3", valid_until=on - timedelta(days=21))
    add_cert(context, covered.id, "C4", valid_until=on - timedelta(days=2))
    add_cert(context, covered.id, "C5", valid_until=on + timedelta(days=900))
    add_cert(context, gone.id, "C6", valid_until=on + timedelta(days=3))
    roster.change_status(context.uow(), actor=DIRECTOR, officer_id=gone.id,
                         status=OfficerStatus.LEFT)
    warnings = roster.expiring_certificates(context.uow(), on=on)
    assert [(w.officer_name, w.number, w.days_left, w.state) for w in warnings] == [
        ("丙", "C3", -21, CertificateState.EXPIRED), ("甲", "C1", 30, CertificateState.EXPIRING)]
    assert warnings[0].message == ("丙（X，区城管执法局）的执法证 C3 已于 2026-05-11 过期（21 天），"
                                   "现不能从事执法，请尽快办理换证。")
    assert "将于 2026-07-01 到期（还有 30 天）" in warnings[1].message
    rows = {r.name: r for r in roster.list_officers(context.uow(), on=on)}
    assert [c.number for c in rows["甲"].expiring_certificates] == ["C1"]
    assert rows["乙"].expiring_certificates == ()


# --- personal data, permissions, audit -------------------------------------------------


def test_revealing_an_id_number_is_allowed_to_some_roles_and_audited(context, unit) -> None:
    row = create(context, sunk())
    with pytest.raises(PermissionDeniedError, match="坐席"):
        roster.reveal_id_number(context.uow(), actor=OPERATOR, officer_id=row.id)
    assert roster.reveal_id_number(context.uow(), actor=GRID_ADMIN, officer_id=row.id) == id_number()
    action, entity, summary, changes = audit_rows(context)[-1]
    assert (action, entity) == ("reveal", "officer")
    assert id_number() not in summary + json.dumps(changes, ensure_ascii=False)
    assert row.id_number_masked in summary
    with pytest.raises(NotFoundError):
        roster.reveal_id_number(context.uow(), actor=DIRECTOR, officer_id="nobody")


def test_a_role_without_roster_edit_is_refused_and_nothing_changes(context, unit) -> None:
    row = create(context, sunk())
    before = dump(context)
    calls = [
        lambda actor: roster.create_officer(context.uow(), actor=actor,
                                            data=sunk("李娜", id_number(sequence="402"))),
        lambda actor: roster.update_officer(context.uow(), actor=actor, officer_id=row.id,
                                            data=sunk(squad="三中队"),
                                            expected_version=row.version),
        lambda actor: roster.change_status(context.uow(), actor=actor, officer_id=row.id,
                                           status=OfficerStatus.LEFT),
        lambda actor: roster.set_secondment(context.uow(), actor=actor, officer_id=row.id,
                                            start=today(), end=None),
        lambda actor: add_cert_as(context, actor, row.id),
    ]
    for actor in (OPERATOR, GRID_ADMIN, Actor("陈文书", Role.CLERK)):
        for call in calls:
            with pytest.raises(PermissionDeniedError, match="无权“维护执法队伍人员、执法证、请假”"):
                call(actor)
    assert dump(context) == before
    assert roster.list_officers(context.uow())[0].squad == "一中队"


def add_cert_as(context: AppContext, actor: Actor, officer_id: str) -> object:
    return roster.add_certificate(context.uow(), actor=actor, officer_id=officer_id, number="湘9",
                                  issuing_authority="湖南省人民政府", domains=[URBAN],
                                  valid_from=date(2024, 1, 1), valid_until=date(2029, 1, 1))


def test_every_change_is_audited_with_personal_data_masked(context, unit) -> None:
    row = create(context, sunk())
    add_cert(context, row.id)
    roster.change_status(context.uow(), actor=LOCAL_ADMIN, officer_id=row.id,
                         status=OfficerStatus.ON_LEAVE)
    rows = audit_rows(context)
    assert [(action, entity) for action, entity, _, _ in rows] == [
        ("create", "unit"), ("create", "officer"), ("create", "certificate"), ("update", "officer")]
    created = rows[1][3]
    assert created["联系电话"] == [None, MASKED_PHONE]
    assert created["身份证号码"] == [None, row.id_number_masked]
    text = json.dumps([r[2:] for r in rows], ensure_ascii=False)
    assert PHONE not in text and id_number() not in text
    assert rows[3][3]["状态"] == ["在岗", "请假"]
    report = audit.verify(context.uow())
    assert report.ok and report.checked == 4


def test_masked_numbers_left_in_the_edit_form_keep_the_stored_ones(context, street):  # type: ignore[no-untyped-def]
    from desktop.domain.actor import Actor, Role
    from desktop.domain.identity import gb11643_check_digit
    from desktop.domain.roster import Force, StaffingType
    from desktop.services import roster

    director = Actor("赵主任", Role.DIRECTOR)  # may reveal personal data, one at a time
    first17 = "43010219800101001"
    full = first17 + gb11643_check_digit(first17)
    created = roster.create_officer(context.uow(), actor=context.actor, data=roster.OfficerInput(
        "孙立", full, Force.STREET, StaffingType.CIVIL_SERVANT, phone="13912345678"))
    edited = roster.update_officer(
        context.uow(), actor=context.actor, officer_id=created.id,
        expected_version=created.version,
        data=roster.OfficerInput("孙立", created.id_number_masked, Force.STREET,
                                 StaffingType.CIVIL_SERVANT, phone=created.phone_masked,
                                 position="队长"))
    assert edited.position == "队长"
    assert roster.reveal_id_number(context.uow(), actor=director, officer_id=created.id) == full
    # a real change still goes through, and a blank phone removes it
    second17 = "43010219800101002"
    corrected = second17 + gb11643_check_digit(second17)
    again = roster.update_officer(
        context.uow(), actor=context.actor, officer_id=created.id,
        expected_version=edited.version,
        data=roster.OfficerInput("孙立", corrected, Force.STREET, StaffingType.CIVIL_SERVANT,
                                 phone="", position="队长"))
    assert again.phone_masked == ""
    assert roster.reveal_id_number(context.uow(), actor=director,
                                   officer_id=created.id) == corrected
