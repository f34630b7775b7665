"""双向派单: the street's handovers with the district and their clocks — items found
here to hand over within 3 working days, district letters to report back on, cases
transferred up. Overdue ones red, flags computed by the core; each step recorded with
its time. Rules and clocks are the core's (desktop.services.handovers)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.handovers import STEPS, HandoverDirection, HandoverStep
from desktop.domain.permissions import Permission, allowed
from desktop.domain.roster import UnitKind
from desktop.services import handovers, units
from desktop.services.handovers import HandoverRow
from ui.dialogs.handover_dialogs import HandoverStepDialog, OpenHandoverDialog
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import page_slot
from ui.pages.work_page import WorkPage, denied_tip, list_table


def _moment(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""  # type: ignore[attr-defined]


def _colour(row: HandoverRow) -> str | None:
    if row.finished:
        return None
    if row.flags:
        return "#f8d7da"  # red: overdue or not reported the same day
    return "#fff3cd" if row.due_soon else None


COLUMNS: list[Column[HandoverRow]] = [
    Column("受理编号", lambda r: r.demand_number),
    Column("诉求", lambda r: r.demand_title),
    Column("方向", lambda r: r.direction.label),
    Column("状态", lambda r: r.state_text),
    Column("接收单位", lambda r: r.receiving_unit or "—"),
    Column("发现/收到", lambda r: _moment(r.found_at), lambda r: r.found_at),
    Column("期限", lambda r: _moment(r.due_at) if r.due_at else "—",
           lambda r: (r.due_at is None, r.due_at or r.found_at)),
    Column("时限", lambda r: r.clock_text, background=_colour),
    Column("问题", lambda r: "、".join(flag.label for flag in r.flags), background=_colour),
]
STEP_BUTTONS = (HandoverStep.REPORT, HandoverStep.HAND_OVER, HandoverStep.RECEIPT,
                HandoverStep.REPORT_BACK, HandoverStep.CANCEL)


class HandoversTab(WorkPage):
    last_dir_key = "handovers_last_dir"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.model: RowTableModel[HandoverRow] = RowTableModel(COLUMNS, self)
        self.table = list_table(self.model, sort_column=6)
        self.table.setSortingEnabled(False)  # the core sorts: most urgent clock first
        self.direction = QComboBox()
        self.direction.addItem("全部方向", None)
        for direction in HandoverDirection:
            self.direction.addItem(direction.label, direction)
        self.open_only = QCheckBox("只看未办结")
        self.open_only.setChecked(True)
        self.summary = QLabel()
        self.new_button = QPushButton("新建派单…")
        self.step_buttons = {step: QPushButton(step.label + "…") for step in STEP_BUTTONS}
        self._build_layout()
        self.direction.currentIndexChanged.connect(lambda _i: self._refresh())
        self.open_only.toggled.connect(lambda _on: self._refresh())
        self.new_button.clicked.connect(self._open_new)
        for step, button in self.step_buttons.items():
            button.clicked.connect(lambda _=False, s=step: self._advance(s))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._gate())
        self._gate()

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("方向"))
        bar.addWidget(self.direction)
        bar.addWidget(self.open_only)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        steps = QHBoxLayout()
        for button in self.step_buttons.values():
            steps.addWidget(button)
        steps.addStretch(1)
        steps.addWidget(self.summary)
        legend = QLabel("红色：逾期或未当天报告；黄色：今日或明日到期。"
                        "时限按工作日计算（节假日顺延、调休上班日计入）。")
        legend.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(steps)
        layout.addWidget(legend)

    # --- data ------------------------------------------------------------------------
    def selected(self) -> HandoverRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    async def reload(self, select: str | None = None) -> None:
        direction = self.direction.currentData()
        rows = await self.env.tasks.db(handovers.list_handovers, self.env.context.uow(),
                                       direction=direction,
                                       open_only=self.open_only.isChecked())
        self.model.set_rows(rows)
        for column, width in enumerate((140, 220, 150, 170, 200, 130, 130, 140, 150)):
            self.table.setColumnWidth(column, width)
        flagged = sum(1 for row in rows if row.flags and not row.finished)
        self.summary.setText(f"共 {len(rows)} 件，其中有问题 {flagged} 件")
        if select is not None:
            for index, row in enumerate(rows):
                if row.id == select:
                    self.table.selectRow(index)
        self._gate()
        self.loaded = True

    @page_slot
    async def _refresh(self) -> None:
        await self.reload()

    def _gate(self) -> None:
        role = self.env.context.actor.role
        may = allowed(role, Permission.DEMAND_HANDLE)
        tip = "" if may else denied_tip(role, Permission.DEMAND_HANDLE)
        row = self.selected()
        self.new_button.setEnabled(may)
        self.new_button.setToolTip(tip)
        for step, button in self.step_buttons.items():
            legal = row is not None and (row.direction, row.state, step) in STEPS
            button.setEnabled(may and legal)
            button.setToolTip(tip or ("" if legal or row is None else
                                      f"“{row.state.label}”的派单不能“{step.label}”"))

    # --- commands --------------------------------------------------------------------
    @page_slot
    async def _open_new(self) -> None:
        agencies = [unit for unit in await self.env.tasks.db(units.list_units,
                                                             self.env.context.uow())
                    if unit.kind is UnitKind.DEPARTMENT]
        dialog = OpenHandoverDialog(self.env, agencies, parent=self)
        if await self.run_dialog(dialog) and dialog.result_row is not None:
            row = dialog.result_row
            await self.changed(f"已新建派单：{row.demand_number}（{row.direction.label}）",
                               select=row.id)

    @page_slot
    async def _advance(self, step: HandoverStep) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = HandoverStepDialog(self.env, row, step, parent=self)
        if await self.run_dialog(dialog) and dialog.result_row is not None:
            await self.changed(f"{step.label}：{row.demand_number}", select=row.id)
