"""The unit directory (单位名录): add or edit a district department, stationed agency
or cooperating force, and name its 应哨人 for a community (seed 004). The directory
will be synced from the district later; until then it is edited here.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.domain.errors import ValidationError
from desktop.domain.roster import UnitKind
from desktop.services.grids import CommunityRow
from desktop.services.units import (
    ResponderRow,
    UnitInput,
    UnitRow,
    create_unit,
    set_responder,
    update_unit,
)
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.grid_dialog import enum_combo
from ui.dialogs.staff_dialog import hint_label
from ui.env import UiEnv


class UnitDialog(FormDialog):
    """新增单位 / 编辑单位: name, kind, contact and the unit's 总应哨人."""

    def __init__(self, env: UiEnv, unit: UnitRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, f"编辑单位 — {unit.name}" if unit else "新增单位",
                         "保存" if unit else "新增", parent)
        self.unit = unit
        self.result_row: UnitRow | None = None
        self.name = QLineEdit(placeholderText="全称，如：区城管执法局")
        self.short_name = QLineEdit(placeholderText="选填，如：区城管局（导入花名册时可按简称识别）")
        self.kind = enum_combo(list(UnitKind))
        self.contact_person = QLineEdit()
        self.contact_phone = QLineEdit(placeholderText="手机号或带区号的固定电话")
        self.chief_responder = QLineEdit(placeholderText="部门总应哨人（攻坚哨 5 个工作日内提出方案）")
        self.chief_phone = QLineEdit(placeholderText="手机号或带区号的固定电话")
        form = QFormLayout()
        form.addRow("单位名称 *", self.name)
        form.addRow("简称", self.short_name)
        form.addRow("类型 *", self.kind)
        form.addRow("联系人", self.contact_person)
        form.addRow("联系电话", self.contact_phone)
        form.addRow("总应哨人", self.chief_responder)
        form.addRow("总应哨人电话", self.chief_phone)
        self.body.addLayout(form)
        self.body.addWidget(hint_label("单位名录今后将从区级平台同步；同步前在此维护。"
                                       "各社区的应哨人在保存后于右侧表格设置。"))
        if unit is not None:
            self.name.setText(unit.name)
            self.short_name.setText(unit.short_name)
            self.kind.set_value(unit.kind)
            self.contact_person.setText(unit.contact_person)
            self.contact_phone.setText(unit.contact_phone)
            self.chief_responder.setText(unit.chief_responder)
            self.chief_phone.setText(unit.chief_responder_phone)
        self.name.setFocus()

    def unit_input(self) -> UnitInput:
        return UnitInput(self.name.text(), self.kind.value(), short_name=self.short_name.text(),
                         contact_person=self.contact_person.text(),
                         contact_phone=self.contact_phone.text(),
                         chief_responder=self.chief_responder.text(),
                         chief_responder_phone=self.chief_phone.text())

    async def submit(self) -> None:
        context = self.env.context
        if self.unit is None:
            self.result_row = await self.env.tasks.db(
                create_unit, context.uow(), actor=context.actor, data=self.unit_input())
        else:
            self.result_row = await self.env.tasks.db(
                update_unit, context.uow(), actor=context.actor, unit_id=self.unit.id,
                data=self.unit_input(), expected_version=self.unit.version)

    def field_widget(self, field: str) -> QWidget | None:
        return {"单位名称": self.name, "简称": self.short_name, "联系人": self.contact_person,
                "联系电话": self.contact_phone, "总应哨人": self.chief_responder,
                "总应哨人电话": self.chief_phone}.get(field)


class ResponderDialog(FormDialog):
    """设置应哨人: whom the unit sends when this community blows a whistle."""

    def __init__(self, env: UiEnv, unit: UnitRow, communities: Sequence[CommunityRow],
                 community_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(env, f"设置应哨人 — {unit.name}", "保存", parent)
        self.unit = unit
        self.result_row: ResponderRow | None = None
        self.community = QComboBox()
        for community in communities:
            self.community.addItem(community.name, community.id)
        if community_id is not None and self.community.findData(community_id) >= 0:
            self.community.setCurrentIndex(self.community.findData(community_id))
        self.name = QLineEdit()
        self.phone = QLineEdit(placeholderText="手机号或带区号的固定电话")
        self.community.currentIndexChanged.connect(self._show_current)
        form = QFormLayout()
        form.addRow("单位", QLabel(unit.name))
        form.addRow("社区/村 *", self.community)
        form.addRow("应哨人 *", self.name)
        form.addRow("应哨人电话", self.phone)
        self.body.addLayout(form)
        self.body.addWidget(hint_label("社区吹哨时，由该应哨人报到；再次设置将替换原应哨人。"))
        self._show_current()
        self.name.setFocus()

    def _show_current(self, *_args: object) -> None:
        current = next((r for r in self.unit.responders
                        if r.community_id == self.community.currentData()), None)
        self.name.setText(current.name if current else "")
        self.phone.setText(current.phone if current else "")

    async def submit(self) -> None:
        community_id = self.community.currentData()
        if community_id is None:
            raise ValidationError("社区/村", "还没有社区/村，请先在“网格”页新建社区/村。")
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            set_responder, context.uow(), actor=context.actor, unit_id=self.unit.id,
            community_id=community_id, name=self.name.text(), phone=self.phone.text())

    def field_widget(self, field: str) -> QWidget | None:
        return {"社区/村": self.community, "应哨人": self.name,
                "应哨人电话": self.phone}.get(field)
