"""Routing a demand by the responsibility list (清单之外无协同): what triage proposes.

The matching of the list's unit names to the unit directory lives with the list
(``desktop.services.responsibilities.propose_units``, one matcher for demands,
whistles, letters and actions); this turns its proposal into the triage decision's
starting values (``demand_flow.Routing``), which the operator may change.
"""

from __future__ import annotations

from desktop.domain.demand_states import HandlingLevel
from desktop.domain.roster import UnitKind
from desktop.services.demand_flow import Routing
from desktop.services.responsibilities import RoutingProposal, proposal_in, propose_units
from local_db.unit_of_work import UnitOfWork

__all__ = ["RoutingProposal", "propose_routing", "triage_proposal", "triage_routing"]


def propose_routing(uow: UnitOfWork, *, responsibility_item_id: str) -> RoutingProposal:
    """The lead and cooperating units the list gives for an item, matched to the unit
    directory (unmatched names listed for a person to pick)."""
    return propose_units(uow, item_id=responsibility_item_id)


def triage_routing(uow: UnitOfWork, proposal: RoutingProposal, *,
                   category_id: str | None = None,
                   handling_level: HandlingLevel | None = None) -> Routing:
    """The triage form's starting values from a proposal, inside an open unit of work.

    The level follows the lead: a district department or agency → 区级大循环, a street
    office → 街道小循环. When the directory has no unit for the lead (or the list names
    the street itself) the proposal stays at 街道小循环 without a lead: triage refuses it
    until the operator picks the unit, which is the point."""
    lead_id = proposal.lead_unit_id
    lead = uow.roster.unit(lead_id) if lead_id else None
    if handling_level is None:
        district = lead is not None and lead.kind != UnitKind.STREET_OFFICE
        handling_level = HandlingLevel.DISTRICT if district else HandlingLevel.STREET
    return Routing(handling_level, lead.id if lead else None, proposal.cooperating_unit_ids,
                   category_id, proposal.item.id)


def triage_proposal(uow: UnitOfWork, *, responsibility_item_id: str,
                    category_id: str | None = None) -> Routing:
    """``propose_routing`` and ``triage_routing`` in one read (opens the unit of work)."""
    with uow:
        proposal = proposal_in(uow, responsibility_item_id)
        return triage_routing(uow, proposal, category_id=category_id)
