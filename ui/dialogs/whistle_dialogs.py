"""The 吹哨 dialogs: calling a whistle (pick a demand or write a free title, the kind,
the list item → the proposed units and 应哨人, all editable), recording a unit's 报到,
its answer (or a 攻坚哨's solution), the street's evaluation, and closing.

Every dialog calls the core service on OK and stays open on a refusal, the Chinese
message under the form (``FormDialog``); ``result`` holds the whistle's fresh detail.
Keyboard: every field is reachable with Tab, OK is the default button, Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.domain.whistles import KIND_HINTS, WhistleEvaluation, WhistleKind
from desktop.services.whistles import (
    TargetInput,
    TargetRow,
    WhistleChoices,
    WhistleDetail,
    WhistleInput,
    WhistleProposal,
    call_whistle,
    close_whistle,
    evaluate_target,
    propose_targets,
    record_arrival,
    record_response,
    record_solution,
)
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.grid_dialog import enum_combo
from ui.dialogs.staff_dialog import hint_label
from ui.env import UiEnv

UNIT_ROLE = Qt.ItemDataRole.UserRole


def _text_box(placeholder: str, height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field
    box.setFixedHeight(height)
    return box


class CallWhistleDialog(FormDialog):
    """吹哨: the units come from the list item (清单之外无协同), the 应哨人 from the unit
    directory; a unit the item does not name may be added but counts as 乱吹哨."""

    def __init__(self, env: UiEnv, choices: WhistleChoices, parent: QWidget | None = None) -> None:
        super().__init__(env, "吹哨", "吹哨", parent)
        self.setMinimumWidth(720)
        self.choices = choices
        self.result: WhistleDetail | None = None
        self.proposal: WhistleProposal | None = None  # the one the table shows
        self._generation = 0
        self.kind = enum_combo(list(WhistleKind))
        self.kind_hint = hint_label("")
        self.demand = QComboBox()
        self.demand.addItem("（不关联诉求，直接填写事由）", None)
        for choice in choices.demands:
            self.demand.addItem(choice.label, choice.id)
        self.title = QLineEdit(placeholderText="关联诉求时可留空（取诉求标题）")
        self.title.setMaxLength(200)
        self.content = _text_box("需要部门解决的问题；关联诉求时可留空（取诉求内容）")
        self.community = QComboBox()
        self.community.addItem("（按诉求所在网格）", None)
        for choice in choices.communities:
            self.community.addItem(choice.label, choice.id)
        self.item = QComboBox()
        self.item.addItem("（未选择清单事项）", None)
        for choice in choices.items:
            self.item.addItem(choice.label, choice.id)
        self.targets = self._targets_table()
        self.add_unit = QComboBox()
        for choice in choices.units:
            self.add_unit.addItem(choice.label, choice.id)
        self.add_button = QPushButton("添加单位")
        self.remove_button = QPushButton("删除所选单位")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)  # Enter in a field calls the whistle, as OK says
        self.proposal_note = hint_label("")
        self._lay_out()
        self._connect()
        self._show_hint()
        self.demand.setFocus()

    def _targets_table(self) -> QTableWidget:
        table = QTableWidget(0, 3)
        table.setHorizontalHeaderLabels(["应哨单位", "应哨人（可修改）", "清单依据"])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        table.setMinimumHeight(130)
        return table

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("关联诉求", self.demand)
        form.addRow("吹哨类型 *", self.kind)
        form.addRow("", self.kind_hint)
        form.addRow("事由", self.title)
        form.addRow("情况说明", self.content)
        form.addRow("社区/村", self.community)
        form.addRow("清单事项", self.item)
        self.body.addLayout(form)
        self.body.addWidget(QLabel("应哨单位（按清单事项建议，可增删；应哨人取单位名录中该社区的应哨人）"))
        self.body.addWidget(self.targets)
        row = QHBoxLayout()
        row.addWidget(self.add_unit, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        self.body.addLayout(row)
        self.body.addWidget(self.proposal_note)

    def _connect(self) -> None:
        self.kind.currentIndexChanged.connect(self._on_change)
        self.demand.currentIndexChanged.connect(self._on_demand)
        self.item.currentIndexChanged.connect(self._on_change)
        self.community.currentIndexChanged.connect(self._on_change)
        self.add_button.clicked.connect(self._add_chosen)
        self.remove_button.clicked.connect(self._remove_selected)

    def _show_hint(self) -> None:
        self.kind_hint.setText(KIND_HINTS[self.kind.value()])

    def _on_demand(self, _index: int) -> None:
        demand = next((d for d in self.choices.demands if d.id == self.demand.currentData()), None)
        if demand is not None and demand.item_id and self.item.findData(demand.item_id) >= 0:
            self.item.blockSignals(True)
            self.item.setCurrentIndex(self.item.findData(demand.item_id))
            self.item.blockSignals(False)
        self._on_change()

    def _on_change(self, *_args: object) -> None:
        self._show_hint()
        self.env.tasks.spawn(self.propose())

    async def propose(self) -> None:
        """Ask the core for the units and 应哨人 and fill the table with them."""
        self._generation += 1
        generation = self._generation
        proposal: WhistleProposal = await self.env.tasks.db(
            propose_targets, self.env.context.uow(), kind=self.kind.value(),
            responsibility_item_id=self.item.currentData(), demand_id=self.demand.currentData(),
            community_id=self.community.currentData())
        if generation != self._generation:
            return
        self.targets.setRowCount(0)
        for target in proposal.targets:
            self._add_row(target.unit_id, target.unit_name, target.responder, target.role)
        self.proposal_note.setText(proposal.note)
        self.proposal = proposal

    def _add_row(self, unit_id: str, name: str, responder: str, role: str) -> None:
        row = self.targets.rowCount()
        self.targets.insertRow(row)
        unit = QTableWidgetItem(name)
        unit.setData(UNIT_ROLE, unit_id)
        unit.setFlags(unit.flags() & ~Qt.ItemFlag.ItemIsEditable)
        basis = QTableWidgetItem(role)
        basis.setFlags(basis.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.targets.setItem(row, 0, unit)
        self.targets.setItem(row, 1, QTableWidgetItem(responder))
        self.targets.setItem(row, 2, basis)

    def _add_chosen(self) -> None:
        unit_id = self.add_unit.currentData()
        if unit_id is None or unit_id in self.unit_ids():
            return
        self._add_row(unit_id, self.add_unit.currentText(), "", "手动添加（清单未列明的计为乱吹哨）")

    def _remove_selected(self) -> None:
        for index in sorted({i.row() for i in self.targets.selectedIndexes()}, reverse=True):
            self.targets.removeRow(index)

    def unit_ids(self) -> list[str]:
        return [self.targets.item(r, 0).data(UNIT_ROLE) for r in range(self.targets.rowCount())]

    def whistle_input(self) -> WhistleInput:
        targets = tuple(TargetInput(self.targets.item(r, 0).data(UNIT_ROLE),
                                    (self.targets.item(r, 1).text() if self.targets.item(r, 1)
                                     else "")) for r in range(self.targets.rowCount()))
        return WhistleInput(self.kind.value(), self.title.text(), self.content.toPlainText(),
                            targets, demand_id=self.demand.currentData(),
                            community_id=self.community.currentData(),
                            responsibility_item_id=self.item.currentData())

    async def submit(self) -> None:
        context = self.env.context
        self.result = await self.env.tasks.db(call_whistle, context.uow(), actor=context.actor,
                                              data=self.whistle_input())

    def field_widget(self, field: str) -> QWidget | None:
        return {"事由": self.title, "情况说明": self.content, "应哨单位": self.targets,
                "应哨人": self.targets, "清单事项": self.item, "社区/村": self.community}.get(field)


class TargetDialog(FormDialog):
    """A dialog about one unit of a whistle: the unit is chosen first."""

    def __init__(self, env: UiEnv, title: str, ok_text: str, detail: WhistleDetail,
                 targets: list[TargetRow], chosen: str | None, parent: QWidget | None) -> None:
        super().__init__(env, f"{title} — {detail.whistle.number}", ok_text, parent)
        self.detail = detail
        self.result: WhistleDetail | None = None
        self.unit = QComboBox()
        for target in targets:
            self.unit.addItem(f"{target.unit_name}（{target.responder or '未指定应哨人'}）", target.id)
        if chosen is not None and self.unit.findData(chosen) >= 0:
            self.unit.setCurrentIndex(self.unit.findData(chosen))
        self.form = QFormLayout()
        self.form.addRow("事由", QLabel(detail.whistle.title))
        self.form.addRow("应哨单位 *", self.unit)
        self.body.addLayout(self.form)

    def keys(self) -> dict[str, object]:
        whistle = self.detail.whistle
        return {"actor": self.env.context.actor, "whistle_id": whistle.id,
                "target_id": self.unit.currentData(), "expected_version": whistle.version}


def _now_edit() -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime.currentDateTime())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    return edit


class ArrivalDialog(TargetDialog):
    """记录报到: when the unit's responder arrived, and who came if not the named one."""

    def __init__(self, env: UiEnv, detail: WhistleDetail, chosen: str | None = None,
                 parent: QWidget | None = None) -> None:
        waiting = [t for t in detail.targets if t.arrived_at is None]
        super().__init__(env, "记录报到", "记录报到", detail, waiting, chosen, parent)
        self.when = _now_edit()
        self._shown = self.when.dateTime()
        self.arrived_by = QLineEdit(placeholderText="与应哨人不同时填写实际到场人员")
        self.arrived_by.setMaxLength(40)
        self.form.addRow("报到时间 *", self.when)
        self.form.addRow("报到人", self.arrived_by)
        self.body.addWidget(hint_label(f"报到时限：{detail.arrival_rule}。逾期报到计入负面清单“不报到”。"))
        self.unit.setFocus()

    async def submit(self) -> None:
        chosen = self.when.dateTime()
        when = None if chosen == self._shown else chosen.toPython().replace(second=0, microsecond=0)
        self.result = await self.env.tasks.db(record_arrival, self.env.context.uow(),
                                              **self.keys(), arrived_at=when,
                                              arrived_by=self.arrived_by.text())

    def field_widget(self, field: str) -> QWidget | None:
        return {"报到时间": self.when}.get(field)


class ResponseDialog(TargetDialog):
    """记录答复/方案: the unit's answer and result; for a 攻坚哨 the 总应哨人's solution."""

    def __init__(self, env: UiEnv, detail: WhistleDetail, chosen: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, "记录答复/方案", "保存", detail, list(detail.targets), chosen, parent)
        self.response = _text_box("部门的答复意见（如：已到场，三日内完成整改）")
        self.outcome = _text_box("处置结果（已知时填写）", 50)
        self.solution = QCheckBox("这是总应哨人提出的解决措施（攻坚哨，5 个工作日内）")
        self.solution.setVisible(detail.whistle.kind is WhistleKind.HARD)
        self.form.addRow("答复意见 *", self.response)
        self.form.addRow("处置结果", self.outcome)
        self.form.addRow("", self.solution)
        self.unit.setFocus()

    async def submit(self) -> None:
        uow = self.env.context.uow()
        if self.solution.isChecked():
            self.result = await self.env.tasks.db(record_solution, uow, **self.keys(),
                                                  solution=self.response.toPlainText())
            return
        self.result = await self.env.tasks.db(record_response, uow, **self.keys(),
                                              response=self.response.toPlainText(),
                                              outcome=self.outcome.toPlainText())

    def field_widget(self, field: str) -> QWidget | None:
        return {"答复意见": self.response, "解决措施": self.response,
                "处置结果": self.outcome}.get(field)


class EvaluateDialog(TargetDialog):
    """评价: the street's evaluation of the unit (街道考评部门)."""

    def __init__(self, env: UiEnv, detail: WhistleDetail, chosen: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, "评价应哨单位", "评价", detail, list(detail.targets), chosen, parent)
        self.evaluation = enum_combo(list(WhistleEvaluation))
        self.note = _text_box("评价为“不满意”时必须写明原因", 60)
        self.form.addRow("评价 *", self.evaluation)
        self.form.addRow("评价说明", self.note)
        self.body.addWidget(hint_label("评价意见将作为年底对区直部门绩效考核的依据（街道考评部门）。"))
        self.unit.setFocus()

    async def submit(self) -> None:
        self.result = await self.env.tasks.db(evaluate_target, self.env.context.uow(),
                                              **self.keys(), evaluation=self.evaluation.value(),
                                              note=self.note.toPlainText())

    def field_widget(self, field: str) -> QWidget | None:
        return {"评价说明": self.note}.get(field)


class CloseDialog(FormDialog):
    """结案 with how it ended."""

    def __init__(self, env: UiEnv, detail: WhistleDetail, parent: QWidget | None = None) -> None:
        super().__init__(env, f"结案 — {detail.whistle.number}", "结案", parent)
        self.detail = detail
        self.result: WhistleDetail | None = None
        self.note = _text_box("问题的解决情况")
        form = QFormLayout()
        form.addRow("事由", QLabel(detail.whistle.title))
        form.addRow("结案说明 *", self.note)
        self.body.addLayout(form)
        missing = [t.unit_name for t in detail.targets if t.arrived_at is None]
        if missing:
            self.body.addWidget(hint_label(f"尚未报到：{'、'.join(missing)}。结案后仍按结案时间计入"
                                           "负面清单“不报到”。"))
        self.note.setFocus()

    async def submit(self) -> None:
        whistle = self.detail.whistle
        self.result = await self.env.tasks.db(
            close_whistle, self.env.context.uow(), actor=self.env.context.actor,
            whistle_id=whistle.id, expected_version=whistle.version, note=self.note.toPlainText())

    def field_widget(self, field: str) -> QWidget | None:
        return {"结案说明": self.note}.get(field)


__all__ = ["ArrivalDialog", "CallWhistleDialog", "CloseDialog", "EvaluateDialog",
           "ResponseDialog"]
