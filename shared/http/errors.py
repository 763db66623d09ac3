"""One machine-readable error shape: `{"error": code, "message": text, "fields": [...]}`.

Validation errors name each bad field by its dotted path in the request body (or
`query.x` / `path.x` / `header.x`), so a client can point at the question that was wrong.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


# A 422 lists at most this many errors (the first ones, in input order) and counts the rest:
# a body with a hundred thousand bad items gets a small answer, fast.
MAX_FIELD_ERRORS = 20
MAX_MESSAGE_CHARS = 300


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    shown = errors[:MAX_FIELD_ERRORS]
    fields = [
        {
            # Malformed JSON is located by a character offset: the field at fault is the body.
            "field": ("body" if e["type"] == "json_invalid" else field_path(e["loc"]))[:200],
            "message": str(e["msg"])[:MAX_MESSAGE_CHARS],
            "type": e["type"],
        }
        for e in shown
    ]
    message = "invalid fields: " + ", ".join(sorted({f["field"] for f in fields}))
    body: dict[str, Any] = {"error": "validation_failed", "message": message, "fields": fields}
    if len(errors) > len(shown):
        body["message"] += f" (and {len(errors) - len(shown)} more errors)"
        body["more_errors"] = len(errors) - len(shown)
    return body


async def _validation_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(status_code=422, content=validation_body(list(exc.errors())))


async def _http_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail
    body = (
        detail if isinstance(detail, dict) else {"error": _code(exc.status_code), "message": detail}
    )
    return JSONResponse(status_code=exc.status_code, content=body, headers=exc.headers)


def _code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        422: "unprocessable",
        503: "unavailable",
    }.get(status, "error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
