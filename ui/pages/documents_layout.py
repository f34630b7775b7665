"""The widgets of the 文书 page: columns of the document list and the register, the
filter bar and the command bar (built here so the page module keeps to behaviour)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton

from desktop.documents.font_roles import FontSet
from desktop.documents.kinds import DocumentKind
from desktop.domain.documents import DocumentState
from desktop.domain.permissions import Permission
from desktop.services.document_rows import DocumentRow, RegisterRow
from ui.models.row_table import Column
from ui.pages.work_page import TIP_PROPERTY

if TYPE_CHECKING:
    from ui.pages.documents_page import DocumentsPage

STATE_COLOURS = {DocumentState.SUBMITTED: "#fff4d6", DocumentState.VOIDED: "#eeeeee",
                 DocumentState.NUMBERED: "#e6f4ea"}

# The kind in the list, short enough for a narrow column (the filter has the full names).
SHORT_KINDS = {DocumentKind.ACTION_NOTICE: "行动通知", DocumentKind.ROSTER: "花名册",
               DocumentKind.MONTHLY_REPORT: "月度报告", DocumentKind.GRID_BOARD: "网格公示牌",
               DocumentKind.HANDOVER: "移送书"}


def _who(row: DocumentRow) -> str:
    done = f"；审批：{row.approved_by}" if row.approved_by else ""
    return f"{row.title}\n起草：{row.drafted_by}，{row.created_at:%Y-%m-%d %H:%M}{done}"


DOCUMENT_COLUMNS: list[Column[DocumentRow]] = [
    Column("发文字号", lambda r: r.number or ("审批后取号" if r.numbered_kind else "不编号"),
           lambda r: f"{r.year or 0:04d}{r.seq or 0:06d}{r.created_at.isoformat()}"),
    Column("种类", lambda r: SHORT_KINDS.get(r.kind, r.kind.label), tooltip=lambda r: r.kind.label),
    Column("标题", lambda r: r.title, tooltip=_who),
    Column("状态", lambda r: r.state.label,
           background=lambda r: STATE_COLOURS.get(r.state)),
    Column("起草", lambda r: f"{r.created_at:%m-%d}", lambda r: r.created_at.isoformat(),
           tooltip=_who),
    Column("打印", lambda r: str(r.print_count) if r.print_count else "", lambda r: r.print_count,
           align_right=True),
]
# Pixel widths; None stretches (the title takes what the others leave, elided).
DOCUMENT_WIDTHS: tuple[int | None, ...] = (140, 76, None, 58, 52, 40)

REGISTER_COLUMNS: list[Column[RegisterRow]] = [
    Column("发文字号", lambda r: r.number, lambda r: f"{r.year:04d}{r.word}{r.seq:06d}"),
    Column("序号", lambda r: str(r.seq), lambda r: r.seq, align_right=True),
    Column("种类", lambda r: r.kind.label),
    Column("标题", lambda r: r.title, tooltip=lambda r: r.title),
    Column("取号人", lambda r: r.taken_by),
    Column("取号时间", lambda r: f"{r.taken_at:%Y-%m-%d %H:%M}", lambda r: r.taken_at.isoformat()),
    Column("状态", lambda r: r.state.label,
           background=lambda r: "#eeeeee" if r.voided else None),
    Column("作废原因", lambda r: r.void_reason or "", tooltip=lambda r: r.void_reason or ""),
]
REGISTER_WIDTHS: tuple[int | None, ...] = (170, 50, 130, None, 110, 130, 70, 240)


# name on the page → (button text, permission, tooltip when allowed)
COMMANDS: dict[str, tuple[str, Permission, str]] = {
    "new_button": ("新建", Permission.DOCUMENT_DRAFT, "从一条诉求、吹哨、移送、行动、网格或月份起草公文"),
    "save_button": ("保存修改", Permission.DOCUMENT_DRAFT, "保存对草稿文字的修改"),
    "submit_button": ("提交审批", Permission.DOCUMENT_DRAFT, "把草稿提交执法办主任审批"),
    "approve_button": ("审批取号", Permission.DOCUMENT_APPROVE, "审批通过，并按发文字号顺序取号"),
    "send_back_button": ("退回修改", Permission.DOCUMENT_APPROVE, "把待审批的公文退回起草人修改"),
    "void_button": ("作废", Permission.DOCUMENT_VOID, "作废公文；已取的号保留在登记簿中并注明原因"),
    "print_button": ("打印", Permission.DOCUMENT_PRINT, "按原大打印；首次打印时归档 PDF 原件"),
    "batch_button": ("批量打印", Permission.DOCUMENT_PRINT, "打印列表中选中的全部已审批公文"),
    "save_pdf_button": ("另存为PDF", Permission.DATA_EXPORT, "把公文保存为 PDF 文件（已归档的为原件）"),
}


def command_bar(page: DocumentsPage) -> QHBoxLayout:
    bar = QHBoxLayout()
    for name, (text, _permission, tip) in COMMANDS.items():
        if name == "save_button":
            continue  # under the field editor
        button = QPushButton(text)
        button.setObjectName(name)
        button.setProperty(TIP_PROPERTY, tip)
        setattr(page, name, button)
        bar.addWidget(button)
        if name in ("new_button", "submit_button", "void_button"):
            bar.addSpacing(12)
    bar.addStretch(1)
    return bar


def filter_bar(page: DocumentsPage) -> QHBoxLayout:
    page.kind_filter = QComboBox()
    page.kind_filter.addItem("全部种类", None)
    for kind in DocumentKind:
        page.kind_filter.addItem(kind.label, kind.value)
    page.state_filter = QComboBox()
    page.state_filter.addItem("全部状态", None)
    for state in DocumentState:
        page.state_filter.addItem(state.label, state.value)
    page.year_filter = QComboBox()
    page.year_filter.addItem("全部年度", None)
    page.count_label = QLabel("")
    bar = QHBoxLayout()
    for label, combo in (("种类", page.kind_filter), ("状态", page.state_filter),
                         ("年度", page.year_filter)):
        bar.addWidget(QLabel(label))
        bar.addWidget(combo)
        bar.addSpacing(8)
    bar.addStretch(1)
    bar.addWidget(page.count_label)
    return bar


def fit_columns(table, widths: tuple[int | None, ...]) -> None:  # type: ignore[no-untyped-def]
    """Fixed widths, the ``None`` column stretched: the list always fits its width
    (no horizontal scrolling); long titles are elided, whole in their tooltip."""
    header = table.horizontalHeader()
    for column, width in enumerate(widths):
        if width is None:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(column, width)
    header.setMinimumSectionSize(36)
    table.setMinimumWidth(sum(w or 160 for w in widths) + 4)


def font_note(fonts: FontSet) -> str:
    """Which font roles print in a stand-in face, one clause per stand-in, e.g.
    "系统未安装的字体已代替：仿宋、小标宋用 AR PL SungtiL GB（宋体），黑体用 …"."""
    by_face: dict[str, list[str]] = {}
    for font in fonts.fonts:
        if not font.exact:
            by_face.setdefault(font.family, []).append(font.role.label)
    clauses = [f"{'、'.join(roles)}用 {face}" for face, roles in by_face.items()]
    return ("系统未安装的字体已代替：" + "，".join(clauses) + "。") if clauses else ""


FONT_TIP = ("公文标准字体：正文仿宋_GB2312，标题方正小标宋简体，一级标题黑体，二级标题楷体_GB2312，"
            "页码宋体。本机未安装的，用本程序内置的开源字体代替；安装标准字体后重新打开本程序，"
            "预览和打印即改用标准字体（已归档的公文不变）。")
