"""Start-up: from launching the app process to its main window painted, against a
PySide6 hello-world window process launched and painted the same way (bar ≤ 2.0×).

Both sides report the wall-clock moment of their first paint; the case counts from the
moment the benchmark launched the process. The app's smoke run goes on after that paint
(opening the database, loading the first page) before it exits; that part is what the
user sees happen inside an already painted window, so it is not start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.harness import Case

HELLO_WORLD = """
import sys, time
from PySide6.QtWidgets import QApplication, QLabel
class Hello(QLabel):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not Hello.painted:
            Hello.painted = True
            print(f"{time.time():.6f}", flush=True)
            app.quit()
app = QApplication(sys.argv)
label = Hello("hello")
label.show()
app.exec()
"""
# the hello-world's own peak memory, reported the way the app's smoke run reports it
HELLO_REPORT = """
from ui.app import peak_rss_mb
import os, pathlib
target = os.environ.get("SUBCENTER_SMOKE_RESULT")
if target:
    pathlib.Path(target).write_text(f"peak_rss_mb={peak_rss_mb():.1f}")
"""


def _env(home: Path, result: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "SUBCENTER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    if result is not None:
        env["SUBCENTER_SMOKE_RESULT"] = str(result)
    return env


def _painted_at(smoke_result: str) -> float:
    fields = dict(part.split("=", 1) for part in smoke_result.split() if "=" in part)
    return float(fields["painted_at"])


def startup_case(home: Path) -> Case:
    subcenter = str(Path(sys.executable).with_name("subcenter"))
    result_file = home.parent / "smoke-result.txt"

    def ours() -> float:
        launched = time.time()
        subprocess.run([subcenter, "--smoke"], env=_env(home, result_file), check=True,
                       capture_output=True, timeout=120)
        return _painted_at(result_file.read_text(encoding="utf-8")) - launched

    def floor() -> float:
        launched = time.time()
        done = subprocess.run([sys.executable, "-c", HELLO_WORLD], env=_env(home),
                              check=True, capture_output=True, text=True, timeout=120)
        return float(done.stdout.strip()) - launched

    return Case("start", ours, floor, bar_ratio=2.0, bar_text="≤ 2.0×", self_timed=True)


def _peak_rss_mb(command: list[str], env: dict[str, str], result: Path) -> float:
    """Peak resident memory of one child process as the child measured it (VmHWM,
    which starts afresh at exec: the rusage a parent gets from wait4 would also count
    the benchmark's own pages, inherited through fork until exec)."""
    result.unlink(missing_ok=True)
    subprocess.run(command, env={**env, "SUBCENTER_SMOKE_RESULT": str(result)}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    fields = dict(part.split("=", 1) for part in result.read_text().split() if "=" in part)
    return float(fields["peak_rss_mb"])


def memory_case(home: Path) -> Case:
    """Peak RSS with the scale data set open on the demands page (< 300 MB); the floor
    is the hello-world window's, for scale."""
    subcenter = str(Path(sys.executable).with_name("subcenter"))

    result = home / "memory-result.txt"

    def ours() -> float:
        env = {**_env(home), "SUBCENTER_SMOKE_PAGE": "demands"}
        return _peak_rss_mb([subcenter, "--smoke"], env, result)

    def floor() -> float:
        return _peak_rss_mb([sys.executable, "-c", HELLO_WORLD + HELLO_REPORT], _env(home),
                            result)

    return Case("memory", ours, floor, bar_ratio=float("inf"), bar_text="< 300 MB",
                absolute_bar_s=300.0, self_timed=True, unit="MB")
