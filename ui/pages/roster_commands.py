"""The 执法队伍 page's commands on people: add, edit, status, 下沉 period, leave,
certificates, and revealing one full ID number.

Each opens its dialog with ``page.run_dialog`` (non-blocking; the dialog calls the
service and shows refusals inline) and, when it was accepted, lets the page announce
the change and reload with the person selected. ``reveal_id`` needs no dialog: it
fetches one full number (audited by the service) for the detail pane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop.domain.roster import CertificateState
from desktop.services.roster import reveal_id_number
from desktop.services.roster_rows import OfficerRow
from ui.dialogs import messages
from ui.dialogs.certificate_dialogs import (
    CertificateDialog,
    RenewCertificateDialog,
    RevokeCertificateDialog,
)
from ui.dialogs.officer_dialogs import (
    LeaveDialog,
    OfficerDialog,
    SecondmentDialog,
    StatusDialog,
)
from ui.pages.base import page_slot

if TYPE_CHECKING:
    from ui.pages.roster_page import RosterPage


class RosterCommands(QObject):
    def __init__(self, page: RosterPage) -> None:
        super().__init__(page)
        self.page = page
        self.env = page.env

    def _squads(self) -> list[str]:
        return sorted({row.squad for row in self.page.model.rows() if row.squad})

    def _authorities(self) -> list[str]:
        return sorted({c.issuing_authority for row in self.page.model.rows()
                       for c in row.certificates})

    @page_slot
    async def new_officer(self) -> None:
        dialog = OfficerDialog(self.env, self.page.units, self._squads(), parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.page.changed(f"已登记{row.name}（{row.force.label}）", row.id)

    @page_slot
    async def edit_officer(self) -> None:
        officer = self.page.current_officer()
        if officer is None:
            return
        dialog = OfficerDialog(self.env, self.page.units, self._squads(), officer, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            await self.page.changed(f"已保存{officer.name}的修改", officer.id)

    @page_slot
    async def change_status(self) -> None:
        officer = self.page.current_officer()
        if officer is None:
            return
        dialog = StatusDialog(self.env, officer, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.page.changed(f"{row.name}的状态已变更为{row.status.label}", row.id)

    @page_slot
    async def set_secondment(self) -> None:
        officer = self.page.current_officer()
        if officer is None:
            return
        dialog = SecondmentDialog(self.env, officer, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            await self.page.changed(f"已设置{officer.name}的下沉期", officer.id)

    @page_slot
    async def add_leave(self) -> None:
        officer = self.page.current_officer()
        if officer is None:
            return
        dialog = LeaveDialog(self.env, [officer], officer.id, parent=self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            await self.after_leave(dialog, officer.id)

    async def after_leave(self, dialog: LeaveDialog, select: str | None) -> None:
        """Announce a recorded leave; warn when it falls on the person's duty days."""
        leave = dialog.result_row
        assert leave is not None
        await self.page.changed(f"已登记{leave.officer_name}{leave.kind.label} {leave.start} 至 "
                                f"{leave.end}", select)
        if leave.duty_days:
            days = "、".join(f"{d.month}月{d.day}日" for d in leave.duty_days)
            self.page.notify("请调整值班表", f"{leave.officer_name}在请假期间（{days}）已排应急值班，"
                             "请到“应急值班表”改排其他人员。")

    @page_slot
    async def add_certificate(self) -> None:
        officer = self.page.current_officer()
        if officer is None:
            return
        dialog = CertificateDialog(self.env, officer, self._authorities(), self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.page.changed(f"已为{officer.name}登记执法证 {row.number}", officer.id)

    @page_slot
    async def renew_certificate(self) -> None:
        officer, certificate = self.page.current_officer(), self.page.detail.selected_certificate()
        if officer is None or certificate is None or certificate.revoked:
            return
        dialog = RenewCertificateDialog(self.env, officer, certificate, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            row = dialog.result_row
            await self.page.changed(f"执法证 {row.number} 已续期至 {row.valid_until}", officer.id)

    @page_slot
    async def revoke_certificate(self) -> None:
        officer, certificate = self.page.current_officer(), self.page.detail.selected_certificate()
        if officer is None or certificate is None or certificate.revoked:
            return
        dialog = RevokeCertificateDialog(self.env, officer, certificate, self.page)
        if await self.page.run_dialog(dialog) and dialog.result_row:
            await self.page.changed(f"已注销{officer.name}的执法证 {certificate.number}", officer.id)

    @page_slot
    async def reveal_id(self, officer: OfficerRow) -> None:
        context = self.env.context
        try:
            number = await self.env.tasks.db(reveal_id_number, context.uow(), actor=context.actor,
                                             officer_id=officer.id)
        except Exception as error:
            messages.show_error(self.page, error)
            return
        self.page.detail.show_full_id(officer.id, number)
        self.page.status_message.emit(f"已显示{officer.name}的完整身份证号码；本次查看已记入审计日志")


def certificate_selectable(officer: OfficerRow | None) -> bool:
    """Whether renewing or revoking makes sense: the person has a certificate not revoked."""
    return officer is not None and any(c.state is not CertificateState.REVOKED
                                       for c in officer.certificates)
