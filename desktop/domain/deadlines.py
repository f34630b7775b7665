"""Deadline rules: how long each kind of demand (and each step of the two-way dispatch
and the whistles) may take, and the deadline a rule gives on the official calendar.

Demand kinds, sources and natures are string codes with Chinese labels so that the
demand records, the sync and the spreadsheets store codes and show labels.

A rule table is an ordered tuple; ``rule_for`` takes the *first* rule that matches
(like a firewall table), so a specific rule is written above a general one and the
table reads top-down as the policy it is. ``DEFAULT_RULES`` is the street's starting
point; every amount can be changed by configuration. The sources of the fixed ones:
seed 002 (当天报告, 3 个工作日内正式交接), seed 004 (攻坚哨 5 个工作日内提出解决措施),
《信访工作条例》第三十二条 (信访事项 60 日内办结). The others are common 12345-hotline
practice and are marked 参考 (a reasonable default, not a rule anyone published).

Pure: no database, no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from desktop.domain.errors import ValidationError
from desktop.domain.labels import LabeledEnum
from desktop.domain.workdays import (
    END_OF_DAY,
    OFFICE_HOURS,
    CalendarUnknownError,
    DeadlineResult,
    OfficeHours,
    WorkCalendar,
    day_result,
    flagged,
    hour_result,
)


class DemandKind(LabeledEnum):
    ENFORCEMENT = ("enforcement", "执法诉求")
    DEVELOPMENT = ("development", "发展诉求")
    LIVELIHOOD = ("livelihood", "民生诉求")

    @classmethod
    def from_label(cls, text: str) -> DemandKind | None:
        """Also the short forms people type: 执法, 发展, 民生."""
        text = text.strip()
        return super().from_label(text) or super().from_label(f"{text}诉求")


class DemandSource(LabeledEnum):
    HOTLINE = ("hotline_12345", "12345热线")
    GRID_REPORT = ("grid_report", "网格上报")
    WALK_IN = ("walk_in", "来访")
    DISTRICT_DISPATCH = ("district_dispatch", "区级派单")
    DEPUTIES = ("deputies", "两代表一委员")
    PETITION = ("petition", "信访")
    DEPARTMENT_TRANSFER = ("department_transfer", "部门转办")


class DemandNature(LabeledEnum):
    """诉求性质, the hotline's classification that most deadlines hang on."""

    CONSULTATION = ("consultation", "咨询")
    HELP = ("help", "求助")
    COMPLAINT = ("complaint", "投诉")
    REPORT = ("report", "举报")
    SUGGESTION = ("suggestion", "建议")


class DeadlineUnit(LabeledEnum):
    WORKDAYS = ("workdays", "个工作日")
    WORK_HOURS = ("hours", "个工作小时")  # office time on working days only
    CALENDAR_DAYS = ("days", "日（自然日）")  # statutory periods in 日
    CLOCK_HOURS = ("clock_hours", "小时（连续计时）")  # emergencies: nights and holidays count


class ProcessStep(LabeledEnum):
    """Deadlines that belong to a procedure rather than to a demand's kind."""

    SAME_DAY_REPORT = ("same_day_report", "区级事项当天报告")
    HANDOVER = ("handover", "区级事项正式交接")
    TOUGH_WHISTLE_SOLUTION = ("tough_whistle_solution", "攻坚哨提出解决措施")
    EMERGENCY_WHISTLE_ARRIVAL = ("emergency_whistle_arrival", "应急哨部门报到")
    DAILY_WHISTLE_ARRIVAL = ("daily_whistle_arrival", "日常哨科室报到")


@dataclass(frozen=True)
class DeadlineRule:
    """``kind``/``source``/``nature`` None match anything; an ``urgent`` rule matches
    urgent demands only. ``pause_on_extension``: approved extension periods stop the
    clock. ``reset_on_return``: after a 退单 the clock restarts from the re-dispatch."""

    kind: DemandKind | None
    source: DemandSource | None
    unit: DeadlineUnit
    amount: float
    pause_on_extension: bool = True
    reset_on_return: bool = True
    nature: DemandNature | None = None
    urgent: bool = False
    label: str = ""
    basis: str = "参考"

    def __post_init__(self) -> None:
        # Codes are accepted for every field (a settings record, a Qt item's data).
        object.__setattr__(self, "unit", DeadlineUnit(self.unit))
        for name, enum in (("kind", DemandKind), ("source", DemandSource),
                           ("nature", DemandNature)):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, enum(value))
        if self.amount < 0:
            raise ValidationError("期限", f"不能为负数（现为 {self.amount:g}）。")
        whole = self.unit in (DeadlineUnit.WORKDAYS, DeadlineUnit.CALENDAR_DAYS)
        if whole and self.amount != int(self.amount):
            raise ValidationError("期限", f"按日计算的期限须为整数（现为 {self.amount:g}）。")

    @property
    def text(self) -> str:
        if self.unit is DeadlineUnit.CALENDAR_DAYS and self.amount == 0:
            return "当日"
        return f"{self.amount:g}{self.unit.label}"

    def matches(self, kind: str | None, source: str | None, nature: str | None,
                urgent: bool) -> bool:
        return ((self.kind is None or self.kind == kind)
                and (self.source is None or self.source == source)
                and (self.nature is None or self.nature == nature)
                and (urgent or not self.urgent))


W, H, D, C = (DeadlineUnit.WORKDAYS, DeadlineUnit.WORK_HOURS, DeadlineUnit.CALENDAR_DAYS,
              DeadlineUnit.CLOCK_HOURS)
_PETITION_BASIS = "《信访工作条例》第三十二条：自受理之日起 60 日内办结"

DEFAULT_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(None, None, H, 4, urgent=True, label="紧急诉求"),
    DeadlineRule(None, DemandSource.PETITION, D, 60, False, False, label="信访事项",
                 basis=_PETITION_BASIS),
    DeadlineRule(None, None, W, 3, nature=DemandNature.CONSULTATION, label="咨询类"),
    DeadlineRule(None, None, W, 5, nature=DemandNature.HELP, label="求助类"),
    DeadlineRule(None, None, W, 13, nature=DemandNature.COMPLAINT, label="投诉类"),
    DeadlineRule(None, None, W, 13, nature=DemandNature.REPORT, label="举报类"),
    DeadlineRule(None, None, W, 15, nature=DemandNature.SUGGESTION, label="建议类"),
    DeadlineRule(None, DemandSource.GRID_REPORT, W, 5, label="网格上报（微循环、小循环）"),
    DeadlineRule(None, DemandSource.DEPUTIES, W, 15, label="两代表一委员"),
    DeadlineRule(None, DemandSource.DISTRICT_DISPATCH, W, 10, label="区级派单"),
    DeadlineRule(None, DemandSource.DEPARTMENT_TRANSFER, W, 10, label="部门转办"),
    DeadlineRule(DemandKind.ENFORCEMENT, None, W, 13, label="执法诉求"),
    DeadlineRule(DemandKind.DEVELOPMENT, None, W, 10, label="发展诉求"),
    DeadlineRule(DemandKind.LIVELIHOOD, None, W, 10, label="民生诉求"),
    DeadlineRule(None, None, W, 10, label="其他诉求"),
)

PROCESS_RULES: Mapping[ProcessStep, DeadlineRule] = {
    ProcessStep.SAME_DAY_REPORT: DeadlineRule(
        None, None, D, 0, False, False, label="当天报告", basis="种子材料 002：发现后当天报告"),
    ProcessStep.HANDOVER: DeadlineRule(
        None, None, W, 3, False, False, label="正式交接", basis="种子材料 002：3 个工作日内正式交接"),
    ProcessStep.TOUGH_WHISTLE_SOLUTION: DeadlineRule(
        None, None, W, 5, False, False, label="攻坚哨",
        basis="种子材料 004：总应哨人 5 个工作日内专题研究提出解决措施"),
    ProcessStep.EMERGENCY_WHISTLE_ARRIVAL: DeadlineRule(
        None, None, C, 2, False, False, label="应急哨报到"),
    ProcessStep.DAILY_WHISTLE_ARRIVAL: DeadlineRule(
        None, None, W, 1, False, False, label="日常哨报到"),
}


def rule_for(kind: str | None, source: str | None, urgent: bool = False, *,
             nature: str | None = None,
             rules: Sequence[DeadlineRule] = DEFAULT_RULES) -> DeadlineRule:
    """The first rule of ``rules`` that matches. Codes or enum members both work."""
    for rule in rules:
        if rule.matches(kind, source, nature, urgent):
            return rule
    raise ValidationError("期限规则", "没有适用于该诉求的期限规则，请在规则表末尾保留一条通用规则。")


def process_rule(step: ProcessStep,
                 rules: Mapping[ProcessStep, DeadlineRule] = PROCESS_RULES) -> DeadlineRule:
    return rules[step]


Period = tuple[datetime, datetime]


def compute_deadline(rule: DeadlineRule, received_at: datetime, calendar: WorkCalendar, *,
                     paused: Iterable[Period] = (), reset_at: datetime | None = None,
                     extended_by: float = 0, office: OfficeHours = OFFICE_HOURS,
                     ) -> DeadlineResult:
    """The deadline of ``rule`` for a demand received at ``received_at``.

    - ``reset_at`` (the re-dispatch after a 退单): the clock starts again from there when
      the rule resets on return; otherwise the original clock keeps running.
    - ``paused`` (approved extension periods, start → end): when the rule pauses on
      extension, the time inside them does not count. For day units a pause from day A
      to day B skips the days after A up to and including B (the clock resumes as if
      the demand were received again on B), for hour units exactly the paused hours.
    - ``extended_by``: an approved extension in the rule's unit, added to the amount.

    Never raises for a missing year: the result is flagged instead.
    """
    start = reset_at if (rule.reset_on_return and reset_at and reset_at > received_at) \
        else received_at
    pauses = _merged(paused) if rule.pause_on_extension else []
    advance, measure = _unit_ops(rule.unit, calendar, office)
    try:
        extra = 0.0
        for _ in range(1000):  # each pass moves the deadline later; converges quickly
            due_at = advance(start, rule.amount + extended_by + extra)
            counted = sum(measure(max(a, start), min(b, due_at))
                          for a, b in pauses if min(b, due_at) > max(a, start))
            if counted == extra:
                break
            extra = counted
    except CalendarUnknownError as error:
        return flagged((error.year,))
    if rule.unit in (DeadlineUnit.WORKDAYS, DeadlineUnit.CALENDAR_DAYS):
        return day_result(calendar, start, due_at.date())
    return hour_result(calendar, start, due_at)


def _merged(periods: Iterable[Period]) -> list[Period]:
    merged: list[Period] = []
    for begin, end in sorted(p for p in periods if p[1] > p[0]):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


Advance = Callable[[datetime, float], datetime]
Measure = Callable[[datetime, datetime], float]


def _unit_ops(unit: DeadlineUnit, calendar: WorkCalendar,
              office: OfficeHours) -> tuple[Advance, Measure]:
    """How a unit moves a deadline forward and measures a paused stretch. Day units
    return the end of the due day so that comparisons with pause ends work."""
    def end_of(day: date) -> datetime:
        return datetime.combine(day, END_OF_DAY)

    if unit is DeadlineUnit.WORKDAYS:
        return (lambda s, n: end_of(calendar.add_workdays(s, round(n))),
                lambda a, b: float(calendar.workdays_between(a.date(), b.date())))
    if unit is DeadlineUnit.CALENDAR_DAYS:
        return (lambda s, n: end_of(calendar.add_calendar_days(s, round(n))),
                lambda a, b: float((b.date() - a.date()).days))
    if unit is DeadlineUnit.WORK_HOURS:
        return (lambda s, n: calendar.add_work_hours(s, n, office=office),
                lambda a, b: calendar.work_hours_between(a, b, office=office))
    return (lambda s, n: s + timedelta(hours=n),
            lambda a, b: (b - a).total_seconds() / 3600)


# --- configuration: rules as plain records (a settings file, the district's sync) -------


def rule_record(rule: DeadlineRule) -> dict[str, Any]:
    return {key: (value.value if isinstance(value, LabeledEnum) else value)
            for key, value in asdict(rule).items()}


def rule_from_record(record: Mapping[str, Any]) -> DeadlineRule:
    """A rule from a stored record; refuses, in Chinese, a code it does not know."""
    def member(enum: type[LabeledEnum], key: str, optional: bool = True) -> Any:
        value = record.get(key)
        if value in (None, "") and optional:
            return None
        try:
            return enum(value)
        except ValueError:
            raise ValidationError("期限规则", f"“{value}”不是有效的{key}代码。") from None

    return DeadlineRule(
        member(DemandKind, "kind"), member(DemandSource, "source"),
        member(DeadlineUnit, "unit", optional=False), float(record["amount"]),
        bool(record.get("pause_on_extension", True)), bool(record.get("reset_on_return", True)),
        member(DemandNature, "nature"), bool(record.get("urgent", False)),
        str(record.get("label", "")), str(record.get("basis", "参考")))
