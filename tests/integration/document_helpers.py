"""A small street with demands to draft 函告 from, and the people of a document's life
(a clerk drafts and prints, the director approves and voids)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.bootstrap import AppContext
from desktop.documents.kinds import DocumentKind
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.services import demands
from desktop.services import documents as docs
from desktop.services.document_rows import DocumentRow
from desktop.services.subcenter import set_up_sub_center
from tests.conftest import STREET

CLERK = Actor("文书小王", Role.CLERK)
DIRECTOR = Actor("执法办刘主任", Role.DIRECTOR)
OPERATOR = Actor("坐席小李", Role.OPERATOR)
PREFIX = STREET["doc_prefix"]  # 测街


@dataclass(frozen=True)
class DocStreet:
    context: AppContext
    demand_ids: tuple[str, ...]


def doc_street(context: AppContext, demands_count: int = 3) -> DocStreet:
    """The test street with ``demands_count`` demands taken in by the 坐席."""
    set_up_sub_center(context.uow(), actor=LOCAL_ADMIN, **STREET)
    ids = []
    for n in range(demands_count):
        row = demands.intake_demand(context.uow(), actor=OPERATOR, data=demands.IntakeInput(
            f"商户占道经营{n + 1}", f"黄兴中路{n + 1}号商户把货架摆上人行道，影响通行。",
            DemandKind.ENFORCEMENT, DemandSource.HOTLINE, DemandNature.COMPLAINT,
            address=f"黄兴中路{n + 1}号"))
        ids.append(row.id)
    return DocStreet(context, tuple(ids))


def draft_letter(street: DocStreet, n: int = 0) -> DocumentRow:
    detail = docs.create_draft(street.context.uow(), actor=CLERK, kind=DocumentKind.LETTER,
                               source_id=street.demand_ids[n])
    return detail.row


def submitted_letter(street: DocStreet, n: int = 0) -> DocumentRow:
    row = draft_letter(street, n)
    return docs.submit(street.context.uow(), actor=CLERK, document_id=row.id)


def approved_letter(street: DocStreet, n: int = 0) -> DocumentRow:
    row = submitted_letter(street, n)
    return docs.approve(street.context.uow(), actor=DIRECTOR, document_id=row.id)
