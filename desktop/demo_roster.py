"""The demo street's 1+X+Y enforcement roster: the unit directory with contacts, 总应哨人
and per-community 应哨人; the officers of ``demo_officers`` with their certificates
(three expiring within 30 days, one expired); a 借调 officer; some leave this week and
next; and the emergency duty roster for this month and next with two gaps to fill.

Runs inside the demo's single unit of work through the roster's non-committing
building blocks (``add_unit``, ``put_responder``, ``add_officer``,
``attach_certificate``, ``add_leave_period``, ``assign_duty``), so every rule of the
screens applies, and writes one audit row for the whole roster. Deterministic for a
seed and a day: dates are relative to ``on`` so the warnings show whenever it is loaded.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.demo_data import NameMaker
from desktop.demo_officers import DemoOfficer, demo_officers
from desktop.domain.actor import Actor
from desktop.domain.errors import ValidationError
from desktop.domain.roster import LeaveKind, OfficerStatus, UnitKind, domains_of
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.availability import add_leave_period, assign_duty
from desktop.services.certificates import attach_certificate
from desktop.services.roster import OfficerInput, add_officer
from desktop.services.units import UnitInput, add_unit, put_responder
from local_db.models import Officer, Unit
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class _UnitSpec:
    name: str
    short_name: str
    kind: UnitKind
    per_community: bool  # names an 应哨人 for every community (the main departments)


_UNITS: tuple[_UnitSpec, ...] = (
    _UnitSpec("芙蓉街道综合行政执法队", "街道执法队", UnitKind.STREET_OFFICE, False),
    _UnitSpec("区城管执法局", "区城管局", UnitKind.DEPARTMENT, True),
    _UnitSpec("区市场监管局", "区市监局", UnitKind.DEPARTMENT, True),
    _UnitSpec("长沙市生态环境局芙蓉分局", "生态环境分局", UnitKind.DEPARTMENT, True),
    _UnitSpec("长沙市自然资源和规划局芙蓉分局", "自然资源分局", UnitKind.DEPARTMENT, False),
    _UnitSpec("区应急管理局", "区应急局", UnitKind.DEPARTMENT, True),
    _UnitSpec("区住房和城乡建设局", "区住建局", UnitKind.DEPARTMENT, True),
    _UnitSpec("区文化旅游体育局", "区文旅局", UnitKind.DEPARTMENT, False),
    _UnitSpec("区卫生健康局", "区卫健局", UnitKind.DEPARTMENT, False),
    _UnitSpec("芙蓉派出所", "派出所", UnitKind.STATIONED, True),
    _UnitSpec("区市场监管局芙蓉市场监管所", "芙蓉市场监管所", UnitKind.STATIONED, False),
    _UnitSpec("芙蓉司法所", "司法所", UnitKind.STATIONED, False),
    _UnitSpec("区交警大队芙蓉中队", "交警芙蓉中队", UnitKind.COOPERATING, False),
    _UnitSpec("区消防救援大队", "消防大队", UnitKind.COOPERATING, False),
)


@dataclass(frozen=True)
class DemoRosterSummary:
    units: int
    responders: int
    officers: int
    certificates: int
    leaves: int
    duty_days: int
    duty_gaps: int

    @property
    def message(self) -> str:
        return (f"执法队伍：{self.units} 个单位（{self.responders} 名社区应哨人），"
                f"{self.officers} 名人员，{self.certificates} 张执法证，{self.leaves} 条请假，"
                f"值班表 {self.duty_days} 天（{self.duty_gaps} 天待排）")


def _landline(rng: random.Random) -> str:
    return f"0731-8{rng.randrange(4_000_000, 9_000_000)}"


def _add_units(uow: UnitOfWork, officers: Sequence[DemoOfficer], rng: random.Random,
               names: NameMaker) -> tuple[dict[str, Unit], int]:
    """Every officer's source unit (and the main departments), with 应哨人 per community."""
    specs = list(_UNITS)
    known = {spec.name for spec in specs}
    specs += [_UnitSpec(name, "", UnitKind.DEPARTMENT, False)
              for name in dict.fromkeys(o.source_unit for o in officers) if name not in known]
    communities = [c for c in uow.grids.communities() if not c.retired]
    units: dict[str, Unit] = {}
    responders = 0
    for spec in specs:
        unit = add_unit(uow, data=UnitInput(
            spec.name, spec.kind, short_name=spec.short_name, contact_person=names.name(),
            contact_phone=_landline(rng), chief_responder=names.name(),
            chief_responder_phone=names.phone()))
        units[spec.name] = unit
        if spec.per_community:
            for community in communities:
                put_responder(uow, unit=unit, community_id=community.id, name=names.name(),
                              phone=names.phone())
                responders += 1
    return units, responders


def _secondment(rng: random.Random, on: date) -> tuple[date, date]:
    start = on - timedelta(days=rng.randint(60, 720))
    return start, max(start + timedelta(days=3 * 365), on + timedelta(days=rng.randint(90, 400)))


def _officer_input(demo: DemoOfficer, rng: random.Random, on: date, seconded: bool) -> OfficerInput:
    start, end = _secondment(rng, on) if demo.force == "X" else (None, None)
    return OfficerInput(
        demo.name, demo.id_number, demo.force, demo.staffing_type, gender=demo.gender,
        phone=demo.phone, unit_name=demo.source_unit, position=demo.position, squad=demo.squad,
        status=OfficerStatus.SECONDED if seconded else OfficerStatus.ON_DUTY,
        status_since=on - timedelta(days=14) if seconded else on - timedelta(days=rng.randint(30, 900)),
        secondment_start=start, secondment_end=end,
    )


def _add_officers(uow: UnitOfWork, actor: Actor, officers: Sequence[DemoOfficer],
                  rng: random.Random, on: date) -> tuple[list[Officer], int]:
    """The officers and their certificates. Subjects with no enforcement domain of the
    street (a police officer's 治安管理) leave that person without a certificate."""
    seconded = next(i for i, o in enumerate(officers)
                    if o.force == "1" and o.position == "执法队员")
    numbers: set[str] = set()
    stored: list[Officer] = []
    for index, demo in enumerate(officers):
        officer = add_officer(uow, actor=actor, on=on,
                              data=_officer_input(demo, rng, on, index == seconded))
        stored.append(officer)
        domains, _unknown = domains_of(demo.domains)
        if demo.has_certificate and domains:
            attach_certificate(uow, actor=actor, officer=officer, number=demo.certificate_number,
                               issuing_authority=demo.certificate_authority, domains=domains,
                               valid_from=demo.valid_from, valid_until=demo.valid_until,
                               known_numbers=numbers)
    return stored, len(numbers)


def _add_leave(uow: UnitOfWork, actor: Actor, officers: list[Officer], rng: random.Random,
               on: date) -> int:
    """Four leaves this week and next, taken by on-duty 1 and X officers."""
    monday = on - timedelta(days=on.weekday())
    plans = ((LeaveKind.ANNUAL, monday + timedelta(days=1), monday + timedelta(days=3)),
             (LeaveKind.SICK, on, on + timedelta(days=2)),
             (LeaveKind.TRAINING, monday + timedelta(days=7), monday + timedelta(days=11)),
             (LeaveKind.PERSONAL, monday + timedelta(days=9), monday + timedelta(days=10)))
    pool = [o for o in officers
            if o.force in ("1", "X") and o.status == OfficerStatus.ON_DUTY.value]
    for officer, (kind, start, end) in zip(rng.sample(pool, len(plans)), plans, strict=True):
        note = "区执法业务培训班" if kind is LeaveKind.TRAINING else ""
        add_leave_period(uow, actor=actor, officer=officer, kind=kind, start=start, end=end,
                         note=note)
    return len(plans)


def _month_span(on: date) -> tuple[date, date]:
    """The first day of ``on``'s month and the last day of the next month."""
    first = on.replace(day=1)
    after_next = (first + timedelta(days=62)).replace(day=1)
    return first, after_next - timedelta(days=1)


def _add_duty(uow: UnitOfWork, officers: list[Officer], rng: random.Random,
              on: date) -> tuple[int, int]:
    """A rotation of the street team's officers; a day goes to the next one available,
    and two days after today are left open (the page shows them as gaps)."""
    start, end = _month_span(on)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    gaps = set(rng.sample([d for d in days if d > on], 2))
    rota = [o for o in officers if o.force == "1" and o.position != "队长"]
    turn, assigned = 0, 0
    for day in days:
        if day in gaps:
            continue
        for attempt in range(len(rota)):
            officer = rota[(turn + attempt) % len(rota)]
            try:
                assign_duty(uow, day=day, officer=officer)
            except ValidationError:
                continue  # on leave or 借调 that day: the next one in the rota
            turn, assigned = turn + attempt + 1, assigned + 1
            break
    return assigned, len(days) - assigned


def add_demo_roster(uow: UnitOfWork, *, actor: Actor, rng_seed: int,
                    on: date) -> DemoRosterSummary:
    """Build the roster into the demo's open unit of work (no commit). Needs the demo's
    communities already added (for the 应哨人)."""
    rng = random.Random(f"{rng_seed}:roster")
    names = NameMaker(random.Random(f"{rng_seed}:roster-contacts"))
    demo = demo_officers(rng_seed, count=40, on=on)
    units, responders = _add_units(uow, demo, rng, names)
    officers, certificates = _add_officers(uow, actor, demo, rng, on)
    leaves = _add_leave(uow, actor, officers, rng, on)
    duty_days, gaps = _add_duty(uow, officers, rng, on)
    summary = DemoRosterSummary(len(units), responders, len(officers), certificates, leaves,
                                duty_days, gaps)
    audit.record(uow, actor, AuditAction.CREATE, entity_type="roster", entity_id="demo",
                 summary=f"载入演示数据：{summary.message}")
    return summary
