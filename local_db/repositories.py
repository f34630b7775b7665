"""Repositories: SQLAlchemy 2.0 ``select()`` queries. They never commit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from local_db.models import (
    AuditHead,
    AuditRecord,
    CalendarDay,
    CalendarYear,
    Certificate,
    Community,
    DutyAssignment,
    Grid,
    GridAssignment,
    GridEvent,
    GridLineage,
    GridPerson,
    GridPresence,
    HeaderAlias,
    Leave,
    Officer,
    OfficerEvent,
    SubCenter,
    Unit,
    UnitResponder,
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


class RosterRepository:
    """Units, officers, certificates, leave, duty and header aliases."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # units -----------------------------------------------------------------------
    def unit(self, unit_id: str) -> Unit | None:
        return self.session.get(Unit, unit_id)

    def unit_by_name(self, name: str) -> Unit | None:
        return self.session.scalars(
            select(Unit).where((Unit.name == name) | (Unit.short_name == name))
        ).first()

    def units(self, *, include_retired: bool = False) -> Sequence[Unit]:
        query = select(Unit).options(selectinload(Unit.responders)).order_by(Unit.kind, Unit.name)
        if not include_retired:
            query = query.where(Unit.retired.is_(False))
        return self.session.scalars(query).all()

    def add_unit(self, unit: Unit) -> None:
        self.session.add(unit)

    def add_responder(self, responder: UnitResponder) -> None:
        self.session.add(responder)

    # officers --------------------------------------------------------------------
    def officer(self, officer_id: str) -> Officer | None:
        return self.session.get(Officer, officer_id)

    def officer_by_id_number(self, id_number: str) -> Officer | None:
        return self.session.scalars(select(Officer).where(Officer.id_number == id_number)).first()

    def officers(self) -> Sequence[Officer]:
        """Every officer with units, certificates and leave loaded (a street has hundreds)."""
        return self.session.scalars(
            select(Officer).options(
                selectinload(Officer.source_unit), selectinload(Officer.certificates),
                selectinload(Officer.leaves),
            ).order_by(Officer.force, Officer.squad, Officer.name)
        ).all()

    def id_numbers(self) -> set[str]:
        return set(self.session.scalars(select(Officer.id_number)))

    def certificate_numbers(self) -> set[str]:
        return set(self.session.scalars(select(Certificate.number)))

    def add_officer(self, officer: Officer) -> None:
        self.session.add(officer)

    def add_certificate(self, certificate: Certificate) -> None:
        self.session.add(certificate)

    def certificate(self, certificate_id: str) -> Certificate | None:
        return self.session.get(Certificate, certificate_id)

    def add_leave(self, leave: Leave) -> None:
        self.session.add(leave)

    def leave(self, leave_id: str) -> Leave | None:
        return self.session.get(Leave, leave_id)

    def delete_leave(self, leave: Leave) -> None:
        self.session.delete(leave)

    def leaves_between(self, start: date, end: date) -> Sequence[Leave]:
        return self.session.scalars(
            select(Leave).options(selectinload(Leave.officer))
            .where(Leave.start_date <= end, Leave.end_date >= start)
            .order_by(Leave.start_date)
        ).all()

    def add_event(self, event: OfficerEvent) -> None:
        self.session.add(event)

    def events(self, officer_id: str) -> Sequence[OfficerEvent]:
        return self.session.scalars(
            select(OfficerEvent).where(OfficerEvent.officer_id == officer_id)
            .order_by(OfficerEvent.id)
        ).all()

    # duty ------------------------------------------------------------------------
    def duty_between(self, start: date, end: date) -> Sequence[DutyAssignment]:
        return self.session.scalars(
            select(DutyAssignment).options(selectinload(DutyAssignment.officer))
            .where(DutyAssignment.day >= start, DutyAssignment.day <= end)
            .order_by(DutyAssignment.day)
        ).all()

    def duty_on(self, day: date) -> DutyAssignment | None:
        return self.session.scalars(select(DutyAssignment).where(DutyAssignment.day == day)).first()

    def add_duty(self, duty: DutyAssignment) -> None:
        self.session.add(duty)

    def delete_duty(self, duty: DutyAssignment) -> None:
        self.session.delete(duty)

    # header aliases ----------------------------------------------------------------
    def header_aliases(self, kind: str) -> dict[str, str]:
        rows = self.session.execute(
            select(HeaderAlias.alias, HeaderAlias.field).where(HeaderAlias.kind == kind)
        ).all()
        return {alias: field for alias, field in rows}

    def remember_alias(self, kind: str, alias: str, field: str) -> None:
        existing = self.session.scalars(
            select(HeaderAlias).where(HeaderAlias.kind == kind, HeaderAlias.alias == alias)
        ).first()
        if existing is None:
            self.session.add(HeaderAlias(kind=kind, alias=alias, field=field))
        else:
            existing.field = field


class CalendarRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def known_years(self) -> set[int]:
        return set(self.session.scalars(select(CalendarYear.year)))

    def days_of_year(self, year: int) -> Sequence[CalendarDay]:
        return self.session.scalars(
            select(CalendarDay).where(
                CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
            ).order_by(CalendarDay.day)
        ).all()

    def replace_year(self, year: int, days: Sequence[CalendarDay], source: str,
                     published_on: date | None, stamp: datetime) -> None:
        """Swap a year's exceptions in one go (a new State Council notice replaces all)."""
        for old in self.days_of_year(year):
            self.session.delete(old)
        self.session.flush()
        self.session.add_all(days)
        record = self.session.get(CalendarYear, year)
        if record is None:
            self.session.add(CalendarYear(year=year, source=source, published_on=published_on,
                                          updated_at=stamp))
        else:
            record.source, record.published_on, record.updated_at = source, published_on, stamp
