"""Restoring the database from a backup file, refusing anything that could lose data.

Order of work, each step leaving the data folder usable if the next one fails:

1. The candidate is opened read-only and checked: ``PRAGMA integrity_check`` is ok and
   it is a sub-center database (``alembic_version`` and ``sub_center`` tables).
2. It is copied with the online backup API to a temporary file beside the live
   database; the copy is checked again and its revision must be one this program
   knows (a file from a newer program is refused: opening it could lose data).
3. The live database is checkpointed (its -wal folded in) and moved aside as
   ``backups/subcenter-<stamp>-before-restore.sqlite3``; stale -wal/-shm files go.
4. The checked copy is renamed into place (an atomic rename on the same disk).

The copy's link to the district is cut before it goes into place: its outbox numbers
(the mutation ids the district counts per install) are rewound to the backup's, so
the district would take the next changes for ones it already applied and drop them.
The ``client_id`` (and the 终端号 that came with it) is cleared, keeping the server
address, street and proxy, so the next sync needs enrolling again, which starts a new
counter at the district (desktop/sync/commands.py renumbers the waiting outbox).

An older backup is fine: the usual start-up migration brings it to head (backing it up
first). The restore cannot audit itself in the restored file (its audit tables may not
exist yet), so it leaves a note in the settings file; ``record_pending_restore`` writes
the audit row at the next start, after migrations.

Threading: blocking; nothing may be using the database file meanwhile (the GUI calls
``restore_in_app``, which closes the engine's connections first).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop.bootstrap import AppContext
from desktop.clock import now
from desktop.config import DataPaths, Settings
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.errors import ConflictError, DomainError
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.backup_files import (
    REQUIRED_TABLES,
    SIDE_FILES,
    checkpoint,
    copy_for_restore,
    inspect_database,
    remove_with_side_files,
    seal,
)
from local_db import migrate

PENDING_RESTORE_KEY = "pending_restore_audit"


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    kept_aside: Path | None  # the database that was replaced, or None if there was none
    revision: str
    pending_migrations: tuple[str, ...]  # applied at the next start
    unlinked: bool = False  # the backup was enrolled with the district: enrol again


    @property
    def message(self) -> str:
        lines = [f"已从 {self.restored_from} 恢复数据库。"]
        if self.kept_aside is not None:
            lines.append(f"恢复前的数据库已另存为 {self.kept_aside}。")
        if self.pending_migrations:
            lines.append("该备份来自较早的版本，下次启动程序时会自动升级数据库（升级前自动备份）。")
        if self.unlinked:
            lines.append("本机与区级平台的同步注册已解除（平台地址、街道和代理设置保留）："
                         "备份中的上传序号已回退，沿用原注册会让平台把新的修改误当作已收到的而丢弃。"
                         "请由系统管理员在“同步”页重新注册本机后再同步，待上传的修改随后照常上传"
                         "（最好在重新注册后再受理新诉求，以免编号与恢复前已上传的重复）。")
        lines.append("请重新启动程序。")
        return "\n".join(lines)


def restore_backup(paths: DataPaths, source: Path, *, actor: Actor = LOCAL_ADMIN,
                   settings: Settings | None = None) -> RestoreResult:
    """Replace the data folder's database by ``source`` (see the module docstring).
    Raises DomainError, in Chinese, leaving everything as it was, when ``source`` is
    damaged, not a sub-center database, or from a newer program. ``settings`` is the
    running app's settings object (so its next write keeps the audit note)."""
    require(actor, Permission.BACKUP_MANAGE)
    source, database = Path(source), paths.database
    if database.exists() and source.resolve() == database.resolve():
        raise ConflictError("不能用正在使用的数据库文件恢复它自己，请选择 backups 文件夹中的备份文件。")
    revision = _check_source(source)
    staged = database.with_name(f".{database.name}.restoring")
    try:
        pending = _stage(source, staged)
        unlinked = _cut_sync_link(source, staged)
        kept = _move_aside(paths) if database.exists() else None
        staged.replace(database)
    finally:
        remove_with_side_files(staged)
    _leave_note(settings or Settings(paths.settings_file), actor, source, kept)
    return RestoreResult(source, kept, revision, tuple(pending), unlinked)


def restore_in_app(context: AppContext, source: Path, *, actor: Actor | None = None) -> RestoreResult:
    """The GUI's restore: close every pooled connection of the running app, then
    restore. The engine is not rebuilt: the caller tells the user to restart (pages
    hold rows of the old data). After a refusal the app simply goes on: the pool
    reopens connections to the unchanged file when next needed."""
    who = actor or context.actor
    require(who, Permission.BACKUP_MANAGE)
    context.engine.dispose()
    return restore_backup(context.paths, Path(source), actor=who, settings=context.settings)


def record_pending_restore(context: AppContext) -> bool:
    """Write the audit row of a restore done before this start (call after migrations);
    True when there was one."""
    note = context.settings.get(PENDING_RESTORE_KEY)
    if not isinstance(note, dict):
        return False
    role = Role.from_label(str(note.get("role", ""))) or Role.SYSADMIN
    actor = Actor(name=str(note.get("actor", LOCAL_ADMIN.name)), role=role,
                  user_id=note.get("user_id"))
    with context.uow() as uow:
        audit.record(uow, actor, audit.AuditAction.BACKUP, entity_type="database",
                     summary=f"从备份恢复数据库：{note.get('source', '')}（{note.get('at', '')}）",
                     changes={"恢复前的数据库另存为": (None, note.get("kept_aside") or "")})
        context.settings.set(PENDING_RESTORE_KEY, None)
        uow.commit()
    return True


def _check_source(source: Path) -> str:
    """Refuse a file that is not a sound sub-center database; returns its revision."""
    if not source.is_file():
        raise DomainError(f"找不到备份文件 {source}，请检查路径。")
    try:
        facts = inspect_database(source)
    except sqlite3.Error as error:
        raise _refusal(source, f"它不是数据库文件，或文件已损坏（{error}）") from error
    if facts.problem is not None:
        raise _refusal(source, f"它未通过完整性检查（{facts.problem}），文件已损坏")
    if not REQUIRED_TABLES.issubset(facts.tables) or not facts.revision:
        raise _refusal(source, "它不是本程序的分中心数据库")
    return facts.revision


def _stage(source: Path, staged: Path) -> list[str]:
    """Copy ``source`` beside the live database and check the copy again (the file may
    have changed, or the copy may have failed); returns the migrations it will need.
    The revision is read from the copy so the backup file itself is never written to."""
    try:
        copy_for_restore(source, staged)
        problem = seal(staged)
    except (OSError, sqlite3.Error) as error:
        raise _refusal(source, f"复制到数据目录时出错（{error}）") from error
    if problem is not None:
        raise _refusal(source, f"复制后的文件未通过完整性检查（{problem}）")
    try:
        return migrate.pending_revisions(staged)
    except migrate.DatabaseTooNewError as error:
        revision = migrate.current_revision(staged)
        raise _refusal(
            source, f"它由更新版本的程序创建（数据库版本 {revision}），请先升级本程序"
        ) from error


def _cut_sync_link(source: Path, staged: Path) -> bool:
    """Clear the staged copy's ``client_id`` (and 终端号) so the next sync must enrol
    again (module docstring); True when the copy was enrolled. A backup from before
    sync existed has no ``sync_state`` table: nothing to cut."""
    try:
        with contextlib.closing(sqlite3.connect(staged)) as connection, connection:
            tables = {name for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "sync_state" not in tables:
                return False
            columns = {row[1] for row in connection.execute("PRAGMA table_info(sync_state)")}
            cleared = "client_id = NULL" + (", install_number = NULL"
                                            if "install_number" in columns else "")
            changed = connection.execute(
                f"UPDATE sync_state SET {cleared} WHERE client_id IS NOT NULL").rowcount
    except sqlite3.Error as error:
        raise _refusal(source, f"解除同步注册时出错（{error}）") from error
    return changed > 0


def _move_aside(paths: DataPaths) -> Path:
    database = paths.database
    aside = paths.backups / migrate.backup_file_name("before-restore")
    aside.parent.mkdir(parents=True, exist_ok=True)
    clean = checkpoint(database)
    shutil.move(database, aside)
    for suffix in SIDE_FILES:
        side = Path(f"{database}{suffix}")
        if side.exists():
            # After a good checkpoint they are stale; otherwise keep them with the file.
            if clean:
                side.unlink()
            else:
                shutil.move(side, Path(f"{aside}{suffix}"))
    return aside


def _leave_note(settings: Settings, actor: Actor, source: Path, kept: Path | None) -> None:
    settings.set(PENDING_RESTORE_KEY, {
        "actor": actor.name, "role": actor.role.value, "user_id": actor.user_id,
        "source": str(source), "kept_aside": str(kept) if kept else "",
        "at": now().strftime("%Y-%m-%d %H:%M:%S"),
    })


def _refusal(source: Path, reason: str) -> DomainError:
    return DomainError(f"不能从 {source} 恢复：{reason}。当前数据库未作任何更改。")
