"""phone lock: escrow keys, clinic lock and second-factor settings

Existing rows get the defaults: phones lock after 5 minutes, the desk asks for a second
factor, and phones registered before have no escrow key until they ask for one
(POST /api/v1/sync/device/escrow).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:59:23.733926

"""
from alembic import op
import sqlalchemy as sa

import webapp.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_after_minutes', sa.Integer(), nullable=False, server_default='5'))
        batch_op.add_column(sa.Column('require_second_factor', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))

    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escrow_sealed', sa.String(length=120), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('escrow_sealed')

    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('require_second_factor')
        batch_op.drop_column('lock_after_minutes')

