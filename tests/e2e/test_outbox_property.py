"""Property: the phone's real outbox converges with the server, and loses nothing.

tests/sync/test_convergence_property.py drives a simplified Python copy of the phone. This
test drives the real one: the app's own modules (db.js, db-claim.js, db-push.js, db-pull.js, outbox-rules.js
and sync.js) in Chromium, on two phones signed in to a live server, through scenarios that
hypothesis makes: edits on both phones and at the desk, findings created and deleted, syncs
whose pushes are delivered, answered into the void (the server committed, the phone never
heard), or never sent, edits made while a push is on its way (folded into nothing sent;
rebased or split once the answer comes), and the app closed and opened again, with a push
under way or not.

Edits go through ``db.saveChange`` (what every screen's save comes down to), not through the
screens, and not through outbox.js, whose announcement would start a sync of its own two
seconds later; the phone's clock is paused once it is signed in, so that no timer (the
retry every minute, the idle lock) acts between the scenario's steps. Every sync request
passes a gate that decides each push's fate and records what was sent.

Afterwards the network comes back for good and both phones sync until nothing waits. Then:
- each phone holds exactly the server's copy of every record of the scenario (a record
  deleted at the server is gone from the phone), and the server's open conflicts;
- nothing a phone's practitioner last typed into a field was lost: it went out in a change,
  and every change that went out was taken by the server (applied, or kept as a conflict:
  none refused), and each one that conflicted is stored as a conflict.

The run is bounded (FIELDBOOK_OUTBOX_EXAMPLES examples, 10 by default, derandomised) so that
the suite's time stays steady; set it higher for a longer hunt.
"""

from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from sqlalchemy import select

from tests.e2e.helpers import sign_in
from tests.e2e.outbox_phone import Phone, SyncGate, pause_the_clock
from tests.e2e.outbox_scenarios import PHONES, Scenario, operations
from webapp.sync.entities import ENTITIES, serialise
from webapp.sync.models import AppliedChange, SyncConflict

pytestmark = pytest.mark.e2e

# A longer hunt (FIELDBOOK_OUTBOX_EXAMPLES=200, say) draws new scenarios each run; the
# suite's own run is the same few every time.
HUNT = os.environ.get("FIELDBOOK_OUTBOX_EXAMPLES")
EXAMPLES = int(HUNT or "10")


@pytest.fixture
def phones(new_context, server, caseload) -> list[Phone]:
    """Two phones of the practitioner, signed in (each with its PIN), their clocks paused."""
    made = []
    for _ in range(PHONES):
        page = new_context().new_page()
        page.clock.install()
        sign_in(page)
        pause_the_clock(page)
        made.append(Phone(page, SyncGate(page)))
    return made


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=HUNT is None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # (explaining costs minutes)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
# Found by this test: a finding created and deleted before a sync left its tombstone on the
# phone (storing the delete's answer took the change for one still waiting behind itself).
@example(steps=[("create_finding", 0, None), ("delete_finding", 0, 1), ("sync", 0, [])])
# A change queued while the one before it is on its way, to a field the desk changed meanwhile
# and one it did not: it is split, the first kept on its old base (a conflict), the other
# rebased onto the answer's version (applied).
@example(
    steps=[
        ("desk_edit", None, "phone"),
        ("edit", 0, ("client", 0, 2)),
        ("edit_during_push", 0, ("deliver", [("client", 0, 0), ("client", 0, 1)])),
    ]
)
def test_the_real_outbox_converges_with_the_server_and_loses_nothing(phones, data, caseload, steps):
    scenario = Scenario(phones, data, caseload)
    for action, who, detail in steps:
        event(action)  # --hypothesis-show-statistics counts what the examples did
        scenario.run(action, None if who is None else phones[who], detail)
    states = scenario.settle_everything()

    with data() as s:
        server = {}
        for entity, record_id in scenario.ids():
            model = ENTITIES[entity].model
            row = s.get(model, uuid.UUID(record_id))
            if row is not None:  # (a finding created on a phone whose push never arrived: see below)
                server[record_id] = serialise(ENTITIES[entity], row)
        open_conflicts = {
            str(c.id)
            for c in s.scalars(
                select(SyncConflict).where(
                    SyncConflict.resolved_at.is_(None),
                    SyncConflict.client_id == uuid.UUID(scenario.client_id),
                )
            )
        }
        sent = {change["change_id"] for each in phones for change in each.gate.sent}
        answers = {
            str(a.change_id): a.result
            for a in s.scalars(
                select(AppliedChange).where(AppliedChange.change_id.in_([uuid.UUID(c) for c in sent]))
            )
        }
        conflicted = {
            (str(c.change_id), c.field)
            for c in s.scalars(
                select(SyncConflict).where(SyncConflict.change_id.in_([uuid.UUID(c) for c in sent]))
            )
        }

    for state in states:
        # Nothing waits, nothing was refused, nothing is left in flight.
        assert state["outbox"] == [] and state["decisions"] == 0
        assert not (state["inFlight"] or {}).get("seqs")
        # The phone holds the server's copy of every record, and the server's open conflicts.
        for record_id, copy in server.items():
            local = state["records"][record_id]
            if copy["deleted"]:
                assert local is None, (record_id, local)
                continue
            assert local is not None, record_id
            assert local["version"] == copy["version"], (record_id, local, copy)
            assert {name: local.get(name) for name in copy["fields"]} == copy["fields"], record_id
        assert {c["id"] for c in state["conflicts"] if c["client"] == scenario.client_id} == open_conflicts

    # Every finding a phone created reached the server.
    assert set(scenario.new_findings) <= set(server)
    # Every change that left a phone was taken by the server: applied, or kept as a conflict.
    assert sent <= set(answers)
    for change_id in sent:
        status = answers[change_id]["status"]
        assert status in ("applied", "conflict"), answers[change_id]
        if status == "conflict":
            assert any(c == change_id for c, _ in conflicted), change_id
    # What a practitioner last typed into a field went out, in a change from their phone.
    for each in phones:
        for (record_id, name), value in each.typed.items():
            assert any(
                change["id"] == record_id and (change.get("fields") or {}).get(name) == value
                for change in each.gate.sent
            ), (record_id, name, value)
