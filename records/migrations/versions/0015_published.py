"""published policies and models, the versions a document used, its readings

Revision ID: 0015_published
Revises: 0014
Create Date: 2026-12-06 06:10:00.000000

`policies.toml` and retrained models are stored once for every node (`published_files`,
versioned by the content's sha256); each document records the versions that judged and read
it (`documents.versions`), and every reading of its original (`document_reads`), so a
document OCR'd twice shows.
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_published'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('published_files',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=True),
    sa.Column('published_by', sa.String(length=80), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('published_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_files_name'), ['name'], unique=False)
    op.create_table('document_reads',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=40), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('ocr_pages', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_reads_document_id'), ['document_id'],
                              unique=False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('versions', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('versions')
    op.drop_table('document_reads')
    op.drop_table('published_files')
