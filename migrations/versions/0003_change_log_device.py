"""change_log.device_id: the device whose push made a change, so its own pull skips it

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 07:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows keep NULL: no device skips them, which is what they were before.
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_id', sa.Uuid(), nullable=True))


def downgrade():
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_column('device_id')
