"""workflow controls: finding resolutions, field notes, one booking per invoice

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-05 22:00:00.000000

Findings get a `resolution` (fixed, false_positive, accepted_risk); the former
`waived` status becomes `resolved` with `accepted_risk`. Fields get a `note` (why a
person changed or cleared the value). Ledger entries get `invoice_key` (the invoice
number's matching form) and a partial unique index: a vendor's invoice number is
booked (approved or paid) at most once. Existing double bookings, which this index
would refuse, keep the oldest entry booked and send the others back to review.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003_decision_log'
branch_labels = None
depends_on = None

BOOKED = "status IN ('approved', 'paid')"


def _invoice_key(number):
    """policies.keys.normalize_invoice_number as of this revision (frozen here)."""
    text = str(number).casefold().strip()
    text = re.sub(r"^(?:no|nr|n°|number)(?:[.:]|\s)+", "", text)
    text = re.sub(r"(?<![0-9])0+(?=[0-9])", "", text)
    return re.sub(r"[\s#\-_/.,:]", "", text) or None


def _backfill() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE violations SET status = 'resolved', resolution = 'accepted_risk' "
                         "WHERE status = 'waived'"))
    conn.execute(sa.text("UPDATE violations SET resolution = 'fixed' "
                         "WHERE status = 'resolved' AND resolution IS NULL"))
    rows = conn.execute(sa.text(
        "SELECT id, vendor_key, invoice_number, status FROM ledger_entries ORDER BY id")).fetchall()
    booked = set()
    for entry_id, vendor_key, number, status in rows:
        key = _invoice_key(number) if number else None
        conn.execute(sa.text("UPDATE ledger_entries SET invoice_key = :k WHERE id = :id"),
                     {'k': key, 'id': entry_id})
        if status in ('approved', 'paid') and vendor_key and key:
            if (vendor_key, key) in booked and status == 'approved':
                conn.execute(sa.text("UPDATE ledger_entries SET status = 'pending_review' "
                                     "WHERE id = :id"), {'id': entry_id})
            booked.add((vendor_key, key))


def upgrade() -> None:
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolution', sa.String(length=20), nullable=True))
    with op.batch_alter_table('fields', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoice_key', sa.String(length=120), nullable=True))
    _backfill()
    op.create_index('uq_ledger_booked_invoice', 'ledger_entries', ['vendor_key', 'invoice_key'],
                    unique=True, sqlite_where=sa.text(BOOKED), postgresql_where=sa.text(BOOKED))


def downgrade() -> None:
    op.drop_index('uq_ledger_booked_invoice', table_name='ledger_entries')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_column('invoice_key')
    with op.batch_alter_table('fields', schema=None) as batch_op:
        batch_op.drop_column('note')
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.drop_column('resolution')
