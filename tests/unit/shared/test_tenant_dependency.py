"""The tenant check is one dependency (the bearer scheme and the key lookup in one call),
documented as before: the `HTTPBearer` scheme on every tenant route."""

from __future__ import annotations

from fastapi.routing import APIRoute

from services.painlog.api import router
from services.painlog.app import build_app
from services.painlog.settings import PainlogSettings
from shared.http.auth import require_tenant


def _route(path: str, method: str) -> APIRoute:
    for route in router.routes:
        if isinstance(route, APIRoute) and route.path == path and method in route.methods:
            return route
    raise AssertionError(f"no {method} {path}")


def test_the_tenant_check_has_no_dependency_of_its_own() -> None:
    route = _route("/v1/users/{user_id}/pain", "POST")
    (tenant,) = [d for d in route.dependant.dependencies if d.call is require_tenant]
    assert tenant.dependencies == []


def test_tenant_routes_are_documented_with_the_bearer_scheme() -> None:
    app = build_app(PainlogSettings(log_level="WARNING"))
    schema = app.openapi()
    operation = schema["paths"]["/v1/users/{user_id}/pain"]["post"]
    assert operation["security"] == [{"HTTPBearer": []}]
    assert schema["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Tenant API key or operator token",
    }
