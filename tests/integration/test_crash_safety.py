"""A crash (power button, task manager, SIGKILL) in the middle of a batch write loses
the batch as a whole and never damages the file; a crash just after the commit keeps
all of it. The writer is a real child process importing a generated grid workbook;
the parent kills it with SIGKILL (no clean-up runs) and then opens the database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop.bootstrap import open_migrated_context
from desktop.services import grids
from desktop.services.subcenter import set_up_sub_center
from tests.conftest import PROJECT_ROOT, STREET

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")

HEADER = ["社区/村", "社区类型", "社区代码", "网格编码", "网格名称", "网格类型", "专属类型",
          "网格类别", "户数", "人口", "面积(平方公里)", "备注"]

# The child imports the workbook in one unit of work, printing every progress step;
# after the commit it says so and waits to be killed with its connection still open.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from desktop.bootstrap import open_context
    from desktop.spreadsheets.grids import import_grids

    context = open_context(Path(sys.argv[1]))
    def report(done, total, text):
        print(f"progress {done} {total} {text}", flush=True)
    import_grids(context.uow(), actor=context.actor, path=Path(sys.argv[2]), progress=report)
    print("committed", flush=True)
    time.sleep(600)
""")


def _workbook(path: Path, rows: int) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "网格"
    sheet.append(HEADER)
    for index in range(rows):
        community = index // 750 + 1  # at most 999 grids per community (3-digit sequence)
        sheet.append([f"第{community}社区", "社区", f"{community:03d}", None,
                      f"第{community}社区第{index + 1}网格", "基础网格", None, "城市社区",
                      100, 300, 0.5, None])
    book.save(path)
    return path


def _street(root: Path) -> Path:
    context = open_migrated_context(root)
    set_up_sub_center(context.uow(), actor=context.actor, **STREET)
    context.close()
    return context.paths.database


def _run_until(root: Path, workbook: Path, ready) -> None:  # type: ignore[no-untyped-def]
    """Start the child, read its lines until ``ready(line)``, then SIGKILL it."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(workbook)], cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if ready(line.strip()):
                child.send_signal(signal.SIGKILL)
                break
        else:
            pytest.fail(f"the child ended before the kill point: {child.stderr.read()}")  # type: ignore[union-attr]
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def _check(database: Path) -> int:
    """The file is sound, and how many grids it holds."""
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        return connection.execute("SELECT count(*) FROM grid").fetchone()[0]
    finally:
        connection.close()


def _writing_at_least(rows: int):  # type: ignore[no-untyped-def]
    def ready(line: str) -> bool:
        parts = line.split(" ", 3)
        return (len(parts) == 4 and parts[0] == "progress" and parts[3].startswith("正在写入")
                and int(parts[1]) >= rows)

    return ready


def test_killed_in_the_middle_of_an_import_keeps_none_of_it(tmp_path: Path) -> None:
    database = _street(tmp_path / "data")
    workbook = _workbook(tmp_path / "3000个网格.xlsx", 3000)
    _run_until(tmp_path / "data", workbook, _writing_at_least(400))
    assert Path(f"{database}-wal").exists()  # the crash left the write-ahead log behind
    assert _check(database) == 0
    context = open_migrated_context(tmp_path / "data")  # the app starts normally afterwards
    try:
        assert grids.list_grids(context.uow()) == []
        assert grids.list_communities(context.uow()) == []
    finally:
        context.close()


def test_killed_right_after_the_commit_keeps_all_of_it(tmp_path: Path) -> None:
    database = _street(tmp_path / "data")
    workbook = _workbook(tmp_path / "800个网格.xlsx", 800)
    _run_until(tmp_path / "data", workbook, lambda line: line == "committed")
    assert _check(database) == 800
    context = open_migrated_context(tmp_path / "data")
    try:
        assert len(grids.list_grids(context.uow())) == 800
        assert len(grids.list_communities(context.uow())) == 2
    finally:
        context.close()
