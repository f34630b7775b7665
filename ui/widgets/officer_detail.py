"""The detail of the selected person on the 执法队伍 page: their fields, whether they can
be deployed today (and why not), their certificates and their history. A pure view:
the page loads the rows and hands them over.

The ID number shows masked. 「显示完整身份证号」 asks the page, through
``revealRequested``, to fetch the full number from the audited service; it then
replaces the masked text until another person is shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.roster import Force, OfficerStatus
from desktop.services.roster_rows import CertificateRow, OfficerEventRow, OfficerRow, domain_labels
from ui.models.officer_list import CERTIFICATE_COLUMNS, OFFICER_HISTORY_COLUMNS
from ui.widgets.grid_detail import row_table

FORCE_STYLE = {
    Force.STREET: "background:#dfeaf7; color:#1f3a5a;",
    Force.SUNK: "background:#e6f2e0; color:#2d5a1e;",
    Force.COOPERATING: "background:#f3e8f7; color:#5a2d6b;",
}
STATUS_STYLE = {
    OfficerStatus.ON_DUTY: "background:#e3f3e6; color:#1e6b34;",
    OfficerStatus.ON_LEAVE: "background:#fff1c7; color:#7a5b00;",
    OfficerStatus.SECONDED: "background:#fbe9d9; color:#8a4b12;",
    OfficerStatus.LEFT: "background:#eceff3; color:#5f6b78;",
}
REVEAL_TEXT = "显示完整身份证号"
FIELDS = ("身份证号", "电话", "原单位", "编制", "职务", "中队", "状态", "下沉期")


def badge(text: str, style: str) -> str:
    return f'<span style="{style}">&nbsp;{text}&nbsp;</span>'


class OfficerDetail(QWidget):
    certificateSelectionChanged = Signal()
    revealRequested = Signal(object)  # the OfficerRow whose full ID number the user asked for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.officer: OfficerRow | None = None
        self._may_reveal = False
        self._reveal_denied = ""
        self.stack = QStackedWidget()
        self.placeholder = QLabel("在上方列表中选择一名人员，\n查看其基本信息、今日能否出勤、执法证和变更记录。")
        self.placeholder.setStyleSheet("color: #6b7785;")
        self.placeholder.setMargin(16)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def _build_content(self) -> QWidget:
        content = QWidget()
        layout = QHBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_info())
        self.tabs = QTabWidget()
        self.certificate_view, self.certificate_model = row_table(CERTIFICATE_COLUMNS, self,
                                                                  stretch=1)
        self.history_view, self.history_model = row_table(OFFICER_HISTORY_COLUMNS, self,
                                                          stretch=2)
        self.tabs.addTab(self.certificate_view, "执法证")
        self.tabs.addTab(self.history_view, "变更记录")
        self.certificate_view.selectionModel().selectionChanged.connect(
            self.certificateSelectionChanged)
        layout.addWidget(self.tabs, 1)
        return content

    def _build_info(self) -> QWidget:
        box = QFrame()
        box.setObjectName("card")
        box.setFixedWidth(340)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1f3a5a;")
        self.badges = QLabel()
        self.badges.setTextFormat(Qt.TextFormat.RichText)
        self.today = QLabel()
        self.today.setObjectName("availabilityToday")
        self.today.setWordWrap(True)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(4)
        for caption in FIELDS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[caption] = value
            form.addRow(f"{caption}：", value)
        self.reveal_button = QPushButton(REVEAL_TEXT)
        self.reveal_button.setToolTip("显示该人员的完整身份证号码（本次查看将记入审计日志）")
        self.reveal_button.clicked.connect(self._on_reveal)
        reveal_row = QHBoxLayout()
        reveal_row.addStretch(1)
        reveal_row.addWidget(self.reveal_button)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.badges)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.today)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(reveal_row)
        return box

    # --- content -------------------------------------------------------------------
    def show_officer(self, row: OfficerRow | None) -> None:
        """Show a person's own fields and certificates at once; the history follows when
        the page has loaded it (cleared when it is another person)."""
        if row is None or self.officer is None or row.id != self.officer.id:
            self.set_history([])
        self.officer = row
        if row is None:
            self.stack.setCurrentIndex(0)
            self._update_reveal()
            return
        self.stack.setCurrentIndex(1)
        self.title.setText(f"{row.name}（{row.gender or '性别未填'}）")
        self.badges.setText(badge(row.force.label, FORCE_STYLE[row.force]) + " "
                            + badge(row.status.label, STATUS_STYLE[row.status]))
        self._show_today(row)
        since = f"（自 {row.status_since} 起）" if row.status_since else ""
        texts = {
            "身份证号": row.id_number_masked, "电话": row.phone_masked or "未填",
            "原单位": row.unit_name or "未填", "编制": row.staffing_type.label,
            "职务": row.position or "未填", "中队": row.squad or "未填",
            "状态": row.status.label + since, "下沉期": secondment_text(row),
        }
        for caption, text in texts.items():
            self.values[caption].setText(text)
        self.set_certificates(row.certificates)
        self._update_reveal()

    def _show_today(self, row: OfficerRow) -> None:
        if not row.available_today:
            self.today.setText(f"今日不可出勤：{row.unavailable_reason_today}")
            self.today.setStyleSheet("color:#a5281b; background:#fde2e1; padding:4px 6px;"
                                     "border-radius:3px;")
        elif row.is_enforcement_officer_today:
            self.today.setText(f"今日可出勤，可执法领域：{domain_labels(row.domains_today)}")
            self.today.setStyleSheet("color:#1e6b34; background:#e3f3e6; padding:4px 6px;"
                                     "border-radius:3px;")
        else:
            self.today.setText("今日可出勤，但无有效执法证：只能配合执法，不能单独执法")
            self.today.setStyleSheet("color:#7a5b00; background:#fff1c7; padding:4px 6px;"
                                     "border-radius:3px;")

    def set_certificates(self, rows: Sequence[CertificateRow]) -> None:
        self.certificate_model.set_rows(list(rows))
        self.tabs.setTabText(0, f"执法证（{len(rows)}）")
        live = [r for r in rows if not r.revoked]
        if len(live) == 1:  # the one certificate renewals and revocations are about
            self.certificate_view.selectRow(rows.index(live[0]))
        self.certificateSelectionChanged.emit()

    def set_history(self, rows: Sequence[OfficerEventRow]) -> None:
        self.history_model.set_rows(list(reversed(rows)))  # newest first
        self.tabs.setTabText(1, f"变更记录（{len(rows)}）")

    def history(self) -> list[OfficerEventRow]:
        return self.history_model.rows()  # type: ignore[return-value]

    def selected_certificate(self) -> CertificateRow | None:
        rows = self.certificate_view.selectionModel().selectedRows()
        return self.certificate_model.row_at(rows[0].row()) if rows else None  # type: ignore[return-value]

    # --- revealing the ID number -------------------------------------------------------
    def set_reveal_permission(self, allowed: bool, denied_tip: str = "") -> None:
        self._may_reveal, self._reveal_denied = allowed, denied_tip
        self._update_reveal()

    def _update_reveal(self) -> None:
        revealed = self.officer is not None and "*" not in self.values["身份证号"].text()
        self.reveal_button.setEnabled(self._may_reveal and self.officer is not None
                                      and not revealed)
        if not self._may_reveal:
            self.reveal_button.setToolTip(self._reveal_denied)

    def _on_reveal(self) -> None:
        if self.officer is not None and self.reveal_button.isEnabled():
            self.revealRequested.emit(self.officer)

    def show_full_id(self, officer_id: str, id_number: str) -> None:
        if self.officer is not None and self.officer.id == officer_id:
            self.values["身份证号"].setText(id_number)
        self._update_reveal()


def secondment_text(row: OfficerRow) -> str:
    if row.secondment_start is None:
        return "—" if row.force is not Force.SUNK else "未填"
    end = f"{row.secondment_end}" if row.secondment_end else "未定"
    return f"{row.secondment_start} 至 {end}"
