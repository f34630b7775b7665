"""First run: set this install up for a sub-center and its first system administrator,
or load the demo street.

The dialog validates as the user types (the division code's digits, required fields);
the service validates again and its Chinese message is shown under the form (the field
it names gets the focus and a red frame), so a refused set-up never closes the dialog.
The sub-center and the administrator are stored in ONE transaction: a refused password
leaves the install as empty as before. The administrator is logged in at once, so the
app does not ask for the password just chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

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

from desktop.domain.actor import Actor
from desktop.domain.errors import DomainError, ValidationError
from desktop.services.accounts import authenticate, create_first_admin, set_up_install
from desktop.services.subcenter import SubCenterInfo
from ui.dialogs.account_dialogs import AdminAccountForm
from ui.dialogs.form_dialog import FormDialog, await_dialog
from ui.env import UiEnv
from ui.tasks import run_with_progress, slot

_ERROR_FRAME = "border: 1px solid #c0392b;"


def _align_labels(*forms: QFormLayout) -> None:
    """One label column width for several forms, so their fields line up."""
    labels = [item.widget() for form in forms for row in range(form.rowCount())
              if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


@dataclass(frozen=True)
class FirstRunResult:
    """The install's sub-center, and who is logged in (None: the app must ask)."""

    sub_center: SubCenterInfo
    actor: Actor | None


class FirstRunDialog(QDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.outcome: FirstRunResult | None = None
        self._marked: QWidget | None = None
        self.setWindowTitle("首次使用 — 设置本分中心")
        self.setMinimumWidth(580)
        intro = QLabel(
            "欢迎使用街道综合指挥分中心客户端。请填写本街道（乡镇）的信息，"
            "这些信息用于网格编码、公文文号和与区级平台同步；并设置本机的系统管理员账号。"
        )
        intro.setWordWrap(True)
        self.admin = AdminAccountForm("系统管理员账号")
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存并开始使用", QDialogButtonBox.ButtonRole.AcceptRole)
        self.demo_button = QPushButton("载入演示街道")
        self.demo_button.setToolTip("生成一个虚构的街道（社区、网格、人员）和各角色的演示账号，用于试用和培训")
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self._on_save)
        self.demo_button.clicked.connect(self._on_demo)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self._sub_center_box())
        layout.addWidget(self.admin)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        _align_labels(self.sub_center_form, self.admin.form)
        self.error_label.hide()
        self.street.setFocus(Qt.FocusReason.OtherFocusReason)

    def _sub_center_box(self) -> QGroupBox:
        self.street = QLineEdit(placeholderText="如：芙蓉街道")
        self.center_name = QLineEdit(placeholderText="默认为“街道名称+综合指挥分中心”")
        self.division_code = QLineEdit(placeholderText="12 位统计用区划代码，如 430102007000")
        self.division_code.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,12}"), self)
        )
        self.division_code.setMaxLength(12)
        self.authority = QLineEdit(placeholderText="如：长沙市芙蓉区芙蓉街道办事处")
        self.prefix = QLineEdit(placeholderText="如：芙街（文号为 芙街函〔2026〕1号）")
        form = self.sub_center_form = QFormLayout()
        form.addRow("街道/乡镇名称 *", self.street)
        form.addRow("分中心名称", self.center_name)
        form.addRow("统计区划代码 *", self.division_code)
        form.addRow("发文机关名称 *", self.authority)
        form.addRow("文号代字 *", self.prefix)
        box = QGroupBox("本分中心信息")
        box.setLayout(form)
        return box

    def field_widget(self, field: str) -> QWidget | None:
        return {"街道/乡镇名称": self.street, "统计区划代码": self.division_code,
                "发文机关名称": self.authority, "文号代字": self.prefix}.get(field) \
            or self.admin.field_widget(field)

    def show_error(self, error: DomainError) -> None:
        self.error_label.setText(error.message)
        self.error_label.show()
        widget = self.field_widget(error.field) if isinstance(error, ValidationError) else None
        if widget is not None:
            widget.setStyleSheet(_ERROR_FRAME)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            self._marked = widget

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
        if self._marked is not None:
            self._marked.setStyleSheet("")
            self._marked = None

    def _set_busy(self, busy: bool) -> None:
        for button in (self.save_button, self.demo_button):
            button.setEnabled(not busy)

    @slot(lambda dialog: dialog.env.tasks)
    async def _on_save(self) -> None:
        self._clear_error()
        self._set_busy(True)
        try:
            self.admin.check_confirmation()
            done = await self.env.tasks.db(
                set_up_install, self.env.context.uow(), actor=self.env.context.actor,
                street_name=self.street.text(), division_code=self.division_code.text(),
                issuing_authority=self.authority.text(), doc_prefix=self.prefix.text(),
                center_name=self.center_name.text(),
                admin_username=self.admin.username.text(),
                admin_display_name=self.admin.display_name.text(),
                admin_password=self.admin.password.text(),
            )
        except DomainError as error:
            self.show_error(error)
            return
        finally:
            self._set_busy(False)
        self.outcome = FirstRunResult(done.sub_center, done.actor)
        self.accept()

    @slot(lambda dialog: dialog.env.tasks)
    async def _on_demo(self) -> None:
        self._clear_error()
        self._set_busy(True)
        try:
            self.outcome = await load_demo(self.env, self)
        except DomainError as error:
            self.show_error(error)
            return
        finally:
            self._set_busy(False)
        self.accept()


async def load_demo(env: UiEnv, parent: QWidget | None) -> FirstRunResult | None:
    """Build the demo street, then log its administrator in with the published password
    (None for the actor if that fails: the app then shows the login dialog)."""
    from desktop.demo import build_demo_street
    from desktop.demo_accounts import DEMO_ADMIN, DEMO_PASSWORD
    from desktop.services.subcenter import get_sub_center

    context = env.context
    await run_with_progress(
        env.tasks, parent, "正在生成演示街道",
        lambda progress, cancel: build_demo_street(context, progress=progress, cancel=cancel),
    )
    info = await env.tasks.db(get_sub_center, context.uow())
    if info is None:
        return None
    try:
        actor: Actor | None = await env.tasks.db(
            authenticate, context.uow(), username=DEMO_ADMIN, password=DEMO_PASSWORD)
    except DomainError:
        actor = None
    return FirstRunResult(info, actor)


class FirstAdminDialog(FormDialog):
    """For an install that has a sub-center but no account yet (set up with
    ``subcenter init``, or from before accounts existed): create the administrator."""

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, "创建系统管理员账号", "创建并登录", parent)
        self.actor: Actor | None = None
        self.cancel_button.setText("退出")
        intro = QLabel("本机尚无用户账号。请先创建系统管理员账号，"
                       "之后由系统管理员在“设置 › 用户账号”中为其他人新建账号。")
        intro.setWordWrap(True)
        self.admin = AdminAccountForm()
        self.body.addWidget(intro)
        self.body.addWidget(self.admin)

    def field_widget(self, field: str) -> QWidget | None:
        return self.admin.field_widget(field)

    async def submit(self) -> None:
        self.admin.check_confirmation()
        context, username, password = (
            self.env.context, self.admin.username.text(), self.admin.password.text())
        await self.env.tasks.db(create_first_admin, context.uow(), username=username,
                                display_name=self.admin.display_name.text(), password=password)
        self.actor = await self.env.tasks.db(authenticate, context.uow(), username=username,
                                             password=password)


async def run_first_run(env: UiEnv, *, demo: bool = False) -> FirstRunResult | None:
    """Show the dialog (or, with ``demo``, load the demo street straight away); None when
    the user chose 退出."""
    if demo:
        return await load_demo(env, None)
    dialog = FirstRunDialog(env)
    await await_dialog(dialog)
    dialog.deleteLater()
    return dialog.outcome


async def run_first_admin(env: UiEnv) -> Actor | None:
    """Create and log in the first administrator; None when the user chose 退出."""
    dialog = FirstAdminDialog(env)
    await await_dialog(dialog)
    dialog.deleteLater()
    return dialog.actor
