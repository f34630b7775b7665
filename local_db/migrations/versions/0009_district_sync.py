"""district sync: outbox, cursor, conflicts, runs

Tables of local_db/models/sync.py (see its docstring for why ``sync_outbox.seq`` is
a plain rowid key).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_outbox")),
    )
    op.create_index("ix_sync_outbox_state_seq", "sync_outbox", ["state", "seq"])
    op.create_index("ix_sync_outbox_record", "sync_outbox", ["record_id", "table_name"])
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("server_url", sa.String(length=300), nullable=False),
        sa.Column("street_code", sa.String(length=12), nullable=False),
        sa.Column("proxy", sa.String(length=300), nullable=False),
        sa.Column("ca_file", sa.String(length=500), nullable=False),
        sa.Column("mutation_offset", sa.Integer(), nullable=False),
        sa.Column("pull_cursor", sa.Text(), nullable=True),
        sa.Column("initial_pull_done", sa.Boolean(), nullable=False),
        sa.Column("pulled_records", sa.Integer(), nullable=False),
        sa.Column("pull_total", sa.Integer(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("clock_skew_seconds", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("outbox_seq", sa.Integer(), nullable=True),
        sa.Column("local_json", sa.Text(), nullable=False),
        sa.Column("server_json", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("resendable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    op.create_index("ix_sync_conflict_resolved", "sync_conflict", ["resolved", "id"])
    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("pushed", sa.Integer(), nullable=False),
        sa.Column("pulled", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_run")),
    )
    op.create_index("ix_sync_run_started_at", "sync_run", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_sync_run_started_at", table_name="sync_run")
    op.drop_table("sync_run")
    op.drop_index("ix_sync_conflict_resolved", table_name="sync_conflict")
    op.drop_table("sync_conflict")
    op.drop_table("sync_state")
    op.drop_index("ix_sync_outbox_record", table_name="sync_outbox")
    op.drop_index("ix_sync_outbox_state_seq", table_name="sync_outbox")
    op.drop_table("sync_outbox")
