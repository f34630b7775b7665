"""新建派单: which demand (by its 受理编号), which direction, the receiving agency and,
for a case the street cannot take on, the reason."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop.domain.handovers import HandoverDirection, HandoverStep
from desktop.services import handovers
from desktop.services.handovers import HandoverRow
from desktop.services.units import UnitRow
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.grid_dialog import enum_combo
from ui.dialogs.staff_dialog import hint_label
from ui.env import UiEnv


class OpenHandoverDialog(FormDialog):
    def __init__(self, env: UiEnv, agencies: Sequence[UnitRow], demand_number: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(env, "新建双向派单", "新建", parent)
        self.result_row: HandoverRow | None = None
        self.number = QLineEdit(demand_number, placeholderText="诉求的受理编号")
        self.direction = enum_combo(list(HandoverDirection))
        self.unit = QComboBox()
        self.unit.addItem("（区级转来的函件无需选择）", None)
        for agency in agencies:
            self.unit.addItem(agency.name, agency.id)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("街道无法承担时必填：为何移交、已做的工作")
        self.reason.setFixedHeight(72)
        form = QFormLayout()
        form.addRow("受理编号 *", self.number)
        form.addRow("派单方向 *", self.direction)
        form.addRow("接收单位", self.unit)
        form.addRow("说明/理由", self.reason)
        self.body.addLayout(form)
        self.body.addWidget(hint_label(
            "街道发现的区级事项：当天报告，3个工作日内正式交接（案件移送书及送达回证）；"
            "区级转来的函件：街道办理后在诉求期限内回告。"))
        self.number.setFocus()

    def field_widget(self, field: str) -> QWidget | None:
        return {"受理编号": self.number, "接收单位": self.unit,
                "移交理由": self.reason}.get(field)

    async def submit(self) -> None:
        tasks, context = self.env.tasks, self.env.context
        demand_id, _title = await tasks.db(handovers.find_demand, context.uow(),
                                           self.number.text())
        direction = self.direction.value()
        self.result_row = await tasks.db(
            lambda: handovers.open_handover(
                context.uow(), actor=context.actor, demand_id=demand_id, direction=direction,
                receiving_unit_id=self.unit.currentData(),
                reason=self.reason.toPlainText()))


class HandoverStepDialog(FormDialog):
    """One step of a handover, with when it happened (default now: clerks often record a
    handover after the fact) and an optional note."""

    def __init__(self, env: UiEnv, row: HandoverRow, step: HandoverStep,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, f"{step.label} — {row.demand_number}", step.label, parent)
        self.row, self.step = row, step
        self.result_row: HandoverRow | None = None
        self.moment = QDateTimeEdit(QDateTime.currentDateTime())
        self.moment.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.moment.setCalendarPopup(True)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(STEP_HINTS.get(step, "选填"))
        self.note.setFixedHeight(64)
        form = QFormLayout()
        form.addRow("诉求", QLabel(f"{row.demand_number}　{row.demand_title}"))
        form.addRow("时间 *", self.moment)
        form.addRow("说明", self.note)
        self.body.addLayout(form)

    async def submit(self) -> None:
        context = self.env.context
        at = self.moment.dateTime().toPython()
        self.result_row = await self.env.tasks.db(
            lambda: handovers.advance_handover(
                context.uow(), actor=context.actor, handover_id=self.row.id,
                expected_version=self.row.version, step=self.step,
                note=self.note.toPlainText(), at=at))


STEP_HINTS = {
    HandoverStep.REPORT: "如：已电话报告区城管执法局值班室（联系人、电话）",
    HandoverStep.HAND_OVER: "如：案件移送书及材料已送达，送达方式",
    HandoverStep.RECEIPT: "如：送达回证已签收，签收人",
    HandoverStep.REPORT_BACK: "回告的办理结果",
    HandoverStep.CANCEL: "撤销的原因",
}
