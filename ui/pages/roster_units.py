"""单位名录: the district departments, stationed agencies and cooperating forces, each
with its contact and 总应哨人, and beside the list the selected unit's 应哨人 for every
community (seed 004: each department names one per community). Gaps show as
「未指定」 so the director sees where a whistle would reach nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from desktop.domain.permissions import Permission
from desktop.domain.roster import UnitKind
from desktop.services.grids import CommunityRow, list_communities
from desktop.services.units import UnitRow, list_units, retire_unit
from ui.dialogs import messages
from ui.dialogs.unit_dialogs import ResponderDialog, UnitDialog
from ui.env import UiEnv
from ui.models.officer_list import RESPONDER_COLUMNS, UNIT_COLUMNS, ResponderSlot
from ui.pages.base import page_slot
from ui.pages.roster_layout import make_action
from ui.pages.roster_tabs import RosterTab
from ui.widgets.grid_detail import row_table

if TYPE_CHECKING:
    from ui.pages.roster_page import RosterPage


class UnitsTab(RosterTab):
    permissions: ClassVar[dict[str, Permission]] = {
        key: Permission.UNIT_EDIT for key in ("new", "edit", "retire", "responder")}

    def __init__(self, env: UiEnv, host: RosterPage) -> None:
        super().__init__(env, host)
        self.communities: list[CommunityRow] = []
        specs = (("new", "新增单位", "Ctrl+N", "在名录中新增一个区直部门、派驻机构或协同单位", self.new_unit),
                 ("edit", "编辑单位", "F2", "编辑所选单位的名称、联系人和总应哨人（也可双击）", self.edit_unit),
                 ("retire", "停用单位", "", "从名录中停用所选单位（仍有在册人员时不能停用）",
                  self.retire_unit),
                 ("responder", "设置应哨人", "", "为所选单位指定某社区/村的应哨人（也可双击右侧表格）",
                  self.set_responder))
        for key, text, shortcut, tip, handler in specs:
            self.actions[key] = make_action(self, text, shortcut, tip)
            self.actions[key].triggered.connect(handler)
        self.show_retired = QCheckBox("显示已停用的单位")
        self.show_retired.toggled.connect(lambda _on: self.run(self.reload()))
        self.units_view, self.units_model = row_table(UNIT_COLUMNS, self, stretch=0)
        self.units_view.setSortingEnabled(False)
        self.units_view.doubleClicked.connect(lambda _i: self.actions["edit"].trigger())
        self.units_view.selectionModel().selectionChanged.connect(self._on_unit)
        self.responders_view, self.responders_model = row_table(RESPONDER_COLUMNS, self, stretch=1)
        self.responders_view.doubleClicked.connect(lambda _i: self.actions["responder"].trigger())
        self.responders_title = QLabel("社区应哨人")
        self.responders_title.setStyleSheet("font-weight: bold; color: #1f3a5a;")
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #5f6b78;")
        self._lay_out()
        self.update_actions()

    def _lay_out(self) -> None:
        bar = self.toolbar("new", "edit", "retire")
        bar.addSeparator()
        bar.addAction(self.actions["responder"])
        top = QHBoxLayout()
        top.addWidget(bar)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        top.addWidget(self.show_retired)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.responders_title)
        right_layout.addWidget(self.responders_view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.units_view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([780, 330])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    # --- loading ---------------------------------------------------------------------
    async def reload(self, select: str | None = None) -> None:
        keep = select or (unit.id if (unit := self.selected_unit()) else None)
        context = self.env.context
        units = await self.env.tasks.db(list_units, context.uow(),
                                        include_retired=self.show_retired.isChecked())
        self.communities = await self.env.tasks.db(list_communities, context.uow())
        order = {kind: index for index, kind in enumerate(UnitKind)}
        self.units_model.set_rows(sorted(units, key=lambda u: (u.retired, order[u.kind], u.name)))
        active = sum(1 for u in units if not u.retired)
        without = sum(1 for u in units if not u.retired and not u.chief_responder)
        text = f"{active} 个在用单位，{len(self.communities)} 个社区/村"
        self.count_label.setText(text + (f"；{without} 个单位未指定总应哨人" if without else ""))
        if keep is not None:
            self.select_unit(keep)
        elif units:
            self.units_view.selectRow(0)
        self._on_unit()
        self.loaded = True

    def selected_unit(self) -> UnitRow | None:
        rows = self.units_view.selectionModel().selectedRows()
        return self.units_model.row_at(rows[0].row()) if rows else None  # type: ignore[return-value]

    def select_unit(self, unit_id: str) -> None:
        for row, unit in enumerate(self.units_model.rows()):
            if unit.id == unit_id:  # type: ignore[attr-defined]
                self.units_view.selectRow(row)

    def selected_slot(self) -> ResponderSlot | None:
        rows = self.responders_view.selectionModel().selectedRows()
        return self.responders_model.row_at(rows[0].row()) if rows else None  # type: ignore[return-value]

    def _on_unit(self, *_args: object) -> None:
        unit = self.selected_unit()
        if unit is None:
            self.responders_model.set_rows([])
            self.responders_title.setText("社区应哨人（先在左侧选择单位）")
        else:
            named = {r.community_id: r for r in unit.responders}
            self.responders_model.set_rows([ResponderSlot(c.id, c.name, named.get(c.id))
                                            for c in self.communities])
            self.responders_title.setText(f"{unit.short_name or unit.name}的社区应哨人"
                                          f"（已指定 {len(named)}/{len(self.communities)}）")
        self.update_actions()

    def selection_enables(self) -> dict[str, bool]:
        unit = self.selected_unit()
        usable = unit is not None and not unit.retired
        return {"new": True, "edit": usable, "retire": usable,
                "responder": usable and bool(self.communities)}

    # --- commands --------------------------------------------------------------------
    @page_slot
    async def new_unit(self) -> None:
        dialog = UnitDialog(self.env, parent=self.host)
        if await self.host.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.host.changed(f"已在单位名录中新增{row.name}")
            self.select_unit(row.id)

    @page_slot
    async def edit_unit(self) -> None:
        unit = self.selected_unit()
        if unit is None or unit.retired:
            return
        dialog = UnitDialog(self.env, unit, self.host)
        if await self.host.run_dialog(dialog) and dialog.result_row:
            await self.host.changed(f"已保存{dialog.result_row.name}的修改")

    @page_slot
    async def retire_unit(self) -> None:
        unit = self.selected_unit()
        if unit is None or unit.retired:
            return
        if not await messages.ask(self.host, "停用单位", f"从单位名录中停用“{unit.name}”？"
                                  "停用后不能再选作人员的原单位，历史记录保留。"):
            return
        context = self.env.context
        try:
            await self.env.tasks.db(retire_unit, context.uow(), actor=context.actor,
                                    unit_id=unit.id)
        except Exception as error:
            messages.show_error(self.host, error)
            return
        await self.host.changed(f"已停用单位：{unit.name}")

    @page_slot
    async def set_responder(self) -> None:
        unit = self.selected_unit()
        if unit is None or unit.retired or not self.communities:
            return
        chosen = self.selected_slot()
        dialog = ResponderDialog(self.env, unit, self.communities,
                                 chosen.community_id if chosen else None, self.host)
        if await self.host.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.host.changed(f"已指定{row.unit_name}在{row.community_name}的应哨人：{row.name}")
