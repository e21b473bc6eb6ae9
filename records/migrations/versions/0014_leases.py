"""processing leases and recorded stages

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 03:00:00.000000

A document in work carries a lease (who, until when) renewed by a heartbeat, so a dead
worker's document is taken over and a live one's is left alone; every stage of processing
that happens outside the storing transaction (search indexing) is recorded, so a redelivered
task completes what is missing; runs that took a lease and never released it are counted,
so a document that kills its worker every time is failed instead of redelivered for ever.
A field's `source` is widened to 200 characters: contract
rankers name their pattern there, past the old 40, which PostgreSQL refused (SQLite does not
check lengths).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lease_runs', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('fields', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=40),
                              type_=sa.String(length=200), existing_nullable=False)
    op.create_table('document_stages',
    sa.Column('document_id', sa.String(length=40), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'stage')
    )


def downgrade() -> None:
    op.drop_table('document_stages')
    with op.batch_alter_table('fields', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=200),
                              type_=sa.String(length=40), existing_nullable=False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('lease_runs')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('lease_owner')
