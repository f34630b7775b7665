"""设置 › 概况: the sub-center's identity, where the data lives, the version."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from ui.env import UiEnv
from ui.pages.base import Page


class GeneralTab(Page):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        paths = env.context.paths
        self.identity = QFormLayout()
        identity_box = QGroupBox("本分中心")
        identity_box.setLayout(self.identity)
        folders = QFormLayout()
        for caption, path in (("数据目录", paths.root), ("数据库文件", paths.database),
                              ("备份目录", paths.backups), ("日志目录", paths.logs)):
            label = QLabel(str(path))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            folders.addRow(caption, label)
        folder_box = QGroupBox("数据存放位置")
        folder_layout = QVBoxLayout(folder_box)
        folder_layout.addLayout(folders)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("打开数据目录")
        self.open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.root)))
        )
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        folder_layout.addLayout(buttons)
        about = QLabel(
            f"街道综合指挥分中心客户端 版本 {__version__}\n"
            "数据保存在本机，断网时可正常使用；升级程序不会影响数据目录。"
        )
        about_box = QGroupBox("关于")
        QVBoxLayout(about_box).addWidget(about)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(identity_box)
        layout.addWidget(folder_box)
        layout.addWidget(about_box)
        layout.addStretch(1)

    async def reload(self) -> None:
        info = self.env.sub_center
        while self.identity.rowCount():
            self.identity.removeRow(0)
        if info is None:
            self.identity.addRow(QLabel("尚未设置分中心。"))
        else:
            for caption, value in (
                ("分中心名称", info.center_name), ("街道/乡镇", info.street_name),
                ("统计区划代码", info.division_code), ("发文机关", info.issuing_authority),
                ("文号代字", info.doc_prefix), ("演示数据", "是" if info.is_demo else "否"),
            ):
                self.identity.addRow(caption, QLabel(value))
        self.loaded = True

