"""Whistles (吹哨, seed 004) as values and rules: the three kinds, the statuses, the
deadlines of 报到 and of the 攻坚哨 solution, and the negative list (负面清单) computed
from the facts — never typed by anyone.

The kinds (seed 004, 开福区):
- 日常哨: the community calls the street's own offices (站办所) for a problem it cannot
  solve alone; the street's linked leader co-ordinates.
- 应急哨: the community's secretary calls a district department for an emergency
  ("一声哨响，应哨人第一时间赴现场"), reporting to the street.
- 攻坚哨: the street calls several district departments for a hard problem; each
  department's 总应哨人 proposes a solution "5 个工作日内".

Arrival deadlines (configurable through ``WhistleRules``; the defaults and why):
- 应急哨: 2 hours on the clock, nights and holidays included (``PROCESS_RULES``
  EMERGENCY_WHISTLE_ARRIVAL): "第一时间赴现场" for an emergency cannot wait for office
  hours, and 2 hours lets a department cross a district in traffic.
- 日常哨: 1 working day (DAILY_WHISTLE_ARRIVAL): the street's own offices sit in the
  same building; the end of the next working day gives the linked leader time to send
  someone without letting the call lie.
- 攻坚哨: 1 working day to 报到 (a department confirms and names who joins the 专题研究),
  and the solution within 5 working days (TOUGH_WHISTLE_SOLUTION, the seed's rule).
A deadline that falls in a year without calendar data is not computed (stored as
unknown, shown flagged); no flag is raised on an unknown deadline.

The negative list (seed 004: "有哨不吹和乱吹哨，部门不报到或报到不作为、互相推诿"):
- 乱吹哨 (the street's fault): a target the whistle's responsibility item does not name
  as lead or cooperating unit, or any target of a whistle without an item
  ("清单之外无协同", seed 002). One exception: a 日常哨 to the street's own office is
  the street directing itself, which the list does not govern.
- 不报到 (the department's): a listed target that had not arrived by its arrival
  deadline — never arrived, or arrived late. A target called off the list owes
  nothing, so it is never 不报到 (the whistle is 乱吹哨 instead).
- 推诿: a listed target that sent an answer instead of arriving (a response on file, no
  arrival, the deadline passed): it declined the call in writing. It replaces 不报到
  for that target (one fault, the more specific name).
- 报到不作为: a 攻坚哨 target whose 总应哨人 proposed no solution by the 5-working-day
  deadline (or proposed it late).
- 有哨不吹 (the street's): a demand past its deadline (still open, or closed late) whose
  handling needs a district department (区级大循环, or a lead unit that is not one of
  the street's own offices) and for which no whistle was ever called.
A whistle closed before a deadline is judged at its closing time, not today.

Pure: frozen dataclasses and functions, no database, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from desktop.domain.deadlines import (
    PROCESS_RULES,
    DeadlineRule,
    DeadlineUnit,
    ProcessStep,
    compute_deadline,
)
from desktop.domain.labels import LabeledEnum
from desktop.domain.workdays import (
    END_OF_DAY,
    DeadlineResult,
    WorkCalendar,
    format_day,
    format_moment,
)


class WhistleKind(LabeledEnum):
    DAILY = ("daily", "日常哨")
    EMERGENCY = ("emergency", "应急哨")
    HARD = ("hard", "攻坚哨")


KIND_HINTS: Mapping[WhistleKind, str] = {
    WhistleKind.DAILY: "社区解决不了、需要街道站办所支持的问题，向街道联点领导或相关站办所吹哨。",
    WhistleKind.EMERGENCY: "需要区直部门处置的应急事项，由社区书记向区直部门吹哨，同时向街道报备；"
                           "应哨人第一时间赴现场。",
    WhistleKind.HARD: "需要多个区直部门协作的重难点问题，由街道吹哨；各部门总应哨人会同街道在 "
                      "5 个工作日内专题研究提出解决措施。",
}


class WhistleStatus(LabeledEnum):
    CALLED = ("called", "待报到")  # some target has not arrived yet
    ARRIVED = ("arrived", "已报到")  # every target arrived, no answer yet
    RESPONDING = ("responding", "已答复")  # every target arrived, answers coming in
    CLOSED = ("closed", "已结案")


class TargetState(LabeledEnum):
    WAITING = ("waiting", "待报到")
    LATE = ("late", "逾期未报到")
    ARRIVED = ("arrived", "已报到")
    RESPONDED = ("responded", "已答复")
    SOLVED = ("solved", "已提出方案")
    EVALUATED = ("evaluated", "已评价")


class WhistleEvaluation(LabeledEnum):
    """The street's evaluation of a department's answer to the whistle (街道考评部门)."""

    GOOD = ("good", "满意")
    FAIR = ("fair", "基本满意")
    POOR = ("poor", "不满意")


class FlagKind(LabeledEnum):
    NO_SHOW = ("no_show", "不报到")
    WRONG_CALL = ("wrong_call", "乱吹哨")
    UNBLOWN = ("unblown", "有哨不吹")
    INACTION = ("inaction", "报到不作为")
    SHIRKING = ("shirking", "推诿")

    @property
    def street_fault(self) -> bool:
        """乱吹哨 and 有哨不吹 are the street's; the others a department's."""
        return self in (FlagKind.WRONG_CALL, FlagKind.UNBLOWN)


# --- deadlines ------------------------------------------------------------------------

HARD_ARRIVAL = DeadlineRule(None, None, DeadlineUnit.WORKDAYS, 1, False, False,
                            label="攻坚哨报到", basis="参考：次一工作日内报到并确定参加专题研究的人员")


@dataclass(frozen=True)
class WhistleRules:
    """How long a called unit has to 报到 per kind, and the 攻坚哨 solution period."""

    arrival: Mapping[WhistleKind, DeadlineRule]
    solution: DeadlineRule

    def arrival_text(self, kind: WhistleKind) -> str:
        return f"{self.arrival[kind].text}内报到"


DEFAULT_WHISTLE_RULES = WhistleRules(
    arrival={WhistleKind.DAILY: PROCESS_RULES[ProcessStep.DAILY_WHISTLE_ARRIVAL],
             WhistleKind.EMERGENCY: PROCESS_RULES[ProcessStep.EMERGENCY_WHISTLE_ARRIVAL],
             WhistleKind.HARD: HARD_ARRIVAL},
    solution=PROCESS_RULES[ProcessStep.TOUGH_WHISTLE_SOLUTION],
)


def arrival_deadline(kind: WhistleKind, called_at: datetime, calendar: WorkCalendar,
                     rules: WhistleRules = DEFAULT_WHISTLE_RULES) -> DeadlineResult:
    """When a called unit must have arrived (flagged, never guessed, for an unknown year)."""
    return compute_deadline(rules.arrival[WhistleKind(kind)], called_at, calendar)


def solution_deadline(kind: WhistleKind, called_at: datetime, calendar: WorkCalendar,
                      rules: WhistleRules = DEFAULT_WHISTLE_RULES) -> DeadlineResult | None:
    """攻坚哨 only: the end of the 5th working day after the call; None for other kinds."""
    if WhistleKind(kind) is not WhistleKind.HARD:
        return None
    return compute_deadline(rules.solution, called_at, calendar)


# --- facts and flags -----------------------------------------------------------------


@dataclass(frozen=True)
class TargetFacts:
    """What the rules need to know about one called unit."""

    unit_id: str
    unit_name: str
    is_street_office: bool = False
    arrival_due_at: datetime | None = None
    arrived_at: datetime | None = None
    solution_due_at: datetime | None = None
    solution_at: datetime | None = None
    responded: bool = False
    evaluation: WhistleEvaluation | None = None


@dataclass(frozen=True)
class WhistleFacts:
    """A whistle and its targets. ``listed_unit_ids`` are the units its responsibility
    item names (lead and cooperating, the street's offices when it names the street);
    None when the whistle has no item."""

    number: str
    title: str
    kind: WhistleKind
    called_at: datetime
    closed_at: datetime | None = None
    listed_unit_ids: frozenset[str] | None = None
    targets: tuple[TargetFacts, ...] = ()


@dataclass(frozen=True)
class DemandFacts:
    """A demand as 有哨不吹 judges it."""

    number: str
    title: str
    deadline_at: datetime | None
    closed_at: datetime | None
    needs_departments: bool
    whistled: bool
    finished: bool = False  # merged or sent back: no longer the street's to whistle for


@dataclass(frozen=True)
class Flag:
    """One entry of the negative list: what, about which record and unit, and why."""

    kind: FlagKind
    subject: str  # the whistle's 哨号 or the demand's 受理编号
    reason: str
    unit_name: str = ""
    at: datetime | None = field(default=None, compare=False)  # when it became due

    @property
    def label(self) -> str:
        return self.kind.label


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return f"{max(1, round(hours * 60))} 分钟"
    if hours < 48:
        return f"{hours:.1f} 小时".replace(".0 ", " ")
    return f"{hours / 24:.1f} 天".replace(".0 ", " ")


def when_text(moment: datetime) -> str:
    """A deadline as people say it: a day-based one ends at 24:00 of its day."""
    if moment.time() == END_OF_DAY:
        return f"{format_day(moment.date())} 24:00"
    return format_moment(moment)


def judged_at(whistle: WhistleFacts, now: datetime) -> datetime:
    """A closed whistle is judged at its closing, an open one now."""
    if whistle.closed_at is not None and whistle.closed_at < now:
        return whistle.closed_at
    return now


def is_on_list(whistle: WhistleFacts, target: TargetFacts) -> bool:
    """Whether calling this unit is within the list (see the module docstring)."""
    if whistle.kind is WhistleKind.DAILY and target.is_street_office:
        return True
    return whistle.listed_unit_ids is not None and target.unit_id in whistle.listed_unit_ids


def _wrong_call(whistle: WhistleFacts, target: TargetFacts) -> Flag:
    if whistle.listed_unit_ids is None:
        why = f"吹哨时未选择属地管理事项清单事项，{target.unit_name}的应哨责任无清单依据（清单之外无协同）"
    else:
        why = f"{target.unit_name}不是该清单事项的主体责任单位或配合责任单位"
    return Flag(FlagKind.WRONG_CALL, whistle.number, why, target.unit_name, whistle.called_at)


def _arrival_flag(whistle: WhistleFacts, target: TargetFacts, moment: datetime) -> Flag | None:
    due = target.arrival_due_at
    if due is None:
        return None
    name, number = target.unit_name, whistle.number
    if target.arrived_at is not None:
        if target.arrived_at <= due:
            return None
        return Flag(FlagKind.NO_SHOW, number,
                    f"{name}应于{when_text(due)}前报到，实际{when_text(target.arrived_at)}"
                    f"才报到，迟到 {_hours(target.arrived_at - due)}", name, due)
    if moment <= due:
        return None
    if target.responded:
        return Flag(FlagKind.SHIRKING, number,
                    f"{name}未到场报到，仅作书面或电话答复（报到时限{when_text(due)}），"
                    "属清单内职责却未应哨", name, due)
    closed = "至结案时" if whistle.closed_at is not None and moment == whistle.closed_at else "至今"
    return Flag(FlagKind.NO_SHOW, number,
                f"{name}应于{when_text(due)}前报到，{closed}仍未报到"
                f"（已超过 {_hours(moment - due)}）", name, due)


def _solution_flag(whistle: WhistleFacts, target: TargetFacts, moment: datetime) -> Flag | None:
    due = target.solution_due_at
    if whistle.kind is not WhistleKind.HARD or due is None:
        return None
    name = target.unit_name
    if target.solution_at is not None:
        if target.solution_at <= due:
            return None
        why = (f"攻坚哨：{name}总应哨人应于{when_text(due)}前提出解决措施，"
               f"实际{when_text(target.solution_at)}才提出")
    elif moment > due:
        why = f"攻坚哨：{name}总应哨人未在 5 个工作日内（{when_text(due)}前）提出解决措施"
    else:
        return None
    return Flag(FlagKind.INACTION, whistle.number, why, name, due)


def target_flags(whistle: WhistleFacts, target: TargetFacts, now: datetime) -> tuple[Flag, ...]:
    """The flags one called unit raises, in a fixed order."""
    if not is_on_list(whistle, target):
        return (_wrong_call(whistle, target),)
    moment = judged_at(whistle, now)
    found = (_arrival_flag(whistle, target, moment), _solution_flag(whistle, target, moment))
    return tuple(flag for flag in found if flag is not None)


def whistle_flags(whistle: WhistleFacts, now: datetime) -> tuple[Flag, ...]:
    return tuple(flag for target in whistle.targets for flag in target_flags(whistle, target, now))


def unblown_flag(demand: DemandFacts, now: datetime) -> Flag | None:
    """有哨不吹: overdue, needing a department, and never whistled for."""
    due = demand.deadline_at
    if due is None or demand.whistled or not demand.needs_departments or demand.finished:
        return None
    end = demand.closed_at or now
    if end <= due:
        return None
    late = "结案时已逾期" if demand.closed_at else "至今已逾期"
    return Flag(FlagKind.UNBLOWN, demand.number,
                f"诉求“{demand.title}”须区直部门处置，办理期限{when_text(due)}，{late} "
                f"{_hours(end - due)}，未向部门吹哨", "", due)


# --- states ----------------------------------------------------------------------------


def target_state(target: TargetFacts, now: datetime) -> TargetState:
    if target.evaluation is not None:
        return TargetState.EVALUATED
    if target.solution_at is not None:
        return TargetState.SOLVED
    if target.arrived_at is None:
        if target.responded:
            return TargetState.RESPONDED
        late = target.arrival_due_at is not None and now > target.arrival_due_at
        return TargetState.LATE if late else TargetState.WAITING
    return TargetState.RESPONDED if target.responded else TargetState.ARRIVED


def whistle_status(targets: Iterable[TargetFacts], closed: bool) -> WhistleStatus:
    """The whistle's status from its targets: the codes the scale data set uses too."""
    if closed:
        return WhistleStatus.CLOSED
    listed = list(targets)
    if not listed or any(t.arrived_at is None for t in listed):
        return WhistleStatus.CALLED
    if any(t.responded or t.solution_at is not None for t in listed):
        return WhistleStatus.RESPONDING
    return WhistleStatus.ARRIVED


# --- periods -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` inclusive (a month for the monthly negative list)."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time())

    @property
    def label(self) -> str:
        if self.start.day == 1 and self == Period.month(self.start.year, self.start.month):
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def __contains__(self, moment: object) -> bool:
        if isinstance(moment, datetime):
            return self.since <= moment < self.until
        return isinstance(moment, date) and self.start <= moment <= self.end
