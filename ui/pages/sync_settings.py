"""同步 › 连接设置: the district server's address, proxy and CA file, and enrolment.

Only roles holding SYNC_CONFIGURE (the system administrator) may change anything; the
services refuse the others too. The password is sent once to enrol and never stored;
the refresh token the district returns goes to the OS keyring.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.permissions import Permission, allowed, denied_message
from desktop.sync.commands import enroll, sync_setup, token_store
from desktop.sync.services import SyncOverview, configure_sync
from ui.dialogs.messages import show_error
from ui.env import UiEnv

HINT = ("注册时需要区级平台为本街道分配的注册账号和密码；密码只用于本次注册，不会保存。"
        "注册后平台颁发的凭证保存在{where}，不写入数据库和日志。")


class SyncSettingsBox(QGroupBox):
    """The settings and enrolment form (a part of the sync page)."""

    changed = Signal(str)  # a message for the status bar after a change

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__("区级平台连接", parent)
        self.env = env
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText("https://平台地址，例如 https://district.example.gov.cn")
        self.proxy_edit = QLineEdit()
        self.proxy_edit.setPlaceholderText("不使用代理时留空，例如 http://10.1.1.1:8080")
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText("政务网自签证书时选择 CA 文件（PEM），否则留空")
        self.ca_button = QPushButton("选择…")
        self.street_edit = QLineEdit()
        self.street_edit.setPlaceholderText("12 位街道区划代码")
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_button = QPushButton("保存设置")
        self.enroll_button = QPushButton("注册本机")
        self.enroll_button.setObjectName("primary")
        self.hint = QLabel(HINT.format(where=token_store(env.context).where))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self._layout()
        self.ca_button.clicked.connect(self._on_choose_ca)
        self.save_button.clicked.connect(lambda: self.env.tasks.spawn(self.save()))
        self.enroll_button.clicked.connect(lambda: self.env.tasks.spawn(self.enroll()))
        self._gate()

    def _layout(self) -> None:
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_button)
        form = QFormLayout()
        form.addRow("平台地址", self.server_edit)
        form.addRow("代理服务器", self.proxy_edit)
        form.addRow("CA 证书文件", ca_row)
        enrol = QFormLayout()
        enrol.addRow("街道区划代码", self.street_edit)
        enrol.addRow("注册账号", self.user_edit)
        enrol.addRow("注册密码", self.password_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.enroll_button)
        columns = QHBoxLayout()
        columns.addLayout(form, 3)
        columns.addSpacing(24)
        columns.addLayout(enrol, 2)
        inner = QVBoxLayout(self)
        inner.addLayout(columns)
        inner.addWidget(self.hint)
        inner.addLayout(buttons)

    def _gate(self) -> None:
        role = self.env.context.actor.role
        may = allowed(role, Permission.SYNC_CONFIGURE)
        tip = "" if may else denied_message(role, Permission.SYNC_CONFIGURE)
        for widget in (self.server_edit, self.proxy_edit, self.ca_edit, self.ca_button,
                       self.street_edit, self.user_edit, self.password_edit, self.save_button,
                       self.enroll_button):
            widget.setEnabled(may)
            widget.setToolTip(tip)

    def show_overview(self, overview: SyncOverview) -> None:
        self.server_edit.setText(overview.server_url)
        self.proxy_edit.setText(overview.proxy)
        self.ca_edit.setText(overview.ca_file)
        street = overview.street_code or (self.env.sub_center.division_code
                                          if self.env.sub_center else "")
        self.street_edit.setText(street)

    def ask_ca_path(self) -> str | None:  # tests replace it
        path, _chosen = QFileDialog.getOpenFileName(self, "选择 CA 证书文件", "",
                                                    "证书文件 (*.pem *.crt *.cer);;所有文件 (*)")
        return path or None

    def _on_choose_ca(self) -> None:
        path = self.ask_ca_path()
        if path:
            self.ca_edit.setText(path)

    async def save(self) -> None:
        try:
            await self.env.tasks.db(configure_sync, self.env.context.uow(),
                                    actor=self.env.context.actor,
                                    server_url=self.server_edit.text(),
                                    proxy=self.proxy_edit.text(), ca_file=self.ca_edit.text())
        except Exception as error:
            show_error(self, error)
            return
        self.changed.emit("已保存区级平台连接设置。")

    async def enroll(self) -> None:
        setup = sync_setup(self.env.context, db=self.env.tasks.db)
        self.enroll_button.setEnabled(False)
        try:
            enrolment = await enroll(
                setup, actor=self.env.context.actor, server=self.server_edit.text(),
                street=self.street_edit.text(), user=self.user_edit.text(),
                password=self.password_edit.text(), ca_file=self.ca_edit.text(),
                proxy=self.proxy_edit.text())
        except Exception as error:
            show_error(self, error)
            return
        finally:
            self.password_edit.clear()
            self._gate()
        self.changed.emit(f"本机已注册为“{enrolment.street_name}”的终端，正在首次同步……")
