"""A person's enforcement certificates (执法证): add one, renew one (换证/年审: the same
number with a later validity), revoke one (吊销/注销). The certificate's rules (unique
number, at least one domain, a real period) are the service's, shown inline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop.clock import today
from desktop.domain.roster import EnforcementDomain
from desktop.services.certificates import add_certificate, renew_certificate, revoke_certificate
from desktop.services.roster_rows import CertificateRow, OfficerRow
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.officer_dialogs import editable_combo
from ui.dialogs.staff_dialog import date_edit, hint_label, to_date
from ui.env import UiEnv

DEFAULT_AUTHORITIES = ("湖南省人民政府", "长沙市人民政府")
CERTIFICATE_YEARS = 5
DOMAIN_COLUMNS = 3


def default_until(start: date) -> date:
    """The usual end of a certificate's validity: five years less a day."""
    try:
        later = start.replace(year=start.year + CERTIFICATE_YEARS)
    except ValueError:  # 29 February
        later = start.replace(year=start.year + CERTIFICATE_YEARS, day=28)
    return later - timedelta(days=1)


class DomainPicker(QWidget):
    """The enforcement domains as check boxes in a grid (Tab moves, Space ticks)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[EnforcementDomain, QCheckBox] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(16)
        for index, domain in enumerate(EnforcementDomain):
            box = QCheckBox(domain.label)
            self.boxes[domain] = box
            layout.addWidget(box, index // DOMAIN_COLUMNS, index % DOMAIN_COLUMNS)

    def chosen(self) -> list[EnforcementDomain]:
        return [domain for domain, box in self.boxes.items() if box.isChecked()]

    def set_chosen(self, domains: Sequence[EnforcementDomain]) -> None:
        for domain, box in self.boxes.items():
            box.setChecked(domain in domains)

    def setFocus(self, *args: object) -> None:  # Qt's name: focus the first box
        next(iter(self.boxes.values())).setFocus()


class CertificateDialog(FormDialog):
    """添加执法证: only a person holding a valid one is an enforcement officer, and only
    within its domains."""

    def __init__(self, env: UiEnv, officer: OfficerRow, authorities: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(env, f"添加执法证 — {officer.name}", "添加", parent)
        self.officer = officer
        self.result_row: CertificateRow | None = None
        self.number = QLineEdit(placeholderText="如：湘430102260001")
        known = list(dict.fromkeys([*authorities, *DEFAULT_AUTHORITIES]))
        self.authority = editable_combo([(a, a) for a in known], known[0] if known else "")
        self.domains = DomainPicker()
        start = today()
        self.valid_from = date_edit(start)
        self.valid_until = date_edit(default_until(start))
        form = QFormLayout()
        form.addRow("持证人", QLabel(f"{officer.name}（{officer.force.short}，"
                                     f"{officer.unit_name or '未填原单位'}）"))
        form.addRow("执法证号 *", self.number)
        form.addRow("发证机关 *", self.authority)
        form.addRow("执法领域 *", self.domains)
        form.addRow("有效期自 *", self.valid_from)
        form.addRow("有效期至 *", self.valid_until)
        self.body.addLayout(form)
        self.body.addWidget(hint_label(
            "持证人只能在证载执法领域内执法；执法证到期前 30 天起在花名册和工作台提醒换证。"))
        self.number.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            add_certificate, context.uow(), actor=context.actor, officer_id=self.officer.id,
            number=self.number.text(), issuing_authority=self.authority.currentText(),
            domains=self.domains.chosen(), valid_from=to_date(self.valid_from),
            valid_until=to_date(self.valid_until))

    def field_widget(self, field: str) -> QWidget | None:
        return {"执法证号": self.number, "发证机关": self.authority, "执法领域": self.domains,
                "有效期自": self.valid_from, "有效期至": self.valid_until}.get(field)


class RenewCertificateDialog(FormDialog):
    """续期执法证: the new validity must end later than the old one."""

    def __init__(self, env: UiEnv, officer: OfficerRow, certificate: CertificateRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, f"执法证续期 — {officer.name}", "续期", parent)
        self.certificate = certificate
        self.result_row: CertificateRow | None = None
        start = max(today(), certificate.valid_from)
        self.valid_from = date_edit(start)
        self.valid_until = date_edit(default_until(start))
        form = QFormLayout()
        form.addRow("执法证号", QLabel(certificate.number))
        form.addRow("执法领域", QLabel(certificate.domain_labels))
        form.addRow("原有效期", QLabel(f"{certificate.valid_from} 至 {certificate.valid_until}"
                                     f"（{certificate.state.label}）"))
        form.addRow("新有效期自 *", self.valid_from)
        form.addRow("新有效期至 *", self.valid_until)
        self.body.addLayout(form)
        self.body.addWidget(hint_label("换发新证号的，请“添加执法证”登记新证，再注销旧证。"))
        self.valid_until.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            renew_certificate, context.uow(), actor=context.actor,
            certificate_id=self.certificate.id, valid_from=to_date(self.valid_from),
            valid_until=to_date(self.valid_until))

    def field_widget(self, field: str) -> QWidget | None:
        return {"有效期自": self.valid_from, "有效期至": self.valid_until}.get(field)


class RevokeCertificateDialog(FormDialog):
    """注销执法证: the holder stops enforcing in its domains at once."""

    def __init__(self, env: UiEnv, officer: OfficerRow, certificate: CertificateRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, f"注销执法证 — {officer.name}", "注销", parent)
        self.certificate = certificate
        self.result_row: CertificateRow | None = None
        self.reason = QLineEdit(placeholderText="如：调离执法岗位、已换发新证、被吊销")
        form = QFormLayout()
        form.addRow("执法证号", QLabel(certificate.number))
        form.addRow("执法领域", QLabel(certificate.domain_labels))
        form.addRow("有效期", QLabel(f"{certificate.valid_from} 至 {certificate.valid_until}"))
        form.addRow("原因 *", self.reason)
        self.body.addLayout(form)
        self.body.addWidget(hint_label("注销后该证立即失效，持证人不再计入该证执法领域的力量；"
                                       "记录保留在变更记录中。"))
        self.reason.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        self.result_row = await self.env.tasks.db(
            revoke_certificate, context.uow(), actor=context.actor,
            certificate_id=self.certificate.id, reason=self.reason.text())

    def field_widget(self, field: str) -> QWidget | None:
        return self.reason if field == "吊销原因" else None
