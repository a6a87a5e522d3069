"""The OpenAPI document is valid, and schemathesis finds every response conforming and no 500."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import positive_data_acceptance

from vonhier.api import openapi


def test_document_is_valid_openapi_3_1(api):
    document = api.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost"}]
    assert "bakery" in document["components"]["parameters"]["category"]["schema"]["enum"]
    assert set(document["components"]["schemas"]) >= {
        "Product",
        "Organisation",
        "Outlet",
        "Certificate",
        "Error",
    }
    assert openapi.DOCUMENT["servers"] == []  # the stored document is never changed by a request


# Schemathesis' own pytest plugin (`schemathesis.pytest`) does not work with pytest 9 yet, so each
# operation's strategy is run through Hypothesis here: valid requests (positive) and invalid ones
# (negative: bad types, out-of-range numbers, unknown enum values), 25 examples each, derandomised.
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
# The searches answer 400 for what a query-parameter schema cannot say: a place they do not know, lat
# without lon (and the product search: a certificate status, since it finds products certified today).
SEARCHES = ("/api/v1/search", "/api/v1/products")


def _run(operation, mode, excluded):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(excluded_checks=excluded)

    check()


def test_every_response_conforms(api, demo_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    for operation in operations:
        # Everything else about the searches' responses is checked as for the others.
        excluded = [positive_data_acceptance] if operation.path in SEARCHES else []
        for mode in MODES:
            _run(operation, mode, excluded)
