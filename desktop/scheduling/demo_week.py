"""A realistic week of joint actions over the demo roster, as plain facts.

The scheduling benchmark (60 actions, 300 officers) and the scheduler's tests use it:
a street's usual mix of 占道经营, food safety, night noise, work safety, illegal
building, gas safety and culture-market actions, each asking its lead department for
certified officers and the police, the market station or fire service for support,
mornings, afternoons and some evenings, a few weekend ones. About one officer in
twenty is on leave for a day or two; everybody has a few hours already this month.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from desktop.demo_officers import demo_officers
from desktop.domain.joint_actions import (
    ActionFacts,
    ForceNeed,
    OfficerFacts,
    Unavailability,
)
from desktop.domain.roster import CertificateFacts, EnforcementDomain, Force, domains_of

TEAM = "芙蓉街道综合行政执法队"
POLICE = "芙蓉派出所"
D = EnforcementDomain
URBAN = D.URBAN_MANAGEMENT


@dataclass(frozen=True)
class _Kind:
    title: str
    domain: EnforcementDomain
    # (unit, count, certified[, domain]): the team's urban officers help on others' actions
    needs: tuple[tuple, ...]
    weight: int
    windows: tuple[tuple[time, time], ...] = ()  # () = the usual half days and evenings


_FULL_DAY = ((time(8, 30), time(17, 30)),)
_DAY_OR_HALF = ((time(8, 30), time(17, 30)), (time(9), time(11, 30)), (time(14, 30), time(17)))
_KINDS = (
    _Kind("占道经营专项整治", D.URBAN_MANAGEMENT, ((TEAM, 4, 2), (POLICE, 1, 0), (None, 1, 0)), 5),
    _Kind("食品安全联合检查", D.MARKET_REGULATION,
          (("区市场监管局", 2, 2), ("区市场监管局芙蓉市场监管所", 1, 0), (TEAM, 1, 0, URBAN)), 3),
    _Kind("夜间噪声油烟巡查", D.ECOLOGY, (("长沙市生态环境局芙蓉分局", 2, 2), (TEAM, 2, 0, URBAN)), 2),
    _Kind("安全生产检查", D.EMERGENCY, (("区应急管理局", 2, 2), ("区消防救援大队", 1, 0)), 2,
          _DAY_OR_HALF),
    _Kind("违法建设整治", D.NATURAL_RESOURCES,
          (("长沙市自然资源和规划局芙蓉分局", 2, 2), (TEAM, 3, 1, URBAN), (POLICE, 1, 0)), 1,
          _FULL_DAY),
    _Kind("燃气安全检查", D.HOUSING, (("区住房和城乡建设局", 2, 2), (TEAM, 2, 0)), 2, _DAY_OR_HALF),
    _Kind("文化市场检查", D.CULTURE_TOURISM, (("区文化旅游体育局", 1, 1), (None, 3, 2)), 1),
    _Kind("渣土运输整治", D.URBAN_MANAGEMENT,
          (("区城管执法局", 2, 2), ("区交警大队芙蓉中队", 2, 0)), 2),
)
_WINDOWS = ((time(9), time(11, 30)), (time(8, 30), time(12)), (time(14, 30), time(17)),
            (time(14), time(17, 30)), (time(19, 30), time(22)))
_PLACES = ("五一大道", "解放西路", "蔡锷中路", "韭菜园", "东屯渡", "马王堆", "定王台", "浏城桥")


def officer_facts(seed: int, count: int, on: date) -> dict[str, OfficerFacts]:
    """The demo roster as facts (id ``O001``…; unit id = the unit's name)."""
    facts: dict[str, OfficerFacts] = {}
    for n, officer in enumerate(demo_officers(seed, count=count, on=on), 1):
        certificates: tuple[CertificateFacts, ...] = ()
        if officer.has_certificate and officer.valid_from and officer.valid_until:
            domains, _unknown = domains_of(officer.domains)
            certificates = (CertificateFacts(officer.certificate_number, domains,
                                             officer.valid_from, officer.valid_until),)
        officer_id = f"O{n:03d}"
        facts[officer_id] = OfficerFacts(officer_id, officer.name, officer.source_unit,
                                         Force(officer.force), certificates,
                                         unit_name=officer.source_unit)
    return facts


def _with_leave(facts: dict[str, OfficerFacts], rng: random.Random, monday: date) -> None:
    for officer_id in rng.sample(sorted(facts), len(facts) // 20):
        first = monday + timedelta(days=rng.randrange(7))
        last = first + timedelta(days=rng.randrange(2))
        period = Unavailability(datetime.combine(first, time()),
                                datetime.combine(last + timedelta(days=1), time()),
                                f"请假（{first} 至 {last}）")
        old = facts[officer_id]
        facts[officer_id] = OfficerFacts(old.officer_id, old.name, old.unit_id, old.force,
                                         old.certificates, (period,), old.unit_name)


def _action(n: int, kind: _Kind, day: date, rng: random.Random) -> ActionFacts:
    start, end = rng.choice(kind.windows or _WINDOWS)
    needs = tuple(ForceNeed(need[0], need[3] if len(need) > 3 else None, need[1], need[2],
                            unit_name=need[0] or "") for need in kind.needs)
    units = tuple(need[0] for need in kind.needs if need[0])
    return ActionFacts(
        f"A{n:03d}", f"{rng.choice(_PLACES)}{kind.title}", kind.domain,
        datetime.combine(day, start), datetime.combine(day, end),
        required_units=units[:2], needs=needs, unit_names={u: u for u in units})


def demo_week(seed: int = 7, *, actions: int = 60, officers: int = 300,
              monday: date = date(2026, 11, 23)) -> tuple[
        list[ActionFacts], dict[str, OfficerFacts], dict[str, float]]:
    """(actions, officers by id, existing hours by officer) for the week of ``monday``."""
    rng = random.Random(f"{seed}:week")
    facts = officer_facts(seed, officers, monday)
    _with_leave(facts, rng, monday)
    days = [monday + timedelta(days=d) for d in range(7)]
    weights = [6, 6, 6, 6, 6, 2, 1]
    kinds = [k for k in _KINDS]
    planned = [_action(n, rng.choices(kinds, weights=[k.weight for k in kinds])[0],
                       rng.choices(days, weights=weights)[0], rng)
               for n in range(1, actions + 1)]
    planned.sort(key=lambda a: (a.starts_at, a.action_id))
    existing = {officer_id: rng.choice((0.0, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 9.0, 12.0))
                for officer_id in facts}
    return planned, facts, existing
