"""Fonts for PDF documents.

reportlab embeds TrueType outlines only, subset per document. Until the official-
document layouts bring real font discovery (仿宋, 小标宋, 黑体, 楷体 per role), every
document uses the bundled WenQuanYi Micro Hei, which covers simplified Chinese and
renders on every machine. Registration happens once per process.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from resources import resource_path

BUNDLED_SANS = "WQYMicroHei"
_lock = threading.Lock()


def sans_font() -> str:
    """Name of a registered CJK font for reportlab (registering it on first use)."""
    with _lock:
        if BUNDLED_SANS not in pdfmetrics.getRegisteredFontNames():
            path = resource_path("fonts", "wqy-microhei.ttc")
            pdfmetrics.registerFont(TTFont(BUNDLED_SANS, str(path), subfontIndex=0))
    return BUNDLED_SANS
