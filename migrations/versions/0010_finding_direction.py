"""finding direction: the direction in which the tension lies

One nullable column on finding, a code of the direction vocabulary (vocab/defaults.py
DIRECTIONS, or a clinic's own term). Findings recorded before have none.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('direction', sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_column('direction')
