"""One error shape for every service and the proxy: RFC 9457 problem details
(`application/problem+json`), with `type`, `title`, `status`, `detail` and, for a request that
is not valid, an `errors` list naming each bad field by its dotted path in the body (or
`query.x` / `path.x` / `header.x`), so a client can point at the question that was wrong.

The handling is fastapi-problem's (`new_exception_handler`: 500s included); what is ours is
the field list (bounded, whatever the input's size), the problem types and the schema the
OpenAPI document gives for them (`Problem`, one per status in `problems(...)`).

Code raises `ApiError` (or `NotFound`, `Conflict`, ...): an `HTTPException`, so FastAPI's body
parsing passes one raised while reading the body on as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import rfc9457
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi_problem.handler import ExceptionHandler, new_exception_handler
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
# A problem's `type` is this URI reference with the problem's code: `/problems/not-found`.
TYPE_URI = "/problems/{type}"

# A 422 lists at most this many errors (the first ones, in input order) and counts the rest:
# a body with a hundred thousand bad items gets a small answer, fast.
MAX_FIELD_ERRORS = 20
MAX_MESSAGE_CHARS = 300

# The code of a status's problem when the code raising it names none.
_CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    422: "validation-failed",
    429: "rate-limited",
    500: "internal-error",
    502: "bad-gateway",
    503: "unavailable",
}


class FieldError(BaseModel):
    """One bad field of a request."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(description="Dotted path in the body, or `query.x`, `path.x`, `header.x`")
    message: str
    type: str = Field(description="What is wrong, as a code (`missing`, `string_too_long`, ...)")


class Problem(BaseModel):
    """An error answer (RFC 9457). `type` names the kind of problem (`/problems/not-found`);
    `errors` names each bad field of a request that was not valid."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    type: str = Field(examples=["/problems/not-found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["no plan for this user"])
    errors: list[FieldError] | None = Field(
        default=None, description=f"Each bad field (the first {MAX_FIELD_ERRORS})"
    )
    more_errors: int | None = Field(
        default=None,
        description=f"How many bad fields were left out past the first {MAX_FIELD_ERRORS}",
    )


def problem_body(
    status: int,
    detail: str | None = None,
    *,
    code: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    **extras: Any,
) -> dict[str, Any]:
    """The JSON body of a problem (for code that answers without raising: middlewares)."""
    return _problem(status, detail, code=code, errors=errors, **extras).marshal(uri=TYPE_URI)


def problem_bytes(status: int, detail: str | None = None, **kwargs: Any) -> bytes:
    return json.dumps(problem_body(status, detail, **kwargs), separators=(",", ":")).encode()


def _problem(
    status: int,
    detail: str | None,
    *,
    code: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    **extras: Any,
) -> rfc9457.Problem:
    if errors is not None:
        extras["errors"] = errors
    return rfc9457.Problem(
        title=HTTPStatus(status).phrase,
        type_=code or _CODES.get(status, "error"),
        detail=detail,
        status=status,
        headers=dict(headers) if headers else None,
        **extras,
    )


class ApiError(HTTPException):
    """A problem to answer with: `raise ApiError(409, "...", code="endpoint-disabled")`."""

    status = 500

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        **extras: Any,
    ) -> None:
        status = status or self.status
        super().__init__(status, detail=detail, headers=dict(headers) if headers else None)
        self.problem = _problem(status, detail, code=code, errors=errors, headers=headers, **extras)


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class Unprocessable(ApiError):
    status = 422


class Unavailable(ApiError):
    status = 503


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def field_error(field: str, message: str, type_: str) -> dict[str, str]:
    return {"field": field[:200], "message": message[:MAX_MESSAGE_CHARS], "type": type_}


def validation_problem(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The 422 problem for pydantic's `errors`, bounded whatever their number."""
    shown = [
        # Malformed JSON is located by a character offset: the field at fault is the body.
        field_error(
            "body" if e["type"] == "json_invalid" else field_path(e["loc"]),
            str(e["msg"]),
            e["type"],
        )
        for e in errors[:MAX_FIELD_ERRORS]
    ]
    detail = "invalid fields: " + ", ".join(sorted({f["field"] for f in shown}))
    extras: dict[str, Any] = {}
    if len(errors) > len(shown):
        detail += f" (and {len(errors) - len(shown)} more errors)"
        extras["more_errors"] = len(errors) - len(shown)
    return {"detail": detail, "errors": shown, **extras}


def _on_http(_: ExceptionHandler, __: Request, exc: HTTPException) -> rfc9457.Problem:
    if isinstance(exc, ApiError):
        return exc.problem
    # Starlette's own (a path no route has, a method a route does not take).
    detail = exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else None
    return _problem(exc.status_code, detail, headers=exc.headers)


def _on_invalid(_: ExceptionHandler, __: Request, exc: RequestValidationError) -> rfc9457.Problem:
    return _problem(422, **validation_problem(list(exc.errors())))


class _InternalError(rfc9457.StatusProblem):
    # What went wrong inside stays in the log, never in the answer.
    type_ = "internal-error"
    title = HTTPStatus(500).phrase
    status = 500

    def __init__(self, _detail: str | None = None, **kwargs: Any) -> None:
        super().__init__("the server failed to answer; retry later", **kwargs)


def install_problem_handlers(app: FastAPI) -> None:
    handler = new_exception_handler(
        unhandled_wrappers={"default": _InternalError},
        http_exception_handler=_on_http,
        request_validation_handler=_on_invalid,
        documentation_uri_template=TYPE_URI,
    )

    # Async, so a 4xx is answered on the event loop (Starlette runs a sync handler in a
    # thread); fastapi-problem's `add_exception_handler` would also rewrite the OpenAPI
    # document, which `shared.http.openapi` does with our schema.
    async def handle(request: Request, exc: Exception) -> Response:
        return handler(request, exc)

    for exc_class in (Exception, rfc9457.Problem, HTTPException, RequestValidationError):
        app.add_exception_handler(exc_class, handle)


def problems(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status answered with a `Problem`. A description for a
    status is given as `_404="No plan yet for this user"`."""
    return {
        status: {
            "model": Problem,
            "description": descriptions.get(f"_{status}", HTTPStatus(status).phrase),
        }
        for status in statuses
    }
