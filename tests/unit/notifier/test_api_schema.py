"""The notifier's OpenAPI document: every operation has the id a generated client calls it
by, a schema for its success answer (no untyped object), and documents the problems it
can answer with beyond the generic ones."""

from __future__ import annotations

from typing import Any

import pytest

from services.notifier.app import build_app
from services.notifier.domain.retries import Outcome
from services.notifier.settings import NotifierSettings

# operation id -> (success status, the route's own problem statuses)
OPERATIONS: dict[str, tuple[str, set[str]]] = {
    "list_event_types": ("200", set()),
    "create_endpoint": ("201", {"400", "409"}),
    "list_endpoints": ("200", {"400"}),
    "get_endpoint": ("200", {"404"}),
    "update_endpoint": ("200", {"404"}),
    "delete_endpoint": ("204", {"404"}),
    "rotate_endpoint_secret": ("200", {"400", "404"}),
    "send_test_event": ("202", {"400", "404", "409"}),
    "list_deliveries": ("200", {"400", "404"}),
    "get_delivery": ("200", {"404"}),
    "retry_delivery": ("202", {"400", "404", "409"}),
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    doc: dict[str, Any] = build_app(NotifierSettings()).openapi()
    return doc


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for path, ops in document["paths"].items()
        if path.startswith("/v1/")
        for op in ops.values()
    }


def _schema(document: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


def test_every_operation_has_the_id_a_client_calls_it_by(document: dict[str, Any]) -> None:
    assert set(_operations(document)) == set(OPERATIONS)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_success_answer_has_a_typed_schema(
    document: dict[str, Any], operation_id: str
) -> None:
    status, _ = OPERATIONS[operation_id]
    responses = _operations(document)[operation_id]["responses"]
    assert [s for s in responses if s.startswith("2")] == [status]
    if status == "204":
        assert "content" not in responses[status]
        return
    schema = responses[status]["content"]["application/json"]["schema"]
    model = _schema(document, schema["$ref"])
    assert model["type"] == "object" and model["properties"] and model["required"]


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_operation_documents_its_own_problems(
    document: dict[str, Any], operation_id: str
) -> None:
    _, own = OPERATIONS[operation_id]
    responses = _operations(document)[operation_id]["responses"]
    for status in own:
        [schema] = [c["schema"] for c in responses[status]["content"].values()]
        assert schema["$ref"].endswith("/Problem"), (status, schema)
        assert responses[status]["description"]


def test_pages_carry_items_and_a_next_cursor(document: dict[str, Any]) -> None:
    for operation_id, item in (
        ("list_endpoints", "EndpointView"),
        ("list_deliveries", "DeliveryView"),
    ):
        op = _operations(document)[operation_id]
        page = _schema(
            document, op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        )
        assert page["properties"]["items"]["items"]["$ref"].endswith(f"/{item}")
        assert set(page["required"]) == {"items", "next_cursor"}
        params = {p["name"]: p for p in op["parameters"]}
        assert params["limit"]["schema"]["maximum"] == 200
        assert params["limit"]["schema"]["default"] == 50
        assert "cursor" in params


def test_no_endpoint_answer_documents_its_secret_but_those_that_make_one(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    with_secret = {name for name, s in schemas.items() if "secret" in s.get("properties", {})}
    assert with_secret == {"EndpointCreated", "SecretRotated"}


def test_an_attempts_outcome_is_documented_as_the_retry_rules_name_it(
    document: dict[str, Any],
) -> None:
    outcome = document["components"]["schemas"]["AttemptView"]["properties"]["outcome"]
    assert outcome["enum"] == [o.value for o in Outcome]
