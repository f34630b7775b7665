"""A joint action planned in the demo street, for the action notice's sample and tests.

The demo street does not plan joint actions yet; this plans one through the actions
use cases (``desktop.services.joint_actions``), the way a director would: a market
inspection led by the market regulation office with the street's team, two days
after ``on`` at 9:00–11:30, triggered by the demo's food-safety demands, staffed with
officers holding a valid certificate. Returns the action's id. Once the demo street
plans its own actions, ``action_notice.sample_source`` finds those instead.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from desktop.domain.action_states import ActionType, ParticipantRole
from desktop.domain.actor import Actor, Role
from desktop.domain.roster import EnforcementDomain
from local_db.models import Certificate, Demand, Officer, Unit
from local_db.unit_of_work import UnitOfWork

DIRECTOR = Actor("赵国强", Role.DIRECTOR)


def plan_sample_action(uow_factory: object, on: date) -> str:
    """Plan (and staff) the sample action; ``uow_factory`` is ``context.uow``."""
    from desktop.services.action_building import ActionPlanInput, NeedInput, ParticipantInput
    from desktop.services.joint_actions import create_action, set_participants

    with uow_factory() as uow:  # type: ignore[operator]
        lead, team = _unit(uow, "芙蓉市场监管所"), _unit(uow, "街道执法队")
        demands = tuple(uow.session.scalars(
            select(Demand.id).where(Demand.title.like("%过期%")).order_by(Demand.number)
            .limit(3)).all())
        officers = _certified(uow, on)
    start = datetime.combine(on + timedelta(days=2), time(9, 0))
    data = ActionPlanInput(
        title="校园周边食品安全联合检查", action_type=ActionType.INSPECTION,
        domain=EnforcementDomain.MARKET_REGULATION, starts_at=start,
        ends_at=start.replace(hour=11, minute=30), demand_ids=demands,
        lead_unit_id=lead, cooperating_unit_ids=(team,) if team else (),
        content="重点检查校园周边超市、小餐饮店的食品进货查验记录和过期食品下架情况，"
                "对流动摊贩进行劝离",
        places="芙蓉区晚报大道合平小区周边、嘉雨路火车站宿舍周边",
        equipment="执法车2辆、执法记录仪4台、快检设备1套",
        needs=(NeedInput(lead, EnforcementDomain.MARKET_REGULATION, 2, 2),
               NeedInput(team, None, 2, 1)))
    detail = create_action(uow_factory(), actor=DIRECTOR, data=data)  # type: ignore[operator]
    roles = [ParticipantRole.LEADER] + [ParticipantRole.ENFORCER] * 2 + [ParticipantRole.SUPPORT]
    participants = [ParticipantInput(officer, role) for officer, role in zip(officers, roles, strict=False)]
    set_participants(uow_factory(), actor=DIRECTOR, action_id=detail.row.id,  # type: ignore[operator]
                     expected_version=detail.row.version if hasattr(detail.row, "version") else 1,
                     participants=participants)
    return detail.row.id


def _unit(uow: UnitOfWork, short_name: str) -> str | None:
    return uow.session.scalars(select(Unit.id).where(Unit.short_name == short_name)).first()


def _certified(uow: UnitOfWork, on: date) -> list[str]:
    return list(uow.session.scalars(
        select(Officer.id).join(Certificate, Certificate.officer_id == Officer.id)
        .where(Certificate.revoked.is_(False), Certificate.valid_until >= on + timedelta(days=3),
               Officer.status == "on_duty")
        .group_by(Officer.id).order_by(Officer.name).limit(4)).all())
