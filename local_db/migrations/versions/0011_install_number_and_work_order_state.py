"""install number (终端号) and a work order's district state on ``demand``

``sync_state.install_number``: the small number the district gives each enrolled
install of a street, put into the numbers an install makes (受理编号 20261123-2-0001,
哨-20261123-2-001, LX2026-2-0001) so two PCs of one street never give the same one.

``demand``: the district-owned fields of a dispatched work order (district/workorders.py)
that the pull used to drop: district_status, district_note, extension_request,
return_request, completion, accepted_at.

Plain ADD COLUMN / DROP COLUMN (SQLite ≥ 3.35), never a batch rebuild of ``demand``:
its FTS triggers (0005) would be lost. The triggers do not name these columns, so
dropping them again is allowed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEMAND_COLUMNS = (
    ("district_status", sa.String(length=30)),
    ("district_note", sa.Text()),
    ("extension_request", sa.JSON()),
    ("return_request", sa.JSON()),
    ("completion", sa.JSON()),
    ("accepted_at", sa.DateTime()),
)


def upgrade() -> None:
    op.add_column("sync_state", sa.Column("install_number", sa.Integer(), nullable=True))
    for name, kind in DEMAND_COLUMNS:
        op.add_column("demand", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _kind in reversed(DEMAND_COLUMNS):
        op.drop_column("demand", name)
    op.drop_column("sync_state", "install_number")
