"""Demands, their steps, extension requests, attachments, whistles and handovers:
loading and storing single records for the use cases. Never commits.

The list screens do not use this: ``local_db/demand_queries.py`` serves them with
paged SQL over the indexes and the FTS5 table, returning plain rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from local_db.models import (
    Attachment,
    Demand,
    DemandAttachment,
    DemandCategory,
    DemandStep,
    DemandUnit,
    ExtensionRequest,
)


class DemandRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # demands ---------------------------------------------------------------------
    def get(self, demand_id: str) -> Demand | None:
        return self.session.get(Demand, demand_id)

    def by_number(self, number: str) -> Demand | None:
        return self.session.scalars(select(Demand).where(Demand.number == number)).first()

    def add(self, demand: Demand) -> None:
        self.session.add(demand)

    def take_write_lock(self) -> None:
        """Start the write transaction now (SQLite takes its write lock at the first
        writing statement, even one that changes nothing), so that a number read next
        cannot be read by another process's transaction at the same time."""
        self.session.execute(text("UPDATE demand SET version = version WHERE 0"))

    def duplicates_of(self, demand_id: str) -> Sequence[Demand]:
        return self.session.scalars(
            select(Demand).where(Demand.duplicate_of_id == demand_id).order_by(Demand.number)
        ).all()

    def open_without_deadline(self, statuses: Iterable[str]) -> Sequence[Demand]:
        """Demands whose deadline could not be computed (a missing calendar year)."""
        return self.session.scalars(
            select(Demand).where(Demand.deadline_at.is_(None), Demand.status.in_(list(statuses)))
        ).all()

    # the timeline ----------------------------------------------------------------
    def add_step(self, step: DemandStep) -> None:
        self.session.add(step)

    def steps(self, demand_id: str) -> Sequence[DemandStep]:
        return self.session.scalars(
            select(DemandStep).where(DemandStep.demand_id == demand_id).order_by(DemandStep.id)
        ).all()

    # cooperating units -----------------------------------------------------------
    def cooperating_unit_ids(self, demand_id: str) -> list[str]:
        return list(self.session.scalars(
            select(DemandUnit.unit_id).where(DemandUnit.demand_id == demand_id)
            .order_by(DemandUnit.id)))

    def remove_cooperating_unit(self, link: DemandUnit) -> None:
        """Delete a link, also one added in this transaction. Call it before taking the
        link out of the demand's collection. A pending link is flushed and then deleted
        rather than expunged: expunging renumbers the session's pending inserts, and the
        timeline's steps would no longer be stored in the order they were added."""
        if not inspect(link).persistent:
            self.session.flush()
        self.session.delete(link)

    # extension requests ----------------------------------------------------------
    def add_extension(self, request: ExtensionRequest) -> None:
        self.session.add(request)

    def extension(self, request_id: str) -> ExtensionRequest | None:
        return self.session.get(ExtensionRequest, request_id)

    def extensions(self, demand_id: str) -> Sequence[ExtensionRequest]:
        return self.session.scalars(
            select(ExtensionRequest).where(ExtensionRequest.demand_id == demand_id)
            .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
        ).all()

    # attachments -----------------------------------------------------------------
    def attachment(self, sha256: str) -> Attachment | None:
        return self.session.get(Attachment, sha256)

    def add_attachment(self, attachment: Attachment) -> None:
        self.session.add(attachment)

    def demand_attachment(self, demand_id: str, sha256: str) -> DemandAttachment | None:
        return self.session.scalars(select(DemandAttachment).where(
            DemandAttachment.demand_id == demand_id, DemandAttachment.sha256 == sha256)).first()

    def demand_attachments(self, demand_id: str) -> Sequence[tuple[DemandAttachment, Attachment]]:
        rows = self.session.execute(
            select(DemandAttachment, Attachment)
            .join(Attachment, Attachment.sha256 == DemandAttachment.sha256)
            .where(DemandAttachment.demand_id == demand_id).order_by(DemandAttachment.id))
        return [(link, stored) for link, stored in rows]

    def add_demand_attachment(self, link: DemandAttachment) -> None:
        self.session.add(link)

    # the two-level classification ------------------------------------------------
    def category(self, category_id: str) -> DemandCategory | None:
        return self.session.get(DemandCategory, category_id)

    def categories(self) -> Sequence[DemandCategory]:
        return self.session.scalars(
            select(DemandCategory).order_by(DemandCategory.sort_order, DemandCategory.name)
        ).all()

    def category_by_name(self, parent_id: str | None, name: str) -> DemandCategory | None:
        parent = (DemandCategory.parent_id.is_(None) if parent_id is None
                  else DemandCategory.parent_id == parent_id)
        return self.session.scalars(
            select(DemandCategory).where(parent, DemandCategory.name == name)).first()

    def add_category(self, category: DemandCategory) -> None:
        self.session.add(category)
