"""The file-level steps of backing up and restoring the SQLite database: an online copy
that is checked before it gets its final name, and the checks a file must pass before
it may replace the live database.

Every copy is written under a temporary name in the destination folder and renamed
only after ``PRAGMA integrity_check`` says ``ok``, so a full disk, a pulled USB stick
or a crash never leaves a half-written file that looks like a good backup. Copies are
switched to ``journal_mode=DELETE``: a backup is one self-contained file (no -wal/-shm
beside it) that can be carried on a USB stick.

Threading: blocking file work for the database worker thread.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.errors import DomainError
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress

SIDE_FILES = ("-wal", "-shm", "-journal")
COPY_PAGES = 1024  # pages per step of the online copy (4 MB with 4 KB pages)
# Tables every sub-center database has had since the first migration.
REQUIRED_TABLES = frozenset({"alembic_version", "sub_center"})


class BackupWriteError(DomainError):
    """The backup folder cannot take the file (missing, read-only, full)."""


class DatabaseBusyError(DomainError):
    """Another connection holds the database file a restore would replace."""


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot hold backups (Chinese), or None when it can: it must
    exist or be creatable, and a file must be writable in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        return error.strerror or str(error)
    return None


def write_verified_copy(source: Path, destination: Path, *,
                        progress: ProgressCallback = no_progress,
                        cancel: CancelToken = NEVER_CANCELLED) -> None:
    """Copy the live database ``source`` to ``destination`` with the online backup API,
    check the copy, then give it its name. Raises BackupWriteError naming the folder
    (nothing is left behind) when the folder cannot take the file, CancelledError
    (nothing left either) when ``cancel`` is set during the copy."""
    folder = destination.parent
    problem = folder_problem(folder)
    if problem is not None:
        raise _write_error(folder, problem)
    partial = folder / f".{destination.name}.partial"
    try:
        _online_copy(source, partial, read_only_source=False,
                     step=_reporter(progress, cancel))
        progress(1, 1, "正在检查备份文件的完整性……")
        problem = seal(partial)
        if problem is not None:
            raise DomainError(
                f"备份文件未通过完整性检查（{problem}），已删除。"
                "请在“设置 › 备份与恢复”中再试一次；如仍失败，请联系技术支持。"
            )
        os.replace(partial, destination)
    except (OSError, sqlite3.Error) as error:
        raise _write_error(folder, str(error)) from error
    finally:
        remove_with_side_files(partial)


def copy_for_restore(source: Path, destination: Path) -> None:
    """Copy a backup file (opened read-only) to ``destination`` with the backup API."""
    _online_copy(source, destination, read_only_source=True)


Step = Callable[[int, int, int], object]  # sqlite3's backup progress: status, remaining, total


def _online_copy(source: Path, destination: Path, *, read_only_source: bool,
                 step: Step | None = None) -> None:
    """Copy page by page (a few MB at a time) so a big file reports progress and can be
    cancelled; writers in other connections are not blocked in between."""
    remove_with_side_files(destination)
    uri = f"{source.resolve().as_uri()}?mode=ro" if read_only_source else str(source)
    with _connection(uri, uri=read_only_source) as src, _connection(str(destination)) as dst:
        src.backup(dst, pages=COPY_PAGES, progress=step)


def _reporter(progress: ProgressCallback, cancel: CancelToken) -> Step:
    """sqlite3 calls this after each chunk; raising in it aborts the copy."""

    def step(_status: int, remaining: int, total: int) -> None:
        cancel.raise_if_cancelled()
        progress(total - remaining, total, f"正在复制数据库（{total - remaining}/{total} 页）……")

    return step


def seal(path: Path) -> str | None:
    """Make ``path`` a single self-contained file and check it; returns the first
    problem reported by ``PRAGMA integrity_check`` or None when it is ok."""
    with _connection(str(path)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        return _integrity(connection)


@dataclass(frozen=True)
class DatabaseFacts:
    """What a candidate file is, read without changing it."""

    problem: str | None  # integrity problem (None = ok)
    tables: frozenset[str]
    revision: str | None


def inspect_database(path: Path) -> DatabaseFacts:
    """Open ``path`` read-only and report its integrity, tables and alembic revision.
    Raises sqlite3.DatabaseError when it is not an SQLite file at all."""
    with _connection(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        problem = _integrity(connection)
        tables = frozenset(name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table'"))
        revision = None
        if problem is None and "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    return DatabaseFacts(problem, tables, revision)


def checkpoint(database: Path) -> bool:
    """Fold the -wal file into the database and leave rollback-journal mode, so the
    file alone holds every committed transaction. False when the file cannot be
    opened as a database (it is then moved as it is, with its side files).

    Leaving WAL mode needs the only connection to the file, so this is also how a
    restore notices another program (a running client, a command) using the file:
    DatabaseBusyError, before anything is moved."""
    try:
        with _connection(str(database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        return True
    except sqlite3.Error as error:
        if getattr(error, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise DatabaseBusyError(
                f"数据库文件 {database} 正被其他程序使用（可能是另一个正在运行的分中心客户端"
                "或命令行），无法恢复。请关闭所有使用该数据目录的程序后再试。当前数据库未作任何更改。"
            ) from error
        return False


def remove_with_side_files(path: Path) -> None:
    """Best-effort clean-up of a temporary copy; never hides the error that led here."""
    for suffix in ("", *SIDE_FILES):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _integrity(connection: sqlite3.Connection) -> str | None:
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    first = rows[0][0] if rows else "无结果"
    return None if first == "ok" else str(first)


@contextlib.contextmanager
def _connection(target: str, *, uri: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that is closed (not just committed) on exit."""
    connection = sqlite3.connect(target, uri=uri)
    try:
        yield connection
    finally:
        connection.close()


def _write_error(folder: Path, detail: str) -> BackupWriteError:
    return BackupWriteError(
        f"无法把备份写入文件夹 {folder}（{detail}）。未留下不完整的备份文件。"
        "请检查该文件夹是否存在、是否有写入权限、磁盘空间是否充足，"
        "或在“设置 › 备份与恢复”中换一个备份文件夹。"
    )
