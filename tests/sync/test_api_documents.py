"""What the API publishes about itself: the schema the phone reads its rules from (and the
revision every answer names), and an OpenAPI document that is valid, lists every route and
takes its schemas from the models."""

from __future__ import annotations

import re


def test_schema_and_openapi_are_published(make_device, practitioner, app):
    device = make_device(practitioner)
    body = device.http.get("/api/v1/schema", headers=device.auth).get_json()
    assert body["entities"]["finding"]["fields"][1]["name"] == "region"
    assert {"code": "calf", "label": "Calf"} in body["vocabularies"]["region"]
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/sync/push" in spec["paths"]


def test_every_api_route_is_in_the_openapi_document(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {
        (path, method.upper()) for path, operations in spec["paths"].items() for method in operations
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert len(served) >= 14 and served == documented


def test_every_answer_names_the_rules_revision_so_devices_refresh_their_rules(
    make_device, practitioner, monkeypatch
):
    from webapp.sync import publish

    device = make_device(practitioner)
    schema = device.http.get("/api/v1/schema", headers=device.auth).get_json()
    pulled = device.http.get("/api/v1/sync/pull", headers=device.auth).get_json()
    assert schema["rules_revision"] == pulled["rules_revision"] == publish.RULES_REVISION
    # A release that changes a rule (here: a new starting region) changes the revision.
    monkeypatch.setattr(publish.defaults, "REGIONS", [*publish.defaults.REGIONS, ("neck", "Neck", "neck")])
    assert publish._rules_revision() != publish.RULES_REVISION


def test_the_served_document_is_valid_openapi_and_its_schemas_come_from_the_models(app):
    from openapi_spec_validator import validate

    from webapp.sync.wire import PushBody

    document = app.test_client().get("/api/v1/openapi.json").get_json()
    validate(document)
    from_model = PushBody.model_json_schema(ref_template="#/components/schemas/{model}")
    from_model.pop("$defs")
    assert document["components"]["schemas"]["PushBody"] == from_model
    assert document["paths"]["/sync/push"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/PushBody"}
