"""Where each of the scale data set's joint actions stands today, and when it got there.

The life is the app's (desktop/domain/action_states.py): 草稿 → 已提交 → 已批准 → 已通知 →
进行中 → 已完成 → 已登记结果 → 已评价, or 已取消 before the start. Old actions are nearly
all evaluated, with results; the last week's are still waiting for results or an
evaluation; the one under way today is 进行中; the coming weeks' are drafts, submitted
or approved (notified the day before). No step is stamped after "now", and each step
comes after the one before it.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop.demo_scale_rows import weighted
from desktop.domain.action_states import ActionResults, ActionState

S = ActionState
PAST_OLD = ((S.EVALUATED, 82), (S.RESULTS_RECORDED, 9), (S.COMPLETED, 2), (S.CANCELLED, 7))
PAST_RECENT = ((S.EVALUATED, 25), (S.RESULTS_RECORDED, 35), (S.COMPLETED, 35), (S.CANCELLED, 5))
FUTURE = ((S.DRAFT, 20), (S.SUBMITTED, 30), (S.APPROVED, 35), (S.NOTIFIED, 10),
          (S.CANCELLED, 5))
EVALUATIONS = (("excellent", 20), ("good", 55), ("fair", 20), ("poor", 5))
_ORDER = (S.DRAFT, S.SUBMITTED, S.APPROVED, S.NOTIFIED, S.UNDER_WAY, S.COMPLETED,
          S.RESULTS_RECORDED, S.EVALUATED)


@dataclass(frozen=True)
class Life:
    """The state and the stamp of every step taken (None: not taken)."""

    state: ActionState
    created: datetime
    submitted: datetime | None = None
    approved: datetime | None = None
    notified: datetime | None = None
    started: datetime | None = None
    completed: datetime | None = None
    results: datetime | None = None
    evaluated: datetime | None = None
    cancelled: datetime | None = None

    @property
    def steps(self) -> list[datetime]:
        return [t for t in (self.submitted, self.approved, self.notified, self.started,
                            self.completed, self.results, self.evaluated, self.cancelled) if t]

    @property
    def updated(self) -> datetime:
        return max([self.created, *self.steps])

    @property
    def version(self) -> int:
        return 1 + len(self.steps)


class LifeMaker:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng, self.now = rng, now
        self._old, self._recent = weighted(PAST_OLD), weighted(PAST_RECENT)
        self._future, self._evals = weighted(FUTURE), weighted(EVALUATIONS)

    def _pick(self, pairs: tuple[list[object], list[float]]) -> object:
        items, cum = pairs
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def _hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def life(self, start: datetime, end: datetime) -> Life:
        now = self.now
        if start > now:
            return self._planned(start)
        created = start - self._hours(3 * 24, 10 * 24)
        submitted = created + self._hours(1, 20)
        approved = submitted + self._hours(1, 20)
        notified = approved + self._hours(1, 12)
        if end > now:
            return Life(S.UNDER_WAY, created, submitted, approved, notified, start)
        goal: ActionState = self._pick(  # type: ignore[assignment]
            self._old if end < now - timedelta(days=10) else self._recent)
        if goal is S.CANCELLED:
            reached = self.rng.choice((S.SUBMITTED, S.APPROVED, S.NOTIFIED))
            return self._cancelled(created, (submitted, approved, notified), reached, start)
        results = end + self._hours(2, 36)
        evaluated = results + self._hours(20, 120)
        if goal is S.EVALUATED and evaluated > now:
            goal = S.RESULTS_RECORDED
        if goal is S.RESULTS_RECORDED and results > now:
            goal = S.COMPLETED
        rank = _ORDER.index(goal)
        return Life(goal, created, submitted, approved, notified, start, end,
                    results if rank >= _ORDER.index(S.RESULTS_RECORDED) else None,
                    evaluated if goal is S.EVALUATED else None)

    def _planned(self, start: datetime) -> Life:
        """An action of the coming weeks: planned in the last days, steps up to now."""
        now = self.now
        created = now - self._hours(4, 6 * 24)
        goal: ActionState = self._pick(self._future)  # type: ignore[assignment]
        if goal is S.NOTIFIED and start - now > timedelta(days=2):
            goal = S.APPROVED
        moments = sorted(created + (now - created) * self.rng.random() for _ in range(4))
        if goal is S.CANCELLED:
            return self._cancelled(created, tuple(moments[:3]),
                                   self.rng.choice((S.DRAFT, S.SUBMITTED, S.APPROVED)), moments[3])
        taken = _ORDER.index(goal)  # steps after the draft
        stamps = [moments[i] if i < taken else None for i in range(3)]
        return Life(goal, created, *stamps)

    def _cancelled(self, created: datetime, stamps: tuple[datetime, ...], reached: ActionState,
                   before: datetime) -> Life:
        taken = _ORDER.index(reached)
        kept = [stamps[i] if i < taken else None for i in range(3)]
        last = max([created, *(t for t in kept if t)])
        cancelled = min(last + (before - last) * self.rng.uniform(0.2, 0.9), self.now)
        return Life(S.CANCELLED, created, *kept, cancelled=cancelled)

    def results(self, title: str) -> ActionResults:
        rng = self.rng
        inspected = rng.randint(6, 40)
        problems = rng.randint(2, max(3, inspected // 2))
        cases = rng.randint(0, min(4, problems))
        return ActionResults(
            units_inspected=inspected, problems_found=problems, cases_filed=cases,
            rectified=max(0, problems - rng.randint(0, 2)),
            fines_fen=cases * rng.choice((20000, 50000, 100000, 200000)),
            minutes=f"{title}：共检查 {inspected} 家（处），发现问题 {problems} 个，当场整改为主，"
                    f"立案 {cases} 件；现场照片及执法记录仪视频已归档。")

    def evaluation(self) -> str:
        return str(self._pick(self._evals))
