"""The 网格 page's files: import (grid sheet, staff sheet, boundary file), export and
the blank templates, each behind a progress dialog with a cancel button.

Paths come from the page's ``ask_open_path``/``ask_save_path`` (tests replace them).
A refused file shows the row-level report through ``messages.show_error``; a good one
shows the summary (and any boundary warnings) and reloads the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from desktop.progress import CancelToken, ProgressCallback
from desktop.services.boundaries import import_boundaries
from desktop.spreadsheets.grids import (
    export_grids,
    export_staff,
    import_grids,
    import_staff,
    write_grid_template,
    write_staff_template,
)
from ui.dialogs import messages
from ui.pages.base import page_slot
from ui.tasks import run_with_progress

if TYPE_CHECKING:
    from ui.pages.grids_page import GridsPage

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
BOUNDARY_FILTER = "边界文件 (*.geojson *.json *.shp *.zip);;GeoJSON (*.geojson *.json);;Shapefile (*.shp *.zip)"
MAX_WARNINGS_SHOWN = 30


class GridFiles(QObject):
    """Owns the three drop-down menus of the page's toolbar and their actions."""

    def __init__(self, page: GridsPage) -> None:
        super().__init__(page)
        self.page = page
        self.env = page.env
        self.import_menu = QMenu("导入", page)
        self.import_menu.addAction("网格表（Excel）…", self.import_grids)
        self.import_menu.addAction("网格人员表（Excel）…", self.import_staff)
        self.import_menu.addSeparator()
        self.import_menu.addAction("网格边界（GeoJSON/Shapefile）…", self.import_boundaries)
        self.export_menu = QMenu("导出", page)
        self.export_menu.addAction("网格表（Excel）…", self.export_grids)
        self.export_menu.addAction("网格人员表（电话脱敏）…", self.export_staff)
        self.template_menu = QMenu("下载模板", page)
        self.template_menu.addAction("网格表导入模板…", self.grid_template)
        self.template_menu.addAction("网格人员表导入模板…", self.staff_template)

    def show_error(self, error: BaseException) -> None:
        messages.show_error(self.page, error)

    # --- imports ---------------------------------------------------------------------
    @page_slot
    async def import_grids(self) -> None:
        await self._import("导入网格表", XLSX_FILTER, import_grids)

    @page_slot
    async def import_staff(self) -> None:
        await self._import("导入网格人员表", XLSX_FILTER, import_staff)

    @page_slot
    async def import_boundaries(self) -> None:
        await self._import("导入网格边界", BOUNDARY_FILTER, import_boundaries)

    async def _import(self, title: str, file_filter: str, service: Callable[..., Any]) -> None:
        path = self.page.ask_open_path(title, file_filter)
        if not path:
            return
        context = self.env.context

        def work(progress: ProgressCallback, cancel: CancelToken) -> Any:
            return service(context.uow(), actor=context.actor, path=Path(path),
                           progress=progress, cancel=cancel)

        try:
            result = await run_with_progress(self.env.tasks, self.page, f"正在{title}", work)
        except Exception as error:
            self.show_error(error)
            return
        text, details = _describe(result, Path(path).name)
        self.page.data_changed.emit()
        await self.page.reload()
        self.page.notify(f"{title}完成", text, details)

    # --- exports and templates ----------------------------------------------------------
    @page_slot
    async def export_grids(self) -> None:
        await self._export("导出网格表", f"网格清单-{date.today():%Y%m%d}.xlsx", export_grids, "个网格")

    @page_slot
    async def export_staff(self) -> None:
        await self._export("导出网格人员表", f"网格人员-{date.today():%Y%m%d}.xlsx", export_staff,
                           "条任职")

    async def _export(self, title: str, name: str, service: Callable[..., int], what: str) -> None:
        path = self.page.ask_save_path(title, name, XLSX_FILTER)
        if not path:
            return
        context = self.env.context

        def work(progress: ProgressCallback, cancel: CancelToken) -> int:
            return service(context.uow(), Path(path), actor=context.actor, progress=progress,
                           cancel=cancel)

        try:
            count = await run_with_progress(self.env.tasks, self.page, f"正在{title}", work)
        except Exception as error:
            self.show_error(error)
            return
        self.page.notify(f"{title}完成", f"已导出 {count} {what}到：\n{path}")

    @page_slot
    async def grid_template(self) -> None:
        await self._template("网格表导入模板.xlsx", write_grid_template)

    @page_slot
    async def staff_template(self) -> None:
        await self._template("网格人员表导入模板.xlsx", write_staff_template)

    async def _template(self, name: str, writer: Callable[[Path], None]) -> None:
        path = self.page.ask_save_path("保存导入模板", name, XLSX_FILTER)
        if not path:
            return
        try:
            await self.env.tasks.cpu(writer, Path(path))
        except Exception as error:
            self.show_error(error)
            return
        self.page.notify("模板已保存", f"模板已保存到：\n{path}\n\n请按“填写说明”工作表填写后再导入。")


def _describe(result: Any, file_name: str) -> tuple[str, list[str]]:
    """The summary sentence of an import and its warnings (boundary overlaps and gaps)."""
    message = getattr(result, "message", "")
    if message:
        return message, []
    matched = len(getattr(result, "matched", {}))
    warnings = [str(w) for w in getattr(result, "warnings", ())]
    text = f"已从 {file_name} 导入 {matched} 个网格的边界。"
    if warnings:
        text += f"\n\n发现 {len(warnings)} 处边界重叠或空隙，不影响导入，请核对（详见“显示详细信息”）："
        text += "\n" + "\n".join(f"· {w}" for w in warnings[:3])
        if len(warnings) > 3:
            text += f"\n……另有 {len(warnings) - 3} 处"
    return text, warnings[:MAX_WARNINGS_SHOWN]
