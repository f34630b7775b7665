"""Which records the scale data set's documents are drafted from, when, and how far each
got (草稿 → 待审批 → 已编号 → 已打印, or 已作废). See ``demo_scale_documents``.

Shares: ~88% printed (once to three times), ~5% approved and numbered but not printed,
~4% voided after approval (the number stays in the register with the reason), ~2%
drafts given up (voided without a number), ~1% drafts left lying, and of the last
fortnight's some 40% still drafts or waiting for the director."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from desktop import demo_scale_doc_fields as make
from desktop.demo_scale_actions import MadeAction, WhistleRef
from desktop.demo_scale_doc_fields import Facts
from desktop.demo_scale_rows import uuid7, weighted
from desktop.demo_scale_samples import DemandSample
from desktop.documents.kinds import DocumentKind
from desktop.domain.documents import DocumentState

K, S = DocumentKind, DocumentState
# (what, share of the documents in %)
MIX = (("letter", 38), ("whistle_letter", 7), ("supervision", 20), ("handover", 10),
       ("notice", 25))
# What became of an approved document (or a draft given up).
FATES = (("printed", 88), ("numbered", 5), ("voided", 4), ("dropped", 2), ("left", 1))
RECENT = timedelta(days=14)  # the last fortnight's documents are often still in the works
STILL_OPEN = 0.4
PRINTS = ((1, 75), (2, 18), (3, 7))
VOID_REASONS = (
    "文中受理编号有误，作废后重新起草发文",
    "主送机关填写错误，作废后重新发文",
    "事项已由责任单位办结，无需再发文",
    "与另一份公文内容重复，保留另一份",
    "办结时限计算有误，作废后重新发文",
)
NOTICE_VOID = "行动取消，通知作废"
SHOPS = ("餐饮店", "便利店", "烧烤店", "五金建材店", "水果店", "小吃店", "棋牌室", "副食店")
SURNAMES = "刘李陈王张彭周谭罗曾唐胡黄邓易杨赵吴徐孙"


@dataclass
class Draft:
    """One document as it stands today."""

    id: str
    kind: DocumentKind
    source_id: str
    fields: dict[str, Any]
    drafted_at: datetime
    drafted_by: str
    state: DocumentState = S.DRAFT
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    print_count: int = 0
    printed_at: datetime | None = None
    void_reason: str | None = None
    voided_at: datetime | None = None
    number: str | None = None
    series_id: str | None = None
    seq: int | None = None

    @property
    def version(self) -> int:
        return (1 + bool(self.submitted_at) + bool(self.approved_at) + self.print_count
                + bool(self.voided_at))

    @property
    def updated_at(self) -> datetime:
        return max(t for t in (self.drafted_at, self.submitted_at, self.approved_at,
                               self.printed_at, self.voided_at) if t is not None)


class DocumentPlanner:
    def __init__(self, rng: random.Random, facts: Facts, now: datetime,
                 clerks: Sequence[str]) -> None:
        self.rng, self.facts, self.now, self.clerks = rng, facts, now, clerks
        self._fates, self._prints = weighted(FATES), weighted(PRINTS)

    def _pick(self, pairs: tuple[list[object], list[float]]) -> object:
        items, cum = pairs
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def _hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def plan(self, samples: Sequence[DemandSample], actions: Sequence[MadeAction],
             whistles: Sequence[WhistleRef], total: int) -> list[Draft]:
        wanted = {what: round(total * share / 100) for what, share in MIX}
        drafts = self._notices(actions, wanted["notice"])
        drafts += self._from(whistles, wanted["whistle_letter"], self._whistle_letter)
        pool = list(samples)
        self.rng.shuffle(pool)
        departmental = [s for s in pool
                        if s.lead_unit_id and s.lead_unit_id not in self.facts.offices]
        drafts += self._from(departmental, wanted["handover"], self._handover)
        drafts += self._from(pool[len(pool) // 2:], wanted["supervision"], self._supervision)
        drafts += self._from(pool[:len(pool) // 2], total - len(drafts), self._letter)
        return drafts

    def _from(self, records: Sequence[Any], count: int,
              draft: Callable[[Any], Draft | None]) -> list[Draft]:
        made: list[Draft] = []
        for record in records:
            if len(made) >= count:
                break
            found = draft(record)
            if found is not None:
                made.append(found)
        return made

    # --- the kinds ------------------------------------------------------------------------

    def _letter(self, demand: DemandSample) -> Draft | None:
        at = demand.received_at + self._hours(2, 48)
        if not demand.open_at(at) or at > self.now or demand.topic is None:
            return None
        return self._lived(K.LETTER, demand.id, make.letter_from_demand(self.facts, demand,
                                                                         at.date()), at)

    def _whistle_letter(self, whistle: WhistleRef) -> Draft | None:
        at = whistle.called_at + self._hours(1, 24)
        if at > self.now or not whistle.unit_ids:
            return None
        return self._lived(K.LETTER, whistle.id, make.letter_from_whistle(self.facts, whistle,
                                                                          at.date()), at)

    def _supervision(self, demand: DemandSample) -> Draft | None:
        """After the deadline while still open (逾期), else a day or two before it."""
        if demand.deadline_at is None:
            return None
        late = demand.deadline_at + self._hours(24, 96)
        soon = demand.deadline_at - self._hours(12, 48)
        at = late if demand.open_at(late) else soon
        if not demand.open_at(at) or at > self.now:
            return None
        return self._lived(K.SUPERVISION, demand.id, make.supervision(self.facts, demand,
                                                                      at.date()), at)

    def _handover(self, demand: DemandSample) -> Draft | None:
        at = demand.received_at + self._hours(1, 20)
        if at > self.now:
            return None
        rng = self.rng
        party = (f"长沙市芙蓉区{rng.choice(SURNAMES)}记{rng.choice(SHOPS)}（个体工商户）｜｜"
                 f"{demand.address}｜1{rng.choice('3589')}{rng.randrange(10**9):09d}")
        return self._lived(K.HANDOVER, demand.id, make.handover(self.facts, demand, at.date(),
                                                                party), at)

    def _notices(self, actions: Sequence[MadeAction], count: int) -> list[Draft]:
        """Most notified actions get their notice between approval and notification;
        an approved one of the coming days has it in draft or waiting for approval."""
        made: list[Draft] = []
        chosen = [a for a in actions if a.life.approved is not None
                  and (a.life.notified is not None or a.life.cancelled is None)]
        self.rng.shuffle(chosen)
        for action in chosen[:count]:
            life = action.life
            assert life.approved is not None
            end = life.notified or self.now
            at = life.approved + (end - life.approved) * 0.2
            draft = self._new(K.ACTION_NOTICE, action.id,
                              make.action_notice(self.facts, action, at.date()), at)
            if life.notified is None:
                draft.submitted_at = at + (end - at) * 0.5 if self.rng.random() < 0.5 else None
                draft.state = S.SUBMITTED if draft.submitted_at else S.DRAFT
            else:
                draft.submitted_at = at + (end - at) * 0.3
                self._approve(draft, at + (end - at) * 0.6)
                self._printed(draft, end)
                if life.cancelled is not None:
                    self._void(draft, life.cancelled, NOTICE_VOID)
            made.append(draft)
        return made

    # --- the life ---------------------------------------------------------------------------

    def _new(self, kind: DocumentKind, source: str, fields: dict[str, Any],
             at: datetime) -> Draft:
        rng = self.rng
        return Draft(uuid7(int(at.timestamp() * 1000), rng.getrandbits(74)), kind, source,
                     fields, at, rng.choice(self.clerks))

    def _lived(self, kind: DocumentKind, source: str, fields: dict[str, Any],
               at: datetime) -> Draft:
        draft = self._new(kind, source, fields, at)
        submitted = at + self._hours(0.3, 6)
        approved = submitted + self._hours(1, 30)
        fate = str(self._pick(self._fates))
        if fate == "left" or (self.now - at < RECENT and self.rng.random() < STILL_OPEN):
            approved = self.now + RECENT  # a draft left lying, or one still in the works
        if fate == "dropped":  # given up before approval
            self._void(draft, min(at + self._hours(1, 72), self.now),
                       self.rng.choice(VOID_REASONS))
        elif approved > self.now:
            draft.submitted_at = submitted if submitted <= self.now and fate != "left" else None
            draft.state = S.SUBMITTED if draft.submitted_at else S.DRAFT
        else:
            draft.submitted_at = submitted
            self._approve(draft, approved)
            if fate != "numbered":
                self._printed(draft, min(approved + self._hours(0.5, 30), self.now))
            if fate == "voided":
                self._void(draft, min(approved + self._hours(2, 120), self.now),
                           self.rng.choice(VOID_REASONS))
        return draft

    def _approve(self, draft: Draft, at: datetime) -> None:
        draft.approved_at, draft.state = at, S.NUMBERED

    def _printed(self, draft: Draft, at: datetime) -> None:
        draft.print_count = int(self._pick(self._prints))  # type: ignore[call-overload]
        draft.printed_at, draft.state = at, S.PRINTED

    def _void(self, draft: Draft, at: datetime, reason: str) -> None:
        draft.voided_at = max(at, draft.updated_at)
        draft.void_reason, draft.state = reason, S.VOIDED
