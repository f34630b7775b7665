"""The 联合行动 page's commands: plan and staff an action, move it on the calendar, take
it through its life (approval refused with the reasons while a hard rule is broken),
record its results, run the assisted scheduler over the week shown, and export the
week. Each calls a core service off the GUI thread; refusals show in Chinese without
blocking the loop (``messages.show_error``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop.domain.action_states import ActionStep
from desktop.domain.errors import DomainError
from desktop.scheduling.bridge import propose_for
from desktop.services import joint_actions as service
from desktop.services.action_checks import iso_week_of, open_actions_between, scheduling_input
from desktop.services.grids import list_grids
from desktop.services.responsibilities import search_items
from desktop.services.roster import list_officers
from desktop.services.units import list_units
from desktop.spreadsheets.action_export import export_week_ics, export_week_xlsx
from ui.dialogs import messages
from ui.dialogs.action_form import ActionFormDialog, FormChoices
from ui.dialogs.action_participants import ParticipantsDialog
from ui.dialogs.action_results import EvaluationDialog, ResultsDialog
from ui.dialogs.action_schedule import ScheduleDialog
from ui.pages.base import page_slot
from ui.tasks import run_with_progress
from ui.widgets.action_calendar import CalendarMode, period_of

if TYPE_CHECKING:
    from ui.pages.actions_page import ActionsPage

SCHEDULE_SECONDS = 3.0
_SIMPLE_STEPS = {ActionStep.SUBMIT: service.submit_action, ActionStep.NOTIFY: service.notify_action,
                 ActionStep.START: service.start_action,
                 ActionStep.COMPLETE: service.complete_action}
_REASONED_STEPS = {ActionStep.REOPEN: (service.reopen_action, "退回修改", "退回理由"),
                   ActionStep.CANCEL: (service.cancel_action, "取消行动", "取消理由")}


def _choices(uow_factory) -> FormChoices:  # type: ignore[no-untyped-def]
    return FormChoices(list_units(uow_factory()), list_grids(uow_factory()),
                       search_items(uow_factory()))


class ActionCommands(QObject):
    def __init__(self, page: ActionsPage) -> None:
        super().__init__(page)
        self.page = page
        self.env = page.env
        self.choices: FormChoices | None = None

    async def _form_choices(self) -> FormChoices:
        if self.choices is None:
            self.choices = await self.env.tasks.db(_choices, self.env.context.uow)
        return self.choices

    def _error(self, exc: BaseException) -> None:
        self.page.last_error = str(exc)
        self.page.error_box = messages.show_error(self.page, exc)

    # --- planning ------------------------------------------------------------------
    @page_slot
    async def new_action(self) -> None:
        dialog = ActionFormDialog(self.env, await self._form_choices(), day=self.page.anchor,
                                  parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.result_detail:
            row = dialog.result_detail.row
            await self.page.changed(f"已计划行动 {row.number}「{row.title}」", row.id)

    @page_slot
    async def edit_action(self) -> None:
        detail = self.page.current_detail
        if detail is None:
            return
        dialog = ActionFormDialog(self.env, await self._form_choices(), detail=detail,
                                  parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.result_detail:
            await self.page.changed(f"已修改行动「{detail.row.title}」", detail.id)

    @page_slot
    async def participants(self) -> None:
        detail = self.page.current_detail
        if detail is None:
            return
        officers = await self.env.tasks.db(list_officers, self.env.context.uow(),
                                           on=detail.row.starts_at.date())
        dialog = ParticipantsDialog(self.env, detail, officers, parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.result_detail:
            broken = dialog.result_detail.row.hard_count
            await self.page.changed(f"已安排「{detail.row.title}」参加人员 "
                                    f"{len(dialog.chosen_ids())} 人；合法性检查"
                                    + (f"有 {broken} 项问题" if broken else "全部通过"), detail.id)

    @page_slot
    async def move(self, action_id: str, starts_at: datetime, ends_at: datetime) -> None:
        """The calendar's drag and drop: move, then show the re-computed checks."""
        row = next((a for a in self.page.plan.actions if a.id == action_id), None) \
            if self.page.plan else None
        if row is None:
            return
        context = self.env.context
        try:
            detail = await self.env.tasks.db(
                service.move_action, context.uow(), actor=context.actor, action_id=action_id,
                expected_version=row.version, starts_at=starts_at, ends_at=ends_at)
        except DomainError as error:
            self._error(error)
            await self.page.reload()
            return
        broken = detail.row.hard_count
        await self.page.changed(f"已将「{row.title}」移到 {detail.row.when}；合法性检查"
                                + (f"有 {broken} 项问题" if broken else "全部通过"), action_id)

    # --- the life ------------------------------------------------------------------
    @page_slot
    async def step(self, step: ActionStep) -> None:
        detail = self.page.current_detail
        if detail is None:
            return
        context = self.env.context
        args = {"actor": context.actor, "action_id": detail.id,
                "expected_version": detail.version}
        try:
            if step is ActionStep.APPROVE:
                await self.env.tasks.db(service.approve_action, context.uow(), **args)
            elif step in _SIMPLE_STEPS:
                await self.env.tasks.db(_SIMPLE_STEPS[step], context.uow(), **args)
            elif step in _REASONED_STEPS:
                if not await self._reasoned(step, args):
                    return
            elif step is ActionStep.RECORD_RESULTS:
                await self._results()
                return
            elif step is ActionStep.EVALUATE:
                await self._evaluate()
                return
        except DomainError as error:
            self._error(error)
            await self.page.reload(select=detail.id)
            return
        await self.page.changed(f"行动「{detail.row.title}」：{step.label}", detail.id)

    async def _reasoned(self, step: ActionStep, args: dict[str, object]) -> bool:
        from PySide6.QtWidgets import QInputDialog

        function, title, label = _REASONED_STEPS[step]
        dialog = QInputDialog(self.page)
        dialog.setWindowTitle(title)
        dialog.setLabelText(f"{label}：")
        dialog.setOkButtonText("确定")
        dialog.setCancelButtonText("取消")
        if not await self.page.run_dialog(dialog):
            return False
        await self.env.tasks.db(function, self.env.context.uow(), reason=dialog.textValue(),
                                **args)
        return True

    async def _results(self) -> None:
        detail = self.page.current_detail
        assert detail is not None
        dialog = ResultsDialog(self.env, detail, parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.outcome:
            self.page.notify("登记结果", dialog.outcome.message)
            await self.page.changed(dialog.outcome.message, detail.id)

    async def _evaluate(self) -> None:
        detail = self.page.current_detail
        assert detail is not None
        dialog = EvaluationDialog(self.env, detail, parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.result_detail:
            await self.page.changed(f"已评价行动「{detail.row.title}」", detail.id)

    # --- the week: scheduling and export ---------------------------------------------
    @page_slot
    async def schedule(self) -> None:
        first, last = period_of(CalendarMode.WEEK, self.page.anchor)
        uow = self.env.context.uow
        rows = await self.env.tasks.db(open_actions_between, uow(), start=first, end=last)
        if not rows:
            self.page.notify("智能排班", "本周没有可调整人员的行动（草稿或已提交）。")
            return
        data = await self.env.tasks.db(scheduling_input, uow(), [r.id for r in rows])
        try:
            outcome = await run_with_progress(
                self.env.tasks, self.page, "智能排班",
                lambda progress, cancel: propose_for(data, time_limit_s=SCHEDULE_SECONDS,
                                                     progress=progress, cancel=cancel),
                pool="cpu")
        except DomainError as error:
            self._error(error)
            return
        dialog = ScheduleDialog(self.env, outcome, data, parent=self.page)
        if await self.page.run_dialog(dialog):
            await self.page.changed(f"已采用智能排班方案：{dialog.applied} 个行动的人员已调整")

    @page_slot
    async def export(self, suffix: str) -> None:
        first, _last = period_of(CalendarMode.WEEK, self.page.anchor)
        week = iso_week_of(first)
        kind = "iCalendar 日历 (*.ics)" if suffix == ".ics" else "Excel 工作簿 (*.xlsx)"
        path = self.page.ask_save_path("导出本周联合行动", f"联合行动-{week}{suffix}", kind)
        if not path:
            return
        writer = export_week_ics if suffix == ".ics" else export_week_xlsx
        context = self.env.context
        try:
            count = await self.env.tasks.db(writer, context.uow(), Path(path),
                                            actor=context.actor, week=week)
        except DomainError as error:
            self._error(error)
            return
        what = "个日程" if suffix == ".ics" else "个行动"
        self.page.notify("导出完成", f"已导出 {week} 的 {count} {what}到 {path}")


def shift(mode: CalendarMode, anchor, steps: int):  # type: ignore[no-untyped-def]
    """The anchor one period earlier (-1) or later (+1)."""
    if mode is CalendarMode.DAY:
        return anchor + timedelta(days=steps)
    if mode is CalendarMode.WEEK:
        return anchor + timedelta(days=7 * steps)
    index = anchor.year * 12 + anchor.month - 1 + steps
    return anchor.replace(year=index // 12, month=index % 12 + 1, day=1)
