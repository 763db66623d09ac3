"""A service's OpenAPI document says every problem an operation can answer, in one shape, and
its docs pages load nothing from another host (shared/http/openapi.py)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from shared.http.deps import IDEMPOTENCY_KEY_MAX, IdempotencyKey, UserIdPath
from shared.http.openapi import ASSETS_PATH, PROBLEM_REF, install_openapi, operations
from shared.http.problems import PROBLEM_JSON, problems

OFF_SITE = re.compile(r"cdn|jsdelivr|unpkg|googleapis|https?://", re.IGNORECASE)


class Thing(BaseModel):
    name: str


def _app() -> FastAPI:
    app = FastAPI(title="demo", docs_url=None, redoc_url=None)

    @app.get("/v1/users/{user_id}/thing", responses=problems(404))
    async def get_thing(user_id: UserIdPath) -> Thing:
        return Thing(name=user_id)

    @app.post("/v1/things", status_code=201)
    async def create_thing(thing: Thing, idempotency_key: IdempotencyKey = None) -> Thing:
        return thing

    @app.get("/admin/v1/things")
    async def list_things() -> list[Thing]:
        return []

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    install_openapi(app)
    return app


def _responses(app: FastAPI, path: str, method: str = "get") -> dict[str, dict[str, object]]:
    responses: dict[str, dict[str, object]] = app.openapi()["paths"][path][method]["responses"]
    return responses


def test_every_error_answer_is_a_problem_and_fastapis_422_shape_is_gone() -> None:
    document = _app().openapi()

    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {PROBLEM_JSON: {"schema": PROBLEM_REF}}, (
                    method,
                    path,
                    status,
                )
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert {"Problem", "FieldError"} <= set(schemas)
    assert "HTTPValidationError" not in str(document)


def test_each_operation_documents_the_problems_its_path_and_shape_can_answer() -> None:
    app = _app()

    assert set(_responses(app, "/v1/users/{user_id}/thing")) == {
        "200",
        "400",
        "401",
        "404",
        "422",
        "429",
        "500",
    }
    assert set(_responses(app, "/v1/things", "post")) == {
        "201",
        "400",
        "401",
        "413",
        "422",
        "429",
        "500",
    }
    assert set(_responses(app, "/admin/v1/things")) == {"200", "400", "401", "429", "500", "503"}
    assert set(_responses(app, "/healthz")) == {"200", "500"}
    assert "Retry-After" in _responses(app, "/admin/v1/things")["429"]["headers"]  # type: ignore[operator]


def test_the_idempotency_key_header_is_declared_with_its_limits() -> None:
    operation = _app().openapi()["paths"]["/v1/things"]["post"]

    (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key"
    assert header["required"] is False
    assert header["schema"] == {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX}
    assert "1-255" in header["description"]


async def test_the_document_is_built_once_and_the_route_serves_it() -> None:
    app = _app()
    document = app.openapi()
    assert app.openapi() is document
    assert "Problem" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/openapi.json")).json() == document


@pytest.mark.parametrize("root_path", ["", "/services/demo"])
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_load_their_assets_from_the_service_itself(
    page: str, root_path: str
) -> None:
    transport = httpx.ASGITransport(app=_app(), root_path=root_path)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(page)
        assert response.status_code == 200
        html = response.text
        assert not OFF_SITE.search(html), OFF_SITE.findall(html)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert f"{root_path}/openapi.json" in html
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets and all(a.startswith(f"{root_path}{ASSETS_PATH}/") for a in assets)
        for asset in assets:
            served = await client.get(asset.removeprefix(root_path))
            assert served.status_code == 200, asset
            assert served.content


async def test_only_the_known_asset_files_are_served() -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for path in ("nothing.js", "..%2Fopenapi.py", "%2E%2E%2F__init__.py"):
            assert (await client.get(f"{ASSETS_PATH}/{path}")).status_code == 404, path
