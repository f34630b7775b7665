"""The district server's storage: SQLAlchemy 2 models and the engine.

SQLite by default (WAL, a busy timeout) and PostgreSQL by URL. The main paths use only
portable SQL. The one ordering rule everything rests on: every writing transaction
starts by bumping the ``counter`` row (``UPDATE counter SET value = value + 1``). That
statement takes the write lock (SQLite) or the row lock (PostgreSQL) first, so writers
run one after another and commit in the order of the change sequence numbers they take.
A reader can therefore never see sequence N+1 committed while N is still pending, and a
pull that reads ``change_seq > cursor`` never skips a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    create_engine,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

GLOBAL = "*"  # the street of district-wide records (unit directory, holidays, lists)
DISTRICT = "district"  # updated_by of district-side edits


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


class StreetRow(Base):
    __tablename__ = "streets"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    center_name: Mapped[str] = mapped_column(String(80), nullable=False)
    issuing_authority: Mapped[str] = mapped_column(String(80), nullable=False)
    doc_prefix: Mapped[str] = mapped_column(String(20), nullable=False)


class UserRow(Base):
    """An enrolment account of a street (what its staff type when enrolling a PC)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    street: Mapped[str] = mapped_column(ForeignKey("streets.code"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)


class ClientRow(Base):
    """One install; ``last_mutation_id`` advances in the same transaction as each effect."""

    __tablename__ = "clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    street: Mapped[str] = mapped_column(ForeignKey("streets.code"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    last_mutation_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    # 终端号 1, 2, 3 … within the street, given at the first enrolment and kept by a
    # re-enrolment; the install puts it into the numbers it makes (受理编号 …)
    install_number: Mapped[int | None] = mapped_column(Integer)


class RefreshTokenRow(Base):
    """Only the SHA-256 of a refresh token is stored."""

    __tablename__ = "tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.client_id"), nullable=False,
                                           index=True)
    street: Mapped[str] = mapped_column(String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class CounterRow(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class RecordRow(Base):
    """The latest state of one record; ``change_seq`` orders the pull feed."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_street_change_seq", "street", "change_seq"),)

    street: Mapped[str] = mapped_column(String(12), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    owner: Mapped[str] = mapped_column(String(10), nullable=False)
    change_seq: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    # the version of the district's last edit: a street edit based on an older version
    # of a street-owned record is then a district_override conflict
    district_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class MutationResultRow(Base):
    __tablename__ = "mutation_results"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class ConflictRow(Base):
    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    street: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    client_id: Mapped[str] = mapped_column(String(64), nullable=False)
    mutation_id: Mapped[int] = mapped_column(Integer, nullable=False)
    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    record_id: Mapped[str] = mapped_column(String(64), nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    client_fields: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    server_fields: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class AttachmentRow(Base):
    """An upload of one street; the bytes are in ``<files>/<street>/<sha256>``."""

    __tablename__ = "attachments"

    street: Mapped[str] = mapped_column(String(12), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    media_type: Mapped[str] = mapped_column(String(80), nullable=False)
    received: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class HolidayYearRow(Base):
    __tablename__ = "holiday_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    published_on: Mapped[str | None] = mapped_column(String(10))
    days: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class SettingRow(Base):
    """Server secrets made at first start (the access-token signing key)."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               poolclass=StaticPool if memory else None)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    Base.metadata.create_all(engine)
    _add_missing_columns(engine)
    with Session(engine) as session, session.begin():
        if session.get(CounterRow, "change_seq") is None:
            session.add(CounterRow(name="change_seq", value=0))
    return engine


def _add_missing_columns(engine: Engine) -> None:
    """A database made before ``clients.install_number`` existed gets the column
    (``create_all`` only creates missing tables); its installs are numbered again at
    their next enrolment."""
    if "install_number" not in {c["name"] for c in inspect(engine).get_columns("clients")}:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE clients ADD COLUMN install_number INTEGER"))


class Database:
    """Sessions for reads and for writes (a write always takes the counter first)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One writing transaction; commits on normal exit, rolls back on an exception."""
        with self._sessions() as session, session.begin():
            yield Writer(session)

    def dispose(self) -> None:
        self.engine.dispose()


class Writer:
    """A writing transaction holding the counter lock; ``next_seq()`` numbers changes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        session.execute(update(CounterRow).where(CounterRow.name == "change_seq")
                        .values(value=CounterRow.value + 1))
        self._seq = session.scalar(select(CounterRow.value)
                                   .where(CounterRow.name == "change_seq")) or 0
        self._used = False

    def next_seq(self) -> int:
        """A fresh change sequence number, inside this transaction."""
        if self._used:
            self.session.execute(update(CounterRow).where(CounterRow.name == "change_seq")
                                 .values(value=CounterRow.value + 1))
            self._seq += 1
        self._used = True
        return self._seq
