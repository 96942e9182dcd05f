"""staff may export: whether staff, not only admins, download a client's data

One column on clinic. Every clinic starts with admins only: a client's whole record in one
file is the most sensitive thing the desk hands out, so widening it is the clinic's choice.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-11 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_may_export', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('staff_may_export')
