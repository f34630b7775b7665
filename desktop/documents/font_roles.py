"""Fonts per role for official documents (GB/T 9704): the real ones where installed.

Official documents name their faces: 仿宋_GB2312 for the body, 方正小标宋简体 for
titles, 黑体 and 楷体_GB2312 for headings, 宋体 for page numbers. Clerks' Windows
machines usually have most of them, so the installed files are looked up by their
known names in the usual folders of Windows, macOS and Linux. A role without an
installed font falls back to an open TrueType font bundled in resources/fonts (with
its licence), and the substitution is reported in Chinese so the preview can say
that the print is not in the standard's face.

reportlab embeds TrueType (glyf) outlines only, subset per document; a candidate is
accepted only when reportlab loads it and it covers the characters of a document.
Registration happens once per process, under a lock.
"""

from __future__ import annotations

import os
import sys
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from resources import resource_path

PROBE = "中华人民共和国芙蓉街道函〔〕（），。：；“”"  # a font must cover these


class FontRole(Enum):
    """What a face is used for; the value is the face the standard asks for."""

    FANGSONG = "仿宋_GB2312"
    XIAOBIAOSONG = "方正小标宋简体"
    HEITI = "黑体"
    KAITI = "楷体_GB2312"
    SONGTI = "宋体"

    @property
    def label(self) -> str:
        return {"仿宋_GB2312": "仿宋", "方正小标宋简体": "小标宋", "楷体_GB2312": "楷体"}.get(
            self.value, self.value)


@dataclass(frozen=True)
class Candidate:
    """A font file known by name; ``exact`` when it is the face the standard names."""

    file_name: str
    family: str
    exact: bool
    faces: tuple[str, ...] = ()  # in a collection: PostScript names to prefer


_SONG_BUNDLED = Candidate("gbsn00lp.ttf", "AR PL SungtiL GB（宋体）", False)
_KAI_BUNDLED = Candidate("gkai00mp.ttf", "AR PL KaitiM GB（楷体）", False)
_HEI_BUNDLED = Candidate("wqy-microhei.ttc", "文泉驿微米黑（黑体）", False)
_SIMSUN = Candidate("simsun.ttc", "宋体（SimSun）", True, ("SimSun",))
_SONGTI_MAC = Candidate("songti.ttc", "宋体-简（Songti SC）", False, ("STSongti-SC-Regular",))

CANDIDATES: dict[FontRole, tuple[Candidate, ...]] = {
    FontRole.FANGSONG: (
        Candidate("仿宋_gb2312.ttf", "仿宋_GB2312", True),
        Candidate("fs_gb2312.ttf", "仿宋_GB2312", True),
        Candidate("fangsong_gb2312.ttf", "仿宋_GB2312", True),
        Candidate("simfang.ttf", "仿宋（SimFang）", True),
        Candidate("stfangso.ttf", "华文仿宋", False),
        Candidate("stfangsong.ttf", "华文仿宋", False),
        Candidate("华文仿宋.ttf", "华文仿宋", False),
    ),
    FontRole.XIAOBIAOSONG: (
        Candidate("fzxbsjw.ttf", "方正小标宋简体", True),
        Candidate("fzxbsjw--gb1-0.ttf", "方正小标宋简体", True),
        Candidate("方正小标宋简体.ttf", "方正小标宋简体", True),
        Candidate("fzxbsk.ttf", "方正小标宋_GBK", True),
        Candidate("方正小标宋_gbk.ttf", "方正小标宋_GBK", True),
        Candidate("simsun.ttc", "宋体（SimSun）", False, ("SimSun",)),
        _SONGTI_MAC,
    ),
    FontRole.HEITI: (
        Candidate("simhei.ttf", "黑体（SimHei）", True),
        Candidate("stheiti medium.ttc", "华文黑体", False),
        Candidate("stheiti light.ttc", "华文黑体", False),
        Candidate("stheiti.ttf", "华文黑体", False),
        Candidate("wqy-zenhei.ttc", "文泉驿正黑（黑体）", False),
        Candidate("wqy-microhei.ttc", "文泉驿微米黑（黑体）", False),
    ),
    FontRole.KAITI: (
        Candidate("楷体_gb2312.ttf", "楷体_GB2312", True),
        Candidate("kaiti_gb2312.ttf", "楷体_GB2312", True),
        Candidate("simkai.ttf", "楷体（SimKai）", True),
        Candidate("stkaiti.ttf", "华文楷体", False),
        Candidate("kaiti.ttc", "楷体-简（Kaiti SC）", False, ("STKaiti-SC-Regular",)),
        Candidate("gkai00mp.ttf", "AR PL KaitiM GB（楷体）", False),
    ),
    FontRole.SONGTI: (
        _SIMSUN,
        _SONGTI_MAC,
        Candidate("stsong.ttf", "华文宋体", False),
        Candidate("gbsn00lp.ttf", "AR PL SungtiL GB（宋体）", False),
    ),
}

BUNDLED: dict[FontRole, Candidate] = {
    FontRole.FANGSONG: _SONG_BUNDLED,
    FontRole.XIAOBIAOSONG: _SONG_BUNDLED,
    FontRole.HEITI: _HEI_BUNDLED,
    FontRole.KAITI: _KAI_BUNDLED,
    FontRole.SONGTI: _SONG_BUNDLED,
}


@dataclass(frozen=True)
class RoleFont:
    """The font chosen for a role: its reportlab name, file and whether it is a stand-in."""

    role: FontRole
    name: str
    path: Path
    family: str
    exact: bool
    bundled: bool

    @property
    def embolden(self) -> bool:
        """小标宋 is a heavy face; a regular Song stand-in is drawn with a thin outline."""
        return self.role is FontRole.XIAOBIAOSONG and not self.exact

    @property
    def note(self) -> str | None:
        """The substitution in Chinese, e.g. for the preview; None for the standard's face."""
        if self.exact:
            return None
        return f"{self.role.label}：未找到{self.role.value}，以 {self.family}代替"


@dataclass(frozen=True)
class FontSet:
    """One registered font per role."""

    fonts: tuple[RoleFont, ...]

    def __getitem__(self, role: FontRole) -> RoleFont:
        for font in self.fonts:
            if font.role is role:
                return font
        raise KeyError(role)

    def name(self, role: FontRole) -> str:
        return self[role].name

    def substitutions(self) -> list[str]:
        """Chinese lines naming every role printed in a stand-in face."""
        return [font.note for font in self.fonts if font.note]


def default_font_dirs() -> list[Path]:
    """Folders where this platform keeps fonts (user folders included)."""
    home = Path.home()
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts",
                Path("/System/Library/AssetsV2")]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            home / ".local" / "share" / "fonts", home / ".fonts"]


_lock = threading.Lock()
_cache: dict[tuple[str, ...], FontSet] = {}


def resolve_fonts(font_dirs: Sequence[Path] | None = None) -> FontSet:
    """The font for every role: installed where found, else bundled. Cached per folder list.

    ``font_dirs=()`` uses the bundled fonts only (the same output on every machine).
    """
    dirs = default_font_dirs() if font_dirs is None else list(font_dirs)
    key = tuple(str(d) for d in dirs)
    with _lock:
        if key not in _cache:
            index = _index_font_files(dirs)
            _cache[key] = FontSet(tuple(_choose(role, index) for role in FontRole))
        return _cache[key]


def bundled_fonts() -> FontSet:
    """The bundled fallbacks only: reproducible output whatever is installed."""
    return resolve_fonts(())


def _index_font_files(dirs: Iterable[Path]) -> dict[str, Path]:
    """Lower-cased file name → first path found (folders in order, names sorted)."""
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, subdirs, files in os.walk(folder):
            subdirs.sort()
            for name in sorted(files):
                if name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


def _choose(role: FontRole, index: dict[str, Path]) -> RoleFont:
    for candidate in CANDIDATES[role]:
        path = index.get(candidate.file_name)
        if path is not None:
            name = _register(path, candidate.faces)
            if name is not None:
                return RoleFont(role, name, path, candidate.family, candidate.exact, False)
    candidate = BUNDLED[role]
    path = resource_path("fonts", candidate.file_name)
    name = _register(path, candidate.faces)
    if name is None:  # a broken installation, not a user error
        raise RuntimeError(f"内置字体无法加载：{path}，请重新安装本程序。")
    return RoleFont(role, name, path, candidate.family, False, True)


def _register(path: Path, faces: tuple[str, ...]) -> str | None:
    """Register ``path`` (the preferred face of a collection); None when unusable."""
    for subfont in _subfont_order(path, faces):
        digest = zlib.crc32(str(path.resolve()).encode("utf-8"))
        name = f"GW-{path.stem}-{subfont}-{digest:08x}".replace(" ", "")
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        try:
            font = TTFont(name, str(path), subfontIndex=subfont)
        except Exception:  # CFF outlines, damaged or unreadable files: try the next one
            continue
        if all(ord(char) in font.face.charToGlyph for char in PROBE):
            pdfmetrics.registerFont(font)
            return name
    return None


def _subfont_order(path: Path, faces: tuple[str, ...]) -> list[int]:
    """Subfont indexes to try: the faces asked for first, then the first face."""
    if not faces or path.suffix.lower() != ".ttc":
        return [0]
    from reportlab.pdfbase.ttfonts import TTFontFile

    preferred: list[int] = []
    for subfont in range(16):
        try:
            face = TTFontFile(str(path), subfontIndex=subfont, validate=0).name
        except Exception:  # past the last face, or unreadable
            break
        if face.decode("latin-1", "replace") in faces:
            preferred.append(subfont)
    return [*preferred, 0] if 0 not in preferred else preferred
