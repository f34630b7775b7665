"""A person of the 1+X+Y roster: add or edit them, change their status, set their 下沉
period, record a leave. Each dialog calls its roster service and stays open on a
refusal, the field the service names framed in red (see ``FormDialog``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop.clock import today
from desktop.domain.errors import ValidationError
from desktop.domain.roster import Force, LeaveKind, OfficerStatus, StaffingType
from desktop.services.availability import LeaveRow, add_leave, cancel_leave
from desktop.services.roster import (
    OfficerInput,
    OfficerRow,
    change_status,
    create_officer,
    set_secondment,
    update_officer,
)
from desktop.services.units import UnitRow
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.grid_dialog import enum_combo
from ui.dialogs.staff_dialog import date_edit, hint_label, to_date
from ui.env import UiEnv

GENDERS = (("按身份证号自动判断", ""), ("男", "男"), ("女", "女"))


class OptionalDate(QWidget):
    """A date that may be left out: a check box ("有"/"未定") beside a date edit."""

    def __init__(self, caption: str, day: date | None, default: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(caption)
        shown = day or default or today()
        self.edit = QDateEdit(QDate(shown.year, shown.month, shown.day))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.setChecked(day is not None)
        self.edit.setEnabled(day is not None)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)

    def value(self) -> date | None:
        return to_date(self.edit) if self.check.isChecked() else None

    def set_value(self, day: date | None) -> None:
        self.check.setChecked(day is not None)
        if day is not None:
            self.edit.setDate(QDate(day.year, day.month, day.day))


def editable_combo(items: Sequence[tuple[str, object]], text: str = "",
                   placeholder: str = "") -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for caption, data in items:
        combo.addItem(caption, data)
    combo.setCurrentIndex(-1)
    combo.setEditText(text)
    if placeholder and combo.lineEdit() is not None:
        combo.lineEdit().setPlaceholderText(placeholder)
    return combo


class OfficerDialog(FormDialog):
    """新增人员 / 编辑人员. The ID number is checked (GB 11643) by the service; the gender
    follows it unless given; X needs a source unit and a 下沉 start, 1 has no 下沉."""

    def __init__(self, env: UiEnv, units: Sequence[UnitRow], squads: Sequence[str],
                 officer: OfficerRow | None = None, parent: QWidget | None = None) -> None:
        title = f"编辑人员 — {officer.name}" if officer else "新增人员"
        super().__init__(env, title, "保存" if officer else "登记", parent)
        self.officer = officer
        self.result_row: OfficerRow | None = None
        self.name = QLineEdit(placeholderText="真实姓名")
        self.id_number = QLineEdit(placeholderText="18 位，末位可为 X；保存后列表中脱敏显示")
        self.id_number.setMaxLength(24)
        self.gender = QComboBox()
        for caption, value in GENDERS:
            self.gender.addItem(caption, value)
        self.phone = QLineEdit(placeholderText="手机号或带区号的固定电话")
        self.force = enum_combo(list(Force))
        self.staffing = enum_combo(list(StaffingType))
        self.unit = editable_combo([(u.name, u.id) for u in units if not u.retired],
                                   placeholder="从单位名录中选择，或输入名称/简称")
        self.position = QLineEdit(placeholderText="如：执法队员、中队长")
        self.squad = editable_combo([(s, s) for s in squads], placeholder="如：一中队、配合力量")
        self.secondment_start = OptionalDate("有", None)
        self.secondment_end = OptionalDate("有", None, today() + timedelta(days=3 * 365))
        self.note = QLineEdit(placeholderText="选填")
        self._lay_out()
        self.force.currentIndexChanged.connect(self._on_force)
        if officer is not None:
            self._fill(officer)
        self._on_force()
        self.name.setFocus()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("姓名 *", self.name)
        form.addRow("身份证号码 *", self.id_number)
        form.addRow("性别", self.gender)
        form.addRow("联系电话", self.phone)
        form.addRow("力量类别 *", self.force)
        form.addRow("编制类型 *", self.staffing)
        form.addRow("原单位", self.unit)
        form.addRow("职务", self.position)
        form.addRow("中队/小组", self.squad)
        form.addRow("下沉开始日期", self.secondment_start)
        form.addRow("下沉结束日期", self.secondment_end)
        form.addRow("备注", self.note)
        self.body.addLayout(form)
        self.body.addWidget(hint_label(
            "力量类别：1 为街道综合执法队；X 为区直部门下沉人员（须填原单位和下沉开始日期）；"
            "Y 为派出所、交警、消防、司法所等协同力量及协管员。执法证在登记后添加。"))

    def _fill(self, row: OfficerRow) -> None:
        self.name.setText(row.name)
        # Personal data stays masked in the form; left as it is, the service keeps the
        # stored number (update_officer), typed over, the new number is checked and saved.
        self.id_number.setText(row.id_number_masked)
        self.id_number.setToolTip("不修改请保持原样；如需更正，请清空后输入完整号码")
        self.gender.setCurrentIndex(max(0, self.gender.findData(row.gender)))
        self.phone.setText(row.phone_masked)
        self.phone.setToolTip("不修改请保持原样；清空则删除该号码")
        self.force.set_value(row.force)
        self.staffing.set_value(row.staffing_type)
        self.unit.setEditText(row.unit_name)
        self.position.setText(row.position)
        self.squad.setEditText(row.squad)
        self.secondment_start.set_value(row.secondment_start)
        self.secondment_end.set_value(row.secondment_end)
        self.note.setText(row.note)

    def _on_force(self, *_args: object) -> None:
        street = self.force.value() is Force.STREET
        for field in (self.secondment_start, self.secondment_end):
            if street:
                field.set_value(None)
            field.setEnabled(not street)
        if self.force.value() is Force.SUNK and self.secondment_start.value() is None:
            self.secondment_start.set_value(today())

    def _unit_choice(self) -> tuple[str | None, str]:
        text = self.unit.currentText().strip()
        index = self.unit.findText(text)
        return (self.unit.itemData(index), "") if index >= 0 and text else (None, text)

    def officer_input(self) -> OfficerInput:
        unit_id, unit_name = self._unit_choice()
        row = self.officer
        return OfficerInput(
            self.name.text(), self.id_number.text(), self.force.value(), self.staffing.value(),
            gender=str(self.gender.currentData() or ""), phone=self.phone.text(),
            unit_id=unit_id, unit_name=unit_name, position=self.position.text(),
            squad=self.squad.currentText(),
            status=row.status if row else OfficerStatus.ON_DUTY,
            status_since=row.status_since if row else None,
            secondment_start=self.secondment_start.value(),
            secondment_end=self.secondment_end.value(), note=self.note.text())

    async def submit(self) -> None:
        context = self.env.context
        if self.officer is None:
            self.result_row = await self.env.tasks.db(
                create_officer, context.uow(), actor=context.actor, data=self.officer_input())
            return
        self.result_row = await self.env.tasks.db(
            update_officer, context.uow(), actor=context.actor, officer_id=self.officer.id,
            data=self.officer_input(), expected_version=self.officer.version)

    def field_widget(self, field: str) -> QWidget | None:
        return {
            "姓名": self.name, "身份证号码": self.id_number, "性别": self.gender,
            "联系电话": self.phone, "力量类别": self.force, "编制类型": self.staffing,
            "原单位": self.unit, "职务": self.position, "中队/小组": self.squad,
            "下沉开始日期": self.secondment_start, "下沉结束日期": self.secondment_end,
        }.get(field)


class StatusDialog(FormDialog):
    """变更状态: 在岗/请假/借调/离岗 from a day, with the reason kept in the history."""

    def __init__(self, env: UiEnv, officer: OfficerRow, parent: QWidget | None = None) -> None:
        super().__init__(env, f"变更状态 — {officer.name}", "变更", parent)
        self.officer = officer
        self.result_row: OfficerRow | None = None
        self.status = enum_combo([s for s in OfficerStatus if s is not officer.status])
        self.since = date_edit(today())
        self.note = QLineEdit(placeholderText="如：借调至区应急局、退休、调离")
        form = QFormLayout()
        form.addRow("人员", QLabel(f"{officer.name}（{officer.force.short}，{officer.unit_name or '未填原单位'}）"))
        form.addRow("当前状态", QLabel(officer.status.label))
        form.addRow("新状态 *", self.status)
        form.addRow("生效日期 *", self.since)
        form.addRow("原因", self.note)
        self.body.addLayout(form)
        self.body.addWidget(hint_label(
            "有起止日期的请假请用“登记请假”，值班表和力量统计将按日期计算；"
            "这里的“请假”表示请假至另行通知。"))
        self.status.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            change_status, context.uow(), actor=context.actor, officer_id=self.officer.id,
            status=self.status.value(), since=to_date(self.since), note=self.note.text())

    def field_widget(self, field: str) -> QWidget | None:
        return self.status if field == "状态" else None


class SecondmentDialog(FormDialog):
    """设置下沉期: when an X officer's 下沉 began and ends (the end may be open)."""

    def __init__(self, env: UiEnv, officer: OfficerRow, parent: QWidget | None = None) -> None:
        super().__init__(env, f"设置下沉期 — {officer.name}", "保存", parent)
        self.officer = officer
        self.result_row: OfficerRow | None = None
        self.start = OptionalDate("有", officer.secondment_start, today())
        self.end = OptionalDate("有", officer.secondment_end, today() + timedelta(days=365))
        if officer.secondment_start is None:
            self.start.set_value(today())
        form = QFormLayout()
        form.addRow("人员", QLabel(f"{officer.name}（{officer.force.label}）"))
        form.addRow("原单位", QLabel(officer.unit_name or "未填"))
        form.addRow("下沉开始日期", self.start)
        form.addRow("下沉结束日期", self.end)
        self.body.addLayout(form)
        self.body.addWidget(hint_label("下沉期外该人员不计入可出勤力量，也不能排入值班表。"
                                       "结束日期未定时不勾选。"))

    async def submit(self) -> None:
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            set_secondment, context.uow(), actor=context.actor, officer_id=self.officer.id,
            start=self.start.value(), end=self.end.value())

    def field_widget(self, field: str) -> QWidget | None:
        return {"下沉开始日期": self.start, "下沉结束日期": self.end,
                "力量类别": self.start}.get(field)


class LeaveDialog(FormDialog):
    """登记请假 for one person (chosen here when opened from the leave calendar)."""

    def __init__(self, env: UiEnv, officers: Sequence[OfficerRow], chosen: str | None = None,
                 start: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(env, "登记请假", "登记", parent)
        self.result_row: LeaveRow | None = None
        self.officer = QComboBox()
        for row in officers:
            if row.status is not OfficerStatus.LEFT:
                self.officer.addItem(f"{row.name}（{row.force.short}，{row.unit_name or '未填原单位'}）",
                                     row.id)
        if chosen is not None and self.officer.findData(chosen) >= 0:
            self.officer.setCurrentIndex(self.officer.findData(chosen))
        self.officer.setEnabled(chosen is None or self.officer.count() > 1)
        self.kind = enum_combo(list(LeaveKind))
        first = start or today()
        self.start = date_edit(first)
        self.end = date_edit(first)
        self.start.dateChanged.connect(
            lambda day: self.end.setDate(day) if self.end.date() < day else None)
        self.note = QLineEdit(placeholderText="选填，如：区执法业务培训班")
        form = QFormLayout()
        form.addRow("人员 *", self.officer)
        form.addRow("类别 *", self.kind)
        form.addRow("开始日期 *", self.start)
        form.addRow("结束日期 *", self.end)
        form.addRow("备注", self.note)
        self.body.addLayout(form)
        self.body.addWidget(hint_label("请假期间该人员不计入可出勤力量，不能排入值班表；"
                                       "已排的值班将提示调整。"))
        (self.kind if chosen else self.officer).setFocus()

    async def submit(self) -> None:
        officer_id = self.officer.currentData()
        if officer_id is None:
            raise ValidationError("人员", "请选择请假人员。")
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            add_leave, context.uow(), actor=context.actor, officer_id=officer_id,
            kind=self.kind.value(), start=to_date(self.start), end=to_date(self.end),
            note=self.note.text())

    def field_widget(self, field: str) -> QWidget | None:
        return {"人员": self.officer, "请假结束日期": self.end}.get(field)


class CancelLeaveDialog(FormDialog):
    """取消请假: a leave entered by mistake or not taken (the history keeps both lines)."""

    def __init__(self, env: UiEnv, leave: LeaveRow, parent: QWidget | None = None) -> None:
        super().__init__(env, "取消请假", "取消该请假", parent)
        self.leave = leave
        self.cancel_button.setText("返回")
        self.reason = QLineEdit(placeholderText="选填，如：登记有误、假期取消")
        form = QFormLayout()
        form.addRow("人员", QLabel(f"{leave.officer_name}（{leave.force.short}）"))
        form.addRow("请假", QLabel(f"{leave.kind.label} {leave.start} 至 {leave.end}"
                                   f"（{leave.days} 天）"))
        form.addRow("原因", self.reason)
        self.body.addLayout(form)
        self.reason.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        await self.env.tasks.db(cancel_leave, context.uow(), actor=context.actor,
                                leave_id=self.leave.id, reason=self.reason.text())
