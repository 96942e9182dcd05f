"""The restore drill with the real phone app: a phone pushes sessions after the nightly backup,
the server's database is restored from it, and the phones sync again: everything they hold
reaches the server again, exactly once (docs/sync-protocol.md, "After a restore")."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    idb_counts,
    record_session,
    sign_in,
    wait_for_sync,
)
from webapp.auth.models import Clinic, Role
from webapp.clients.models import Client
from webapp.sync.models import AppliedChange, ServerIdentity, SyncConflict
from webapp.visits.models import Finding, Visit

pytestmark = pytest.mark.e2e


def _flask(server, *args):
    with server.app.app_context():
        result = server.app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _on_server(data):
    with data() as s:
        count = lambda model: s.scalar(select(func.count()).select_from(model))  # noqa: E731
        return {
            "visits": count(Visit),
            "findings": count(Finding),
            "finding_ids": set(s.scalars(select(Finding.id))),
            "changes": count(AppliedChange),
            "conflicts": count(SyncConflict),
            "identity": s.scalar(select(ServerIdentity.identity)),
        }


def _finding_ids(page) -> set[str]:
    return set(
        page.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        return (await db.listRecords('finding')).map((finding) => finding.id);
    }""")
    )


def _sync_now(page):
    """A whole sync that starts now. (The "Sync now" button calls the same function, but a
    sync already running when it is tapped would make the indicator say "idle" too early.)"""
    page.evaluate("async () => { await (await import('/static/js/sync.js')).syncNow(); }")
    wait_for_sync(page)


def test_after_a_restore_the_phones_send_again_what_the_backup_lacks_and_nothing_twice(
    new_context, server, caseload, data, tmp_path
):
    phone_a, phone_b = new_context(), new_context()
    page_a, page_b = sign_in(phone_a.new_page()), sign_in(phone_b.new_page())
    record_session(page_a, "Alex Morgan", [("Hip", "Left", True)])
    wait_for_sync(page_a)
    backup = tmp_path / "nightly.backup"
    _flask(server, "backup", "--to", str(backup))
    at_backup = _on_server(data)

    # After the backup: phone A pushes a second session, and phone B pulls it.
    record_session(page_a, "Bea Lund", [("Knee", "Right", True), ("Calf", "Left", False)])
    wait_for_sync(page_a)
    _sync_now(page_b)
    # Then phone A records a third session without signal: it waits in its outbox.
    go_offline(phone_a, server)
    record_session(page_a, "Alex Morgan", [("Foot", "Right", True)])
    before_restore = _on_server(data)
    assert (before_restore["visits"], before_restore["findings"]) == (2, 3)

    _flask(server, "restore", str(backup), "--yes")  # the server is down, as the docs ask
    restored = _on_server(data)
    assert (restored["visits"], restored["findings"]) == (1, 1)
    assert restored["identity"] != at_backup["identity"]

    go_online(phone_a, server)
    _sync_now(page_a)
    _sync_now(page_b)
    _sync_now(page_a)
    for page in (page_a, page_b):  # each practitioner is told what happened
        expect(page.locator("#server-restored")).to_contain_text("restored from a backup")

    after = _on_server(data)
    # Everything the phones held is on the server again, each session and finding once.
    assert (after["visits"], after["findings"]) == (3, 4)
    assert before_restore["finding_ids"] < after["finding_ids"]
    assert after["changes"] == before_restore["changes"] + 2  # the third session and its finding, once
    assert after["conflicts"] == 0
    for page in (page_a, page_b):
        counts = idb_counts(page)
        assert (counts["visit"], counts["finding"], counts["outbox"]) == (3, 4, 0)
        assert _finding_ids(page) == {str(i) for i in after["finding_ids"]}


def _kept_client_ids(page) -> list[str]:
    """The client of each change the phone keeps for a restore (client_id is in clear)."""
    return page.evaluate("""async () => {
        const db = await new Promise((resolve, reject) => {
            const open = indexedDB.open('fieldbook');
            open.onsuccess = () => resolve(open.result);
            open.onerror = () => reject(open.error);
        });
        const rows = await new Promise((resolve) => {
            const get = db.transaction('sent').objectStore('sent').getAll();
            get.onsuccess = () => resolve(get.result);
        });
        db.close();
        return rows.flatMap((pack) => pack.rows.map((row) => row.client_id));  // a row per push answer
    }""")


def test_what_a_phone_keeps_of_a_client_goes_when_the_client_leaves_the_caseload(
    new_context, server, caseload, data
):
    page = sign_in(new_context().new_page())
    record_session(page, "Bea Lund", [("Calf", "Left", True)])
    wait_for_sync(page)
    assert set(_kept_client_ids(page)) == {str(caseload["bea"])}  # the visit and its finding

    with data() as s:
        other = factories.make_user(s.get(Clinic, caseload["clinic"]), Role.PRACTITIONER, name="Olive Other")
        s.get(Client, caseload["bea"]).practitioner_id = other.id
    _sync_now(page)

    assert _kept_client_ids(page) == []
