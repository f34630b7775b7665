"""Whistles (吹哨) and their target units: storing, paging with filters, and the
negative-list conditions in SQL so a filter over ~20,000 whistles (the scale data set)
stays one indexed query instead of loading every whistle into Python.

The rules themselves live in desktop/domain/whistles.py; ``FlagParams`` carries what
the SQL needs from them (now, the codes, the (item, unit) pairs the list allows). The
SQL conditions here and the pure functions there must agree — a test compares them on
the demo data. Times are compared as SQLAlchemy stores them, so bound datetimes work.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Session, selectinload

from local_db.models import Demand, Whistle, WhistleTarget


@dataclass(frozen=True)
class FlagParams:
    """What the negative-list conditions need (see desktop/domain/whistles.py)."""

    now: datetime
    allowed_pairs: Sequence[tuple[str, str]]  # (responsibility item id, unit id) on the list
    street_office_ids: Collection[str]
    daily_code: str = "daily"
    hard_code: str = "hard"


@dataclass(frozen=True)
class UnblownParams:
    """What 有哨不吹 needs: now, the period of deadlines, and the codes."""

    now: datetime
    since: datetime
    until: datetime
    excluded_statuses: Collection[str]  # merged, sent back, suspended
    district_level: str
    street_office_ids: Collection[str]


class WhistleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- single records -----------------------------------------------------------------
    def get(self, whistle_id: str) -> Whistle | None:
        return self.session.scalars(
            select(Whistle).options(selectinload(Whistle.targets))
            .where(Whistle.id == whistle_id)).first()

    def by_number(self, number: str) -> Whistle | None:
        return self.session.scalars(select(Whistle).where(Whistle.number == number)).first()

    def add(self, whistle: Whistle) -> None:
        self.session.add(whistle)

    def take_write_lock(self) -> None:
        """Start the write transaction before reading the last 哨号 (as the demands do)."""
        self.session.execute(text("UPDATE whistle SET version = version WHERE 0"))

    def targets(self, whistle_id: str) -> Sequence[WhistleTarget]:
        return self.session.scalars(
            select(WhistleTarget).where(WhistleTarget.whistle_id == whistle_id)
            .order_by(WhistleTarget.created_at, WhistleTarget.id)).all()

    def targets_of(self, whistle_ids: Collection[str]) -> Sequence[WhistleTarget]:
        if not whistle_ids:
            return []
        return self.session.scalars(
            select(WhistleTarget).where(WhistleTarget.whistle_id.in_(list(whistle_ids)))
            .order_by(WhistleTarget.created_at, WhistleTarget.id)).all()

    def item_ids_in_use(self) -> list[str]:
        """The responsibility items whistles point at (few: a list has ~50 items)."""
        return list(self.session.scalars(
            select(Whistle.responsibility_item_id).where(
                Whistle.responsibility_item_id.is_not(None)).distinct()))

    def many(self, whistle_ids: Collection[str]) -> Sequence[Whistle]:
        """Whistles with their targets, newest call first."""
        if not whistle_ids:
            return []
        return self.session.scalars(
            select(Whistle).options(selectinload(Whistle.targets))
            .where(Whistle.id.in_(list(whistle_ids)))
            .order_by(Whistle.called_at.desc())).all()

    def demand_names(self, demand_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """demand id → (受理编号, title) for the demands whistles point at."""
        if not demand_ids:
            return {}
        rows = self.session.execute(select(Demand.id, Demand.number, Demand.title)
                                    .where(Demand.id.in_(list(demand_ids))))
        return {row.id: (row.number, row.title) for row in rows}

    def recent_demands(self, statuses: Collection[str], limit: int) -> Sequence[Demand]:
        """The newest demands in ``statuses`` (what a whistle is usually called for)."""
        return self.session.scalars(
            select(Demand).where(Demand.status.in_(list(statuses)))
            .order_by(Demand.received_at.desc()).limit(limit)).all()

    def whistles_for_demand(self, demand_id: str) -> Sequence[Whistle]:
        return self.session.scalars(
            select(Whistle).where(Whistle.demand_id == demand_id)
            .order_by(Whistle.called_at)).all()

    # --- the negative list in SQL ----------------------------------------------------------
    @staticmethod
    def _on_list(flags: FlagParams) -> ColumnElement[bool]:
        pairs = list(flags.allowed_pairs)
        listed = (and_(Whistle.responsibility_item_id.is_not(None),
                       tuple_(Whistle.responsibility_item_id, WhistleTarget.unit_id).in_(pairs))
                  if pairs else false())  # no item: NULL would hide the flag, hence is_not
        own = and_(Whistle.kind == flags.daily_code,
                   WhistleTarget.unit_id.in_(list(flags.street_office_ids)))
        return or_(own, listed)

    @staticmethod
    def _judged_at(flags: FlagParams) -> ColumnElement[datetime]:
        now = literal(flags.now, DateTime)
        return case((and_(Whistle.closed_at.is_not(None), Whistle.closed_at < now),
                     Whistle.closed_at), else_=now)

    def flag_condition(self, flags: FlagParams) -> ColumnElement[bool]:
        """A target raises a flag (乱吹哨, 不报到, 推诿 or 报到不作为): a condition on the
        joined ``Whistle`` and ``WhistleTarget`` rows."""
        moment = self._judged_at(flags)
        T = WhistleTarget
        late_arrival = and_(T.arrival_due_at.is_not(None), or_(
            T.arrived_at > T.arrival_due_at,
            and_(T.arrived_at.is_(None), T.arrival_due_at < moment)))
        late_solution = and_(Whistle.kind == flags.hard_code, T.solution_due_at.is_not(None), or_(
            T.solution_at > T.solution_due_at,
            and_(T.solution_at.is_(None), T.solution_due_at < moment)))
        return or_(not_(self._on_list(flags)), late_arrival, late_solution)

    def _flagged(self, flags: FlagParams) -> ColumnElement[bool]:
        """The whistle has at least one flagged target."""
        return exists(select(WhistleTarget.id).where(
            WhistleTarget.whistle_id == Whistle.id, self.flag_condition(flags)))

    def flagged_whistle_ids(self, flags: FlagParams, *, since: datetime | None = None,
                            until: datetime | None = None) -> list[str]:
        """Whistles called in [since, until) with a flagged target, newest first."""
        query = (select(Whistle.id).join(WhistleTarget, WhistleTarget.whistle_id == Whistle.id)
                 .where(self.flag_condition(flags)).distinct())
        if since is not None:
            query = query.where(Whistle.called_at >= since)
        if until is not None:
            query = query.where(Whistle.called_at < until)
        return list(self.session.scalars(query))

    # --- the list ---------------------------------------------------------------------------
    def _filtered(self, query: Select, *, kind: str | None, status: str | None,
                  unit_id: str | None, text_filter: str | None, since: datetime | None,
                  until: datetime | None, flags: FlagParams | None) -> Select:
        if kind:
            query = query.where(Whistle.kind == kind)
        if status:
            query = query.where(Whistle.status == status)
        if unit_id:
            query = query.where(exists(select(WhistleTarget.id).where(
                WhistleTarget.whistle_id == Whistle.id, WhistleTarget.unit_id == unit_id)))
        if text_filter:
            like = f"%{text_filter}%"
            query = query.where(or_(Whistle.number.like(like), Whistle.title.like(like)))
        if since is not None:
            query = query.where(Whistle.called_at >= since)
        if until is not None:
            query = query.where(Whistle.called_at < until)
        if flags is not None:
            query = query.where(self._flagged(flags))
        return query

    def page(self, *, kind: str | None = None, status: str | None = None,
             unit_id: str | None = None, text_filter: str | None = None,
             since: datetime | None = None, until: datetime | None = None,
             flags: FlagParams | None = None, offset: int = 0,
             limit: int = 200) -> tuple[list[Whistle], int]:
        """One page of whistles, newest call first, and how many match in all.
        ``flags`` given: only whistles with a flagged target."""
        options = dict(kind=kind, status=status, unit_id=unit_id, text_filter=text_filter,
                       since=since, until=until, flags=flags)
        total = self.session.scalar(self._filtered(select(func.count(Whistle.id)), **options))
        rows = self.session.scalars(
            self._filtered(select(Whistle), **options)
            .order_by(Whistle.called_at.desc(), Whistle.number.desc())
            .offset(offset).limit(limit)).all()
        return list(rows), int(total or 0)

    def waiting_for_arrival(self, now: datetime) -> tuple[int, int]:
        """(targets waiting for 报到 on open whistles, of which past their deadline)."""
        open_target = and_(WhistleTarget.arrived_at.is_(None), WhistleTarget.response == "",
                           Whistle.closed_at.is_(None))
        query = (select(func.count(WhistleTarget.id),
                        func.count(WhistleTarget.id).filter(WhistleTarget.arrival_due_at < now))
                 .join(Whistle, Whistle.id == WhistleTarget.whistle_id).where(open_target))
        waiting, late = self.session.execute(query).one()
        return int(waiting), int(late)

    # --- 有哨不吹 -----------------------------------------------------------------------------
    def unblown_demands(self, params: UnblownParams, *, limit: int = 2000) -> list[Demand]:
        """Demands due in [since, until), overdue (open past the deadline or closed after
        it), needing a district department, and never whistled for. The deadline range
        uses ``ix_demand_deadline``; the whistle check ``ix_whistle_demand_id``."""
        now = literal(params.now, DateTime)
        needs = or_(Demand.handling_level == params.district_level,
                    and_(Demand.lead_unit_id.is_not(None),
                         Demand.lead_unit_id.not_in(list(params.street_office_ids))))
        query = (
            select(Demand)
            .where(Demand.deadline_at >= params.since, Demand.deadline_at < params.until,
                   Demand.deadline_at < func.coalesce(Demand.closed_at, now),
                   Demand.status.not_in(list(params.excluded_statuses)), needs,
                   ~exists(select(Whistle.id).where(Whistle.demand_id == Demand.id)))
            .order_by(Demand.deadline_at).limit(limit))
        return list(self.session.scalars(query))

    def whistled(self, demand_ids: Collection[str]) -> set[str]:
        if not demand_ids:
            return set()
        return set(self.session.scalars(
            select(Whistle.demand_id).where(Whistle.demand_id.in_(list(demand_ids)))))
