"""qa sampling: blind QA reviews of auto-approved documents, second reviews, per-field checks

Revision ID: 0012_qa
Revises: 0011
Create Date: 2026-12-06 03:00:00.000000

A sampled document gets a `qa_reviews` row (what the first reading said, who reviews it
blind, the outcome) and one `qa_field_checks` row per compared field, from which the
dashboard counts reviewer agreement, Cohen's kappa and the QA error rate.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_qa'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('qa_reviews',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('doc_type', sa.String(length=30), nullable=True),
    sa.Column('first_by', sa.String(length=80), nullable=False),
    sa.Column('first_values', sa.JSON(), nullable=False),
    sa.Column('sampled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewer', sa.String(length=80), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('qa_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_reviews_document_id'), ['document_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_qa_reviews_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_qa_reviews_status'), ['status'], unique=False)
    op.create_table('qa_field_checks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('first_value', sa.Text(), nullable=True),
    sa.Column('second_value', sa.Text(), nullable=True),
    sa.Column('agree', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['qa_reviews.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_id', 'name')
    )
    with op.batch_alter_table('qa_field_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_field_checks_review_id'), ['review_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('qa_field_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_field_checks_review_id'))
    op.drop_table('qa_field_checks')
    with op.batch_alter_table('qa_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_reviews_status'))
        batch_op.drop_index(batch_op.f('ix_qa_reviews_kind'))
        batch_op.drop_index(batch_op.f('ix_qa_reviews_document_id'))
    op.drop_table('qa_reviews')
