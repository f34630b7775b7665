"""Creating and editing a grid, and creating a 社区/村.

``GridFieldsForm`` is the form of a grid's own fields; the merge dialog reuses it for
the merged grid. Numbers are typed into spin boxes (no negatives possible); every rule
(name required, 专属 type, households ≤ population) is the service's, shown inline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from desktop.domain.errors import DomainError
from desktop.domain.grids import CommunityKind, DedicatedType, GridCategory, GridKind
from desktop.domain.labels import LabeledEnum
from desktop.services.grids import (
    CommunityRow,
    GridFields,
    GridRow,
    create_community,
    create_grid,
    update_grid,
)
from ui.dialogs.form_dialog import FormDialog
from ui.env import UiEnv

E = TypeVar("E", bound=LabeledEnum)

MAX_COUNT = 10_000_000


class EnumCombo(QComboBox, Generic[E]):
    """A combo of a LabeledEnum's Chinese labels that gives back the member.

    Qt would turn a StrEnum item-data into a plain ``str``, so the combo keeps the
    members itself and reads them by index.
    """

    def __init__(self, members: Sequence[E], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.members = list(members)
        for member in self.members:
            self.addItem(member.label)

    def value(self) -> E:
        return self.members[self.currentIndex()]

    def set_value(self, member: E) -> None:
        self.setCurrentIndex(self.members.index(member))


def enum_combo(members: Sequence[E]) -> EnumCombo[E]:
    return EnumCombo(members)


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def count_box(suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, MAX_COUNT)
    box.setGroupSeparatorShown(True)
    box.setSuffix(suffix)
    box.setAccelerated(True)
    return box


class GridFieldsForm(QWidget):
    """名称、类型、专属类型、类别、户数、人口、面积、备注 of one grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(placeholderText="如：朝阳社区第一网格")
        self.name.setMaxLength(80)
        self.kind = enum_combo(list(GridKind))
        self.dedicated_type = enum_combo(list(DedicatedType))
        self.category = enum_combo(list(GridCategory))
        self.households = count_box(" 户")
        self.population = count_box(" 人")
        self.area = QDoubleSpinBox()
        self.area.setRange(0, 10_000)
        self.area.setDecimals(4)
        self.area.setSuffix(" 平方公里")
        self.note = QLineEdit(placeholderText="选填")
        self.kind.currentIndexChanged.connect(self._on_kind)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("网格名称 *", self.name)
        self.form.addRow("网格类型", self.kind)
        self.form.addRow("专属网格类型", self.dedicated_type)
        self.form.addRow("网格类别", self.category)
        self.form.addRow("户数", self.households)
        self.form.addRow("人口", self.population)
        self.form.addRow("面积", self.area)
        self.form.addRow("备注", self.note)
        self._on_kind()

    def _on_kind(self) -> None:
        dedicated = self.kind.value() is GridKind.DEDICATED
        self.dedicated_type.setEnabled(dedicated)
        if not dedicated:
            self.dedicated_type.setCurrentIndex(-1)  # blank: a base grid has no such type
        elif self.dedicated_type.currentIndex() < 0:
            self.dedicated_type.setCurrentIndex(0)

    def fields(self) -> GridFields:
        kind = self.kind.value()
        return GridFields(
            self.name.text(), kind, self.category.value(),
            dedicated_type=self.dedicated_type.value() if kind is GridKind.DEDICATED else None,
            households=self.households.value(), population=self.population.value(),
            area_km2=round(self.area.value(), 4), note=self.note.text(),
        )

    def set_grid(self, grid: GridRow) -> None:
        self.name.setText(grid.name)
        self.kind.set_value(grid.kind)
        if grid.dedicated_type is not None:
            self.dedicated_type.set_value(grid.dedicated_type)
        self.category.set_value(grid.category)
        self.households.setValue(grid.households)
        self.population.setValue(grid.population)
        self.area.setValue(grid.area_km2)
        self.note.setText(grid.note)

    def widget_for(self, field: str) -> QWidget | None:
        return {
            "网格名称": self.name, "专属网格类型": self.dedicated_type, "户数": self.households,
            "人口": self.population, "面积": self.area,
        }.get(field)


class GridDialog(FormDialog):
    """新建网格 (choose the 社区/村) or 编辑网格 (its community and code are fixed)."""

    def __init__(self, env: UiEnv, communities: Sequence[CommunityRow], *,
                 grid: GridRow | None = None, community_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        title = f"编辑网格 — {grid.code}" if grid else "新建网格"
        super().__init__(env, title, "保存", parent)
        self.grid = grid
        self.result_row: GridRow | None = None
        self.community = QComboBox()
        for community in communities:
            self.community.addItem(f"{community.name}（{community.code}）", community.id)
        self.form = GridFieldsForm()
        header = QFormLayout()
        header.addRow("所属社区/村 *", self.community)
        if grid is not None:
            select_data(self.community, grid.community_id)
            self.community.setEnabled(False)
            header.addRow("网格编码", QLabel(grid.code))
            self.form.set_grid(grid)
        elif community_id is not None:
            select_data(self.community, community_id)
        hint = QLabel("网格编码由“街道代码 + 社区代码 + 3 位序号”自动生成，此后不再改变。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        self.body.addLayout(header)
        self.body.addWidget(self.form)
        self.body.addWidget(hint)
        self.form.name.setFocus()

    async def submit(self) -> None:
        fields = self.form.fields()
        context = self.env.context
        if self.grid is not None:
            self.result_row = await self.env.tasks.db(
                update_grid, context.uow(), actor=context.actor, grid_id=self.grid.id,
                expected_version=self.grid.version, fields=fields)
            return
        community_id = self.community.currentData()
        if community_id is None:
            raise DomainError("还没有社区/村。请先点“新建社区/村”建立社区或村，再在其下新建网格。")
        self.result_row = await self.env.tasks.db(
            create_grid, context.uow(), actor=context.actor, community_id=community_id,
            fields=fields)

    def field_widget(self, field: str) -> QWidget | None:
        return self.form.widget_for(field)


class CommunityDialog(FormDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, "新建社区/村", "保存", parent)
        self.result_row: CommunityRow | None = None
        self.name = QLineEdit(placeholderText="如：朝阳社区、桃花村")
        self.kind = enum_combo(list(CommunityKind))
        self.code = QLineEdit(placeholderText="留空则自动编号（001–999）")
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3}"), self))
        form = QFormLayout()
        form.addRow("名称 *", self.name)
        form.addRow("类型", self.kind)
        form.addRow("社区代码", self.code)
        hint = QLabel("社区代码是统计用区划代码的最后 3 位（居委会一般 001–199，村委会 200–399）。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        self.body.addLayout(form)
        self.body.addWidget(hint)
        self.name.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            create_community, context.uow(), actor=context.actor, name=self.name.text(),
            kind=self.kind.value(), code=self.code.text().strip() or None)

    def field_widget(self, field: str) -> QWidget | None:
        return {"社区/村名称": self.name, "社区代码": self.code}.get(field)
