"""函告 drafted from a demand or a whistle, rendered by ``letter.render_letter``.

The letter tells the responsible department why (what was reported, where, when, how it
was found), what the matter is with the legal basis from the responsibility list item,
and what is asked with a completion deadline counted in working days to a date; it
ends "特此函告。". The reporter's name and phone never appear (the department reaches
the reporter through the sub-center).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.documents import records
from desktop.documents.fields import official_text, text
from desktop.documents.font_roles import FontSet
from desktop.documents.letter import LetterContent, render_letter
from desktop.domain.deadlines import DemandSource
from desktop.domain.errors import NotFoundError
from local_db.models import Demand, Unit, Whistle
from local_db.unit_of_work import UnitOfWork

LETTER_WORKDAYS = 5  # 函告: 5 working days to finish and reply (editable in the text)
TOUGH_WHISTLE_WORKDAYS = 5  # seed 004: 攻坚哨 5 个工作日内提出解决措施
WHISTLE_WORKDAYS = 3
HOW_FOUND = {
    DemandSource.HOTLINE: "通过12345热线受理群众反映",
    DemandSource.GRID_REPORT: "网格员在日常巡查中发现",
    DemandSource.WALK_IN: "接到群众来访反映",
    DemandSource.DISTRICT_DISPATCH: "收到区级派单",
    DemandSource.DEPUTIES: "收到人大代表、政协委员反映",
    DemandSource.PETITION: "收到群众信访反映",
    DemandSource.DEPARTMENT_TRANSFER: "收到部门转办",
}


def draft(uow: UnitOfWork, source_id: str) -> dict[str, Any]:
    with uow:
        demand = records.find_demand(uow, source_id)
        if demand is not None:
            return _from_demand(uow, demand)
        whistle = records.find_whistle(uow, source_id)
        if whistle is not None:
            return _from_whistle(uow, whistle)
    raise NotFoundError(f"找不到诉求或吹哨“{source_id}”：函告须从一件诉求或一次吹哨起草。")


def _common(uow: UnitOfWork) -> dict[str, Any]:
    issuer = records.issuer(uow)
    return {"drafted_on": records.drafted_on(), "issuing_organ": issuer.organ,
            "sender": issuer.organ,
            **records.contact_fields(uow)}


def _from_demand(uow: UnitOfWork, demand: Demand) -> dict[str, Any]:
    item = records.item_of(uow, demand.responsibility_item_id)
    recipient = records.unit_name(uow, demand.lead_unit_id) or (item.lead_unit if item else "")
    place = records.grid_place(uow, demand.grid_id)
    where = demand.address + (f"，位于{place}" if place else "")
    how = HOW_FOUND.get(DemandSource(demand.source), "受理群众反映")
    due = records.workday_deadline(uow, date.fromisoformat(records.drafted_on()), LETTER_WORKDAYS)
    content = demand.content.strip().rstrip("。") + "。"
    lines = [
        f"{records.chinese_date(demand.received_at)}，我街道综合指挥分中心{how}"
        f"（受理编号{demand.number}）：{where}，{content}",
        _basis_sentence(item),
        f"请贵单位依法核查处理，于{due.text}办结，并将办理结果函复我街道综合指挥分中心。",
    ]
    if item is not None and item.street_duty.strip():
        lines.append(f"我街道将按照清单职责，{records.one_line(item.street_duty)}。")
    lines.append("特此函告。")
    attachments = ["诉求受理单"] + [link.file_name for link, _ in
                                     uow.demands.demand_attachments(demand.id)]
    return {**_common(uow), "recipient": recipient or "（主送机关）",
            "title": f"关于{demand.title.strip()}问题的函", "body": "\n".join(lines),
            "attachments": "\n".join(attachments),
            "cc": "\n".join(records.cooperating_names(uow, demand)),
            "deadline_workdays": LETTER_WORKDAYS,
            "deadline": due.due.isoformat() if due.due else ""}


def _basis_sentence(item: Any) -> str:
    if item is None:
        return "经核查，该事项依法属于贵单位职责范围（请填写法律法规依据）。"
    duty = records.one_line(item.district_duty)
    return (f"经核查，该事项属于{records.item_phrase(item)}，依据{records.legal_basis(item)}，"
            f"{'区级职责为：' + duty + '，' if duty else ''}依法由贵单位负责处理。")


def _from_whistle(uow: UnitOfWork, whistle: Whistle) -> dict[str, Any]:
    item = records.item_of(uow, whistle.responsibility_item_id)
    units = [records.unit_name(uow, target.unit_id) for target in whistle.targets]
    units = [name for name in units if name]
    workdays = TOUGH_WHISTLE_WORKDAYS if whistle.kind == "hard" else WHISTLE_WORKDAYS
    due = records.workday_deadline(uow, date.fromisoformat(records.drafted_on()), workdays)
    content = whistle.content.strip().rstrip("。") + "。"
    lines = [
        f"{records.chinese_date(whistle.called_at)}，我街道就“{whistle.title.strip()}”吹哨"
        f"（哨号{whistle.number}）：{content}",
        _basis_sentence(item),
        f"请贵单位按照“街道吹哨、部门报到”工作要求，于{due.text}提出解决措施并办结，"
        "将办理结果函复我街道综合指挥分中心。",
        "特此函告。",
    ]
    return {**_common(uow), "recipient": units[0] if units else "（主送机关）",
            "title": f"关于{whistle.title.strip()}问题的函", "body": "\n".join(lines),
            "attachments": "", "cc": "\n".join(units[1:]),
            "deadline_workdays": workdays, "deadline": due.due.isoformat() if due.due else ""}


def render(fields: dict[str, Any], *, number: str | None, issued_on: date | None,
           fonts: FontSet, seal_png: Path | None) -> bytes:
    day = records.field_date(fields, issued_on)
    body = official_text(fields, day, seal_png)
    content = LetterContent(
        issuing_organ=text(fields, "issuing_organ"), doc_number=number or "",
        recipient=body.recipient, title=body.title, paragraphs=body.paragraphs,
        sender=body.sign_off.sender, date=day, attachments=body.attachments, seal_png=seal_png,
        contact_person=text(fields, "contact_person"), contact_phone=text(fields, "contact_phone"),
        cc=body.cc)
    return render_letter(content, fonts)


def sample_source(uow: UnitOfWork) -> str | None:
    """An enforcement demand routed to a department with a list item, else any demand."""
    with uow:
        rows = uow.session.scalars(
            select(Demand).join(Unit, Unit.id == Demand.lead_unit_id)
            .where(Demand.responsibility_item_id.is_not(None), Unit.kind != "street_office")
            .order_by(Demand.received_at.desc(), Demand.number)).all()
        chosen = next((d for d in rows if d.kind == "enforcement"), rows[0] if rows else None)
        if chosen is None:
            chosen = uow.session.scalars(select(Demand).order_by(Demand.number).limit(1)).first()
        return chosen.id if chosen else None
