"""After an action: 登记结果 (units inspected, problems found, cases filed, rectified,
fines, photos, minutes) and 评价. Recording the results also closes the demands that
triggered the action (the service says which, and which it left and why)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.action_states import ActionResults, Evaluation
from desktop.services.action_results import ResultsOutcome, evaluate_action, record_results
from desktop.services.joint_actions import ActionDetail
from ui.dialogs.form_dialog import FormDialog
from ui.env import UiEnv


def _count(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 100_000)
    box.setValue(value)
    return box


class ResultsDialog(FormDialog):
    def __init__(self, env: UiEnv, detail: ActionDetail, parent: QWidget | None = None) -> None:
        super().__init__(env, f"登记结果 — {detail.row.title}", parent=parent)
        self.detail = detail
        self.outcome: ResultsOutcome | None = None
        self.setMinimumWidth(560)
        old = detail.results
        self.units_inspected = _count(old.units_inspected)
        self.problems_found = _count(old.problems_found)
        self.cases_filed = _count(old.cases_filed)
        self.rectified = _count(old.rectified)
        self.fines = QDoubleSpinBox()
        self.fines.setRange(0, 100_000_000)
        self.fines.setDecimals(2)
        self.fines.setSuffix(" 元")
        self.fines.setValue(old.fines_fen / 100)
        self.minutes = QPlainTextEdit(old.minutes)
        self.minutes.setPlaceholderText("行动经过、发现的主要问题、整改要求等")
        self.minutes.setFixedHeight(110)
        self.photos = QListWidget()
        self.photos.setFixedHeight(70)
        add = QPushButton("添加照片…")
        add.clicked.connect(self._choose_photos)
        photos = QVBoxLayout()
        photos.addWidget(self.photos)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        photos.addLayout(row)
        form = QFormLayout()
        for label, widget in (("检查单位（户）", self.units_inspected),
                              ("发现问题（个）", self.problems_found),
                              ("立案（件）", self.cases_filed), ("已整改（处）", self.rectified),
                              ("罚没金额", self.fines), ("情况记录", self.minutes)):
            form.addRow(label, widget)
        form.addRow("现场照片", photos)
        self.body.addLayout(form)
        if detail.demands:
            self.body.addWidget(self._demand_note(detail))

    @staticmethod
    def _demand_note(detail: ActionDetail) -> QWidget:
        from PySide6.QtWidgets import QLabel

        numbers = "、".join(d.number for d in detail.demands)
        label = QLabel(f"保存后，触发本次行动的诉求（{numbers}）将按处置结果办结。")
        label.setWordWrap(True)
        label.setStyleSheet("color: #7a5b00;")
        return label

    def add_photo(self, path: Path) -> None:
        self.photos.addItem(str(path))

    def _choose_photos(self) -> None:
        paths, _chosen = QFileDialog.getOpenFileNames(self, "选择现场照片", "",
                                                      "图片 (*.jpg *.jpeg *.png)")
        for path in paths:
            self.add_photo(Path(path))

    def results(self) -> ActionResults:
        return ActionResults(self.units_inspected.value(), self.problems_found.value(),
                             self.cases_filed.value(), self.rectified.value(),
                             round(self.fines.value() * 100), self.minutes.toPlainText().strip())

    async def submit(self) -> None:
        context = self.env.context
        photos = [Path(self.photos.item(n).text()) for n in range(self.photos.count())]
        self.outcome = await self.env.tasks.db(
            record_results, context.uow(), actor=context.actor, action_id=self.detail.id,
            expected_version=self.detail.version, results=self.results(), photos=photos,
            paths=context.paths)

    def field_widget(self, field: str) -> QWidget | None:
        return {"检查单位数": self.units_inspected, "发现问题数": self.problems_found,
                "立案数": self.cases_filed, "整改数": self.rectified,
                "罚没金额": self.fines}.get(field)


class EvaluationDialog(FormDialog):
    def __init__(self, env: UiEnv, detail: ActionDetail, parent: QWidget | None = None) -> None:
        super().__init__(env, f"评价 — {detail.row.title}", parent=parent)
        self.detail = detail
        self.result_detail: ActionDetail | None = None
        self.evaluation = QComboBox()
        for item in Evaluation:
            self.evaluation.addItem(item.label, item)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("评为“较差”时请写明原因")
        self.note.setFixedHeight(90)
        form = QFormLayout()
        form.addRow("评价", self.evaluation)
        form.addRow("说明", self.note)
        self.body.addLayout(form)

    async def submit(self) -> None:
        context = self.env.context
        self.result_detail = await self.env.tasks.db(
            evaluate_action, context.uow(), actor=context.actor, action_id=self.detail.id,
            expected_version=self.detail.version, evaluation=Evaluation(self.evaluation.currentData()),
            note=self.note.toPlainText())

    def field_widget(self, field: str) -> QWidget | None:
        return self.note if field == "评价说明" else None
