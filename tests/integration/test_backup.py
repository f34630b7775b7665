"""Backups and restores on real SQLite files: online copies that pass integrity checks,
rotation, the daily backup, refusals that leave everything as it was, and the
``subcenter backup`` / ``subcenter restore`` commands run as a real process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.domain.actor import Actor, Role
from desktop.domain.errors import (
    CancelledError,
    DomainError,
    PermissionDeniedError,
    ValidationError,
)
from desktop.domain.grids import CommunityKind, GridCategory, GridKind
from desktop.progress import CancelToken
from desktop.services import audit, grids
from desktop.services.backup import (
    BackupKind,
    backup_now,
    ensure_daily_backup,
    list_backups,
    load_backup_settings,
    record_pending_restore,
    restore_backup,
    restore_in_app,
    save_backup_settings,
)
from desktop.services.subcenter import SubCenterInfo
from tests.conftest import PROJECT_ROOT, STREET

CLERK = Actor(name="文书小王", role=Role.CLERK)
T0 = datetime(2026, 3, 2, 8, 30)


def add_grid(context: AppContext, name: str) -> grids.GridRow:
    existing = {c.name: c for c in grids.list_communities(context.uow())}
    community = existing.get("东风社区") or grids.create_community(
        context.uow(), actor=context.actor, name="东风社区", kind=CommunityKind.COMMUNITY)
    fields = grids.GridFields(name, GridKind.BASE, GridCategory.URBAN_COMMUNITY,
                              households=10, population=30)
    return grids.create_grid(context.uow(), actor=context.actor, community_id=community.id,
                             fields=fields)


def grid_names(database: Path) -> set[str]:
    connection = sqlite3.connect(database)
    try:
        return {name for (name,) in connection.execute("SELECT name FROM grid")}
    finally:
        connection.close()


def integrity(database: Path) -> str:
    connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def backup_audit_rows(context: AppContext) -> list[str]:
    with context.uow() as uow:
        return [r.summary for r in uow.audit.in_order() if r.action == "backup"]


def blocked_folder(tmp_path: Path) -> Path:
    """A folder nobody can create, even root: its parent is a plain file."""
    blocker = tmp_path / "not-a-folder.txt"
    blocker.write_text("x", encoding="utf-8")
    return blocker / "backups"


@pytest.fixture
def backup(context: AppContext, street: SubCenterInfo) -> Path:
    """A manual backup of a street with one grid, 东风一网格."""
    add_grid(context, "东风一网格")
    return backup_now(context)


# --- taking backups --------------------------------------------------------------------


def test_backup_now_is_an_integrity_checked_single_file_with_the_rows(
    context: AppContext, backup: Path
) -> None:
    assert backup.parent == context.paths.backups
    assert backup.name.endswith("-manual.sqlite3")
    assert integrity(backup) == "ok"
    assert grid_names(backup) == {"东风一网格"}
    with open(backup, "rb") as handle:  # rollback-journal mode: no -wal needed beside it
        assert handle.read(20)[18:20] == b"\x01\x01"
    assert not Path(f"{backup}-wal").exists() and not list(backup.parent.glob(".*partial"))
    assert any("手动备份" in s and backup.name in s for s in backup_audit_rows(context))
    assert audit.verify(context.uow()).ok


def test_rotation_keeps_the_newest_manual_backups(context: AppContext, street) -> None:
    save_backup_settings(context, actor=context.actor, folder=context.paths.backups,
                         keep_daily=2, keep_manual=3)
    taken = [backup_now(context) for _ in range(5)]
    manual = sorted(context.paths.backups.glob("*-manual.sqlite3"))
    assert manual == taken[2:]
    assert [b.path for b in list_backups(context)] == list(reversed(taken[2:]))


def test_daily_backup_only_when_the_newest_is_a_day_old(context: AppContext, street) -> None:
    first = ensure_daily_backup(context, now=T0)
    assert first is not None and first.name.endswith("-daily.sqlite3") and integrity(first) == "ok"
    assert ensure_daily_backup(context, now=T0 + timedelta(hours=23, minutes=59)) is None
    backup_now(context)  # a manual backup does not count as the daily one
    second = ensure_daily_backup(context, now=T0 + timedelta(hours=24, minutes=1))
    assert second is not None and second != first
    kinds = [(b.kind, b.taken_at) for b in list_backups(context)]
    assert (BackupKind.DAILY, T0) in kinds
    assert sum(kind is BackupKind.DAILY for kind, _ in kinds) == 2
    with context.uow() as uow:
        actors = {r.actor_name for r in uow.audit.in_order() if r.entity_id == "daily"}
    assert actors == {"系统（自动备份）"}


def test_daily_rotation_uses_its_own_count(context: AppContext, street) -> None:
    save_backup_settings(context, actor=context.actor, folder=context.paths.backups,
                         keep_daily=2, keep_manual=30)
    manual = backup_now(context)
    for day in range(4):
        assert ensure_daily_backup(context, now=T0 + timedelta(days=day)) is not None
    daily = [b.taken_at for b in list_backups(context) if b.kind is BackupKind.DAILY]
    assert daily == [T0 + timedelta(days=3), T0 + timedelta(days=2)]
    assert manual.exists()


def test_settings_are_saved_audited_and_used(context: AppContext, street, tmp_path: Path) -> None:
    folder = tmp_path / "U盘" / "备份"
    saved = save_backup_settings(context, actor=context.actor, folder=folder, keep_daily=7,
                                 keep_manual=10)
    assert load_backup_settings(context) == saved and folder.is_dir()
    path = backup_now(context)
    assert path.parent == folder
    assert path in [b.path for b in list_backups(context)]
    with context.uow() as uow:
        changed = [r.changes_json for r in uow.audit.in_order() if r.entity_type == "backup_settings"]
    assert len(changed) == 1 and "每日备份保留份数" in changed[0] and "14" in changed[0]


def test_settings_refuse_a_bad_folder_or_count(context: AppContext, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"备份文件夹.*无法写入"):
        save_backup_settings(context, actor=context.actor, folder=blocked_folder(tmp_path),
                             keep_daily=14, keep_manual=30)
    with pytest.raises(ValidationError, match="每日备份保留份数"):
        save_backup_settings(context, actor=context.actor, folder=context.paths.backups,
                             keep_daily=0, keep_manual=30)
    with pytest.raises(PermissionDeniedError, match="备份与恢复"):
        save_backup_settings(context, actor=CLERK, folder=context.paths.backups,
                             keep_daily=3, keep_manual=3)
    assert load_backup_settings(context).keep_daily == 14


def test_an_unwritable_folder_is_named_and_leaves_no_partial_file(
    context: AppContext, street, tmp_path: Path
) -> None:
    target = blocked_folder(tmp_path) / "copy.sqlite3"
    with pytest.raises(DomainError, match="无法把备份写入文件夹") as caught:
        backup_now(context, target)
    assert str(target.parent) in caught.value.message
    # The chosen folder vanished (USB disk removed) after it was saved in the settings.
    context.settings.set("backups", {"folder": str(blocked_folder(tmp_path)), "keep_daily": 3,
                                     "keep_manual": 3})
    with pytest.raises(DomainError, match="未留下不完整的备份文件"):
        backup_now(context)
    assert not [p for p in tmp_path.rglob("*") if "sqlite3" in p.name and "data" not in p.parts]
    assert backup_audit_rows(context) == []


def test_progress_is_reported_and_cancel_leaves_nothing(context: AppContext, street) -> None:
    steps: list[tuple[int, int, str]] = []
    path = backup_now(context, progress=lambda done, total, text: steps.append((done, total, text)))
    assert path.exists() and steps and any("页" in text for _, _, text in steps)
    assert steps[-1][0] == steps[-1][1]
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        backup_now(context, cancel=token)
    assert sorted(p.name for p in context.paths.backups.iterdir()) == [path.name]


def test_backup_needs_the_permission(context: AppContext, street) -> None:
    with pytest.raises(PermissionDeniedError):
        backup_now(context, actor=CLERK)
    with pytest.raises(PermissionDeniedError):
        restore_backup(context.paths, context.paths.database, actor=CLERK)


# --- restoring -------------------------------------------------------------------------


def test_restore_round_trip_keeps_the_current_file_aside(
    context: AppContext, backup: Path, tmp_path: Path
) -> None:
    add_grid(context, "东风二网格")  # after the backup
    result = restore_in_app(context, backup)

    assert grid_names(context.paths.database) == {"东风一网格"}
    assert integrity(context.paths.database) == "ok"
    aside = result.kept_aside
    assert aside is not None and aside.name.endswith("-before-restore.sqlite3")
    assert integrity(aside) == "ok" and grid_names(aside) == {"东风一网格", "东风二网格"}
    assert not Path(f"{aside}-wal").exists()
    assert "已从" in result.message and "请重新启动程序" in result.message
    kinds = {b.kind for b in list_backups(context)}
    assert BackupKind.BEFORE_RESTORE in kinds

    # The next start: the app migrates, then records the restore in the restored trail.
    reopened = open_migrated_context(context.paths.root)
    try:
        assert record_pending_restore(reopened)
        assert not record_pending_restore(reopened)
        summaries = backup_audit_rows(reopened)
        assert any("从备份恢复数据库" in s and str(backup) in s for s in summaries)
        assert audit.verify(reopened.uow()).ok
        assert [g.name for g in grids.list_grids(reopened.uow())] == ["东风一网格"]
    finally:
        reopened.close()


def _assert_unchanged(context: AppContext, before: set[str]) -> None:
    assert grid_names(context.paths.database) == before
    assert integrity(context.paths.database) == "ok"
    assert not list(context.paths.backups.glob("*before-restore*"))
    assert not list(context.paths.root.glob(".*restoring*"))


@pytest.mark.parametrize("damage", ["garbage", "truncate", "overwrite", "one byte"])
def test_a_damaged_backup_is_refused_and_nothing_changes(
    context: AppContext, backup: Path, tmp_path: Path, damage: str
) -> None:
    add_grid(context, "东风二网格")
    bad = tmp_path / f"{damage}.sqlite3"
    data = backup.read_bytes()
    if damage == "garbage":
        bad.write_bytes(os.urandom(len(data)))
    elif damage == "truncate":
        bad.write_bytes(data[: len(data) // 3])
    elif damage == "overwrite":  # a valid header, the pages after it scribbled over
        page = 4096
        bad.write_bytes(data[:page] + bytes([0x5A]) * (len(data) - page))
    else:  # the sub-center's row no longer agrees with its index: only the check sees it
        code = STREET["division_code"].encode()
        at = data.index(code) + len(code) - 1
        bad.write_bytes(data[:at] + b"9" + data[at + 1:])
    with pytest.raises(DomainError, match=r"不能从.*恢复.*当前数据库未作任何更改") as caught:
        restore_in_app(context, bad)
    if damage == "one byte":
        assert "未通过完整性检查" in caught.value.message
    _assert_unchanged(context, {"东风一网格", "东风二网格"})
    add_grid(context, "东风三网格")  # the app goes on working after the refusal


def test_a_database_of_another_program_is_refused(context: AppContext, street,
                                                  tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(DomainError, match="不是本程序的分中心数据库"):
        restore_backup(context.paths, other)
    _assert_unchanged(context, set())


def test_a_backup_from_a_newer_program_is_refused(context: AppContext, backup: Path,
                                                  tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(backup.read_bytes())
    connection = sqlite3.connect(newer)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()
    with pytest.raises(DomainError, match=r"更新版本的程序.*9999_future"):
        restore_backup(context.paths, newer)
    _assert_unchanged(context, {"东风一网格"})


def test_a_database_in_use_by_another_program_is_not_replaced(
    context: AppContext, backup: Path
) -> None:
    """The command line restoring while the app (here: the context's pooled
    connections, plus a plain one) still has the file open."""
    add_grid(context, "东风二网格")
    other = sqlite3.connect(context.paths.database)
    try:
        other.execute("SELECT count(*) FROM grid").fetchone()
        with pytest.raises(DomainError, match="正被其他程序使用"):
            restore_backup(context.paths, backup)
    finally:
        other.close()
    _assert_unchanged(context, {"东风一网格", "东风二网格"})


def test_a_missing_file_is_refused(context: AppContext, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="找不到备份文件"):
        restore_backup(context.paths, tmp_path / "nothing.sqlite3")


# --- the command line, as a real process -------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / "subcenter"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([str(executable), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=PROJECT_ROOT, timeout=120)


def test_backup_and_restore_commands(context: AppContext, street, tmp_path: Path) -> None:
    add_grid(context, "东风一网格")
    home = str(context.paths.root)
    context.close()  # the commands run in another process
    made = _cli("--home", home, "backup")
    assert made.returncode == 0, made.stderr
    copy = Path(made.stdout.strip().removeprefix("已备份到 "))
    assert copy.is_file() and integrity(copy) == "ok"

    reopened = open_migrated_context(Path(home))
    add_grid(reopened, "东风二网格")
    reopened.close()
    restored = _cli("--home", home, "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert "已从" in restored.stdout and "before-restore" in restored.stdout
    assert grid_names(Path(home) / "subcenter.sqlite3") == {"东风一网格"}

    garbage = tmp_path / "坏的备份.sqlite3"
    garbage.write_bytes(b"not a database" * 100)
    refused = _cli("--home", home, "restore", str(garbage))
    assert refused.returncode == 1
    assert "不能从" in refused.stderr and "当前数据库未作任何更改" in refused.stderr
    assert grid_names(Path(home) / "subcenter.sqlite3") == {"东风一网格"}
