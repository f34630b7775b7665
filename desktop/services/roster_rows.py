"""Rows the roster services return, and the conversions from stored records.

Shared by ``roster``, ``certificates``, ``availability`` and ``units`` so an officer
looks the same on every page: phone and ID number masked, the day's domains and
availability computed by the pure rules of ``desktop.domain.roster`` (the same rules
the joint-action checks use), never re-derived in a widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.errors import NotFoundError
from desktop.domain.labels import LabeledEnum
from desktop.domain.privacy import mask_id_number, mask_phone
from desktop.domain.roster import (
    AvailabilityFacts,
    CertificateFacts,
    CertificateState,
    EnforcementDomain,
    Force,
    OfficerStatus,
    StaffingType,
    certificate_state,
    domains_on,
    unavailable_reason,
)
from local_db.models import Certificate, Officer, OfficerEvent
from local_db.outbox_events import raise_version
from local_db.unit_of_work import UnitOfWork


class OfficerEventKind(LabeledEnum):
    CREATED = ("created", "登记入册")
    UPDATED = ("updated", "修改信息")
    STATUS = ("status", "状态变更")
    SECONDMENT = ("secondment", "下沉期")
    CERTIFICATE = ("certificate", "执法证")
    LEAVE = ("leave", "请假")


@dataclass(frozen=True)
class CertificateRow:
    id: str
    officer_id: str
    number: str
    issuing_authority: str
    domains: frozenset[EnforcementDomain]
    valid_from: date
    valid_until: date
    revoked: bool
    state: CertificateState
    days_left: int  # days from the day asked about to ``valid_until`` (negative: expired)
    version: int

    @property
    def domain_labels(self) -> str:
        return domain_labels(self.domains)


@dataclass(frozen=True)
class OfficerRow:
    id: str
    name: str
    gender: str
    phone_masked: str
    id_number_masked: str
    unit_id: str | None
    unit_name: str
    force: Force
    staffing_type: StaffingType
    position: str
    squad: str
    status: OfficerStatus
    status_since: date | None
    secondment_start: date | None
    secondment_end: date | None
    certificates: tuple[CertificateRow, ...]
    domains_today: frozenset[EnforcementDomain]
    is_enforcement_officer_today: bool
    available_today: bool
    unavailable_reason_today: str | None
    expiring_certificates: tuple[CertificateRow, ...]
    version: int
    note: str = ""


@dataclass(frozen=True)
class OfficerEventRow:
    kind: OfficerEventKind
    occurred_at: str
    actor: str
    summary: str


def encode_domains(domains: frozenset[EnforcementDomain]) -> str:
    """Comma-separated codes in the enum's order (stable text for sync and diffs)."""
    return ",".join(domain.value for domain in EnforcementDomain if domain in domains)


def decode_domains(text: str) -> frozenset[EnforcementDomain]:
    known = {domain.value: domain for domain in EnforcementDomain}
    return frozenset(known[code] for code in text.split(",") if code in known)


def domain_labels(domains: frozenset[EnforcementDomain]) -> str:
    return "、".join(domain.label for domain in EnforcementDomain if domain in domains)


def certificate_facts(certificate: Certificate) -> CertificateFacts:
    return CertificateFacts(certificate.number, decode_domains(certificate.domains),
                            certificate.valid_from, certificate.valid_until, certificate.revoked)


def availability_facts(officer: Officer) -> AvailabilityFacts:
    return AvailabilityFacts(
        status=OfficerStatus(officer.status), secondment_start=officer.secondment_start,
        secondment_end=officer.secondment_end,
        leave=[(leave.start_date, leave.end_date) for leave in officer.leaves],
    )


def certificate_row(certificate: Certificate, on: date) -> CertificateRow:
    facts = certificate_facts(certificate)
    return CertificateRow(
        id=certificate.id, officer_id=certificate.officer_id, number=certificate.number,
        issuing_authority=certificate.issuing_authority, domains=facts.domains,
        valid_from=certificate.valid_from, valid_until=certificate.valid_until,
        revoked=certificate.revoked, state=certificate_state(facts, on),
        days_left=(certificate.valid_until - on).days, version=certificate.version,
    )


def officer_row(officer: Officer, on: date) -> OfficerRow:
    certificates = tuple(
        certificate_row(c, on) for c in sorted(officer.certificates, key=lambda c: c.valid_until)
    )
    domains = domains_on((certificate_facts(c) for c in officer.certificates), on)
    reason = unavailable_reason(availability_facts(officer), on)
    unit = officer.source_unit
    return OfficerRow(
        id=officer.id, name=officer.name, gender=officer.gender,
        phone_masked=mask_phone(officer.phone), id_number_masked=mask_id_number(officer.id_number),
        unit_id=officer.source_unit_id, unit_name=unit.name if unit else "",
        force=Force(officer.force), staffing_type=StaffingType(officer.staffing_type),
        position=officer.position, squad=officer.squad, status=OfficerStatus(officer.status),
        status_since=officer.status_since, secondment_start=officer.secondment_start,
        secondment_end=officer.secondment_end, certificates=certificates,
        domains_today=domains, is_enforcement_officer_today=bool(domains),
        available_today=reason is None, unavailable_reason_today=reason,
        expiring_certificates=tuple(c for c in certificates
                                    if c.state is CertificateState.EXPIRING),
        version=officer.version, note=officer.note,
    )


def event_row(event: OfficerEvent) -> OfficerEventRow:
    return OfficerEventRow(OfficerEventKind(event.kind), event.occurred_at.strftime("%Y-%m-%d %H:%M"),
                           event.actor, event.summary)


def add_event(uow: UnitOfWork, officer: Officer, kind: OfficerEventKind, actor: Actor,
              summary: str) -> None:
    """One line of the person's history, in the caller's unit of work."""
    uow.roster.add_event(OfficerEvent(officer=officer, kind=kind.value, occurred_at=now(),
                                      actor=actor.name, summary=summary))


def load_officer(uow: UnitOfWork, officer_id: str) -> Officer:
    officer = uow.roster.officer(officer_id)
    if officer is None:
        raise NotFoundError("找不到该人员，可能已被其他用户删除，请刷新列表。")
    return officer


def touch(record: Officer | Certificate) -> None:
    """Every local change bumps ``version`` (sync and optimistic locking read it), once
    per transaction however often it is touched (raise_version)."""
    raise_version(record)
    record.updated_at = now()


def describe(officer: Officer) -> str:
    """“张三（X，区城管执法局）”: how summaries and messages name a person."""
    unit = officer.source_unit.name if officer.source_unit else ""
    return f"{officer.name}（{Force(officer.force).short}{'，' + unit if unit else ''}）"
