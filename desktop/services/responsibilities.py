"""The responsibility list (属地管理事项清单): its versions, search over its items, the
units an item proposes for a demand, a whistle, a letter or an action, and what
changed between two versions.

The list is owned by the district: it arrives as a whole new version (from Excel now,
by sync later) and is never edited item by item here. Old versions stay for history;
demands keep pointing at the item they were routed by, so an item's proposal can be
asked for whatever version it belongs to.

Reading use cases open the unit of work themselves; ``proposal_in`` and
``add_list_version`` work inside one already open (an intake that routes and stores in
one transaction, the import, the demo, the sync).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from desktop.clock import now
from desktop.domain.errors import NotFoundError
from desktop.domain.ids import new_id
from desktop.domain.responsibilities import (
    DirectoryUnit,
    ItemDraft,
    ListSource,
    Routing,
    UnitMatch,
    changed_fields,
    join_units,
    route,
    split_units,
)
from desktop.domain.roster import UnitKind
from local_db.models import ResponsibilityItem, ResponsibilityListVersion
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ListVersionRow:
    id: str
    number: int
    title: str
    published_on: date
    source: ListSource
    is_current: bool
    item_count: int
    created_at: datetime

    @property
    def label(self) -> str:
        current = "（现行）" if self.is_current else " "
        return f"第 {self.number} 版{current}· {self.published_on:%Y-%m-%d} 发布 · {self.item_count} 项"


@dataclass(frozen=True)
class ItemRow:
    id: str
    version_id: str
    code: str
    item_type: str
    name: str
    district_duty: str
    street_duty: str
    legal_basis: str
    lead_unit: str
    cooperating_units: tuple[str, ...]

    @property
    def cooperating_text(self) -> str:
        return join_units(self.cooperating_units)

    @property
    def label(self) -> str:
        """How a picker shows the item: "CG-001 占道经营"."""
        return f"{self.code} {self.name}"

    def draft(self) -> ItemDraft:
        return ItemDraft(self.code, self.item_type, self.name, self.district_duty,
                         self.street_duty, self.legal_basis, self.lead_unit,
                         self.cooperating_units)


@dataclass(frozen=True)
class RoutingProposal:
    """The units an item proposes, matched to the unit directory. Unmatched names are
    listed plainly for a person to pick the unit."""

    item: ItemRow
    routing: Routing

    @property
    def leads(self) -> tuple[UnitMatch, ...]:
        return self.routing.leads

    @property
    def cooperating(self) -> tuple[UnitMatch, ...]:
        return self.routing.cooperating

    @property
    def lead_unit_id(self) -> str | None:
        return self.routing.lead_unit_id

    @property
    def street_leads(self) -> bool:
        return self.routing.street_leads

    @property
    def cooperating_unit_ids(self) -> tuple[str, ...]:
        return self.routing.cooperating_unit_ids

    @property
    def unmatched(self) -> tuple[str, ...]:
        return self.routing.unmatched

    def is_on_list(self, unit_id: str) -> bool:
        return self.routing.is_on_list(unit_id)


@dataclass(frozen=True)
class ItemChange:
    old: ItemRow
    new: ItemRow
    fields: tuple[str, ...]  # Chinese labels of the fields that changed


@dataclass(frozen=True)
class VersionComparison:
    old: ListVersionRow
    new: ListVersionRow
    added: tuple[ItemRow, ...]
    removed: tuple[ItemRow, ...]
    changed: tuple[ItemChange, ...]

    @property
    def text(self) -> str:
        if not (self.added or self.removed or self.changed):
            return f"第 {self.new.number} 版与第 {self.old.number} 版内容相同。"
        return (f"第 {self.new.number} 版与第 {self.old.number} 版相比：新增 {len(self.added)} 项，"
                f"删除 {len(self.removed)} 项，修改 {len(self.changed)} 项。")


# --- rows ------------------------------------------------------------------------------


def code_order(code: str) -> tuple[tuple[int, int | str], ...]:
    """Codes in the order people expect: "CG-2" before "CG-10"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.findall(r"\d+|\D+", code))


def item_row(item: ResponsibilityItem) -> ItemRow:
    return ItemRow(item.id, item.version_id, item.code, item.item_type, item.name,
                   item.district_duty, item.street_duty, item.legal_basis, item.lead_unit,
                   split_units(item.cooperating_units))


def _sorted_rows(items: Iterable[ResponsibilityItem]) -> list[ItemRow]:
    return sorted((item_row(item) for item in items), key=lambda row: code_order(row.code))


def _version_row(version: ResponsibilityListVersion, count: int) -> ListVersionRow:
    return ListVersionRow(version.id, version.number, version.title, version.published_on,
                          ListSource(version.source), version.is_current, count,
                          version.created_at)


# --- versions and search ---------------------------------------------------------------


def current_list(uow: UnitOfWork) -> ListVersionRow | None:
    """The version in force, or None before any list was imported."""
    with uow:
        version = uow.responsibilities.current_version()
        if version is None:
            return None
        return _version_row(version, uow.responsibilities.item_counts().get(version.id, 0))


def list_versions(uow: UnitOfWork) -> list[ListVersionRow]:
    """Every version, newest first."""
    with uow:
        counts = uow.responsibilities.item_counts()
        return [_version_row(v, counts.get(v.id, 0)) for v in uow.responsibilities.versions()]


def _version_id(uow: UnitOfWork, version_id: str | None) -> str | None:
    if version_id is not None:
        if uow.responsibilities.version(version_id) is None:
            raise NotFoundError("找不到该版本的事项清单，请刷新后重新选择。")
        return version_id
    current = uow.responsibilities.current_version()
    return current.id if current else None


def search_items(uow: UnitOfWork, *, text: str | None = None, item_type: str | None = None,
                 version_id: str | None = None) -> list[ItemRow]:
    """Items of a version (the current one by default) holding every word of ``text``
    in their code, name, type, duties, legal basis or units; optionally of one type."""
    terms = (text or "").split()
    with uow:
        chosen = _version_id(uow, version_id)
        if chosen is None:
            return []
        return _sorted_rows(uow.responsibilities.search(chosen, terms=terms,
                                                        item_type=item_type or None))


def item_types(uow: UnitOfWork, *, version_id: str | None = None) -> list[str]:
    """The item types of a version (current by default), for the type filter."""
    with uow:
        chosen = _version_id(uow, version_id)
        return uow.responsibilities.item_types(chosen) if chosen else []


def get_item(uow: UnitOfWork, item_id: str) -> ItemRow:
    with uow:
        return item_row(_item(uow, item_id))


def _item(uow: UnitOfWork, item_id: str) -> ResponsibilityItem:
    item = uow.responsibilities.item(item_id)
    if item is None:
        raise NotFoundError("找不到该清单事项，可能清单已更新，请刷新后重新选择。")
    return item


# --- routing ---------------------------------------------------------------------------


def directory(uow: UnitOfWork) -> list[DirectoryUnit]:
    """The unit directory as matching needs it (inside an open unit of work)."""
    return [DirectoryUnit(u.id, u.name, u.short_name, u.kind == UnitKind.STREET_OFFICE.value)
            for u in uow.roster.units()]


def proposal_in(uow: UnitOfWork, item_id: str) -> RoutingProposal:
    """``propose_units`` inside an already open unit of work."""
    item = item_row(_item(uow, item_id))
    sub_center = uow.sub_center.get()
    street = sub_center.street_name if sub_center else ""
    return RoutingProposal(item, route(item.lead_unit, item.cooperating_units,
                                       directory(uow), street))


def propose_units(uow: UnitOfWork, *, item_id: str) -> RoutingProposal:
    """The lead and cooperating units an item proposes, matched to the unit directory
    by full name, short name or a unique similar name; the rest listed as unmatched."""
    with uow:
        return proposal_in(uow, item_id)


def is_on_list(uow: UnitOfWork, *, item_id: str | None, unit_id: str) -> bool:
    """Whether the item names the unit ("清单之外无协同"); no item means not on a list."""
    if item_id is None:
        return False
    return propose_units(uow, item_id=item_id).is_on_list(unit_id)


def units_off_list(uow: UnitOfWork, *, item_id: str | None,
                   unit_ids: Iterable[str]) -> list[str]:
    """The targets the item does not name: the 乱吹哨 flag of a whistle."""
    wanted = list(dict.fromkeys(unit_ids))
    if item_id is None:
        return wanted
    proposal = propose_units(uow, item_id=item_id)
    return [unit_id for unit_id in wanted if not proposal.is_on_list(unit_id)]


# --- comparing versions ----------------------------------------------------------------


def compare_versions(uow: UnitOfWork, old_id: str, new_id: str) -> VersionComparison:
    """Items added, removed and changed (matched by 事项编号) from ``old`` to ``new``."""
    with uow:
        counts = uow.responsibilities.item_counts()
        rows = []
        for version_id in (old_id, new_id):
            version = uow.responsibilities.version(version_id)
            if version is None:
                raise NotFoundError("找不到要对比的清单版本，请刷新后重新选择。")
            rows.append((_version_row(version, counts.get(version.id, 0)),
                         {row.code: row for row in
                          _sorted_rows(uow.responsibilities.items(version_id))}))
    (old, before), (new, after) = rows
    changes = tuple(ItemChange(before[code], row, fields)
                    for code, row in after.items() if code in before
                    for fields in [changed_fields(before[code].draft(), row.draft())] if fields)
    return VersionComparison(
        old, new, added=tuple(row for code, row in after.items() if code not in before),
        removed=tuple(row for code, row in before.items() if code not in after),
        changed=changes)


def diff_counts(before: Sequence[ItemDraft], after: Sequence[ItemDraft]) -> tuple[int, int, int]:
    """(added, removed, changed) between two lists of drafts, by code."""
    old = {draft.code: draft for draft in before}
    new = {draft.code: draft for draft in after}
    changed = sum(1 for code, draft in new.items()
                  if code in old and changed_fields(old[code], draft))
    return len(new.keys() - old.keys()), len(old.keys() - new.keys()), changed


# --- storing a new version (non-committing) ---------------------------------------------


def current_drafts(uow: UnitOfWork) -> tuple[int, list[ItemDraft]]:
    """The current version's number and items (0 and [] before any list)."""
    current = uow.responsibilities.current_version()
    if current is None:
        return 0, []
    return current.number, [item_row(i).draft() for i in uow.responsibilities.items(current.id)]


def add_list_version(uow: UnitOfWork, *, title: str, published_on: date, source: ListSource,
                     items: Sequence[ItemDraft], current: bool = True,
                     ) -> ResponsibilityListVersion:
    """Store a whole new version inside an open unit of work (no commit, permission or
    audit): numbered after the last one and, by default, made the version in force."""
    stamp = now()
    version = ResponsibilityListVersion(
        id=new_id(), version=1, created_at=stamp, updated_at=stamp,
        number=uow.responsibilities.last_number() + 1, title=title.strip(),
        published_on=published_on, source=source.value, is_current=current)
    if current:
        uow.responsibilities.clear_current()
    uow.responsibilities.add_version(version)
    uow.flush()  # no ORM relationship orders the inserts: the version goes in first
    uow.responsibilities.add_items([
        ResponsibilityItem(
            id=new_id(), version=1, created_at=stamp, updated_at=stamp, version_id=version.id,
            code=d.code, item_type=d.item_type, name=d.name, district_duty=d.district_duty,
            street_duty=d.street_duty, legal_basis=d.legal_basis, lead_unit=d.lead_unit,
            cooperating_units=join_units(d.cooperating_units))
        for d in items
    ])
    uow.flush()
    return version
