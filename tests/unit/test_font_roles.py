"""Font discovery per role: installed files by name, rejection of unusable ones, fallbacks."""

from __future__ import annotations

import shutil
import sys
import threading
from pathlib import Path

import pytest
import reportlab
from reportlab.pdfbase import pdfmetrics

from desktop.documents.font_roles import (
    FontRole,
    bundled_fonts,
    default_font_dirs,
    resolve_fonts,
)
from resources import resource_path

KAI = resource_path("fonts", "gkai00mp.ttf")
SONG = resource_path("fonts", "gbsn00lp.ttf")
VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # TrueType without Chinese


def test_bundled_fallbacks_cover_every_role_and_say_so() -> None:
    fonts = bundled_fonts()
    assert [font.role for font in fonts.fonts] == list(FontRole)
    for font in fonts.fonts:
        assert font.bundled and not font.exact and font.path.is_file()
        assert font.name in pdfmetrics.getRegisteredFontNames()
        assert (font.path.parent / f"{font.path.stem}.LICENSE.txt").is_file()
    assert fonts.substitutions()[0] == "仿宋：未找到仿宋_GB2312，以 AR PL SungtiL GB（宋体）代替"
    assert fonts[FontRole.KAITI].note == "楷体：未找到楷体_GB2312，以 AR PL KaitiM GB（楷体）代替"
    assert fonts[FontRole.HEITI].path.name == "wqy-microhei.ttc"
    assert fonts[FontRole.XIAOBIAOSONG].embolden and not fonts[FontRole.FANGSONG].embolden


def test_installed_fonts_are_found_by_name_in_nested_folders(tmp_path: Path) -> None:
    nested = tmp_path / "truetype" / "windows"
    nested.mkdir(parents=True)
    shutil.copy(KAI, nested / "SIMKAI.TTF")  # names match case-insensitively
    shutil.copy(SONG, tmp_path / "simfang.ttf")
    fonts = resolve_fonts([tmp_path])
    kai = fonts[FontRole.KAITI]
    assert kai.exact and not kai.bundled and kai.path == nested / "SIMKAI.TTF"
    assert kai.family == "楷体（SimKai）" and kai.note is None
    assert fonts[FontRole.FANGSONG].path == tmp_path / "simfang.ttf"
    notes = fonts.substitutions()
    assert not any(note.startswith(("仿宋", "楷体")) for note in notes)
    assert any(note.startswith("黑体") for note in notes)


def test_a_same_style_linux_font_is_used_but_reported(tmp_path: Path) -> None:
    shutil.copy(KAI, tmp_path / "gkai00mp.ttf")
    kai = resolve_fonts([tmp_path])[FontRole.KAITI]
    assert not kai.bundled and kai.path.parent == tmp_path
    assert kai.note == "楷体：未找到楷体_GB2312，以 AR PL KaitiM GB（楷体）代替"


def test_unusable_files_fall_back_to_the_bundled_font(tmp_path: Path) -> None:
    (tmp_path / "simfang.ttf").write_bytes(b"OTTO" + bytes(200))  # CFF outlines: not embeddable
    (tmp_path / "simhei.ttf").write_bytes(b"not a font at all")
    shutil.copy(VERA, tmp_path / "simkai.ttf")  # a TrueType without Chinese characters
    fonts = resolve_fonts([tmp_path])
    for role in (FontRole.FANGSONG, FontRole.HEITI, FontRole.KAITI):
        assert fonts[role].bundled, role


def test_resolution_is_shared_and_thread_safe(tmp_path: Path) -> None:
    shutil.copy(SONG, tmp_path / "simsun.ttc.ttf")  # an unknown name: ignored
    results = []

    def resolve() -> None:
        results.append(resolve_fonts([tmp_path]))

    threads = [threading.Thread(target=resolve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(result is results[0] for result in results)
    assert all(font.bundled for font in results[0].fonts)


def test_platform_font_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", r"D:\Win")
    monkeypatch.setenv("LOCALAPPDATA", "/users/clerk/local")
    folders = [str(path) for path in default_font_dirs()]
    assert str(Path(r"D:\Win") / "Fonts") in folders
    assert str(Path("/users/clerk/local") / "Microsoft" / "Windows" / "Fonts") in folders
    monkeypatch.setattr(sys, "platform", "darwin")
    assert Path("/System/Library/Fonts") in default_font_dirs()
    monkeypatch.setattr(sys, "platform", "linux")
    assert Path("/usr/share/fonts") in default_font_dirs()
    assert Path.home() / ".fonts" in default_font_dirs()
