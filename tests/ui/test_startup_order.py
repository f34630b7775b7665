"""Start-up paints the window frame before the heavy parts are even imported
(docs/performance.md: show, then load). Run in a fresh interpreter, since this test
process has imported everything long ago."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from argparse import Namespace
from PySide6.QtWidgets import QApplication
from ui.app import _paint_frame
app = QApplication(sys.argv[:1])
window = _paint_frame(app, Namespace(home=sys.argv[1]))
heavy = ("sqlalchemy", "asyncio", "qasync", "openpyxl", "reportlab", "shapely", "desktop.bootstrap")
print(json.dumps({"painted": window.painted, "nav_enabled": window.nav.isEnabled(),
                  "loaded": [name for name in heavy if name in sys.modules]}))
"""


def test_the_frame_paints_before_the_core_is_imported(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "home")], env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["painted"] is True
    assert report["loaded"] == []
    assert report["nav_enabled"] is False  # nothing to navigate before sign-in


def test_the_smoke_result_says_when_the_window_painted(tmp_path: Path) -> None:
    result = tmp_path / "smoke.txt"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SUBCENTER_HOME": str(tmp_path / "h"),
           "SUBCENTER_SMOKE_RESULT": str(result)}
    subcenter = Path(sys.executable).with_name("subcenter")
    subprocess.run([str(subcenter), "demo"], env=env, check=True, capture_output=True,
                   timeout=300)
    subprocess.run([str(subcenter), "--smoke"], env={**env, "SUBCENTER_SMOKE_PAGE": "grids"},
                   check=True, capture_output=True, timeout=120)
    fields = dict(part.split("=", 1) for part in result.read_text(encoding="utf-8").split()
                  if "=" in part)
    assert result.read_text(encoding="utf-8").startswith("ok ")
    assert fields["pages"] == "9"
    assert float(fields["painted_at"]) > 0
