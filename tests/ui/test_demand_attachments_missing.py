"""A file link pulled from another PC of the street is listed before its bytes are
downloaded: the list says “尚未从区级平台下载” and opening it explains instead of failing."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.attachments import attachment_path, store_attachment
from tests.integration.demand_helpers import Desk, build_desk
from tests.ui.conftest import run, settle
from tests.ui.demand_ui_helpers import DIRECTOR, open_tab
from ui.pages import demand_list_tab
from ui.pages.demand_list_tab import DemandListTab


@pytest.fixture
def desk(ui_env) -> Desk:  # type: ignore[no-untyped-def]
    ui_env.context.actor = DIRECTOR
    return build_desk(ui_env.context)


def test_a_link_whose_file_is_not_here_yet_is_listed_and_not_opened(  # type: ignore[no-untyped-def]
        qtbot, ui_env, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demand = desk.intake(title="商户占道经营")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8 a photo" * 100)
    context = ui_env.context
    added = store_attachment(context.paths, context.uow(), actor=DIRECTOR, demand_id=demand.id,
                             source_path=photo)
    opened: list[object] = []
    monkeypatch.setattr(demand_list_tab.QDesktopServices, "openUrl", opened.append)
    page = open_tab(qtbot, ui_env, DemandListTab)

    run(qtbot, ui_env, page.load_detail(demand.id))
    item = page.detail.attachments.item(0)
    assert "现场.jpg" in item.text() and "尚未从区级平台下载" not in item.text()
    page.open_attachment(added.sha256)
    assert len(opened) == 1 and page.last_notice is None

    attachment_path(context.paths, added.sha256).unlink()  # as if linked on another PC
    run(qtbot, ui_env, page.load_detail(demand.id))
    settle(qtbot, ui_env)
    item = page.detail.attachments.item(0)
    assert item.text().endswith("尚未从区级平台下载") and "现场.jpg" in item.text()
    page.open_attachment(added.sha256)
    assert len(opened) == 1  # nothing handed to the system viewer
    title, text, _details = page.last_notice
    assert title == "附件尚未下载" and "同步" in text
