"""Legality checks of joint actions computed from the database as it is now, the
calendar's plan of a period (actions, each officer's load, conflicts), and the inputs
the scheduler needs.

Checks are never stored: every call reads the current roster (certificates, leave,
status, 下沉 period) and the other actions, so a leave entered after planning or an
expired certificate shows at once, on the page and at approval. Every action but a
cancelled one occupies its participants (``OCCUPYING``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from desktop.domain.action_states import OCCUPYING, ActionState
from desktop.domain.errors import ValidationError
from desktop.domain.joint_actions import (
    DEFAULT_REST_HOURS,
    ActionFacts,
    Assignment,
    OfficerFacts,
    Violation,
    check_action,
    check_plan,
)
from desktop.domain.roster import Force
from desktop.services.action_rows import (
    ActionRow,
    action_facts,
    action_row,
    assignments_of,
    load_action,
    officer_facts,
    participant_ids,
    roster_facts,
    unit_names,
)
from local_db.models.actions import JointAction
from local_db.unit_of_work import UnitOfWork

_OCCUPYING = [state.value for state in OCCUPYING]
_MARGIN = timedelta(days=1)  # other actions this close can break the rest rule
MAX_PERIOD_DAYS = 62


def _others_near(uow: UnitOfWork, start: datetime, end: datetime, rest_hours: float,
                 exclude: set[str]) -> list[Assignment]:
    margin = _MARGIN + timedelta(hours=rest_hours)
    near = uow.actions.between(start - margin, end + margin, states=_OCCUPYING)
    return [row for row in assignments_of(near) if row.action_id not in exclude]


def checks_in(uow: UnitOfWork, action: JointAction, *,
              rest_hours: float = DEFAULT_REST_HOURS,
              names: Mapping[str, str] | None = None) -> list[Violation]:
    """Every rule ``action`` breaks now, inside an open unit of work."""
    names = names if names is not None else unit_names(uow)
    people: list[OfficerFacts] = []
    for officer_id in participant_ids(action):
        officer = uow.roster.officer(officer_id)
        if officer is not None:
            people.append(officer_facts(officer))
    others = _others_near(uow, action.starts_at, action.ends_at, rest_hours, {action.id})
    return check_action(action_facts(action, names), people, others=others,
                        rest_hours=rest_hours)


def checks(uow: UnitOfWork, action_id: str, *,
           rest_hours: float = DEFAULT_REST_HOURS) -> list[Violation]:
    """Every rule the action breaks with today's roster (the page shows them beside
    the participants; approval is refused while a hard one is there)."""
    with uow:
        return checks_in(uow, load_action(uow, action_id), rest_hours=rest_hours)


# --- the calendar ------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerLoad:
    """One person's actions in the period: per day the number of actions and hours."""

    officer_id: str
    name: str
    force: Force
    unit_name: str
    actions_per_day: Mapping[date, int]
    hours_per_day: Mapping[date, float]
    action_ids: tuple[str, ...]
    conflicts: tuple[Violation, ...] = ()

    @property
    def total_actions(self) -> int:
        return len(self.action_ids)

    @property
    def total_hours(self) -> float:
        return round(sum(self.hours_per_day.values()), 2)


@dataclass(frozen=True)
class PeriodPlan:
    start: date
    end: date  # inclusive
    actions: tuple[ActionRow, ...]  # each with its violations
    loads: tuple[OfficerLoad, ...]  # everyone on at least one action, busiest first
    conflicts: tuple[Violation, ...] = field(default=())  # every violation of the period

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1))

    def actions_on(self, day: date) -> list[ActionRow]:
        return [a for a in self.actions if a.starts_at.date() <= day
                and (a.ends_at - timedelta(microseconds=1)).date() >= day]


def parse_iso_week(text: str) -> tuple[date, date]:
    """``2026-W48`` → (Monday, Sunday) of that ISO week."""
    match = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", text, flags=re.IGNORECASE)
    if match is None:
        raise ValidationError("周次", f"“{text}”不是 ISO 周次，请写成 2026-W48 这样的形式。")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValidationError("周次", f"{year} 年没有第 {week} 周，请核对。") from None
    return monday, monday + timedelta(days=6)


def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _hours_by_day(starts_at: datetime, ends_at: datetime) -> dict[date, float]:
    found: dict[date, float] = {}
    cursor = starts_at
    while cursor < ends_at:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
        stop = min(ends_at, next_midnight)
        found[cursor.date()] = found.get(cursor.date(), 0.0) + (stop - cursor).total_seconds() / 3600
        cursor = stop
    return found


def _loads(actions: Sequence[JointAction], people: Mapping[str, OfficerFacts],
           violations: Sequence[Violation]) -> tuple[OfficerLoad, ...]:
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    hours: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    ids: dict[str, list[str]] = defaultdict(list)
    for action in actions:
        for officer_id in participant_ids(action):
            ids[officer_id].append(action.id)
            for day, h in _hours_by_day(action.starts_at, action.ends_at).items():
                counts[officer_id][day] += 1
                hours[officer_id][day] += h
    by_officer: dict[str, list[Violation]] = defaultdict(list)
    for violation in violations:
        if violation.officer_id:
            by_officer[violation.officer_id].append(violation)
    loads = [OfficerLoad(officer_id, people[officer_id].name, people[officer_id].force,
                         people[officer_id].unit_name, dict(counts[officer_id]),
                         {d: round(h, 2) for d, h in hours[officer_id].items()},
                         tuple(action_ids), tuple(by_officer.get(officer_id, ())))
             for officer_id, action_ids in ids.items() if officer_id in people]
    return tuple(sorted(loads, key=lambda load: (-load.total_hours, load.name)))


def period_plan(uow: UnitOfWork, *, start: date, end: date,
                rest_hours: float = DEFAULT_REST_HOURS) -> PeriodPlan:
    """The calendar of ``start``–``end`` (a day, a week or a month): the actions with
    their violations, each officer's load and the conflicts, all from current data."""
    if end < start:
        raise ValidationError("结束日期", f"{end} 早于开始日期 {start}，请核对。")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError("结束日期", f"日历一次最多显示 {MAX_PERIOD_DAYS} 天，请缩小范围。")
    first, last = datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())
    with uow:
        names = unit_names(uow)
        actions = list(uow.actions.between(first, last))
        live = [a for a in actions if a.state in _OCCUPYING]
        people = roster_facts(uow)
        fixed = _others_near(uow, first, last, rest_hours, {a.id for a in live})
        violations = check_plan([action_facts(a, names) for a in live],
                                {a.id: participant_ids(a) for a in live}, people, rest_hours,
                                fixed=fixed)
        by_action: dict[str, list[Violation]] = defaultdict(list)
        for violation in violations:
            by_action[violation.action_id].append(violation)
        rows = tuple(action_row(a, names, by_action.get(a.id, ())) for a in actions)
        return PeriodPlan(start, end, rows, _loads(live, people, violations), tuple(violations))


def week_plan(uow: UnitOfWork, iso_week: str, *,
              rest_hours: float = DEFAULT_REST_HOURS) -> PeriodPlan:
    """The week view: ``iso_week`` like ``2026-W48``."""
    monday, sunday = parse_iso_week(iso_week)
    return period_plan(uow, start=monday, end=sunday, rest_hours=rest_hours)


# --- what the scheduler needs --------------------------------------------------------------


@dataclass(frozen=True)
class SchedulingInput:
    """Everything a scheduler needs for ``actions``: the facts, every officer, the
    assignments of other actions that occupy people, and who was fixed by hand."""

    actions: tuple[ActionFacts, ...]
    officers: Mapping[str, OfficerFacts]
    fixed: tuple[Assignment, ...]  # on actions outside the request
    fixed_by_hand: Mapping[str, tuple[str, ...]]  # action id → officer ids to keep
    current: Mapping[str, tuple[str, ...]]  # action id → officer ids now
    versions: Mapping[str, int]  # action id → version, for apply_schedule
    rest_hours: float


def scheduling_input(uow: UnitOfWork, action_ids: Sequence[str], *,
                     rest_hours: float = DEFAULT_REST_HOURS) -> SchedulingInput:
    """Read the scheduling problem of ``action_ids`` from current data."""
    with uow:
        names = unit_names(uow)
        actions = [load_action(uow, action_id) for action_id in dict.fromkeys(action_ids)]
        ids = {a.id for a in actions}
        fixed: list[Assignment] = []
        for action in actions:
            fixed.extend(_others_near(uow, action.starts_at, action.ends_at, rest_hours, ids))
        return SchedulingInput(
            actions=tuple(action_facts(a, names) for a in actions),
            officers=roster_facts(uow), fixed=tuple(dict.fromkeys(fixed)),
            fixed_by_hand={a.id: tuple(p.officer_id for p in a.participants if p.fixed_by_hand)
                           for a in actions},
            current={a.id: tuple(participant_ids(a)) for a in actions},
            versions={a.id: a.version for a in actions}, rest_hours=rest_hours)


def open_actions_between(uow: UnitOfWork, *, start: date, end: date) -> list[ActionRow]:
    """Actions of ``start``–``end`` whose participants may still change (draft or
    submitted): what the scheduler is offered."""
    first, last = datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())
    with uow:
        names = unit_names(uow)
        states = [ActionState.DRAFT.value, ActionState.SUBMITTED.value]
        return [action_row(a, names) for a in uow.actions.between(first, last, states=states)]
