"""Revealing personal data (个人信息保护法): lists, exports and prints show phones masked;
a role holding ``PERSONAL_DATA_REVEAL`` may see one full number on purpose, and every
such look is written to the audit trail (who saw whose number, when).

The audit row itself carries only the masked number: the auditors reading the trail
need not be allowed to see it.
"""

from __future__ import annotations

from desktop.domain.actor import Actor
from desktop.domain.errors import NotFoundError
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_phone
from desktop.services import audit
from desktop.services.audit import AuditAction
from local_db.unit_of_work import UnitOfWork


def reveal_phone(uow: UnitOfWork, *, actor: Actor, person_id: str) -> str:
    """The full phone of a grid person, audited. An empty string when the person has no
    phone on file (nothing was revealed, so nothing is recorded)."""
    require(actor, Permission.PERSONAL_DATA_REVEAL)
    with uow:
        person = uow.grids.person(person_id)
        if person is None:
            raise NotFoundError("找不到该人员，可能已被删除，请刷新后重试。")
        phone = person.phone
        if not phone:
            return ""
        audit.record(uow, actor, AuditAction.REVEAL, entity_type="grid_person",
                     entity_id=person.id,
                     summary=f"查看了{person.name}（网格人员）的完整联系电话（{mask_phone(phone)}）",
                     changes={"联系电话": (mask_phone(phone), "已显示完整号码")})
        uow.commit()
        return phone
