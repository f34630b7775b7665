"""Reading the records a document is drafted from (shared by the document kinds).

Every kind fills its fields from the same few facts: the issuing organ and the
sub-center, a demand or whistle found by id or by its printed number, unit names, the
responsibility list item (the legal basis) and deadlines counted in working days on
the official calendar. Personal data is masked here, once, before it reaches a field.
All functions run inside a unit of work the caller has opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from desktop.clock import today
from desktop.domain.errors import NotFoundError
from desktop.domain.workdays import CalendarUnknownError
from desktop.services.calendar import calendar_in
from local_db.models import Demand, Grid, ResponsibilityItem, Unit
from local_db.models.demands import Handover, Whistle
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Issuer:
    """Who issues: the street office (发文机关) and the sub-center that drafts."""

    organ: str  # 长沙市芙蓉区芙蓉街道办事处
    street: str  # 芙蓉街道
    center: str  # 芙蓉街道综合指挥分中心
    prefix: str  # 芙街


def issuer(uow: UnitOfWork) -> Issuer:
    sub_center = uow.sub_center.get()
    if sub_center is None:
        return Issuer("（发文机关）", "（街道）", "（综合指挥分中心）", "")
    return Issuer(sub_center.issuing_authority, sub_center.street_name,
                  sub_center.center_name, sub_center.doc_prefix)


def find_demand(uow: UnitOfWork, key: str) -> Demand | None:
    """A demand by id or by 受理编号."""
    key = key.strip()
    return uow.demands.get(key) or uow.demands.by_number(key)


def require_demand(uow: UnitOfWork, key: str) -> Demand:
    demand = find_demand(uow, key)
    if demand is None:
        raise NotFoundError(f"找不到诉求“{key}”：请按受理编号或在诉求列表中重新选择。")
    return demand


def find_whistle(uow: UnitOfWork, key: str) -> Whistle | None:
    """A whistle by id or by 哨号."""
    key = key.strip()
    return uow.session.get(Whistle, key) or uow.session.scalars(
        select(Whistle).where(Whistle.number == key)).first()


def find_handover(uow: UnitOfWork, key: str) -> Handover | None:
    return uow.session.get(Handover, key.strip())


def unit_name(uow: UnitOfWork, unit_id: str | None, default: str = "") -> str:
    unit = uow.session.get(Unit, unit_id) if unit_id else None
    return unit.name if unit else default


def contact_fields(uow: UnitOfWork) -> dict[str, str]:
    """联系人 and 联系电话 of a document: the street office's contact in the unit
    directory (an office phone, not a personal one); empty when the office has none."""
    office = uow.session.scalars(select(Unit).where(Unit.kind == "street_office",
                                                    Unit.retired.is_(False))).first()
    return {"contact_person": office.contact_person if office else "",
            "contact_phone": office.contact_phone if office else ""}


def unit_of(uow: UnitOfWork, unit_id: str | None) -> Unit | None:
    return uow.session.get(Unit, unit_id) if unit_id else None


def cooperating_names(uow: UnitOfWork, demand: Demand) -> list[str]:
    names = [unit_name(uow, unit_id) for unit_id in uow.demands.cooperating_unit_ids(demand.id)]
    return [name for name in names if name]


def item_of(uow: UnitOfWork, item_id: str | None) -> ResponsibilityItem | None:
    return uow.responsibilities.item(item_id) if item_id else None


def one_line(text: str) -> str:
    """A multi-line list cell as one sentence: lines joined, no final stop."""
    return "".join(part.strip() for part in text.splitlines()).strip().rstrip("。；;，,")


def legal_basis(item: ResponsibilityItem | None) -> str:
    """The item's legal basis (several laws joined with 、), or a request to fill it in."""
    if item is None or not item.legal_basis.strip():
        return "（请填写法律法规依据）"
    laws = [one_line(part) for part in item.legal_basis.replace(";", "；").split("；")]
    return "、".join(law for law in laws if law)


def item_phrase(item: ResponsibilityItem | None) -> str:
    """"属地管理事项清单第SC-005项“校园周边食品安全”" or ""."""
    if item is None:
        return ""
    return f"属地管理事项清单第{item.code}项“{item.name}”"


def grid_place(uow: UnitOfWork, grid_id: str | None) -> str:
    """"朝阳社区第01网格" style: community and grid names."""
    grid = uow.session.get(Grid, grid_id) if grid_id else None
    if grid is None:
        return ""
    community = grid.community.name if grid.community else ""
    return grid.name if grid.name.startswith(community) else f"{community}{grid.name}"


def chinese_date(day: date | datetime) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_moment(moment: datetime) -> str:
    return f"{chinese_date(moment)}{moment.hour}时{moment.minute:02d}分"


@dataclass(frozen=True)
class WorkdayDeadline:
    """n working days after ``start``, as a date (None when the calendar lacks the year)."""

    workdays: int
    due: date | None

    @property
    def text(self) -> str:
        if self.due is None:
            return f"{self.workdays}个工作日内"
        return f"{self.workdays}个工作日内（{chinese_date(self.due)}前）"

    @property
    def due_text(self) -> str:
        return chinese_date(self.due) if self.due else f"收文后{self.workdays}个工作日"


def workday_deadline(uow: UnitOfWork, start: date, workdays: int) -> WorkdayDeadline:
    try:
        return WorkdayDeadline(workdays, calendar_in(uow).add_workdays(start, workdays))
    except CalendarUnknownError:
        return WorkdayDeadline(workdays, None)


def workdays_overdue(uow: UnitOfWork, deadline: datetime | None, on: date) -> int:
    """Working days past ``deadline`` on ``on`` (0 when not overdue or unknown)."""
    if deadline is None or on <= deadline.date():
        return 0
    try:
        return max(0, calendar_in(uow).workdays_between(deadline.date(), on))
    except CalendarUnknownError:
        return (on - deadline.date()).days


def drafted_on() -> str:
    """The drafting day, stored in the fields so that a draft renders the same later."""
    return today().isoformat()


def field_date(fields: dict[str, object], issued_on: date | None) -> date:
    """The date printed on a document: the issue date, else the drafting day."""
    if issued_on is not None:
        return issued_on
    raw = str(fields.get("drafted_on") or "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return date(2000, 1, 1)
