"""Routes of the notifier: a tenant's webhook endpoints and their deliveries.

Every id is looked up with the caller's tenant: another tenant's endpoint or delivery is a
404, never a 403 (which would tell it exists). Each route validates, calls one use case
(`service`) and answers with its view (`views`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from services.notifier import service, views
from services.notifier.domain.payloads import SUBSCRIBABLE_TYPES
from services.notifier.settings import NotifierSettings
from services.notifier.views import (
    DeliveryQueued,
    DeliveryStatus,
    DeliveryView,
    EndpointChanges,
    EndpointCreated,
    EndpointView,
    NewEndpoint,
    SecretRotated,
    SubscribableEventTypes,
)
from shared.db.database import Database
from shared.db.uow import UnitOfWork
from shared.http.auth import TenantId
from shared.http.deps import Db, IdempotencyKey, ReadSession
from shared.http.idempotency import fingerprint, run_idempotent
from shared.http.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    page_of,
)
from shared.http.problems import problems
from shared.http.ratelimit import RateLimits
from shared.http.strict_json import StrictJsonRoute

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], route_class=StrictJsonRoute)

EndpointIdPath = Annotated[str, Path(pattern=r"^ep_[0-9a-f]{32}$")]
DeliveryIdPath = Annotated[str, Path(pattern=r"^dlv_[0-9a-f]{32}$")]
NO_ENDPOINT = "No endpoint with this id for this tenant"
NO_DELIVERY = "No endpoint, or no delivery of it, with these ids for this tenant"
DISABLED = "The endpoint is disabled (`/problems/endpoint-disabled`): enable it first"
BAD_CURSOR = "`cursor` is not one this list gave this tenant (`errors` names `query.cursor`)"
BAD_KEY = "The Idempotency-Key header is not 1-255 characters"
AT_MOST = "The tenant has as many endpoints as it may (`/problems/limit-reached`)"


async def _idempotent(
    request: Request,
    db: Database,
    tenant_id: str,
    key: str | None,
    canonical_body: str,
    action: Callable[[UnitOfWork], Awaitable[tuple[int, dict[str, Any]]]],
    *,
    secret: bool = False,
) -> JSONResponse:
    outcome = await run_idempotent(
        db,
        tenant_id,
        key,
        fingerprint("POST", request.url.path, canonical_body),
        action,
        redact=views.without_secret if secret else None,
    )
    return outcome.response()


@router.get("/event-types", summary="The event types an endpoint can subscribe to")
async def list_event_types(_: TenantId) -> SubscribableEventTypes:
    return views.event_types()


@router.post(
    "/endpoints",
    status_code=201,
    response_model=EndpointCreated,
    summary="Register an endpoint; its signing secret is shown in this answer only",
    responses=problems(400, 409, _400=BAD_KEY, _409=AT_MOST),
)
async def create_endpoint(
    body: NewEndpoint,
    tenant_id: TenantId,
    request: Request,
    db: Db,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    settings: NotifierSettings = request.app.state.settings
    await service.endpoints.vet_url(body.url, settings)

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        created = await service.endpoints.create(
            uow,
            tenant_id,
            url=body.url,
            event_types=body.event_types or list(SUBSCRIBABLE_TYPES),
            description=body.description,
            max_endpoints=settings.webhook_max_endpoints,
        )
        return 201, views.endpoint_created(created).model_dump(mode="json")

    return await _idempotent(
        request, db, tenant_id, idempotency_key, body.model_dump_json(), action, secret=True
    )


@router.get(
    "/endpoints",
    summary="The tenant's endpoints, oldest first (never their secrets)",
    responses=problems(400, _400=BAD_CURSOR),
)
async def list_endpoints(
    tenant_id: TenantId,
    session: ReadSession,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[EndpointView]:
    after = views.page_start(cursor, views.ENDPOINTS_LIST, tenant_id)
    found = await service.endpoints.page(session, tenant_id, after=after, limit=limit)
    shown = [views.endpoint_view(e) for e in found]
    return page_of(shown, limit, views.ENDPOINTS_LIST, tenant_id, views.endpoint_key)


@router.get(
    "/endpoints/{endpoint_id}",
    summary="One endpoint; `disabled_reason` says why off",
    responses=problems(404, _404=NO_ENDPOINT),
)
async def get_endpoint(
    endpoint_id: EndpointIdPath, tenant_id: TenantId, session: ReadSession
) -> EndpointView:
    return views.endpoint_view(await service.endpoints.load(session, tenant_id, endpoint_id))


@router.patch(
    "/endpoints/{endpoint_id}",
    summary="Change url, description, event types; enable, disable",
    responses=problems(404, _404=NO_ENDPOINT),
)
async def update_endpoint(
    endpoint_id: EndpointIdPath,
    changes: EndpointChanges,
    tenant_id: TenantId,
    request: Request,
    db: Db,
) -> EndpointView:
    if changes.url is not None:
        await service.endpoints.vet_url(changes.url, request.app.state.settings)
    async with db.unit_of_work() as uow:
        changed = await service.endpoints.update(
            uow,
            tenant_id,
            endpoint_id,
            url=changes.url,
            description=changes.description,
            event_types=changes.event_types,
            enabled=changes.enabled,
        )
    return views.endpoint_view(changed)


@router.delete(
    "/endpoints/{endpoint_id}",
    status_code=204,
    summary="Remove an endpoint",
    responses=problems(404, _404=NO_ENDPOINT),
)
async def delete_endpoint(endpoint_id: EndpointIdPath, tenant_id: TenantId, db: Db) -> Response:
    async with db.unit_of_work() as uow:
        await service.endpoints.delete(uow, tenant_id, endpoint_id)
    return Response(status_code=204)


@router.post(
    "/endpoints/{endpoint_id}/rotate-secret",
    response_model=SecretRotated,
    summary="A new signing secret, shown once; the old one signs beside it for a grace period",
    responses=problems(400, 404, _400=BAD_KEY, _404=NO_ENDPOINT),
)
async def rotate_endpoint_secret(
    endpoint_id: EndpointIdPath,
    tenant_id: TenantId,
    request: Request,
    db: Db,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    settings: NotifierSettings = request.app.state.settings

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        rotated = await service.endpoints.rotate_secret(
            uow, tenant_id, endpoint_id, settings.webhook_secret_grace_s
        )
        return 200, views.secret_rotated(rotated).model_dump(mode="json")

    return await _idempotent(request, db, tenant_id, idempotency_key, "", action, secret=True)


@router.post(
    "/endpoints/{endpoint_id}/test",
    status_code=202,
    response_model=DeliveryQueued,
    summary="Send a `webhook.test` event to the endpoint; see it under deliveries",
    responses=problems(400, 404, 409, _400=BAD_KEY, _404=NO_ENDPOINT, _409=DISABLED),
)
async def send_test_event(
    endpoint_id: EndpointIdPath,
    tenant_id: TenantId,
    request: Request,
    db: Db,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    # Each test makes us send a signed request to the tenant's URL: a few a minute.
    limits: RateLimits = request.app.state.rate_limits
    await limits.hit(request.app.state.settings.webhook_test_limit, "test", tenant_id, endpoint_id)

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        sent = await service.deliveries.send_test(uow, tenant_id, endpoint_id)
        return 202, views.queued(sent).model_dump(mode="json")

    return await _idempotent(request, db, tenant_id, idempotency_key, "", action)


@router.get(
    "/endpoints/{endpoint_id}/deliveries",
    summary="Deliveries, newest first, each with its attempts and next retry",
    responses=problems(400, 404, _400=BAD_CURSOR, _404=NO_ENDPOINT),
)
async def list_deliveries(
    endpoint_id: EndpointIdPath,
    tenant_id: TenantId,
    session: ReadSession,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[DeliveryView]:
    scope = views.deliveries_list(endpoint_id)
    after = views.page_start(cursor, scope, tenant_id)
    found = await service.deliveries.page(
        session, tenant_id, endpoint_id, status=status, after=after, limit=limit
    )
    shown = [views.delivery_view(d) for d in found]
    return page_of(shown, limit, scope, tenant_id, views.delivery_key)


@router.get(
    "/endpoints/{endpoint_id}/deliveries/{delivery_id}",
    summary="One delivery, with its attempts",
    responses=problems(404, _404=NO_DELIVERY),
)
async def get_delivery(
    endpoint_id: EndpointIdPath,
    delivery_id: DeliveryIdPath,
    tenant_id: TenantId,
    session: ReadSession,
) -> DeliveryView:
    found = await service.deliveries.load(session, tenant_id, endpoint_id, delivery_id)
    return views.delivery_view(found)


@router.post(
    "/endpoints/{endpoint_id}/deliveries/{delivery_id}/retry",
    status_code=202,
    response_model=DeliveryQueued,
    summary="Send a delivery again now, with the same webhook-id",
    responses=problems(400, 404, 409, _400=BAD_KEY, _404=NO_DELIVERY, _409=DISABLED),
)
async def retry_delivery(
    endpoint_id: EndpointIdPath,
    delivery_id: DeliveryIdPath,
    tenant_id: TenantId,
    request: Request,
    db: Db,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        retried = await service.deliveries.retry(uow, tenant_id, endpoint_id, delivery_id)
        return 202, views.queued(retried).model_dump(mode="json")

    return await _idempotent(request, db, tenant_id, idempotency_key, "", action)
