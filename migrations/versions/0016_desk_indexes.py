"""desk indexes: the client list in name order, the whole clinic's diary by time, live sessions

Years of data (issue 13): the desk's client list reads a page in name order through
ix_client_clinic_name instead of sorting the clinic's every client, the staff's day
and week read the clinic's appointments through ix_appointment_clinic_starts instead of
scanning every appointment, and follow-ups count each client's live sessions from
ix_visit_live_client alone (a partial index: sessions not deleted).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_clinic_starts', ['clinic_id', 'starts_at'], unique=False)
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.create_index(
            'ix_client_clinic_name',
            ['clinic_id', sa.text('lower(last_name)'), sa.text('lower(first_name)'), 'id'],
            unique=False,
        )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(
            'ix_visit_live_client',
            ['client_id'],
            unique=False,
            postgresql_where=sa.text('deleted_at IS NULL'),
            sqlite_where=sa.text('deleted_at IS NULL'),
        )


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_live_client', postgresql_where=sa.text('deleted_at IS NULL'),
                            sqlite_where=sa.text('deleted_at IS NULL'))
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index('ix_client_clinic_name')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_clinic_starts')
