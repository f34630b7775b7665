"""Backups of the database: taken by hand, once a day automatically, and before every
migration and restore; kept in a chosen folder and rotated.

Copies use SQLite's online backup API (safe while the app runs and writes), are
checked with ``PRAGMA integrity_check`` under a temporary name, and only then renamed
(see ``backup_files``). Where backups go and how many are kept are machine-local
preferences in the settings file, not business data: each PC of a sub-center may back
up to its own USB disk or network share.

Backup kinds are told apart by the file name:
``subcenter-<YYYYmmdd-HHMMSS-ffffff>-<kind>.sqlite3``. Automatic daily backups and
manual ones are rotated separately; the copies taken before a migration or a restore
stay in the data folder's ``backups`` and are never deleted automatically.

Threading: every function here blocks; the GUI runs them on the database thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from desktop.bootstrap import AppContext
from desktop.clock import now as clock_now
from desktop.domain.actor import Actor, Role
from desktop.domain.errors import ValidationError
from desktop.domain.labels import LabeledEnum
from desktop.domain.permissions import Permission, require
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.services.backup_files import folder_problem, write_verified_copy
from desktop.services.restore import (
    RestoreResult,
    record_pending_restore,
    restore_backup,
    restore_in_app,
)
from local_db.migrate import backup_file_name

__all__ = [
    "BackupInfo", "BackupKind", "BackupSettings", "RestoreResult", "backup_now",
    "ensure_daily_backup", "list_backups", "load_backup_settings", "record_pending_restore",
    "restore_backup", "restore_in_app", "rotate", "save_backup_settings",
]

SETTINGS_KEY = "backups"
DEFAULT_KEEP_DAILY = 14
DEFAULT_KEEP_MANUAL = 30
MAX_KEEP = 999
DAILY_INTERVAL = timedelta(hours=24)
# The daily backup is a system task: no user asked for it, but the trail says who did it.
SYSTEM_ACTOR = Actor(name="系统（自动备份）", role=Role.SYSADMIN)
_NAME = re.compile(r"^subcenter-(\d{8}-\d{6}-\d{6})-([a-z-]+)\.sqlite3$")


class BackupKind(LabeledEnum):
    DAILY = ("daily", "每日自动")
    MANUAL = ("manual", "手动")
    BEFORE_MIGRATION = ("before-migration", "升级前")
    BEFORE_RESTORE = ("before-restore", "恢复前的原数据")


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    keep_daily: int
    keep_manual: int


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: BackupKind
    taken_at: datetime
    size: int  # bytes

    @property
    def size_text(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"


# --- settings ----------------------------------------------------------------------------


def load_backup_settings(context: AppContext) -> BackupSettings:
    """The stored preferences, with defaults for anything missing or damaged."""
    raw = context.settings.get(SETTINGS_KEY)
    raw = raw if isinstance(raw, dict) else {}
    folder = Path(raw["folder"]) if raw.get("folder") else context.paths.backups
    return BackupSettings(folder, _count(raw.get("keep_daily"), DEFAULT_KEEP_DAILY),
                          _count(raw.get("keep_manual"), DEFAULT_KEEP_MANUAL))


def _count(value: object, default: int) -> int:
    return value if isinstance(value, int) and 1 <= value <= MAX_KEEP else default


def save_backup_settings(
    context: AppContext, *, actor: Actor, folder: Path | str, keep_daily: int, keep_manual: int
) -> BackupSettings:
    """Change where backups go and how many are kept; audited. The folder must exist
    (or be creatable) and be writable, so the next backup cannot fail on it."""
    require(actor, Permission.BACKUP_MANAGE)
    for label, value in (("每日备份保留份数", keep_daily), ("手动备份保留份数", keep_manual)):
        if not 1 <= value <= MAX_KEEP:
            raise ValidationError(label, f"应为 1 至 {MAX_KEEP} 之间的整数。")
    target = Path(folder).expanduser() if str(folder).strip() else context.paths.backups
    if not target.is_absolute():
        raise ValidationError("备份文件夹", f"“{folder}”不是完整路径，请用“选择文件夹…”选择。")
    problem = folder_problem(target)
    if problem is not None:
        raise ValidationError("备份文件夹", f"无法写入 {target}（{problem}），请换一个文件夹或检查权限。")
    before = load_backup_settings(context)
    after = BackupSettings(target, keep_daily, keep_manual)
    changes = {label: (old, new) for label, old, new in (
        ("备份文件夹", str(before.folder), str(after.folder)),
        ("每日备份保留份数", before.keep_daily, after.keep_daily),
        ("手动备份保留份数", before.keep_manual, after.keep_manual),
    ) if old != new}
    if not changes:
        return after
    with context.uow() as uow:
        audit.record(uow, actor, audit.AuditAction.BACKUP, entity_type="backup_settings",
                     summary="修改备份设置", changes=changes)
        default = target.resolve() == context.paths.backups.resolve()
        context.settings.set(SETTINGS_KEY, {"folder": "" if default else str(target),
                                            "keep_daily": keep_daily, "keep_manual": keep_manual})
        uow.commit()
    return after


# --- taking backups ----------------------------------------------------------------------


def backup_now(
    context: AppContext, target: Path | None = None, *, actor: Actor | None = None,
    reason: str = "manual", progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Path:
    """Copy the live database to ``target`` (default: a dated file in the backup
    folder), check it, rotate that kind of backup, and audit it. ``actor`` defaults to
    the context's (the command line's local administrator). Raises DomainError naming
    the folder when it cannot be written, CancelledError when cancelled; in both cases
    no partial file is left."""
    who = actor or context.actor
    require(who, Permission.BACKUP_MANAGE)
    return _take(context, target, actor=who, kind=BackupKind(reason), when=None,
                 progress=progress, cancel=cancel)


def ensure_daily_backup(context: AppContext, *, now: datetime | None = None) -> Path | None:
    """Take the daily backup when the newest one is 24 hours old or there is none;
    returns its path, or None when a recent one exists. A system task: no permission
    check (any user's session keeps the data safe), audited as the system."""
    when = now or clock_now()
    newest = max((b.taken_at for b in list_backups(context) if b.kind is BackupKind.DAILY),
                 default=None)
    # A backup stamped in the future means the clock was set back: take a fresh one.
    if newest is not None and timedelta(0) <= when - newest < DAILY_INTERVAL:
        return None
    return _take(context, None, actor=SYSTEM_ACTOR, kind=BackupKind.DAILY, when=when)


# Only these kinds are rotated; copies before a migration or a restore are kept.
_ROTATED: dict[BackupKind, Callable[[BackupSettings], int]] = {
    BackupKind.DAILY: lambda s: s.keep_daily, BackupKind.MANUAL: lambda s: s.keep_manual,
}


def _take(context: AppContext, target: Path | None, *, actor: Actor, kind: BackupKind,
          when: datetime | None, progress: ProgressCallback = no_progress,
          cancel: CancelToken = NEVER_CANCELLED) -> Path:
    settings = load_backup_settings(context)
    destination = Path(target) if target else settings.folder / backup_file_name(kind.value, when)
    write_verified_copy(context.paths.database, destination, progress=progress, cancel=cancel)
    if target is None and kind in _ROTATED:
        rotate(settings.folder, kind.value, _ROTATED[kind](settings))
    with context.uow() as uow:
        audit.record(uow, actor, audit.AuditAction.BACKUP, entity_type="database",
                     entity_id=kind.value, summary=f"{kind.label}备份数据库到 {destination}")
        uow.commit()
    return destination


def rotate(folder: Path, reason: str, keep: int) -> list[Path]:
    """Delete the oldest backups of one kind beyond ``keep``; returns what was deleted.
    Names sort by time (the stamp is fixed-width), so the oldest come first."""
    files = sorted(path for path in folder.glob(f"subcenter-*-{reason}.sqlite3")
                   if (parsed := _parse(path)) is not None and parsed[1] == reason)
    doomed = files[:-keep] if keep > 0 else files
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


# --- listing -----------------------------------------------------------------------------


def list_backups(context: AppContext) -> list[BackupInfo]:
    """Every backup in the chosen folder and in the data folder's ``backups`` (where the
    copies before migrations and restores are), newest first."""
    folders = {context.paths.backups.resolve(), load_backup_settings(context).folder.resolve()}
    found: list[BackupInfo] = []
    for folder in sorted(folders):
        if not folder.is_dir():
            continue
        for path in folder.glob("subcenter-*.sqlite3"):
            info = _info(path)
            if info is not None:
                found.append(info)
    return sorted(found, key=lambda info: (info.taken_at, info.path.name), reverse=True)


def _parse(path: Path) -> tuple[datetime, str] | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S-%f"), match.group(2)
    except ValueError:
        return None


def _info(path: Path) -> BackupInfo | None:
    parsed = _parse(path)
    if parsed is None or BackupKind.from_label(parsed[1]) is None:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None  # deleted meanwhile (rotation by another instance)
    return BackupInfo(path, BackupKind(parsed[1]), parsed[0], size)

