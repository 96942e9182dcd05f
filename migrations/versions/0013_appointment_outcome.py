"""appointment outcome: attended, did not come, cancelled late, or cancelled

One nullable column on appointment (appointments/attendance.py). Appointments booked before
have none, except that a cancelled one is taken as plainly cancelled and one with a session
recorded for it as attended.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-11 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
    op.execute("UPDATE appointment SET outcome = 'cancelled' WHERE status = 'cancelled'")
    op.execute("UPDATE appointment SET outcome = 'attended' WHERE status = 'booked' AND id IN "
               "(SELECT appointment_id FROM visit WHERE appointment_id IS NOT NULL AND deleted_at IS NULL)")


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('outcome')
