"""District sync state: the outbox written in the same transaction as each change, the
pull cursor, conflicts with both sides, and the history of sync runs.

The outbox's ``seq`` is a plain rowid key, and SQLite gives a new row max(rowid) + 1. A
reused number would be taken by the server for an already applied mutation and
silently dropped, so the sync engine never deletes the acknowledged row with the
highest ``seq``: it stays as an ``applied`` marker and the numbers keep growing. (An
AUTOINCREMENT key would do the same, but its ``sqlite_sequence`` table can never be
dropped, so the schema could not be downgraded to empty.) A rolled-back change leaves
no gap, because the number is only taken by a committed insert.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base

OUTBOX_STATES = ("pending", "sent", "conflict", "rejected", "applied")


class OutboxEntry(Base):
    """One local change waiting for the district: ``seq`` minus the enrolment offset is
    the mutation id. ``pending`` rows are waiting, ``sent`` rows went out and wait for
    an answer; ``conflict`` and ``rejected`` rows were answered and are kept only so the
    user can see them (they never block the queue). Applied rows are deleted, except
    the newest one, kept as the marker that stops rowid reuse."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        Index("ix_sync_outbox_state_seq", "state", "seq"),
        Index("ix_sync_outbox_record", "record_id", "table_name"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    base_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    op: Mapped[str] = mapped_column(String(10), nullable=False)  # upsert | delete | command
    payload: Mapped[str] = mapped_column(Text, nullable=False)  # JSON of the row's columns
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")


class SyncState(Base):
    """The one row (id 1) of this install's link to the district.

    The refresh token is deliberately NOT here: it lives in the OS keyring (or the
    fallback file), never in the database, so a copied backup carries no credential.
    """

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(64))
    server_url: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    street_code: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    proxy: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    ca_file: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    # mutation id = outbox seq - mutation_offset (edits made before enrolment count from 1)
    mutation_offset: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pull_cursor: Mapped[str | None] = mapped_column(Text)
    initial_pull_done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    pulled_records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pull_total: Mapped[int | None] = mapped_column(Integer)  # estimate for the first download
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    clock_skew_seconds: Mapped[int | None] = mapped_column(Integer)
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 终端号: the district numbers the enrolled installs of a street 1, 2, 3 … so that
    # the numbers each install gives (受理编号, 哨号, 行动编号) never clash (None: not enrolled)
    install_number: Mapped[int | None] = mapped_column(Integer)


class SyncConflict(Base):
    """A change the district did not take as it was: both sides kept for the user.

    ``resendable`` is what the ownership policy allows: street-owned data may be sent
    again over the district's version; district-owned data may only be accepted.
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_resolved", "resolved", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    outbox_seq: Mapped[int | None] = mapped_column(Integer)
    local_json: Mapped[str] = mapped_column(Text, nullable=False)
    server_json: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    resendable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    resolved: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    resolution: Mapped[str | None] = mapped_column(String(20))  # district | mine
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(40))


class SyncRun(Base):
    """One sync run for the history list: what went up, what came down, how it ended."""

    __tablename__ = "sync_run"
    __table_args__ = (Index("ix_sync_run_started_at", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trigger: Mapped[str] = mapped_column(String(20), nullable=False)  # manual | auto | cli
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    pushed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pulled: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    result: Mapped[str] = mapped_column(String(20), nullable=False, default="running")
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
