"""Start-up: the app process to its main window painted, against a PySide6 hello-world
window process (bar ≤ 2.0×)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.benchmarks.harness import Case

# Quits on its first paint, as ``subcenter --smoke`` does, so both sides do the same.
HELLO_WORLD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
class Hello(QLabel):
    def paintEvent(self, event):
        super().paintEvent(event)
        QTimer.singleShot(0, app.quit)
app = QApplication(sys.argv)
label = Hello("hello")
label.show()
app.exec()
"""


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "SUBCENTER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def startup_case(home: Path) -> Case:
    subcenter = str(Path(sys.executable).with_name("subcenter"))

    def ours() -> None:
        subprocess.run([subcenter, "--smoke"], env=_env(home), check=True,
                       capture_output=True, timeout=120)

    def floor() -> None:
        subprocess.run([sys.executable, "-c", HELLO_WORLD], env=_env(home), check=True,
                       capture_output=True, timeout=120)

    return Case("start", ours, floor, bar_ratio=2.0, bar_text="≤ 2.0×")
