"""ui/tasks.py: work leaves the GUI thread, progress comes back, cancel rolls back."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QProgressBar

from desktop.domain.errors import CancelledError
from tests.ui.conftest import run
from ui.tasks import ProgressDialog, run_with_progress


def test_db_work_runs_off_the_gui_thread(qtbot, ui_env) -> None:
    gui_thread = threading.get_ident()
    worker = run(qtbot, ui_env, ui_env.tasks.db(threading.get_ident))
    assert worker != gui_thread
    # one database thread, always the same (SQLite has one writer)
    assert run(qtbot, ui_env, ui_env.tasks.db(threading.get_ident)) == worker


def test_progress_reaches_the_bar_and_cancel_stops_the_work(qtbot, ui_env) -> None:
    seen: list[int] = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        for step in range(1, 1000):
            progress(step, 1000, f"第 {step} 步")
            seen.append(step)
            cancel.raise_if_cancelled()
            time.sleep(0.005)
        return "finished"

    task = ui_env.tasks.spawn(run_with_progress(ui_env.tasks, None, "测试", work))
    qtbot.waitUntil(lambda: len(seen) > 20, timeout=5_000)
    dialog = next(w for w in qtbot_top_levels() if isinstance(w, ProgressDialog))
    qtbot.waitUntil(lambda: dialog.findChild(QProgressBar).value() > 1, timeout=5_000)
    dialog.reject()  # Esc / the cancel button
    qtbot.waitUntil(task.done, timeout=5_000)
    with pytest.raises(CancelledError):
        task.result()
    assert len(seen) < 999
    ui_env.errors.clear()  # the spawned task's CancelledError is the expected outcome


def qtbot_top_levels():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    return QApplication.topLevelWidgets()
