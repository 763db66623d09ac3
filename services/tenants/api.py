"""Operator endpoints: tenants and their API keys."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.tenants import service
from shared.db.database import Database
from shared.db.uow import UnitOfWork
from shared.events import streams
from shared.http.auth import Operator
from shared.http.idempotency import fingerprint, run_idempotent
from shared.messaging.bus import EventBus

router = APIRouter(prefix="/admin/v1/tenants", tags=["tenants (operator)"])

# A new key must work on every service before its owner can use it; wait this long at most.
PROPAGATION_TIMEOUT_S = 5.0


class NewTenant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, description="The tenant's display name")


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, detail={"error": "not_found", "message": f"{what} not found"})


async def _propagated(request: Request, event_type: str = streams.TENANT_KEY_ISSUED) -> bool:
    bus: EventBus = request.app.state.bus
    return await bus.wait_consumed(event_type, PROPAGATION_TIMEOUT_S)


@router.post("", status_code=201, summary="Create a tenant; its first API key is shown once")
async def create_tenant(
    body: NewTenant,
    request: Request,
    _: Operator,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    db: Database = request.app.state.db

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return 201, await service.create_tenant(uow, body.name)

    response = await run_idempotent(
        db,
        OPERATOR_SCOPE,
        idempotency_key,
        fingerprint("POST", request.url.path, body.model_dump_json()),
        action,
        redact=_without_secret,
    )
    if response.headers.get("Idempotent-Replayed") is None:
        created = json.loads(bytes(response.body))
        created["api_key"]["propagated"] = await _propagated(request)
        return JSONResponse(created, status_code=201)
    return response


# Idempotency keys of operator calls live beside the tenants' own, under this scope.
OPERATOR_SCOPE = "_operator"


def _key_without_secret(key: dict[str, Any]) -> dict[str, Any]:
    """A replayed answer never shows the key again (it is stored nowhere in clear)."""
    return {
        **{k: v for k, v in key.items() if k != "key"},
        "key": None,
        "note": "shown once, in the first answer; issue a new key if it was lost",
    }


def _without_secret(created: dict[str, Any]) -> dict[str, Any]:
    return {**created, "api_key": _key_without_secret(created["api_key"])}


@router.get("", summary="List tenants")
async def list_tenants(request: Request, _: Operator) -> dict[str, Any]:
    db: Database = request.app.state.db
    async with db.unit_of_work() as uow:
        return {"tenants": await service.list_tenants(uow)}


@router.get("/{tenant_id}", summary="A tenant and its keys (ids only)")
async def get_tenant(tenant_id: str, request: Request, _: Operator) -> dict[str, Any]:
    db: Database = request.app.state.db
    try:
        async with db.unit_of_work() as uow:
            return await service.get_tenant(uow, tenant_id)
    except service.NotFound:
        raise _not_found("tenant") from None


@router.post("/{tenant_id}/keys", status_code=201, summary="Issue another API key (rotation)")
async def issue_key(
    tenant_id: str,
    request: Request,
    _: Operator,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    db: Database = request.app.state.db

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return 201, await service.issue_key(uow, tenant_id)

    try:
        response = await run_idempotent(
            db,
            OPERATOR_SCOPE,
            idempotency_key,
            fingerprint("POST", request.url.path, ""),
            action,
            redact=_key_without_secret,
        )
    except service.NotFound:
        raise _not_found("tenant") from None
    if response.headers.get("Idempotent-Replayed") is None:
        key = json.loads(bytes(response.body))
        key["propagated"] = await _propagated(request)
        return JSONResponse(key, status_code=201)
    return response


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
