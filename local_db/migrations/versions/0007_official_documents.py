"""official documents: series, documents, numbers, archive

Tables of local_db/models/documents.py (written by hand to equal the models; the
migration test compares them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document_series',
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('word', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_series')),
    sa.UniqueConstraint('prefix', 'word', 'year', name=op.f('uq_document_series_prefix_word_year'))
    )
    op.create_table('document',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('fields_json', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('drafted_by', sa.String(length=40), nullable=False),
    sa.Column('submitted_by', sa.String(length=40), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by', sa.String(length=40), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('number', sa.String(length=60), nullable=True),
    sa.Column('series_id', sa.String(length=36), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('print_count', sa.Integer(), nullable=False),
    sa.Column('archived_sha256', sa.String(length=64), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=40), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['document_series.id'], name=op.f('fk_document_series_id_document_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('number', name=op.f('uq_document_number'))
    )
    op.create_index(op.f('ix_document_kind'), 'document', ['kind'], unique=False)
    op.create_index(op.f('ix_document_source_id'), 'document', ['source_id'], unique=False)
    op.create_index(op.f('ix_document_state'), 'document', ['state'], unique=False)
    op.create_index(op.f('ix_document_year'), 'document', ['year'], unique=False)
    op.create_table('document_archive',
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('archived_by', sa.String(length=40), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_archive_document_id_document')),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_archive'))
    )
    op.create_table('document_number',
    sa.Column('series_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('taken_by', sa.String(length=40), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_number_document_id_document')),
    sa.ForeignKeyConstraint(['series_id'], ['document_series.id'], name=op.f('fk_document_number_series_id_document_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_number')),
    sa.UniqueConstraint('number', name=op.f('uq_document_number_number')),
    sa.UniqueConstraint('series_id', 'seq', name=op.f('uq_document_number_series_id_seq'))
    )
    op.create_index(op.f('ix_document_number_document_id'), 'document_number', ['document_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_document_number_document_id'), table_name='document_number')
    op.drop_table('document_number')
    op.drop_table('document_archive')
    op.drop_index(op.f('ix_document_year'), table_name='document')
    op.drop_index(op.f('ix_document_state'), table_name='document')
    op.drop_index(op.f('ix_document_source_id'), table_name='document')
    op.drop_index(op.f('ix_document_kind'), table_name='document')
    op.drop_table('document')
    op.drop_table('document_series')
