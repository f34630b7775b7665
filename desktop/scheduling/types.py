"""What the assisted scheduler returns, and the error that explains a request it cannot meet.

A proposal is advice: the director sees it as a diff against the current participants
and accepts it or not. So it carries what the diff needs (added/removed per action),
the fairness figures to compare with the greedy baseline, and how the solver ended.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from desktop.domain.errors import DomainError

OfficerId = Hashable
ActionId = Hashable


@dataclass(frozen=True)
class Fairness:
    """The spread of workload (hours, existing load included) over the pool of officers
    who could take part in at least one of the actions."""

    officers: int
    max_hours: float
    min_hours: float
    mean_hours: float
    stdev_hours: float

    @property
    def spread_hours(self) -> float:
        return self.max_hours - self.min_hours

    @property
    def text(self) -> str:
        return (f"最多 {self.max_hours:g} 小时，最少 {self.min_hours:g} 小时，"
                f"差 {self.spread_hours:g} 小时，标准差 {self.stdev_hours:.2f}")

    def better_than(self, other: Fairness) -> bool:
        """Strictly better on the spread, or equal spread and a smaller deviation."""
        if self.spread_hours < other.spread_hours - 1e-9:
            return True
        return (abs(self.spread_hours - other.spread_hours) <= 1e-9
                and self.stdev_hours < other.stdev_hours - 1e-9)


def fairness_of(loads: Mapping[OfficerId, float], pool: Iterable[OfficerId]) -> Fairness:
    values = [loads.get(officer, 0.0) for officer in pool]
    if not values:
        return Fairness(0, 0.0, 0.0, 0.0, 0.0)
    mean = sum(values) / len(values)
    deviation = math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))
    return Fairness(len(values), max(values), min(values), round(mean, 4), round(deviation, 4))


@dataclass(frozen=True)
class ActionChange:
    """One action's participants before and after the proposal."""

    action_id: ActionId
    title: str
    added: tuple[OfficerId, ...]
    removed: tuple[OfficerId, ...]


@dataclass(frozen=True)
class Proposal:
    assignment: Mapping[ActionId, tuple[OfficerId, ...]]
    loads: Mapping[OfficerId, float]  # hours, existing load included
    fairness: Fairness
    changes: tuple[ActionChange, ...]
    status: str  # 最优 | 可行（已到时限） | 可行（已取消）…
    seconds: float
    solutions: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def reassignments(self) -> int:
        return sum(len(change.added) + len(change.removed) for change in self.changes)


class InfeasibleScheduleError(DomainError):
    """No assignment meets every hard rule; ``reasons`` name the action and the rule."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        shown = "\n".join(f"· {reason}" for reason in reasons[:20])
        more = f"\n……另有 {len(reasons) - 20} 条" if len(reasons) > 20 else ""
        super().__init__(
            "无法排出满足全部硬性规则的方案，原因如下：\n"
            f"{shown}{more}\n请调整行动的时间、所需力量或手工指定的人员后重试。"
        )
