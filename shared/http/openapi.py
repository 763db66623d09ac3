"""A service's OpenAPI document, finished from what FastAPI derives, and its docs pages offline.

FastAPI documents each route's own answers (its response model, its `responses=problems(...)`)
and a 422 in its own shape. What every route of ours can also answer is said here once, from
the path and the operation, never route by route:

- every operation: 500 (`internal-error`);
- one with parameters or a body: 422 (`validation-failed`, `errors` naming each field);
- one with a body: 413 (over the body limit);
- the tenant API (`/v1/...`): 400 (two Authorization headers, a bad `Idempotency-Key`), 401 (no
  valid key), 429 (over the rate limit);
- the operator API (`/admin/...`): 400 (two Authorization headers), 401, 429 (too many wrong
  tokens from one address), 503 (no operator token set on the server).

Every answer >= 400 is `application/problem+json` with the `Problem` schema (RFC 9457);
FastAPI's `HTTPValidationError` is gone. The `Idempotency-Key` header is declared as
`shared.http.deps.IdempotencyKey` says, with its limits, wherever a route takes it.

The docs pages (Swagger UI 5, ReDoc) load their assets from the pinned `fastapi-offline`
package, served by the service itself (`/docs/assets/...`) and, for the public document, by
the proxy (`deploy/public_api.py`): no CDN, so they render on a machine without internet.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from shared.http.deps import IdempotencyKey
from shared.http.problems import PROBLEM_JSON, Problem

SCHEMAS = "#/components/schemas/"
PROBLEM_REF = {"$ref": f"{SCHEMAS}Problem"}
# FastAPI's 422 schemas, replaced by `Problem`.
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
IDEMPOTENCY_HEADER = "idempotency-key"

# The docs' assets: Swagger UI 5 and ReDoc as the pinned fastapi-offline package ships them.
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_PATH = "/docs/assets"
SWAGGER_JS, SWAGGER_CSS, REDOC_JS, FAVICON = (
    "swagger-ui-bundle.js",
    "swagger-ui.css",
    "redoc.standalone.js",
    "favicon.png",
)
ASSETS = (SWAGGER_JS, SWAGGER_CSS, REDOC_JS, FAVICON)
# The browser may fetch nothing but from where the page came: what a docs page needs beyond
# that (a CDN, web fonts) fails visibly instead of quietly working online only.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; frame-ancestors 'none'"
)

_GENERIC = {
    400: "Two Authorization headers, an `Idempotency-Key` outside its limits, or a `cursor`"
    " this list did not give",
    401: "No valid credentials (`WWW-Authenticate: Bearer`)",
    413: "The body is larger than the limit (1 MiB)",
    422: "The request is not valid: `errors` names each bad field",
    429: "Too many requests: retry after `Retry-After` seconds",
    500: "The server failed to answer; retry later",
    503: "No operator token is set on the server",
}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer`"}},
    429: {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 1},
            "description": "Seconds until a request is let through again",
        },
    },
}


def generic_problems(path: str, operation: dict[str, Any]) -> list[int]:
    """The statuses any operation on `path` shaped like `operation` can answer (see above)."""
    statuses = [500]
    body = "requestBody" in operation
    if body or operation.get("parameters"):
        statuses.append(422)
    if body:
        statuses.append(413)
    if path.startswith("/v1/"):
        statuses += [400, 401, 429]
    elif path.startswith("/admin/"):
        statuses += [400, 401, 429, 503]
    return sorted(statuses)


def _idempotency_parameter() -> dict[str, Any]:
    """The header as `shared.http.deps.IdempotencyKey` declares it (description, limits)."""
    header = get_args(IdempotencyKey)[1]
    extra = header.json_schema_extra if isinstance(header.json_schema_extra, dict) else {}
    return {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": header.description,
        "schema": {"type": "string", **extra},
    }


def problem_schemas() -> dict[str, Any]:
    """`Problem` and the schemas it refers to, as components."""
    schema = Problem.model_json_schema(ref_template=SCHEMAS + "{model}", mode="serialization")
    defs = schema.pop("$defs", {})
    return {**defs, "Problem": schema}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each (path, method, operation) of `document`."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def finish_document(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of FastAPI's `document` with the problems and headers described above."""
    document = copy.deepcopy(document)
    idempotency = _idempotency_parameter()
    for path, _, operation in operations(document):
        responses = operation.setdefault("responses", {})
        for status in generic_problems(path, operation):
            responses.setdefault(str(status), {"description": _GENERIC[status]})
        for status, response in responses.items():
            if _is_error(status):
                response["content"] = {PROBLEM_JSON: {"schema": dict(PROBLEM_REF)}}
                if status.isdigit() and int(status) in _HEADERS:
                    response.setdefault("headers", {}).update(_HEADERS[int(status)])
        operation["responses"] = dict(sorted(responses.items()))
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "header" and parameter["name"].lower() == IDEMPOTENCY_HEADER:
                parameter.clear()
                parameter.update(copy.deepcopy(idempotency))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(problem_schemas())
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    dangling = sorted(missing_refs(document))
    if dangling:
        raise ValueError(f"the OpenAPI document refers to schemas it lacks: {dangling}")
    return document


def _is_error(status: str) -> bool:
    return status[:1] in ("4", "5") and (status.isdigit() or status[1:].upper() == "XX")


def missing_refs(document: dict[str, Any]) -> set[str]:
    """Each `#/components/schemas/...` reference with no such schema in `document`."""
    schemas = document.get("components", {}).get("schemas", {})
    found = set()
    for ref in refs(document):
        if ref.startswith(SCHEMAS) and ref[len(SCHEMAS) :] not in schemas:
            found.add(ref)
    return found


def refs(node: Any) -> Iterator[str]:
    """Every `$ref` in `node`, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def swagger_page(openapi_url: str, title: str, assets_url: str) -> str:
    """Swagger UI for the document at `openapi_url`, its assets under `assets_url`."""
    return bytes(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{assets_url}/{SWAGGER_JS}",
            swagger_css_url=f"{assets_url}/{SWAGGER_CSS}",
            swagger_favicon_url=f"{assets_url}/{FAVICON}",
            # No badge from validator.swagger.io: the page asks nothing of another host.
            swagger_ui_parameters={"validatorUrl": None},
        ).body
    ).decode()


def redoc_page(openapi_url: str, title: str, assets_url: str) -> str:
    return bytes(
        get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{assets_url}/{REDOC_JS}",
            redoc_favicon_url=f"{assets_url}/{FAVICON}",
            with_google_fonts=False,
        ).body
    ).decode()


def install_openapi(app: FastAPI) -> None:
    """The finished document at `/openapi.json`, and `/docs` and `/redoc` served offline
    (behind the proxy under `/services/<name>`, the root path the middleware sets)."""
    derive: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:  # built once, on first use: every router is in by then
            app.openapi_schema = finish_document(derive())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    openapi_url = app.openapi_url or "/openapi.json"

    def page(render: Callable[[str, str, str], str]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            root = str(request.scope.get("root_path", "")).rstrip("/")
            html = render(root + openapi_url, app.title, root + ASSETS_PATH)
            return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP})

        return endpoint

    app.add_route("/docs", page(swagger_page), include_in_schema=False)
    app.add_route("/redoc", page(redoc_page), include_in_schema=False)
    app.add_route(f"{ASSETS_PATH}/{{name}}", _asset, include_in_schema=False)


async def _asset(request: Request) -> Response:
    # A route, not a StaticFiles mount: behind the proxy the path arrives without the root
    # path the middleware sets, which a mount cannot match. Only the known files are served.
    name = request.path_params["name"]
    if name not in ASSETS:
        raise HTTPException(404)
    return FileResponse(ASSETS_DIR / name, headers={"Cache-Control": "public, max-age=3600"})


def dumps(document: dict[str, Any]) -> str:
    """The document as written to a file: stable, so a diff shows what changed."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
