"""The navigation entries, in order, and how to build each page.

Pages are named by module so their imports happen when the window is built, not when
this module is imported. Entries with no module yet show a plain "in development" page.
"""

from __future__ import annotations

import importlib

from ui.env import UiEnv
from ui.pages.base import Page, PlannedPage
from ui.pages.specs import PAGE_SPECS, PageSpec

__all__ = ["PAGE_SPECS", "PageSpec", "build_page"]


def build_page(spec: PageSpec, env: UiEnv) -> Page:
    if not spec.target:
        return PlannedPage(env, spec.title, spec.planned)
    module_name, class_name = spec.target.split(":")
    page_class = getattr(importlib.import_module(module_name), class_name)
    page: Page = page_class(env)
    page.title = spec.title
    return page
