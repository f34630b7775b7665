"""assessment indexes: demands by closing time, steps by action and time

Plain CREATE INDEX (never a batch rebuild of ``demand``: see 0005). The 考评指标 of a
month and the 12-month trend read closings and the dispatch/rate steps by date.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_demand_closed_at", "demand", ["closed_at"])
    op.create_index("ix_demand_step_action_occurred", "demand_step", ["action", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_demand_step_action_occurred", table_name="demand_step")
    op.drop_index("ix_demand_closed_at", table_name="demand")
