"""visit clock: the phone's start time, its offset, the start basis and the clock flag

Four nullable columns on visit (issue 17, visits/clock.py). Sessions recorded before this keep
None in all four: their start times were never checked against a clock, so they carry no
flag until they next change (the desk works out their order when it shows them).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 14:45:43.337324

"""
from alembic import op
import sqlalchemy as sa

import webapp.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_started_at', webapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clock_offset_seconds', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('start_basis', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('clock_flag', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('clock_flag')
        batch_op.drop_column('start_basis')
        batch_op.drop_column('clock_offset_seconds')
        batch_op.drop_column('device_started_at')
