"""Pick an action's participants from the roster, with what the law asks shown beside
each person: the domains of the certificates valid on the action's day, whether they
can be deployed that day and why not. The counter under the table says how many of
those picked hold a valid certificate for the action's domain (行政处罚法 §42 wants 2).

Saving goes through ``set_participants``; the page then shows the checks of the new
line-up (overlaps with other actions and the rest rule need the other actions, which
the service reads).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.domain.action_states import ParticipantRole
from desktop.domain.roster import Force
from desktop.services.joint_actions import ActionDetail, ParticipantInput, set_participants
from desktop.services.roster_rows import OfficerRow
from ui.dialogs.form_dialog import FormDialog
from ui.env import UiEnv

COLUMNS = ("姓名", "力量", "单位", "当日有效执法领域", "当日状态")
ID_ROLE = Qt.ItemDataRole.UserRole


class ParticipantsDialog(FormDialog):
    def __init__(self, env: UiEnv, detail: ActionDetail, officers: list[OfficerRow],
                 parent: QWidget | None = None) -> None:
        super().__init__(env, f"参加人员 — {detail.row.title}", parent=parent)
        self.detail, self.officers = detail, officers
        self.result_detail: ActionDetail | None = None
        self.setMinimumSize(900, 620)
        self.roles = {p.officer_id: p.role for p in detail.participants}
        chosen = {p.officer_id for p in detail.participants}
        self.search = QLineEdit()
        self.search.setPlaceholderText("按姓名或单位筛选")
        self.only_certified = QCheckBox(f"只看持{detail.row.domain.label}执法证的人员")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.only_certified)
        self.table = self._table(chosen)
        self.counter = QLabel()
        self.counter.setObjectName("participantCounter")
        self.body.addLayout(filters)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.counter)
        self.search.textChanged.connect(self._filter)
        self.only_certified.toggled.connect(self._filter)
        self.table.itemChanged.connect(self._count)
        self._count()

    def _table(self, chosen: set[str]) -> QTableWidget:
        table = QTableWidget(len(self.officers), len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        domain = self.detail.row.domain
        for row, officer in enumerate(self.officers):
            state = "可出勤" if officer.available_today else (officer.unavailable_reason_today
                                                          or "不可出勤")
            cells = (officer.name, officer.force.value, officer.unit_name,
                     "、".join(d.label for d in sorted(officer.domains_today)) or "无有效执法证",
                     state)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setData(ID_ROLE, officer.id)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if officer.id in chosen
                                       else Qt.CheckState.Unchecked)
                if column == 3 and domain in officer.domains_today:
                    item.setForeground(QColor("#1e7b34"))
                if column == 4 and not officer.available_today:
                    item.setForeground(QColor("#c0392b"))
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        return table

    def _filter(self) -> None:
        text = self.search.text().strip()
        domain = self.detail.row.domain
        for row, officer in enumerate(self.officers):
            hidden = bool(text) and text not in officer.name and text not in officer.unit_name
            hidden = hidden or (self.only_certified.isChecked()
                                and domain not in officer.domains_today)
            self.table.setRowHidden(row, hidden)

    def chosen_ids(self) -> list[str]:
        return [str(self.table.item(row, 0).data(ID_ROLE)) for row in range(self.table.rowCount())
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def check(self, officer_id: str, on: bool = True) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(ID_ROLE) == officer_id:
                self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if on
                                                      else Qt.CheckState.Unchecked)

    def _count(self, *_args: object) -> None:
        ids = set(self.chosen_ids())
        domain = self.detail.row.domain
        holders = sum(1 for o in self.officers if o.id in ids and domain in o.domains_today)
        away = [o.name for o in self.officers if o.id in ids and not o.available_today]
        text = (f"已选 {len(ids)} 人，其中持当日有效{domain.label}执法证 {holders} 人"
                f"（至少须 {self.detail.min_certified} 人）")
        if away:
            text += f"；当日不可出勤：{'、'.join(away)}"
        self.counter.setText(text)
        short = holders < self.detail.min_certified or away
        self.counter.setStyleSheet("color: #c0392b;" if short else "color: #1e7b34;")

    def _role(self, officer: OfficerRow) -> ParticipantRole:
        if officer.id in self.roles:
            return self.roles[officer.id]
        return ParticipantRole.SUPPORT if officer.force is Force.COOPERATING \
            else ParticipantRole.ENFORCER

    async def submit(self) -> None:
        by_id = {o.id: o for o in self.officers}
        chosen = [ParticipantInput(o, self._role(by_id[o]), fixed_by_hand=True)
                  for o in self.chosen_ids()]
        context = self.env.context
        self.result_detail = await self.env.tasks.db(
            set_participants, context.uow(), actor=context.actor, action_id=self.detail.id,
            expected_version=self.detail.version, participants=chosen)
