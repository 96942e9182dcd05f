"""server identity: which copy of the database this is, renewed by `flask restore`

One row: a uuid that phones find in their pull cursors, and the last change tick of a
restored database (webapp/sync/identity.py, docs/deployment.md "Backups"). A database
that reaches this migration gets its first identity here.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 21:00:00.000000

"""
import uuid

from alembic import op
import sqlalchemy as sa

import webapp.db


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    identity = op.create_table(
        'server_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('identity', sa.Uuid(), nullable=False),
        sa.Column('restored_version', sa.BigInteger(), nullable=False),
        sa.Column('restored_at', webapp.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_server_identity')),
    )
    op.bulk_insert(identity, [{"id": 1, "identity": uuid.uuid4(), "restored_version": 0}])


def downgrade():
    op.drop_table('server_identity')
