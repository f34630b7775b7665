"""What the pages, exports and the scheduler read about joint actions: plain frozen rows
built from the records, and the legality facts (desktop/domain/joint_actions.py) built
from the current roster. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from desktop.domain.action_states import (
    ActionResults,
    ActionState,
    ActionStep,
    ActionTrigger,
    ActionType,
    Evaluation,
    ParticipantRole,
    UnitRole,
    steps_from,
)
from desktop.domain.demand_states import DemandStatus
from desktop.domain.errors import ConflictError, NotFoundError
from desktop.domain.joint_actions import (
    ActionFacts,
    Assignment,
    ForceNeed,
    OfficerFacts,
    Violation,
    describe_window,
    unavailable_periods,
)
from desktop.domain.privacy import mask_phone
from desktop.domain.roster import EnforcementDomain, Force
from desktop.services.roster_rows import availability_facts, certificate_facts, domain_labels
from local_db.models import Officer
from local_db.models.actions import JointAction
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class UnitRow:
    unit_id: str
    name: str
    role: UnitRole


@dataclass(frozen=True)
class NeedRow:
    unit_id: str | None
    unit_name: str  # "" = any unit
    domain: EnforcementDomain | None
    count: int
    certified: int


@dataclass(frozen=True)
class ParticipantRow:
    officer_id: str
    name: str
    force: Force
    unit_id: str | None
    unit_name: str
    role: ParticipantRole
    fixed_by_hand: bool
    domains_text: str  # the domains of the certificates valid on the action's first day
    phone_masked: str


@dataclass(frozen=True)
class LinkedDemand:
    demand_id: str
    number: str
    title: str
    status: DemandStatus


@dataclass(frozen=True)
class ActionRow:
    """One line of a list or a calendar cell."""

    id: str
    number: str
    title: str
    action_type: ActionType
    domain: EnforcementDomain
    state: ActionState
    starts_at: datetime
    ends_at: datetime
    lead_unit_name: str
    participant_count: int
    version: int
    violations: tuple[Violation, ...] = ()

    @property
    def when(self) -> str:
        return describe_window(self.starts_at, self.ends_at)

    @property
    def hard_count(self) -> int:
        return sum(1 for v in self.violations if v.hard)


@dataclass(frozen=True)
class ActionDetail:
    row: ActionRow
    trigger: ActionTrigger
    whistle_id: str | None
    responsibility_item_id: str | None
    lead_unit_id: str | None
    content: str
    deadline: date | None
    places: str
    equipment: str
    min_certified: int
    units: tuple[UnitRow, ...]
    needs: tuple[NeedRow, ...]
    participants: tuple[ParticipantRow, ...]
    grids: tuple[tuple[str, str], ...]  # (grid id, name)
    demands: tuple[LinkedDemand, ...]
    results: ActionResults
    evaluation: Evaluation | None
    evaluation_note: str
    created_by: str
    approved_by: str | None
    approved_at: datetime | None
    note: str
    steps: tuple[ActionStep, ...]  # what can be done now

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def version(self) -> int:
        return self.row.version

    @property
    def violations(self) -> tuple[Violation, ...]:
        return self.row.violations


def load_action(uow: UnitOfWork, action_id: str) -> JointAction:
    action = uow.actions.get(action_id)
    if action is None:
        raise NotFoundError("找不到该联合执法行动，可能已被删除，请刷新后重试。")
    return action


def check_version(action: JointAction, expected_version: int) -> None:
    """Optimistic concurrency: refuse when someone changed the action since it was read."""
    if action.version != expected_version:
        raise ConflictError(
            f"行动 {action.number}「{action.title}」已被他人修改（现为"
            f"“{ActionState(action.state).label}”），请刷新后查看最新情况再操作。")


# --- legality facts ------------------------------------------------------------------------


def officer_facts(officer: Officer) -> OfficerFacts:
    unit = officer.source_unit
    return OfficerFacts(
        officer_id=officer.id, name=officer.name, unit_id=officer.source_unit_id,
        force=Force(officer.force),
        certificates=tuple(certificate_facts(c) for c in officer.certificates),
        unavailable=unavailable_periods(availability_facts(officer)),
        unit_name=unit.name if unit else "")


def roster_facts(uow: UnitOfWork) -> dict[str, OfficerFacts]:
    """Every officer's facts, read now (checks are never stored: a leave entered a
    minute ago counts)."""
    return {officer.id: officer_facts(officer) for officer in uow.roster.officers()}


def unit_names(uow: UnitOfWork) -> dict[str, str]:
    return {unit.id: unit.name for unit in uow.roster.units(include_retired=True)}


def action_facts(action: JointAction, names: Mapping[str, str]) -> ActionFacts:
    return ActionFacts(
        action_id=action.id, title=action.title, domain=EnforcementDomain(action.domain),
        starts_at=action.starts_at, ends_at=action.ends_at,
        required_units=tuple(link.unit_id for link in action.units),
        needs=tuple(ForceNeed(need.unit_id,
                              EnforcementDomain(need.domain) if need.domain else None,
                              need.count, need.certified, names.get(need.unit_id or "", ""))
                    for need in action.needs),
        min_certified=action.min_certified, unit_names=names)


def assignments_of(actions: Iterable[JointAction]) -> list[Assignment]:
    return [Assignment(p.officer_id, action.id, action.starts_at, action.ends_at, action.title)
            for action in actions for p in action.participants]


def participant_ids(action: JointAction) -> list[str]:
    return [p.officer_id for p in action.participants]


# --- rows ----------------------------------------------------------------------------------


def action_row(action: JointAction, names: Mapping[str, str],
               violations: Sequence[Violation] = ()) -> ActionRow:
    return ActionRow(
        id=action.id, number=action.number, title=action.title,
        action_type=ActionType(action.action_type), domain=EnforcementDomain(action.domain),
        state=ActionState(action.state), starts_at=action.starts_at, ends_at=action.ends_at,
        lead_unit_name=names.get(action.lead_unit_id or "", ""),
        participant_count=len(action.participants), version=action.version,
        violations=tuple(violations))


def _participant_row(uow: UnitOfWork, action: JointAction, officer_id: str,
                     role: str, fixed: bool) -> ParticipantRow:
    officer = uow.roster.officer(officer_id)
    assert officer is not None  # a foreign key
    day = action.starts_at.date()
    domains: set[EnforcementDomain] = set()
    for certificate in officer.certificates:
        facts = certificate_facts(certificate)
        if facts.valid_on(day):
            domains |= facts.domains
    unit = officer.source_unit
    return ParticipantRow(officer.id, officer.name, Force(officer.force), officer.source_unit_id,
                          unit.name if unit else "", ParticipantRole(role), fixed,
                          domain_labels(frozenset(domains)), mask_phone(officer.phone))


def _linked_demands(uow: UnitOfWork, action: JointAction) -> tuple[LinkedDemand, ...]:
    found: list[LinkedDemand] = []
    for link in action.demands:
        demand = uow.demands.get(link.demand_id)
        if demand is not None:
            found.append(LinkedDemand(demand.id, demand.number, demand.title,
                                      DemandStatus(demand.status)))
    return tuple(found)


def action_detail(uow: UnitOfWork, action: JointAction, names: Mapping[str, str],
                  violations: Sequence[Violation]) -> ActionDetail:
    grids = []
    for link in action.grids:
        grid = uow.grids.get(link.grid_id)
        grids.append((link.grid_id, grid.name if grid else ""))
    return ActionDetail(
        row=action_row(action, names, violations), trigger=ActionTrigger(action.trigger),
        whistle_id=action.whistle_id, responsibility_item_id=action.responsibility_item_id,
        lead_unit_id=action.lead_unit_id, content=action.content, deadline=action.deadline,
        places=action.places, equipment=action.equipment, min_certified=action.min_certified,
        units=tuple(UnitRow(u.unit_id, names.get(u.unit_id, ""), UnitRole(u.role))
                    for u in action.units),
        needs=tuple(NeedRow(n.unit_id, names.get(n.unit_id or "", ""),
                            EnforcementDomain(n.domain) if n.domain else None, n.count,
                            n.certified) for n in action.needs),
        participants=tuple(_participant_row(uow, action, p.officer_id, p.role, p.fixed_by_hand)
                           for p in action.participants),
        grids=tuple(grids), demands=_linked_demands(uow, action),
        results=results_of(action),
        evaluation=Evaluation(action.evaluation) if action.evaluation else None,
        evaluation_note=action.evaluation_note, created_by=action.created_by,
        approved_by=action.approved_by, approved_at=action.approved_at, note=action.note,
        steps=tuple(steps_from(ActionState(action.state))))


def results_of(action: JointAction) -> ActionResults:
    return ActionResults(action.units_inspected, action.problems_found, action.cases_filed,
                         action.rectified, action.fines_fen, action.minutes)
