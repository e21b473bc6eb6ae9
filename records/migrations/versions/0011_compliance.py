"""compliance desk: review leases, finding assignment and comments, purchase orders, goods receipts

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:45:00.000000

Review-queue items get a lease (who, until when); findings get an assignee and the time they were opened (the work queue's SLA age;
older findings take their document's creation time) and a comment thread; purchase
order lines and goods receipts feed the three-way match.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_violations_assigned_to'), ['assigned_to'],
                              unique=False)
    with op.batch_alter_table('review_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leased_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE violations SET created_at = (SELECT documents.created_at FROM documents "
               "WHERE documents.id = violations.document_id)")
    op.create_table('finding_comments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('violation_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['violation_id'], ['violations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('finding_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_comments_violation_id'), ['violation_id'],
                              unique=False)
    op.create_table('purchase_order_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('po_number', sa.String(length=120), nullable=False),
    sa.Column('po_key', sa.String(length=120), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('vendor_name', sa.String(length=300), nullable=False),
    sa.Column('vendor_key', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.String(length=40), nullable=False),
    sa.Column('unit_price', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('po_key', 'line')
    )
    with op.batch_alter_table('purchase_order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_lines_po_key'), ['po_key'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_lines_vendor_key'), ['vendor_key'],
                              unique=False)
    op.create_table('goods_receipts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('po_number', sa.String(length=120), nullable=False),
    sa.Column('po_key', sa.String(length=120), nullable=False),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.String(length=40), nullable=False),
    sa.Column('received_on', sa.String(length=10), nullable=True),
    sa.Column('receipt_number', sa.String(length=120), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('goods_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_receipts_po_key'), ['po_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('goods_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goods_receipts_po_key'))
    op.drop_table('goods_receipts')
    with op.batch_alter_table('purchase_order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_lines_vendor_key'))
        batch_op.drop_index(batch_op.f('ix_purchase_order_lines_po_key'))
    op.drop_table('purchase_order_lines')
    with op.batch_alter_table('finding_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_comments_violation_id'))
    op.drop_table('finding_comments')
    with op.batch_alter_table('review_tasks', schema=None) as batch_op:
        batch_op.drop_column('lease_until')
        batch_op.drop_column('leased_by')
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violations_assigned_to'))
        batch_op.drop_column('created_at')
        batch_op.drop_column('assigned_to')
