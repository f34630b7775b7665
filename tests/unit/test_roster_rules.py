"""The pure rules of the 1+X+Y roster (desktop/domain/roster.py): who is an enforcement
officer on a day and where, who can be deployed, when a certificate warns, how the
subjects printed on certificates map to domains, and the force/下沉/gender rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.domain.errors import ValidationError
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.roster import (
    AvailabilityFacts,
    CertificateFacts,
    CertificateState,
    EnforcementDomain,
    Force,
    OfficerStatus,
    certificate_state,
    check_force_rules,
    domain_of,
    domains_of,
    domains_on,
    expiring,
    is_enforcement_officer,
    resolve_gender,
    unavailable_reason,
)

DAY = date(2026, 3, 10)
URBAN, MARKET = EnforcementDomain.URBAN_MANAGEMENT, EnforcementDomain.MARKET_REGULATION


def _certificate(until: date, *, start: date = date(2022, 1, 1), revoked: bool = False,
                 domains: frozenset[EnforcementDomain] = frozenset({URBAN})) -> CertificateFacts:
    return CertificateFacts("湘0001", domains, start, until, revoked)


def _facts(status: OfficerStatus = OfficerStatus.ON_DUTY, *, start: date | None = None,
           end: date | None = None, leave: list[tuple[date, date]] | None = None
           ) -> AvailabilityFacts:
    return AvailabilityFacts(status, start, end, leave or [])


def _id_number(born: str = "19850612", sequence: str = "301") -> str:
    first17 = f"430102{born}{sequence}"
    return first17 + gb11643_check_digit(first17)


# --- certificates ------------------------------------------------------------------------


def test_domains_are_the_union_of_the_certificates_valid_that_day() -> None:
    valid = _certificate(DAY + timedelta(days=100))
    other = _certificate(DAY + timedelta(days=5), domains=frozenset({MARKET}))
    expired = _certificate(DAY - timedelta(days=1), domains=frozenset({EnforcementDomain.ECOLOGY}))
    assert domains_on([valid, other, expired], DAY) == {URBAN, MARKET}
    assert domains_on([valid, other, expired], DAY + timedelta(days=6)) == {URBAN}


def test_without_a_valid_certificate_a_person_is_not_an_enforcement_officer() -> None:
    assert not is_enforcement_officer([], DAY)
    assert not is_enforcement_officer([_certificate(DAY - timedelta(days=1))], DAY)
    assert not is_enforcement_officer([_certificate(DAY + timedelta(days=9), revoked=True)], DAY)
    assert not is_enforcement_officer([_certificate(DAY + timedelta(days=900),
                                                    start=DAY + timedelta(days=1))], DAY)
    assert is_enforcement_officer([_certificate(DAY)], DAY)  # the last day still counts


@pytest.mark.parametrize(("days_left", "warned"), [(0, True), (29, True), (30, True),
                                                    (31, False), (-1, False)])
def test_expiry_warns_within_thirty_days(days_left: int, warned: bool) -> None:
    assert expiring(_certificate(DAY + timedelta(days=days_left)), DAY) is warned


@pytest.mark.parametrize(("certificate", "state"), [
    (_certificate(DAY + timedelta(days=200)), CertificateState.VALID),
    (_certificate(DAY + timedelta(days=12)), CertificateState.EXPIRING),
    (_certificate(DAY - timedelta(days=1)), CertificateState.EXPIRED),
    (_certificate(DAY + timedelta(days=12), revoked=True), CertificateState.REVOKED),
    (_certificate(DAY + timedelta(days=900), start=DAY + timedelta(days=3)),
     CertificateState.NOT_YET),
])
def test_certificate_state(certificate: CertificateFacts, state: CertificateState) -> None:
    assert certificate_state(certificate, DAY) is state


def test_domain_names_labels_codes_and_certificate_subjects() -> None:
    assert domain_of("城市管理") is URBAN
    assert domain_of(" market_regulation ") is MARKET
    assert domain_of("食品安全") is MARKET
    assert domain_of("大气污染防治") is EnforcementDomain.ECOLOGY
    assert domain_of("燃气安全") is EnforcementDomain.HOUSING
    assert domain_of("打酱油") is None
    # 治安管理 is a police power, not one of the street's enforcement domains (yet).
    assert domain_of("治安管理") is None


def test_domains_of_reports_the_names_it_does_not_know() -> None:
    found, unknown = domains_of(["市容环境卫生", "园林绿化", EnforcementDomain.FIRE, "火星管理"])
    assert found == {URBAN, EnforcementDomain.FIRE}
    assert unknown == ["火星管理"]


# --- availability ------------------------------------------------------------------------


def test_available_when_on_duty_within_the_secondment_and_not_on_leave() -> None:
    facts = _facts(start=DAY - timedelta(days=30), end=DAY + timedelta(days=30),
                   leave=[(DAY + timedelta(days=1), DAY + timedelta(days=3))])
    assert unavailable_reason(facts, DAY) is None


@pytest.mark.parametrize(("facts", "reason"), [
    (_facts(OfficerStatus.LEFT), "已离岗"),
    (_facts(OfficerStatus.SECONDED), "借调中"),
    (_facts(start=DAY + timedelta(days=1)), "下沉期自 2026-03-11 起"),
    (_facts(start=DAY - timedelta(days=90), end=DAY - timedelta(days=1)),
     "下沉期已于 2026-03-09 结束"),
    (_facts(leave=[(DAY - timedelta(days=1), DAY + timedelta(days=1))]),
     "请假（2026-03-09 至 2026-03-11）"),
    (_facts(OfficerStatus.ON_LEAVE), "请假"),
])
def test_each_reason_a_person_cannot_be_deployed(facts: AvailabilityFacts, reason: str) -> None:
    assert unavailable_reason(facts, DAY) == reason


def test_leave_makes_unavailable_only_on_its_days() -> None:
    facts = _facts(leave=[(DAY, DAY + timedelta(days=2))])
    assert unavailable_reason(facts, DAY + timedelta(days=2)) is not None
    assert unavailable_reason(facts, DAY + timedelta(days=3)) is None
    assert unavailable_reason(facts, DAY - timedelta(days=1)) is None


# --- people --------------------------------------------------------------------------------


def test_gender_comes_from_the_id_number_when_not_given() -> None:
    assert resolve_gender("", _id_number(sequence="301")) == "男"
    assert resolve_gender(" ", _id_number(sequence="302")) == "女"
    assert resolve_gender("女性", _id_number(sequence="302")) == "女"


def test_a_gender_that_contradicts_the_id_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="「性别」填写为“女”，但身份证号码显示为男性"):
        resolve_gender("女", _id_number(sequence="301"))
    with pytest.raises(ValidationError, match="应为“男”或“女”"):
        resolve_gender("未知", _id_number())


def test_x_officers_need_a_source_unit_and_a_secondment_start() -> None:
    with pytest.raises(ValidationError, match="「原单位」X（区直部门下沉）人员须填写原单位"):
        check_force_rules(Force.SUNK, has_source_unit=False, secondment_start=DAY,
                          secondment_end=None)
    with pytest.raises(ValidationError, match="「下沉开始日期」X（区直部门下沉）人员须填写"):
        check_force_rules(Force.SUNK, has_source_unit=True, secondment_start=None,
                          secondment_end=None)
    check_force_rules(Force.SUNK, has_source_unit=True, secondment_start=DAY, secondment_end=None)


def test_street_team_officers_are_never_sunk() -> None:
    with pytest.raises(ValidationError, match="「力量类别」1（街道综合执法队）是街道自有人员"):
        check_force_rules(Force.STREET, has_source_unit=True, secondment_start=DAY,
                          secondment_end=None)
    check_force_rules(Force.STREET, has_source_unit=False, secondment_start=None,
                      secondment_end=None)
    check_force_rules(Force.COOPERATING, has_source_unit=False, secondment_start=None,
                      secondment_end=None)


def test_a_secondment_ends_after_it_starts() -> None:
    with pytest.raises(ValidationError, match="「下沉结束日期」2026-03-09 早于下沉开始日期 2026-03-10"):
        check_force_rules(Force.SUNK, has_source_unit=True, secondment_start=DAY,
                          secondment_end=DAY - timedelta(days=1))
    with pytest.raises(ValidationError, match="填写了下沉结束日期，也须填写下沉开始日期"):
        check_force_rules(Force.COOPERATING, has_source_unit=True, secondment_start=None,
                          secondment_end=DAY)
    check_force_rules(Force.SUNK, has_source_unit=True, secondment_start=DAY, secondment_end=DAY)
