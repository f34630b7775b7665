"""A small enforcement roster and a demand being handled, for the joint action tests.

Built with the non-committing building blocks in one transaction (fixture data, no
audit rows: the tests count the audit rows of their own calls).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desktop.bootstrap import AppContext
from desktop.clock import now
from desktop.domain.action_states import ActionState, ActionType
from desktop.domain.actor import Actor, Role
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_states import DemandAction, HandlingLevel
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.ids import new_id
from desktop.domain.roster import EnforcementDomain, Force, LeaveKind, StaffingType, UnitKind
from desktop.services.action_building import (
    ActionPlanInput,
    ParticipantInput,
    add_action,
    put_participants,
)
from desktop.services.availability import add_leave_period
from desktop.services.calendar import calendar_in
from desktop.services.certificates import attach_certificate
from desktop.services.demand_flow import ActionInput, Routing, add_demand, apply_action
from desktop.services.demand_intake import IntakeInput
from desktop.services.roster import OfficerInput, add_officer
from local_db.models import Unit

PLANNER = Actor("坐席甲", Role.OPERATOR)
DIRECTOR = Actor("刘主任", Role.DIRECTOR)
CITY = EnforcementDomain.URBAN_MANAGEMENT


@dataclass(frozen=True)
class Roster:
    team_unit: str  # 街道综合行政执法队
    city_unit: str  # 区城管执法局
    market_unit: str  # 区市场监管局
    certified: tuple[str, str, str]  # three 城市管理 officers of the team, valid certificates
    city_officer: str  # an X officer of 区城管执法局 with a 城市管理 certificate
    expired: str  # a "1" officer whose 城市管理 certificate expired
    market: str  # an X officer certified for 市场监管 only
    on_leave: str  # a certified team officer on leave next Monday–Friday
    helper: str  # a "Y" 协管员 without a certificate
    demand_id: str  # a demand being handled by 区城管执法局


def id_number(n: int) -> str:
    first17 = f"43010219{80 + n % 20:02d}0612{n:03d}"
    return first17 + gb11643_check_digit(first17)


def next_monday(day: date | None = None) -> date:
    day = day or date.today()
    return day + timedelta(days=7 - day.weekday())


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)


def _unit(uow, name: str, kind: UnitKind) -> str:  # type: ignore[no-untyped-def]
    stamp = now()
    unit = Unit(id=new_id(), version=1, created_at=stamp, updated_at=stamp, name=name,
                short_name="", kind=kind.value, contact_person="", contact_phone="",
                chief_responder="", chief_responder_phone="", from_district=False, retired=False)
    uow.roster.add_unit(unit)
    return unit.id


def build_roster(context: AppContext) -> Roster:
    today = date.today()
    with context.uow() as uow:
        team = _unit(uow, "芙蓉街道综合行政执法队", UnitKind.STREET_OFFICE)
        city = _unit(uow, "区城管执法局", UnitKind.DEPARTMENT)
        market = _unit(uow, "区市场监管局", UnitKind.DEPARTMENT)
        serial = iter(range(1, 100))

        def officer(name: str, force: Force, unit: str, domains: tuple[EnforcementDomain, ...] = (),
                    valid: tuple[date, date] | None = None) -> str:
            n = next(serial)
            person = add_officer(uow, actor=PLANNER, data=OfficerInput(
                name, id_number(n), force, StaffingType.CIVIL_SERVANT, unit_id=unit,
                secondment_start=today - timedelta(days=400) if force is Force.SUNK else None))
            if domains:
                start, end = valid or (today - timedelta(days=365), today + timedelta(days=900))
                attach_certificate(uow, actor=PLANNER, officer=person, number=f"湘430102{n:04d}",
                                   issuing_authority="湖南省人民政府", domains=domains,
                                   valid_from=start, valid_until=end)
            uow.flush()
            return person.id

        certified = (officer("张伟", Force.STREET, team, (CITY,)),
                     officer("王芳", Force.STREET, team, (CITY,)),
                     officer("李强", Force.STREET, team, (CITY,)))
        city_officer = officer("赵磊", Force.SUNK, city, (CITY,))
        expired = officer("陈静", Force.STREET, team, (CITY,),
                          (today - timedelta(days=5 * 365), today - timedelta(days=3)))
        market_officer = officer("孙丽", Force.SUNK, market, (EnforcementDomain.MARKET_REGULATION,))
        on_leave = officer("周杰", Force.STREET, team, (CITY,))
        helper = officer("吴刚", Force.COOPERATING, team)
        monday = next_monday()
        add_leave_period(uow, actor=PLANNER, officer=uow.roster.officer(on_leave),
                         kind=LeaveKind.ANNUAL, start=monday, end=monday + timedelta(days=4))
        demand_id = _demand(uow, city)
        uow.commit()
    return Roster(team, city, market, certified, city_officer, expired, market_officer,
                  on_leave, helper, demand_id)


def _demand(uow, lead_unit: str) -> str:  # type: ignore[no-untyped-def]
    calendar, stamp = calendar_in(uow), now()
    demand = add_demand(uow, actor=PLANNER, at=stamp, calendar=calendar, data=IntakeInput(
        "黄兴中路夜市占道经营", "夜市摊贩占用人行道，行人只能走机动车道", DemandKind.ENFORCEMENT,
        DemandSource.HOTLINE, DemandNature.COMPLAINT, reporter_phone="13812345678"))
    routing = ActionInput(routing=Routing(HandlingLevel.DISTRICT, lead_unit))
    for step in (DemandAction.TRIAGE, DemandAction.DISPATCH, DemandAction.START):
        apply_action(uow, demand, step, actor=PLANNER, at=stamp, calendar=calendar,
                     data=routing if step is DemandAction.TRIAGE else
                     ActionInput(unit_id=lead_unit) if step is DemandAction.DISPATCH else None)
    return demand.id


def plan(roster: Roster, *, day: date | None = None, title: str = "黄兴中路夜市占道专项整治",
         start: int = 19, end: int = 22, demand: bool = True) -> ActionPlanInput:
    day = day or next_monday() + timedelta(days=1)
    from desktop.domain.action_states import ActionTrigger

    return ActionPlanInput(
        title=title, action_type=ActionType.CAMPAIGN, domain=CITY,
        starts_at=at(day, start), ends_at=at(day, end),
        trigger=ActionTrigger.DEMANDS if demand else ActionTrigger.PLAN,
        demand_ids=(roster.demand_id,) if demand else (), lead_unit_id=roster.city_unit,
        cooperating_unit_ids=(roster.team_unit,), places="黄兴中路步行街南口至司门口",
        equipment="执法车 2 辆、执法记录仪 4 台")


def submitted_action(context: AppContext, roster: Roster) -> tuple[str, int]:
    """A submitted, legal action (two certified team officers and the 城管 officer)."""
    with context.uow() as uow:
        action = add_action(uow, actor=PLANNER, data=plan(roster, demand=False,
                                                          title="五一广场联合检查"))
        put_participants(uow, action, [ParticipantInput(o) for o in
                                       (*roster.certified[:2], roster.city_officer)])
        action.state = ActionState.SUBMITTED.value
        uow.commit()
        return action.id, action.version
