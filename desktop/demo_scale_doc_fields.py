"""The editable text fields of the scale data set's documents, kind by kind, with the
same keys and wording as the kind modules' own drafts (desktop/documents/letter_kind,
supervision, handover, action_notice: a test compares the keys), but dated on the day
each document was drafted, years ago for most, not today.

Why not call the kinds' ``draft``: it reads its record through the ORM and dates the
text today; 10,000 documents are filled here from values read once (``Facts``) in a
few milliseconds each. Where a kind's draft leaves a placeholder for what the records
lack (the 当事人 of a 移送书, a missing legal basis), these approved documents carry
what the clerk typed in, as a real register would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.demo_scale_actions import MadeAction, WhistleRef
from desktop.demo_scale_samples import DemandSample
from desktop.documents import records
from desktop.documents.action_notice import (
    REPORT_WORKDAYS,
    ROLE_LABELS,
    TYPE_LABELS,
    ActionValues,
    notice_body,
    notice_title,
)
from desktop.documents.handover import HANDOVER_WORKDAYS, SOURCE_WORDS
from desktop.documents.letter_kind import (
    HOW_FOUND,
    LETTER_WORKDAYS,
    TOUGH_WHISTLE_WORKDAYS,
    WHISTLE_WORKDAYS,
)
from desktop.documents.supervision import SUPERVISION_WORKDAYS
from desktop.domain.deadlines import DemandSource
from desktop.domain.demand_states import DemandAction
from desktop.domain.joint_actions import OfficerFacts
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar
from local_db.models import ResponsibilityItem


@dataclass(frozen=True)
class Facts:
    """Everything the fields are written from, read once in the loader's unit of work."""

    issuer: records.Issuer
    units: dict[str, str]  # unit id → name
    contact: tuple[str, str]  # the street office's contact person and phone
    places: dict[str, str]  # grid id → "朝阳社区第01网格"
    items: dict[str, ResponsibilityItem]  # item id → item
    officers: dict[str, OfficerFacts]  # the roster
    team: tuple[str, ...]  # officer ids of the street's own team (移送书 signatories)
    calendar: WorkCalendar
    offices: frozenset[str] = frozenset()  # the street's own units (not departments)

    def workdays(self, start: date, n: int) -> records.WorkdayDeadline:
        try:
            return records.WorkdayDeadline(n, self.calendar.add_workdays(start, n))
        except CalendarUnknownError:
            return records.WorkdayDeadline(n, None)

    def overdue(self, deadline: datetime | None, on: date) -> int:
        if deadline is None or on <= deadline.date():
            return 0
        try:
            return max(0, self.calendar.workdays_between(deadline.date(), on))
        except CalendarUnknownError:
            return (on - deadline.date()).days

    def unit(self, unit_id: str | None) -> str:
        return self.units.get(unit_id or "", "")

    def latest_certificate(self, officer_id: str) -> str:
        """The number of the officer's latest certificate not revoked (as the notice's
        own draft lists it), or ""."""
        officer = self.officers.get(officer_id)
        held = [c for c in officer.certificates if not c.revoked] if officer else []
        return max(held, key=lambda c: c.valid_until).number if held else ""

    def certificate(self, officer_id: str, on: date) -> str:
        """The number of the certificate valid on ``on`` (else the latest), or ""."""
        officer = self.officers.get(officer_id)
        if officer is None or not officer.certificates:
            return ""
        valid = [c for c in officer.certificates if c.valid_on(on)]
        chosen = max(valid or officer.certificates, key=lambda c: c.valid_until)
        return chosen.number


def _head(facts: Facts, drafted: date) -> dict[str, Any]:
    return {"drafted_on": drafted.isoformat(), "issuing_organ": facts.issuer.organ,
            "sender": facts.issuer.organ}


def _common(facts: Facts, drafted: date) -> dict[str, Any]:
    return {**_head(facts, drafted), "contact_person": facts.contact[0],
            "contact_phone": facts.contact[1]}


def _basis(item: ResponsibilityItem | None, unit: str) -> str:
    if item is None:
        return f"经核查，该事项依法属于{unit or '贵单位'}职责范围，依法由贵单位负责处理。"
    duty = records.one_line(item.district_duty)
    return (f"经核查，该事项属于{records.item_phrase(item)}，依据{records.legal_basis(item)}，"
            f"{'区级职责为：' + duty + '，' if duty else ''}依法由贵单位负责处理。")


def _where(facts: Facts, demand: DemandSample) -> str:
    place = facts.places.get(demand.grid_id, "")
    return demand.address + (f"，位于{place}" if place else "")


def letter_from_demand(facts: Facts, demand: DemandSample, drafted: date) -> dict[str, Any]:
    item = facts.items.get(demand.item_id or "")
    recipient = facts.unit(demand.lead_unit_id) or (item.lead_unit if item else "")
    due = facts.workdays(drafted, LETTER_WORKDAYS)
    how = HOW_FOUND.get(DemandSource(demand.source), "受理群众反映")
    content = demand.content.strip().rstrip("。") + "。"
    lines = [f"{records.chinese_date(demand.received_at)}，我街道综合指挥分中心{how}"
             f"（受理编号{demand.number}）：{_where(facts, demand)}，{content}",
             _basis(item, recipient),
             f"请贵单位依法核查处理，于{due.text}办结，并将办理结果函复我街道综合指挥分中心。"]
    if item is not None and item.street_duty.strip():
        lines.append(f"我街道将按照清单职责，{records.one_line(item.street_duty)}。")
    lines.append("特此函告。")
    return {**_common(facts, drafted), "recipient": recipient or facts.issuer.organ,
            "title": f"关于{demand.title.strip()}问题的函", "body": "\n".join(lines),
            "attachments": "诉求受理单", "cc": "", "deadline_workdays": LETTER_WORKDAYS,
            "deadline": due.due.isoformat() if due.due else ""}


def letter_from_whistle(facts: Facts, whistle: WhistleRef, drafted: date) -> dict[str, Any]:
    item = facts.items.get(whistle.item_id)
    units = [name for name in (facts.unit(u) for u in whistle.unit_ids) if name]
    workdays = TOUGH_WHISTLE_WORKDAYS if whistle.kind == "hard" else WHISTLE_WORKDAYS
    due = facts.workdays(drafted, workdays)
    lines = [f"{records.chinese_date(whistle.called_at)}，我街道就“{whistle.title.strip()}”吹哨"
             f"（哨号{whistle.number}）：{whistle.content.strip().rstrip('。')}。",
             _basis(item, units[0] if units else ""),
             "请贵单位按照“街道吹哨、部门报到”工作要求，于" + due.text +
             "提出解决措施并办结，将办理结果函复我街道综合指挥分中心。",
             "特此函告。"]
    return {**_common(facts, drafted), "recipient": units[0] if units else facts.issuer.organ,
            "title": f"关于{whistle.title.strip()}问题的函", "body": "\n".join(lines),
            "attachments": "", "cc": "\n".join(units[1:]), "deadline_workdays": workdays,
            "deadline": due.due.isoformat() if due.due else ""}


def _deadline_text(deadline: datetime | None) -> str:
    if deadline is None:
        return "（未设定）"
    if (deadline.hour, deadline.minute) == (23, 59):
        return records.chinese_date(deadline)
    return records.chinese_moment(deadline)


def supervision(facts: Facts, demand: DemandSample, drafted: date) -> dict[str, Any]:
    item = facts.items.get(demand.item_id or "")
    lead = facts.unit(demand.lead_unit_id) or (item.lead_unit if item else "")
    due = facts.workdays(drafted, SUPERVISION_WORKDAYS)
    late = facts.overdue(demand.deadline_at, drafted)
    place = facts.places.get(demand.grid_id, "")
    when = records.chinese_date(drafted)
    return {
        **_head(facts, drafted), "recipient": lead or facts.issuer.organ, "title": "督办单",
        "demand_number": demand.number,
        "matter": (f"{records.chinese_date(demand.received_at)}受理的“{demand.title.strip()}”"
                   f"（受理编号{demand.number}），地点：{demand.address}"
                   + (f"，位于{place}" if place else "")
                   + f"。{demand.content.strip().rstrip('。')}。"),
        "lead_unit": lead, "cooperating": "",
        "original_deadline": _deadline_text(demand.deadline_at), "overdue_workdays": late,
        "overdue": (f"截至{when}，已逾期{late}个工作日" if late else
                    f"截至{when}尚未办结，即将到期") + "。",
        "deadline_workdays": SUPERVISION_WORKDAYS, "deadline": due.due.isoformat() if due.due else "",
        "requirement": (f"请贵单位高度重视，于{due.text}办结，并将办理情况书面报告"
                        f"{facts.issuer.center}。逾期未办结的，将按规定通报并纳入年度考核。"),
        "history": [[f"{demand.received_at:%Y-%m-%d}", DemandAction.DISPATCH.label, lead]],
        "legal_basis": records.legal_basis(item) if item else "",
        "contact_person": "", "contact_phone": "", "cc": "",
    }


def handover(facts: Facts, demand: DemandSample, drafted: date, party: str) -> dict[str, Any]:
    item = facts.items.get(demand.item_id or "")
    receiver = facts.unit(demand.lead_unit_id) or (item.lead_unit if item else "")
    reported = demand.received_at.date()
    due = facts.workdays(reported, HANDOVER_WORKDAYS)
    place = facts.places.get(demand.grid_id, "")
    officers = [f"{facts.officers[o].name}｜{facts.certificate(o, drafted)}"
                for o in facts.team if facts.certificate(o, drafted)][:2]
    return {
        **_head(facts, drafted), "recipient": receiver or facts.issuer.organ,
        "title": "案件移送书", "case": f"{demand.title.strip()}（受理编号{demand.number}）",
        "parties": party, "source": SOURCE_WORDS.get(DemandSource(demand.source), "巡查"),
        "occurred": f"{records.chinese_moment(demand.received_at)}，{demand.address}"
                    + (f"，位于{place}" if place else ""),
        "facts": demand.content.strip(),
        "measures": "网格员现场劝导并拍照取证，分中心已于当日向贵单位报告。",
        "reason": (f"该事项属于{records.item_phrase(item) or '区级部门职责事项'}，"
                   f"依据{records.legal_basis(item) if item else '有关法律法规'}的规定，"
                   "依法应由贵单位管辖"),
        "reported_on": reported.isoformat(), "due_on": due.due.isoformat() if due.due else "",
        "evidence": [["诉求受理单", "1", "1", "复印件"], ["现场照片", "1", "3", "原件"],
                     ["现场检查记录", "1", "1", "原件"]],
        "officers": "\n".join(officers), "contact_person": facts.contact[0],
        "contact_phone": facts.contact[1], "receipt_place": receiver,
        "receipt_method": "直接送达", "receipt_note": "", "cc": "",
    }


def action_notice(facts: Facts, action: MadeAction, drafted: date) -> dict[str, Any]:
    names = facts.units
    lead = names.get(action.lead_id, "")
    cooperating = tuple(n for n in (names.get(u, "") for u in action.staffing.units) if n)
    item = facts.items.get(action.item_id or "")
    people = action.staffing.people
    roles = ["leader" if i == 0 else "enforcer" if p.enforces else "support"
             for i, p in enumerate(people)]
    order = {"leader": 0, "enforcer": 1, "support": 2}  # as the notice's own draft lists them
    rows = [[p.name, p.unit_name, ROLE_LABELS[role], facts.latest_certificate(p.officer_id)]
            for p, role in sorted(zip(people, roles, strict=True), key=lambda x: order[x[1]])]
    forces = tuple(f"{names.get(u, '各参加单位')}{count}人（其中持{d.label}执法证件{certified}人）"
                   for u, d, count, certified in action.staffing.needs)
    values = ActionValues(
        title=action.title, kind=TYPE_LABELS.get(action.template.kind.value, "联合执法"),
        domain=action.template.domain.label, lead=lead, cooperating=cooperating,
        starts_at=action.starts_at, ends_at=action.ends_at, places=action.places,
        grids=tuple(facts.places.get(g, "") for g in action.grid_ids),
        demands=len(action.demand_ids),
        content=action.content, forces=forces,
        basis=records.legal_basis(item) if item else "", leaders=(people[0].name,),
        equipment=action.equipment, center=facts.issuer.center, staffed=bool(people),
        report_due=facts.workdays(action.ends_at.date(), REPORT_WORKDAYS))
    return {**_head(facts, drafted), "recipient": "、".join([lead, *cooperating]),
            "title": notice_title(action.title), "body": notice_body(values),
            "participants": rows, "contact_person": facts.contact[0],
            "contact_phone": facts.contact[1], "cc": "",
            "printer": facts.issuer.center, "action_number": action.number}
