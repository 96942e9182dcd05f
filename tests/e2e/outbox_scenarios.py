"""The scenarios of the outbox property (test_outbox_property.py): hypothesis's strategies for
what the phones and the desk do, and a Scenario that carries one example out and then lets
the network come back for good."""

from __future__ import annotations

import uuid

from hypothesis import strategies as st

from tests import factories
from tests.e2e.outbox_phone import CREATE, DELETE, EDIT, FATES, FINISH_SYNC, STATE, Phone, settle
from webapp.auth.models import Clinic, User
from webapp.clients.models import Client

PHONES = 2
CLIENT_FIELDS = ["phone", "town", "heard_about"]
FINDING_FIELDS = ["note", "muscle_or_test"]

targets = st.sampled_from(["client", "finding", "new"])
phone = st.integers(0, PHONES - 1)
edit = st.tuples(targets, st.integers(0, 3), st.integers(0, 2))  # what, which new finding, which field
operations = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), phone, edit),
        st.tuples(st.just("create_finding"), phone, st.none()),
        st.tuples(st.just("delete_finding"), phone, st.integers(0, 3)),
        st.tuples(st.just("desk_edit"), st.none(), st.sampled_from(CLIENT_FIELDS)),
        st.tuples(st.just("sync"), phone, st.lists(st.sampled_from(FATES), max_size=3)),
        st.tuples(
            st.just("edit_during_push"),
            phone,
            st.tuples(st.sampled_from(FATES), st.lists(edit, min_size=1, max_size=3)),
        ),
        st.tuples(st.just("restart_during_push"), phone, st.booleans()),
        st.tuples(st.just("restart"), phone, st.none()),
    ),
    min_size=1,
    max_size=12,
)


class Scenario:
    """One example: a new client with a visit and a finding, and what the phones do to them."""

    def __init__(self, phones: list[Phone], data, caseload):
        self.phones, self.data = phones, data
        self.values = iter(f"v{n}" for n in range(10_000))
        with data() as s:
            clinic, pat = s.get(Clinic, caseload["clinic"]), s.get(User, caseload["pat"])
            client = factories.make_client(clinic, pat, first_name="Prop", last_name=uuid.uuid4().hex[:8])
            visit = factories.make_visit(client)
            finding = factories.make_finding(visit)
            self.client_id, self.visit_id, self.finding_id = str(client.id), str(visit.id), str(finding.id)
        self.new_findings: list[str] = []  # created on a phone, in order
        for each in phones:
            each.typed = {}
            each.sync()

    def record(self, target: str, index: int) -> tuple[str, str] | None:
        if target == "client":
            return "client", self.client_id
        if target == "finding":
            return "finding", self.finding_id
        if not self.new_findings:
            return None
        return "finding", self.new_findings[index % len(self.new_findings)]

    def edit(self, who: Phone, what) -> None:
        target, index, which = what
        found = self.record(target, index)
        if found is None:
            return
        entity, record_id = found
        names = CLIENT_FIELDS if entity == "client" else FINDING_FIELDS
        name = names[which % len(names)]
        value = next(self.values)
        if who.page.evaluate(EDIT, {"entity": entity, "id": record_id, "fields": {name: value}}):
            who.typed[(record_id, name)] = value

    def run(self, action: str, who: Phone | None, detail) -> None:
        if action == "edit":
            self.edit(who, detail)
        elif action == "create_finding":
            record_id = str(uuid.uuid4())
            note = next(self.values)
            who.page.evaluate(
                CREATE,
                {
                    "entity": "finding",
                    "id": record_id,
                    "clientId": self.client_id,
                    "fields": {
                        "visit_id": self.visit_id,
                        "region": "calf",
                        "side": "left",
                        "tension_found": True,
                        "released": True,
                        "note": note,
                        "muscle_or_test": "",
                        "tension_line_id": None,
                        "position": len(self.new_findings) + 1,
                    },
                },
            )
            who.typed[(record_id, "note")] = note
            self.new_findings.append(record_id)
        elif action == "delete_finding":
            found = self.record("new" if detail % 2 else "finding", detail // 2)
            if found:
                who.page.evaluate(DELETE, {"entity": found[0], "id": found[1]})
        elif action == "desk_edit":
            with self.data() as s:
                setattr(s.get(Client, uuid.UUID(self.client_id)), detail, next(self.values))
        elif action == "sync":
            who.sync(detail)
        elif action == "edit_during_push":
            fate, edits = detail
            if who.start_sync_and_hold_its_push():
                for what in edits:
                    self.edit(who, what)
                settle(who.gate.held.pop(), fate)
            who.page.evaluate(FINISH_SYNC)
        elif action == "restart_during_push":
            if who.start_sync_and_hold_its_push():
                route = who.gate.held.pop()
                if detail:  # the server takes the push, and then the app is closed
                    route.fetch()
                who.restart(held=route)
            else:
                who.page.evaluate(FINISH_SYNC)
        elif action == "restart":
            who.restart()

    def ids(self) -> list[tuple[str, str]]:
        return [("client", self.client_id), ("finding", self.finding_id)] + [
            ("finding", f) for f in self.new_findings
        ]

    def settle_everything(self) -> list[dict]:
        """The network comes back for good: sync until nothing waits; each phone's state."""
        for _ in range(4):
            states = []
            for each in self.phones:
                each.sync()
                states.append(each.page.evaluate(STATE, {"ids": self.ids()}))
            if all(not state["outbox"] and not state["decisions"] for state in states):
                break
        for each in self.phones:  # what the others pushed last
            each.sync()
        return [each.page.evaluate(STATE, {"ids": self.ids()}) for each in self.phones]
