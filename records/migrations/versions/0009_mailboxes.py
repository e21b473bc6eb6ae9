"""IMAP mailboxes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:50:00.000000

Mailboxes whose mails (and their attachments) become documents; the password is stored
encrypted with the service's secret key.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mailboxes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('host', sa.String(length=300), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.String(length=20), nullable=False),
    sa.Column('username', sa.String(length=300), nullable=False),
    sa.Column('password_sealed', sa.Text(), nullable=False),
    sa.Column('folder', sa.String(length=300), nullable=False),
    sa.Column('from_contains', sa.String(length=300), nullable=True),
    sa.Column('subject_contains', sa.String(length=300), nullable=True),
    sa.Column('after', sa.String(length=300), nullable=False),
    sa.Column('hr', sa.Boolean(), nullable=False),
    sa.Column('interval_s', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_polled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('mailboxes')
