"""The assisted scheduler's proposal, as a diff to accept or not: per action who joins
and who leaves, the workload spread against a one-by-one (greedy) assignment, and any
action that could not get its planned headcount. Accepting writes the participants
through the actions service (each change audited); nothing changes otherwise."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QWidget

from desktop.scheduling.bridge import ScheduleOutcome, apply_proposal
from desktop.services.action_checks import SchedulingInput
from ui.dialogs.form_dialog import FormDialog
from ui.env import UiEnv


class ScheduleDialog(FormDialog):
    def __init__(self, env: UiEnv, outcome: ScheduleOutcome, data: SchedulingInput,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, "智能排班方案", ok_text="采用方案", parent=parent)
        self.outcome, self.data = outcome, data
        self.applied = 0
        self.setMinimumSize(860, 520)
        proposal = outcome.proposal
        summary = QLabel(self._summary())
        summary.setWordWrap(True)
        summary.setObjectName("scheduleSummary")
        self.body.addWidget(summary)
        self.table = QTableWidget(len(proposal.changes), 4)
        self.table.setHorizontalHeaderLabels(["行动", "时间", "新增人员", "调出人员"])
        when = {a.action_id: a.when for a in data.actions}
        self.table.verticalHeader().setVisible(False)
        names = outcome.names
        for row, change in enumerate(proposal.changes):
            for column, text in enumerate((
                    change.title, when.get(change.action_id, ""), "、".join(names.get(o, o) for o in change.added) or "—",
                    "、".join(names.get(o, o) for o in change.removed) or "—")):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.body.addWidget(self.table, 1)
        if not proposal.changes:
            self.ok_button.setEnabled(False)
            self.ok_button.setToolTip("方案与现有安排相同，无需采用。")

    def _summary(self) -> str:
        proposal, base = self.outcome.proposal, self.outcome.baseline
        lines = [f"{proposal.status}：{len(self.data.actions)} 个行动，"
                 f"{len(proposal.changes)} 个行动的人员有调整，用时 {proposal.seconds:.1f} 秒。",
                 f"工作量（含本周其他行动）：{proposal.fairness.text}。"]
        if base is not None:
            lines.append(f"逐个行动分配（对照）：{base.text}。")
        lines.extend(proposal.notes)
        lines.append("方案满足全部硬性规则（两名以上持证、执法领域、证件有效、时间不冲突、"
                     "休息间隔、请假与下沉期、责任单位派员、力量需求）；手工指定的人员均已保留。")
        return "\n".join(lines)

    async def submit(self) -> None:
        context = self.env.context
        self.applied = await self.env.tasks.db(apply_proposal, context.uow, actor=context.actor,
                                               data=self.data, proposal=self.outcome.proposal)
