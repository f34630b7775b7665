"""Migrations: empty → head, down and up again, models equal migrations, backup first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from desktop.bootstrap import open_context
from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.errors import ConflictError
from desktop.services.subcenter import set_up_sub_center
from local_db import migrate
from local_db.models import Base
from tests.conftest import STREET


def _tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return {name for (name,) in rows}


def test_empty_file_upgrades_to_head_with_every_model_table(tmp_path: Path) -> None:
    context = open_context(tmp_path)
    assert context.pending_migrations()[-1] == migrate.head_revision()
    backup = context.migrate()
    assert backup is None  # nothing to back up in a brand-new file
    assert migrate.current_revision(context.paths.database) == migrate.head_revision()
    assert set(Base.metadata.tables) <= _tables(context.paths.database)
    assert context.pending_migrations() == []


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    context = open_context(tmp_path)
    context.migrate()
    migrate.downgrade(context.engine, "base")
    assert _tables(context.paths.database) - {"alembic_version"} == set()
    assert migrate.current_revision(context.paths.database) is None
    context.migrate()
    assert set(Base.metadata.tables) <= _tables(context.paths.database)


def test_models_equal_migrations(tmp_path: Path) -> None:
    context = open_context(tmp_path)
    context.migrate()
    with context.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={
                "compare_type": True, "include_name": migrate.include_name}),
            Base.metadata,
        )
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_a_backup_of_the_data_is_taken_before_migrating(tmp_path: Path) -> None:
    context = open_context(tmp_path)
    context.migrate()
    set_up_sub_center(context.uow(), actor=LOCAL_ADMIN, **STREET)
    migrate.downgrade(context.engine, "base")  # now a migration is pending on a used file
    backup = context.migrate()
    assert backup is not None and backup.exists()
    assert backup.parent == context.paths.backups
    with sqlite3.connect(backup) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_of_a_live_database_has_its_rows(tmp_path: Path) -> None:
    context = open_context(tmp_path)
    context.migrate()
    set_up_sub_center(context.uow(), actor=LOCAL_ADMIN, **STREET)
    target = migrate.backup_database(context.paths.database, tmp_path / "copy.sqlite3")
    with sqlite3.connect(target) as connection:
        names = connection.execute("SELECT street_name FROM sub_center").fetchall()
    assert names == [(STREET["street_name"],)]


def test_engine_sets_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    context = open_context(tmp_path)
    with context.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() >= 5000


def test_a_database_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    context = open_context(tmp_path)
    context.migrate()
    with sqlite3.connect(context.paths.database) as connection:
        connection.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    with pytest.raises(ConflictError, match="比本程序新"):
        context.pending_migrations()


def test_the_start_up_fast_path_knows_the_head() -> None:
    """Start-up skips alembic when the file is at HEAD_REVISION; it must be the real head."""
    assert migrate.head_revision() == migrate.HEAD_REVISION, (
        "a migration was added: set HEAD_REVISION in local_db/migrate.py to it"
    )
