"""Proof that a built program works end to end: files written with the bundled parts.

``subcenter --smoke`` only opens the window. An installer build also has to show that
the frozen program finds what PyInstaller may have left out: alembic's scripts (the
database was migrated), reportlab with the bundled CJK font (a PDF with Chinese text)
and openpyxl (an xlsx template). When the environment variable
``SUBCENTER_SMOKE_ARTIFACTS`` names a folder, the smoke run calls
``write_smoke_artifacts`` and the installer checks look at the files it returns.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import __version__
from desktop.clock import now
from desktop.domain.errors import ConflictError
from desktop.spreadsheets.grids import write_grid_template
from local_db.migrate import current_revision

if TYPE_CHECKING:
    from desktop.bootstrap import AppContext

ARTIFACTS_ENV = "SUBCENTER_SMOKE_ARTIFACTS"
PDF_NAME = "smoke-self-check.pdf"
XLSX_NAME = "smoke-grid-template.xlsx"
PDF_TITLE = "街道综合指挥分中心客户端 自检"


def write_smoke_artifacts(context: AppContext, folder: Path) -> list[Path]:
    """Write a one-page PDF and the grid import template into ``folder`` (created if
    missing) and return their paths, PDF first.

    Refuses (ConflictError) when the database still has migrations pending: the smoke
    run must prove the migrations ran, not skip them."""
    pending = context.pending_migrations()
    if pending:
        raise ConflictError(f"自检失败：数据库还有未执行的升级 {', '.join(pending)}。")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    revision = current_revision(context.paths.database) or "无"
    pdf = _write_pdf(folder / PDF_NAME, [
        f"程序版本：{__version__}",
        f"数据库版本：{revision}（已完成升级）",
        f"数据目录：{context.paths.root}",
        f"运行方式：{'安装包（冻结）' if getattr(sys, 'frozen', False) else '源代码'}",
        f"系统：{platform.system()} {platform.release()} · Python {platform.python_version()}",
        f"时间：{now():%Y-%m-%d %H:%M:%S}",
        "中文字体、PDF 与 Excel 组件均可正常使用。",
    ])
    xlsx = folder / XLSX_NAME
    write_grid_template(xlsx)
    return [pdf, xlsx]


def _write_pdf(path: Path, lines: list[str]) -> Path:
    """One A4 page in the bundled CJK font (reportlab embeds a subset of it)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from desktop.documents.fonts import sans_font

    font = sans_font()
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle(PDF_TITLE)
    width, height = A4
    canvas.setFont(font, 20)
    canvas.drawCentredString(width / 2, height - 40 * mm, PDF_TITLE)
    canvas.setFont(font, 12)
    for index, line in enumerate(lines):
        canvas.drawString(25 * mm, height - (60 + index * 9) * mm, line)
    canvas.showPage()
    canvas.save()
    return path
