"""Demands, their steps, extension requests, attachments, whistles and handovers:
loading and storing single records for the use cases. Never commits.

The list screens do not use this: ``local_db/demand_queries.py`` serves them with
paged SQL over the indexes and the FTS5 table, returning plain rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.models import Demand, DemandStep


class DemandRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, demand_id: str) -> Demand | None:
        return self.session.get(Demand, demand_id)

    def by_number(self, number: str) -> Demand | None:
        return self.session.scalars(select(Demand).where(Demand.number == number)).first()

    def add(self, demand: Demand) -> None:
        self.session.add(demand)

    def add_step(self, step: DemandStep) -> None:
        self.session.add(step)
