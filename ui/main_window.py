"""The shell: navigation, the page stack, menus, shortcuts and the status bar.

It holds no business logic and knows pages only through ``ui.pages.registry``.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from ui.env import UiEnv
from ui.pages.base import Page, page_slot
from ui.pages.registry import PAGE_SPECS, build_page

GEOMETRY_KEY = "main_window_geometry"


class MainWindow(QMainWindow):
    first_painted = Signal()

    def __init__(self, env: UiEnv) -> None:
        super().__init__()
        self.env = env
        self._painted = False
        self.setWindowTitle(self._title())
        self.setMinimumSize(QSize(960, 600))  # fits a 1024×768 office screen
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        for spec in PAGE_SPECS:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.title}（Ctrl+{len(self.pages) + 1}）")
            self.nav.addItem(item)
            page = build_page(spec, env)
            page.status_message.connect(self.statusBar().showMessage)
            page.data_changed.connect(self._on_data_changed)
            if hasattr(page, "restart_required"):
                page.restart_required.connect(self._on_restart_required)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self._on_nav)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_status_bar()
        self._build_menus()
        self._restore_geometry()

    # --- construction ----------------------------------------------------------------
    def _title(self) -> str:
        sub_center = self.env.sub_center
        name = sub_center.center_name if sub_center else "未设置分中心"
        demo = "（演示数据）" if sub_center and sub_center.is_demo else ""
        return f"{name}{demo} — 街道综合指挥分中心"

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        sub_center = self.env.sub_center
        self.sub_center_label = QLabel(
            f"分中心：{sub_center.center_name}" if sub_center else "分中心：未设置"
        )
        self.user_label = QLabel(f"用户：{self.env.context.actor.name}")
        self.sync_label = QLabel("同步：未连接区级平台（离线工作）")
        for label in (self.sub_center_label, self.user_label, self.sync_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        refresh = QAction("刷新当前页面", self)
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.triggered.connect(self._reload_current)
        file_menu.addAction(refresh)
        file_menu.addSeparator()
        quit_action = QAction("退出", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go_menu = self.menuBar().addMenu("转到(&G)")
        for index, spec in enumerate(PAGE_SPECS):
            action = QAction(spec.title, self)
            if index < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, row=index: self.nav.setCurrentRow(row))
            go_menu.addAction(action)
        QShortcut(QKeySequence("F5"), self, activated=self._reload_current)

    # --- behaviour -------------------------------------------------------------------
    def show_page(self, key: str) -> Page:
        keys = [spec.key for spec in PAGE_SPECS]
        self.nav.setCurrentRow(keys.index(key))
        return self.pages[key]

    def start(self, page_key: str = "dashboard") -> None:
        """Show the first page (it loads its data after the window has painted)."""
        self.show_page(page_key)

    def _on_nav(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if isinstance(page, Page) and not page.loaded:
            page.run(page.reload())

    @page_slot
    async def _reload_current(self) -> None:
        page = self.stack.currentWidget()
        if isinstance(page, Page):
            await page.reload()

    def _on_data_changed(self) -> None:
        # Pages not on screen reload when next shown.
        current = self.stack.currentWidget()
        for page in self.pages.values():
            if page is not current:
                page.loaded = False

    def _on_restart_required(self, message: str) -> None:
        """After a restore the file under the program changed: stop every page."""
        self.nav.setEnabled(False)
        for page in self.pages.values():
            page.loaded = True  # never reload from the swapped file
        self.sync_label.setText("数据库已恢复：请退出并重新启动程序")
        self.statusBar().showMessage(message)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def _restore_geometry(self) -> None:
        saved = self.env.context.settings.get(GEOMETRY_KEY)
        if saved:
            self.restoreGeometry(QByteArray(base64.b64decode(saved)))
        else:
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        geometry = base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")
        self.env.context.settings.set(GEOMETRY_KEY, geometry)
        super().closeEvent(event)
