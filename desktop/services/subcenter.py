"""Setting up and reading the sub-center this install belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, ValidationError
from desktop.domain.grids import validate_division_code
from desktop.domain.ids import new_id
from desktop.services import audit
from local_db.models import SubCenter
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SubCenterInfo:
    id: str
    street_name: str
    center_name: str
    division_code: str
    issuing_authority: str
    doc_prefix: str
    is_demo: bool


def _info(row: SubCenter) -> SubCenterInfo:
    return SubCenterInfo(
        id=row.id,
        street_name=row.street_name,
        center_name=row.center_name,
        division_code=row.division_code,
        issuing_authority=row.issuing_authority,
        doc_prefix=row.doc_prefix,
        is_demo=row.is_demo,
    )


def get_sub_center(uow: UnitOfWork) -> SubCenterInfo | None:
    with uow:
        row = uow.sub_center.get()
        return _info(row) if row else None


def _required(field: str, value: str, max_length: int) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(field, "不能为空。")
    if len(value) > max_length:
        raise ValidationError(field, f"不能超过 {max_length} 个字（现为 {len(value)} 个）。")
    return value


def add_sub_center(
    uow: UnitOfWork,
    *,
    actor: Actor,
    street_name: str,
    division_code: str,
    issuing_authority: str,
    doc_prefix: str,
    center_name: str = "",
    is_demo: bool = False,
) -> SubCenterInfo:
    """First-run set-up inside an open unit of work (no commit), so the set-up and the
    first administrator's account are stored together or not at all. Refused when the
    install already belongs to a sub-center."""
    street = _required("街道/乡镇名称", street_name, 60)
    code = validate_division_code(division_code)
    authority = _required("发文机关名称", issuing_authority, 80)
    prefix = _required("文号代字", doc_prefix, 20)
    center = center_name.strip() or f"{street}综合指挥分中心"
    existing = uow.sub_center.get()
    if existing is not None:
        raise ConflictError(
            f"本机已设置为“{existing.center_name}”，不能再设置为其他分中心。"
            "如需更换，请使用新的数据目录。"
        )
    stamp = now()
    row = SubCenter(
        id=new_id(), street_name=street, center_name=center, division_code=code,
        issuing_authority=authority, doc_prefix=prefix, is_demo=is_demo,
        set_up_at=stamp, created_at=stamp, updated_at=stamp,
    )
    uow.sub_center.add(row)
    audit.record(uow, actor, audit.AuditAction.CREATE, entity_type="sub_center",
                 entity_id=row.id, summary=f"设置本分中心：{center}（区划代码 {code}）")
    return _info(row)


def set_up_sub_center(uow: UnitOfWork, *, actor: Actor, **fields: Any) -> SubCenterInfo:
    """``add_sub_center`` in its own transaction (the command line's ``init``)."""
    with uow:
        info = add_sub_center(uow, actor=actor, **fields)
        uow.commit()
        return info
