"""Answers built from schemas: valid for the spec's response schema (checked independently) and decodable."""

from __future__ import annotations

import importlib
import json

import pytest

from codat_sdk.testing._routes import RouteTable, error_response, schema_response
from tests.testing import spec_validation

APIS = ("platform", "files")
NO_CONTENT = (204, 205, 304)


def _routes() -> list[tuple[str, str]]:
    return [(api, route.operation_id) for api in APIS for route in RouteTable.for_api(api)]


@pytest.mark.parametrize(("api", "operation_id"), _routes())
def test_the_schema_built_answer_fits_the_spec(api: str, operation_id: str) -> None:
    route = RouteTable.for_api(api).find(operation_id)
    status, content_type, body = schema_response(route)
    responses = spec_validation.operation(api, operation_id)["responses"]
    assert str(status) in responses and 200 <= status < 300
    documented = dict(spec_validation.response(api, operation_id, status).get("content") or {})
    # HTTP gives a 204 no body, whatever the spec pastes there (Codat's delete-api-key refs an error body).
    if not documented or status in NO_CONTENT:
        assert (content_type, body) == ("", b"")
        return
    assert content_type in documented
    if content_type == spec_validation.JSON:
        spec_validation.validate_response(api, operation_id, status, json.loads(body))
    else:
        assert body == b""


@pytest.mark.parametrize(("api", "operation_id"), _routes())
def test_the_schema_built_answer_decodes_with_the_generated_model(api: str, operation_id: str) -> None:
    """What the sandbox answers from schema, the SDK's strict decoding reads without a DecodeError."""
    route = RouteTable.for_api(api).find(operation_id)
    success = route.success
    assert success is not None
    if success.model is None:
        pytest.skip("no model decodes this response (no content, a download or any JSON)")
    model = getattr(importlib.import_module(f"codat_sdk_{api}.models"), success.model)
    _status, _content_type, body = schema_response(route)
    decoded = model.from_dict(json.loads(body))
    assert decoded.to_dict() == json.loads(body)


def test_samples_are_built_from_schemas_not_copied_from_examples() -> None:
    """Codat's examples break their schemas; a sample never equals any example the spec gives."""
    checked = 0
    for api in APIS:
        for route in RouteTable.for_api(api):
            success = route.success
            if success is None or success.media_type != spec_validation.JSON:
                continue
            documented = spec_validation.response(api, route.operation_id, success.status)
            media = documented["content"][spec_validation.JSON]
            examples = [e.get("value") for e in (media.get("examples") or {}).values()]
            examples += [media["example"]] if "example" in media else []
            assert success.sample not in examples
            checked += len(examples)
    assert checked


@pytest.mark.parametrize("status", [400, 401, 404, 405, 415])
@pytest.mark.parametrize("api", APIS)
def test_error_response_is_the_specs_error_body(api: str, status: int) -> None:
    got_status, content_type, body = error_response(status, "Something is wrong.")
    assert (got_status, content_type) == (status, "application/json")
    decoded = json.loads(body)
    assert decoded["statusCode"] == status
    assert decoded["error"] == "Something is wrong."
    spec_validation.validate_error_message(api, decoded, status if status in (400, 401, 404) else None)


@pytest.mark.parametrize("api", APIS)
def test_the_error_body_has_exactly_the_specs_error_properties(api: str) -> None:
    """Every property the spec's error schema declares is sent, and nothing else (the shape is the spec's)."""
    validator = spec_validation.validator(api)
    schema = validator.at(validator.error_schema_pointer(400))
    while "$ref" in schema:
        schema = validator.at(schema["$ref"].removeprefix("#"))
    _status, _type, body = error_response(400, "Bad.")
    assert set(json.loads(body)) == set(schema["properties"])


def test_a_fresh_sample_can_be_changed_without_changing_later_answers() -> None:
    route = next(r for r in RouteTable.for_api("platform") if r.success and isinstance(r.success.sample, dict))
    assert route.success is not None
    before = schema_response(route)
    sample = route.success.fresh_sample()
    sample.clear()
    assert schema_response(route) == before and route.success.sample
