"""Joint enforcement actions: loading and storing for the use cases. Never commits.

The calendar and the checks read actions by time window (``ix_joint_action_window``
on starts_at, ends_at); the children (units, needs, participants, grids, demands) are
loaded with ``selectinload`` so a week of actions costs a handful of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from local_db.models import Demand
from local_db.models.actions import (
    ActionAttachment,
    ActionDemand,
    ActionGrid,
    ActionNeed,
    ActionParticipant,
    ActionUnit,
    JointAction,
)

_CHILDREN = (
    selectinload(JointAction.units),
    selectinload(JointAction.needs),
    selectinload(JointAction.participants),
    selectinload(JointAction.grids),
    selectinload(JointAction.demands),
)


class ActionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, action_id: str) -> JointAction | None:
        return self.session.get(JointAction, action_id, options=_CHILDREN)

    def add(self, action: JointAction) -> None:
        self.session.add(action)

    def take_write_lock(self) -> None:
        """Start the write transaction now so the next number read cannot be read by
        another process at the same time (SQLite locks at the first write)."""
        self.session.execute(text("UPDATE joint_action SET version = version WHERE 0"))

    def between(self, start: datetime, end: datetime, *,
                states: Iterable[str] | None = None) -> Sequence[JointAction]:
        """Actions whose window touches ``[start, end)``, in time order."""
        query = (select(JointAction).options(*_CHILDREN)
                 .where(JointAction.starts_at < end, JointAction.ends_at > start)
                 .order_by(JointAction.starts_at, JointAction.number))
        if states is not None:
            query = query.where(JointAction.state.in_(list(states)))
        return self.session.scalars(query).all()

    def all(self) -> Sequence[JointAction]:
        return self.session.scalars(
            select(JointAction).options(*_CHILDREN).order_by(JointAction.starts_at.desc())
        ).all()

    def completed_between(self, start: datetime, end: datetime,
                          states: Iterable[str]) -> Sequence[JointAction]:
        """Actions in ``states`` whose window started in ``[start, end)`` (indicators)."""
        return self.session.scalars(
            select(JointAction).where(JointAction.starts_at >= start,
                                      JointAction.starts_at < end,
                                      JointAction.state.in_(list(states)))
            .order_by(JointAction.starts_at)
        ).all()

    def for_demand(self, demand_id: str) -> Sequence[JointAction]:
        return self.session.scalars(
            select(JointAction).join(ActionDemand, ActionDemand.action_id == JointAction.id)
            .where(ActionDemand.demand_id == demand_id).order_by(JointAction.starts_at)
        ).all()

    # children ----------------------------------------------------------------------
    def replace_participants(self, action: JointAction,
                             participants: Sequence[ActionParticipant]) -> None:
        for old in list(action.participants):
            self.session.delete(old)
        action.participants.clear()
        self.session.flush()
        action.participants.extend(participants)

    def replace_units(self, action: JointAction, units: Sequence[ActionUnit]) -> None:
        for old in list(action.units):
            self.session.delete(old)
        action.units.clear()
        self.session.flush()
        action.units.extend(units)

    def replace_needs(self, action: JointAction, needs: Sequence[ActionNeed]) -> None:
        for old in list(action.needs):
            self.session.delete(old)
        action.needs.clear()
        action.needs.extend(needs)

    def replace_grids(self, action: JointAction, grids: Sequence[ActionGrid]) -> None:
        for old in list(action.grids):
            self.session.delete(old)
        action.grids.clear()
        self.session.flush()
        action.grids.extend(grids)

    def replace_demands(self, action: JointAction, demands: Sequence[ActionDemand]) -> None:
        for old in list(action.demands):
            self.session.delete(old)
        action.demands.clear()
        self.session.flush()
        action.demands.extend(demands)

    def add_attachment(self, link: ActionAttachment) -> None:
        self.session.add(link)

    def attachments(self, action_id: str) -> Sequence[ActionAttachment]:
        return self.session.scalars(
            select(ActionAttachment).where(ActionAttachment.action_id == action_id)
            .order_by(ActionAttachment.id)
        ).all()

    def assignments_between(self, start: datetime, end: datetime,
                            states: Iterable[str]) -> Sequence[tuple[str, str, datetime, datetime]]:
        """(officer id, action id, starts_at, ends_at) of every participant of an action
        in ``states`` touching ``[start, end)``: what occupies people in the checks."""
        rows = self.session.execute(
            select(ActionParticipant.officer_id, JointAction.id, JointAction.starts_at,
                   JointAction.ends_at)
            .join(JointAction, JointAction.id == ActionParticipant.action_id)
            .where(JointAction.starts_at < end, JointAction.ends_at > start,
                   JointAction.state.in_(list(states)))
        ).all()
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    def demands_to_act_on(self, *, kind: str, statuses: Iterable[str], lead_unit_id: str | None,
                          limit: int) -> Sequence[Demand]:
        """Demands of ``kind`` in ``statuses`` (oldest first) that no action links yet: the
        candidates a joint action could resolve (the demo picks its triggers here)."""
        linked = select(ActionDemand.demand_id)
        query = (select(Demand).where(Demand.kind == kind, Demand.status.in_(list(statuses)),
                                      Demand.id.not_in(linked))
                 .order_by(Demand.received_at).limit(limit))
        if lead_unit_id is not None:
            query = query.where(Demand.lead_unit_id == lead_unit_id)
        return self.session.scalars(query).all()
