"""Who is calling: a tenant (API key) or an operator (the operator token)."""

from __future__ import annotations

import hmac
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import Scope

from shared.http.deps import database
from shared.http.limits import CHECKED_OPERATOR, CHECKED_TENANT, TWO_AUTHORIZATIONS
from shared.http.problems import BadRequest, Unauthorized, Unavailable
from shared.http.ratelimit import RateLimits
from shared.tenancy.replica import KeyReplica, tenant_for_key

_BEARER = "Tenant API key or operator token"
_bearer = HTTPBearer(auto_error=False, description=_BEARER)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _unauthorized(message: str) -> Unauthorized:
    return Unauthorized(message, headers={"WWW-Authenticate": "Bearer"})


def _one_authorization(request: Request) -> None:
    """Two Authorization headers are ambiguous (a proxy and a client disagreeing on who is
    calling): refused, never resolved by taking the first."""
    if sum(name == b"authorization" for name, _ in request.scope["headers"]) > 1:
        raise BadRequest(**TWO_AUTHORIZATIONS)


class TenantKey(HTTPBearer):
    """The tenant's API key, read as a bearer token and checked in the same call: one
    dependency per request where a check depending on `HTTPBearer` was two (FastAPI solves
    each level's parameters anew). Documented as the same `HTTPBearer` scheme."""

    async def __call__(self, request: Request) -> str:  # type: ignore[override]
        tenant_id: str | None = request.scope.get(CHECKED_TENANT)
        if tenant_id is not None:  # the key was checked (and counted) before routing
            structlog.contextvars.bind_contextvars(tenant_id=tenant_id)
            return tenant_id
        _one_authorization(request)
        credentials = await super().__call__(request)
        if credentials is None:
            raise _unauthorized("missing Authorization: Bearer <tenant API key>")
        replica: KeyReplica | None = request.app.state.key_replica
        if replica is not None:
            # This process's map of its replica: no query per request (shared.tenancy.replica).
            tenant_id = replica.tenant_for(credentials.credentials)
        else:
            db = database(request)
            async with db.read() as session:
                tenant_id = await tenant_for_key(session, db.tables, credentials.credentials)
        if tenant_id is None:
            raise _unauthorized("unknown or revoked API key")
        structlog.contextvars.bind_contextvars(tenant_id=tenant_id)
        return tenant_id


require_tenant = TenantKey(auto_error=False, scheme_name="HTTPBearer", description=_BEARER)


async def require_operator(request: Request, credentials: Credentials) -> None:
    if request.scope.get(CHECKED_OPERATOR):  # checked before the body was read
        return
    _one_authorization(request)
    token = request.app.state.settings.operator_token
    if token is None:
        raise Unavailable("no operator token set")
    # An address that sent too many wrong tokens waits out the window, right token or not:
    # guessing gets no faster with more tries.
    limits: RateLimits = request.app.state.rate_limits
    rule = request.app.state.settings.operator_lockout_after
    address = request.client.host if request.client else "unknown"
    await limits.refuse_if_over(rule, "operator-failures", address)
    if credentials is None or not hmac.compare_digest(
        credentials.credentials.encode(), token.get_secret_value().encode()
    ):
        if credentials is not None:
            await limits.count(rule, "operator-failures", address)
        raise _unauthorized("operator token required")


async def check_operator(scope: Scope) -> None:
    """`require_operator` for `OperatorFirstMiddleware`: the same check, before routing."""
    request = Request(scope)
    await require_operator(request, await _bearer(request))


TenantId = Annotated[str, Depends(require_tenant)]
Operator = Annotated[None, Depends(require_operator)]
