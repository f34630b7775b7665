"""The shell: navigation, the page stack, menus, shortcuts and the status bar.

It holds no business logic and knows pages only through ``ui.pages.registry``.

Start-up paints the window *frame* first (``MainWindow()``: navigation, an empty page
area, the status bar) before the core, SQLAlchemy or any page module is imported; the
app then opens the database, signs the user in and ``attach``es the environment. Pages
are built the first time they are shown, so a page's imports (openpyxl, shapely…) cost
nothing until it is used.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

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

from ui.pages.specs import PAGE_SPECS

if TYPE_CHECKING:
    from ui.env import UiEnv
    from ui.pages.base import Page

GEOMETRY_KEY = "main_window_geometry"
APP_TITLE = "街道综合指挥分中心"


class LazyPages(Mapping[str, "Page"]):
    """The pages by key, each built on first access. Iterating gives every key (and so
    builds on ``values()``); ``built()`` gives only those already made."""

    def __init__(self, build: Callable[[str], Page]) -> None:
        self._build = build
        self._pages: dict[str, Page] = {}

    def __getitem__(self, key: str) -> Page:
        if key not in self._pages:
            if key not in {spec.key for spec in PAGE_SPECS}:
                raise KeyError(key)
            self._pages[key] = self._build(key)
        return self._pages[key]

    def __iter__(self) -> Iterator[str]:
        return iter(spec.key for spec in PAGE_SPECS)

    def __len__(self) -> int:
        return len(PAGE_SPECS)

    def built(self) -> list[Page]:
        return list(self._pages.values())


class MainWindow(QMainWindow):
    first_painted = Signal()

    def __init__(self, env: UiEnv | None = None) -> None:
        super().__init__()
        self.env: UiEnv | None = None
        self.painted = False
        self.setWindowTitle(APP_TITLE)
        self.setMinimumSize(QSize(960, 600))  # fits a 1024×768 office screen
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.nav.setEnabled(False)  # until attached
        self.stack = QStackedWidget()
        for index, spec in enumerate(PAGE_SPECS):
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.title}（Ctrl+{index + 1}）")
            self.nav.addItem(item)
            self.stack.addWidget(self._placeholder())
        self.pages = LazyPages(self._build_page)
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
        self.resize(1280, 800)
        if env is not None:
            self.attach(env)

    def attach(self, env: UiEnv) -> None:
        """The core is open and the user signed in: name the window, enable the pages."""
        self.env = env
        self.setWindowTitle(self._title())
        sub_center = env.sub_center
        self.sub_center_label.setText(
            f"分中心：{sub_center.center_name}" if sub_center else "分中心：未设置")
        self.user_label.setText(f"用户：{env.context.actor.name}")
        self._attach_sync_status(env)
        self.restore_geometry(env.context.settings.get(GEOMETRY_KEY))
        self.nav.setEnabled(True)
        self.statusBar().clearMessage()

    def _attach_sync_status(self, env: UiEnv) -> None:
        """The frame shows a plain label; the live one (httpx and the sync engine
        behind it) replaces it once the core is open."""
        from ui.sync_status import SyncStatusLabel, controller_for

        bar = self.statusBar()
        bar.removeWidget(self.sync_label)
        self.sync_label.deleteLater()
        label = SyncStatusLabel(controller_for(env))
        label.setContentsMargins(8, 0, 8, 0)
        label.clicked.connect(lambda: self.show_page("sync"))
        bar.addPermanentWidget(label)
        self.sync_label = label
        env.tasks.spawn(controller_for(env).refresh())

    @staticmethod
    def _placeholder() -> QLabel:
        label = QLabel("正在载入……")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("plannedText")
        return label

    def _build_page(self, key: str) -> Page:
        from ui.pages.registry import build_page

        if self.env is None:
            raise RuntimeError("pages are built after the environment is attached")
        row = [spec.key for spec in PAGE_SPECS].index(key)
        page = build_page(PAGE_SPECS[row], self.env)
        page.status_message.connect(self.statusBar().showMessage)
        page.data_changed.connect(self._on_data_changed)
        if hasattr(page, "restart_required"):
            page.restart_required.connect(self._on_restart_required)
        placeholder = self.stack.widget(row)
        current = self.stack.currentIndex()
        self.stack.insertWidget(row, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        return page

    # --- construction ----------------------------------------------------------------
    def _title(self) -> str:
        assert self.env is not None
        sub_center = self.env.sub_center
        name = sub_center.center_name if sub_center else "未设置分中心"
        demo = "（演示数据）" if sub_center and sub_center.is_demo else ""
        return f"{name}{demo} — 街道综合指挥分中心"

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.showMessage("正在打开数据……")
        self.sub_center_label = QLabel("分中心：—")
        self.user_label = QLabel("用户：—")
        self.sync_label = QLabel("同步：—")
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
        if row < 0 or self.env is None:
            return
        page = self.pages[PAGE_SPECS[row].key]
        self.stack.setCurrentIndex(row)
        if not page.loaded:
            page.run(page.reload())

    def _reload_current(self) -> None:
        if self.env is None or self.nav.currentRow() < 0:
            return
        page = self.pages[PAGE_SPECS[self.nav.currentRow()].key]
        page.run(page.reload())

    def _on_data_changed(self) -> None:
        # Pages not on screen reload when next shown.
        current = self.stack.currentWidget()
        for page in self.pages.built():
            if page is not current:
                page.loaded = False

    def _on_restart_required(self, message: str) -> None:
        """After a restore the file under the program changed: stop every page."""
        self.nav.setEnabled(False)
        if self.env is not None:
            from ui.sync_status import controller_for

            controller_for(self.env).timer.stop()  # nothing may sync the swapped file
        for page in self.pages.built():
            page.loaded = True  # never reload from the swapped file
        self.sync_label.setText("数据库已恢复：请退出并重新启动程序")
        self.statusBar().showMessage(message)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            self.first_painted.emit()

    def restore_geometry(self, saved: object) -> None:
        """Where the user left the window (saved as base64 in the settings file)."""
        if isinstance(saved, str) and saved:
            self.restoreGeometry(QByteArray(base64.b64decode(saved)))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.env is not None:
            geometry = base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")
            self.env.context.settings.set(GEOMETRY_KEY, geometry)
        super().closeEvent(event)
