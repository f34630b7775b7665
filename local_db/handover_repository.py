"""Two-way dispatch handovers (双向派单)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.models import Demand, Handover


class HandoverRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, handover_id: str) -> Handover | None:
        return self.session.get(Handover, handover_id)

    def add(self, handover: Handover) -> None:
        self.session.add(handover)

    def of_demand(self, demand_id: str) -> Sequence[Handover]:
        statement = (select(Handover).where(Handover.demand_id == demand_id)
                     .order_by(Handover.created_at))
        return self.session.scalars(statement).all()

    def listed(self, *, direction: str | None, states: Sequence[str] | None,
               limit: int) -> Sequence[tuple[Handover, Demand]]:
        """Handovers with their demand, the most urgent clock first."""
        statement = select(Handover, Demand).join(Demand, Demand.id == Handover.demand_id)
        if direction is not None:
            statement = statement.where(Handover.direction == direction)
        if states is not None:
            statement = statement.where(Handover.state.in_(states))
        statement = statement.order_by(Handover.due_at.is_(None), Handover.due_at,
                                       Handover.created_at.desc()).limit(limit)
        return [(row[0], row[1]) for row in self.session.execute(statement)]

    def between(self, start: object, end: object) -> Sequence[Handover]:
        """Handovers opened in [start, end): what the month's assessment counts."""
        statement = select(Handover).where(Handover.created_at >= start,
                                           Handover.created_at < end)
        return self.session.scalars(statement).all()
