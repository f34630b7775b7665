"""Draw the application icon and write it in the three formats the installers need.

    .venv/bin/python installer/make_icons.py      # writes resources/icons/subcenter.{png,ico,icns}

The design: a rounded square in the app's navy (#1f3a5a) with a white 3x3 grid (the
网格 the app manages) and a dot in the centre cell (the command sub-center). The
files are committed; run this again only to change the design. Qt paints the master
image (antialiased, no font needed), Pillow writes the multi-size .ico and the .icns.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
NAVY = "#1f3a5a"
MASTER = 1024
ICO_SIZES = [(16, 16), (20, 20), (24, 24), (32, 32), (40, 40), (48, 48), (64, 64),
             (128, 128), (256, 256)]


def render(size: int, margin: float) -> bytes:
    """PNG bytes of the icon at ``size`` pixels; ``margin`` is the empty border as a
    fraction of the size (macOS icons keep a wider one than Windows and Linux icons)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = size * (1 - 2 * margin)
    tile = QRectF(size * margin, size * margin, side, side)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(NAVY))
    painter.drawRoundedRect(tile, side * 0.22, side * 0.22)

    grid = tile.adjusted(side * 0.22, side * 0.22, -side * 0.22, -side * 0.22)
    pen = QPen(QColor("white"), side * 0.055)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(grid, side * 0.06, side * 0.06)
    cell = grid.width() / 3
    for step in (1, 2):
        painter.drawLine(grid.left() + cell * step, grid.top(),
                         grid.left() + cell * step, grid.bottom())
        painter.drawLine(grid.left(), grid.top() + cell * step,
                         grid.right(), grid.top() + cell * step)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    radius = cell * 0.2
    painter.drawEllipse(grid.center(), radius, radius)
    painter.end()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_icons(folder: Path = ICONS) -> list[Path]:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    flat = Image.open(io.BytesIO(render(MASTER, margin=0.04))).convert("RGBA")
    mac = Image.open(io.BytesIO(render(MASTER, margin=0.098))).convert("RGBA")
    png = folder / "subcenter.png"
    flat.resize((256, 256), Image.Resampling.LANCZOS).save(png, optimize=True)
    ico = folder / "subcenter.ico"
    flat.save(ico, sizes=ICO_SIZES)
    icns = folder / "subcenter.icns"
    mac.save(icns)
    return [png, ico, icns]


if __name__ == "__main__":
    for path in write_icons():
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes")
