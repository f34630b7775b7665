"""设置 › 文书与印章 driven as a user would, on a real data folder: choosing a seal through
the file dialog (replaced at the edge), a refused image, removing with a question, the
preview showing the sample text through a transparent seal, and the buttons a role may
not use disabled with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage

from desktop.documents.samples import draw_specimen_seal
from desktop.domain.actor import Actor, Role
from desktop.services.seal import SealImageError, seal_status
from tests.conftest import STREET
from tests.ui.conftest import run, screenshot, settle
from ui.pages import settings_documents
from ui.pages.settings_documents import DocumentsTab
from ui.pages.settings_page import SettingsPage

RED = (230, 0, 0, 255)


def seal_png(path: Path, *, opaque: bool = False, pixels: int = 600) -> Path:
    """A thin red ring with a dot in the middle; transparent unless ``opaque``."""
    image = Image.new("RGBA", (pixels, pixels), (255, 255, 255, 255 if opaque else 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, pixels - 12, pixels - 12), outline=RED, width=18)
    draw.ellipse((pixels * 0.45, pixels * 0.45, pixels * 0.55, pixels * 0.55), fill=RED)
    image.save(path)
    return path


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The questions the tab asks; answered 是 unless a test sets ``answers.append("否")``."""
    asked: list[str] = []

    async def answer(_parent, title: str, text: str) -> bool:  # type: ignore[no-untyped-def]
        asked.append(f"{title}: {text}")
        return "否" not in asked

    monkeypatch.setattr(settings_documents, "ask", answer)
    return asked


def make_tab(qtbot, ui_env, role: Role, street=None) -> DocumentsTab:  # type: ignore[no-untyped-def]
    ui_env.context.actor = Actor("测试", role)
    ui_env.sub_center = street
    tab = DocumentsTab(ui_env)
    qtbot.addWidget(tab)
    tab.resize(1200, 720)
    tab.show()
    run(qtbot, ui_env, tab.reload())
    return tab


def choose(qtbot, ui_env, tab: DocumentsTab, path: Path | None,  # type: ignore[no-untyped-def]
           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tab, "ask_open_path",
                        lambda _title, _filter: str(path) if path else None)
    qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)


def ink_under_the_seal(tab: DocumentsTab) -> int:
    """Dark (text) pixels inside the seal's square of the preview."""
    shot: QImage = tab.preview.grab().toImage()
    size = round(tab.preview.seal_pixels())
    square = QRect(0, 0, size, size)
    square.moveCenter(tab.preview.rect().center())
    return sum(1 for x in range(square.left(), square.right(), 2)
               for y in range(square.top(), square.bottom(), 2)
               if max(shot.pixelColor(x, y).getRgb()[:3]) < 90)


def test_choosing_a_transparent_png_installs_it(qtbot, ui_env, street, tmp_path,  # type: ignore[no-untyped-def]
                                               monkeypatch, answers) -> None:
    tab = make_tab(qtbot, ui_env, Role.DIRECTOR, street)
    assert tab.facts["状态"].text().startswith("未设置")
    assert tab.choose_button.isEnabled() and not tab.remove_button.isEnabled()
    assert not tab.role_note.isVisible() and tab.preview.image.isNull()

    specimen = draw_specimen_seal(tmp_path / "芙蓉街道电子印章.png", STREET["issuing_authority"])
    choose(qtbot, ui_env, tab, specimen, monkeypatch)

    assert tab.last_error is None and answers == []  # nothing to replace: no question
    assert seal_status(ui_env.context.paths).width_px == 600
    assert tab.facts["状态"].text().startswith("已设置")
    assert tab.facts["图片尺寸"].text() == "600 × 600 像素"
    assert tab.facts["打印尺寸"].text() == "宽 42 毫米，约 363 dpi"
    assert tab.facts["SHA-256"].text() == seal_status(ui_env.context.paths).sha256_short
    assert tab.remove_button.isEnabled() and not tab.preview.image.isNull()
    assert tab.last_notice is not None and "芙蓉街道电子印章.png" in tab.last_notice[1]
    assert ink_under_the_seal(tab) > 50  # the sample text shows through
    if tab.notice_box is not None:
        tab.notice_box.close()
    settings = SettingsPage(ui_env)
    qtbot.addWidget(settings)
    settings.resize(1280, 800)
    settings.show()
    run(qtbot, ui_env, settings.show_tab("文书与印章").reload())
    screenshot(settings, "settings-documents")


def test_a_refused_image_shows_the_reason_and_keeps_the_old_seal(  # type: ignore[no-untyped-def]
        qtbot, ui_env, street, tmp_path, monkeypatch, answers) -> None:
    tab = make_tab(qtbot, ui_env, Role.DIRECTOR)
    good = seal_png(tmp_path / "原印章.png")
    choose(qtbot, ui_env, tab, good, monkeypatch)
    choose(qtbot, ui_env, tab, seal_png(tmp_path / "扫描件.png", opaque=True), monkeypatch)

    assert answers and answers[-1].startswith("更换印章") and "扫描件.png" in answers[-1]
    assert isinstance(tab.last_error, SealImageError)
    assert "“扫描件.png”没有透明背景" in tab.last_error.message
    assert (ui_env.context.paths.root / "seal.png").read_bytes() == good.read_bytes()
    assert tab.facts["图片尺寸"].text() == "600 × 600 像素"


def test_declining_the_replacement_changes_nothing(qtbot, ui_env, street, tmp_path,  # type: ignore[no-untyped-def]
                                                   monkeypatch, answers) -> None:
    tab = make_tab(qtbot, ui_env, Role.DIRECTOR)
    good = seal_png(tmp_path / "原印章.png")
    choose(qtbot, ui_env, tab, good, monkeypatch)
    answers.append("否")
    choose(qtbot, ui_env, tab, seal_png(tmp_path / "新印章.png", pixels=800), monkeypatch)
    assert (ui_env.context.paths.root / "seal.png").read_bytes() == good.read_bytes()
    choose(qtbot, ui_env, tab, None, monkeypatch)  # the dialog cancelled
    assert tab.last_error is None


def test_removing_asks_first(qtbot, ui_env, street, tmp_path, monkeypatch,  # type: ignore[no-untyped-def]
                             answers) -> None:
    tab = make_tab(qtbot, ui_env, Role.DIRECTOR)
    choose(qtbot, ui_env, tab, seal_png(tmp_path / "印章.png"), monkeypatch)
    answers.append("否")
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert seal_status(ui_env.context.paths).present
    answers.clear()
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert answers[0].startswith("移除印章")
    assert not seal_status(ui_env.context.paths).present
    assert tab.facts["状态"].text().startswith("未设置") and not tab.remove_button.isEnabled()
    assert tab.preview.image.isNull()


def test_a_hand_copied_opaque_seal_is_flagged_and_hides_the_text(  # type: ignore[no-untyped-def]
        qtbot, ui_env, street) -> None:
    seal_png(ui_env.context.paths.root / "seal.png", opaque=True)
    tab = make_tab(qtbot, ui_env, Role.DIRECTOR)
    assert tab.banner.isVisible() and "不合要求" in tab.banner.text()
    assert "没有透明背景" in tab.banner.text()
    assert ink_under_the_seal(tab) == 0  # exactly what the preview is there to show
    screenshot(tab, "settings-documents-opaque-seal")


@pytest.mark.parametrize("role", [Role.CLERK, Role.SYSADMIN, Role.OPERATOR, Role.GRID_ADMIN])
def test_roles_other_than_the_director_see_the_seal_but_cannot_change_it(  # type: ignore[no-untyped-def]
        qtbot, ui_env, street, role: Role) -> None:
    seal_png(ui_env.context.paths.root / "seal.png")
    tab = make_tab(qtbot, ui_env, role)
    assert tab.facts["图片尺寸"].text() == "600 × 600 像素"
    for button in (tab.choose_button, tab.remove_button):
        assert not button.isEnabled()
        assert f"您的角色（{role.label}）无权“审批公文" in button.toolTip()
    assert tab.role_note.isVisible() and "不能更换或移除（只有执法办主任可以）" in tab.role_note.text()
    if role is Role.CLERK:
        screenshot(tab, "settings-documents-clerk")
    settings = SettingsPage(ui_env)
    qtbot.addWidget(settings)
    assert "文书与印章" in [settings.tabs.tabText(i) for i in range(settings.tabs.count())]
