"""联合行动: plan joint enforcement actions on a calendar (day, week, month), see each
officer's load and every conflict, drag an action to another slot and watch the checks
update, take an action from draft to evaluated, and let the assisted scheduler propose
participants for the week.

The page holds no rule: the checks come from ``desktop.services.action_checks`` (read
fresh on every reload, so a leave entered elsewhere shows at once), every change is a
service call on the database thread, and the scheduler runs on the cpu pool behind a
progress bar with a cancel button.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QSplitter, QVBoxLayout, QWidget

from desktop.clock import today
from desktop.domain.action_states import EDITABLE, STEP_PERMISSIONS, ActionStep
from desktop.domain.permissions import Permission, allowed
from desktop.services.action_checks import PeriodPlan, period_plan
from desktop.services.joint_actions import ActionDetail, get_action
from ui.env import UiEnv
from ui.pages.actions_commands import ActionCommands, shift
from ui.pages.actions_detail import ActionDetailPanel
from ui.pages.actions_layout import (
    BUTTON_PERMISSIONS,
    build_commands,
    build_header,
    build_loads,
    fill_loads,
    period_text,
)
from ui.pages.work_page import WorkPage, gate, read_only_note
from ui.widgets.action_calendar import ActionCalendar, CalendarItem, CalendarMode, period_of


class ActionsPage(WorkPage):
    last_dir_key = "actions_last_dir"
    title = "联合行动"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.active_dialog: QDialog | None = None
        self.error_box: QDialog | None = None
        self.last_error = ""
        self.notice_box: QMessageBox | None = None
        self.mode = CalendarMode.WEEK
        self.anchor: date = today()
        self.plan: PeriodPlan | None = None
        self.current_detail: ActionDetail | None = None
        self._generation = 0
        self.commands = ActionCommands(self)
        self.calendar = ActionCalendar()
        self.loads = build_loads()
        self.detail_panel = ActionDetailPanel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(build_header(self))
        layout.addLayout(build_commands(self))
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.calendar)
        left.addWidget(self.loads)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setSizes([600, 240])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(self.detail_panel)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setSizes([900, 520])
        layout.addWidget(body, 1)
        self._connect()
        self._update_buttons()

    def _connect(self) -> None:
        self.previous.clicked.connect(lambda: self.go(shift(self.mode, self.anchor, -1)))
        self.next.clicked.connect(lambda: self.go(shift(self.mode, self.anchor, 1)))
        self.today_button.clicked.connect(lambda: self.go(today()))
        for mode, button in self.mode_buttons.items():
            button.clicked.connect(lambda _checked=False, m=mode: self.set_mode(m))
        self.calendar.selected.connect(lambda action_id: self.run(self.show_action(action_id)))
        self.calendar.activated.connect(lambda _id: self.commands.edit_action())
        self.calendar.moved.connect(self.commands.move)
        plan = self.plan_buttons
        plan["new"].clicked.connect(self.commands.new_action)
        plan["edit"].clicked.connect(self.commands.edit_action)
        plan["participants"].clicked.connect(self.commands.participants)
        plan["schedule"].clicked.connect(self.commands.schedule)
        plan["export_ics"].clicked.connect(lambda: self.commands.export(".ics"))
        plan["export_xlsx"].clicked.connect(lambda: self.commands.export(".xlsx"))
        for step, button in self.buttons.items():
            button.clicked.connect(lambda _checked=False, s=step: self.commands.step(s))

    # --- navigation ------------------------------------------------------------------
    def set_mode(self, mode: CalendarMode) -> None:
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        self.run(self.reload())

    def go(self, day: date) -> None:
        self.anchor = day
        self.run(self.reload())

    # --- loading ---------------------------------------------------------------------
    async def reload(self, select: str | None = None) -> None:
        """Read the period shown (actions with their checks, loads) and the selected
        action's detail, both from current data."""
        self._generation += 1
        generation = self._generation
        first, last = period_of(self.mode, self.anchor)
        plan = await self.env.tasks.db(period_plan, self.env.context.uow(), start=first, end=last)
        if generation != self._generation:
            return  # the user moved on meanwhile
        self.plan = plan
        self.period_label.setText(period_text(self.mode, self.anchor))
        may_plan = allowed(self.env.context.actor.role, Permission.ACTION_PLAN)
        self.calendar.set_view(self.mode, self.anchor, [
            CalendarItem(a.id, a.title, a.state, a.starts_at, a.ends_at, a.hard_count,
                         a.participant_count, movable=may_plan and a.state in EDITABLE)
            for a in plan.actions])
        fill_loads(self.loads, plan, self.mode)
        keep = select or (self.current_detail.id if self.current_detail else None)
        if keep and any(a.id == keep for a in plan.actions):
            await self.show_action(keep)
        else:
            self._show_detail(None)
        self.loaded = True

    async def show_action(self, action_id: str) -> None:
        detail = await self.env.tasks.db(get_action, self.env.context.uow(), action_id)
        self._show_detail(detail)

    def _show_detail(self, detail: ActionDetail | None) -> None:
        self.current_detail = detail
        self.calendar.select(detail.id if detail else None)
        self.detail_panel.show_action(detail)
        self._update_buttons()

    def select_action(self, action_id: str) -> None:
        self.run(self.show_action(action_id))

    def _update_buttons(self) -> None:
        """A step is offered when the action's state allows it and the role may take
        it; 审批 stays offered while rules are broken (the refusal lists them)."""
        role = self.env.context.actor.role
        detail = self.current_detail
        steps = set(detail.steps) if detail else set()
        for step, button in self.buttons.items():
            button.setVisible(step in steps or step in (ActionStep.SUBMIT, ActionStep.APPROVE))
            gate(button, STEP_PERMISSIONS[step], role, step in steps)
        editable = detail is not None and detail.row.state in EDITABLE
        wanted = {"new": True, "edit": editable, "participants": editable, "schedule": True,
                  "export_ics": True, "export_xlsx": True}
        for key, button in self.plan_buttons.items():
            gate(button, BUTTON_PERMISSIONS[key], role, wanted[key])
        note = read_only_note(role, (Permission.ACTION_PLAN, Permission.ACTION_APPROVE),
                              "联合行动")
        self.role_note.setText(note)
        self.role_note.setVisible(bool(note))
