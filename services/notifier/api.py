"""Routes of the notifier: a tenant's webhook endpoints and their deliveries.

Every id is looked up with the caller's tenant: another tenant's endpoint or delivery is a
404, never a 403 (which would tell it exists).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.notifier import service, store
from services.notifier.domain.addresses import MAX_URL_LENGTH, UrlRefused
from services.notifier.domain.payloads import SUBSCRIBABLE_TYPES
from services.notifier.sender import resolve, vetted_addresses
from services.notifier.settings import NotifierSettings
from shared.db.database import Database
from shared.db.uow import UnitOfWork
from shared.events.base import LineText, PlainText
from shared.http.auth import TenantId
from shared.http.idempotency import fingerprint, run_idempotent
from shared.http.problems import Conflict, NotFound, Unprocessable, field_error
from shared.http.ratelimit import RateLimits
from shared.http.strict_json import StrictJsonRoute

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], route_class=StrictJsonRoute)

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Retries with the same key get the same answer"),
]
EndpointIdPath = Annotated[str, Path(pattern=r"^ep_[0-9a-f]{32}$")]
DeliveryIdPath = Annotated[str, Path(pattern=r"^dlv_[0-9a-f]{32}$")]
SECRET_SHOWN_ONCE = "shown once, in the first answer; rotate the secret if it was lost"  # noqa: S105


def _known_types(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = sorted(set(value) - set(SUBSCRIBABLE_TYPES))
    if unknown:
        raise ValueError(f"unknown event types {unknown}; choose from {list(SUBSCRIBABLE_TYPES)}")
    return sorted(set(value))


class NewEndpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: LineText = Field(
        min_length=1, max_length=MAX_URL_LENGTH, description="https URL to POST to"
    )
    event_types: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=len(SUBSCRIBABLE_TYPES),
        description="Event types to receive; every public type when omitted",
    )
    description: PlainText = Field(default="", max_length=500)

    _types = field_validator("event_types")(_known_types)


class EndpointChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: LineText | None = Field(default=None, min_length=1, max_length=MAX_URL_LENGTH)
    event_types: list[str] | None = Field(
        default=None, min_length=1, max_length=len(SUBSCRIBABLE_TYPES)
    )
    description: PlainText | None = Field(default=None, max_length=500)
    enabled: bool | None = None

    _types = field_validator("event_types")(_known_types)


def _not_found(what: str) -> NotFound:
    return NotFound(f"{what} not found")


def _disabled() -> Conflict:
    return Conflict("the endpoint is disabled; enable it", code="endpoint-disabled")


async def _vet_url(request: Request, url: str) -> None:
    """422 naming `url` unless it (and every address its name resolves to) is allowed."""
    settings: NotifierSettings = request.app.state.settings
    try:
        # A name whose DNS never answers must not hold the request (and a worker) forever.
        async with asyncio.timeout(settings.webhook_attempt_timeout_s):
            await vetted_addresses(url, settings.address_policy, resolve)
    except TimeoutError:
        raise _url_refused("host name did not resolve in time") from None
    except UrlRefused as exc:
        raise _url_refused(str(exc)) from None


def _url_refused(message: str) -> Unprocessable:
    return Unprocessable("invalid fields: url", errors=[field_error("url", message, "url_refused")])


def _without_secret(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "secret": None, "note": SECRET_SHOWN_ONCE}


async def _idempotent(
    request: Request,
    tenant_id: str,
    key: str | None,
    canonical_body: str,
    action: Callable[[UnitOfWork], Any],
    *,
    secret: bool = False,
) -> JSONResponse:
    db: Database = request.app.state.db
    try:
        outcome = await run_idempotent(
            db,
            tenant_id,
            key,
            fingerprint("POST", request.url.path, canonical_body),
            action,
            redact=_without_secret if secret else None,
        )
    except service.NotFound:
        raise _not_found("endpoint or delivery") from None
    except service.EndpointDisabled:
        raise _disabled() from None
    return outcome.response()


@router.get("/event-types", summary="The event types an endpoint can subscribe to")
async def event_types(_: TenantId) -> dict[str, Any]:
    return {"event_types": list(SUBSCRIBABLE_TYPES)}


@router.post(
    "/endpoints",
    status_code=201,
    summary="Register an endpoint; its signing secret is shown in this answer only",
    responses={422: {"description": "`fields` names each bad field (url, event_types, ...)"}},
)
async def create_endpoint(
    body: NewEndpoint, tenant_id: TenantId, request: Request, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    await _vet_url(request, body.url)

    limit = request.app.state.settings.webhook_max_endpoints

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        if await store.count_endpoints(uow.session, tenant_id) >= limit:
            raise Conflict(
                f"endpoints: at most {limit} per tenant; delete one first",
                code="limit-reached",
                limit=limit,
            )
        created = await service.create_endpoint(
            uow,
            tenant_id,
            url=body.url,
            event_types=body.event_types or list(SUBSCRIBABLE_TYPES),
            description=body.description,
        )
        return 201, created

    return await _idempotent(
        request, tenant_id, idempotency_key, body.model_dump_json(), action, secret=True
    )


@router.get("/endpoints", summary="The tenant's endpoints (never their secrets)")
async def list_endpoints(tenant_id: TenantId, request: Request) -> dict[str, Any]:
    db: Database = request.app.state.db
    async with db.read() as session:
        rows = await store.list_endpoints(session, tenant_id)
    return {"endpoints": [service.describe_endpoint(r) for r in rows]}


@router.get("/endpoints/{endpoint_id}", summary="One endpoint; `disabled_reason` says why off")
async def get_endpoint(
    endpoint_id: EndpointIdPath, tenant_id: TenantId, request: Request
) -> dict[str, Any]:
    db: Database = request.app.state.db
    async with db.read() as session:
        row = await store.get_endpoint(session, tenant_id, endpoint_id)
    if row is None:
        raise _not_found("endpoint")
    return service.describe_endpoint(row)


@router.patch(
    "/endpoints/{endpoint_id}", summary="Change url, description, event types; enable, disable"
)
async def update_endpoint(
    endpoint_id: EndpointIdPath, changes: EndpointChanges, tenant_id: TenantId, request: Request
) -> dict[str, Any]:
    if changes.url is not None:
        await _vet_url(request, changes.url)
    db: Database = request.app.state.db
    try:
        async with db.unit_of_work() as uow:
            return await service.update_endpoint(
                uow, tenant_id, endpoint_id, changes.model_dump(exclude_none=True)
            )
    except service.NotFound:
        raise _not_found("endpoint") from None


@router.delete("/endpoints/{endpoint_id}", status_code=204, summary="Remove an endpoint")
async def delete_endpoint(
    endpoint_id: EndpointIdPath, tenant_id: TenantId, request: Request
) -> Response:
    db: Database = request.app.state.db
    try:
        async with db.unit_of_work() as uow:
            await service.delete_endpoint(uow, tenant_id, endpoint_id)
    except service.NotFound:
        raise _not_found("endpoint") from None
    return Response(status_code=204)


@router.post(
    "/endpoints/{endpoint_id}/rotate-secret",
    summary="A new signing secret, shown once; the old one signs beside it for a grace period",
)
async def rotate_secret(
    endpoint_id: EndpointIdPath,
    tenant_id: TenantId,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    settings: NotifierSettings = request.app.state.settings

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        rotated = await service.rotate_secret(
            uow, tenant_id, endpoint_id, settings.webhook_secret_grace_s
        )
        return 200, rotated

    return await _idempotent(request, tenant_id, idempotency_key, "", action, secret=True)


@router.post(
    "/endpoints/{endpoint_id}/test",
    status_code=202,
    summary="Send a `webhook.test` event to the endpoint; see it under deliveries",
)
async def send_test(
    endpoint_id: EndpointIdPath,
    tenant_id: TenantId,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    # Each test makes us send a signed request to the tenant's URL: a few a minute.
    limits: RateLimits = request.app.state.rate_limits
    await limits.hit(request.app.state.settings.webhook_test_limit, "test", tenant_id, endpoint_id)

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return 202, await service.send_test_event(uow, tenant_id, endpoint_id)

    return await _idempotent(request, tenant_id, idempotency_key, "", action)


@router.get(
    "/endpoints/{endpoint_id}/deliveries",
    summary="Deliveries, newest first, each with its attempts and next retry",
)
async def list_deliveries(
    endpoint_id: EndpointIdPath,
    tenant_id: TenantId,
    request: Request,
    status: Annotated[Literal["pending", "succeeded", "failed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    db: Database = request.app.state.db
    async with db.read() as session:
        if await store.get_endpoint(session, tenant_id, endpoint_id) is None:
            raise _not_found("endpoint")
        rows = await store.list_deliveries(
            session, tenant_id, endpoint_id, status=status, limit=limit
        )
        tries = await store.attempts_of(session, tenant_id, [r["delivery_id"] for r in rows])
    return {"deliveries": [service.describe_delivery(r, tries[r["delivery_id"]]) for r in rows]}


@router.get("/endpoints/{endpoint_id}/deliveries/{delivery_id}", summary="One delivery")
async def get_delivery(
    endpoint_id: EndpointIdPath, delivery_id: DeliveryIdPath, tenant_id: TenantId, request: Request
) -> dict[str, Any]:
    db: Database = request.app.state.db
    async with db.read() as session:
        row = await store.get_delivery(session, tenant_id, endpoint_id, delivery_id)
        if row is None:
            raise _not_found("delivery")
        tries = await store.attempts_of(session, tenant_id, [delivery_id])
    return service.describe_delivery(row, tries[delivery_id])


@router.post(
    "/endpoints/{endpoint_id}/deliveries/{delivery_id}/retry",
    status_code=202,
    summary="Send a delivery again now, with the same webhook-id",
)
async def retry_delivery(
    endpoint_id: EndpointIdPath,
    delivery_id: DeliveryIdPath,
    tenant_id: TenantId,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return 202, await service.retry_delivery(uow, tenant_id, endpoint_id, delivery_id)

    return await _idempotent(request, tenant_id, idempotency_key, "", action)
