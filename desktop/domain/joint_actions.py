"""Legality and feasibility rules of a joint enforcement action (联合执法行动).

The law and the street's own rules, as pure functions over plain facts, so the planning
page, the approval service, the calendar and the CP-SAT scheduler all judge a plan the
same way (the scheduler's proposals are verified with ``check_plan``):

- 行政处罚法 §42: at least two officers holding a certificate valid on every day of the
  action and covering its domain (``Rule.TWO_CERTIFIED``);
- an enforcement officer ("1" or "X" force) acts only within the domains of a
  certificate valid on the day (``CERTIFICATE_VALID`` when the certificate for the
  domain is expired, revoked or not yet valid, ``CERTIFICATE_DOMAIN`` when the valid
  certificates cover other domains). "Y" cooperating forces (police, 协管员) support the
  action and need no certificate; a "Y" person holding a valid one does count for §42;
- nobody is on two overlapping actions (``OVERLAP``), on leave, outside the 下沉 period
  or with a status that keeps them away (``UNAVAILABLE``);
- every required unit is represented (``UNIT_MISSING``) and the forces the plan asks
  for are there (``NEEDS_UNMET``);
- a configurable rest between two actions of the same person (``REST``).

Every rule here is hard (approval is refused while one is broken); ``Violation.hard``
exists so softer advice can be added without changing the callers.

Times are naive local datetimes (Asia/Shanghai), like everywhere in the core.
Pure: no database, no Qt.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from desktop.domain.labels import LabeledEnum
from desktop.domain.roster import (
    AvailabilityFacts,
    CertificateFacts,
    EnforcementDomain,
    Force,
    OfficerStatus,
)

DEFAULT_REST_HOURS = 2.0  # between the end of one action and the start of the next
MIN_CERTIFIED = 2  # 行政处罚法 §42

_FOREVER_START = datetime(1900, 1, 1)
_FOREVER_END = datetime(9999, 12, 31)


class Rule(LabeledEnum):
    TWO_CERTIFIED = ("two_certified", "持证执法人员不少于两人（行政处罚法第四十二条）")
    CERTIFICATE_DOMAIN = ("certificate_domain", "执法人员须在执法证载明的执法领域内执法")
    CERTIFICATE_VALID = ("certificate_valid", "执法证须在行动当日有效")
    OVERLAP = ("overlap", "同一人员不得同时参加时间重叠的行动")
    UNAVAILABLE = ("unavailable", "请假、不在下沉期或不在岗人员不得安排")
    UNIT_MISSING = ("unit_missing", "每个责任单位均须派员参加")
    REST = ("rest", "两次行动之间须有休息时间")
    NEEDS_UNMET = ("needs_unmet", "须满足计划的力量需求")


class Unavailability(NamedTuple):
    """A period ``[start, end)`` in which the person cannot be deployed, and why."""

    start: datetime
    end: datetime
    reason: str


class Assignment(NamedTuple):
    """One person on one action (the scheduler's and the calendar's unit of work)."""

    officer_id: str
    action_id: str
    starts_at: datetime
    ends_at: datetime
    title: str = ""  # the other action's title, for the messages


@dataclass(frozen=True)
class OfficerFacts:
    officer_id: str
    name: str
    unit_id: str | None
    force: Force
    certificates: tuple[CertificateFacts, ...] = ()
    unavailable: tuple[Unavailability, ...] = ()
    unit_name: str = ""

    def domains_on_all(self, days: Sequence[date]) -> frozenset[EnforcementDomain]:
        """The domains one certificate covers on every one of ``days``."""
        found: set[EnforcementDomain] = set()
        for certificate in self.certificates:
            if all(certificate.valid_on(day) for day in days):
                found |= certificate.domains
        return frozenset(found)

    def certified_for(self, domain: EnforcementDomain, days: Sequence[date]) -> bool:
        return domain in self.domains_on_all(days)

    @property
    def enforces(self) -> bool:
        """Officers of force 1 and X come to enforce; force Y supports."""
        return self.force is not Force.COOPERATING


@dataclass(frozen=True)
class ForceNeed:
    """Officers an action asks for: ``count`` people from ``unit_id`` (any unit when
    None), ``certified`` of whom hold a valid certificate for ``domain`` (the action's
    domain when None)."""

    unit_id: str | None
    domain: EnforcementDomain | None
    count: int
    certified: int = 0
    unit_name: str = ""


@dataclass(frozen=True)
class ActionFacts:
    action_id: str
    title: str
    domain: EnforcementDomain
    starts_at: datetime
    ends_at: datetime
    required_units: tuple[str, ...] = ()
    needs: tuple[ForceNeed, ...] = ()
    min_certified: int = MIN_CERTIFIED
    unit_names: Mapping[str, str] | None = None  # unit id → name, for the messages

    @property
    def days(self) -> tuple[date, ...]:
        return action_days(self.starts_at, self.ends_at)

    @property
    def domains(self) -> frozenset[EnforcementDomain]:
        """The action's domain and those its needs name: the domains it enforces."""
        return frozenset({self.domain} | {n.domain for n in self.needs if n.domain})

    @property
    def when(self) -> str:
        return describe_window(self.starts_at, self.ends_at)

    def unit_name(self, unit_id: str | None) -> str:
        return (self.unit_names or {}).get(unit_id or "", "") or "指定单位"


@dataclass(frozen=True)
class Violation:
    rule: Rule
    action_id: str
    officer_id: str | None
    message: str
    hard: bool = True
    other_action_id: str | None = None  # the action it collides with (OVERLAP, REST)


def action_days(starts_at: datetime, ends_at: datetime) -> tuple[date, ...]:
    """Every calendar day the window ``[starts_at, ends_at)`` touches."""
    last = max(starts_at, ends_at - timedelta(microseconds=1)).date()
    first = starts_at.date()
    return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))


def describe_window(starts_at: datetime, ends_at: datetime) -> str:
    """``2026-11-24 09:00—11:30`` (or both dates when it runs over midnight)."""
    if ends_at.date() == starts_at.date() or ends_at == datetime.combine(
            starts_at.date() + timedelta(days=1), time()):
        return f"{starts_at:%Y-%m-%d %H:%M}—{ends_at:%H:%M}"
    return f"{starts_at:%Y-%m-%d %H:%M}—{ends_at:%Y-%m-%d %H:%M}"


def unavailable_periods(facts: AvailabilityFacts) -> tuple[Unavailability, ...]:
    """The periods ``desktop.domain.roster.unavailable_reason`` describes day by day,
    as datetime intervals (status first: it applies whatever the date)."""
    periods: list[Unavailability] = []
    if facts.status is OfficerStatus.LEFT:
        periods.append(Unavailability(_FOREVER_START, _FOREVER_END, "已离岗"))
    elif facts.status is OfficerStatus.SECONDED:
        periods.append(Unavailability(_FOREVER_START, _FOREVER_END, "借调中"))
    elif facts.status is OfficerStatus.ON_LEAVE and not facts.leave:
        periods.append(Unavailability(_FOREVER_START, _FOREVER_END, "请假"))
    if facts.secondment_start:
        periods.append(Unavailability(_FOREVER_START, _midnight(facts.secondment_start),
                                      f"下沉期自 {facts.secondment_start} 起"))
    if facts.secondment_end:
        periods.append(Unavailability(_midnight(facts.secondment_end + timedelta(days=1)),
                                      _FOREVER_END, f"下沉期已于 {facts.secondment_end} 结束"))
    for start, end in facts.leave:
        periods.append(Unavailability(_midnight(start), _midnight(end + timedelta(days=1)),
                                      f"请假（{start} 至 {end}）"))
    return tuple(periods)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


# --- the rules ---------------------------------------------------------------------------


def _head(action: ActionFacts) -> str:
    return f"“{action.title}”（{action.when}）"


def _check_certified_count(action: ActionFacts,
                           participants: Sequence[OfficerFacts]) -> list[Violation]:
    days = action.days
    holders = [p for p in participants
               if p.certified_for(action.domain, days) and _available(action, p)]
    if len(holders) >= action.min_certified:
        return []
    named = "、".join(p.name for p in holders) or "无人"
    return [Violation(
        Rule.TWO_CERTIFIED, action.action_id, None,
        f"{_head(action)}能到场且持有当日有效{action.domain.label}执法证的人员只有 "
        f"{len(holders)} 人（{named}），依行政处罚法第四十二条至少须 {action.min_certified} 人，"
        f"请增加持证执法人员。")]


def _available(action: ActionFacts, person: OfficerFacts) -> bool:
    return not any(_overlaps(p.start, p.end, action.starts_at, action.ends_at)
                   for p in person.unavailable)


def _check_certificate(action: ActionFacts, person: OfficerFacts) -> Violation | None:
    """An enforcing officer needs a certificate valid on the day covering one of the
    action's domains."""
    if not person.enforces:
        return None
    days, domains = action.days, action.domains
    if person.domains_on_all(days) & domains:
        return None
    wanted = "、".join(sorted(d.label for d in domains))
    lapsed = [c for c in person.certificates if c.domains & domains]
    if lapsed:
        return Violation(Rule.CERTIFICATE_VALID, action.action_id, person.officer_id,
                         f"{_head(action)}：{person.name}的{wanted}执法证"
                         f"{_why_not_valid(lapsed[0], days)}，行动当日不能执法，请更换人员。")
    valid = person.domains_on_all(days)
    if valid:
        held = "、".join(sorted(d.label for d in valid))
        return Violation(Rule.CERTIFICATE_DOMAIN, action.action_id, person.officer_id,
                         f"{_head(action)}：{person.name}的执法证领域为{held}，不含本次行动的"
                         f"{wanted}，不能在本次行动中执法，请更换人员。")
    return Violation(Rule.CERTIFICATE_VALID, action.action_id, person.officer_id,
                     f"{_head(action)}：{person.name}没有当日有效的执法证，不能作为执法人员参加；"
                     f"如仅协助，请改派协同力量（Y）。")


def _why_not_valid(certificate: CertificateFacts, days: Sequence[date]) -> str:
    if certificate.revoked:
        return f"（{certificate.number}）已吊销"
    if certificate.valid_from > days[0]:
        return f"（{certificate.number}）自 {certificate.valid_from} 起才生效"
    return f"（{certificate.number}）已于 {certificate.valid_until} 到期"


def _check_unavailable(action: ActionFacts, person: OfficerFacts) -> Violation | None:
    for period in person.unavailable:
        if _overlaps(period.start, period.end, action.starts_at, action.ends_at):
            return Violation(Rule.UNAVAILABLE, action.action_id, person.officer_id,
                             f"{_head(action)}：{person.name}{period.reason}，不能安排参加，"
                             f"请更换人员。")
    return None


def _check_others(action: ActionFacts, person: OfficerFacts, others: Sequence[Assignment],
                  rest_hours: float) -> list[Violation]:
    rest = timedelta(hours=rest_hours)
    found: list[Violation] = []
    for other in others:
        if other.officer_id != person.officer_id or other.action_id == action.action_id:
            continue
        window = describe_window(other.starts_at, other.ends_at)
        if other.title:
            window = f"“{other.title}”（{window}）"
        if _overlaps(other.starts_at, other.ends_at, action.starts_at, action.ends_at):
            found.append(Violation(
                Rule.OVERLAP, action.action_id, person.officer_id,
                f"{_head(action)}：{person.name}同时安排在另一行动 {window}，时间重叠，"
                f"请更换人员或调整时间。", other_action_id=other.action_id))
        elif rest and _overlaps(other.starts_at - rest, other.ends_at + rest,
                                action.starts_at, action.ends_at):
            found.append(Violation(
                Rule.REST, action.action_id, person.officer_id,
                f"{_head(action)}：{person.name}在 {window} 另有行动，两次行动间隔不足 "
                f"{rest_hours:g} 小时，请更换人员或调整时间。", other_action_id=other.action_id))
    return found


def _check_units(action: ActionFacts, participants: Sequence[OfficerFacts]) -> list[Violation]:
    present = {p.unit_id for p in participants}
    return [Violation(Rule.UNIT_MISSING, action.action_id, None,
                      f"{_head(action)}：责任单位“{action.unit_name(unit)}”没有人员参加，"
                      f"请安排该单位人员。")
            for unit in dict.fromkeys(action.required_units) if unit not in present]


def _check_needs(action: ActionFacts, participants: Sequence[OfficerFacts]) -> list[Violation]:
    found: list[Violation] = []
    days = action.days
    for need in action.needs:
        people = [p for p in participants if (need.unit_id is None or p.unit_id == need.unit_id)
                  and _available(action, p)]
        domain = need.domain or action.domain
        certified = sum(1 for p in people if p.certified_for(domain, days))
        source = (need.unit_name or action.unit_name(need.unit_id)) if need.unit_id else "各单位"
        if len(people) < need.count:
            found.append(Violation(Rule.NEEDS_UNMET, action.action_id, None,
                                   f"{_head(action)}：计划{source}出动 {need.count} 人，"
                                   f"现只安排 {len(people)} 人，请补足。"))
        if certified < need.certified:
            found.append(Violation(Rule.NEEDS_UNMET, action.action_id, None,
                                   f"{_head(action)}：计划{source}持{domain.label}执法证人员 "
                                   f"{need.certified} 人，现只有 {certified} 人，请补足。"))
    return found


def check_action(action: ActionFacts, participants: Sequence[OfficerFacts], *,
                 others: Sequence[Assignment] = (),
                 rest_hours: float = DEFAULT_REST_HOURS) -> list[Violation]:
    """Every rule ``participants`` on ``action`` break, given the other assignments of
    the same people (``others``; this action's own rows in it are ignored)."""
    found = _check_certified_count(action, participants)
    for person in participants:
        for violation in (_check_certificate(action, person),
                          _check_unavailable(action, person)):
            if violation is not None:
                found.append(violation)
        found.extend(_check_others(action, person, others, rest_hours))
    found.extend(_check_units(action, participants))
    found.extend(_check_needs(action, participants))
    return found


def check_plan(actions: Iterable[ActionFacts], assignment: Mapping[str, Sequence[str]],
               officers: Mapping[str, OfficerFacts], rest_hours: float = DEFAULT_REST_HOURS,
               *, fixed: Sequence[Assignment] = ()) -> list[Violation]:
    """Check a whole plan: ``assignment`` maps each action id to its officer ids;
    ``fixed`` are assignments on actions outside the plan that still occupy people.
    An overlap between two planned actions is reported on both."""
    actions = list(actions)
    rows = list(fixed) + plan_assignments(actions, assignment)
    by_officer: dict[str, list[Assignment]] = defaultdict(list)
    for row in rows:
        by_officer[row.officer_id].append(row)
    found: list[Violation] = []
    for action in actions:
        ids = list(dict.fromkeys(assignment.get(action.action_id, ())))
        people = [officers[officer_id] for officer_id in ids]
        others = [row for officer_id in ids for row in by_officer[officer_id]]
        found.extend(check_action(action, people, others=others, rest_hours=rest_hours))
    return found


def plan_assignments(actions: Iterable[ActionFacts],
                     assignment: Mapping[str, Sequence[str]]) -> list[Assignment]:
    return [Assignment(officer_id, action.action_id, action.starts_at, action.ends_at,
                       action.title)
            for action in actions
            for officer_id in dict.fromkeys(assignment.get(action.action_id, ()))]


def hard(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.hard]


def refusal_message(action_title: str, violations: Sequence[Violation]) -> str:
    """The Chinese refusal listing every broken hard rule (what the director reads)."""
    lines = "\n".join(f"{n}. {v.message}" for n, v in enumerate(violations, 1))
    return (f"“{action_title}”有 {len(violations)} 项硬性规则未满足，不能批准：\n{lines}\n"
            f"请调整参加人员或时间后重新提交审批。")
