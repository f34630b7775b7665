"""Repositories: SQLAlchemy 2.0 ``select()`` queries. They never commit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from local_db.models import (
    AuditHead,
    AuditRecord,
    Community,
    Grid,
    GridAssignment,
    GridEvent,
    GridLineage,
    GridPerson,
    GridPresence,
    SubCenter,
    User,
)


class SubCenterRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> SubCenter | None:
        return self.session.scalars(select(SubCenter).limit(1)).first()

    def add(self, sub_center: SubCenter) -> None:
        self.session.add(sub_center)


class GridRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # communities -------------------------------------------------------------
    def communities(self) -> Sequence[Community]:
        return self.session.scalars(select(Community).order_by(Community.code)).all()

    def community(self, community_id: str) -> Community | None:
        return self.session.get(Community, community_id)

    def community_by_name(self, name: str) -> Community | None:
        return self.session.scalars(select(Community).where(Community.name == name)).first()

    def community_by_code(self, code: str) -> Community | None:
        return self.session.scalars(select(Community).where(Community.code == code)).first()

    def add_community(self, community: Community) -> None:
        self.session.add(community)

    # grids -------------------------------------------------------------------
    def get(self, grid_id: str) -> Grid | None:
        return self.session.get(Grid, grid_id)

    def by_code(self, code: str) -> Grid | None:
        return self.session.scalars(select(Grid).where(Grid.code == code)).first()

    def by_codes(self, codes: Sequence[str]) -> dict[str, Grid]:
        if not codes:
            return {}
        rows = self.session.scalars(select(Grid).where(Grid.code.in_(codes))).all()
        return {grid.code: grid for grid in rows}

    def all(self, *, include_retired: bool = False) -> Sequence[Grid]:
        query = select(Grid).options(selectinload(Grid.community)).order_by(Grid.code)
        if not include_retired:
            query = query.where(Grid.status == "active")
        return self.session.scalars(query).all()

    def used_seqs(self, community_id: str) -> set[int]:
        return set(
            self.session.scalars(select(Grid.seq).where(Grid.community_id == community_id))
        )

    def add(self, grid: Grid) -> None:
        self.session.add(grid)

    def add_lineage(self, link: GridLineage) -> None:
        self.session.add(link)

    def lineage_of(self, grid_id: str) -> Sequence[GridLineage]:
        return self.session.scalars(
            select(GridLineage)
            .where((GridLineage.predecessor_id == grid_id) | (GridLineage.successor_id == grid_id))
            .order_by(GridLineage.id)
        ).all()

    def add_event(self, event: GridEvent) -> None:
        self.session.add(event)

    def events(self, grid_id: str) -> Sequence[GridEvent]:
        return self.session.scalars(
            select(GridEvent).where(GridEvent.grid_id == grid_id).order_by(GridEvent.id)
        ).all()

    # staff -------------------------------------------------------------------
    def person(self, person_id: str) -> GridPerson | None:
        return self.session.get(GridPerson, person_id)

    def people(self) -> Sequence[GridPerson]:
        return self.session.scalars(select(GridPerson).order_by(GridPerson.name)).all()

    def person_by_name_phone(self, name: str, phone: str) -> GridPerson | None:
        return self.session.scalars(
            select(GridPerson).where(GridPerson.name == name, GridPerson.phone == phone)
        ).first()

    def add_person(self, person: GridPerson) -> None:
        self.session.add(person)

    def assignment(self, assignment_id: str) -> GridAssignment | None:
        return self.session.get(GridAssignment, assignment_id)

    def current_assignments(self, grid_id: str | None = None) -> Sequence[GridAssignment]:
        query = (
            select(GridAssignment)
            .options(selectinload(GridAssignment.person))
            .where(GridAssignment.ended_on.is_(None))
            .order_by(GridAssignment.grid_id, GridAssignment.role, GridAssignment.started_on)
        )
        if grid_id is not None:
            query = query.where(GridAssignment.grid_id == grid_id)
        return self.session.scalars(query).all()

    def add_assignment(self, assignment: GridAssignment) -> None:
        self.session.add(assignment)

    def presence(self, assignment_id: str, month: str) -> GridPresence | None:
        return self.session.scalars(
            select(GridPresence).where(
                GridPresence.assignment_id == assignment_id, GridPresence.month == month
            )
        ).first()

    def presence_for_month(self, month: str) -> dict[str, int]:
        rows = self.session.execute(
            select(GridPresence.assignment_id, GridPresence.days).where(GridPresence.month == month)
        ).all()
        return {assignment_id: days for assignment_id, days in rows}

    def add_presence(self, presence: GridPresence) -> None:
        self.session.add(presence)

    def count_active(self) -> int:
        return self.session.scalar(select(func.count()).where(Grid.status == "active")) or 0


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: str) -> User | None:
        return self.session.get(User, user_id)

    def by_username(self, username: str) -> User | None:
        return self.session.scalars(select(User).where(User.username == username)).first()

    def all(self) -> Sequence[User]:
        return self.session.scalars(select(User).order_by(User.username)).all()

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(User)) or 0

    def add(self, user: User) -> None:
        self.session.add(user)


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: AuditRecord) -> None:
        self.session.add(record)

    def head(self) -> AuditHead | None:
        return self.session.get(AuditHead, 1)

    def set_head(self, last_id: int, last_hash: str, count: int) -> None:
        head = self.head()
        if head is None:
            self.session.add(AuditHead(id=1, last_id=last_id, last_hash=last_hash, count=count))
        else:
            head.last_id, head.last_hash, head.count = last_id, last_hash, count

    def in_order(self, batch: int = 2000) -> Iterator[AuditRecord]:
        """Every record by id, fetched in batches (the trail grows without bound)."""
        last = 0
        while True:
            rows = self.session.scalars(
                select(AuditRecord).where(AuditRecord.id > last).order_by(AuditRecord.id)
                .limit(batch)
            ).all()
            if not rows:
                return
            yield from rows
            last = rows[-1].id

    def search(self, *, since: datetime | None = None, until: datetime | None = None,
               action: str | None = None, actor_name: str | None = None,
               text: str | None = None, limit: int = 5000) -> Sequence[AuditRecord]:
        query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
        if since is not None:
            query = query.where(AuditRecord.occurred_at >= since)
        if until is not None:
            query = query.where(AuditRecord.occurred_at < until)
        if action:
            query = query.where(AuditRecord.action == action)
        if actor_name:
            query = query.where(AuditRecord.actor_name == actor_name)
        if text:
            query = query.where(AuditRecord.summary.contains(text))
        return self.session.scalars(query).all()
