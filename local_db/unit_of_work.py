"""Unit of work: one session, one transaction, rolled back unless committed.

Built from a session factory handed in at start-up; nothing is built at import time.
A service opens it with ``with uow:``, works through the repositories, and calls
``uow.commit()`` explicitly. Leaving the block without a commit rolls everything back,
which is what makes a failed import or a refused edit leave the data as it was.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from local_db.action_repository import ActionRepository
from local_db.demand_queries import DemandQueries
from local_db.demand_repository import DemandRepository
from local_db.document_repository import DocumentRepository
from local_db.handover_repository import HandoverRepository
from local_db.indicator_queries import IndicatorQueries
from local_db.repositories import (
    AuditRepository,
    CalendarRepository,
    GridRepository,
    RosterRepository,
    SubCenterRepository,
    UserRepository,
)
from local_db.responsibility_repository import ResponsibilityRepository
from local_db.sync_repository import SyncRepository
from local_db.whistle_repository import WhistleRepository


class UnitOfWork:
    session: Session
    grids: GridRepository
    sub_center: SubCenterRepository
    users: UserRepository
    roster: RosterRepository
    calendar: CalendarRepository
    demands: DemandRepository
    demand_queries: DemandQueries
    responsibilities: ResponsibilityRepository
    whistles: WhistleRepository
    handovers: HandoverRepository
    indicators: IndicatorQueries
    documents: DocumentRepository
    actions: ActionRepository
    sync: SyncRepository
    audit: AuditRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.grids = GridRepository(self.session)
        self.sub_center = SubCenterRepository(self.session)
        self.users = UserRepository(self.session)
        self.roster = RosterRepository(self.session)
        self.calendar = CalendarRepository(self.session)
        self.demands = DemandRepository(self.session)
        self.demand_queries = DemandQueries(self.session)
        self.responsibilities = ResponsibilityRepository(self.session)
        self.whistles = WhistleRepository(self.session)
        self.handovers = HandoverRepository(self.session)
        self.indicators = IndicatorQueries(self.session)
        self.documents = DocumentRepository(self.session)
        self.actions = ActionRepository(self.session)
        self.sync = SyncRepository(self.session)
        self.audit = AuditRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()


class JoinedUnitOfWork(UnitOfWork):
    """A unit of work that joins one already open: same session and repositories;
    ``commit`` only flushes and leaving does nothing, so the outer unit of work commits
    or rolls back everything at once. Lets a committing use case be one step of a
    larger all-or-nothing job (the demo generator, a batch import) without copying its
    rules."""

    def __init__(self, outer: UnitOfWork) -> None:  # no super(): no session factory
        vars(self).update(vars(outer))  # every repository the outer one has

    def __enter__(self) -> JoinedUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def commit(self) -> None:
        self.session.flush()
