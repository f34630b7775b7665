"""联合执法行动通知 (joint action notice) in the GB/T 9704 general format.

Filled from a joint action (local_db/models/actions.py): the organisation (who leads,
who cooperates, who commands), the goal, scope and focus (places, grids, the demands
that triggered it), the division of duties with the named participants as a table,
the time window and place, the forces asked for, the legal basis (the responsibility
list item) and the requirements, with the report-back deadline counted in working
days to a date. The body is one editable text with 一、 headings; the participants
table stays a table.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select

from desktop.documents import records
from desktop.documents.fields import official_text, parse_body, table_rows, text
from desktop.documents.font_roles import FontSet
from desktop.documents.general import GeneralDocument, Table, render_general
from desktop.documents.official import Paragraph
from desktop.domain.errors import NotFoundError
from desktop.domain.roster import EnforcementDomain
from local_db.models import Certificate, Officer
from local_db.models.actions import ActionParticipant, JointAction
from local_db.unit_of_work import UnitOfWork

REPORT_WORKDAYS = 2  # results reported to the sub-center within 2 working days
PARTICIPANT_HEADERS = ("序号", "姓名", "所在单位", "职责", "执法证号")
ROLE_LABELS = {"leader": "带队", "enforcer": "执法人员", "support": "协助"}
TYPE_LABELS = {"campaign": "专项整治", "inspection": "联合检查", "emergency": "应急处置",
               "clearance": "集中清理", "night_patrol": "夜间巡查", "other": "联合执法"}
LABELS = {"participants": "参加人员（姓名｜单位｜职责｜执法证号）"}


def draft(uow: UnitOfWork, source_id: str) -> dict[str, Any]:
    with uow:
        action = uow.session.get(JointAction, source_id.strip()) or uow.session.scalars(
            select(JointAction).where(JointAction.number == source_id.strip())).first()
        if action is None:
            raise NotFoundError(f"找不到联合执法行动“{source_id}”：请在联合执法中重新选择。")
        return _fields(uow, action)


def _domain_label(code: str | None) -> str:
    try:
        return EnforcementDomain(code).label if code else ""
    except ValueError:
        return code or ""


def _fields(uow: UnitOfWork, action: JointAction) -> dict[str, Any]:
    issuer = records.issuer(uow)
    lead = next((records.unit_name(uow, u.unit_id) for u in action.units if u.role == "lead"),
                "") or records.unit_name(uow, action.lead_unit_id)
    cooperating = [records.unit_name(uow, u.unit_id) for u in action.units if u.role != "lead"]
    cooperating = [name for name in cooperating if name and name != lead]
    item = records.item_of(uow, action.responsibility_item_id)
    participants = _participants(uow, action)
    values = ActionValues(
        title=action.title.strip(), kind=TYPE_LABELS.get(action.action_type, "联合执法"),
        domain=_domain_label(action.domain), lead=lead, cooperating=tuple(cooperating),
        starts_at=action.starts_at, ends_at=action.ends_at,
        places=records.one_line(action.places.replace("\n", "、")),
        grids=tuple(records.grid_place(uow, g.grid_id) for g in action.grids),
        demands=len(action.demands), content=action.content.strip(),
        forces=_forces(uow, action), basis=records.legal_basis(item) if item else "",
        leaders=tuple(p[0] for p in participants if p[2] == ROLE_LABELS["leader"]),
        equipment=records.one_line(action.equipment), center=issuer.center,
        staffed=bool(participants),
        report_due=records.workday_deadline(uow, action.ends_at.date(), REPORT_WORKDAYS))
    return {
        "drafted_on": records.drafted_on(), "issuing_organ": issuer.organ, "sender": issuer.organ,
        "recipient": "、".join([lead, *cooperating]) or "（参加单位）",
        "title": notice_title(values.title), "body": notice_body(values),
        "participants": participants, **records.contact_fields(uow),
        "cc": "", "printer": issuer.center, "action_number": action.number,
    }


def _participants(uow: UnitOfWork, action: JointAction) -> list[list[str]]:
    rows = []
    order = {"leader": 0, "enforcer": 1, "support": 2}
    for participant in sorted(action.participants, key=lambda p: (order.get(p.role, 3), p.id)):
        officer = uow.session.get(Officer, participant.officer_id)
        if officer is None:
            continue
        certificate = uow.session.scalars(
            select(Certificate.number).where(Certificate.officer_id == officer.id,
                                             Certificate.revoked.is_(False))
            .order_by(Certificate.valid_until.desc())).first()
        unit = officer.source_unit.name if officer.source_unit else ""
        rows.append([officer.name, unit, ROLE_LABELS.get(participant.role, participant.role),
                     certificate or ""])
    return rows


def _forces(uow: UnitOfWork, action: JointAction) -> tuple[str, ...]:
    needs = []
    for need in action.needs:
        unit = records.unit_name(uow, need.unit_id) or "各参加单位"
        domain = _domain_label(need.domain) or _domain_label(action.domain)
        held = f"（其中持{domain}执法证件{need.certified}人）" if need.certified else ""
        needs.append(f"{unit}{need.count}人{held}")
    return tuple(needs)


class ActionValues:
    """The facts the notice's text is written from (also used without a stored action)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    title: str
    kind: str
    domain: str
    lead: str
    cooperating: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    places: str
    grids: tuple[str, ...]
    demands: int
    content: str
    forces: tuple[str, ...]
    basis: str
    leaders: tuple[str, ...]
    equipment: str
    center: str
    report_due: records.WorkdayDeadline
    staffed: bool  # participants named (the notice then lists them in a table)


def _subject(title: str) -> str:
    if "行动" in title:
        return title
    return f"{title}行动" if title.endswith(("检查", "整治", "清理", "巡查", "执法")) \
        else f"{title}联合执法行动"


def notice_title(title: str) -> str:
    return f"关于开展{_subject(title)}的通知"


def _window(start: datetime, end: datetime) -> str:
    def moment(at: datetime) -> str:
        return f"{at.hour}时" + (f"{at.minute}分" if at.minute else "")
    if end.date() == start.date() or end == datetime.combine(start.date(), time()):
        return f"{records.chinese_date(start)}{moment(start)}至{moment(end)}"
    return f"{records.chinese_date(start)}{moment(start)}至{records.chinese_date(end)}{moment(end)}"


def notice_body(v: ActionValues) -> str:
    """The editable body text (paragraph per line, 一、 headings)."""
    subject = _subject(v.title)
    basis = f"根据{v.basis}等规定，" if v.basis else ""
    scope = "、".join(part for part in (v.places, "、".join(g for g in v.grids if g)) if part)
    lines = [
        f"为集中解决{v.title}中群众反映强烈的突出问题，形成执法合力，{basis}经研究，"
        f"决定于{_window(v.starts_at, v.ends_at)}开展{subject}。现将有关事项通知如下：",
        "一、组织领导",
        f"本次行动由{v.center}统一指挥调度，{v.lead or '主责单位'}牵头负责"
        + (f"，{'、'.join(v.cooperating)}配合" if v.cooperating else "") + "。"
        + (f"现场带队：{'、'.join(v.leaders)}。" if v.leaders else ""),
        "二、行动目标",
        f"以{v.domain or v.kind}领域为重点，依法查处违法违规行为，做到发现一起、查处一起、整改一起，"
        "推动问题整改到位并防止反弹。",
        "三、范围和重点",
        f"行动范围：{scope or '（行动地点）'}。"
        + (f"重点处置群众反映的{v.demands}件相关诉求。" if v.demands else ""),
        "四、职责分工",
        f"（一）主责单位。{v.lead or '（主责单位）'}负责现场执法检查、调查取证和案件查处。",
    ]
    if v.cooperating:
        lines.append(f"（二）配合单位。{'、'.join(v.cooperating)}按照各自职责做好配合，"
                     "依法处理职责范围内的问题。")
    lines.append(f"（{'三' if v.cooperating else '二'}）参加人员。"
                 + ("名单见下表。" if getattr(v, "staffed", True)
                    else "由各参加单位按力量安排确定，名单于行动前报分中心。"))
    lines += ["五、时间地点", f"行动时间：{_window(v.starts_at, v.ends_at)}。"
              f"集合地点：{v.places.split('、')[0] if v.places else '（集合地点）'}。"]
    if v.forces:
        lines.append(f"力量安排：{'；'.join(v.forces)}。"
                     + (f"装备：{v.equipment}。" if v.equipment else ""))
    lines += ["六、工作要求"]
    if v.content:
        lines.append(f"（一）突出检查重点。{records.one_line(v.content)}。")
    lines += [
        f"（{'二' if v.content else '一'}）严格规范执法。参加人员须持有效执法证件，着装规范，"
        "全程使用执法记录仪，做到文明执法。",
        f"（{'三' if v.content else '二'}）及时报送结果。请主责单位于行动结束后{v.report_due.text}"
        f"将行动结果（检查户数、发现问题、立案、整改情况）报送{v.center}。",
    ]
    return "\n".join(lines)


def body_blocks(fields: dict[str, Any]) -> tuple[Paragraph | Table, ...]:
    """The body with the participants table after the line that refers to it."""
    paragraphs = parse_body(text(fields, "body"))
    rows = table_rows(fields.get("participants"), 4)
    table = Table(PARTICIPANT_HEADERS, tuple((str(n), *row) for n, row in enumerate(rows, 1)),
                  (1.1, 1.7, 5.7, 2.0, 3.3))
    blocks: list[Paragraph | Table] = []
    placed = not rows
    for paragraph in paragraphs:
        blocks.append(paragraph)
        if not placed and "名单见下表" in paragraph.text + paragraph.tail:
            blocks.append(table)
            placed = True
    if not placed:
        blocks.append(table)
    return tuple(blocks)


def render(fields: dict[str, Any], *, number: str | None, issued_on: date | None,
           fonts: FontSet, seal_png: Path | None) -> bytes:
    day = records.field_date(fields, issued_on)
    document = GeneralDocument(
        mark=text(fields, "issuing_organ"), number=number or "",
        text=official_text(fields, day, seal_png, paragraphs=()), blocks=body_blocks(fields),
        printer=text(fields, "printer"),
        printed_on=day, author=text(fields, "sender"))
    return render_general(document, fonts)


def sample_source(uow: UnitOfWork) -> str | None:
    """The latest action that is not a cancelled one, a staffed one first (a notice goes
    out with its participants); None when there are no actions."""
    staffed = exists().where(ActionParticipant.action_id == JointAction.id)
    with uow:
        action = uow.session.scalars(
            select(JointAction).where(JointAction.state != "cancelled")
            .order_by(staffed.desc(), JointAction.starts_at.desc(), JointAction.number)).first()
        return action.id if action else None

