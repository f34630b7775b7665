"""What the whistle use cases return: frozen rows built inside the unit of work, with
codes turned into enums, ids into names and the negative-list flags computed by the
domain (desktop/domain/whistles.py), so pages never touch the database.

``Lookup`` reads, once per use case, what turning records into rows needs: the unit
directory (a street has dozens of units), the communities, and for each
responsibility item the units it names (``proposal_in``: lead, cooperating, and the
street's own offices when it names the street). ``flag_params`` gives the SQL side of
the same rules to the repository.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop.domain.errors import NotFoundError
from desktop.domain.roster import UnitKind
from desktop.domain.whistles import (
    Flag,
    FlagKind,
    TargetFacts,
    TargetState,
    WhistleEvaluation,
    WhistleFacts,
    WhistleKind,
    WhistleStatus,
    is_on_list,
    target_flags,
    target_state,
    when_text,
)
from desktop.services.responsibilities import proposal_in
from local_db.models import Unit, Whistle, WhistleTarget
from local_db.unit_of_work import UnitOfWork
from local_db.whistle_repository import FlagParams


def moment_text(moment: datetime | None, empty: str = "—") -> str:
    if moment is None:
        return empty
    return when_text(moment)


@dataclass(frozen=True)
class TargetRow:
    id: str
    unit_id: str
    unit_name: str
    responder: str
    arrival_due_at: datetime | None
    arrived_at: datetime | None
    solution_due_at: datetime | None
    solution_at: datetime | None
    response: str
    outcome: str
    evaluation: WhistleEvaluation | None
    evaluation_note: str
    state: TargetState
    on_list: bool
    flags: tuple[Flag, ...]
    version: int

    @property
    def flag_text(self) -> str:
        return "、".join(dict.fromkeys(flag.label for flag in self.flags))

    @property
    def arrival_text(self) -> str:
        if self.arrived_at is not None:
            return moment_text(self.arrived_at)
        return "未报到"


@dataclass(frozen=True)
class WhistleRow:
    id: str
    number: str  # 哨号
    kind: WhistleKind
    status: WhistleStatus
    title: str
    content: str
    called_by: str
    called_at: datetime
    closed_at: datetime | None
    demand_id: str | None
    demand_number: str
    community_name: str
    item_id: str | None
    item_label: str
    unit_names: tuple[str, ...]
    arrived: int  # targets that arrived
    target_count: int
    flags: tuple[Flag, ...]
    version: int

    @property
    def units_text(self) -> str:
        return "、".join(self.unit_names)

    @property
    def flag_text(self) -> str:
        return "、".join(dict.fromkeys(flag.label for flag in self.flags))

    @property
    def flag_kinds(self) -> frozenset[FlagKind]:
        return frozenset(flag.kind for flag in self.flags)

    @property
    def arrival_text(self) -> str:
        return f"{self.arrived}/{self.target_count}"


@dataclass(frozen=True)
class WhistleDetail:
    whistle: WhistleRow
    targets: tuple[TargetRow, ...]
    demand_title: str
    item_text: str  # the item's code, name and the units it names
    arrival_rule: str  # "2小时（连续计时）内报到"


@dataclass(frozen=True)
class WhistlePage:
    rows: tuple[WhistleRow, ...]
    total: int
    offset: int
    limit: int

    @property
    def text(self) -> str:
        if not self.total:
            return "没有符合条件的吹哨记录"
        last = self.offset + len(self.rows)
        return f"第 {self.offset + 1}–{last} 条 / 共 {self.total} 条"


class Lookup:
    """Names and list memberships for many rows, read once inside an open unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        units: Sequence[Unit] = uow.roster.units(include_retired=True)
        self.units = {unit.id: unit for unit in units}
        self.street_office_ids = frozenset(
            unit.id for unit in units if unit.kind == UnitKind.STREET_OFFICE.value)
        self.communities = {c.id: c.name for c in uow.grids.communities()}
        self._listed: dict[str, frozenset[str]] = {}
        self._labels: dict[str, str] = {}

    def unit_name(self, unit_id: str) -> str:
        unit = self.units.get(unit_id)
        return unit.name if unit else "（已删除的单位）"

    def listed(self, item_id: str | None) -> frozenset[str] | None:
        """The units the item names; None without an item (or an item no longer there)."""
        if item_id is None:
            return None
        if item_id not in self._listed:
            try:
                proposal = proposal_in(self.uow, item_id)
            except NotFoundError:
                return None
            routing = proposal.routing
            named = {m.unit_id for m in (*routing.leads, *routing.cooperating) if m.unit_id}
            if routing.names_street:
                named |= self.street_office_ids
            self._listed[item_id] = frozenset(named)
            self._labels[item_id] = proposal.item.label
        return self._listed[item_id]

    def item_label(self, item_id: str | None) -> str:
        if item_id is None:
            return ""
        self.listed(item_id)
        return self._labels.get(item_id, "（清单事项已不存在）")

    def flag_params(self, now: datetime) -> FlagParams:
        """The SQL side of the rules: every (item, unit) pair the items in use allow."""
        pairs = [(item_id, unit_id) for item_id in self.uow.whistles.item_ids_in_use()
                 for unit_id in sorted(self.listed(item_id) or ())]
        return FlagParams(now, pairs, self.street_office_ids, WhistleKind.DAILY.value,
                          WhistleKind.HARD.value)


def target_facts(target: WhistleTarget, lookup: Lookup) -> TargetFacts:
    return TargetFacts(
        target.unit_id, lookup.unit_name(target.unit_id),
        target.unit_id in lookup.street_office_ids, target.arrival_due_at, target.arrived_at,
        target.solution_due_at, target.solution_at, bool(target.response.strip()),
        WhistleEvaluation(target.evaluation) if target.evaluation else None)


def whistle_facts(whistle: Whistle, targets: Iterable[WhistleTarget],
                  lookup: Lookup) -> WhistleFacts:
    return WhistleFacts(whistle.number, whistle.title, WhistleKind(whistle.kind),
                        whistle.called_at, whistle.closed_at,
                        lookup.listed(whistle.responsibility_item_id),
                        tuple(target_facts(t, lookup) for t in targets))


def target_row(whistle: WhistleFacts, target: WhistleTarget, facts: TargetFacts,
               now: datetime) -> TargetRow:
    return TargetRow(
        target.id, target.unit_id, facts.unit_name, target.responder, target.arrival_due_at,
        target.arrived_at, target.solution_due_at, target.solution_at, target.response,
        target.outcome, facts.evaluation, target.evaluation_note, target_state(facts, now),
        is_on_list(whistle, facts), target_flags(whistle, facts, now), target.version)


def whistle_row(whistle: Whistle, targets: Sequence[WhistleTarget], lookup: Lookup,
                now: datetime, demand_number: str = "") -> WhistleRow:
    facts = whistle_facts(whistle, targets, lookup)
    flags = tuple(flag for t in facts.targets for flag in target_flags(facts, t, now))
    return WhistleRow(
        whistle.id, whistle.number, WhistleKind(whistle.kind), WhistleStatus(whistle.status),
        whistle.title, whistle.content, whistle.called_by, whistle.called_at,
        whistle.closed_at, whistle.demand_id, demand_number,
        lookup.communities.get(whistle.community_id or "", ""),
        whistle.responsibility_item_id, lookup.item_label(whistle.responsibility_item_id),
        tuple(t.unit_name for t in facts.targets),
        sum(1 for t in facts.targets if t.arrived_at is not None), len(facts.targets), flags,
        whistle.version)
