"""The 执法队伍 page's other tabs: 力量统计, 请假日历 and 应急值班表.

Each tab is a ``Page`` (it loads in ``reload``, every database call on ``env.tasks``)
around a pure view from ``ui/widgets``; it opens its dialogs through the host page's
``run_dialog`` (so ``host.active_dialog`` is the one on screen) and announces changes
through ``host.changed``, which reloads the roster and the tab shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QToolBar, QVBoxLayout

from desktop.clock import today
from desktop.domain.permissions import Permission, allowed
from desktop.services.availability import (
    clear_duty,
    duty_roster,
    force_domain_counts,
    leave_calendar,
)
from desktop.services.roster import list_officers
from ui.dialogs import messages
from ui.dialogs.duty_dialog import DutyDialog
from ui.dialogs.officer_dialogs import CancelLeaveDialog, LeaveDialog
from ui.env import UiEnv
from ui.pages.base import Page, page_slot
from ui.pages.roster_layout import (
    ROSTER_TOOLBAR_STYLE,
    make_action,
)
from ui.pages.work_page import TIP_PROPERTY, permission_tip
from ui.widgets.duty_table import DutyTable
from ui.widgets.leave_calendar import LeaveCalendar
from ui.widgets.roster_counts import CountsView

if TYPE_CHECKING:
    from ui.pages.roster_page import RosterPage


class RosterTab(Page):
    """A tab of the roster page: the host runs its dialogs and announces its changes."""

    permissions: ClassVar[dict[str, Permission]] = {}

    def __init__(self, env: UiEnv, host: RosterPage) -> None:
        super().__init__(env, host)
        self.host = host
        self.actions: dict[str, QAction] = {}

    def toolbar(self, *keys: str) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("rosterToolbar")
        bar.setStyleSheet(ROSTER_TOOLBAR_STYLE)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for key in keys:
            bar.addAction(self.actions[key])
        return bar

    def update_actions(self) -> None:
        """Enable what the selection allows AND the role may do (tooltips say why not)."""
        role = self.env.context.actor.role
        for key, value in self.selection_enables().items():
            action, permission = self.actions[key], self.permissions[key]
            action.setEnabled(value and allowed(role, permission))
            action.setToolTip(permission_tip(role, permission, str(action.property(TIP_PROPERTY))))

    def selection_enables(self) -> dict[str, bool]:
        return {}


class CountsTab(RosterTab):
    """力量统计: certified officers available per force and domain on a day."""

    def __init__(self, env: UiEnv, host: RosterPage) -> None:
        super().__init__(env, host)
        self.view = CountsView()
        self.view.dayChanged.connect(lambda _day: self.run(self.reload()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    async def reload(self) -> None:
        counts = await self.env.tasks.db(force_domain_counts, self.env.context.uow(),
                                         on=self.view.chosen_day())
        self.view.set_counts(counts)
        self.loaded = True


class LeaveTab(RosterTab):
    """请假日历: who is on leave in a month; 登记请假 and 取消请假."""

    permissions: ClassVar[dict[str, Permission]] = {"add": Permission.ROSTER_EDIT, "cancel": Permission.ROSTER_EDIT}

    def __init__(self, env: UiEnv, host: RosterPage) -> None:
        super().__init__(env, host)
        self.view = LeaveCalendar()
        self.actions["add"] = make_action(self, "登记请假", "Ctrl+L", "登记一名人员的请假起止日期")
        self.actions["cancel"] = make_action(self, "取消请假", "Delete", "取消下方列表中所选的请假")
        self.actions["add"].triggered.connect(self.add_leave)
        self.actions["cancel"].triggered.connect(self.cancel_leave)
        self.view.monthChanged.connect(lambda _first: self.run(self.reload()))
        self.view.leaveSelectionChanged.connect(self.update_actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.toolbar("add", "cancel"))
        layout.addWidget(self.view, 1)
        self.update_actions()

    def selection_enables(self) -> dict[str, bool]:
        return {"add": bool(self.host.model.rowCount()),
                "cancel": self.view.selected_leave() is not None}

    async def reload(self) -> None:
        view = self.view
        rows = await self.env.tasks.db(leave_calendar, self.env.context.uow(),
                                       start=view.first, end=view.month_bar.last)
        view.set_leaves(rows)
        self.update_actions()
        self.loaded = True

    @page_slot
    async def add_leave(self) -> None:
        officer_id, day = self.view.selected_cell()
        start = day if day is not None and day >= today() else None
        dialog = LeaveDialog(self.env, self.host.model.rows(), officer_id, start, self.host)
        if await self.host.run_dialog(dialog) and dialog.result_row:
            await self.host.commands.after_leave(dialog, None)
            if dialog.result_row:
                self.view.select_leave(dialog.result_row.id)

    @page_slot
    async def cancel_leave(self) -> None:
        leave = self.view.selected_leave()
        if leave is None:
            return
        if await self.host.run_dialog(CancelLeaveDialog(self.env, leave, self.host)):
            await self.host.changed(f"已取消{leave.officer_name}{leave.start} 至 {leave.end}的"
                                    f"{leave.kind.label}")


class DutyTab(RosterTab):
    """应急值班表: the duty officer per day of a month; gaps and conflicts highlighted."""

    permissions: ClassVar[dict[str, Permission]] = {"set": Permission.DUTY_EDIT, "clear": Permission.DUTY_EDIT,
                                                    "print": Permission.DATA_EXPORT}

    def __init__(self, env: UiEnv, host: RosterPage) -> None:
        super().__init__(env, host)
        self.view = DutyTable()
        specs = (("set", "设置值班", "F2", "为所选日期安排值班人员（也可双击或按 Enter）", self.set_duty),
                 ("clear", "清除值班", "", "清除所选日期的值班安排", self.clear_duty),
                 ("print", "打印值班表", "Ctrl+P", "把本月值班表保存为可打印的 PDF", self.print_duty))
        for key, text, shortcut, tip, handler in specs:
            self.actions[key] = make_action(self, text, shortcut, tip)
            self.actions[key].triggered.connect(handler)
        self.view.monthChanged.connect(lambda _first: self.run(self.reload()))
        self.view.daySelectionChanged.connect(self.update_actions)
        self.view.view.doubleClicked.connect(lambda _index: self.actions["set"].trigger())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.view.view, self.actions["set"].trigger,
                      context=Qt.ShortcutContext.WidgetShortcut)
        bar = self.toolbar("set", "clear")
        bar.addSeparator()
        bar.addAction(self.actions["print"])
        top = QHBoxLayout()
        top.addWidget(bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.update_actions()

    def selection_enables(self) -> dict[str, bool]:
        row = self.view.selected_row()
        return {"set": row is not None, "clear": row is not None and row.officer_id is not None,
                "print": bool(self.view.rows())}

    async def reload(self) -> None:
        rows = await self.env.tasks.db(duty_roster, self.env.context.uow(),
                                       start=self.view.first, end=self.view.last)
        self.view.set_rows(rows)
        self.update_actions()
        self.loaded = True

    @page_slot
    async def set_duty(self) -> None:
        row = self.view.selected_row()
        if row is None or not self.actions["set"].isEnabled():
            return
        officers = await self.env.tasks.db(list_officers, self.env.context.uow(), on=row.day)
        dialog = DutyDialog(self.env, row.day, officers, row, self.host)
        if await self.host.run_dialog(dialog) and dialog.result_row:
            duty = dialog.result_row
            await self.host.changed(f"已安排 {duty.day} 应急值班：{duty.officer_name}")
            self.view.select_day(duty.day)

    @page_slot
    async def clear_duty(self) -> None:
        row = self.view.selected_row()
        if row is None or row.officer_id is None:
            return
        if not await messages.ask(self.host, "清除值班",
                                  f"清除 {row.day} 的值班安排（{row.officer_name}）？清除后该日为空缺。"):
            return
        context = self.env.context
        try:
            await self.env.tasks.db(clear_duty, context.uow(), actor=context.actor, day=row.day)
        except Exception as error:
            messages.show_error(self.host, error)
            return
        await self.host.changed(f"已清除 {row.day} 的值班安排")
        self.view.select_day(row.day)

    @page_slot
    async def print_duty(self) -> None:
        from desktop.documents.duty_print import print_duty_roster

        first = self.view.first
        await self.host.files.export(
            "打印值班表", f"应急哨值班表-{first.year}年{first.month}月.pdf", "PDF 文件 (*.pdf)",
            print_duty_roster, progress=False, what="天的值班安排", start=first, end=self.view.last)
