"""document uploader and intake channel

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00.000000

Existing documents get their uploader from the first status event (the actor that
recorded `received`), and are restricted to HR when that uploader holds the hr role,
the same rule `records.channels` applies to new uploads.
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

HR = 'hr'


def _roles(value):
    if isinstance(value, str):
        value = json.loads(value or '[]')
    return set(value or [])


def _backfill() -> None:
    conn = op.get_bind()
    hr_users = {name for name, roles in conn.execute(sa.text('SELECT username, roles FROM users'))
                if HR in _roles(roles)}
    rows = conn.execute(sa.text(
        "SELECT document_id, actor FROM status_history WHERE status = 'received' "
        "ORDER BY at, id")).fetchall()
    uploader = {}
    for document_id, actor in rows:
        uploader.setdefault(document_id, actor)
    for document_id, actor in uploader.items():
        conn.execute(sa.text('UPDATE documents SET uploaded_by = :actor, restricted_to = :channel '
                             'WHERE id = :id'),
                     {'actor': actor, 'channel': HR if actor in hr_users else None,
                      'id': document_id})


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uploaded_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('restricted_to', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_restricted_to'), ['restricted_to'], unique=False)
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_restricted_to'))
        batch_op.drop_column('restricted_to')
        batch_op.drop_column('uploaded_by')
