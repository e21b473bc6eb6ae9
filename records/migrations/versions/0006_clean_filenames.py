"""clean stored file names

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 22:00:00.000000

Names stored before `records.filenames` lose their control and format characters (a
right-to-left override could disguise an extension). The rule is copied here so that
this migration keeps doing what it did when the module changes.
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

DROPPED = {'Cc', 'Cf', 'Cs', 'Co', 'Zl', 'Zp'}


def _clean(name):
    text = unicodedata.normalize('NFC', name or '')
    text = ''.join(ch for ch in text if unicodedata.category(ch) not in DROPPED)
    text = text.replace('\\', '/').rsplit('/', 1)[-1].strip()
    return 'upload' if text in ('', '.', '..') else text[:500]


def upgrade() -> None:
    conn = op.get_bind()
    for doc_id, name in conn.execute(sa.text('SELECT id, filename FROM documents')).fetchall():
        clean = _clean(name)
        if clean != name:
            conn.execute(sa.text('UPDATE documents SET filename = :f WHERE id = :id'),
                         {'f': clean, 'id': doc_id})


def downgrade() -> None:
    pass  # the removed characters are not kept anywhere
