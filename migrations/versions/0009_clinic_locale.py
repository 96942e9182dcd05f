"""clinic locale: how the phones write dates and times

One column on clinic, a BCP 47 language tag; every clinic gets en-GB ("15:30", "4 Dec 2026"),
which is how the phones wrote them until now when set to British English. The phones learn it,
with the clinic's time zone, from the published rules (GET /api/v1/schema, conventions).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=35), nullable=False, server_default='en-GB'))


def downgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('locale')
