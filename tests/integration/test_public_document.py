"""The public OpenAPI document merged from the six services (deploy/public_api.py), its
webhooks section, and every docs page, the services' own and the base URL's, offline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openapi_spec_validator import validate
from pydantic import BaseModel, create_model

from deploy.local.proxy import PUBLIC_ROUTES, SITE_FILES, route_for
from deploy.public_api import (
    PublicDocumentError,
    build_document,
    service_apps,
    write_site,
)
from services.notifier.domain.payloads import SUBSCRIBABLE_TYPES, TEST_EVENT_TYPE
from shared.http.deps import IDEMPOTENCY_KEY_MAX
from shared.http.openapi import ASSETS_PATH, PROBLEM_REF, operations
from shared.http.problems import PROBLEM_JSON

OFF_SITE = re.compile(r"cdn|jsdelivr|unpkg|googleapis|https?://", re.IGNORECASE)
TYPED_KEYS = {"$ref", "anyOf", "oneOf", "allOf", "properties", "items", "const", "enum"}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def apps() -> dict[str, FastAPI]:
    return service_apps()


@pytest.fixture(scope="module")
def document(apps: dict[str, FastAPI]) -> dict[str, Any]:
    return build_document(apps)


def _ops(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, method, op in operations(document)]


def test_the_public_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises, naming what is wrong
    assert document["servers"] == [{"url": "/", "description": "The base URL the proxy answers on"}]
    json.dumps(document)  # plain JSON, as the proxy serves it


def test_every_path_is_public_and_tagged_by_the_service_the_proxy_routes_it_to(
    document: dict[str, Any],
) -> None:
    assert len(document["paths"]) >= 20
    for path, item in document["paths"].items():
        service = route_for(re.sub(r"\{[^}/]+\}", "x", path), PUBLIC_ROUTES)
        assert service in PUBLIC_ROUTES, path
        for operation in item.values():
            assert operation["tags"] == [service], path
    assert [tag["name"] for tag in document["tags"]] == list(PUBLIC_ROUTES)
    assert not {"/healthz", "/readyz", "/asyncapi.json"} & set(document["paths"])


def test_operation_ids_are_unique_snake_case_and_read_well(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, op in _ops(document)]
    ids += [item["post"]["operationId"] for item in document["webhooks"].values()]

    assert len(ids) == len(set(ids))
    assert [i for i in ids if not SNAKE_CASE.fullmatch(i)] == []
    assert {"list_deliveries", "create_tenant", "create_endpoint"} <= set(ids)


def test_one_security_scheme_covers_every_operation(document: dict[str, Any]) -> None:
    (scheme,) = document["components"]["securitySchemes"]
    assert document["components"]["securitySchemes"][scheme]["scheme"] == "bearer"
    for where, operation in _ops(document):
        assert operation.get("security") == [{scheme: []}], where


def test_every_error_answer_is_a_problem(document: dict[str, Any]) -> None:
    wrong = [
        (where, status)
        for where, operation in _ops(document)
        for status, response in operation["responses"].items()
        if int(status) >= 400 and response.get("content") != {PROBLEM_JSON: {"schema": PROBLEM_REF}}
    ]
    assert wrong == []
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "Problem" in document["components"]["schemas"]


def test_every_operation_documents_the_generic_problems(document: dict[str, Any]) -> None:
    for where, operation in _ops(document):
        statuses = set(operation["responses"])
        expected = {"500", "400", "401", "429"}
        if where.split()[1].startswith("/admin/"):
            expected.add("503")
        if "requestBody" in operation:
            expected |= {"413", "422"}
        assert expected <= statuses, where


def test_every_post_declares_the_idempotency_key_with_its_limits(
    document: dict[str, Any],
) -> None:
    missing = []
    for where, operation in _ops(document):
        if not where.startswith("POST "):
            continue
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        keys = [h for h in headers if h["name"] == "Idempotency-Key"]
        if not keys:
            missing.append(where)
            continue
        assert keys[0]["schema"] == {
            "type": "string",
            "minLength": 1,
            "maxLength": IDEMPOTENCY_KEY_MAX,
        }
    assert missing == []


def _typed_2xx(operation: dict[str, Any]) -> bool:
    for status, response in operation["responses"].items():
        if not status.startswith("2"):
            continue
        if status == "204":
            return True
        schemas = [c.get("schema", {}) for c in response.get("content", {}).values()]
        if schemas and all(_says_something(schema) for schema in schemas):
            return True
    return False


def _says_something(schema: dict[str, Any]) -> bool:
    # `Any` gives a schema with a title only, `dict[str, Any]` an object of anything.
    return bool(TYPED_KEYS & set(schema)) or schema.get("type", "object") != "object"


def test_every_operation_has_a_typed_success_answer(document: dict[str, Any]) -> None:
    untyped = [where for where, operation in _ops(document) if not _typed_2xx(operation)]
    assert untyped == [], f"{len(untyped)} operations without a 2xx schema: {untyped}"


def test_webhooks_describe_every_subscribable_event_with_its_signature_headers(
    document: dict[str, Any],
) -> None:
    webhooks = document["webhooks"]
    assert set(webhooks) == {*SUBSCRIBABLE_TYPES, TEST_EVENT_TYPE}
    schemas = document["components"]["schemas"]
    for event_type, item in webhooks.items():
        post = item["post"]
        headers = {p["name"] for p in post["parameters"] if p["in"] == "header"}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
        ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        payload = schemas[ref.rsplit("/", 1)[1]]
        assert payload["properties"]["type"]["const"] == event_type
        data = schemas[payload["properties"]["data"]["$ref"].rsplit("/", 1)[1]]
        if event_type != TEST_EVENT_TYPE:
            assert {"event_id", "user_id", "occurred_at", "links"} <= set(data["required"])
    # Thin payloads: no health data in any of them.
    removed = schemas["ExerciseRemovedData"]["properties"]
    assert "evidence" not in removed and "level" not in schemas["FlareDetectedData"]["properties"]


def _one_route_app(path: str, model: type[BaseModel]) -> FastAPI:
    app = FastAPI(generate_unique_id_function=lambda route: route.name)
    app.add_api_route(path, lambda: None, response_model=model, name=f"get_{path[4:]}")
    return app


def test_two_different_schemas_under_one_name_fail_loudly() -> None:
    apps = {
        "quiz": _one_route_app("/v1/quiz", create_model("Thing", name=(str, ...))),
        "planner": _one_route_app("/v1/exercises", create_model("Thing", size=(int, ...))),
    }
    with pytest.raises(PublicDocumentError, match="two different schemas named 'Thing'"):
        build_document(apps)


def test_a_public_path_the_proxy_does_not_route_to_its_service_fails_loudly() -> None:
    apps = {"quiz": _one_route_app("/v1/exercises", create_model("Thing", name=(str, ...)))}
    with pytest.raises(PublicDocumentError, match="the proxy routes it to planner"):
        build_document(apps)


def test_the_site_holds_the_document_and_docs_pages_with_local_assets_only(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    write_site(tmp_path, document)

    assert json.loads((tmp_path / SITE_FILES["/openapi.json"]).read_text()) == document
    for url in ("/docs", "/redoc"):
        html = (tmp_path / SITE_FILES[url]).read_text()
        assert not OFF_SITE.search(html), (url, OFF_SITE.findall(html))
        assert "/openapi.json" in html
        for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert asset.startswith(ASSETS_PATH + "/"), asset
            assert (tmp_path / asset.lstrip("/")).stat().st_size > 0, asset


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_every_services_docs_page_is_offline(apps: dict[str, FastAPI], page: str) -> None:
    for name, app in apps.items():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            prefix = {"X-Forwarded-Prefix": f"/services/{name}"}
            response = await client.get(page, headers=prefix)
            assert response.status_code == 200, name
            assert not OFF_SITE.search(response.text), (name, OFF_SITE.findall(response.text))
            for asset in re.findall(r'(?:src|href)="([^"]+)"', response.text):
                assert asset.startswith(f"/services/{name}{ASSETS_PATH}/"), (name, asset)
                served = await client.get(asset.removeprefix(f"/services/{name}"))
                assert served.status_code == 200, (name, asset)
