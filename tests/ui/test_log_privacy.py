"""No phone number or ID number ever reaches a log file (个人信息保护法).

The demo street is driven through the real window (every page, grid details, a staff
export, a refused phone number), errors carrying personal data go through the app's
own error paths, and records are logged at every level, with and without tracebacks.
Then every file in the logs folder is read: none of the demo's phones (read from the
database) nor any ID number may appear, masked forms only.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.demo_officers import demo_officers
from desktop.domain.errors import DomainError
from desktop.logs import configure_logging
from desktop.services.subcenter import get_sub_center
from desktop.spreadsheets.grid_staff import export_staff
from tests.demo_street import load_demo_street
from tests.ui.conftest import run, settle, type_text
from ui.dialogs.messages import show_error
from ui.main_window import MainWindow
from ui.pages.registry import PAGE_SPECS

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[Path]:
    """The app's log file set-up in a temporary folder, removed afterwards so no other
    test inherits the handler or the level."""
    root = logging.getLogger()
    level, before = root.level, list(root.handlers)
    folder = tmp_path / "logs"
    configure_logging(folder)
    try:
        yield folder
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)


def _demo_phones(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT phone FROM grid_person WHERE phone != ''").fetchall()
    finally:
        connection.close()
    return [phone for (phone,) in rows]


def _log_text(folder: Path) -> str:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RotatingFileHandler):
            handler.flush()
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.iterdir()))


def _drive_the_window(qtbot, ui_env, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    for spec in PAGE_SPECS:
        page = window.show_page(spec.key)
        run(qtbot, ui_env, page.reload(), timeout=30_000)
        settle(qtbot, ui_env)
    grids_page = window.show_page("grids")
    for row in grids_page.model.rows()[:4]:
        grids_page.select_grid(row.grid.id)
        settle(qtbot, ui_env)
    assert grids_page.detail.staff_model.rowCount() > 0


def _type_a_bad_phone(qtbot, ui_env, window: MainWindow, phone: str) -> str:  # type: ignore[no-untyped-def]
    """A demo phone with one digit too many, typed into 配备人员: refused inline."""
    page = window.show_page("grids")
    page.grid_actions["assign"].trigger()
    qtbot.waitUntil(lambda: page.active_dialog is not None and page.active_dialog.isVisible())
    dialog = page.active_dialog
    type_text(qtbot, dialog.name, "李四")
    type_text(qtbot, dialog.phone, phone + "5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and dialog.ok_button.isEnabled())
    message = dialog.error_label.text()
    dialog.reject()
    settle(qtbot, ui_env)
    return message


def _log_at_every_level(phone: str, id_number: str) -> None:
    log = logging.getLogger("subcenter.privacy-test")
    log.info("回访群众 %s，身份证 %s", phone, id_number)
    log.warning(f"号码 {phone} 的网格员本月在格天数不足")
    log.error("导入第 3 行失败：%s", {"联系电话": phone, "身份证号": id_number})
    try:
        try:
            raise ValueError(f"身份证号 {id_number} 校验位不符")
        except ValueError as inner:
            raise DomainError(f"联系电话 {phone} 已被另一人使用") from inner
    except DomainError:
        log.exception("保存人员时出错")


def test_no_phone_or_id_number_reaches_the_log_files(qtbot, ui_env, logs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    phones = _demo_phones(ui_env.context.paths.database)
    id_numbers = [officer.id_number for officer in demo_officers()]
    assert len(phones) > 50 and len(id_numbers) >= 4

    window = MainWindow(ui_env)
    qtbot.addWidget(window)
    window.show()
    # The app's wiring (ui.errors.install_excepthook): task errors go to show_error.
    ui_env.tasks.on_error = lambda exc: show_error(window, exc)
    _drive_the_window(qtbot, ui_env, window)
    export_staff(ui_env.context.uow(), tmp_path / "人员.xlsx", actor=ui_env.context.actor)
    refusal = _type_a_bad_phone(qtbot, ui_env, window, phones[0])
    assert "不是有效的手机号" in refusal

    async def fails() -> None:
        raise RuntimeError(f"意外：给 {phones[1]}（身份证 {id_numbers[0]}）发短信失败")

    ui_env.tasks.spawn(fails())  # unexpected: logged with its traceback, then shown
    qtbot.waitUntil(lambda: not ui_env.tasks.busy)
    _log_at_every_level(phones[2], id_numbers[1])
    window.close()

    text = _log_text(logs)
    # The records are there, masked: the test would pass vacuously otherwise.
    for expected in ("unexpected error", "RuntimeError", "回访群众", "在格天数不足",
                     "导入第 3 行失败", "保存人员时出错", "ValueError",
                     f"{phones[2][:3]}****{phones[2][7:]}", f"{id_numbers[1][:6]}********"):
        assert expected in text, f"{expected!r} missing from the log"
    assert [phone for phone in phones if phone in text] == []
    assert [number for number in id_numbers if number in text] == []
    assert MOBILE.findall(text) == [] and ID_NUMBER.findall(text) == []
