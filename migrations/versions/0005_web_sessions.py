"""web sessions held on the server; reminder subscriptions belong to a device or a web session

Signing out now ends a session on the server (web_session). Cookies from before this
release carry no session token, so everyone signs in once more after the upgrade. Existing
reminder subscriptions belong to no device or session; they are kept (a person's reminders
go on arriving), except those of deactivated users, which should not have outlived them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 13:38:08.088237

"""
from alembic import op
import sqlalchemy as sa

import webapp.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('web_session',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', webapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_web_session_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_session_token_hash'))
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('web_session_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_push_subscription_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscription_web_session_id'), ['web_session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_push_subscription_web_session_id_web_session'), 'web_session', ['web_session_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_push_subscription_device_id_device'), 'device', ['device_id'], ['id'])

    op.execute("DELETE FROM push_subscription WHERE user_id IN (SELECT id FROM user_account WHERE NOT active)")



def downgrade():
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_push_subscription_device_id_device'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_push_subscription_web_session_id_web_session'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_push_subscription_web_session_id'))
        batch_op.drop_index(batch_op.f('ix_push_subscription_device_id'))
        batch_op.drop_column('web_session_id')
        batch_op.drop_column('device_id')

    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_user_id'))

    op.drop_table('web_session')
