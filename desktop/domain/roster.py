"""The 1+X+Y comprehensive enforcement force (seed 000): who may enforce, where, when.

"1" is the street's own comprehensive enforcement team; "X" are officers sunk from
district departments (managed, assessed and supported by the street); "Y" are the
cooperating forces and auxiliary staff. Only a person holding a certificate valid on
the day is an enforcement officer, and only within the certificate's domains
(行政处罚法 §42 needs two such officers for an action). These rules are pure functions
so the roster pages, the legality checks of joint actions and the scheduler agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.domain.labels import LabeledEnum

EXPIRY_WARNING_DAYS = 30


class Force(LabeledEnum):
    STREET = ("1", "1（街道综合执法队）")
    SUNK = ("X", "X（区直部门下沉）")
    COOPERATING = ("Y", "Y（协同力量）")

    @property
    def short(self) -> str:
        return self.value


class StaffingType(LabeledEnum):
    CIVIL_SERVANT = ("civil_servant", "行政")
    PUBLIC_INSTITUTION = ("public_institution", "事业")
    AUXILIARY = ("auxiliary", "协管")


class OfficerStatus(LabeledEnum):
    ON_DUTY = ("on_duty", "在岗")
    ON_LEAVE = ("on_leave", "请假")
    SECONDED = ("seconded", "借调")
    LEFT = ("left", "离岗")


class LeaveKind(LabeledEnum):
    ANNUAL = ("annual", "年休假")
    SICK = ("sick", "病假")
    PERSONAL = ("personal", "事假")
    TRAINING = ("training", "培训")
    OTHER = ("other", "其他")


class EnforcementDomain(LabeledEnum):
    URBAN_MANAGEMENT = ("urban_management", "城市管理")
    MARKET_REGULATION = ("market_regulation", "市场监管")
    ECOLOGY = ("ecology", "生态环境")
    NATURAL_RESOURCES = ("natural_resources", "自然资源")
    EMERGENCY = ("emergency", "应急管理")
    HOUSING = ("housing", "住房城乡建设")
    CULTURE_TOURISM = ("culture_tourism", "文化旅游")
    AGRICULTURE = ("agriculture", "农业农村")
    HEALTH = ("health", "卫生健康")
    TRANSPORT = ("transport", "交通运输")
    WATER = ("water", "水务")
    FIRE = ("fire", "消防救援")


class UnitKind(LabeledEnum):
    DEPARTMENT = ("department", "区直部门")
    STATIONED = ("stationed", "派驻机构")
    COOPERATING = ("cooperating", "协同单位")
    STREET_OFFICE = ("street_office", "街道内设机构")


@dataclass(frozen=True)
class CertificateFacts:
    number: str
    domains: frozenset[EnforcementDomain]
    valid_from: date
    valid_until: date
    revoked: bool = False

    def valid_on(self, day: date) -> bool:
        return not self.revoked and self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class AvailabilityFacts:
    """What decides whether a person can be deployed on a day."""

    status: OfficerStatus
    secondment_start: date | None
    secondment_end: date | None
    leave: Sequence[tuple[date, date]]  # inclusive periods


def domains_on(certificates: Iterable[CertificateFacts], day: date) -> frozenset[EnforcementDomain]:
    """The domains a person may enforce on ``day`` (empty: not an enforcement officer)."""
    result: set[EnforcementDomain] = set()
    for certificate in certificates:
        if certificate.valid_on(day):
            result |= certificate.domains
    return frozenset(result)


def is_enforcement_officer(certificates: Iterable[CertificateFacts], day: date) -> bool:
    return bool(domains_on(certificates, day))


def unavailable_reason(facts: AvailabilityFacts, day: date) -> str | None:
    """Why the person cannot be deployed on ``day`` (None when available)."""
    if facts.status is OfficerStatus.LEFT:
        return "已离岗"
    if facts.status is OfficerStatus.SECONDED:
        return "借调中"
    if facts.secondment_start and day < facts.secondment_start:
        return f"下沉期自 {facts.secondment_start} 起"
    if facts.secondment_end and day > facts.secondment_end:
        return f"下沉期已于 {facts.secondment_end} 结束"
    for start, end in facts.leave:
        if start <= day <= end:
            return f"请假（{start} 至 {end}）"
    if facts.status is OfficerStatus.ON_LEAVE and not facts.leave:
        return "请假"
    return None


def expiring(certificate: CertificateFacts, today: date,
             days: int = EXPIRY_WARNING_DAYS) -> bool:
    """True when a currently valid certificate ends within ``days`` days."""
    return certificate.valid_on(today) and certificate.valid_until <= today + timedelta(days=days)
