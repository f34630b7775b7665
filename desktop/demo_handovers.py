"""Demo handovers (双向派单) on the demo street's demands: district letters being handled
and reported back, items the street found handed over to district agencies at every
stage (one of them late), and a case transferred up. Built inside the demo's open unit
of work through the real use cases (joined, so nothing commits on its own)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from desktop.domain.actor import Actor, Role
from desktop.domain.deadlines import DemandKind, DemandSource
from desktop.domain.demand_states import DemandStatus
from desktop.domain.handovers import HandoverDirection, HandoverStep
from desktop.domain.roster import UnitKind
from desktop.services import handovers
from local_db.models import Demand
from local_db.unit_of_work import JoinedUnitOfWork, UnitOfWork

DEMO_OPERATOR = Actor("李晓燕", Role.OPERATOR)  # the demo's 坐席 account (demo_accounts)
_OPEN = (DemandStatus.DISPATCHED.value, DemandStatus.HANDLING.value,
         DemandStatus.TRIAGED.value, DemandStatus.ACCEPTED.value)


def _candidates(uow: UnitOfWork, *, source: DemandSource | None = None,
                kind: DemandKind | None = None) -> list[Demand]:
    found = [d for d in uow.session.query(Demand).filter(Demand.status.in_(_OPEN))
             .order_by(Demand.received_at) if (source is None or d.source == source.value)
             and (kind is None or d.kind == kind.value)]
    return found


def add_demo_handovers(uow: UnitOfWork, *, actor: Actor, rng_seed: int, on: date) -> int:
    """About ten handovers, made as the demo's operator would (``actor`` only names who
    loaded the demo); returns how many were made."""
    rng = random.Random(f"{rng_seed}:handovers")
    actor = DEMO_OPERATOR
    joined = JoinedUnitOfWork(uow)
    agencies = [u.id for u in uow.roster.units() if u.kind == UnitKind.DEPARTMENT.value]
    made = 0
    for demand in _candidates(uow, source=DemandSource.DISTRICT_DISPATCH)[:3]:
        row = handovers.open_handover(joined, actor=actor, demand_id=demand.id,
                                      direction=HandoverDirection.FROM_DISTRICT,
                                      receiving_unit_id=None, at=demand.received_at)
        made += 1
        if made == 1:
            handovers.advance_handover(joined, actor=actor, handover_id=row.id,
                                       expected_version=row.version,
                                       step=HandoverStep.REPORT_BACK, note="已办理完毕，函复区级",
                                       at=demand.received_at + timedelta(days=2))
    street_found = [d for d in _candidates(uow, kind=DemandKind.ENFORCEMENT)
                    if d.source != DemandSource.DISTRICT_DISPATCH.value]
    stages = ((), (HandoverStep.REPORT,), (HandoverStep.REPORT, HandoverStep.HAND_OVER),
              (HandoverStep.REPORT, HandoverStep.HAND_OVER, HandoverStep.RECEIPT), ())
    for demand, steps in zip(street_found[-len(stages):], stages, strict=False):
        row = handovers.open_handover(joined, actor=actor, demand_id=demand.id,
                                      direction=HandoverDirection.TO_DISTRICT,
                                      receiving_unit_id=rng.choice(agencies),
                                      at=demand.received_at)
        moment = datetime.combine(demand.received_at.date(), time(16, 30))
        for step in steps:
            row = handovers.advance_handover(joined, actor=actor, handover_id=row.id,
                                             expected_version=row.version, step=step,
                                             at=min(moment, datetime.combine(on, time(8))))
            moment += timedelta(days=1)
        made += 1
    hard = street_found[:1]
    for demand in hard:
        row = handovers.open_handover(
            joined, actor=actor, demand_id=demand.id, direction=HandoverDirection.TRANSFER_UP,
            receiving_unit_id=rng.choice(agencies),
            reason="涉及房屋结构安全鉴定，街道无专业力量，移交区级执法机构办理",
            at=demand.received_at + timedelta(hours=3))
        handovers.advance_handover(joined, actor=actor, handover_id=row.id,
                                   expected_version=row.version, step=HandoverStep.HAND_OVER,
                                   note="案件移送书及现场照片已送达",
                                   at=demand.received_at + timedelta(days=1))
        made += 1
    return made
