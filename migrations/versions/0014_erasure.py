"""erasure: a client's request to erase their data, and the clinic's retention period

On client: when the request was made, by whom, its reason, and when the data was erased
(the row then stays as an anonymous tombstone). On clinic: how many years a client's records
are kept after their last session; 7 for every clinic (docs/data-protection.md).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-11 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import webapp.db


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erasure_requested_at', webapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erasure_requested_by_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('erasure_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('erased_at', webapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_client_erasure_requested_by_id_user_account'), 'user_account',
                                    ['erasure_requested_by_id'], ['id'])
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), nullable=False, server_default='7'))


def downgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('retention_years')
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_client_erasure_requested_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('erasure_reason')
        batch_op.drop_column('erasure_requested_by_id')
        batch_op.drop_column('erasure_requested_at')
