"""Applying migrations and taking backups of the SQLite file.

The app calls ``pending_revisions`` at start-up (cheap: one sqlite3 query compared with
``HEAD_REVISION``; alembic is imported only when they differ) and, only when something
is pending, ``upgrade`` behind a splash, which first copies the file with SQLite's
online backup API.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # alembic is imported only when a migration has to run (start-up speed)
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision. Start-up compares the file's stamp with it using plain sqlite3
# and imports alembic only when they differ; a test keeps it equal to alembic's head.
HEAD_REVISION = "0011"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """What autogenerate compares: not the FTS5 index and its shadow tables, which the
    migrations create with raw SQL because SQLAlchemy cannot describe them."""
    return not (type_ == "table" and name is not None and name.startswith("demand_fts"))


class DatabaseTooNewError(RuntimeError):
    """The file was migrated by a newer program; opening it could lose data."""


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have one head, found {heads}")
    return heads[0]


def current_revision(database: Path) -> str | None:
    """The revision stamped in the file, read with plain sqlite3 (no engine needed)."""
    if not Path(database).exists():
        return None
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if row is None:
            return None
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return version[0] if version else None


def pending_revisions(database: Path) -> list[str]:
    """Revisions between the file's stamp and head, oldest first (empty when current)."""
    current = current_revision(database)
    if current == HEAD_REVISION:
        return []
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    if current == head:
        return []
    if current is not None and not _known(script, current):
        raise DatabaseTooNewError(
            f"数据库版本 {current} 比本程序新，请安装最新版本的程序后再打开。"
        )
    revisions = list(script.iterate_revisions(head, current or "base"))
    return [rev.revision for rev in reversed(revisions)]


def _known(script: ScriptDirectory, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def backup_database(source: Path, destination: Path) -> Path:
    """Consistent copy of a live database file with the SQLite online backup API."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return destination


def backup_file_name(reason: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    return f"subcenter-{stamp}-{reason}.sqlite3"


def upgrade(
    engine: Engine,
    database: Path,
    backup_dir: Path,
    target: str = "head",
    *,
    copy: Callable[[Path, Path], object] = backup_database,
) -> Path | None:
    """Back the file up (if it exists and is not empty) and upgrade it; returns the
    backup's path, or None for a brand-new file. ``copy`` makes the backup: the app
    passes one that verifies the copy before keeping it."""
    backup = None
    if database.exists() and database.stat().st_size > 0:
        backup = backup_dir / backup_file_name("before-migration")
        copy(database, backup)
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    return backup


def downgrade(engine: Engine, target: str) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, target)
