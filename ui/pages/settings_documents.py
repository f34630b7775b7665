"""设置 › 文书与印章: the sub-center's seal image — a preview at about print size pressed
on sample text (so a background that is not transparent shows at once), its facts,
choosing a new image and removing it.

Everyone may look; only the director (审批公文) may change it: the buttons are gated
here and ``desktop.services.seal`` refuses anyway. Image checks, file writes and loading
the preview run on worker threads (a QImage, not a QPixmap, may be made off the GUI
thread). The file chooser and the question are replaceable by tests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.config import DataPaths
from desktop.domain.permissions import Permission, allowed
from desktop.services.seal import (
    MAX_FILE_BYTES,
    MIN_WIDTH_PX,
    PRINT_WIDTH_MM,
    SealStatus,
    install_seal,
    remove_seal,
    seal_status,
)
from ui.dialogs import messages
from ui.dialogs.messages import ask
from ui.env import UiEnv
from ui.pages.base import page_slot
from ui.pages.work_page import TIP_PROPERTY, WorkPage, gate, role_note_label

PERMISSION = Permission.DOCUMENT_APPROVE
FILE_FILTER = "PNG 图片 (*.png);;所有文件 (*)"
SAMPLE_DATE = "2026年11月23日"
PAPER, INK, MUTED = "#ffffff", "#111111", "#5f6b78"
BANNER_STYLE = ("background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; "
                "padding: 8px; color: #5c4300;")
NOTE = ("印章只盖在已审批的公文上：草稿和待审批的公文不盖章。已打印归档的公文保持归档时的样子，"
        "更换或移除印章不会改变它们。")
RULES = (f"印章图片须为 PNG 格式、背景透明（印章以外的部分透明，盖章处的文字才看得见）、"
         f"宽不少于 {MIN_WIDTH_PX} 像素（建议 500 像素以上）、不超过 "
         f"{MAX_FILE_BYTES // (1024 * 1024)} MB。电子印章图片请向印章管理部门索取。"
         "只有执法办主任可以更换或移除印章，每次更改都记入审计日志。")


def load_seal(paths: DataPaths) -> tuple[SealStatus, QImage]:
    """The seal's facts and its image (worker thread: QImage is safe off the GUI thread)."""
    status = seal_status(paths)
    return status, QImage(str(status.path)) if status.present else QImage()


class SealPreview(QWidget):
    """A piece of white paper with a sender and a date, the seal pressed on them at about
    its printed size (``PRINT_WIDTH_MM`` on this screen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.sender = "（发文机关）"
        self.setMinimumSize(460, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_seal(self, image: QImage, sender: str) -> None:
        self.image, self.sender = image, sender or self.sender
        self.update()

    def seal_pixels(self) -> float:
        return PRINT_WIDTH_MM / 25.4 * self.logicalDpiX()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        paper = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        painter.fillRect(paper, QColor(PAPER))
        painter.setPen(QPen(QColor("#c9ced6")))
        painter.drawRect(paper)
        body = QFont(self.font())
        body.setPointSizeF(15)
        painter.setFont(body)
        painter.setPen(QColor(INK))
        line = painter.fontMetrics().height() * 1.5
        centre_y = paper.center().y()
        painter.drawText(QRectF(paper.left() + 24, centre_y - 2.2 * line, paper.width() - 48, line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         "    特此函告。")
        for offset, text in ((-0.5, self.sender), (0.5, SAMPLE_DATE)):
            painter.drawText(QRectF(paper.left(), centre_y + (offset - 0.5) * line + 0.25 * line,
                                    paper.width(), line), Qt.AlignmentFlag.AlignCenter, text)
        self._paint_seal(painter, paper)
        painter.end()

    def _paint_seal(self, painter: QPainter, paper: QRectF) -> None:
        size = self.seal_pixels()
        if self.image.isNull():
            painter.setPen(QPen(QColor("#b0b7c0"), 1.5, Qt.PenStyle.DashLine))
            box = QRectF(0, 0, size, size)
            box.moveCenter(paper.center())
            painter.drawEllipse(box)
            painter.setPen(QColor(MUTED))
            painter.drawText(box.adjusted(0, size * 0.55, 0, 0), Qt.AlignmentFlag.AlignHCenter,
                             "未设置印章")
            return
        height = size * self.image.height() / max(1, self.image.width())
        target = QRectF(0, 0, size, height)
        target.moveCenter(paper.center())
        painter.drawImage(target, self.image)


class DocumentsTab(WorkPage):
    last_dir_key = "seal_last_dir"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.status: SealStatus | None = None
        self.last_error: BaseException | None = None
        self.role_note = role_note_label()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        top = QHBoxLayout()
        top.addWidget(self._preview_box(), 3)
        top.addWidget(self._facts_box(), 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.role_note)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self._notes_box())
        layout.addStretch(1)
        self.choose_button.clicked.connect(self._on_choose)
        self.remove_button.clicked.connect(self._on_remove)
        self._gate()

    # --- construction ----------------------------------------------------------------
    def _preview_box(self) -> QGroupBox:
        self.preview = SealPreview()
        caption = QLabel("预览：约为打印大小，印章压在文字上；背景透明时，红色印章下的文字清晰可见。")
        caption.setWordWrap(True)
        caption.setStyleSheet(f"color: {MUTED};")
        box = QGroupBox("印章预览")
        inner = QVBoxLayout(box)
        inner.addWidget(self.preview)
        inner.addWidget(caption)
        return box

    def _facts_box(self) -> QGroupBox:
        self.facts: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        for caption in ("状态", "图片尺寸", "打印尺寸", "文件大小", "SHA-256", "更新时间", "文件位置"):
            label = QLabel("—")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts[caption] = label
            form.addRow(caption, label)
        self.choose_button = QPushButton("选择印章图片…")
        self.choose_button.setObjectName("primary")
        self.choose_button.setProperty(TIP_PROPERTY, "选择背景透明的 PNG 印章图片，检查后设为本分中心的印章")
        self.remove_button = QPushButton("移除印章")
        self.remove_button.setProperty(TIP_PROPERTY, "移除后，审批的公文打印时不盖章")
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        box = QGroupBox("当前印章")
        inner = QVBoxLayout(box)
        inner.addLayout(form)
        inner.addStretch(1)
        inner.addLayout(buttons)
        return box

    def _notes_box(self) -> QGroupBox:
        box = QGroupBox("说明")
        inner = QVBoxLayout(box)
        for text in (NOTE, RULES):
            label = QLabel(text)
            label.setWordWrap(True)
            inner.addWidget(label)
        return box

    # --- loading ---------------------------------------------------------------------
    async def reload(self, select: object = None) -> None:
        status, image = await self.env.tasks.cpu(load_seal, self.env.context.paths)
        self.show_status(status, image)
        self.loaded = True

    def show_status(self, status: SealStatus, image: QImage) -> None:
        self.status = status
        info = self.env.sub_center
        self.preview.show_seal(image, info.issuing_authority if info else "")
        shown = {caption: "—" for caption in self.facts}
        shown["状态"] = "未设置：公文打印时不盖章"
        shown["文件位置"] = str(status.path)
        if status.present:
            shown.update({
                "状态": "已设置：审批后的公文打印时加盖此印章" if status.problem is None
                else "已设置，但图片不合要求（见上方提示）",
                "图片尺寸": status.size_text,
                "打印尺寸": f"宽 {PRINT_WIDTH_MM:g} 毫米，约 {status.print_dpi} dpi"
                if status.width_px else "—",
                "文件大小": status.file_size_text,
                "SHA-256": status.sha256_short,
                "更新时间": f"{status.modified_at:%Y-%m-%d %H:%M}" if status.modified_at else "—",
            })
        for caption, text in shown.items():
            self.facts[caption].setText(text)
        self.facts["SHA-256"].setToolTip(status.sha256)
        self.banner.setText(f"⚠ 当前的印章文件不合要求，请更换：{status.problem}"
                            if status.problem else "")
        self.banner.setVisible(bool(status.problem))
        self._gate()

    def _gate(self) -> None:
        role = self.env.context.actor.role
        gate(self.choose_button, PERMISSION, role)
        gate(self.remove_button, PERMISSION, role, self.status is not None and self.status.present)
        note = "" if allowed(role, PERMISSION) else (
            f"只读：您的角色（{role.label}）可以查看印章，不能更换或移除（只有执法办主任可以）")
        self.role_note.setText(note)
        self.role_note.setVisible(bool(note))

    # --- changing the seal -------------------------------------------------------------
    @page_slot
    async def _on_choose(self) -> None:
        path = self.ask_open_path("选择印章图片（背景透明的 PNG）", FILE_FILTER)
        if not path:
            return
        source = Path(path)
        if self.status is not None and self.status.present and not await ask(
                self, "更换印章", f"用“{source.name}”替换当前的印章？\n\n"
                "此后审批的公文打印时加盖新印章；已打印归档的公文不受影响。"):
            return
        context = self.env.context
        try:
            status = await self.env.tasks.db(install_seal, context.uow(), context.paths,
                                              actor=context.actor, source=source)
        except Exception as error:
            self.show_error(error)
            return
        await self.reload()
        self.data_changed.emit()
        self.notify("印章已设置", f"已把“{source.name}”设为本分中心的印章（{status.size_text}）。"
                                 "此后审批的公文打印时加盖此印章。")

    @page_slot
    async def _on_remove(self) -> None:
        if not await ask(self, "移除印章", "移除本分中心的印章？\n\n移除后，审批的公文打印时不盖章；"
                                           "已打印归档的公文不受影响。如需恢复，须重新选择印章图片。"):
            return
        context = self.env.context
        try:
            await self.env.tasks.db(remove_seal, context.uow(), context.paths, actor=context.actor)
        except Exception as error:
            self.show_error(error)
            return
        await self.reload()
        self.data_changed.emit()
        self.notify("印章已移除", "已移除本分中心的印章。此后审批的公文打印时不盖章。")

    def show_error(self, error: BaseException) -> None:
        self.last_error = error
        messages.show_error(self, error)
