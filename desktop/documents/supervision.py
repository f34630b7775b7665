"""督办单 (supervision notice) for a demand that is late or about to be.

It names the matter (the demand, 受理编号, where), the unit responsible and the
cooperating ones, the original deadline and how many working days it is overdue, the
requirement — finish within N working days (a date on the official calendar) and report
in writing — and the demand's history of returns, extensions and earlier 督办 as a
table. The 督办 number is the document's number (芙街督〔2026〕N号), taken at approval.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from desktop.documents import records
from desktop.documents.fields import items, official_text, table_rows, text
from desktop.documents.font_roles import FontSet
from desktop.documents.general import GeneralDocument, Table, render_general
from desktop.documents.official import Level, Paragraph
from desktop.domain.demand_states import DemandAction, DemandStatus
from desktop.domain.errors import NotFoundError
from local_db.models import Demand
from local_db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from desktop.domain.actor import Actor
    from desktop.services.documents import DocumentDetail

SUPERVISION_WORKDAYS = 3  # 督办: finish and report within 3 working days (editable)
OPEN = (DemandStatus.TRIAGED, DemandStatus.DISPATCHED, DemandStatus.HANDLING,
        DemandStatus.RETURNED, DemandStatus.REPORTED)
HISTORY = (DemandAction.DISPATCH, DemandAction.RETURN, DemandAction.REQUEST_EXTENSION,
           DemandAction.DECIDE_EXTENSION, DemandAction.SUSPEND, DemandAction.RESUME,
           DemandAction.REJECT, DemandAction.SUPERVISE, DemandAction.REOPEN)
HISTORY_HEADERS = ("日期", "事项", "情况")
LABELS = {"matter": "督办事项", "lead_unit": "责任单位", "cooperating": "配合单位（每行一个）",
          "original_deadline": "原办理时限", "overdue": "逾期情况", "requirement": "督办要求",
          "history": "办理及督办记录（日期｜事项｜情况）"}


def draft(uow: UnitOfWork, source_id: str) -> dict[str, Any]:
    with uow:
        demand = records.require_demand(uow, source_id)
        return _fields(uow, demand)


def _fields(uow: UnitOfWork, demand: Demand) -> dict[str, Any]:
    issuer = records.issuer(uow)
    today = date.fromisoformat(records.drafted_on())
    item = records.item_of(uow, demand.responsibility_item_id)
    lead = records.unit_name(uow, demand.lead_unit_id) or (item.lead_unit if item else "")
    due = records.workday_deadline(uow, today, SUPERVISION_WORKDAYS)
    late = records.workdays_overdue(uow, demand.deadline_at, today)
    place = records.grid_place(uow, demand.grid_id)
    history = _history(uow, demand)
    earlier = sum(1 for row in history if row[1] == DemandAction.SUPERVISE.label)
    return {
        "drafted_on": today.isoformat(), "issuing_organ": issuer.organ, "sender": issuer.organ,
        "recipient": lead or "（责任单位）", "title": "督办单",
        "demand_number": demand.number,
        "matter": (f"{records.chinese_date(demand.received_at)}受理的“{demand.title.strip()}”"
                   f"（受理编号{demand.number}），地点：{demand.address}"
                   + (f"，位于{place}" if place else "") + f"。{demand.content.strip().rstrip('。')}。"),
        "lead_unit": lead, "cooperating": "\n".join(records.cooperating_names(uow, demand)),
        "original_deadline": _deadline_text(demand.deadline_at),
        "overdue_workdays": late,
        "overdue": (f"截至{records.chinese_date(today)}，已逾期{late}个工作日"
                    + (f"，此前已督办{earlier}次" if earlier else "") if late else
                    f"截至{records.chinese_date(today)}尚未办结，即将到期") + "。",
        "deadline_workdays": SUPERVISION_WORKDAYS,
        "deadline": due.due.isoformat() if due.due else "",
        "requirement": (f"请贵单位高度重视，于{due.text}办结，并将办理情况书面报告"
                        f"{issuer.center}。逾期未办结的，将按规定通报并纳入年度考核。"),
        "history": history, "legal_basis": records.legal_basis(item) if item else "",
        "contact_person": "", "contact_phone": "", "cc": "",
    }


def _deadline_text(deadline: datetime | None) -> str:
    """A day's end (23:59) prints as the day; a deadline in hours keeps its time."""
    if deadline is None:
        return "（未设定）"
    if (deadline.hour, deadline.minute) == (23, 59):
        return records.chinese_date(deadline)
    return records.chinese_moment(deadline)


def _history(uow: UnitOfWork, demand: Demand) -> list[list[str]]:
    rows = []
    for step in uow.demands.steps(demand.id):
        action = DemandAction.from_label(step.action) or _action(step.action)
        if action not in HISTORY:
            continue
        unit = records.unit_name(uow, step.unit_id)
        note = records.one_line(step.note) or unit or ""
        rows.append([f"{step.occurred_at:%Y-%m-%d}", action.label, note])
    return rows


def _action(code: str) -> DemandAction | None:
    try:
        return DemandAction(code)
    except ValueError:
        return None


def body_blocks(fields: dict[str, Any]) -> tuple[Paragraph | Table, ...]:
    cooperating = "、".join(items(fields.get("cooperating")))
    blocks: list[Paragraph | Table] = [
        Paragraph("一、督办事项", Level.H1), Paragraph(text(fields, "matter")),
        Paragraph("二、责任单位", Level.H1),
        Paragraph(f"主责单位：{text(fields, 'lead_unit')}。"
                  + (f"配合单位：{cooperating}。" if cooperating else "")),
        Paragraph("三、办理时限及逾期情况", Level.H1),
        Paragraph(f"原办理时限：{text(fields, 'original_deadline')}。{text(fields, 'overdue')}"),
        Paragraph("四、督办要求", Level.H1), Paragraph(text(fields, "requirement")),
    ]
    basis = text(fields, "legal_basis")
    if basis:
        blocks.append(Paragraph(f"依据：{basis}。"))
    history = table_rows(fields.get("history"), 3)
    if history:
        blocks += [Paragraph("五、办理及督办记录", Level.H1),
                   Table(HISTORY_HEADERS, history, (2.2, 2.0, 6.0))]
    return tuple(blocks)


def render(fields: dict[str, Any], *, number: str | None, issued_on: date | None,
           fonts: FontSet, seal_png: Path | None) -> bytes:
    day = records.field_date(fields, issued_on)
    document = GeneralDocument(
        mark=text(fields, "issuing_organ"), number=number or "",
        text=official_text(fields, day, seal_png, paragraphs=()), blocks=body_blocks(fields),
        author=text(fields, "sender"))
    return render_general(document, fonts)


def sample_source(uow: UnitOfWork) -> str | None:
    """The most overdue open demand (the demo street has ten), else any open one."""
    with uow:
        now = datetime.combine(date.fromisoformat(records.drafted_on()), datetime.min.time())
        row = uow.session.scalars(
            select(Demand).where(Demand.status.in_([s.value for s in OPEN]),
                                 Demand.deadline_at.is_not(None))
            .order_by(Demand.deadline_at < now, Demand.deadline_at, Demand.number)).all()
        late = [d for d in row if d.deadline_at is not None and d.deadline_at < now]
        chosen = late[0] if late else (row[0] if row else None)
        return chosen.id if chosen else None


def draft_supervision_document(uow: UnitOfWork, *, actor: Actor,
                               demand_id: str) -> DocumentDetail:
    """起草督办单 for a demand (the supervision tab's button): a document draft through
    the document life (``DOCUMENT_DRAFT`` checked and audited there)."""
    from desktop.documents.kinds import DocumentKind
    from desktop.services.documents import create_draft

    with uow:
        if records.find_demand(uow, demand_id) is None:
            raise NotFoundError(f"找不到诉求“{demand_id}”：请在督办列表中重新选择。")
    return create_draft(uow, actor=actor, kind=DocumentKind.SUPERVISION, source_id=demand_id)
