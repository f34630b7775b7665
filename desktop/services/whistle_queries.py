"""Reading whistles: the list (filters and paging, the flagged filter in SQL), one
whistle's detail, what the 吹哨 dialog offers and proposes, the negative list of a
period, and the workbench's count of units waiting to 报到.

The proposal follows seed 004 and the list (清单之外无协同): the units the
responsibility item names — for a 日常哨 the street's own offices among them, for an
应急哨 or 攻坚哨 the district departments — each with its 应哨人 for the community
(UnitResponder), or for a 攻坚哨 the department's 总应哨人. A person may change all of
it; calling off the list is allowed but shows as 乱吹哨.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from desktop import clock
from desktop.domain.demand_states import DemandStatus, HandlingLevel
from desktop.domain.errors import NotFoundError
from desktop.domain.responsibilities import UnitMatch
from desktop.domain.roster import UnitKind
from desktop.domain.whistles import (
    DEFAULT_WHISTLE_RULES,
    DemandFacts,
    Flag,
    FlagKind,
    Period,
    WhistleKind,
    unblown_flag,
    whistle_flags,
)
from desktop.services.responsibilities import code_order, proposal_in
from desktop.services.whistle_rows import (
    Lookup,
    WhistleDetail,
    WhistlePage,
    target_facts,
    target_row,
    whistle_facts,
    whistle_row,
)
from local_db.models import Unit, Whistle
from local_db.unit_of_work import UnitOfWork
from local_db.whistle_repository import UnblownParams

_OPEN_DEMANDS = tuple(s.value for s in (
    DemandStatus.ACCEPTED, DemandStatus.TRIAGED, DemandStatus.DISPATCHED, DemandStatus.HANDLING,
    DemandStatus.REPORTED, DemandStatus.VERIFIED, DemandStatus.RETURNED, DemandStatus.SUSPENDED))
_NOT_JUDGED = tuple(s.value for s in (DemandStatus.MERGED, DemandStatus.SENT_BACK,
                                      DemandStatus.SUSPENDED))


# --- the list and the detail -----------------------------------------------------------------


def _demand_numbers(uow: UnitOfWork, whistles: list[Whistle]) -> dict[str, tuple[str, str]]:
    ids = {w.demand_id for w in whistles if w.demand_id}
    return uow.whistles.demand_names(ids)


def list_whistles(uow: UnitOfWork, *, kind: WhistleKind | None = None, status: str | None = None,
                  unit_id: str | None = None, flagged: bool = False, text: str = "",
                  period: Period | None = None, offset: int = 0, limit: int = 200,
                  now: datetime | None = None) -> WhistlePage:
    """A page of whistles, newest first; ``flagged``: only those on the negative list."""
    moment = now or clock.now()
    with uow:
        lookup = Lookup(uow)
        whistles, total = uow.whistles.page(
            kind=kind or None, status=status or None, unit_id=unit_id or None,
            text_filter=text.strip() or None, since=period.since if period else None,
            until=period.until if period else None,
            flags=lookup.flag_params(moment) if flagged else None, offset=max(0, offset),
            limit=limit)
        targets = uow.whistles.targets_of([w.id for w in whistles])
        by_whistle: dict[str, list] = {}
        for target in targets:
            by_whistle.setdefault(target.whistle_id, []).append(target)
        names = _demand_numbers(uow, whistles)
        rows = tuple(whistle_row(w, by_whistle.get(w.id, []), lookup, moment,
                                 names.get(w.demand_id or "", ("", ""))[0]) for w in whistles)
        return WhistlePage(rows, total, max(0, offset), limit)


def detail_in(uow: UnitOfWork, whistle_id: str, now: datetime) -> WhistleDetail:
    whistle = uow.whistles.get(whistle_id)
    if whistle is None:
        raise NotFoundError("找不到该吹哨记录，可能已被删除，请刷新后重试。")
    lookup = Lookup(uow)
    targets = sorted(whistle.targets, key=lambda t: (t.created_at, t.id))
    number, title = uow.whistles.demand_names(
        [whistle.demand_id] if whistle.demand_id else []).get(whistle.demand_id or "", ("", ""))
    facts = whistle_facts(whistle, targets, lookup)
    rows = tuple(target_row(facts, t, f, now) for t, f in zip(targets, facts.targets, strict=True))
    return WhistleDetail(whistle_row(whistle, targets, lookup, now, number), rows, title,
                         _item_text(uow, whistle.responsibility_item_id),
                         DEFAULT_WHISTLE_RULES.arrival_text(WhistleKind(whistle.kind)))


def _item_text(uow: UnitOfWork, item_id: str | None) -> str:
    if item_id is None:
        return "未选择清单事项"
    try:
        proposal = proposal_in(uow, item_id)
    except NotFoundError:
        return "（清单事项已不存在）"
    item = proposal.item
    helpers = f"；配合：{item.cooperating_text}" if item.cooperating_units else ""
    return f"{item.label}（主体：{item.lead_unit or '—'}{helpers}）"


def whistle_detail(uow: UnitOfWork, whistle_id: str, *, now: datetime | None = None) -> WhistleDetail:
    with uow:
        return detail_in(uow, whistle_id, now or clock.now())


# --- what the 吹哨 dialog offers and proposes --------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True)
class DemandChoice:
    id: str
    number: str
    title: str
    item_id: str | None
    community_id: str | None

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}"


@dataclass(frozen=True)
class WhistleChoices:
    units: tuple[Choice, ...]  # active units, the street's offices first
    communities: tuple[Choice, ...]
    items: tuple[Choice, ...]  # the current list's items
    demands: tuple[DemandChoice, ...]  # recent open demands, newest first


def whistle_choices(uow: UnitOfWork, *, demand_limit: int = 300) -> WhistleChoices:
    with uow:
        units = sorted(uow.roster.units(), key=lambda u: (u.kind != UnitKind.STREET_OFFICE, u.name))
        version = uow.responsibilities.current_version()
        items = uow.responsibilities.items(version.id) if version else []
        ordered = sorted(items, key=lambda i: code_order(i.code))
        communities = {g.id: g.community_id for g in uow.grids.all()}
        demands = tuple(DemandChoice(d.id, d.number, d.title, d.responsibility_item_id,
                                     communities.get(d.grid_id or ""))
                        for d in uow.whistles.recent_demands(_OPEN_DEMANDS, demand_limit))
        return WhistleChoices(
            tuple(Choice(u.id, u.name) for u in units),
            tuple(Choice(c.id, c.name) for c in uow.grids.communities()),
            tuple(Choice(i.id, f"{i.code} {i.name}") for i in ordered), demands)


@dataclass(frozen=True)
class ProposedTarget:
    unit_id: str
    unit_name: str
    role: str  # 主体责任单位 / 配合责任单位 / 本街道站办所
    responder: str
    responder_phone: str


@dataclass(frozen=True)
class WhistleProposal:
    item_id: str | None
    community_id: str | None
    targets: tuple[ProposedTarget, ...]
    note: str  # unmatched names, or why nothing is proposed


def default_responder(unit: Unit, community_id: str | None, kind: WhistleKind) -> str:
    """攻坚哨: the 总应哨人; otherwise the unit's 应哨人 for the community, then the
    总应哨人, then the unit's contact."""
    named = next((r for r in unit.responders if r.community_id == community_id), None)
    if WhistleKind(kind) is WhistleKind.HARD and unit.chief_responder:
        return unit.chief_responder
    return (named.name if named else "") or unit.chief_responder or unit.contact_person


def _responder_phone(unit: Unit, community_id: str | None, kind: WhistleKind) -> str:
    named = next((r for r in unit.responders if r.community_id == community_id), None)
    if WhistleKind(kind) is WhistleKind.HARD and unit.chief_responder:
        return unit.chief_responder_phone
    return (named.phone if named else "") or unit.chief_responder_phone or unit.contact_phone


def _candidates(uow: UnitOfWork, item_id: str) -> tuple[list[tuple[str, str]], str]:
    """(unit id, role) the item names, and a note of the names nobody matched."""
    proposal = proposal_in(uow, item_id)
    found: list[tuple[str, str]] = []

    def add(matches: tuple[UnitMatch, ...], role: str) -> None:
        for match in matches:
            if match.unit_id and all(match.unit_id != u for u, _ in found):
                found.append((match.unit_id, role))
    add(proposal.leads, "主体责任单位")
    add(proposal.cooperating, "配合责任单位")
    if proposal.routing.names_street:
        for unit in uow.roster.units():
            if unit.kind == UnitKind.STREET_OFFICE and all(unit.id != u for u, _ in found):
                found.append((unit.id, "本街道站办所"))
    unmatched = proposal.unmatched
    note = (f"清单列明但单位名录中没有：{'、'.join(unmatched)}，如需要请手动添加。"
            if unmatched else "")
    return found, note


def propose_targets(uow: UnitOfWork, *, kind: WhistleKind, responsibility_item_id: str | None = None,
                    demand_id: str | None = None,
                    community_id: str | None = None) -> WhistleProposal:
    """The units and 应哨人 to call (see the module docstring)."""
    kind = WhistleKind(kind)
    with uow:
        demand = uow.demands.get(demand_id) if demand_id else None
        item_id = responsibility_item_id or (demand.responsibility_item_id if demand else None)
        if community_id is None and demand is not None and demand.grid_id:
            grid = uow.grids.get(demand.grid_id)
            community_id = grid.community_id if grid else None
        units = {u.id: u for u in uow.roster.units()}
        if item_id is None:
            chosen = [(u.id, "本街道站办所") for u in units.values()
                      if kind is WhistleKind.DAILY and u.kind == UnitKind.STREET_OFFICE]
            note = "未选择清单事项：请选择应哨单位。清单之外吹哨将计入负面清单“乱吹哨”。"
        else:
            found, note = _candidates(uow, item_id)
            own = [c for c in found if units.get(c[0]) and units[c[0]].kind == UnitKind.STREET_OFFICE]
            others = [c for c in found if c not in own]
            chosen = (own if kind is WhistleKind.DAILY else others) or found
        targets = tuple(ProposedTarget(uid, units[uid].name, role,
                                       default_responder(units[uid], community_id, kind),
                                       _responder_phone(units[uid], community_id, kind))
                        for uid, role in chosen if uid in units)
        return WhistleProposal(item_id, community_id, targets, note)


# --- the negative list -------------------------------------------------------------------------


@dataclass(frozen=True)
class NegativeEntry:
    flag: Flag
    whistle_id: str | None = None
    demand_id: str | None = None
    title: str = ""


@dataclass(frozen=True)
class NegativeList:
    period: Period
    entries: tuple[NegativeEntry, ...]
    truncated: bool = False  # more 有哨不吹 demands than were listed

    @property
    def counts(self) -> dict[FlagKind, int]:
        counted = Counter(entry.flag.kind for entry in self.entries)
        return {kind: counted[kind] for kind in FlagKind}

    @property
    def text(self) -> str:
        if not self.entries:
            return f"{self.period.label}没有计入负面清单的情形。"
        parts = "，".join(f"{kind.label} {n} 项" for kind, n in self.counts.items() if n)
        return f"{self.period.label}负面清单：{parts}" + ("（仅列出前 2000 件有哨不吹）"
                                                         if self.truncated else "")


_ORDER = {kind: index for index, kind in enumerate(FlagKind)}


def negative_list(uow: UnitOfWork, period: Period, *, now: datetime | None = None,
                  limit: int = 2000) -> NegativeList:
    """The flags of whistles called in ``period`` and the 有哨不吹 demands due in it, each
    with its reason. SQL narrows to the flagged records; the domain words each flag."""
    moment = now or clock.now()
    with uow:
        lookup = Lookup(uow)
        ids = uow.whistles.flagged_whistle_ids(lookup.flag_params(moment), since=period.since,
                                               until=period.until)
        entries: list[NegativeEntry] = []
        for whistle in uow.whistles.many(ids):
            facts = whistle_facts(whistle, whistle.targets, lookup)
            entries += [NegativeEntry(flag, whistle.id, whistle.demand_id, whistle.title)
                        for flag in whistle_flags(facts, moment)]
        demands = uow.whistles.unblown_demands(UnblownParams(
            moment, period.since, period.until, _NOT_JUDGED, HandlingLevel.DISTRICT.value,
            lookup.street_office_ids), limit=limit)
        for demand in demands:
            flag = unblown_flag(DemandFacts(demand.number, demand.title, demand.deadline_at,
                                            demand.closed_at, True, False), moment)
            if flag is not None:
                entries.append(NegativeEntry(flag, None, demand.id, demand.title))
    entries.sort(key=lambda e: (_ORDER[e.flag.kind], e.flag.at or moment, e.flag.subject))
    return NegativeList(period, tuple(entries), truncated=len(demands) >= limit)


@dataclass(frozen=True)
class WhistleWorkload:
    waiting: int  # units called on open whistles that have not arrived (nor answered)
    late: int  # of which past their arrival deadline

    @property
    def text(self) -> str:
        return f"待报到 {self.waiting} 个单位" + (f"（其中逾期 {self.late} 个）" if self.late else "")


def whistle_workload(uow: UnitOfWork, *, now: datetime | None = None) -> WhistleWorkload:
    """For the workbench (工作台): whistles waiting for 报到."""
    with uow:
        return WhistleWorkload(*uow.whistles.waiting_for_arrival(now or clock.now()))


__all__ = ["Choice", "DemandChoice", "NegativeEntry", "NegativeList", "ProposedTarget",
           "WhistleChoices", "WhistleProposal", "WhistleWorkload", "default_responder",
           "detail_in", "list_whistles", "negative_list", "propose_targets", "target_facts",
           "whistle_choices", "whistle_detail", "whistle_workload"]
