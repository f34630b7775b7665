"""The planning form of a joint action (联合执法行动): what, why, who leads, where, when
and which forces it needs. Participants are picked in their own dialog.

Left column: the action itself (name, type, domain, trigger and the demands behind
it, time window, deadline, content). Right column: the responsibility item (choosing
one proposes the lead and cooperating units from the list: 清单之外无协同), the units,
places and grids, the forces needed per unit or domain, and vehicles/equipment. The
service validates; its refusal shows under the form with the field marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.action_states import ActionTrigger, ActionType
from desktop.domain.roster import EnforcementDomain
from desktop.services.demand_lists import DemandFilter, list_demands
from desktop.services.grids import GridRow
from desktop.services.joint_actions import (
    ActionDetail,
    ActionPlanInput,
    NeedInput,
    create_action,
    propose_units,
    update_action,
)
from desktop.services.responsibilities import ItemRow
from desktop.services.units import UnitRow
from ui.dialogs.form_dialog import FormDialog
from ui.env import UiEnv
from ui.tasks import slot

ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class FormChoices:
    """What the form offers, loaded once by the page."""

    units: list[UnitRow]
    grids: list[GridRow]
    items: list[ItemRow]


def checkable_list(rows: list[tuple[str, str]], checked: set[str], height: int = 96) -> QListWidget:
    widget = QListWidget()
    for key, text in rows:
        item = QListWidgetItem(text)
        item.setData(ID_ROLE, key)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setFixedHeight(height)
    return widget


def checked_ids(widget: QListWidget) -> list[str]:
    return [str(widget.item(n).data(ID_ROLE)) for n in range(widget.count())
            if widget.item(n).checkState() == Qt.CheckState.Checked]


def _combo(rows: list[tuple[object, str]]) -> QComboBox:
    """A combo box of (value, text); note Qt hands enum values back as plain str."""
    combo = QComboBox()
    for value, text in rows:
        combo.addItem(text, value)
    return combo


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


class ActionFormDialog(FormDialog):
    def __init__(self, env: UiEnv, choices: FormChoices, *, detail: ActionDetail | None = None,
                 day: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(env, "修改联合执法行动" if detail else "新建联合执法行动", parent=parent)
        self.choices, self.detail = choices, detail
        self.result_detail: ActionDetail | None = None
        self.setMinimumSize(1060, 640)
        columns = QHBoxLayout()
        columns.addLayout(self._left(detail, day or date.today()), 1)
        columns.addLayout(self._right(detail), 1)
        self.body.addLayout(columns)

    # --- building ------------------------------------------------------------------------
    def _left(self, detail: ActionDetail | None, day: date) -> QFormLayout:
        form = QFormLayout()
        self.title = QLineEdit(detail.row.title if detail else "")
        self.title.setPlaceholderText("如：五一大道占道经营专项整治")
        self.action_type = _combo([(t, t.label) for t in ActionType])
        self.domain = _combo([(d, d.label) for d in EnforcementDomain])
        self.trigger = _combo([(t, t.label) for t in ActionTrigger])
        self.demand_search = QLineEdit()
        self.demand_search.setPlaceholderText("输入受理编号或关键词，回车查找诉求")
        self.demand_search.returnPressed.connect(self._find_demands)
        linked = [(d.demand_id, f"{d.number} {d.title}") for d in detail.demands] if detail else []
        self.demands = checkable_list(linked, {k for k, _ in linked}, 88)
        start = detail.row.starts_at if detail else datetime.combine(day, datetime.min.time()) \
            + timedelta(hours=9)
        end = detail.row.ends_at if detail else start + timedelta(hours=3)
        self.starts_at = self._datetime(start)
        self.ends_at = self._datetime(end)
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setSpecialValueText("不设时限")
        self.deadline.setMinimumDate(QDate(2000, 1, 1))
        self.deadline.setDate(QDate(detail.deadline) if detail and detail.deadline
                              else self.deadline.minimumDate())
        self.content = QPlainTextEdit(detail.content if detail else "")
        self.content.setPlaceholderText("行动目标、检查重点、分工等")
        self.content.setFixedHeight(90)
        _select(self.trigger, detail.trigger if detail else ActionTrigger.PLAN)
        if detail:
            _select(self.action_type, detail.row.action_type)
            _select(self.domain, detail.row.domain)
        for label, widget in (("行动名称", self.title), ("行动类型", self.action_type),
                              ("执法领域", self.domain), ("触发来源", self.trigger),
                              ("查找诉求", self.demand_search), ("触发诉求", self.demands),
                              ("开始时间", self.starts_at), ("结束时间", self.ends_at),
                              ("完成时限", self.deadline), ("行动内容", self.content)):
            form.addRow(label, widget)
        return form

    @staticmethod
    def _datetime(moment: datetime) -> QDateTimeEdit:
        edit = QDateTimeEdit(QDateTime(QDate(moment.date()), QTime(moment.hour, moment.minute)))
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setCalendarPopup(True)
        return edit

    def _right(self, detail: ActionDetail | None) -> QVBoxLayout:
        column = QVBoxLayout()
        form = QFormLayout()
        self.item = _combo([(None, "（不按事项清单）")] + [
            (i.id, f"{i.code} {i.name}") for i in self.choices.items])
        self.item.setMaximumWidth(480)
        if detail and detail.responsibility_item_id:
            _select(self.item, detail.responsibility_item_id)
        self.item.currentIndexChanged.connect(self._on_item)
        units = [(u.id, u.name) for u in self.choices.units if not u.retired]
        self.lead = _combo([(None, "（由事项清单确定）"), *units])
        if detail and detail.lead_unit_id:
            _select(self.lead, detail.lead_unit_id)
        cooperating = {u.unit_id for u in detail.units if u.role.value == "cooperating"} \
            if detail else set()
        self.cooperating = checkable_list(units, cooperating, 96)
        self.places = QLineEdit(detail.places if detail else "")
        self.places.setPlaceholderText("地址、路段或场所")
        grids = {g for g, _name in detail.grids} if detail else set()
        self.grids = checkable_list([(g.id, f"{g.community_name} {g.name}")
                                     for g in self.choices.grids], grids, 80)
        self.equipment = QLineEdit(detail.equipment if detail else "")
        self.equipment.setPlaceholderText("如：执法车2辆、执法记录仪4台")
        self.min_certified = QSpinBox()
        self.min_certified.setRange(2, 50)
        self.min_certified.setValue(detail.min_certified if detail else 2)
        self.min_certified.setSuffix(" 人")
        for label, widget in (("事项清单", self.item), ("主责单位", self.lead),
                              ("配合单位", self.cooperating), ("行动地点", self.places),
                              ("涉及网格", self.grids), ("持证执法人员至少", self.min_certified),
                              ("车辆装备", self.equipment)):
            form.addRow(label, widget)
        column.addLayout(form)
        column.addWidget(self._needs_box(detail))
        return column

    def _needs_box(self, detail: ActionDetail | None) -> QGroupBox:
        box = QGroupBox("力量需求（按单位或执法领域）")
        self.needs = QTableWidget(0, 4)
        self.needs.setHorizontalHeaderLabels(["单位", "执法领域", "人数", "其中持证"])
        self.needs.verticalHeader().setVisible(False)
        self.needs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.needs.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.needs.setColumnWidth(1, 140)
        self.needs.setColumnWidth(2, 70)
        self.needs.setColumnWidth(3, 80)
        self.needs.setFixedHeight(132)
        for need in detail.needs if detail else ():
            self.add_need(need.unit_id, need.domain, need.count, need.certified)
        add, remove = QPushButton("增加一行"), QPushButton("删除所选")
        add.clicked.connect(lambda: self.add_need(None, None, 2, 0))
        remove.clicked.connect(lambda: self.needs.removeRow(self.needs.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.needs)
        layout.addLayout(buttons)
        return box

    def add_need(self, unit_id: str | None, domain: EnforcementDomain | None, count: int,
                 certified: int) -> None:
        row = self.needs.rowCount()
        self.needs.insertRow(row)
        unit = _combo([(None, "不限单位")] + [(u.id, u.name) for u in self.choices.units
                                              if not u.retired])
        _select(unit, unit_id)
        field = _combo([(None, "同行动领域")] + [(d, d.label) for d in EnforcementDomain])
        _select(field, domain)
        people, holders = QSpinBox(), QSpinBox()
        people.setRange(1, 99)
        people.setValue(count)
        holders.setRange(0, 99)
        holders.setValue(certified)
        for column, widget in enumerate((unit, field, people, holders)):
            self.needs.setCellWidget(row, column, widget)

    # --- behaviour -----------------------------------------------------------------------
    @slot(lambda dialog: dialog.env.tasks)
    async def _on_item(self, _index: int) -> None:
        item_id = self.item.currentData()
        if not item_id:
            return
        proposal = await self.env.tasks.db(propose_units, self.env.context.uow(),
                                           responsibility_item_id=item_id)
        if proposal.lead_unit_id:
            _select(self.lead, proposal.lead_unit_id)
        wanted = set(proposal.cooperating_unit_ids)
        for n in range(self.cooperating.count()):
            entry = self.cooperating.item(n)
            entry.setCheckState(Qt.CheckState.Checked if entry.data(ID_ROLE) in wanted
                                else Qt.CheckState.Unchecked)

    @slot(lambda dialog: dialog.env.tasks)
    async def _find_demands(self) -> None:
        text = self.demand_search.text().strip()
        if not text:
            return
        page = await self.env.tasks.db(list_demands, self.env.context.uow(),
                                       filter=DemandFilter(text=text), page_size=20,
                                       with_total=False)
        have = {self.demands.item(n).data(ID_ROLE) for n in range(self.demands.count())}
        for row in page.rows:
            if row.id not in have:
                item = QListWidgetItem(f"{row.number} {row.title}")
                item.setData(ID_ROLE, row.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.demands.addItem(item)

    def _needs(self) -> tuple[NeedInput, ...]:
        found = []
        for row in range(self.needs.rowCount()):
            unit, field, people, holders = (self.needs.cellWidget(row, c) for c in range(4))
            domain = field.currentData()  # type: ignore[union-attr]
            found.append(NeedInput(unit.currentData(),  # type: ignore[union-attr]
                                   EnforcementDomain(domain) if domain else None,
                                   people.value(), holders.value()))  # type: ignore[union-attr]
        return tuple(found)

    def data(self) -> ActionPlanInput:
        deadline = None if self.deadline.date() == self.deadline.minimumDate() \
            else self.deadline.date().toPython()
        return ActionPlanInput(
            title=self.title.text(), action_type=ActionType(self.action_type.currentData()),
            domain=EnforcementDomain(self.domain.currentData()),
            starts_at=self.starts_at.dateTime().toPython(),
            ends_at=self.ends_at.dateTime().toPython(),
            trigger=ActionTrigger(self.trigger.currentData()),
            demand_ids=tuple(checked_ids(self.demands)),
            responsibility_item_id=self.item.currentData(), lead_unit_id=self.lead.currentData(),
            cooperating_unit_ids=tuple(checked_ids(self.cooperating)),
            content=self.content.toPlainText(), deadline=deadline, places=self.places.text(),
            grid_ids=tuple(checked_ids(self.grids)), equipment=self.equipment.text(),
            needs=self._needs(), min_certified=self.min_certified.value())

    async def submit(self) -> None:
        data, context = self.data(), self.env.context
        if self.detail is None:
            self.result_detail = await self.env.tasks.db(create_action, context.uow(),
                                                         actor=context.actor, data=data)
        else:
            self.result_detail = await self.env.tasks.db(
                update_action, context.uow(), actor=context.actor, action_id=self.detail.id,
                expected_version=self.detail.version, data=data)

    def field_widget(self, field: str) -> QWidget | None:
        return {"行动名称": self.title, "结束时间": self.ends_at, "完成时限": self.deadline,
                "持证人数": self.min_certified, "触发诉求": self.demands,
                "力量需求": self.needs, "责任单位": self.lead}.get(field)
