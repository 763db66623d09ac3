"""Operator endpoints: tenants and their API keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.tenants import service
from shared.db.database import Database
from shared.db.uow import UnitOfWork
from shared.events import streams
from shared.events.base import LineText
from shared.http.auth import Operator
from shared.http.idempotency import Action, Outcome, fingerprint, run_idempotent
from shared.http.problems import NotFound
from shared.http.strict_json import StrictJsonRoute
from shared.messaging.bus import EventBus

router = APIRouter(
    prefix="/admin/v1/tenants", tags=["tenants (operator)"], route_class=StrictJsonRoute
)

# A new key must work on every service before its owner can use it; wait this long at most.
PROPAGATION_TIMEOUT_S = 5.0


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class NewTenant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: LineText = Field(min_length=1, max_length=200, description="The tenant's display name")


def _not_found(what: str) -> NotFound:
    return NotFound(f"{what} not found")


async def _propagated(request: Request, event_type: str = streams.TENANT_KEY_ISSUED) -> bool:
    bus: EventBus = request.app.state.bus
    return await bus.wait_consumed(event_type, PROPAGATION_TIMEOUT_S)


@router.post("", status_code=201, summary="Create a tenant; its first API key is shown once")
async def create_tenant(
    body: NewTenant, request: Request, _: Operator, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return 201, await service.create_tenant(uow, body.name)

    outcome = await _run_operator_call(request, idempotency_key, body.model_dump_json(), action)
    if outcome.replayed:
        return outcome.response()
    created = {**outcome.body, "api_key": {**outcome.body["api_key"]}}
    created["api_key"]["propagated"] = await _propagated(request)
    return JSONResponse(created, status_code=201)


# Idempotency keys of operator calls live beside the tenants' own, under this scope.
OPERATOR_SCOPE = "_operator"


async def _run_operator_call(
    request: Request, key: str | None, canonical_body: str, action: Action
) -> Outcome:
    """An operator POST, idempotent on its key; the stored copy never holds an API key."""
    return await run_idempotent(
        request.app.state.db,
        OPERATOR_SCOPE,
        key,
        fingerprint("POST", request.url.path, canonical_body),
        action,
        redact=_without_secrets,
    )


def _without_secrets(body: dict[str, Any]) -> dict[str, Any]:
    """A replayed answer never shows a key again (it is stored nowhere in clear)."""
    if "api_key" in body:
        return {**body, "api_key": _without_secrets(body["api_key"])}
    return {
        **{k: v for k, v in body.items() if k != "key"},
        "key": None,
        "note": "shown once, in the first answer; issue a new key if it was lost",
    }


@router.get("", summary="List tenants")
async def list_tenants(request: Request, _: Operator) -> dict[str, Any]:
    db: Database = request.app.state.db
    async with db.read() as session:
        return {"tenants": await service.list_tenants(session)}


@router.get("/{tenant_id}", summary="A tenant and its keys (ids only)")
async def get_tenant(tenant_id: str, request: Request, _: Operator) -> dict[str, Any]:
    db: Database = request.app.state.db
    try:
        async with db.read() as session:
            return await service.get_tenant(session, tenant_id)
    except service.NotFound:
        raise _not_found("tenant") from None


@router.post("/{tenant_id}/keys", status_code=201, summary="Issue another API key (rotation)")
async def issue_key(
    tenant_id: str, request: Request, _: Operator, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return 201, await service.issue_key(uow, tenant_id)

    try:
        outcome = await _run_operator_call(request, idempotency_key, "", action)
    except service.NotFound:
        raise _not_found("tenant") from None
    if outcome.replayed:
        return outcome.response()
    key = {**outcome.body, "propagated": await _propagated(request)}
    return JSONResponse(key, status_code=201)


@router.delete(
    "/{tenant_id}/keys/{key_id}",
    summary="Revoke an API key; answers once every running service refuses it (or after 5 s)",
)
async def revoke_key(tenant_id: str, key_id: str, request: Request, _: Operator) -> dict[str, Any]:
    db: Database = request.app.state.db
    try:
        async with db.unit_of_work() as uow:
            await service.revoke_key(uow, tenant_id, key_id)
    except service.NotFound:
        raise _not_found("key") from None
    propagated = await _propagated(request, streams.TENANT_KEY_REVOKED)
    return {"key_id": key_id, "revoked": True, "propagated": propagated}
