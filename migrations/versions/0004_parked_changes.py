"""parked_change: refused changes for a client who left the caseload, handed to the desk

A new table only: plain create and drop on SQLite and PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 07:25:00.893463

"""
from alembic import op
import sqlalchemy as sa

import webapp.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parked_change',
    sa.Column('change_id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('made_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('parked_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handled_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_parked_change_client_id_client')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user_account.id'], name=op.f('fk_parked_change_handled_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_parked_change_user_id_user_account')),
    sa.PrimaryKeyConstraint('change_id', name=op.f('pk_parked_change'))
    )
    with op.batch_alter_table('parked_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parked_change_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_parked_change_open', ['clinic_id', 'handled_at'], unique=False)



def downgrade():
    with op.batch_alter_table('parked_change', schema=None) as batch_op:
        batch_op.drop_index('ix_parked_change_open')
        batch_op.drop_index(batch_op.f('ix_parked_change_client_id'))

    op.drop_table('parked_change')
