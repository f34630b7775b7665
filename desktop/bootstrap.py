"""Composition root of the core: builds the engine, the unit-of-work factory and the
settings for one data folder. The GUI, the command line and the tests all start here.

Nothing is built at import time; ``open_context`` does the work and ``close`` undoes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desktop.config import DataPaths, Settings, data_paths
from desktop.domain.actor import LOCAL_ADMIN, Actor
from desktop.domain.errors import ConflictError
from local_db import migrate
from local_db.engine import create_sqlite_engine, make_session_factory
from local_db.unit_of_work import UnitOfWork


@dataclass
class AppContext:
    paths: DataPaths
    engine: Engine
    session_factory: sessionmaker[Session]
    settings: Settings
    actor: Actor = field(default=LOCAL_ADMIN)

    def uow(self) -> UnitOfWork:
        """A fresh unit of work; a service enters it with ``with uow:``."""
        return UnitOfWork(self.session_factory)

    def pending_migrations(self) -> list[str]:
        try:
            return migrate.pending_revisions(self.paths.database)
        except migrate.DatabaseTooNewError as error:
            raise ConflictError(str(error)) from error

    def migrate(self) -> Path | None:
        """Upgrade the database to head (backing it up first); returns the backup path."""
        if not self.pending_migrations():
            return None
        from desktop.services.backup_files import write_verified_copy

        return migrate.upgrade(self.engine, self.paths.database, self.paths.backups,
                               copy=write_verified_copy)

    def close(self) -> None:
        self.engine.dispose()


def open_context(root: Path | None = None, *, actor: Actor = LOCAL_ADMIN) -> AppContext:
    """Open (not migrate) the database of a data folder; ``root`` defaults to the user's."""
    from desktop.sync.work_orders import work_order_commands
    from local_db.outbox_events import install_outbox

    paths = data_paths(root).ensure()
    engine = create_sqlite_engine(paths.database)
    factory = make_session_factory(engine)
    # Every change to a record that travels queues its outbox row in the same
    # transaction (docs: sync.md); pulled rows are applied without one.
    install_outbox(factory, command_rule=work_order_commands)
    return AppContext(
        paths=paths,
        engine=engine,
        session_factory=factory,
        settings=Settings(paths.settings_file),
        actor=actor,
    )


def open_migrated_context(root: Path | None = None, *, actor: Actor = LOCAL_ADMIN) -> AppContext:
    """Open a data folder and bring its database to head: what headless commands use."""
    context = open_context(root, actor=actor)
    context.migrate()
    return context
