"""joint enforcement actions

Tables of local_db/models/actions.py (written to equal the models; the migration test
compares them): the action, its units, required forces, participants, grids, the
demands that triggered it and its photos. Indexes drop with their tables.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('joint_action',
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('action_type', sa.String(length=20), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('whistle_id', sa.String(length=36), nullable=True),
    sa.Column('domain', sa.String(length=30), nullable=False),
    sa.Column('lead_unit_id', sa.String(length=36), nullable=True),
    sa.Column('responsibility_item_id', sa.String(length=36), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('places', sa.Text(), nullable=False),
    sa.Column('equipment', sa.Text(), nullable=False),
    sa.Column('min_certified', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by', sa.String(length=40), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('units_inspected', sa.Integer(), nullable=False),
    sa.Column('problems_found', sa.Integer(), nullable=False),
    sa.Column('cases_filed', sa.Integer(), nullable=False),
    sa.Column('rectified', sa.Integer(), nullable=False),
    sa.Column('fines_fen', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('results_at', sa.DateTime(), nullable=True),
    sa.Column('results_by', sa.String(length=40), nullable=True),
    sa.Column('evaluation', sa.String(length=20), nullable=True),
    sa.Column('evaluation_note', sa.Text(), nullable=False),
    sa.Column('evaluated_by', sa.String(length=40), nullable=True),
    sa.Column('evaluated_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['unit.id'], name=op.f('fk_joint_action_lead_unit_id_unit')),
    sa.ForeignKeyConstraint(['responsibility_item_id'], ['responsibility_item.id'], name=op.f('fk_joint_action_responsibility_item_id_responsibility_item')),
    sa.ForeignKeyConstraint(['whistle_id'], ['whistle.id'], name=op.f('fk_joint_action_whistle_id_whistle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_action')),
    sa.UniqueConstraint('number', name=op.f('uq_joint_action_number'))
    )
    op.create_index(op.f('ix_joint_action_lead_unit_id'), 'joint_action', ['lead_unit_id'], unique=False)
    op.create_index('ix_joint_action_state_starts', 'joint_action', ['state', 'starts_at'], unique=False)
    op.create_index(op.f('ix_joint_action_whistle_id'), 'joint_action', ['whistle_id'], unique=False)
    op.create_index('ix_joint_action_window', 'joint_action', ['starts_at', 'ends_at'], unique=False)
    op.create_table('action_attachment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('added_by', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['joint_action.id'], name=op.f('fk_action_attachment_action_id_joint_action')),
    sa.ForeignKeyConstraint(['sha256'], ['attachment.sha256'], name=op.f('fk_action_attachment_sha256_attachment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_attachment')),
    sa.UniqueConstraint('action_id', 'sha256', name=op.f('uq_action_attachment_action_id_sha256'))
    )
    op.create_table('action_demand',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('demand_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['joint_action.id'], name=op.f('fk_action_demand_action_id_joint_action')),
    sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name=op.f('fk_action_demand_demand_id_demand')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_demand')),
    sa.UniqueConstraint('action_id', 'demand_id', name=op.f('uq_action_demand_action_id_demand_id'))
    )
    op.create_index(op.f('ix_action_demand_demand_id'), 'action_demand', ['demand_id'], unique=False)
    op.create_table('action_grid',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['joint_action.id'], name=op.f('fk_action_grid_action_id_joint_action')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_action_grid_grid_id_grid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_grid')),
    sa.UniqueConstraint('action_id', 'grid_id', name=op.f('uq_action_grid_action_id_grid_id'))
    )
    op.create_index(op.f('ix_action_grid_grid_id'), 'action_grid', ['grid_id'], unique=False)
    op.create_table('action_need',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('domain', sa.String(length=30), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('certified', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['joint_action.id'], name=op.f('fk_action_need_action_id_joint_action')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_action_need_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_need'))
    )
    op.create_index(op.f('ix_action_need_action_id'), 'action_need', ['action_id'], unique=False)
    op.create_table('action_participant',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('fixed_by_hand', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['joint_action.id'], name=op.f('fk_action_participant_action_id_joint_action')),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_action_participant_officer_id_officer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_participant')),
    sa.UniqueConstraint('action_id', 'officer_id', name=op.f('uq_action_participant_action_id_officer_id'))
    )
    op.create_index(op.f('ix_action_participant_officer_id'), 'action_participant', ['officer_id'], unique=False)
    op.create_table('action_unit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['joint_action.id'], name=op.f('fk_action_unit_action_id_joint_action')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_action_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_unit')),
    sa.UniqueConstraint('action_id', 'unit_id', name=op.f('uq_action_unit_action_id_unit_id'))
    )
    op.create_index(op.f('ix_action_unit_unit_id'), 'action_unit', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_table('action_unit')
    op.drop_table('action_participant')
    op.drop_table('action_need')
    op.drop_table('action_grid')
    op.drop_table('action_demand')
    op.drop_table('action_attachment')
    op.drop_table('joint_action')
