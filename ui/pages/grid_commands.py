"""The 网格 page's commands that go through a dialog: 社区/村 and grid creation, editing,
staff, merge, split and retire.

Each opens its dialog with ``page.run_dialog`` (non-blocking; the dialog calls the
service and shows refusals inline) and, when the dialog was accepted, lets the page
announce the change and reload with the affected grids selected. ``reveal_phone``
needs no dialog: it fetches one full number (audited) for the detail's staff table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop.domain.grids import GridStatus, StaffRole
from desktop.services.grid_staff import StaffRow
from desktop.services.privacy import reveal_phone
from ui.dialogs import messages
from ui.dialogs.grid_dialog import CommunityDialog, GridDialog
from ui.dialogs.grid_history_dialogs import MergeDialog, RetireDialog, SplitDialog
from ui.dialogs.staff_dialog import AssignStaffDialog, EndAssignmentDialog, PresenceDialog
from ui.pages.base import page_slot

if TYPE_CHECKING:
    from ui.pages.grids_page import GridsPage


class GridCommands(QObject):
    def __init__(self, page: GridsPage) -> None:
        super().__init__(page)
        self.page = page
        self.env = page.env

    @page_slot
    async def new_community(self) -> None:
        dialog = CommunityDialog(self.env, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.page.changed(f"已新建{row.kind.label}：{row.name}（代码 {row.code}）")
            self.page.tree.select_community(row.id)

    @page_slot
    async def new_grid(self) -> None:
        current = self.page.current_grid()
        community = current.community_id if current else self.page.tree.chosen_community() or None
        dialog = GridDialog(self.env, self.page.communities, community_id=community, parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.page.changed(f"已新建网格 {row.code} {row.name}", [row.id])

    @page_slot
    async def edit_grid(self) -> None:
        grid = self.page.current_grid()
        if grid is None or grid.status is not GridStatus.ACTIVE:
            return
        dialog = GridDialog(self.env, self.page.communities, grid=grid, parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            await self.page.changed(f"已保存网格 {grid.code} 的修改", [grid.id])

    @page_slot
    async def assign_staff(self) -> None:
        grid = self.page.current_grid()
        if grid is None:
            return
        dialog = AssignStaffDialog(self.env, grid, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            staff = dialog.result_row
            await self.page.changed(f"已为{grid.name}配备{staff.role.label}{staff.name}", [grid.id])

    @page_slot
    async def record_presence(self) -> None:
        grid = self.page.current_grid()
        members = [s for s in self.page.detail.staff() if s.role is StaffRole.MEMBER]
        if grid is None or not members:
            return
        chosen = self.page.detail.selected_staff()
        dialog = PresenceDialog(self.env, grid, members,
                                chosen.assignment_id if chosen else None, self.page)
        if await self.page.run_dialog(dialog):
            await self.page.changed(f"已记录{grid.name}网格员在格天数", [grid.id])

    @page_slot
    async def end_assignment(self) -> None:
        grid, staff = self.page.current_grid(), self.page.detail.selected_staff()
        if grid is None or staff is None:
            return
        if await self.page.run_dialog(EndAssignmentDialog(self.env, grid, staff, self.page)):
            await self.page.changed(f"已结束{staff.name}的{staff.role.label}任职", [grid.id])

    @page_slot
    async def merge_grids(self) -> None:
        grids = self.page.selected_grids()
        if len(grids) < 2:
            return
        dialog = MergeDialog(self.env, grids, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.page.changed(f"已将 {len(grids)} 个网格合并为 {row.code} {row.name}", [row.id])

    @page_slot
    async def split_grid(self) -> None:
        grid = self.page.current_grid()
        if grid is None:
            return
        dialog = SplitDialog(self.env, grid, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_rows:
            rows = dialog.result_rows
            await self.page.changed(f"已将{grid.name}拆分为 {len(rows)} 个网格", [r.id for r in rows])

    @page_slot
    async def retire_grid(self) -> None:
        grid = self.page.current_grid()
        if grid is None:
            return
        if await self.page.run_dialog(RetireDialog(self.env, grid, self.page)):
            await self.page.changed(f"已撤销网格 {grid.code} {grid.name}", [])

    @page_slot
    async def reveal_phone(self, staff: StaffRow) -> None:
        context = self.env.context
        try:
            phone = await self.env.tasks.db(reveal_phone, context.uow(), actor=context.actor,
                                            person_id=staff.person_id)
        except Exception as error:
            messages.show_error(self.page, error)
            return
        self.page.detail.show_full_phone(staff.assignment_id, phone)
        self.page.status_message.emit(f"已显示{staff.name}的完整号码；本次查看已记入审计日志")
