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


# --- added for the roster services (issue 4) -------------------------------------------


class CertificateState(LabeledEnum):
    VALID = ("valid", "有效")
    EXPIRING = ("expiring", "即将到期")
    EXPIRED = ("expired", "已过期")
    REVOKED = ("revoked", "已吊销")
    NOT_YET = ("not_yet", "未生效")


def certificate_state(certificate: CertificateFacts, day: date,
                      days: int = EXPIRY_WARNING_DAYS) -> CertificateState:
    """What the roster shows beside a certificate on ``day``."""
    if certificate.revoked:
        return CertificateState.REVOKED
    if day < certificate.valid_from:
        return CertificateState.NOT_YET
    if day > certificate.valid_until:
        return CertificateState.EXPIRED
    if expiring(certificate, day, days):
        return CertificateState.EXPIRING
    return CertificateState.VALID


# Certificates and 花名册 files name the subjects (执法类别) a certificate covers rather
# than the broad domain; these are the common ones. Values are EnforcementDomain codes:
# a code with no member yet (公安 is not an administrative-enforcement domain of the
# street today) resolves to None, so the subject is reported instead of guessed.
_SUBJECT_DOMAINS: dict[str, str] = {
    "市容环境卫生": "urban_management", "市容市貌": "urban_management",
    "园林绿化": "urban_management", "城乡规划建设": "urban_management",
    "城市管理": "urban_management", "城管": "urban_management",
    "市政公用": "urban_management", "户外广告": "urban_management",
    "食品安全": "market_regulation", "价格监督": "market_regulation",
    "特种设备": "market_regulation", "药品监管": "market_regulation",
    "产品质量": "market_regulation", "市场监督管理": "market_regulation",
    "大气污染防治": "ecology", "噪声污染防治": "ecology", "水污染防治": "ecology",
    "固体废物": "ecology", "环境保护": "ecology",
    "土地管理": "natural_resources", "违法建设": "natural_resources",
    "矿产资源": "natural_resources", "规划管理": "natural_resources",
    "安全生产": "emergency", "危险化学品": "emergency", "应急": "emergency",
    "建筑市场": "housing", "物业管理": "housing", "燃气安全": "housing",
    "房屋安全": "housing", "住建": "housing",
    "文化市场": "culture_tourism", "旅游市场": "culture_tourism",
    "文化旅游": "culture_tourism", "文旅": "culture_tourism",
    "农业": "agriculture", "动物防疫": "agriculture",
    "公共卫生": "health", "医疗卫生": "health", "卫生监督": "health",
    "道路运输": "transport", "交通运输": "transport",
    "水务": "water", "水利": "water", "河道管理": "water",
    "消防监督": "fire", "消防": "fire",
    "治安管理": "public_security", "道路交通管理": "public_security",
}


def domain_of(text: str) -> EnforcementDomain | None:
    """The domain a label, a code or a certificate subject names (None: unknown)."""
    text = text.strip()
    member = EnforcementDomain.from_label(text)
    if member is not None:
        return member
    code = _SUBJECT_DOMAINS.get(text)
    known = {member.value: member for member in EnforcementDomain}
    return known.get(code) if code else None


def domains_of(texts: Iterable[str | EnforcementDomain]) -> tuple[
        frozenset[EnforcementDomain], list[str]]:
    """The domains named in ``texts`` and the names that match none (to report)."""
    found: set[EnforcementDomain] = set()
    unknown: list[str] = []
    for text in texts:
        member = text if isinstance(text, EnforcementDomain) else domain_of(text)
        if member is None:
            unknown.append(str(text).strip())
        else:
            found.add(member)
    return frozenset(found), unknown


def resolve_gender(given: str, id_number: str) -> str:
    """The gender to store: the ID number's when none is given; a given one must agree
    (a mismatch is nearly always a mistyped ID number or a row shifted in a file)."""
    from desktop.domain.errors import ValidationError
    from desktop.domain.identity import gender_of

    derived = gender_of(id_number)
    text = given.strip().removesuffix("性")
    if not text:
        return derived
    if text not in ("男", "女"):
        raise ValidationError("性别", f"应为“男”或“女”，现为“{given}”。")
    if text != derived:
        raise ValidationError(
            "性别", f"填写为“{text}”，但身份证号码显示为{derived}性，请核对性别或身份证号码。"
        )
    return text


def check_force_rules(force: Force, *, has_source_unit: bool,
                      secondment_start: date | None, secondment_end: date | None) -> None:
    """The 1+X+Y rules on a person's unit and 下沉 period (raises ValidationError).

    X officers are sunk from a district department: they need that source unit and
    the day the 下沉 began. "1" officers are the street's own team, never sunk, so a
    下沉 period on one is a wrong force. An end needs a start and cannot precede it.
    """
    from desktop.domain.errors import ValidationError

    if secondment_end is not None and secondment_start is None:
        raise ValidationError("下沉开始日期", "填写了下沉结束日期，也须填写下沉开始日期。")
    if secondment_start and secondment_end and secondment_end < secondment_start:
        raise ValidationError(
            "下沉结束日期", f"{secondment_end} 早于下沉开始日期 {secondment_start}，请核对。"
        )
    if force is Force.SUNK and not has_source_unit:
        raise ValidationError("原单位", "X（区直部门下沉）人员须填写原单位（下沉的区直部门）。")
    if force is Force.SUNK and secondment_start is None:
        raise ValidationError("下沉开始日期", "X（区直部门下沉）人员须填写下沉开始日期。")
    if force is Force.STREET and secondment_start is not None:
        raise ValidationError(
            "力量类别", "1（街道综合执法队）是街道自有人员，不填下沉期；如为区直部门下沉人员，请选 X。"
        )
