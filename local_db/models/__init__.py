"""All models, imported here so ``Base.metadata`` is complete for alembic."""

from local_db.base import Base
from local_db.models.accounts import User
from local_db.models.audit import AuditHead, AuditRecord
from local_db.models.calendar import CalendarDay, CalendarYear
from local_db.models.grids import (
    Community,
    Grid,
    GridAssignment,
    GridEvent,
    GridLineage,
    GridPerson,
    GridPresence,
)
from local_db.models.roster import (
    Certificate,
    DutyAssignment,
    HeaderAlias,
    Leave,
    Officer,
    OfficerEvent,
    Unit,
    UnitResponder,
)
from local_db.models.subcenter import SubCenter

__all__ = [
    "AuditHead",
    "AuditRecord",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Certificate",
    "Community",
    "DutyAssignment",
    "Grid",
    "GridAssignment",
    "GridEvent",
    "GridLineage",
    "GridPerson",
    "GridPresence",
    "HeaderAlias",
    "Leave",
    "Officer",
    "OfficerEvent",
    "SubCenter",
    "Unit",
    "UnitResponder",
    "User",
]
