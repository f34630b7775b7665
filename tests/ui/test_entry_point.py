"""The installed ``subcenter`` command, launched as a user would, offscreen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _subcenter() -> str:
    found = shutil.which("subcenter", path=str(Path(sys.executable).parent))
    assert found, "the subcenter entry point is installed by pip install -e ."
    return found


def _run(home: Path, *args: str, extra_env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SUBCENTER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           **(extra_env or {})}
    return subprocess.run([_subcenter(), *args], env=env, capture_output=True, text=True,
                          timeout=180)


@pytest.mark.slow
def test_smoke_on_a_fresh_data_folder_paints_the_main_window(tmp_path: Path) -> None:
    result_file = tmp_path / "smoke.txt"
    result = _run(tmp_path / "data", "--smoke", extra_env={"SUBCENTER_SMOKE_RESULT": str(result_file)})
    assert result.returncode == 0, result.stderr
    seconds = float(result.stdout.strip().splitlines()[-1])
    assert 0 < seconds < 120
    written = result_file.read_text(encoding="utf-8")
    assert written.startswith("ok ") and "pages=9" in written
    # the database was created and migrated by the start-up
    assert (tmp_path / "data" / "subcenter.sqlite3").exists()
    assert (tmp_path / "data" / "logs" / "subcenter.log").exists()


@pytest.mark.slow
def test_demo_then_smoke(tmp_path: Path) -> None:
    home = tmp_path / "data"
    demo = _run(home, "demo")
    assert demo.returncode == 0, demo.stderr
    smoke = _run(home, "--smoke")
    assert smoke.returncode == 0, smoke.stderr
    assert float(smoke.stdout.strip().splitlines()[-1]) > 0
