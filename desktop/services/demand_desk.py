"""The intake desk (受理台): what the intake form needs in one read, and saving a call
in one transaction together with what the operator decided at the desk.

At the desk the operator often already knows where the demand goes (the list item
proposes the units) or that it repeats a demand being handled. Saving the demand and
that decision in one transaction means a failed triage or merge leaves nothing half
done: either the demand is stored with its 研判 (or merged), or nothing is stored and
the form keeps what was typed. Each step is audited as the single use cases audit it.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.actor import Actor
from desktop.services import demands
from desktop.services.demand_categories import CategoryRow, rows_in
from desktop.services.demand_flow import Routing
from desktop.services.demand_intake import IntakeInput
from desktop.services.demand_rows import DemandRow
from desktop.services.grids import GridRow, grid_row
from desktop.services.responsibilities import ItemRow, code_order, item_row
from local_db.demand_similarity import DemandSimilarity
from local_db.unit_of_work import JoinedUnitOfWork, UnitOfWork

__all__ = ["DeskChoices", "DeskResult", "UnitChoice", "desk_choices", "intake_at_desk"]


@dataclass(frozen=True)
class UnitChoice:
    id: str
    name: str


@dataclass(frozen=True)
class DeskChoices:
    """The pickers of the intake form and of the routing forms."""

    categories: tuple[CategoryRow, ...]
    grids: tuple[GridRow, ...]  # active grids
    items: tuple[ItemRow, ...]  # of the list in force
    units: tuple[UnitChoice, ...]  # the unit directory, not retired
    addresses: tuple[tuple[str, str, str], ...]  # (address, grid id, grid name), newest first


@dataclass(frozen=True)
class DeskResult:
    demand: DemandRow
    merged_into: str | None  # the 受理编号 the new demand was merged into
    triaged: bool

    @property
    def message(self) -> str:
        text = f"已受理，受理编号 {self.demand.number}"
        if self.merged_into:
            text += f"，已作为重复件并入 {self.merged_into}"
        elif self.triaged:
            lead = self.demand.lead_unit.name if self.demand.lead_unit else "社区（网格）"
            text += f"，已研判（{self.demand.handling_level.label}，{lead}）"
        return text + "。"


def desk_choices(uow: UnitOfWork) -> DeskChoices:
    """Everything the form's pickers list, read once when the tab opens."""
    with uow:
        version = uow.responsibilities.current_version()
        items = sorted((item_row(i) for i in uow.responsibilities.items(version.id)),
                       key=lambda row: code_order(row.code)) if version else []
        return DeskChoices(
            categories=tuple(rows_in(uow)),
            grids=tuple(grid_row(g) for g in uow.grids.all(include_retired=False)),
            items=tuple(items),
            units=tuple(UnitChoice(u.id, u.name) for u in uow.roster.units()),
            addresses=tuple(DemandSimilarity(uow.session).recent_addresses()))


def intake_at_desk(uow: UnitOfWork, *, actor: Actor, data: IntakeInput,
                   routing: Routing | None = None,
                   merge_into_id: str | None = None) -> DeskResult:
    """受理, then in the same transaction either 合并重复件 into ``merge_into_id`` or
    研判 with ``routing``: the single use cases run joined to one unit of work, so
    their permission checks and audit rows are the same as when called alone."""
    with uow:
        joined = JoinedUnitOfWork(uow)
        row = demands.intake_demand(joined, actor=actor, data=data)
        merged_into = None
        if merge_into_id is not None:
            row = demands.merge_duplicate(joined, actor=actor, demand_id=row.id,
                                          expected_version=row.version, into_id=merge_into_id,
                                          note="受理时发现为重复诉求")
            into = uow.demands.get(merge_into_id)
            merged_into = into.number if into else None
        elif routing is not None:
            row = demands.triage(joined, actor=actor, demand_id=row.id,
                                 expected_version=row.version, routing=routing)
        uow.commit()
        return DeskResult(row, merged_into, routing is not None and merge_into_id is None)
