"""The served OpenAPI document, fuzzed: no 5xx, and every answer as the document says.

Schemathesis reads /api/v1/openapi.json from a live server and sends what the document
allows and what it forbids, with every check it has (status codes, answer schemas, headers,
405 with Allow, positive data accepted, negative data refused). The run is bounded by a fixed
number of examples per operation and a fixed seed, so the suite's time stays steady and a
failure can be replayed; FIELDBOOK_FUZZ_EXAMPLES and FIELDBOOK_FUZZ_SEED make a longer or
another hunt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories
from tests.live_server import LiveServer
from webapp.auth.models import Role
from webapp.extensions import db

EXAMPLES = int(os.environ.get("FIELDBOOK_FUZZ_EXAMPLES", "25"))
SEED = os.environ.get("FIELDBOOK_FUZZ_SEED", "20261130")
SCHEMATHESIS = Path(sys.executable).with_name("st")


# The document's two security schemes, so that schemathesis can also leave each out; and two
# values no schema can describe, which only the server or a browser can make: a pull cursor,
# and a subscription's keys (a P-256 point and a secret). Any string of the documented shape
# is allowed to be refused there with a 400. A push of more changes than allowed is refused
# with 413 (batch_too_large), as documented, rather than a 400.
CONFIG = """
[auth.openapi.device]
bearer = "{token}"
[auth.openapi.session]
api_key = "{cookie}"

[[operations]]
include-path = "/sync/pull"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409"]

[[operations]]
include-path = "/sync/push"
checks.negative_data_rejection.expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415",
                                                    "422"]

[[operations]]
include-path = "/push/subscriptions"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409"]
"""


@pytest.fixture
def credentials(app, login, clinic):
    """A signed-in practitioner's session cookie, its CSRF token, and a registered device's token."""
    practitioner = factories.make_user(clinic, Role.PRACTITIONER)
    factories.make_client(clinic, practitioner)
    db.session.commit()
    browser = login(practitioner)
    csrf = browser.get("/api/v1/session").get_json()["csrf_token"]
    device = browser.client.post("/api/v1/devices", json={"label": "fuzz"}, headers={"X-CSRFToken": csrf})
    return {
        "cookie": browser.client.get_cookie("session").value,
        "csrf": csrf,
        "token": device.get_json()["device_token"],
    }


def test_the_api_answers_every_request_as_its_document_says(app, credentials, tmp_path):
    (tmp_path / "schemathesis.toml").write_text(CONFIG.format(**credentials))
    server = LiveServer(app)
    server.start()
    try:
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{server.url}/api/v1/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                str(EXAMPLES),
                "--seed",
                SEED,
                "--workers",
                "1",
                "--no-color",
                "--phases",
                "examples,coverage,fuzzing",
                # Retiring the device ends its token, and every later call would only be a 401.
                "--exclude-path",
                "/sync/device/retire",
                "-H",
                f"X-CSRFToken: {credentials['csrf']}",
                "--report",
                "junit",
                "--report-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=tmp_path,
            env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        )
    finally:
        server.stop()
    (tmp_path / "schemathesis.out").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
