"""The small forms of the closed loop's actions, one per kind of input: a note (退单
理由, 处置结果, 督办意见…), the routing (研判 and 派遣: level, list item, lead and
cooperating units proposed by the item), a rating, the demand a duplicate joins, an
extension request and the director's decision.

Each OK calls the service on the database thread with the version the detail showed.
A refusal keeps the dialog open with the message under the form. When someone else
acted on the demand meanwhile (``ConflictError``) the dialog closes with ``stale`` set:
the page says so and reloads the demand, since re-submitting the same form would only
be refused again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from desktop.domain.demand_states import (
    NEEDS_NOTE,
    DemandAction,
    HandlingLevel,
    Rating,
    note_name,
)
from desktop.domain.errors import ConflictError
from desktop.services.demand_desk import DeskChoices
from desktop.services.demand_flow import Routing
from desktop.services.demand_rows import DemandDetail
from ui.dialogs.form_dialog import FormDialog
from ui.env import UiEnv

A = DemandAction
Submit = Callable[["ActionDialog"], Awaitable[Any]]


class ActionDialog(FormDialog):
    """A form for one action on one demand; ``submit_with(dialog)`` calls the service."""

    def __init__(self, env: UiEnv, detail: DemandDetail, action: DemandAction,
                 submit_with: Submit, parent: QWidget | None = None) -> None:
        demand = detail.demand
        super().__init__(env, f"{action.label} · {demand.number}", action.label, parent)
        self.detail, self.action, self._submit_with = detail, action, submit_with
        self.stale: ConflictError | None = None
        self.result_row: Any = None
        heading = QLabel(f"{demand.number}「{demand.title}」 当前：{demand.status.label}")
        heading.setWordWrap(True)
        heading.setStyleSheet("color: #5f6b78;")
        self.body.addWidget(heading)
        self.form = QFormLayout()
        self.body.addLayout(self.form)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(72)

    def add_note(self, label: str | None = None, placeholder: str = "") -> None:
        required = self.action in NEEDS_NOTE
        name = label or note_name(self.action)
        self.note.setPlaceholderText(placeholder or ("必填" if required else "选填"))
        self.form.addRow(f"{name}{'*' if required else ''}：", self.note)

    def note_text(self) -> str:
        return self.note.toPlainText().strip()

    def field_widget(self, field: str) -> QWidget | None:
        return self.note if field in (note_name(self.action), "说明") else None

    async def submit(self) -> None:
        try:
            self.result_row = await self._submit_with(self)
        except ConflictError as error:
            self.stale = error
            self.reject()


class NoteDialog(ActionDialog):
    """An action whose only input is its note (and, for 处置反馈, evidence files)."""

    def __init__(self, env: UiEnv, detail: DemandDetail, action: DemandAction,
                 submit_with: Submit, parent: QWidget | None = None) -> None:
        super().__init__(env, detail, action, submit_with, parent)
        self.files: list[Path] = []
        self.satisfied = QComboBox()
        if action is A.CALLBACK:
            for text, value in (("未表态", None), ("满意", True), ("不满意", False)):
                self.satisfied.addItem(text, value)
            self.form.addRow("群众意见：", self.satisfied)
        self.add_note()
        if action is A.REPORT:
            self.files_label = QLabel("未选择")
            self.files_button = QPushButton("添加照片或文件…")
            self.files_button.clicked.connect(self._pick_files)
            row = QHBoxLayout()
            row.addWidget(self.files_button)
            row.addWidget(self.files_label, 1)
            self.form.addRow("佐证材料：", row)
        self.note.setFocus()

    def ask_files(self) -> list[str]:  # tests replace it
        from PySide6.QtWidgets import QFileDialog

        paths, _chosen = QFileDialog.getOpenFileNames(self, "选择佐证材料", "",
                                                      "照片和文档 (*.jpg *.jpeg *.png *.pdf "
                                                      "*.doc *.docx *.xlsx);;所有文件 (*)")
        return paths

    def _pick_files(self) -> None:
        self.files = [Path(p) for p in self.ask_files()]
        self.files_label.setText("、".join(p.name for p in self.files) or "未选择")


class RateDialog(ActionDialog):
    def __init__(self, env: UiEnv, detail: DemandDetail, submit_with: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, detail, A.RATE, submit_with, parent)
        self.group = QButtonGroup(self)
        row = QHBoxLayout()
        self.buttons_by_rating: dict[Rating, QRadioButton] = {}
        for rating in Rating:
            button = QRadioButton(rating.label)
            self.group.addButton(button)
            self.buttons_by_rating[rating] = button
            row.addWidget(button)
        row.addStretch(1)
        self.buttons_by_rating[Rating.SATISFIED].setChecked(True)
        self.form.addRow("诉求人评价*：", row)
        self.add_note("评价说明")

    def rating(self) -> Rating:
        return next(r for r, b in self.buttons_by_rating.items() if b.isChecked())


class MergeDialog(ActionDialog):
    """合并: the 受理编号 of the demand this one repeats (suggestions listed)."""

    def __init__(self, env: UiEnv, detail: DemandDetail, submit_with: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, detail, A.MERGE, submit_with, parent)
        self.master = QLineEdit()
        self.master.setPlaceholderText("例如 20260914-0003")
        self.suggestions = QListWidget()
        self.suggestions.setFixedHeight(110)
        self.suggestions.currentItemChanged.connect(self._on_pick)
        self.form.addRow("并入诉求（受理编号）*：", self.master)
        self.form.addRow("可能重复的诉求：", self.suggestions)
        self.add_note("合并说明")

    def show_suggestions(self, suggestions: list[Any]) -> None:
        self.suggestions.clear()
        for suggestion in suggestions:
            item = QListWidgetItem(suggestion.text)
            item.setData(Qt.ItemDataRole.UserRole, suggestion.number)
            self.suggestions.addItem(item)
        if not suggestions:
            self.suggestions.addItem("（近 30 天没有发现相似的诉求）")

    def _on_pick(self, item: QListWidgetItem | None, _previous: object) -> None:
        number = item.data(Qt.ItemDataRole.UserRole) if item else None
        if number:
            self.master.setText(number)

    def field_widget(self, field: str) -> QWidget | None:
        return self.master if field == "并入诉求" else super().field_widget(field)


class ExtensionRequestDialog(ActionDialog):
    def __init__(self, env: UiEnv, detail: DemandDetail, submit_with: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, detail, A.REQUEST_EXTENSION, submit_with, parent)
        self.workdays = QSpinBox()
        self.workdays.setRange(1, 30)
        self.workdays.setValue(3)
        self.workdays.setSuffix(" 个工作日")
        self.form.addRow("延期天数*：", self.workdays)
        self.form.addRow("现办理期限：", QLabel(detail.demand.deadline_text))
        self.add_note("延期理由*", "必填：说明需要延期的原因（由执法办主任审批）")

    def field_widget(self, field: str) -> QWidget | None:
        return {"延期天数": self.workdays, "延期理由": self.note}.get(field)


class ExtensionDecisionDialog(ActionDialog):
    def __init__(self, env: UiEnv, detail: DemandDetail, submit_with: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, detail, A.DECIDE_EXTENSION, submit_with, parent)
        pending = detail.pending_extension
        text = (f"{pending.requested_by} 于 {pending.requested_at:%Y-%m-%d %H:%M} 申请延期 "
                f"{pending.workdays} 个工作日：{pending.reason}") if pending else "没有待审批的延期申请"
        request = QLabel(text)
        request.setWordWrap(True)
        self.form.addRow("延期申请：", request)
        self.approve = QRadioButton("批准")
        self.refuse = QRadioButton("不批准")
        self.approve.setChecked(True)
        row = QHBoxLayout()
        row.addWidget(self.approve)
        row.addWidget(self.refuse)
        row.addStretch(1)
        self.form.addRow("审批结果*：", row)
        self.add_note("审批意见", "不批准时必填")

    def field_widget(self, field: str) -> QWidget | None:
        return self.note if field == "审批意见" else None


class RoutingDialog(ActionDialog):
    """研判 and 派遣: the level, the list item (which proposes the lead and cooperating
    units), the lead and the cooperating units, the category."""

    def __init__(self, env: UiEnv, detail: DemandDetail, action: DemandAction,
                 choices: DeskChoices, submit_with: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, detail, action, submit_with, parent)
        self.setMinimumWidth(560)
        demand = detail.demand
        self.choices = choices
        self.level = QComboBox()
        for level in HandlingLevel:
            self.level.addItem(level.label, level)
        self.level.setCurrentIndex(max(0, self.level.findData(demand.handling_level)))
        self.item = _combo([(row.label, row.id) for row in choices.items], "（不选清单事项）")
        self.item.setCurrentIndex(max(0, self.item.findData(demand.responsibility_item_id)))
        self.category = _combo([(c.path, c.id) for c in choices.categories if c.is_leaf],
                               "（不改分类）")
        self.category.setCurrentIndex(max(0, self.category.findData(demand.category_id)))
        self.lead = _combo([(u.name, u.id) for u in choices.units], "（社区/网格自行处置）")
        lead_id = demand.lead_unit.id if demand.lead_unit else None
        self.lead.setCurrentIndex(max(0, self.lead.findData(lead_id)))
        self.helpers = QListWidget()
        self.helpers.setFixedHeight(120)
        chosen = {u.id for u in detail.cooperating_units}
        for unit in choices.units:
            entry = QListWidgetItem(unit.name)
            entry.setData(Qt.ItemDataRole.UserRole, unit.id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if unit.id in chosen
                                else Qt.CheckState.Unchecked)
            self.helpers.addItem(entry)
        self.proposal_label = QLabel("")
        self.proposal_label.setWordWrap(True)
        self.proposal_label.setStyleSheet("color: #2e5a88;")
        self.form.addRow("清单事项：", self.item)
        self.form.addRow("", self.proposal_label)
        self.form.addRow("处置层级*：", self.level)
        self.form.addRow("主责单位：", self.lead)
        self.form.addRow("配合单位：", self.helpers)
        self.form.addRow("诉求分类：", self.category)
        self.add_note("研判意见" if action is A.TRIAGE else "派遣说明")
        self.original = self.routing()

    def apply_proposal(self, routing: Routing, text: str) -> None:
        """The item's proposal, which the operator may change."""
        self.level.setCurrentIndex(max(0, self.level.findData(routing.handling_level)))
        self.lead.setCurrentIndex(max(0, self.lead.findData(routing.lead_unit_id)))
        wanted = set(routing.cooperating_unit_ids)
        for row in range(self.helpers.count()):
            entry = self.helpers.item(row)
            entry.setCheckState(Qt.CheckState.Checked if entry.data(Qt.ItemDataRole.UserRole)
                                in wanted else Qt.CheckState.Unchecked)
        self.proposal_label.setText(text)

    def set_helper(self, name: str, checked: bool) -> None:
        for row in range(self.helpers.count()):
            entry = self.helpers.item(row)
            if entry.text() == name:
                entry.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def routing(self) -> Routing:
        helpers = tuple(self.helpers.item(r).data(Qt.ItemDataRole.UserRole)
                        for r in range(self.helpers.count())
                        if self.helpers.item(r).checkState() == Qt.CheckState.Checked)
        return Routing(self.level.currentData(), self.lead.currentData(), helpers,
                       self.category.currentData(), self.item.currentData())

    def changed_routing(self) -> bool:
        return self.routing() != self.original

    def field_widget(self, field: str) -> QWidget | None:
        return {"主责单位": self.lead, "承办单位": self.lead, "配合单位": self.helpers,
                "诉求分类": self.category, "清单事项": self.item}.get(field)


def _combo(entries: list[tuple[str, Any]], empty: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(empty, None)
    for text, value in entries:
        combo.addItem(text, value)
    combo.setMaxVisibleItems(20)
    return combo
