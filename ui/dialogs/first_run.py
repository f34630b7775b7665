"""First run: set this install up for a sub-center, or load the demo street.

The dialog validates as the user types (the division code's digits, required fields);
the service validates again and its Chinese message is shown under the form, so a
refused set-up never closes the dialog.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import DomainError
from desktop.services.subcenter import SubCenterInfo, set_up_sub_center
from ui.env import UiEnv
from ui.tasks import run_with_progress, slot


class FirstRunDialog(QDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.result_info: SubCenterInfo | None = None
        self.setWindowTitle("首次使用 — 设置本分中心")
        self.setMinimumWidth(560)
        intro = QLabel(
            "欢迎使用街道综合指挥分中心客户端。请填写本街道（乡镇）的信息，"
            "这些信息用于网格编码、公文文号和与区级平台同步。"
        )
        intro.setWordWrap(True)
        self.street = QLineEdit(placeholderText="如：芙蓉街道")
        self.center_name = QLineEdit(placeholderText="默认为“街道名称+综合指挥分中心”")
        self.division_code = QLineEdit(placeholderText="12 位统计用区划代码，如 430102007000")
        self.division_code.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,12}"), self)
        )
        self.division_code.setMaxLength(12)
        self.authority = QLineEdit(placeholderText="如：长沙市芙蓉区芙蓉街道办事处")
        self.prefix = QLineEdit(placeholderText="如：芙街（文号为 芙街函〔2026〕1号）")
        form = QFormLayout()
        form.addRow("街道/乡镇名称 *", self.street)
        form.addRow("分中心名称", self.center_name)
        form.addRow("统计区划代码 *", self.division_code)
        form.addRow("发文机关名称 *", self.authority)
        form.addRow("文号代字 *", self.prefix)
        box = QGroupBox("本分中心信息")
        box.setLayout(form)
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存并开始使用", QDialogButtonBox.ButtonRole.AcceptRole)
        self.demo_button = QPushButton("载入演示街道")
        self.demo_button.setToolTip("生成一个虚构的街道（社区、网格、人员），用于试用和培训")
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self._on_save)
        self.demo_button.clicked.connect(self._on_demo)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.street.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.save_button, self.demo_button):
            button.setEnabled(not busy)

    @slot(lambda dialog: dialog.env.tasks)
    async def _on_save(self) -> None:
        self.error_label.clear()
        self._set_busy(True)
        try:
            self.result_info = await self.env.tasks.db(
                set_up_sub_center, self.env.context.uow(), actor=self.env.context.actor,
                street_name=self.street.text(), division_code=self.division_code.text(),
                issuing_authority=self.authority.text(), doc_prefix=self.prefix.text(),
                center_name=self.center_name.text(),
            )
        except DomainError as error:
            self.error_label.setText(error.message)
            return
        finally:
            self._set_busy(False)
        self.accept()

    @slot(lambda dialog: dialog.env.tasks)
    async def _on_demo(self) -> None:
        self.error_label.clear()
        self._set_busy(True)
        try:
            self.result_info = await load_demo(self.env, self)
        except DomainError as error:
            self.error_label.setText(error.message)
            return
        finally:
            self._set_busy(False)
        self.accept()


async def load_demo(env: UiEnv, parent: QWidget | None) -> SubCenterInfo | None:
    from desktop.demo import build_demo_street
    from desktop.services.subcenter import get_sub_center

    context = env.context
    await run_with_progress(
        env.tasks, parent, "正在生成演示街道",
        lambda progress, cancel: build_demo_street(context, progress=progress, cancel=cancel),
    )
    return await env.tasks.db(get_sub_center, context.uow())


async def run_first_run(env: UiEnv, *, demo: bool = False) -> SubCenterInfo | None:
    """Show the dialog (or, with ``demo``, load the demo street straight away)."""
    if demo:
        return await load_demo(env, None)
    dialog = FirstRunDialog(env)
    finished: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    dialog.finished.connect(lambda code: finished.done() or finished.set_result(code))
    dialog.open()
    await finished
    return dialog.result_info
