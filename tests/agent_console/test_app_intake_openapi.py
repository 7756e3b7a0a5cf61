"""The intake API's OpenAPI document: the request and every answer have an example, and
each example validates against the schema it illustrates (so the docs cannot drift)."""

import jsonschema_rs
import pytest

from tests.agent_console.console_support import signed_in

PATHS = {("post", "/api/intake/reports"): {"201", "200", "401", "409", "413", "422", "429"},
         ("get", "/api/intake/reports/{tracking_code}"): {"200", "401", "404", "422"}}


@pytest.fixture
def document(client):
    signed_in(client, "supervisor")
    return client.get("/api/openapi.json").json()


def _check(document, schema, example):
    # Refs point into the document's components: validate with them at hand. (The
    # validator is schemathesis's own, already among the test tools.)
    jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]}
                                       ).validate(example)


def test_every_intake_example_validates_against_its_schema(document):
    for (method, path), statuses in PATHS.items():
        operation = document["paths"][path][method]
        for status in statuses:
            content = operation["responses"][status]["content"]["application/json"]
            assert "example" in content, (method, path, status)
            _check(document, content["schema"], content["example"])
    body = document["paths"]["/api/intake/reports"]["post"]["requestBody"]["content"]
    _check(document, body["application/json"]["schema"], body["application/json"]["example"])


def test_the_request_schema_is_the_websites_and_refuses_what_it_refuses(document):
    body = document["paths"]["/api/intake/reports"]["post"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    assert "what_happened" in schema["required"]
    with pytest.raises(jsonschema_rs.ValidationError):
        _check(document, schema, {"what_happened": "x", "unknown_field": 1})


def test_the_intake_api_declares_its_bearer_key(document):
    operation = document["paths"]["/api/intake/reports"]["post"]
    assert operation["security"] and "HTTPBearer" in document["components"]["securitySchemes"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["idempotency-key"]["in"] == "header"
