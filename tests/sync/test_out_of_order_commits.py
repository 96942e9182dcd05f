"""Pull never skips a change whose transaction took its number early but committed late."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import POSTGRES_URL
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.sync.models import ChangeLog


def _log_id(session, client_id):
    return session.scalar(select(func_max_id()).where(ChangeLog.entity_id == client_id))


def func_max_id():
    from sqlalchemy import func

    return func.max(ChangeLog.id)


@pytest.fixture
def two_clients(clinic, practitioner):
    first = factories.make_client(clinic, practitioner, phone="0100")
    second = factories.make_client(clinic, practitioner, phone="0100")
    db.session.commit()
    return first.id, second.id


def test_a_pull_between_two_out_of_order_commits_still_sees_both(app, make_device, practitioner, two_clients):
    first_id, second_id = two_clients
    device = make_device(practitioner)
    device.pull(cursor=None)
    early, late = Session(db.engine), Session(db.engine)
    try:
        # The early transaction takes its transaction id and log id first ...
        early.get(Client, first_id).phone = "0111"
        early.flush()
        if POSTGRES_URL:
            # ... a later one takes bigger ones and commits first ...
            late.get(Client, second_id).phone = "0222"
            late.commit()
            between = device.pull()
            # ... then the early one commits.
            early.commit()
            assert _log_id(db.session, first_id) < _log_id(db.session, second_id)  # the order that bites
        else:
            # SQLite lets one writer at a time: the later writer cannot even take a number
            # until the early one commits, so log order is commit order by construction.
            late.execute(text("PRAGMA busy_timeout = 50"))
            late.get(Client, second_id).phone = "0222"
            with pytest.raises(OperationalError, match="locked"):
                late.flush()
            late.rollback()
            between = device.pull()
            early.commit()
            late.get(Client, second_id).phone = "0222"
            late.commit()
            assert _log_id(db.session, first_id) < _log_id(db.session, second_id)
        after = device.pull()
    finally:
        early.close()
        late.close()
    delivered = {}
    for body in (between, after):
        for record in body["records"]:
            delivered[record["id"]] = record["fields"]["phone"]
    assert delivered == {str(first_id): "0111", str(second_id): "0222"}
