"""设置值班: the emergency-whistle duty officer (应急哨值班) of one day.

Everyone on the roll is listed (rows computed for that day, so ``available_today``
means available on ``day``), those available first; choosing one who is
on leave, 借调 or outside their 下沉 period is refused by the service with the reason,
shown under the form, so the user picks another without losing the dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.domain.errors import ValidationError
from desktop.domain.roster import OfficerStatus
from desktop.services.availability import DutyRow, set_duty
from desktop.services.roster_rows import OfficerRow
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.staff_dialog import hint_label
from ui.env import UiEnv
from ui.models.officer_list import FORCE_ORDER, day_text


class DutyDialog(FormDialog):
    def __init__(self, env: UiEnv, day: date, officers: Sequence[OfficerRow],
                 current: DutyRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(env, f"设置值班 — {day}", "保存", parent)
        self.day = day
        self.result_row: DutyRow | None = None
        self.officer = QComboBox()
        self.officer.setMaxVisibleItems(16)
        on_roll = sorted((o for o in officers if o.status is not OfficerStatus.LEFT),
                         key=lambda o: (not o.available_today, FORCE_ORDER[o.force], o.squad,
                                        o.name))
        for row in on_roll:
            note = "" if row.available_today else f" — 当日{row.unavailable_reason_today}"
            self.officer.addItem(f"{row.name}（{row.force.short}，{row.squad or row.unit_name or '—'}）"
                                 f"{note}", row.id)
        if current is not None and current.officer_id is not None:
            self.officer.setCurrentIndex(max(0, self.officer.findData(current.officer_id)))
        self.note = QLineEdit(current.note if current else "")
        self.note.setPlaceholderText("选填，如：带班领导、替班说明")
        form = QFormLayout()
        form.addRow("日期", QLabel(day_text(day)))
        form.addRow("现值班人员", QLabel(current.officer_name if current and current.officer_name
                                         else "（空缺）"))
        form.addRow("值班人员 *", self.officer)
        form.addRow("备注", self.note)
        self.body.addLayout(form)
        self.body.addWidget(hint_label(
            "当日可出勤的人员排在前面；请假、借调或不在下沉期内的人员不能排入值班。"))
        self.officer.setFocus()

    def choose(self, officer_id: str) -> None:
        self.officer.setCurrentIndex(self.officer.findData(officer_id))

    async def submit(self) -> None:
        officer_id = self.officer.currentData()
        if officer_id is None:
            raise ValidationError("值班人员", "请选择值班人员。")
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            set_duty, context.uow(), actor=context.actor, day=self.day, officer_id=officer_id,
            note=self.note.text())

    def field_widget(self, field: str) -> QWidget | None:
        return self.officer if field == "值班人员" else None
