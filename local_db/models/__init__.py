"""All models, imported here so ``Base.metadata`` is complete for alembic."""

from local_db.base import Base
from local_db.models.accounts import User
from local_db.models.audit import AuditHead, AuditRecord
from local_db.models.calendar import CalendarDay, CalendarYear
from local_db.models.demands import (
    Attachment,
    Demand,
    DemandAttachment,
    DemandCategory,
    DemandStep,
    DemandUnit,
    ExtensionRequest,
    Handover,
    ResponsibilityItem,
    ResponsibilityListVersion,
    Whistle,
    WhistleTarget,
)
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

# Modules whose classes register themselves on Base.metadata; import the classes from
# their module (local_db.models.documents, .actions, .sync).
from local_db.models import actions, documents, sync  # noqa: F401  isort: skip

__all__ = [
    "Attachment",
    "AuditHead",
    "AuditRecord",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Certificate",
    "Community",
    "Demand",
    "DemandAttachment",
    "DemandCategory",
    "DemandStep",
    "DemandUnit",
    "DutyAssignment",
    "ExtensionRequest",
    "Grid",
    "GridAssignment",
    "GridEvent",
    "GridLineage",
    "GridPerson",
    "GridPresence",
    "Handover",
    "HeaderAlias",
    "Leave",
    "Officer",
    "OfficerEvent",
    "ResponsibilityItem",
    "ResponsibilityListVersion",
    "SubCenter",
    "Unit",
    "UnitResponder",
    "User",
    "Whistle",
    "WhistleTarget",
]
