"""Roster use cases: the people of the 1+X+Y enforcement force, their status and 下沉
period, search, history and revealing an ID number. Certificates are in
``certificates`` (re-exported here), leave and duty in ``availability``, units in
``units``.

Shapes follow ``desktop.services.grids``: keyword-only arguments, a fresh unit of work
passed in, an explicit commit, frozen rows back. Each committing use case checks
``ROSTER_EDIT`` first and writes, in the same transaction as the change, its audit row
(ID numbers and phones masked) and a line of the person's history. ``add_officer`` is
the non-committing building block for the spreadsheet import and the demo, which check
permissions and audit once for the whole batch.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, replace
from datetime import date
from typing import TypeVar

from desktop.clock import now, today
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.identity import normalize_id_number
from desktop.domain.ids import new_id
from desktop.domain.labels import LabeledEnum
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_id_number, mask_phone
from desktop.domain.roster import (
    Force,
    OfficerStatus,
    StaffingType,
    check_force_rules,
    resolve_gender,
)
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.certificates import (
    CertificateWarning,
    add_certificate,
    attach_certificate,
    expiring_certificates,
    renew_certificate,
    revoke_certificate,
    validate_certificate,
)
from desktop.services.grid_staff import normalize_phone
from desktop.services.roster_rows import (
    CertificateRow,
    OfficerEventKind,
    OfficerEventRow,
    OfficerRow,
    add_event,
    describe,
    event_row,
    load_officer,
    officer_row,
    touch,
)
from local_db.models import Officer, Unit
from local_db.unit_of_work import UnitOfWork

__all__ = [
    "CertificateRow", "CertificateWarning", "OfficerEventRow", "OfficerInput", "OfficerRow",
    "OfficerValues", "add_certificate", "add_officer", "attach_certificate", "change_status",
    "create_officer", "expiring_certificates", "get_officer", "list_officers",
    "officer_history", "renew_certificate", "reveal_id_number", "revoke_certificate",
    "set_secondment", "update_officer", "validate_certificate",
]

E = TypeVar("E", bound=LabeledEnum)


def _enum(kind: type[E], value: E | str, field: str) -> E:
    if isinstance(value, kind):
        return value
    text = str(value).strip()
    member = kind.from_label(text) or kind.from_label(text.upper())
    if member is None:
        raise ValidationError(field, f"应为{'、'.join(kind.labels())}之一，现为“{value}”。")
    return member


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    text = value.strip()
    if required and not text:
        raise ValidationError(field, "不能为空。")
    if len(text) > limit:
        raise ValidationError(field, f"不能超过 {limit} 个字（现为 {len(text)} 个）。")
    return text


@dataclass(frozen=True)
class OfficerValues:
    """An ``OfficerInput`` after validation: normalized text, enums resolved."""

    name: str
    id_number: str
    gender: str
    phone: str
    force: Force
    staffing_type: StaffingType
    unit_id: str | None
    unit_name: str
    position: str
    squad: str
    status: OfficerStatus
    status_since: date | None
    secondment_start: date | None
    secondment_end: date | None
    note: str


@dataclass(frozen=True)
class OfficerInput:
    """What a user (or a spreadsheet row) gives for a person. Enums may be given as
    members or as their labels/codes ("X", "协管"); the source unit by id or by name."""

    name: str
    id_number: str
    force: Force | str
    staffing_type: StaffingType | str
    _: KW_ONLY
    gender: str = ""
    phone: str = ""
    unit_id: str | None = None
    unit_name: str = ""
    position: str = ""
    squad: str = ""
    status: OfficerStatus | str = OfficerStatus.ON_DUTY
    status_since: date | None = None
    secondment_start: date | None = None
    secondment_end: date | None = None
    note: str = ""

    def validated(self, *, on: date | None = None) -> OfficerValues:
        """Check every field (raises ValidationError naming it) without the database."""
        name = _text(self.name, "姓名", 40, required=True)
        id_number = normalize_id_number(self.id_number, today=on)
        force = _enum(Force, self.force, "力量类别")
        unit_name = _text(self.unit_name, "原单位", 80)
        check_force_rules(force, has_source_unit=bool(self.unit_id or unit_name),
                          secondment_start=self.secondment_start,
                          secondment_end=self.secondment_end)
        return OfficerValues(
            name=name, id_number=id_number, gender=resolve_gender(self.gender, id_number),
            phone=normalize_phone(self.phone), force=force,
            staffing_type=_enum(StaffingType, self.staffing_type, "编制类型"),
            unit_id=self.unit_id or None, unit_name=unit_name,
            position=_text(self.position, "职务", 40), squad=_text(self.squad, "中队/小组", 40),
            status=_enum(OfficerStatus, self.status, "状态"), status_since=self.status_since,
            secondment_start=self.secondment_start, secondment_end=self.secondment_end,
            note=self.note.strip(),
        )


def _resolve_unit(uow: UnitOfWork, values: OfficerValues) -> Unit | None:
    if values.unit_id:
        unit = uow.roster.unit(values.unit_id)
        if unit is None:
            raise ValidationError("原单位", "所选单位不存在，请刷新单位名录后重选。")
    elif values.unit_name:
        unit = uow.roster.unit_by_name(values.unit_name)
        if unit is None:
            raise ValidationError("原单位", f"单位名录中没有“{values.unit_name}”，"
                                  "请先在“单位名录”中添加该单位，或核对单位名称。")
    else:
        return None
    if unit.retired:
        raise ValidationError("原单位", f"“{unit.name}”已从单位名录撤销，不能再选用。")
    return unit


def _refuse_duplicate(uow: UnitOfWork, id_number: str, officer_id: str | None = None) -> None:
    existing = uow.roster.officer_by_id_number(id_number)
    if existing is not None and existing.id != officer_id:
        raise ConflictError(f"身份证号码 {mask_id_number(id_number)} 已登记为“{existing.name}”，"
                            "同一人不能重复登记；如需修改，请在花名册中编辑该人员。")


def _apply(officer: Officer, values: OfficerValues, unit: Unit | None, on: date) -> None:
    officer.name, officer.gender, officer.phone = values.name, values.gender, values.phone
    officer.id_number, officer.force = values.id_number, values.force.value
    officer.source_unit, officer.source_unit_id = unit, unit.id if unit else None
    officer.staffing_type, officer.position = values.staffing_type.value, values.position
    officer.squad, officer.note = values.squad, values.note
    if values.status_since is not None:
        officer.status_since = values.status_since
    elif officer.status != values.status.value or officer.status_since is None:
        officer.status_since = on
    officer.status = values.status.value
    officer.secondment_start, officer.secondment_end = values.secondment_start, values.secondment_end


def add_officer(uow: UnitOfWork, *, actor: Actor, data: OfficerInput,
                on: date | None = None) -> Officer:
    """Insert a person inside an open unit of work (no commit, no permission check, no
    audit: the caller does those once), with the first line of their history."""
    day = on or today()
    values = data.validated(on=day)
    unit = _resolve_unit(uow, values)
    _refuse_duplicate(uow, values.id_number)
    stamp = now()
    officer = Officer(id=new_id(), version=1, created_at=stamp, updated_at=stamp,
                      certificates=[], leaves=[])
    _apply(officer, values, unit, day)
    uow.roster.add_officer(officer)
    add_event(uow, officer, OfficerEventKind.CREATED, actor,
              f"登记入册：{values.force.label}，{unit.name if unit else '未填原单位'}，"
              f"{values.position or '未填职务'}")
    return officer


def _snapshot(officer: Officer) -> dict[str, object]:
    """Field label → shown value, personal data masked (for audit before/after)."""
    return {
        "姓名": officer.name, "性别": officer.gender,
        "身份证号码": mask_id_number(officer.id_number), "联系电话": mask_phone(officer.phone),
        "原单位": officer.source_unit.name if officer.source_unit else "",
        "力量类别": Force(officer.force).label,
        "编制类型": StaffingType(officer.staffing_type).label, "职务": officer.position,
        "中队/小组": officer.squad, "状态": OfficerStatus(officer.status).label,
        "状态起始": str(officer.status_since or ""),
        "下沉开始": str(officer.secondment_start or ""),
        "下沉结束": str(officer.secondment_end or ""), "备注": officer.note,
    }


def _diff(before: dict[str, object], after: dict[str, object]) -> dict[str, tuple[object, object]]:
    return {label: (before[label] or None, after[label] or None)
            for label in after if before[label] != after[label]}


def create_officer(uow: UnitOfWork, *, actor: Actor, data: OfficerInput) -> OfficerRow:
    require(actor, Permission.ROSTER_EDIT)
    with uow:
        officer = add_officer(uow, actor=actor, data=data)
        after = _snapshot(officer)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="officer", entity_id=officer.id,
                     summary=f"登记执法队伍人员：{describe(officer)}",
                     changes={label: (None, value or None) for label, value in after.items()})
        uow.commit()
        return officer_row(officer, today())


def update_officer(uow: UnitOfWork, *, actor: Actor, officer_id: str, data: OfficerInput,
                   expected_version: int) -> OfficerRow:
    """Save an edited person; refused when someone else saved it since it was read."""
    require(actor, Permission.ROSTER_EDIT)
    day = today()
    with uow:
        officer = load_officer(uow, officer_id)
        values = _keeping_masked(data, officer).validated(on=day)
        if officer.version != expected_version:
            raise ConflictError(f"“{officer.name}”的信息已被其他用户修改，请刷新后重新编辑。")
        unit = _resolve_unit(uow, values)
        _refuse_duplicate(uow, values.id_number, officer.id)
        before = _snapshot(officer)
        _apply(officer, values, unit, day)
        changes = _diff(before, _snapshot(officer))
        if not changes:
            return officer_row(officer, day)
        touch(officer)
        _history_of_changes(uow, officer, actor, changes)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="officer", entity_id=officer.id,
                     summary=f"修改执法队伍人员信息：{describe(officer)}", changes=changes)
        uow.commit()
        return officer_row(officer, day)


def _keeping_masked(data: OfficerInput, officer: Officer) -> OfficerInput:
    """The edit form shows the ID number and phone masked; a field still holding exactly
    the masked value was not touched, so the stored number is kept. (A masked value can
    never be a valid number, so this cannot swallow a real edit.)"""
    kept: dict[str, str] = {}
    if "*" in data.id_number and data.id_number.strip() == mask_id_number(officer.id_number):
        kept["id_number"] = officer.id_number
    if "*" in data.phone and data.phone.strip() == mask_phone(officer.phone):
        kept["phone"] = officer.phone
    return replace(data, **kept) if kept else data


def _history_of_changes(uow: UnitOfWork, officer: Officer, actor: Actor,
                        changes: dict[str, tuple[object, object]]) -> None:
    """Status and 下沉 changes get their own history lines; the rest one summary line."""
    status = {label: change for label, change in changes.items() if label.startswith("状态")}
    secondment = {label: change for label, change in changes.items() if label.startswith("下沉")}
    other = [label for label in changes if label not in status and label not in secondment]
    for kind, group in ((OfficerEventKind.STATUS, status),
                        (OfficerEventKind.SECONDMENT, secondment)):
        if group:
            add_event(uow, officer, kind, actor, "；".join(
                f"{label}：{old or '无'} → {new or '无'}" for label, (old, new) in group.items()))
    if other:
        add_event(uow, officer, OfficerEventKind.UPDATED, actor, f"修改了{'、'.join(other)}")


def change_status(uow: UnitOfWork, *, actor: Actor, officer_id: str, status: OfficerStatus,
                  since: date | None = None, note: str = "") -> OfficerRow:
    """在岗/请假/借调/离岗 from ``since`` (default today), with a line of history."""
    require(actor, Permission.ROSTER_EDIT)
    day = since or today()
    with uow:
        officer = load_officer(uow, officer_id)
        old = OfficerStatus(officer.status)
        if old is status:
            raise ValidationError("状态", f"“{officer.name}”已是{status.label}状态。")
        before_since = officer.status_since
        officer.status, officer.status_since = status.value, day
        touch(officer)
        reason = f"（{note.strip()}）" if note.strip() else ""
        add_event(uow, officer, OfficerEventKind.STATUS, actor,
                  f"状态：{old.label} → {status.label}，自 {day} 起{reason}")
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="officer", entity_id=officer.id,
                     summary=f"变更状态：{describe(officer)} {old.label} → {status.label}{reason}",
                     changes={"状态": (old.label, status.label),
                              "状态起始": (str(before_since or "") or None, str(day))})
        uow.commit()
        return officer_row(officer, today())


def set_secondment(uow: UnitOfWork, *, actor: Actor, officer_id: str, start: date | None,
                   end: date | None) -> OfficerRow:
    """Set (or correct, or clear) the 下沉 period, with a line of history."""
    require(actor, Permission.ROSTER_EDIT)
    with uow:
        officer = load_officer(uow, officer_id)
        check_force_rules(Force(officer.force), has_source_unit=officer.source_unit_id is not None,
                          secondment_start=start, secondment_end=end)
        old = (officer.secondment_start, officer.secondment_end)
        if old == (start, end):
            return officer_row(officer, today())
        officer.secondment_start, officer.secondment_end = start, end
        touch(officer)
        text = f"下沉期：{_period(*old)} → {_period(start, end)}"
        add_event(uow, officer, OfficerEventKind.SECONDMENT, actor, text)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="officer", entity_id=officer.id,
                     summary=f"设置下沉期：{describe(officer)} {text}",
                     changes={"下沉开始": (str(old[0] or "") or None, str(start or "") or None),
                              "下沉结束": (str(old[1] or "") or None, str(end or "") or None)})
        uow.commit()
        return officer_row(officer, today())


def _period(start: date | None, end: date | None) -> str:
    if start is None:
        return "无"
    return f"{start} 至 {end}" if end else f"{start} 起"


# --- reading ---------------------------------------------------------------------------


def _matches(officer: Officer, needle: str) -> bool:
    """Name, certificate number, or the tail (≥4 characters) of the phone or ID number."""
    upper = needle.upper()
    if needle in officer.name or any(upper in c.number.upper() for c in officer.certificates):
        return True
    return len(needle) >= 4 and (officer.phone.endswith(needle)
                                 or officer.id_number.endswith(upper))


def list_officers(uow: UnitOfWork, *, on: date | None = None, force: Force | None = None,
                  unit_id: str | None = None, squad: str | None = None,
                  search: str | None = None) -> list[OfficerRow]:
    """The roster as it stands on ``on`` (default today), by force, squad and name."""
    day = on or today()
    needle = (search or "").strip().translate(str.maketrans("０１２３４５６７８９ｘ", "0123456789x"))
    with uow:
        return [
            officer_row(officer, day) for officer in uow.roster.officers()
            if (force is None or officer.force == force.value)
            and (unit_id is None or officer.source_unit_id == unit_id)
            and (squad is None or officer.squad == squad)
            and (not needle or _matches(officer, needle))
        ]


def get_officer(uow: UnitOfWork, officer_id: str, *, on: date | None = None) -> OfficerRow:
    with uow:
        return officer_row(load_officer(uow, officer_id), on or today())


def officer_history(uow: UnitOfWork, officer_id: str) -> list[OfficerEventRow]:
    with uow:
        if uow.roster.officer(officer_id) is None:
            raise NotFoundError("找不到该人员，请刷新列表。")
        return [event_row(event) for event in uow.roster.events(officer_id)]


def reveal_id_number(uow: UnitOfWork, *, actor: Actor, officer_id: str) -> str:
    """The full ID number of one person, for a role allowed to see it; every look is
    audited (the audit row carries only the masked number)."""
    require(actor, Permission.PERSONAL_DATA_REVEAL)
    with uow:
        officer = load_officer(uow, officer_id)
        masked = mask_id_number(officer.id_number)
        audit.record(uow, actor, AuditAction.REVEAL, entity_type="officer", entity_id=officer.id,
                     summary=f"查看了{describe(officer)}的完整身份证号码（{masked}）",
                     changes={"身份证号码": (masked, "已显示完整号码")})
        uow.commit()
        return officer.id_number
