"""The API schema documents the refusals every operation can answer with (zhifa.core.api_schema), so a
client — and the fuzzer of ``make fuzz`` — knows them: 400 with the fields' errors where input is taken,
401 and 403 where credentials and a permission are needed, 404 where the path names a record, 429 where
requests are throttled; a choice a record may leave blank is documented with ""."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_documents_its_refusals(schema):
    checked = 0
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        public = path.startswith("/api/v1/public/")
        where = f"{method.upper()} {path}"
        if public:
            assert {"429"} <= codes and not {"401", "403"} & codes, where
        else:
            assert {"401", "403"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        if method in ("post", "put", "patch") or any(
            p["in"] == "query" for p in operation.get("parameters", [])
        ):
            assert "400" in codes, where
        checked += 1
    assert checked > 100


def test_the_refusals_carry_their_body(schema):
    case = schema["paths"]["/api/v1/enterprises/{id}/"]["get"]["responses"]
    assert case["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorDetail"
    }
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]
    listing = schema["paths"]["/api/v1/enterprises/"]["get"]["responses"]
    assert listing["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FieldErrors"
    }


def test_what_an_endpoint_declares_itself_is_kept(schema):
    conflict = schema["paths"]["/api/v1/cases/{id}/decide/"]["post"]["responses"]["409"]
    assert "application/json" in conflict.get("content", {}) or conflict["description"]


def test_a_read_only_choice_a_record_leaves_blank_admits_blank(schema):
    decision = schema["components"]["schemas"]["CaseList"]["properties"]["decision_kind"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in decision["oneOf"]
    status = schema["components"]["schemas"]["CaseList"]["properties"]["status"]
    assert "BlankEnum" not in str(status)


@pytest.mark.parametrize("action", ["events", "deadlines", "documents", "reviews"])
def test_a_cases_own_lists_are_documented_as_the_arrays_they_are(schema, action):
    operation = schema["paths"][f"/api/v1/cases/{{id}}/{action}/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert [p["name"] for p in operation["parameters"]] == ["id"]
