"""How the app looks and reads: Chinese translations for Qt's own dialogs, a CJK font
that renders on every machine, the style sheet, and high-DPI behaviour."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from resources import resource_path

log = logging.getLogger(__name__)

BUNDLED_FONT = resource_path("fonts", "wqy-microhei.ttc")
# Families that cover simplified Chinese well, in order of preference per platform.
PREFERRED_FAMILIES = (
    "Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB",
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
)
_translators: list[QTranslator] = []  # kept alive for the application's lifetime


def prepare_high_dpi() -> None:
    """Fractional scaling (125 %, 150 % are common on office PCs); call before the
    QApplication is created."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )


def install_look(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translations(app)
    icon = resource_path("icons", "subcenter.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    family = choose_ui_font()
    font = QFont(family, 10)
    app.setFont(font)
    stylesheet = resource_path("qss", "app.qss")
    if stylesheet.exists():
        app.setStyleSheet(stylesheet.read_text(encoding="utf-8"))


def install_translations(app: QApplication) -> None:
    """Qt's own buttons and dialogs (确定/取消, file dialogs) in Chinese."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # qt_zh_CN is a meta-catalogue that loads only when every Qt module's file is present;
    # the widgets we use are all in qtbase.
    for name in ("qtbase_zh_CN",):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, folder)


def choose_ui_font() -> str:
    """A family with Chinese glyphs: a good system font if present, else the bundled one."""
    installed = set(QFontDatabase.families())
    for family in PREFERRED_FAMILIES:
        if family in installed:
            return family
    font_id = QFontDatabase.addApplicationFont(str(BUNDLED_FONT))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.error("bundled CJK font %s could not be loaded", BUNDLED_FONT)
        return QFont().defaultFamily()
    return families[0]
