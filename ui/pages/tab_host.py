"""A page made of tabs, each a ``Page`` of its own (it loads in ``reload``) shown only to
roles that hold its permission; the services refuse the same operations anyway.

Tabs are named by module so a tab's imports happen when the page is built, and a tab
loads its data the first time it is shown."""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop.domain.permissions import Permission, allowed
from ui.env import UiEnv
from ui.pages.base import Page

# (tab title, "module:Class", permission needed to see it or None)
TabSpec = tuple[str, str, Permission | None]


class TabHostPage(Page):
    heading = ""
    tab_specs: tuple[TabSpec, ...] = ()

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        title = QLabel(self.heading)
        title.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.tab_pages: dict[str, Page] = {}
        role = env.context.actor.role
        for caption, target, permission in self.tab_specs:
            if permission is not None and not allowed(role, permission):
                continue
            module_name, class_name = target.split(":")
            tab: Page = getattr(importlib.import_module(module_name), class_name)(env)
            tab.status_message.connect(self.status_message)
            tab.data_changed.connect(self.data_changed)
            self.connect_tab(tab)
            self.tab_pages[caption] = tab
            self.tabs.addTab(tab, caption)
        self.tabs.currentChanged.connect(self._on_tab)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

    def connect_tab(self, tab: Page) -> None:
        """Hook for a host whose tabs have signals of their own."""

    def show_tab(self, caption: str) -> Page:
        tab = self.tab_pages[caption]
        self.tabs.setCurrentWidget(tab)
        return tab

    def _on_tab(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if isinstance(tab, Page) and not tab.loaded:
            self.run(tab.reload())

    async def reload(self) -> None:
        current = self.tabs.currentWidget()
        if isinstance(current, Page):
            await current.reload()
        for tab in self.tab_pages.values():
            if tab is not current:
                tab.loaded = False
        self.loaded = True
