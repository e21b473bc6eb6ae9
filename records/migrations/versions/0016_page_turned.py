"""pages read turned: the degrees OCR turned a page image to read it

Revision ID: 0016_page_turned
Revises: 0015_published
Create Date: 2026-12-08 02:20:00.000000

A page lying on its head is read again turned half a turn (`ingest.ocr.select`); its words
are on the turned page, so the page image is shown turned the same way (`api.web.render`).
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_page_turned'
down_revision = '0015_published'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('turned', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_column('turned')
