"""The OpenAPI document is valid, and schemathesis finds every response conforming and no 500."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from vonhier.api import openapi


def test_document_is_valid_openapi_3_1(api):
    document = api.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost"}]
    assert "bakery" in document["components"]["parameters"]["category"]["schema"]["enum"]
    assert set(document["components"]["schemas"]) >= {"Product", "Organisation", "Outlet", "Certificate", "Error"}
    assert openapi.DOCUMENT["servers"] == []  # the stored document is never changed by a request


@pytest.fixture
def api_schema(api, demo_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_response_conforms(case):
    case.call_and_validate()
