"""The detail of one demand beside the list: every field (the reporter's phone masked,
revealed on request by a role that may), where it stands against its deadline, the
buttons of the actions its status allows (disabled, with the reason, for a role that
may not take them), the timeline (who, when, what, for every step) and the
attachments. Shows what the service returned; asks the page for everything else.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.actor import Role
from desktop.domain.demand_states import ACTION_PERMISSIONS, DeadlineState, DemandAction
from desktop.domain.permissions import Permission, allowed
from desktop.domain.permissions import denied_message as denied_tip
from desktop.domain.work_orders import WorkOrderState
from desktop.services.demand_rows import DemandDetail
from ui.models.demand_list_model import STATE_COLOURS

A = DemandAction
BUTTONS_PER_ROW = 5
FIELDS = ("受理编号", "区级工单号", "诉求类型", "诉求性质", "诉求来源", "紧急程度", "诉求分类", "诉求人",
          "联系电话", "地址", "所属网格", "处置层级", "主责单位", "配合单位", "受理时间", "办理期限",
          "期限规则", "结案时间", "评价", "重复件")
EMPTY_TEXT = "在左侧列表中选择一件诉求，查看详情和办理过程。"
NOT_DOWNLOADED = "尚未从区级平台下载"
DISTRICT_STYLE = "background: #e3edf9; color: #1f3b5c;"
RECALLED_STYLE = "background: #eceef1; color: #8a1f1f; font-weight: 600;"


def shown_actions(detail: DemandDetail) -> list[DemandAction]:
    """The actions the status allows, as buttons: a decision only when a request waits,
    a request only when none does."""
    pending = detail.pending_extension is not None
    actions = []
    for action in detail.actions:
        if action is A.DECIDE_EXTENSION and not pending:
            continue
        if action is A.REQUEST_EXTENSION and pending:
            continue
        actions.append(action)
    return actions


class DemandDetailPane(QWidget):
    actionRequested = Signal(object)  # DemandAction
    revealRequested = Signal()
    addAttachmentRequested = Signal()
    openAttachmentRequested = Signal(str)  # sha256

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: DemandDetail | None = None
        self.action_buttons: dict[DemandAction, QPushButton] = {}
        self.role = Role.OPERATOR
        # whether a file's bytes are in the data folder (the page sets it): a photo
        # attached on another PC is listed before its download from the district
        self.file_present: Callable[[str], bool] = lambda _sha256: True
        self.heading = QLabel(EMPTY_TEXT)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.district_label = QLabel()  # a district work order's state there
        self.district_label.setWordWrap(True)
        self.district_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.actions_box = QGridLayout()
        self.actions_box.setSpacing(6)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._fields_tab(), "基本信息")
        self.tabs.addTab(self._timeline_tab(), "办理过程")
        self.tabs.addTab(self._attachments_tab(), "附件")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.state_label)
        layout.addWidget(self.district_label)
        layout.addLayout(self.actions_box)
        layout.addWidget(self.tabs, 1)
        self.show_detail(None)

    # --- building ------------------------------------------------------------------
    def _fields_tab(self) -> QWidget:
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for name in FIELDS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            if name == "联系电话":
                self.reveal_button = QPushButton("显示完整号码")
                self.reveal_button.clicked.connect(self.revealRequested)
                row = QHBoxLayout()
                row.addWidget(value, 1)
                row.addWidget(self.reveal_button)
                form.addRow(f"{name}：", row)
            else:
                form.addRow(f"{name}：", value)
        self.content = QLabel()
        self.content.setWordWrap(True)
        self.content.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("诉求内容：", self.content)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _timeline_tab(self) -> QWidget:
        self.timeline = QTableWidget(0, 5)
        self.timeline.setHorizontalHeaderLabels(["时间", "办理人", "单位", "操作", "办理记录"])
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.setWordWrap(True)
        header = self.timeline.horizontalHeader()
        for column, width in enumerate((120, 70, 120, 110)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        return self.timeline

    def _attachments_tab(self) -> QWidget:
        self.attachments = QListWidget()
        self.attachments.itemDoubleClicked.connect(self._open_item)
        self.add_attachment_button = QPushButton("添加照片或文档…")
        self.add_attachment_button.clicked.connect(self.addAttachmentRequested)
        self.open_attachment_button = QPushButton("打开")
        self.open_attachment_button.clicked.connect(
            lambda: self._open_item(self.attachments.currentItem()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_attachment_button)
        buttons.addWidget(self.open_attachment_button)
        buttons.addStretch(1)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(self.attachments, 1)
        layout.addLayout(buttons)
        return box

    def _open_item(self, item: QListWidgetItem | None) -> None:
        sha = item.data(Qt.ItemDataRole.UserRole) if item else None
        if sha:
            self.openAttachmentRequested.emit(sha)

    # --- showing ---------------------------------------------------------------------
    def show_detail(self, detail: DemandDetail | None, phone: str | None = None) -> None:
        """Show ``detail`` (None: nothing selected); ``phone`` is the revealed number."""
        self.detail = detail
        self._show_actions(detail)
        self.tabs.setEnabled(detail is not None)
        if detail is None:
            self.heading.setText(EMPTY_TEXT)
            self.state_label.setText("")
            self._show_district(None)
            self.timeline.setRowCount(0)
            self.attachments.clear()
            for value in self.values.values():
                value.setText("")
            self.content.setText("")
            self.reveal_button.setEnabled(False)
            return
        d = detail.demand
        recalled = detail.work_order is not None and detail.work_order.recalled
        self.heading.setText(f"{d.number}「{d.title}」 · {d.status.label}"
                             + (" · 区级已撤回" if recalled else ""))
        self._show_state(detail)
        self._show_district(detail.work_order)
        self._show_fields(detail, phone)
        self._show_timeline(detail)
        self._show_attachments(detail)
        self.set_role(self.role)

    def _show_state(self, detail: DemandDetail) -> None:
        state = detail.deadline_state
        colour = STATE_COLOURS.get(state, "#e8eef5")
        text = f"办理期限：{detail.demand.deadline_text}（{state.label}）"
        if detail.pending_extension is not None:
            text += f"　延期申请待审批：{detail.pending_extension.workdays} 个工作日"
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"background: {colour}; padding: 3px 8px; "
                                       "border-radius: 3px;")

    def _show_district(self, order: WorkOrderState | None) -> None:
        """The district's side of a work order (区级派单); hidden for the street's own."""
        self.district_label.setVisible(order is not None)
        if order is None:
            self.district_label.setText("")
            return
        lines = [order.text]
        if order.recalled:
            lines.append("区级平台已撤回该派单，无需再向区级签收、反馈；本街道已做的办理记录保留。")
        if order.detail_text:
            lines.append(order.detail_text)
        self.district_label.setText("\n".join(lines))
        colours = (RECALLED_STYLE if order.recalled else DISTRICT_STYLE)
        self.district_label.setStyleSheet(f"{colours} padding: 3px 8px; border-radius: 3px;")

    def _show_fields(self, detail: DemandDetail, phone: str | None) -> None:
        d = detail.demand
        values = {
            "受理编号": d.number, "区级工单号": d.external_number or "—", "诉求类型": d.kind.label,
            "诉求性质": d.nature.label, "诉求来源": d.source.label,
            "紧急程度": "紧急" if d.urgent else "一般", "诉求分类": d.category_path or "—",
            "诉求人": d.reporter_name or "—", "联系电话": phone or d.reporter_phone_masked or "—",
            "地址": d.address or "—", "所属网格": d.grid_name or "—",
            "处置层级": d.handling_level.label,
            "主责单位": d.lead_unit.name if d.lead_unit else "—",
            "配合单位": "、".join(u.name for u in detail.cooperating_units) or "—",
            "受理时间": f"{d.received_at:%Y-%m-%d %H:%M}", "办理期限": d.deadline_text,
            "期限规则": detail.rule_text,
            "结案时间": f"{d.closed_at:%Y-%m-%d %H:%M}" if d.closed_at else "—",
            "评价": d.rating.label if d.rating else "—",
            "重复件": _duplicates_text(detail),
        }
        for name, value in values.items():
            self.values[name].setText(value)
        self.content.setText(d.content)
        self.phone_revealed = phone is not None

    def _show_timeline(self, detail: DemandDetail) -> None:
        self.timeline.setRowCount(len(detail.steps))
        for row, step in enumerate(detail.steps):
            move = (f"（{step.from_status.label}→{step.to_status.label}）"
                    if step.from_status is not None and step.changed_status else "")
            cells = (f"{step.occurred_at:%Y-%m-%d %H:%M}", step.actor,
                     step.unit.name if step.unit else "", step.action.label, step.note + move)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(step.text)
                self.timeline.setItem(row, column, item)
        self.timeline.resizeRowsToContents()

    def _show_attachments(self, detail: DemandDetail) -> None:
        self.attachments.clear()
        for attachment in detail.attachments:
            size = f"{attachment.size / 1024:.0f} KB，" if attachment.size else ""
            item = QListWidgetItem(f"{attachment.file_name}（{size}"
                                   f"{attachment.added_by} {attachment.added_at:%Y-%m-%d %H:%M}）")
            if not self.file_present(attachment.sha256):
                item.setText(f"{item.text()} · {NOT_DOWNLOADED}")
                item.setForeground(Qt.GlobalColor.gray)
                item.setToolTip(f"{NOT_DOWNLOADED}：该附件由其他终端添加，下次同步时自动下载。")
            item.setData(Qt.ItemDataRole.UserRole, attachment.sha256)
            self.attachments.addItem(item)
        if not detail.attachments:
            self.attachments.addItem("（暂无附件）")
        else:
            self.attachments.setCurrentRow(0)

    def _show_actions(self, detail: DemandDetail | None) -> None:
        for button in self.action_buttons.values():
            self.actions_box.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        for position, action in enumerate(shown_actions(detail) if detail else []):
            button = QPushButton(action.label)
            button.clicked.connect(lambda _checked=False, a=action: self.actionRequested.emit(a))
            self.actions_box.addWidget(button, position // BUTTONS_PER_ROW,
                                       position % BUTTONS_PER_ROW)
            self.action_buttons[action] = button

    def set_role(self, role: Role) -> None:
        """Enable what the role may do; the tooltip of the rest names the missing right."""
        self.role = role
        for action, button in self.action_buttons.items():
            permission = ACTION_PERMISSIONS[action]
            may = allowed(role, permission)
            button.setEnabled(may)
            button.setToolTip(f"{action.label}：{_ACTION_TIPS.get(action, '')}" if may
                              else denied_tip(role, permission))
        has = self.detail is not None
        may_handle = allowed(role, Permission.DEMAND_HANDLE)
        self.add_attachment_button.setEnabled(has and may_handle)
        self.add_attachment_button.setToolTip(
            "添加现场照片、处置记录等材料" if may_handle else denied_tip(role, Permission.DEMAND_HANDLE))
        self.open_attachment_button.setEnabled(has and bool(self.detail and self.detail.attachments))
        may_reveal = allowed(role, Permission.PERSONAL_DATA_REVEAL)
        phone = self.detail.demand.reporter_phone_masked if self.detail else ""
        self.reveal_button.setEnabled(has and may_reveal and bool(phone)
                                      and not getattr(self, "phone_revealed", False))
        self.reveal_button.setToolTip("显示完整号码（将记入审计日志）" if may_reveal
                                      else denied_tip(role, Permission.PERSONAL_DATA_REVEAL))

    @property
    def overdue(self) -> bool:
        return self.detail is not None and self.detail.deadline_state is DeadlineState.OVERDUE


def _duplicates_text(detail: DemandDetail) -> str:
    parts = []
    if detail.duplicate_of_number:
        parts.append(f"已并入 {detail.duplicate_of_number}")
    if detail.duplicates:
        parts.append(f"并入本件的重复件：{'、'.join(detail.duplicates)}")
    return "；".join(parts) or "—"


_ACTION_TIPS = {
    A.TRIAGE: "确定处置层级、清单事项和主责、配合单位", A.DISPATCH: "派遣给承办单位",
    A.START: "承办单位签收，开始处置", A.REPORT: "填写处置结果并上传佐证材料",
    A.VERIFY: "核查处置结果属实", A.REJECT: "核查不通过，退回承办单位重新处置", A.CLOSE: "结案",
    A.RATE: "记录诉求人的评价", A.RETURN: "承办单位退单，说明理由", A.SEND_BACK: "退回区级平台",
    A.SUSPEND: "暂停处置和计时", A.RESUME: "恢复处置和计时", A.MERGE: "作为重复件并入另一件诉求",
    A.REOPEN: "重新办理已结案的诉求", A.REQUEST_EXTENSION: "在期限届满前申请延期",
    A.DECIDE_EXTENSION: "审批延期申请", A.CALLBACK: "记录回访情况", A.SUPERVISE: "督促承办单位办理",
}
