"""The SQLAlchemy engine for the local SQLite file, with the pragmas the app relies on.

WAL lets the GUI read while the DB executor writes; foreign keys are off by default in
SQLite and must be switched on per connection; the busy timeout makes a second writer
(a CLI command while the app runs) wait instead of failing at once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000


def _apply_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # NORMAL is durable across application crashes in WAL mode; only a power cut can
        # lose the last transactions, never corrupt the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{Path(path).as_posix()}"


def create_sqlite_engine(path: Path, *, echo: bool = False) -> Engine:
    """Engine for one SQLite file; the pragmas are set on every new connection."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(sqlite_url(path), echo=echo)
    event.listen(engine, "connect", _apply_pragmas)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: services return frozen DTOs built after commit.
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
