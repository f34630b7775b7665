"""The scale data set's ~10,000 official documents (公文) over the three years, with the
number register (发文登记簿) and the series, written as rows in one transaction.

The mix: 函告 to departments about demands (and some about 攻坚哨/应急哨), 督办单 for
demands past or near their deadline, 案件移送书 for matters of district departments, and a
联合执法行动通知 for most actions that were notified. Each is drafted some hours after its
record (the letter while the demand was open, the 督办单 after its deadline, the notice
between the action's approval and its notification), submitted, approved by the
director and printed; the last days' are still drafts or waiting for approval, a few
were approved and not printed yet, a few voided with the reason (a number taken stays
in the register with it, as ``documents.void`` leaves it).

Numbers are the app's (desktop/services/documents.take_number): per 代字 + series word +
year of the issue date, in approval order, without gaps, after any the series already
has; the register holds one row per number taken, and each series' ``next_number``
follows its last. Nothing is archived: printing a scale document renders it from its
fields (``document_output``) and archives it then.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from desktop.demo_scale_actions import MadeAction, WhistleRef
from desktop.demo_scale_db import SCALE_MARK, driver, write_rows
from desktop.demo_scale_doc_fields import Facts
from desktop.demo_scale_doc_plan import DocumentPlanner, Draft
from desktop.demo_scale_rows import stamp, uuid7
from desktop.demo_scale_samples import DemandSample
from desktop.documents import records
from desktop.documents.kinds import KIND_SPECS
from desktop.domain.actor import Actor
from desktop.domain.documents import format_number
from desktop.domain.roster import UnitKind
from desktop.domain.workdays import WorkCalendar
from desktop.progress import CancelToken
from desktop.services import audit
from desktop.services.action_rows import roster_facts
from desktop.services.audit import AuditAction
from desktop.services.document_rows import dump_fields, title_of
from local_db.models import Community, Grid, Unit
from local_db.models.documents import Document, DocumentNumber, DocumentSeries

if TYPE_CHECKING:
    from desktop.bootstrap import AppContext

DOCUMENT_COLUMNS = tuple(c.name for c in Document.__table__.columns)
NUMBER_COLUMNS = tuple(c.name for c in DocumentNumber.__table__.columns)
SERIES_COLUMNS = tuple(c.name for c in DocumentSeries.__table__.columns)
DIRECTOR = "赵国强"
CLERKS = ("陈静怡", "陈静怡", "李晓燕")


@dataclass
class Series:
    id: str
    prefix: str
    word: str
    year: int
    last: int  # the last number taken
    new: bool
    first_at: datetime | None = None
    last_at: datetime | None = None
    numbers: list[tuple[object, ...]] = field(default_factory=list)


def _facts(uow: Any, calendar: WorkCalendar) -> Facts:
    session = uow.session
    units = {u.id: u.name for u in uow.roster.units(include_retired=True)}
    office = session.scalars(select(Unit).where(Unit.kind == UnitKind.STREET_OFFICE.value,
                                                Unit.retired.is_(False))).first()
    places = {}
    for grid_id, name, community in session.execute(
            select(Grid.id, Grid.name, Community.name).join(Community,
                                                            Community.id == Grid.community_id)):
        places[grid_id] = name if name.startswith(community) else f"{community}{name}"
    version = uow.responsibilities.current_version()
    items = {i.id: i for i in uow.responsibilities.items(version.id)} if version else {}
    officers = roster_facts(uow)
    team = tuple(sorted((o.officer_id for o in officers.values()
                         if office is not None and o.unit_id == office.id and o.enforces),
                        key=lambda i: officers[i].name))
    contact = (office.contact_person, office.contact_phone) if office else ("", "")
    offices = frozenset(u.id for u in uow.roster.units(include_retired=True)
                        if u.kind == UnitKind.STREET_OFFICE.value)
    return Facts(records.issuer(uow), units, contact, places, items, officers, team, calendar,
                 offices)


def _series(uow: Any, prefix: str) -> dict[tuple[str, int], Series]:
    found = {}
    for row in uow.session.scalars(select(DocumentSeries).where(DocumentSeries.prefix == prefix)):
        found[(row.word, row.year)] = Series(row.id, prefix, row.word, row.year,
                                             row.next_number - 1, new=False)
    return found


def number_drafts(drafts: Sequence[Draft], series: dict[tuple[str, int], Series],
                  prefix: str, rng: random.Random) -> None:
    """Numbers in approval order per series word and year of issue, and the register."""
    numbered = [d for d in drafts if d.approved_at is not None and KIND_SPECS[d.kind].numbered]
    for draft in sorted(numbered, key=lambda d: (d.approved_at, d.id)):
        assert draft.approved_at is not None
        word, year = KIND_SPECS[draft.kind].series_word, draft.approved_at.year
        entry = series.get((word, year))
        if entry is None:
            entry = series[(word, year)] = Series(
                uuid7(int(draft.approved_at.timestamp() * 1000), rng.getrandbits(74)), prefix,
                word, year, 0, new=True)
        entry.last += 1
        entry.first_at = entry.first_at or draft.approved_at
        entry.last_at = draft.approved_at
        draft.series_id, draft.seq = entry.id, entry.last
        draft.number = format_number(prefix, word, year, entry.last)
        taken = stamp(draft.approved_at)
        voided = stamp(draft.voided_at) if draft.voided_at else None
        entry.numbers.append((
            uuid7(int(draft.approved_at.timestamp() * 1000), rng.getrandbits(74)),
            2 if voided else 1, taken, voided or taken, entry.id, entry.last, draft.number,
            draft.id, DIRECTOR, taken, draft.void_reason if voided else None, voided))


def _number_row(values: tuple[object, ...]) -> tuple[object, ...]:
    order = ("id", "version", "created_at", "updated_at", "series_id", "seq", "number",
             "document_id", "taken_by", "taken_at", "void_reason", "voided_at")
    by_name = dict(zip(order, values, strict=True))
    return tuple(by_name[c] for c in NUMBER_COLUMNS)


def document_row(draft: Draft) -> tuple[object, ...]:
    def at(moment: datetime | None) -> str | None:
        return stamp(moment) if moment else None

    values: dict[str, object] = {
        "id": draft.id, "version": draft.version, "created_at": stamp(draft.drafted_at),
        "updated_at": stamp(draft.updated_at), "kind": draft.kind.value,
        "source_type": KIND_SPECS[draft.kind].source_type, "source_id": draft.source_id,
        "title": title_of(draft.kind, draft.fields, draft.source_id),
        "fields_json": dump_fields(draft.fields), "state": draft.state.value,
        "drafted_by": draft.drafted_by,
        "submitted_by": draft.drafted_by if draft.submitted_at else None,
        "submitted_at": at(draft.submitted_at),
        "approved_by": DIRECTOR if draft.approved_at else None,
        "approved_at": at(draft.approved_at),
        "issued_on": draft.approved_at.date().isoformat() if draft.approved_at else None,
        "number": draft.number, "series_id": draft.series_id,
        "year": draft.approved_at.year if draft.approved_at else None, "seq": draft.seq,
        "print_count": draft.print_count, "archived_sha256": None,
        "void_reason": draft.void_reason, "voided_by": DIRECTOR if draft.voided_at else None,
        "voided_at": at(draft.voided_at),
    }
    return tuple(values[c] for c in DOCUMENT_COLUMNS)


def _series_rows(series: dict[tuple[str, int], Series]) -> list[tuple[object, ...]]:
    rows = []
    for entry in series.values():
        if entry.new and entry.first_at and entry.last_at:
            values = {"id": entry.id, "version": entry.last + 1, "created_at": stamp(entry.first_at),
                      "updated_at": stamp(entry.last_at), "prefix": entry.prefix,
                      "word": entry.word, "year": entry.year, "next_number": entry.last + 1}
            rows.append(tuple(values[c] for c in SERIES_COLUMNS))
    return rows


def load_documents(context: AppContext, actor: Actor, samples: Sequence[DemandSample],
                   actions: Sequence[MadeAction], whistles: Sequence[WhistleRef],
                   calendar: WorkCalendar, now: datetime, total: int, seed: int,
                   cancel: CancelToken) -> int:
    """Make and write ~``total`` documents, their numbers and series in one transaction."""
    rng = random.Random(f"{seed}:scale-documents")
    with context.uow() as uow:
        facts = _facts(uow, calendar)
        prefix = facts.issuer.prefix or "街"
        planner = DocumentPlanner(rng, facts, now, CLERKS)
        drafts = planner.plan(samples, actions, whistles, total)
        series = _series(uow, prefix)
        number_drafts(drafts, series, prefix, rng)
        db = driver(uow)
        write_rows(db, "document_series", SERIES_COLUMNS, _series_rows(series), cancel)
        write_rows(db, "document", DOCUMENT_COLUMNS, [document_row(d) for d in drafts], cancel)
        numbers = [_number_row(n) for entry in series.values() for n in entry.numbers]
        write_rows(db, "document_number", NUMBER_COLUMNS, numbers, cancel)
        for entry in series.values():
            if not entry.new and entry.numbers:
                db.execute("UPDATE document_series SET next_number = ?, version = version + 1 "
                           "WHERE id = ?", (entry.last + 1, entry.id))
        audit.record(uow, actor, AuditAction.CREATE, entity_type="document", entity_id=SCALE_MARK,
                     summary=f"载入大规模演示数据：公文 {len(drafts):,} 份（登记文号 {len(numbers):,} 个）")
        uow.commit()
    return len(drafts)
