"""What the demand use cases return: frozen rows built inside the unit of work, with
codes turned into enums and ids into names, so that pages never touch the database.

The reporter's phone is masked in every row; ``reveal_reporter_phone`` shows it in
full, on purpose and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource, rule_for
from desktop.domain.demand_states import (
    DeadlineState,
    DemandAction,
    DemandStatus,
    ExtensionState,
    HandlingLevel,
    Rating,
    allowed_actions,
    deadline_state,
)
from desktop.domain.privacy import mask_phone
from desktop.domain.work_orders import WorkOrderState, work_order_state
from desktop.domain.workdays import END_OF_DAY, WorkCalendar, format_day, format_moment
from desktop.services.demand_categories import category_path
from local_db.models import Attachment, Demand, DemandAttachment, DemandStep, ExtensionRequest
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class UnitRef:
    id: str
    name: str


@dataclass(frozen=True)
class DemandRow:
    id: str
    number: str  # 受理编号
    external_number: str | None  # 区级工单号
    kind: DemandKind
    nature: DemandNature
    source: DemandSource
    urgent: bool
    category_id: str | None
    category_path: str  # 大类 › 小类
    title: str
    content: str
    reporter_name: str
    reporter_phone_masked: str
    address: str
    longitude: float | None
    latitude: float | None
    grid_id: str | None
    grid_name: str
    responsibility_item_id: str | None
    lead_unit: UnitRef | None
    handling_level: HandlingLevel
    status: DemandStatus
    received_at: datetime
    deadline_at: datetime | None
    deadline_note: str  # why there is no deadline (a missing calendar year, suspended)
    closed_at: datetime | None
    rating: Rating | None
    duplicate_of_id: str | None
    returned_count: int
    version: int

    @property
    def deadline_text(self) -> str:
        """The deadline as the UI shows it, or why there is none."""
        if self.deadline_at is None:
            return self.deadline_note or "—"
        if self.deadline_at.time() == END_OF_DAY:
            return format_day(self.deadline_at.date())
        return format_moment(self.deadline_at)


@dataclass(frozen=True)
class StepRow:
    id: int
    action: DemandAction
    from_status: DemandStatus | None
    to_status: DemandStatus
    occurred_at: datetime
    actor: str
    unit: UnitRef | None
    note: str

    @property
    def changed_status(self) -> bool:
        return self.from_status is not self.to_status

    @property
    def text(self) -> str:
        """One line of the timeline: when, who, what, and the note."""
        move = (f"（{self.from_status.label} → {self.to_status.label}）"
                if self.from_status is not None and self.changed_status else "")
        unit = f"〔{self.unit.name}〕" if self.unit else ""
        note = f"：{self.note}" if self.note else ""
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor}{unit} {self.action.label}{move}{note}"


@dataclass(frozen=True)
class ExtensionRow:
    id: str
    requested_by: str
    requested_at: datetime
    workdays: int
    reason: str
    state: ExtensionState
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    version: int


@dataclass(frozen=True)
class AttachmentRow:
    sha256: str
    file_name: str
    size: int
    media_type: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class DemandDetail:
    demand: DemandRow
    cooperating_units: tuple[UnitRef, ...]
    extensions: tuple[ExtensionRow, ...]
    attachments: tuple[AttachmentRow, ...]
    steps: tuple[StepRow, ...]
    deadline_state: DeadlineState
    rule_text: str  # "投诉类 · 13个工作日"
    duplicate_of_number: str | None
    duplicates: tuple[str, ...]  # numbers of the demands merged into this one
    actions: tuple[DemandAction, ...]  # what may be done next
    work_order: WorkOrderState | None = None  # a district work order's state there

    @property
    def pending_extension(self) -> ExtensionRow | None:
        return next((e for e in self.extensions if e.state is ExtensionState.PENDING), None)


class Names:
    """Names of grids and units for many rows, each looked up once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._grids: dict[str, str] = {}
        self._units: dict[str, str] = {}
        self._categories: dict[str, str] = {}

    def grid(self, grid_id: str | None) -> str:
        if grid_id is None:
            return ""
        if grid_id not in self._grids:
            grid = self.uow.grids.get(grid_id)
            self._grids[grid_id] = grid.name if grid else ""
        return self._grids[grid_id]

    def unit(self, unit_id: str | None) -> UnitRef | None:
        if unit_id is None:
            return None
        if unit_id not in self._units:
            unit = self.uow.roster.unit(unit_id)
            self._units[unit_id] = unit.name if unit else "（已删除的单位）"
        return UnitRef(unit_id, self._units[unit_id])

    def category(self, category_id: str | None) -> str:
        if category_id is None:
            return ""
        if category_id not in self._categories:
            self._categories[category_id] = category_path(self.uow, category_id)
        return self._categories[category_id]


def demand_row(demand: Demand, names: Names) -> DemandRow:
    return DemandRow(
        id=demand.id, number=demand.number, external_number=demand.external_number,
        kind=DemandKind(demand.kind), nature=DemandNature(demand.nature),
        source=DemandSource(demand.source), urgent=demand.urgent,
        category_id=demand.category_id, category_path=names.category(demand.category_id),
        title=demand.title, content=demand.content, reporter_name=demand.reporter_name,
        reporter_phone_masked=mask_phone(demand.reporter_phone), address=demand.address,
        longitude=demand.longitude, latitude=demand.latitude, grid_id=demand.grid_id,
        grid_name=names.grid(demand.grid_id),
        responsibility_item_id=demand.responsibility_item_id,
        lead_unit=names.unit(demand.lead_unit_id),
        handling_level=HandlingLevel(demand.handling_level), status=DemandStatus(demand.status),
        received_at=demand.received_at, deadline_at=demand.deadline_at,
        deadline_note=demand.deadline_note, closed_at=demand.closed_at,
        rating=Rating(demand.rating) if demand.rating else None,
        duplicate_of_id=demand.duplicate_of_id, returned_count=demand.returned_count,
        version=demand.version,
    )


def step_row(step: DemandStep, names: Names) -> StepRow:
    return StepRow(step.id, DemandAction(step.action),
                   DemandStatus(step.from_status) if step.from_status else None,
                   DemandStatus(step.to_status), step.occurred_at, step.actor,
                   names.unit(step.unit_id), step.note)


def extension_row(request: ExtensionRequest) -> ExtensionRow:
    return ExtensionRow(request.id, request.requested_by, request.requested_at, request.workdays,
                        request.reason, ExtensionState(request.state), request.decided_by,
                        request.decided_at, request.decision_note, request.version)


def attachment_row(link: DemandAttachment, stored: Attachment) -> AttachmentRow:
    return AttachmentRow(stored.sha256, link.file_name, stored.size, stored.media_type,
                         link.added_at, link.added_by)


def detail_of(uow: UnitOfWork, demand: Demand, calendar: WorkCalendar,
              moment: datetime) -> DemandDetail:
    """Everything the detail page shows, inside an open unit of work."""
    names = Names(uow)
    repo = uow.demands
    rule = rule_for(demand.kind, demand.source, demand.urgent, nature=demand.nature)
    original = repo.get(demand.duplicate_of_id) if demand.duplicate_of_id else None
    return DemandDetail(
        demand=demand_row(demand, names),
        cooperating_units=tuple(filter(None, (names.unit(unit_id) for unit_id
                                              in repo.cooperating_unit_ids(demand.id)))),
        extensions=tuple(extension_row(r) for r in repo.extensions(demand.id)),
        attachments=tuple(attachment_row(link, stored)
                          for link, stored in repo.demand_attachments(demand.id)),
        steps=tuple(step_row(step, names) for step in repo.steps(demand.id)),
        deadline_state=deadline_state(demand.status, demand.deadline_at, moment, calendar,
                                      closed_at=demand.closed_at),
        rule_text=f"{rule.label} · {rule.text}" if rule.label else rule.text,
        duplicate_of_number=original.number if original else None,
        duplicates=tuple(d.number for d in repo.duplicates_of(demand.id)),
        actions=tuple(allowed_actions(demand.status)),
        work_order=work_order_state(
            demand.district_status, demand.district_note,
            extension_request=demand.extension_request, return_request=demand.return_request,
            completion=demand.completion, accepted_at=demand.accepted_at),
    )
