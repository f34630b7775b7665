"""Chinese everywhere, on a machine without CJK fonts: Qt's own buttons are translated
and the text is drawn with a font that has Chinese glyphs."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics, QRawFont
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from ui.look import choose_ui_font
from ui.main_window import GEOMETRY_KEY, MainWindow


def test_qt_standard_buttons_are_chinese(styled_app) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Save)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert {"确定", "取消", "保存"} <= {t.split("(")[0] for t in texts}, texts
    message = QMessageBox(QMessageBox.Icon.Warning, "t", "x", QMessageBox.StandardButton.Yes
                          | QMessageBox.StandardButton.No)
    assert {message.button(b).text().replace("&", "").split("(")[0]
            for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)} == {"是", "否"}


def test_the_application_font_has_chinese_glyphs(styled_app: QApplication) -> None:
    font = styled_app.font()
    assert font.family() == choose_ui_font()
    raw = QRawFont.fromFont(font)
    for character in "街道综合指挥分中心网格诉求吹哨〔〕":
        # ord(): PySide's str overload mis-converts characters beyond Latin-1
        assert raw.supportsCharacter(ord(character)), f"{font.family()} lacks {character}"
    assert QFontMetrics(font).horizontalAdvance("网格") > 0


def test_window_geometry_is_remembered(qtbot, ui_env, street) -> None:
    window = MainWindow(ui_env)
    qtbot.addWidget(window)
    window.show()
    window.setGeometry(40, 50, 1111, 733)
    # The window system applies a geometry when it gets to it (later on a loaded machine).
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1111, 733))
    window.close()
    assert ui_env.context.settings.get(GEOMETRY_KEY)
    again = MainWindow(ui_env)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (1111, 733)
