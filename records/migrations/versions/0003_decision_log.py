"""decision log: hash-chained, append-only record of rule evaluations and human decisions

Revision ID: 0003_decision_log
Revises: 0002
Create Date: 2026-12-05 21:40:00.000000

The head row (id 1) starts the chain at seq 0 with the all-zero hash. Triggers refuse
UPDATE and DELETE on the log (and TRUNCATE on PostgreSQL): the application never changes
a row; whoever drops the triggers to do so is caught by `backoffice audit verify`.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_decision_log'
down_revision = '0002'
branch_labels = None
depends_on = None

GENESIS = '0' * 64
MESSAGE = 'decision_log is append-only'


def upgrade() -> None:
    op.create_table('decision_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('document_id', sa.String(length=40), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('rule', sa.String(length=80), nullable=True),
    sa.Column('policy_version', sa.String(length=20), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('evaluation_id', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('row_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('row_hash')
    )
    with op.batch_alter_table('decision_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_log_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_log_evaluation_id'), ['evaluation_id'], unique=False)

    head = op.create_table('decision_log_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('row_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(head, [{'id': 1, 'seq': 0, 'row_hash': GENESIS}])

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION decision_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute("CREATE TRIGGER decision_log_append_only BEFORE UPDATE OR DELETE ON "
                   "decision_log FOR EACH ROW EXECUTE FUNCTION decision_log_append_only()")
        op.execute("CREATE TRIGGER decision_log_no_truncate BEFORE TRUNCATE ON decision_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION decision_log_append_only()")
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER decision_log_no_{event.lower()} BEFORE {event} ON "
                       f"decision_log BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS decision_log_no_truncate ON decision_log")
        op.execute("DROP TRIGGER IF EXISTS decision_log_append_only ON decision_log")
        op.execute("DROP FUNCTION IF EXISTS decision_log_append_only()")
    else:
        for event in ('update', 'delete'):
            op.execute(f"DROP TRIGGER IF EXISTS decision_log_no_{event}")
    op.drop_table('decision_log_head')
    with op.batch_alter_table('decision_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_log_evaluation_id'))
        batch_op.drop_index(batch_op.f('ix_decision_log_document_id'))
    op.drop_table('decision_log')
