"""case study consent dated: when a client's answer was last given or withdrawn

One nullable column on client, stamped by the server whenever case_study_consent changes
(clients/consent.py). Answers given before this migration have no date.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-11 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import webapp.db


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_study_consent_at', webapp.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('case_study_consent_at')
