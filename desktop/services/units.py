"""The directory of district departments, stationed agencies and cooperating forces,
with each unit's contact, 总应哨人 and per-community 应哨人 (seed 004).

The district will sync this directory down later; until then it is kept here. The
roster names officers' source units from it and the whistles issue calls the 应哨人 of
the community that blows. Phones are kept in full in the rows (it is a duty directory:
the sub-center calls these numbers) and masked in the audit trail. Every committing use
case checks ``UNIT_EDIT`` and audits in the same transaction; ``add_unit`` is the
non-committing building block of the demo and a future sync.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_phone
from desktop.domain.roster import OfficerStatus, UnitKind
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.grid_staff import normalize_phone
from local_db.models import Unit, UnitResponder
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ResponderRow:
    id: str
    unit_id: str
    unit_name: str
    community_id: str
    community_name: str
    name: str
    phone: str


@dataclass(frozen=True)
class UnitRow:
    id: str
    name: str
    short_name: str
    kind: UnitKind
    contact_person: str
    contact_phone: str
    chief_responder: str
    chief_responder_phone: str
    from_district: bool
    retired: bool
    responders: tuple[ResponderRow, ...]
    version: int


def _phone(raw: str, field: str) -> str:
    try:
        return normalize_phone(raw)
    except ValidationError:
        raise ValidationError(field, f"“{raw}”不是有效的手机号或带区号的固定电话。") from None


@dataclass(frozen=True)
class UnitInput:
    name: str
    kind: UnitKind
    _: KW_ONLY
    short_name: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    chief_responder: str = ""
    chief_responder_phone: str = ""

    def validated(self) -> UnitInput:
        name, short = self.name.strip(), self.short_name.strip()
        if not name:
            raise ValidationError("单位名称", "不能为空。")
        if len(name) > 80:
            raise ValidationError("单位名称", "不能超过 80 个字。")
        if len(short) > 40:
            raise ValidationError("简称", "不能超过 40 个字。")
        for field, value in (("联系人", self.contact_person), ("总应哨人", self.chief_responder)):
            if len(value.strip()) > 40:
                raise ValidationError(field, "不能超过 40 个字。")
        return UnitInput(
            name, self.kind, short_name=short, contact_person=self.contact_person.strip(),
            contact_phone=_phone(self.contact_phone, "联系电话"),
            chief_responder=self.chief_responder.strip(),
            chief_responder_phone=_phone(self.chief_responder_phone, "总应哨人电话"),
        )


def _community_names(uow: UnitOfWork) -> dict[str, str]:
    return {community.id: community.name for community in uow.grids.communities()}


def _responder_row(responder: UnitResponder, unit: Unit, communities: dict[str, str]) -> ResponderRow:
    return ResponderRow(responder.id, unit.id, unit.name, responder.community_id,
                        communities.get(responder.community_id, ""), responder.name,
                        responder.phone)


def unit_row(unit: Unit, communities: dict[str, str]) -> UnitRow:
    responders = sorted(unit.responders, key=lambda r: communities.get(r.community_id, ""))
    return UnitRow(
        id=unit.id, name=unit.name, short_name=unit.short_name, kind=UnitKind(unit.kind),
        contact_person=unit.contact_person, contact_phone=unit.contact_phone,
        chief_responder=unit.chief_responder, chief_responder_phone=unit.chief_responder_phone,
        from_district=unit.from_district, retired=unit.retired,
        responders=tuple(_responder_row(r, unit, communities) for r in responders),
        version=unit.version,
    )


def list_units(uow: UnitOfWork, *, include_retired: bool = False) -> list[UnitRow]:
    with uow:
        communities = _community_names(uow)
        return [unit_row(unit, communities)
                for unit in uow.roster.units(include_retired=include_retired)]


def responders_for_community(uow: UnitOfWork, *, community_id: str) -> list[ResponderRow]:
    """Every unit's 应哨人 for one community (whom a community's whistle calls)."""
    return [responder for unit in list_units(uow) for responder in unit.responders
            if responder.community_id == community_id]


def _refuse_duplicate_name(uow: UnitOfWork, values: UnitInput, unit_id: str | None) -> None:
    for name in filter(None, (values.name, values.short_name)):
        existing = uow.roster.unit_by_name(name)
        if existing is not None and existing.id != unit_id:
            raise ConflictError(f"单位名录中已有“{existing.name}”（名称或简称为“{name}”），"
                                "请勿重复登记。")


def _apply(unit: Unit, values: UnitInput) -> None:
    unit.name, unit.short_name, unit.kind = values.name, values.short_name, values.kind.value
    unit.contact_person, unit.contact_phone = values.contact_person, values.contact_phone
    unit.chief_responder = values.chief_responder
    unit.chief_responder_phone = values.chief_responder_phone


def add_unit(uow: UnitOfWork, *, data: UnitInput, from_district: bool = False) -> Unit:
    """Insert a unit inside an open unit of work (no commit, permission or audit)."""
    values = data.validated()
    _refuse_duplicate_name(uow, values, None)
    stamp = now()
    unit = Unit(id=new_id(), version=1, created_at=stamp, updated_at=stamp,
                from_district=from_district, retired=False, responders=[])
    _apply(unit, values)
    uow.roster.add_unit(unit)
    return unit


def _snapshot(unit: Unit) -> dict[str, Any]:
    return {"单位名称": unit.name, "简称": unit.short_name, "类别": UnitKind(unit.kind).label,
            "联系人": unit.contact_person, "联系电话": mask_phone(unit.contact_phone),
            "总应哨人": unit.chief_responder,
            "总应哨人电话": mask_phone(unit.chief_responder_phone)}


def create_unit(uow: UnitOfWork, *, actor: Actor, data: UnitInput) -> UnitRow:
    require(actor, Permission.UNIT_EDIT)
    with uow:
        unit = add_unit(uow, data=data)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="unit", entity_id=unit.id,
                     summary=f"单位名录新增：{unit.name}（{UnitKind(unit.kind).label}）",
                     changes={k: (None, v or None) for k, v in _snapshot(unit).items()})
        uow.commit()
        return unit_row(unit, _community_names(uow))


def _load(uow: UnitOfWork, unit_id: str) -> Unit:
    unit = uow.roster.unit(unit_id)
    if unit is None:
        raise NotFoundError("找不到该单位，可能已被其他用户删除，请刷新单位名录。")
    if unit.retired:
        raise ConflictError(f"“{unit.name}”已从单位名录撤销，不能再修改。")
    return unit


def update_unit(uow: UnitOfWork, *, actor: Actor, unit_id: str, data: UnitInput,
                expected_version: int) -> UnitRow:
    require(actor, Permission.UNIT_EDIT)
    values = data.validated()
    with uow:
        unit = _load(uow, unit_id)
        if unit.version != expected_version:
            raise ConflictError(f"“{unit.name}”已被其他用户修改，请刷新后重新编辑。")
        _refuse_duplicate_name(uow, values, unit.id)
        before = _snapshot(unit)
        _apply(unit, values)
        after = _snapshot(unit)
        changes = {k: (before[k] or None, after[k] or None) for k in after if before[k] != after[k]}
        if changes:
            unit.version += 1
            unit.updated_at = now()
            audit.record(uow, actor, AuditAction.UPDATE, entity_type="unit", entity_id=unit.id,
                         summary=f"修改单位名录：{unit.name}", changes=changes)
            uow.commit()
        return unit_row(unit, _community_names(uow))


def retire_unit(uow: UnitOfWork, *, actor: Actor, unit_id: str) -> None:
    """Take a unit out of the directory; refused while people on the roll come from it."""
    require(actor, Permission.UNIT_EDIT)
    with uow:
        unit = _load(uow, unit_id)
        members = [o.name for o in uow.roster.officers()
                   if o.source_unit_id == unit.id and o.status != OfficerStatus.LEFT.value]
        if members:
            shown = "、".join(members[:5]) + ("等" if len(members) > 5 else "")
            raise ConflictError(f"“{unit.name}”仍有 {len(members)} 名在册人员（{shown}），"
                                "请先调整这些人员的原单位或将其设为离岗，再撤销该单位。")
        unit.retired = True
        unit.version += 1
        unit.updated_at = now()
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="unit", entity_id=unit.id,
                     summary=f"撤销单位：{unit.name}", changes={"状态": ("在用", "已撤销")})
        uow.commit()


def put_responder(uow: UnitOfWork, *, unit: Unit, community_id: str, name: str,
                  phone: str) -> tuple[UnitResponder, tuple[str, str] | None]:
    """Name (or replace) a unit's 应哨人 for a community inside an open unit of work.
    Returns the responder and the previous (name, phone), if any."""
    name = name.strip()
    if not name:
        raise ValidationError("应哨人", "不能为空。")
    if len(name) > 40:
        raise ValidationError("应哨人", "不能超过 40 个字。")
    phone = _phone(phone, "应哨人电话")
    community = uow.grids.community(community_id)
    if community is None or community.retired:
        raise NotFoundError("找不到所选社区/村，或已撤销，请刷新后重选。")
    current = next((r for r in unit.responders if r.community_id == community_id), None)
    stamp = now()
    if current is None:
        current = UnitResponder(id=new_id(), version=1, created_at=stamp, updated_at=stamp,
                                unit_id=unit.id, community_id=community_id, name=name, phone=phone)
        unit.responders.append(current)
        uow.roster.add_responder(current)
        return current, None
    before = (current.name, current.phone)
    current.name, current.phone = name, phone
    current.version += 1
    current.updated_at = stamp
    return current, before


def set_responder(uow: UnitOfWork, *, actor: Actor, unit_id: str, community_id: str, name: str,
                  phone: str) -> ResponderRow:
    """The 应哨人 a unit names for one community (replaces the previous one)."""
    require(actor, Permission.UNIT_EDIT)
    with uow:
        unit = _load(uow, unit_id)
        responder, before = put_responder(uow, unit=unit, community_id=community_id, name=name,
                                          phone=phone)
        communities = _community_names(uow)
        where = communities.get(community_id, "")
        old_name, old_phone = before or (None, "")
        audit.record(uow, actor, AuditAction.UPDATE if before else AuditAction.CREATE,
                     entity_type="unit_responder", entity_id=responder.id,
                     summary=f"{unit.name}在{where}的应哨人：{responder.name}",
                     changes={"应哨人": (old_name, responder.name),
                              "应哨人电话": (mask_phone(old_phone) or None,
                                        mask_phone(responder.phone) or None)})
        uow.commit()
        return _responder_row(responder, unit, communities)
