"""Enforcement certificates (执法证): registering, revoking and renewing them, and the
expiry warnings of the roster page and the 工作台.

Only a person holding a certificate valid on the day is an enforcement officer, and
only within its domains (行政处罚法 §42), so a certificate's number is unique, it names
at least one domain, and its validity is a real period. Every change is a line of the
holder's history and an audit row in the same transaction. ``attach_certificate`` is
the non-committing building block of the import and the demo.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from desktop.clock import now, today
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.domain.roster import (
    EXPIRY_WARNING_DAYS,
    CertificateState,
    EnforcementDomain,
    Force,
    OfficerStatus,
    certificate_state,
    domains_of,
)
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.roster_rows import (
    CertificateRow,
    OfficerEventKind,
    add_event,
    certificate_facts,
    certificate_row,
    describe,
    domain_labels,
    encode_domains,
    touch,
)
from local_db.models import Certificate, Officer
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CertificateValues:
    number: str
    issuing_authority: str
    domains: frozenset[EnforcementDomain]
    valid_from: date
    valid_until: date


@dataclass(frozen=True)
class CertificateWarning:
    """A certificate about to expire, or expired with no valid one left (the person can
    no longer enforce), for the roster page and the 工作台."""

    officer_id: str
    officer_name: str
    force: Force
    unit_name: str
    certificate_id: str
    number: str
    valid_until: date
    days_left: int
    state: CertificateState

    @property
    def message(self) -> str:
        who = f"{self.officer_name}（{self.force.short}{'，' + self.unit_name if self.unit_name else ''}）"
        if self.state is CertificateState.EXPIRED:
            return (f"{who}的执法证 {self.number} 已于 {self.valid_until} 过期（{-self.days_left} 天），"
                    "现不能从事执法，请尽快办理换证。")
        return (f"{who}的执法证 {self.number} 将于 {self.valid_until} 到期（还有 {self.days_left} 天），"
                "请及时办理换证。")


_SPACES = re.compile(r"\s+")


def validate_certificate(*, number: str, issuing_authority: str,
                         domains: Iterable[EnforcementDomain | str],
                         valid_from: date | None, valid_until: date | None) -> CertificateValues:
    """Check a certificate's fields without the database (raises ValidationError)."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", number)).upper()
    if not text:
        raise ValidationError("执法证号", "不能为空。")
    if len(text) > 40:
        raise ValidationError("执法证号", f"不能超过 40 个字符，现为“{number}”。")
    authority = issuing_authority.strip()
    if not authority:
        raise ValidationError("发证机关", "不能为空。")
    found, unknown = domains_of(domains)
    if unknown:
        raise ValidationError("执法领域", f"“{'、'.join(unknown)}”不是已知的执法领域，"
                              f"应为{'、'.join(EnforcementDomain.labels())}之一。")
    if not found:
        raise ValidationError("执法领域", "至少选择一个执法领域（持证人只能在证载领域内执法）。")
    if valid_from is None:
        raise ValidationError("有效期自", "不能为空。")
    if valid_until is None:
        raise ValidationError("有效期至", "不能为空。")
    if valid_until < valid_from:
        raise ValidationError("有效期至", f"{valid_until} 早于有效期起始日 {valid_from}，请核对。")
    return CertificateValues(text, authority, found, valid_from, valid_until)


def attach_certificate(uow: UnitOfWork, *, actor: Actor, officer: Officer, number: str,
                       issuing_authority: str, domains: Iterable[EnforcementDomain | str],
                       valid_from: date | None, valid_until: date | None,
                       known_numbers: set[str] | None = None) -> Certificate:
    """Register a certificate inside an open unit of work (no commit, no permission
    check, no audit). ``known_numbers`` lets a batch check uniqueness without a query
    per row; it is updated with the new number."""
    values = validate_certificate(number=number, issuing_authority=issuing_authority,
                                  domains=domains, valid_from=valid_from, valid_until=valid_until)
    numbers = known_numbers if known_numbers is not None else uow.roster.certificate_numbers()
    if values.number in numbers:
        raise ConflictError(f"执法证号 {values.number} 已登记在册，同一证号不能重复登记，请核对。")
    numbers.add(values.number)
    stamp = now()
    certificate = Certificate(
        id=new_id(), version=1, created_at=stamp, updated_at=stamp, officer_id=officer.id,
        number=values.number, issuing_authority=values.issuing_authority,
        domains=encode_domains(values.domains), valid_from=values.valid_from,
        valid_until=values.valid_until, revoked=False,
    )
    officer.certificates.append(certificate)
    uow.roster.add_certificate(certificate)
    add_event(uow, officer, OfficerEventKind.CERTIFICATE, actor,
              f"登记执法证 {values.number}（{domain_labels(values.domains)}，"
              f"{values.valid_from} 至 {values.valid_until}，{values.issuing_authority}）")
    return certificate


def add_certificate(uow: UnitOfWork, *, actor: Actor, officer_id: str, number: str,
                    issuing_authority: str, domains: Iterable[EnforcementDomain | str],
                    valid_from: date, valid_until: date) -> CertificateRow:
    require(actor, Permission.ROSTER_EDIT)
    with uow:
        officer = uow.roster.officer(officer_id)
        if officer is None:
            raise NotFoundError("找不到该人员，可能已被其他用户删除，请刷新列表。")
        certificate = attach_certificate(
            uow, actor=actor, officer=officer, number=number, issuing_authority=issuing_authority,
            domains=domains, valid_from=valid_from, valid_until=valid_until)
        touch(officer)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="certificate",
                     entity_id=certificate.number,
                     summary=f"登记执法证：{describe(officer)} {certificate.number}",
                     changes={"执法证号": (None, certificate.number),
                              "发证机关": (None, certificate.issuing_authority),
                              "执法领域": (None, _labels(certificate)),
                              "有效期": (None, f"{valid_from} 至 {valid_until}")})
        uow.commit()
        return certificate_row(certificate, today())


def _labels(certificate: Certificate) -> str:
    return domain_labels(certificate_facts(certificate).domains)


def _load(uow: UnitOfWork, certificate_id: str) -> Certificate:
    certificate = uow.roster.certificate(certificate_id)
    if certificate is None:
        raise NotFoundError("找不到该执法证，可能已被其他用户删除，请刷新。")
    return certificate


def revoke_certificate(uow: UnitOfWork, *, actor: Actor, certificate_id: str,
                       reason: str) -> CertificateRow:
    """Withdraw a certificate (吊销/注销): the holder stops enforcing in its domains now."""
    require(actor, Permission.ROSTER_EDIT)
    reason = reason.strip()
    if not reason:
        raise ValidationError("吊销原因", "请填写吊销或注销执法证的原因。")
    with uow:
        certificate = _load(uow, certificate_id)
        if certificate.revoked:
            raise ConflictError(f"执法证 {certificate.number} 已吊销，无需重复操作。")
        certificate.revoked = True
        touch(certificate)
        officer = certificate.officer
        add_event(uow, officer, OfficerEventKind.CERTIFICATE, actor,
                  f"执法证 {certificate.number} 被吊销/注销：{reason}")
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="certificate",
                     entity_id=certificate.number,
                     summary=f"吊销执法证：{describe(officer)} {certificate.number}（{reason}）",
                     changes={"状态": ("有效", "已吊销"), "原因": (None, reason)})
        uow.commit()
        return certificate_row(certificate, today())


def renew_certificate(uow: UnitOfWork, *, actor: Actor, certificate_id: str, valid_from: date,
                      valid_until: date) -> CertificateRow:
    """Record a renewal (换证/年审): the same number with a new, later validity."""
    require(actor, Permission.ROSTER_EDIT)
    if valid_until < valid_from:
        raise ValidationError("有效期至", f"{valid_until} 早于有效期起始日 {valid_from}，请核对。")
    with uow:
        certificate = _load(uow, certificate_id)
        if certificate.revoked:
            raise ConflictError(f"执法证 {certificate.number} 已吊销，不能续期；请登记新证。")
        if valid_until <= certificate.valid_until:
            raise ValidationError("有效期至", f"续期后的有效期（{valid_until}）须晚于原有效期"
                                  f"（{certificate.valid_until}）。")
        old = f"{certificate.valid_from} 至 {certificate.valid_until}"
        new = f"{valid_from} 至 {valid_until}"
        certificate.valid_from, certificate.valid_until = valid_from, valid_until
        touch(certificate)
        officer = certificate.officer
        add_event(uow, officer, OfficerEventKind.CERTIFICATE, actor,
                  f"执法证 {certificate.number} 续期：{old} → {new}")
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="certificate",
                     entity_id=certificate.number,
                     summary=f"执法证续期：{describe(officer)} {certificate.number}",
                     changes={"有效期": (old, new)})
        uow.commit()
        return certificate_row(certificate, today())


def expiring_certificates(uow: UnitOfWork, *, on: date | None = None,
                          days: int = EXPIRY_WARNING_DAYS) -> list[CertificateWarning]:
    """Certificates ending within ``days`` of ``on``, and people (not 离岗) whose last
    certificate has expired with no valid one left; soonest first."""
    day = on or today()
    warnings: list[CertificateWarning] = []
    with uow:
        for officer in uow.roster.officers():
            if officer.status == OfficerStatus.LEFT.value or not officer.certificates:
                continue
            states = [(c, certificate_state(certificate_facts(c), day, days))
                      for c in officer.certificates]
            shown = [c for c, state in states if state is CertificateState.EXPIRING]
            if not any(state in (CertificateState.VALID, CertificateState.EXPIRING)
                       for _, state in states):
                expired = [c for c, state in states if state is CertificateState.EXPIRED]
                shown += sorted(expired, key=lambda c: c.valid_until)[-1:]
            warnings.extend(_warning(officer, c, day, days) for c in shown)
    return sorted(warnings, key=lambda w: (w.days_left, w.officer_name))


def _warning(officer: Officer, certificate: Certificate, day: date, days: int) -> CertificateWarning:
    return CertificateWarning(
        officer_id=officer.id, officer_name=officer.name, force=Force(officer.force),
        unit_name=officer.source_unit.name if officer.source_unit else "",
        certificate_id=certificate.id, number=certificate.number,
        valid_until=certificate.valid_until, days_left=(certificate.valid_until - day).days,
        state=certificate_state(certificate_facts(certificate), day, days),
    )
