"""The right-hand pane of the 联合行动 page: the selected action, its participants with
their certificate domains, and the checks panel (every broken rule in Chinese, or a
plain "all checks pass"), plus its results once recorded."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.action_states import UnitRole, yuan
from desktop.services.joint_actions import ActionDetail

FIELDS = ("时间", "类型", "主责单位", "配合单位", "地点", "力量需求", "车辆装备", "触发诉求", "结果")
PARTICIPANT_COLUMNS = ("姓名", "力量", "单位", "角色", "当日执法领域")


def _label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ActionDetailPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: ActionDetail | None = None
        self.heading = QLabel("请在日历中选择一个行动")
        self.heading.setObjectName("sectionTitle")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3a5a;")
        self.values = {name: _label() for name in FIELDS}
        form = QFormLayout()
        form.setVerticalSpacing(4)
        for name, label in self.values.items():
            form.addRow(f"{name}：", label)
        self.participants = QTableWidget(0, len(PARTICIPANT_COLUMNS))
        self.participants.setHorizontalHeaderLabels(PARTICIPANT_COLUMNS)
        self.participants.verticalHeader().setVisible(False)
        self.participants.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.participants.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.participants.horizontalHeader().setStretchLastSection(True)
        self.checks_title = QLabel("合法性检查")
        self.checks_title.setStyleSheet("font-weight: bold; color: #1f3a5a;")
        self.checks = QListWidget()
        self.checks.setWordWrap(True)
        self.checks.setObjectName("checksPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(QLabel("参加人员"))
        layout.addWidget(self.participants, 2)
        layout.addWidget(self.checks_title)
        layout.addWidget(self.checks, 2)

    def show_action(self, detail: ActionDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.heading.setText("请在日历中选择一个行动")
            for label in self.values.values():
                label.clear()
            self.participants.setRowCount(0)
            self.checks.clear()
            return
        row = detail.row
        self.heading.setText(f"{row.number}　{row.title}　〔{row.state.label}〕")
        cooperating = [u.name for u in detail.units if u.role is UnitRole.COOPERATING]
        places = "；".join(filter(None, [detail.places, "、".join(n for _g, n in detail.grids)]))
        needs = "；".join(f"{n.unit_name or '不限单位'} {n.count} 人"
                         + (f"（持{(n.domain or row.domain).label}证 {n.certified} 人）"
                            if n.certified else "") for n in detail.needs)
        results = detail.results
        recorded = (f"检查 {results.units_inspected} 户，发现问题 {results.problems_found} 个，"
                    f"立案 {results.cases_filed} 件，整改 {results.rectified} 处，罚没 "
                    f"{yuan(results.fines_fen)} 元" if row.state.value in
                    ("results_recorded", "evaluated") else "")
        if detail.evaluation:
            recorded += f"；评价：{detail.evaluation.label}"
        texts = {"时间": row.when, "类型": f"{row.action_type.label} · {row.domain.label}",
                 "主责单位": row.lead_unit_name or "—", "配合单位": "、".join(cooperating) or "—",
                 "地点": places or "—", "力量需求": needs or f"持证执法人员至少 {detail.min_certified} 人",
                 "车辆装备": detail.equipment or "—",
                 "触发诉求": "、".join(d.number for d in detail.demands) or detail.trigger.label,
                 "结果": recorded or "—"}
        for name, text in texts.items():
            self.values[name].setText(text)
        self._participants(detail)
        self._checks(detail)

    def _participants(self, detail: ActionDetail) -> None:
        self.participants.setRowCount(len(detail.participants))
        flagged = {v.officer_id for v in detail.violations if v.officer_id}
        for row, person in enumerate(detail.participants):
            role = person.role.label + ("（手工指定）" if person.fixed_by_hand else "")
            cells = (person.name, person.force.value, person.unit_name, role,
                     person.domains_text or "无有效执法证")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if person.officer_id in flagged:
                    item.setForeground(QColor("#c0392b"))
                self.participants.setItem(row, column, item)

    def _checks(self, detail: ActionDetail) -> None:
        self.checks.clear()
        hard = [v for v in detail.violations if v.hard]
        soft = [v for v in detail.violations if not v.hard]
        if not detail.violations:
            item = QListWidgetItem("✓ 全部合法性检查通过，可以审批。")
            item.setForeground(QColor("#1e7b34"))
            self.checks.addItem(item)
            self.checks_title.setText("合法性检查：通过")
            return
        self.checks_title.setText(f"合法性检查：{len(hard)} 项硬性规则未满足"
                                  + (f"，{len(soft)} 项提醒" if soft else ""))
        for violation in hard + soft:
            item = QListWidgetItem(f"✗ {violation.rule.label}\n{violation.message}")
            item.setForeground(QColor("#c0392b" if violation.hard else "#7a5b00"))
            self.checks.addItem(item)

    def check_texts(self) -> list[str]:
        return [self.checks.item(n).text() for n in range(self.checks.count())]
