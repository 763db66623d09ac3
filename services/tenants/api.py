"""Operator endpoints: tenants and their API keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.tenants import service, views
from shared.db.uow import UnitOfWork
from shared.events import streams
from shared.events.base import LineText
from shared.http.auth import Operator
from shared.http.deps import Db, IdempotencyKey, ReadSession
from shared.http.idempotency import Action, Outcome, fingerprint, run_idempotent
from shared.http.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from shared.http.problems import problems
from shared.http.strict_json import StrictJsonRoute
from shared.messaging.bus import EventBus

router = APIRouter(
    prefix="/admin/v1/tenants", tags=["tenants (operator)"], route_class=StrictJsonRoute
)

# A new key must work on every service before its owner can use it; wait this long at most.
PROPAGATION_TIMEOUT_S = 5.0

TenantIdPath = Annotated[str, Path(max_length=64, description="The tenant's id (`tn_...`)")]
KeyIdPath = Annotated[str, Path(max_length=64, description="The key's id")]
_NO_TENANT = problems(404, _404="No tenant with this id")
_BAD_KEY = problems(400, _400="An Idempotency-Key that is empty or over 255 characters")


class NewTenant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: LineText = Field(min_length=1, max_length=200, description="The tenant's display name")


async def _propagated(request: Request, event_type: str = streams.TENANT_KEY_ISSUED) -> bool:
    bus: EventBus = request.app.state.bus
    return await bus.wait_consumed(event_type, PROPAGATION_TIMEOUT_S)


@router.post(
    "",
    status_code=201,
    summary="Create a tenant; its first API key is shown once",
    response_model=views.CreatedTenant,
    responses=_BAD_KEY,
)
async def create_tenant(
    body: NewTenant,
    request: Request,
    db: Db,
    _: Operator,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return 201, await service.create_tenant(uow, body.name)

    outcome = await _run_operator_call(request, db, idempotency_key, body.model_dump_json(), action)
    if outcome.replayed:
        return outcome.response()
    created = views.CreatedTenant.model_validate(outcome.body)
    key = created.api_key.model_copy(update={"propagated": await _propagated(request)})
    answer = created.model_copy(update={"api_key": key})
    return JSONResponse(answer.model_dump(mode="json"), status_code=201)


# Idempotency keys of operator calls live beside the tenants' own, under this scope.
OPERATOR_SCOPE = "_operator"


async def _run_operator_call(
    request: Request, db: Db, key: str | None, canonical_body: str, action: Action
) -> Outcome:
    """An operator POST, idempotent on its key; the stored copy never holds an API key."""
    return await run_idempotent(
        db,
        OPERATOR_SCOPE,
        key,
        fingerprint("POST", request.url.path, canonical_body),
        action,
        redact=_without_secrets,
    )


def _without_secrets(body: dict[str, Any]) -> dict[str, Any]:
    """A replayed answer never shows a key again (it is stored nowhere in clear)."""
    if "api_key" in body:
        created = views.CreatedTenant.model_validate(body)
        hidden = created.model_copy(update={"api_key": created.api_key.without_secret()})
        return hidden.model_dump(mode="json")
    return views.NewKey.model_validate(body).without_secret().model_dump(mode="json")


@router.get("", summary="The tenants, oldest first, a page at a time")
async def list_tenants(
    session: ReadSession,
    _: Operator,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[views.Tenant]:
    return await service.list_tenants(session, limit, cursor)


@router.get(
    "/{tenant_id}",
    summary="A tenant and how many active keys it has",
    responses=_NO_TENANT,
)
async def get_tenant(
    tenant_id: TenantIdPath, session: ReadSession, _: Operator
) -> views.TenantDetail:
    return await service.get_tenant(session, tenant_id)


@router.get(
    "/{tenant_id}/keys",
    summary="A tenant's API keys (ids only), oldest first, a page at a time",
    responses=_NO_TENANT,
)
async def list_keys(
    tenant_id: TenantIdPath,
    session: ReadSession,
    _: Operator,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[views.Key]:
    return await service.list_keys(session, tenant_id, limit, cursor)


@router.post(
    "/{tenant_id}/keys",
    status_code=201,
    summary="Issue another API key (rotation)",
    response_model=views.NewKey,
    responses={**_NO_TENANT, **_BAD_KEY},
)
async def issue_key(
    tenant_id: TenantIdPath,
    request: Request,
    db: Db,
    _: Operator,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return 201, await service.issue_key(uow, tenant_id)

    outcome = await _run_operator_call(request, db, idempotency_key, "", action)
    if outcome.replayed:
        return outcome.response()
    key = views.NewKey.model_validate(outcome.body)
    answer = key.model_copy(update={"propagated": await _propagated(request)})
    return JSONResponse(answer.model_dump(mode="json"), status_code=201)


@router.delete(
    "/{tenant_id}/keys/{key_id}",
    summary="Revoke an API key; answers once every running service refuses it (or after 5 s)",
    responses=problems(404, _404="No key with this id for this tenant"),
)
async def revoke_key(
    tenant_id: TenantIdPath, key_id: KeyIdPath, request: Request, db: Db, _: Operator
) -> views.RevokedKey:
    async with db.unit_of_work() as uow:
        await service.revoke_key(uow, tenant_id, key_id)
    propagated = await _propagated(request, streams.TENANT_KEY_REVOKED)
    return views.RevokedKey(key_id=key_id, propagated=propagated)
