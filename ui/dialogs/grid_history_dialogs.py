"""Changes to the grid map itself: merge grids, split a grid, retire a grid.

The old grids stay on file as 已合并/已拆分/已撤销 (demands and documents may point at
them); the service records the lineage and ends their staff assignments.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from desktop.clock import today
from desktop.services.grid_lifecycle import SplitPart, merge_grids, retire_grid, split_grid
from desktop.services.grids import GridFields, GridRow
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.grid_dialog import GridFieldsForm, count_box
from ui.dialogs.staff_dialog import date_edit, hint_label, to_date
from ui.env import UiEnv

MAX_PARTS = 20


class MergeDialog(FormDialog):
    """合并: two or more grids of one 社区/村 become one new grid with a new code."""

    def __init__(self, env: UiEnv, grids: Sequence[GridRow], parent: QWidget | None = None) -> None:
        super().__init__(env, f"合并 {len(grids)} 个网格", "合并", parent)
        self.setMinimumWidth(520)
        self.grids = list(grids)
        self.result_row: GridRow | None = None
        sources = "\n".join(f"{g.code}  {g.name}（{g.households:,} 户，{g.population:,} 人）"
                            for g in grids)
        self.sources = QLabel(sources)
        self.form = GridFieldsForm()
        first = grids[0]
        self.form.category.set_value(first.category)
        self.form.households.setValue(sum(g.households for g in grids))
        self.form.population.setValue(sum(g.population for g in grids))
        self.form.area.setValue(sum(g.area_km2 for g in grids))
        self.on = date_edit(today())
        head = QFormLayout()
        head.addRow("被合并的网格", self.sources)
        head.addRow("合并日期", self.on)
        self.body.addLayout(head)
        self.body.addWidget(hint_label("合并后的新网格（户数、人口、面积已按原网格合计，可修改）："))
        self.body.addWidget(self.form)
        self.body.addWidget(hint_label(
            "原网格将标为“已合并”并保留历史，其在任人员同时结束任职，请在新网格重新配备。"
            "原网格都有边界时，新网格的边界为它们的并集。"))
        self.form.name.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            merge_grids, context.uow(), actor=context.actor,
            grid_ids=[g.id for g in self.grids], fields=self.form.fields(), on=to_date(self.on))

    def field_widget(self, field: str) -> QWidget | None:
        return self.form.widget_for(field)


class SplitDialog(FormDialog):
    """拆分: one grid becomes several new grids of the same 社区/村, type and category."""

    def __init__(self, env: UiEnv, grid: GridRow, parent: QWidget | None = None) -> None:
        super().__init__(env, f"拆分网格 — {grid.name}", "拆分", parent)
        self.setMinimumWidth(560)
        self.grid = grid
        self.result_rows: list[GridRow] = []
        self.count = QSpinBox()
        self.count.setRange(2, MAX_PARTS)
        self.count.setSuffix(" 个")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["新网格名称", "户数", "人口"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 120)
        header.resizeSection(2, 120)
        self.table.setMinimumHeight(180)
        self.parts: list[tuple[QLineEdit, QSpinBox, QSpinBox]] = []
        self.totals = QLabel()
        self.on = date_edit(today())
        head = QFormLayout()
        head.addRow("原网格", QLabel(
            f"{grid.code}  {grid.name}（{grid.households:,} 户，{grid.population:,} 人）"))
        head.addRow("拆分为", self.count)
        head.addRow("拆分日期", self.on)
        self.body.addLayout(head)
        self.body.addWidget(self.table)
        self.body.addWidget(self.totals)
        self.body.addWidget(hint_label(
            f"新网格沿用原网格的类型和类别（{grid.category.label}），按序号自动编码；"
            "原网格标为“已拆分”，其在任人员同时结束任职。边界可在拆分后导入。"))
        self.count.valueChanged.connect(self._set_count)
        self._set_count(2)

    def _set_count(self, count: int) -> None:
        while len(self.parts) > count:
            self.parts.pop()
            self.table.removeRow(self.table.rowCount() - 1)
        while len(self.parts) < count:
            index = len(self.parts)
            self.table.insertRow(index)
            name = QLineEdit(f"{self.grid.name}（{_ordinal(index + 1)}）")
            households, population = count_box(" 户"), count_box(" 人")
            for box in (households, population):
                box.valueChanged.connect(self._show_totals)
            for column, widget in enumerate((name, households, population)):
                self.table.setCellWidget(index, column, widget)
            self.parts.append((name, households, population))
        share_h, share_p = self.grid.households // count, self.grid.population // count
        for index, (_name, households, population) in enumerate(self.parts):
            last = index == count - 1
            households.setValue(self.grid.households - share_h * index if last else share_h)
            population.setValue(self.grid.population - share_p * index if last else share_p)
        self._show_totals()

    def _show_totals(self) -> None:
        households = sum(box.value() for _n, box, _p in self.parts)
        population = sum(box.value() for _n, _h, box in self.parts)
        self.totals.setText(f"合计 {households:,} 户，{population:,} 人"
                            f"（原网格 {self.grid.households:,} 户，{self.grid.population:,} 人）")

    def split_parts(self) -> list[SplitPart]:
        grid = self.grid
        return [
            SplitPart(GridFields(name.text(), grid.kind, grid.category,
                                 dedicated_type=grid.dedicated_type,
                                 households=households.value(), population=population.value()))
            for name, households, population in self.parts
        ]

    async def submit(self) -> None:
        context = self.env.context
        self.result_rows = await self.env.tasks.db(
            split_grid, context.uow(), actor=context.actor, grid_id=self.grid.id,
            parts=self.split_parts(), on=to_date(self.on))

    def field_widget(self, field: str) -> QWidget | None:
        column = {"网格名称": 0, "户数": 1, "人口": 2}.get(field)
        if column is None or not self.parts:
            return None
        return self.parts[0][column]


def _ordinal(number: int) -> str:
    """一 … 二十: how new parts are numbered in their default names."""
    digits = "一二三四五六七八九"
    if number < 10:
        return digits[number - 1]
    tens = "" if number < 20 else digits[number // 10 - 1]
    return f"{tens}十{digits[number % 10 - 1] if number % 10 else ''}"


class RetireDialog(FormDialog):
    """撤销: the grid leaves the active list; it stays on file with the reason."""

    def __init__(self, env: UiEnv, grid: GridRow, parent: QWidget | None = None) -> None:
        super().__init__(env, f"撤销网格 — {grid.name}", "撤销网格", parent)
        self.grid = grid
        self.result_row: GridRow | None = None
        self.reason = QLineEdit(placeholderText="如：所在片区整体拆迁，居民已全部搬离")
        self.on = date_edit(today())
        form = QFormLayout()
        form.addRow("网格", QLabel(f"{grid.code}  {grid.name}"))
        form.addRow("撤销原因 *", self.reason)
        form.addRow("撤销日期", self.on)
        self.body.addLayout(form)
        self.body.addWidget(hint_label(
            "撤销后网格不再出现在在用列表中（勾选“显示已撤销/合并/拆分的网格”可查看），"
            "其在任人员同时结束任职。网格编码不再分配给其他网格。"))
        self.reason.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            retire_grid, context.uow(), actor=context.actor, grid_id=self.grid.id,
            reason=self.reason.text(), on=to_date(self.on))

    def field_widget(self, field: str) -> QWidget | None:
        return self.reason if field == "撤销原因" else None
